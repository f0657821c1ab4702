#include "tests/support/openai_server.hpp"

#include <boost/json.hpp>
#include <chrono>

namespace frontdesk::test_support {

namespace json = boost::json;

struct openai_server::state {
  openai_server_options options;
  mutable std::mutex mutex;
  answer_fn answer;
  std::string finish_reason = "stop";
  std::int64_t counter = 0;

  canned_response handle(const recorded_request& req);
};

namespace {

canned_response error(int status, std::string_view message, std::string_view type) {
  json::object err{{"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}};
  return canned_response{
      status, "application/json", json::serialize(json::object{{"error", err}}), {}};
}

}  // namespace

canned_response openai_server::state::handle(const recorded_request& req) {
  answer_fn fn;
  std::string finish;
  std::int64_t id = 0;
  {
    std::lock_guard lock(mutex);
    fn = answer;
    finish = finish_reason;
    id = ++counter;
  }
  if (req.path != "/v1/chat/completions")
    return error(404, "Unknown endpoint", "invalid_request_error");
  if (req.method != "POST") return error(405, "Method not allowed", "invalid_request_error");
  if (req.header("Authorization") != "Bearer " + options.api_key) {
    return error(401, "Incorrect API key provided", "invalid_request_error");
  }
  boost::system::error_code ec;
  auto body = json::parse(req.body, ec);
  if (ec || !body.is_object() || !body.as_object().contains("messages") ||
      !body.as_object().at("messages").is_array()) {
    return error(400, "messages is required", "invalid_request_error");
  }
  const auto& obj = body.as_object();
  const bool stream =
      obj.contains("stream") && obj.at("stream").is_bool() && obj.at("stream").as_bool();
  const std::string model = obj.contains("model") && obj.at("model").is_string()
                                ? std::string(obj.at("model").as_string())
                                : options.model;
  const std::string content = fn ? fn(req) : io::to_json(sample_answer());
  const std::string cid = "chatcmpl-test-" + std::to_string(id);
  const auto created = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  json::object usage{{"prompt_tokens", options.prompt_tokens},
                     {"completion_tokens", options.completion_tokens},
                     {"total_tokens", options.prompt_tokens + options.completion_tokens}};
  if (!stream) {
    json::object msg{{"role", "assistant"}, {"content", content}, {"refusal", nullptr}};
    json::object choice{{"index", 0},
                        {"message", std::move(msg)},
                        {"logprobs", nullptr},
                        {"finish_reason", finish}};
    json::object out{{"id", cid},
                     {"object", "chat.completion"},
                     {"created", created},
                     {"model", model},
                     {"choices", json::array{std::move(choice)}},
                     {"usage", std::move(usage)}};
    return canned_response{200, "application/json", json::serialize(out), {}};
  }
  std::string sse;
  auto chunk = [&](json::object delta, json::value reason, bool with_usage) {
    json::array choices;
    if (!with_usage) {
      choices.push_back(json::object{{"index", 0},
                                     {"delta", std::move(delta)},
                                     {"logprobs", nullptr},
                                     {"finish_reason", std::move(reason)}});
    }
    json::object c{{"id", cid},
                   {"object", "chat.completion.chunk"},
                   {"created", created},
                   {"model", model},
                   {"choices", std::move(choices)}};
    c["usage"] = with_usage ? json::value(usage) : json::value(nullptr);
    sse += "data: " + json::serialize(c) + "\n\n";
  };
  chunk(json::object{{"role", "assistant"}, {"content", ""}}, nullptr, false);
  // Split the content in a few deltas, never inside a UTF-8 sequence.
  const std::size_t step = content.size() / 4 + 1;
  std::size_t pos = 0;
  while (pos < content.size()) {
    std::size_t end = std::min(content.size(), pos + step);
    while (end < content.size() && (static_cast<unsigned char>(content[end]) & 0xC0) == 0x80) ++end;
    chunk(json::object{{"content", content.substr(pos, end - pos)}}, nullptr, false);
    pos = end;
  }
  chunk(json::object{}, json::value(finish), false);
  chunk(json::object{}, nullptr, true);
  sse += "data: [DONE]\n\n";
  return canned_response{200, "text/event-stream", std::move(sse), {{"Cache-Control", "no-cache"}}};
}

openai_server::openai_server(openai_server_options options) : state_(std::make_shared<state>()) {
  state_->options = options;
  if (options.tls) identity_ = make_self_signed_identity();
  auto st = state_;
  server_ = std::make_unique<test_http_server>(
      [st](const recorded_request& r) { return st->handle(r); }, identity_);
}

openai_server::~openai_server() {
  stop();
}
void openai_server::start() {
  server_->start();
}
void openai_server::stop() {
  server_->stop();
}
std::uint16_t openai_server::port() const {
  return server_->port();
}
std::string openai_server::base_url() const {
  return server_->base_url();
}
std::string openai_server::certificate_pem() const {
  return identity_ ? identity_->cert_pem : std::string{};
}

io::openai_chat_options openai_server::chat_options() const {
  io::openai_chat_options o;
  o.base_url = base_url();
  o.api_key = state_->options.api_key;
  o.model = state_->options.model;
  return o;
}

io::draft_answer openai_server::sample_answer() {
  io::draft_answer a;
  a.draft = "Hi Jane, your order #1042 ships tomorrow. — Acme Support";
  a.confidence = 0.86;
  a.tags = {"shipping", "order_status"};
  a.sentiment = "neutral";
  a.urgency = io::draft_urgency::medium;
  a.recommended_action = io::draft_action::approve;
  a.sources = {"kb-shipping-times"};
  return a;
}

void openai_server::set_answer(const io::draft_answer& answer) {
  set_answer_content(io::to_json(answer));
}

void openai_server::set_answer_content(std::string content) {
  set_answer_fn([c = std::move(content)](const recorded_request&) { return c; });
}

void openai_server::set_answer_fn(answer_fn fn) {
  std::lock_guard lock(state_->mutex);
  state_->answer = std::move(fn);
}

void openai_server::set_finish_reason(std::string reason) {
  std::lock_guard lock(state_->mutex);
  state_->finish_reason = std::move(reason);
}

void openai_server::inject(fault f) {
  server_->inject(std::move(f));
}
std::vector<recorded_request> openai_server::requests() const {
  return server_->requests();
}
std::size_t openai_server::accepted_connections() const {
  return server_->accepted_connections();
}

}  // namespace frontdesk::test_support
