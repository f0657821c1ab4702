#include "io/openai_stream.hpp"

#include <simdjson.h>

namespace frontdesk::io {

namespace dom = simdjson::dom;

void openai_stream_accumulator::fail(std::string why) {
  if (failed_) return;
  failed_ = true;
  error_.kind = openai_error_kind::bad_response;
  error_.status = 200;
  error_.message = std::move(why);
}

bool openai_stream_accumulator::feed(std::string_view bytes) {
  while (!bytes.empty() && !failed_) {
    const auto nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      pending_.append(bytes);
      if (pending_.size() > max_line_bytes) fail("event-stream line too long");
      break;
    }
    pending_.append(bytes.substr(0, nl));
    bytes.remove_prefix(nl + 1);
    if (pending_.size() > max_line_bytes) {
      fail("event-stream line too long");
      break;
    }
    std::string l = std::move(pending_);
    pending_.clear();
    if (!l.empty() && l.back() == '\r') l.pop_back();
    line(l);
  }
  return !failed_;
}

void openai_stream_accumulator::line(std::string_view l) {
  if (l.empty()) return dispatch();
  if (l.front() == ':') return;  // comment / keep-alive
  const auto colon = l.find(':');
  std::string_view name = l.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? std::string_view{} : l.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (name != "data") return;  // event:, id:, retry: carry nothing we need
  if (has_data_) data_ += '\n';
  data_.append(value);
  has_data_ = true;
  if (data_.size() > max_line_bytes) fail("event-stream event too large");
}

void openai_stream_accumulator::dispatch() {
  if (!has_data_) return;
  std::string data = std::move(data_);
  data_.clear();
  has_data_ = false;
  if (done_) return;  // anything after [DONE] is ignored
  if (data == "[DONE]") {
    done_ = true;
    return;
  }
  dom::parser parser;
  dom::element root;
  if (parser.parse(data).get(root) != simdjson::SUCCESS || !root.is_object()) {
    return fail("event-stream chunk is not a JSON object");
  }
  std::string_view s;
  if (root["error"]["message"].get(s) == simdjson::SUCCESS) {
    failed_ = true;
    error_.kind = openai_error_kind::server_error;
    error_.status = 200;
    error_.message = std::string(s);
    return;
  }
  if (root["model"].get(s) == simdjson::SUCCESS) model_ = std::string(s);
  if (dom::element u; root["usage"].get(u) == simdjson::SUCCESS && u.is_object()) {
    std::int64_t v = 0;
    if (u["prompt_tokens"].get(v) == simdjson::SUCCESS && v >= 0) usage_.prompt_tokens = v;
    if (u["completion_tokens"].get(v) == simdjson::SUCCESS && v >= 0) usage_.completion_tokens = v;
    if (u["total_tokens"].get(v) == simdjson::SUCCESS && v >= 0) {
      usage_.total_tokens = v;
    } else {
      usage_.total_tokens = usage_.prompt_tokens + usage_.completion_tokens;
    }
  }
  dom::array choices;
  if (root["choices"].get(choices) != simdjson::SUCCESS) return;
  for (auto choice : choices) {
    std::int64_t index = 0;
    if (choice["index"].get(index) == simdjson::SUCCESS && index != 0) continue;
    if (choice["delta"]["content"].get(s) == simdjson::SUCCESS) {
      content_.append(s);
      if (content_.size() > max_content_bytes) return fail("streamed content too large");
    }
    if (choice["delta"]["refusal"].get(s) == simdjson::SUCCESS && !s.empty()) refused_ = true;
    if (choice["finish_reason"].get(s) == simdjson::SUCCESS) finish_reason_ = std::string(s);
  }
}

chat_result openai_stream_accumulator::finish(const token_prices& prices) {
  if (!failed_ && !pending_.empty()) {
    std::string l = std::move(pending_);
    pending_.clear();
    if (!l.empty() && l.back() == '\r') l.pop_back();
    line(l);
  }
  if (!failed_) dispatch();
  if (!failed_ && !done_) fail("event stream ended without [DONE]");
  if (failed_) {
    auto e = error_;
    e.usage = usage_;
    return frontdesk::unexpected{e};
  }
  if (refused_) {
    openai_error e;
    e.kind = openai_error_kind::refused;
    e.status = 200;
    e.message = "model refused";
    e.usage = usage_;
    return frontdesk::unexpected{e};
  }
  return finish_chat(content_, finish_reason_, model_, usage_, prices);
}

}  // namespace frontdesk::io
