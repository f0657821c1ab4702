#pragma once
// The calls the crash test makes to a running `frontdesk serve`: signed Chatwoot webhooks and
// the operator API. A dead server is an ordinary answer here (nullopt), not a failure.

#include <cstdint>
#include <optional>
#include <string>

#include "io/http_client.hpp"

namespace frontdesk::crash_testing {

/// A customer message in the web widget fixture's shape with the given ids and text.
std::string customer_message_body(std::int64_t conversation, std::int64_t message,
                                  const std::string& text);

class frontdesk_api {
 public:
  frontdesk_api(io::http_client& client, std::string base_url, std::string webhook_secret,
                std::string operator_token);

  /// POST /webhooks/chatwoot signed as Chatwoot signs; nullopt when no answer came back.
  std::optional<io::http_result> webhook(const std::string& body, const std::string& delivery);
  /// GET with the operator token.
  std::optional<io::http_result> get(const std::string& path);
  /// POST JSON with the operator token.
  std::optional<io::http_result> post(const std::string& path, const std::string& body);

 private:
  std::optional<io::http_result> call(io::client_request req);

  io::http_client& client_;
  std::string base_url_;
  std::string secret_;
  std::string token_;
};

}  // namespace frontdesk::crash_testing
