#include "io/sse.hpp"

namespace frontdesk::io {

namespace {
std::string strip_newlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c != '\n' && c != '\r' && c != '\0') out.push_back(c);
  return out;
}
}  // namespace

std::string format_sse_event(const sse_event& e) {
  std::string out;
  out.reserve(e.data.size() + e.id.size() + e.event.size() + 32);
  if (e.retry_ms) out += "retry: " + std::to_string(*e.retry_ms) + "\n";
  if (!e.id.empty()) out += "id: " + strip_newlines(e.id) + "\n";
  if (!e.event.empty()) out += "event: " + strip_newlines(e.event) + "\n";
  // Every line of data becomes a data: line; \r\n, \r and \n all end a line in the SSE grammar.
  std::string_view d = e.data;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= d.size(); ++i) {
    if (i == d.size() || d[i] == '\n' || d[i] == '\r') {
      out += "data: ";
      out.append(d.substr(start, i - start));
      out += "\n";
      if (i < d.size() && d[i] == '\r' && i + 1 < d.size() && d[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  out += "\n";
  return out;
}

std::string format_sse_comment(std::string_view text) {
  return ": " + strip_newlines(text) + "\n\n";
}

std::optional<std::string> last_event_id(const http_request& req) {
  auto v = req.header("Last-Event-ID");
  if (!v) return std::nullopt;
  return std::string(*v);
}

}  // namespace frontdesk::io
