// OpenAI-compatible /v1/chat/completions: request builder, strict response parser, async client.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/backoff_retry_policy.hpp"
#include "domain/expected.hpp"
#include "io/http_client.hpp"
#include "io/openai_draft.hpp"

namespace frontdesk::io {

struct chat_message {
  std::string role;  // "system", "user", "assistant"
  std::string content;
};

struct token_prices {
  double prompt_usd_per_million = 0.0;
  double completion_usd_per_million = 0.0;
};

struct openai_chat_options {
  std::string base_url = "https://api.openai.com";  // {base}/v1/chat/completions
  std::string api_key;                              // sent as "Authorization: Bearer <key>"
  std::string model = "gpt-4o-mini";
  double temperature = 0.2;
  int max_tokens = 1024;
  bool stream = false;  // ask for text/event-stream (with usage in the last chunk)
  std::chrono::milliseconds timeout{60000};
  token_prices prices;
};

struct token_usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t total_tokens = 0;
};

struct chat_completion {
  draft_answer answer;
  token_usage usage;
  double cost_usd = 0.0;
  std::string model;          // as reported by the server
  std::string finish_reason;  // "stop", ...
  std::string raw_content;    // the model's text, before validation
};

enum class openai_error_kind : std::uint8_t {
  transport,       // no HTTP response
  unauthorized,    // 401 / 403
  rate_limited,    // 429
  server_error,    // 5xx
  client_error,    // other 4xx (bad request, context too long, ...)
  bad_response,    // the envelope is not a chat completion
  invalid_answer,  // the model's content is not exactly the draft object
  truncated,       // finish_reason "length": the answer was cut off
  refused,         // refusal or content filter
};

std::string_view to_string(openai_error_kind k) noexcept;

struct openai_error {
  openai_error_kind kind = openai_error_kind::transport;
  int status = 0;
  std::string message;
  std::optional<std::chrono::seconds> retry_after;
  std::optional<client_error_kind> transport;
  token_usage usage;  // tokens spent even when the answer was unusable
  domain::call_outcome outcome() const;
};

using chat_result = frontdesk::expected<chat_completion, openai_error>;

double compute_cost(const token_usage& usage, const token_prices& prices) noexcept;

client_request build_chat_request(const openai_chat_options& options,
                                  const std::vector<chat_message>& messages);

/// Parses a non-streamed JSON answer or, when the response is text/event-stream, the SSE body.
chat_result parse_chat_response(const http_result& res, const token_prices& prices);

/// Completes a parsed envelope: validates `content` and fills answer + cost.
chat_result finish_chat(std::string content, std::string finish_reason, std::string model,
                        token_usage usage, const token_prices& prices);

/// One attempt per call; callbacks run on the http_client's thread, which must outlive this.
class openai_chat_client {
 public:
  using callback = std::function<void(chat_result)>;
  openai_chat_client(http_client& http, openai_chat_options options);
  void complete(const std::vector<chat_message>& messages, callback cb);
  const openai_chat_options& options() const noexcept { return options_; }

 private:
  http_client& http_;
  openai_chat_options options_;
};

}  // namespace frontdesk::io
