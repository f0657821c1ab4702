// A local OpenAI-compatible /v1/chat/completions endpoint (JSON and SSE) with scripted answers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "io/openai_chat.hpp"
#include "io/openai_draft.hpp"
#include "tests/support/test_http_server.hpp"

namespace frontdesk::test_support {

struct openai_server_options {
  bool tls = false;
  std::string api_key = "sk-test";
  std::string model = "gpt-test";
  std::int64_t prompt_tokens = 120;
  std::int64_t completion_tokens = 48;
};

class openai_server {
 public:
  /// Produces the model's message content (normally the draft JSON) for a request.
  using answer_fn = std::function<std::string(const recorded_request&)>;

  explicit openai_server(openai_server_options options = {});
  ~openai_server();

  void start();
  void stop();
  std::uint16_t port() const;
  std::string base_url() const;
  std::string certificate_pem() const;
  /// Options for io::openai_chat_client pointing here (base_url, key, model).
  io::openai_chat_options chat_options() const;

  /// The default answer is a valid draft; these replace it.
  void set_answer(const io::draft_answer& answer);
  void set_answer_content(std::string content);  // any text, valid or not
  void set_answer_fn(answer_fn fn);
  void set_finish_reason(std::string reason);  // default "stop"

  static io::draft_answer sample_answer();

  void inject(fault f);
  std::vector<recorded_request> requests() const;
  std::size_t accepted_connections() const;

 private:
  struct state;
  std::shared_ptr<state> state_;
  std::unique_ptr<test_http_server> server_;
  std::optional<tls_identity> identity_;
};

}  // namespace frontdesk::test_support
