#include "io/http_request.hpp"

#include <algorithm>

namespace frontdesk::io {

namespace {
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

void http_headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> http_headers::get(std::string_view name) const {
  for (const auto& [k, v] : fields_)
    if (iequals(k, name)) return std::string_view{v};
  return std::nullopt;
}

std::size_t http_headers::count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(
      fields_.begin(), fields_.end(), [&](const auto& f) { return iequals(f.first, name); }));
}

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    if (eq == std::string_view::npos)
      out[url_decode(part)] = "";
    else
      out[url_decode(part.substr(0, eq))] = url_decode(part.substr(eq + 1));
  }
  return out;
}

std::optional<std::string> http_request::query_param(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::string http_request::path_param(std::string_view name) const {
  auto it = path_params.find(std::string(name));
  return it == path_params.end() ? std::string{} : it->second;
}

void split_target(http_request& req) {
  std::string_view t = req.target;
  auto q = t.find('?');
  std::string_view raw_path = t.substr(0, q);
  std::string path;
  path.reserve(raw_path.size());
  for (std::size_t i = 0; i < raw_path.size(); ++i) {
    bool escape = raw_path[i] == '%' && i + 2 < raw_path.size() &&
                  hex_value(raw_path[i + 1]) >= 0 && hex_value(raw_path[i + 2]) >= 0;
    // An encoded '/' stays encoded so it can never create a path segment.
    if (escape && hex_value(raw_path[i + 1]) * 16 + hex_value(raw_path[i + 2]) == '/')
      escape = false;
    if (escape) {
      path.push_back(
          static_cast<char>(hex_value(raw_path[i + 1]) * 16 + hex_value(raw_path[i + 2])));
      i += 2;
    } else {
      path.push_back(raw_path[i]);
    }
  }
  req.path = std::move(path);
  req.query = q == std::string_view::npos ? std::map<std::string, std::string>{}
                                          : parse_query(t.substr(q + 1));
}

}  // namespace frontdesk::io
