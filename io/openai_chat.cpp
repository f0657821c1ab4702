#include "io/openai_chat.hpp"

#include <simdjson.h>

#include <boost/json.hpp>
#include <cctype>

#include "domain/retry_after.hpp"
#include "io/openai_stream.hpp"
#include "io/url.hpp"

namespace frontdesk::io {

namespace dom = simdjson::dom;

std::string_view to_string(openai_error_kind k) noexcept {
  switch (k) {
    case openai_error_kind::transport:
      return "transport";
    case openai_error_kind::unauthorized:
      return "unauthorized";
    case openai_error_kind::rate_limited:
      return "rate_limited";
    case openai_error_kind::server_error:
      return "server_error";
    case openai_error_kind::client_error:
      return "client_error";
    case openai_error_kind::bad_response:
      return "bad_response";
    case openai_error_kind::invalid_answer:
      return "invalid_answer";
    case openai_error_kind::truncated:
      return "truncated";
    case openai_error_kind::refused:
      return "refused";
  }
  return "transport";
}

domain::call_outcome openai_error::outcome() const {
  domain::call_outcome o;
  switch (kind) {
    case openai_error_kind::transport:
    case openai_error_kind::bad_response:
      o.transport_failure = true;
      break;
    case openai_error_kind::invalid_answer:
    case openai_error_kind::truncated:
    case openai_error_kind::refused:
      // A bad answer is worth another draw: treat like a server-side failure.
      o.status = 502;
      break;
    default:
      o.status = status;
  }
  // Drafting is read-only on the provider side: a lost answer is just lost tokens.
  o.ambiguous = false;
  if (retry_after)
    o.retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(*retry_after);
  return o;
}

double compute_cost(const token_usage& usage, const token_prices& prices) noexcept {
  return static_cast<double>(usage.prompt_tokens) * prices.prompt_usd_per_million / 1e6 +
         static_cast<double>(usage.completion_tokens) * prices.completion_usd_per_million / 1e6;
}

client_request build_chat_request(const openai_chat_options& options,
                                  const std::vector<chat_message>& messages) {
  namespace json = boost::json;
  json::array msgs;
  for (const auto& m : messages)
    msgs.push_back(json::object{{"role", m.role}, {"content", m.content}});
  json::object body{{"model", options.model},
                    {"messages", std::move(msgs)},
                    {"temperature", options.temperature},
                    {"max_tokens", options.max_tokens},
                    {"response_format", json::parse(draft_response_format_json())}};
  if (options.stream) {
    body["stream"] = true;
    body["stream_options"] = json::object{{"include_usage", true}};
  }
  client_request r;
  r.method = http_method::post;
  r.url = join_url(options.base_url, "/v1/chat/completions");
  r.headers.emplace_back("Authorization", "Bearer " + options.api_key);
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("Accept", options.stream ? "text/event-stream" : "application/json");
  r.body = json::serialize(body);
  r.timeout = options.timeout;
  return r;
}

namespace {

openai_error make_error(openai_error_kind kind, int status, std::string message) {
  openai_error e;
  e.kind = kind;
  e.status = status;
  e.message = std::move(message);
  return e;
}

openai_error map_status(const http_result& res) {
  const int s = res.status;
  openai_error_kind kind = openai_error_kind::client_error;
  if (s == 401 || s == 403) {
    kind = openai_error_kind::unauthorized;
  } else if (s == 429) {
    kind = openai_error_kind::rate_limited;
  } else if (s >= 500 && s <= 599) {
    kind = openai_error_kind::server_error;
  } else if (s < 400 || s > 599) {
    kind = openai_error_kind::bad_response;
  }
  auto e = make_error(kind, s, {});
  if (s == 429 || s == 503) {
    if (auto ra = res.header("Retry-After")) {
      const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      e.retry_after = domain::parse_retry_after(*ra, now);
    }
  }
  dom::parser parser;
  dom::element root;
  std::string_view msg;
  if (parser.parse(res.body).get(root) == simdjson::SUCCESS &&
      root["error"]["message"].get(msg) == simdjson::SUCCESS) {
    e.message = std::string(msg);
  } else {
    e.message = res.body.substr(0, 300);
  }
  if (e.message.empty()) e.message = "HTTP " + std::to_string(s);
  return e;
}

token_usage usage_from(dom::element u) {
  token_usage out;
  std::int64_t v = 0;
  if (u["prompt_tokens"].get(v) == simdjson::SUCCESS && v >= 0) out.prompt_tokens = v;
  if (u["completion_tokens"].get(v) == simdjson::SUCCESS && v >= 0) out.completion_tokens = v;
  if (u["total_tokens"].get(v) == simdjson::SUCCESS && v >= 0) {
    out.total_tokens = v;
  } else {
    out.total_tokens = out.prompt_tokens + out.completion_tokens;
  }
  return out;
}

bool is_event_stream(const http_result& res) {
  auto ct = res.header("Content-Type");
  if (!ct) return false;
  std::string lower(*ct);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("text/event-stream") != std::string::npos;
}

}  // namespace

chat_result finish_chat(std::string content, std::string finish_reason, std::string model,
                        token_usage usage, const token_prices& prices) {
  auto fail = [&](openai_error_kind kind, std::string msg) {
    auto e = make_error(kind, 200, std::move(msg));
    e.usage = usage;
    return chat_result{frontdesk::unexpected{e}};
  };
  if (finish_reason == "length") return fail(openai_error_kind::truncated, "answer cut off");
  if (finish_reason == "content_filter") {
    return fail(openai_error_kind::refused, "content filter stopped the answer");
  }
  auto answer = validate_draft_answer(content);
  if (!answer) return fail(openai_error_kind::invalid_answer, answer.error());
  chat_completion out;
  out.answer = std::move(*answer);
  out.usage = usage;
  out.cost_usd = compute_cost(usage, prices);
  out.model = std::move(model);
  out.finish_reason = std::move(finish_reason);
  out.raw_content = std::move(content);
  return out;
}

chat_result parse_chat_response(const http_result& res, const token_prices& prices) {
  if (res.status < 200 || res.status > 299) return frontdesk::unexpected{map_status(res)};
  if (is_event_stream(res)) {
    openai_stream_accumulator acc;
    acc.feed(res.body);
    return acc.finish(prices);
  }
  dom::parser parser;
  dom::element root;
  if (parser.parse(res.body).get(root) != simdjson::SUCCESS) {
    return frontdesk::unexpected{
        make_error(openai_error_kind::bad_response, res.status, "body is not valid JSON")};
  }
  token_usage usage;
  if (dom::element u; root["usage"].get(u) == simdjson::SUCCESS && u.is_object()) {
    usage = usage_from(u);
  }
  dom::element choice;
  if (root["choices"].at(0).get(choice) != simdjson::SUCCESS) {
    auto e = make_error(openai_error_kind::bad_response, res.status, "no choices[0]");
    e.usage = usage;
    return frontdesk::unexpected{e};
  }
  std::string_view refusal;
  if (choice["message"]["refusal"].get(refusal) == simdjson::SUCCESS && !refusal.empty()) {
    auto e = make_error(openai_error_kind::refused, res.status, std::string(refusal));
    e.usage = usage;
    return frontdesk::unexpected{e};
  }
  std::string_view content;
  if (choice["message"]["content"].get(content) != simdjson::SUCCESS) {
    auto e = make_error(openai_error_kind::bad_response, res.status,
                        "choices[0].message.content is not a string");
    e.usage = usage;
    return frontdesk::unexpected{e};
  }
  std::string_view finish_reason, model;
  if (choice["finish_reason"].get(finish_reason) != simdjson::SUCCESS) finish_reason = {};
  if (root["model"].get(model) != simdjson::SUCCESS) model = {};
  return finish_chat(std::string(content), std::string(finish_reason), std::string(model), usage,
                     prices);
}

openai_chat_client::openai_chat_client(http_client& http, openai_chat_options options)
    : http_(http), options_(std::move(options)) {}

void openai_chat_client::complete(const std::vector<chat_message>& messages, callback cb) {
  http_.request(build_chat_request(options_, messages),
                [prices = options_.prices, cb = std::move(cb)](client_outcome out) {
                  if (!out) {
                    openai_error e;
                    e.kind = openai_error_kind::transport;
                    e.transport = out.error().kind;
                    e.message = out.error().message;
                    return cb(frontdesk::unexpected{e});
                  }
                  cb(parse_chat_response(*out, prices));
                });
}

}  // namespace frontdesk::io
