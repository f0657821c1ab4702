// Plain values for what Chatwoot's REST API returns and how its failures are classified.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/backoff_retry_policy.hpp"
#include "io/http_client.hpp"

namespace frontdesk::io {

/// Where and as whom to call Chatwoot.
struct chatwoot_endpoint {
  std::string base_url;  // e.g. "https://chat.example.com" (no /api/v1)
  std::int64_t account_id = 0;
  std::string api_token;  // an agent or administrator user's access token
  std::chrono::milliseconds timeout{10000};
};

/// Chatwoot's integer message_type (the webhook's string names map to the same values).
enum class cw_message_type : std::uint8_t {
  incoming = 0,
  outgoing = 1,
  activity = 2,
  templated = 3
};

struct cw_message {
  std::int64_t id = 0;
  std::int64_t conversation_id = 0;
  std::string content;  // empty when the JSON held null
  bool content_null = false;
  cw_message_type message_type = cw_message_type::incoming;
  bool is_private = false;
  std::int64_t created_at = 0;  // epoch seconds (0 if absent)
  std::string content_type;
  std::string sender_type;  // "Contact", "User", "AgentBot", ... (may be empty)
  std::optional<std::int64_t> sender_id;
  std::string status;
  std::optional<std::string> source_id;
};

struct cw_contact {
  std::int64_t id = 0;
  std::string name;
  std::string email;
  std::string phone_number;
};

struct cw_conversation {
  std::int64_t id = 0;  // display id
  std::int64_t inbox_id = 0;
  std::string channel;
  std::string status;
  std::optional<std::string> priority;
  std::vector<std::string> labels;
  std::optional<std::int64_t> assignee_id;
  std::optional<std::int64_t> team_id;
  cw_contact contact;
  std::string custom_attributes_json = "{}";  // the object, minified
  std::int64_t last_activity_at = 0;
  std::int64_t unread_count = 0;
  std::optional<cw_message> last_message;
};

struct cw_message_page {
  std::vector<cw_message> messages;  // ascending by id, as Chatwoot returns them
};

struct cw_conversation_page {
  std::vector<cw_conversation> conversations;
  std::int64_t all_count = 0;
};

struct cw_assignee {
  std::int64_t id = 0;
  std::string name;
};

struct cw_agent {
  std::int64_t id = 0;
  std::string name;
  std::string email;
  std::string role;
  std::string availability_status;
};

struct cw_status_result {
  bool success = false;
  std::string current_status;
  std::int64_t conversation_id = 0;
};

enum class chatwoot_error_kind : std::uint8_t {
  transport,         // no HTTP response (see `transport`)
  unauthorized,      // 401: bad token or missing permission
  not_found,         // 404
  unprocessable,     // 422
  rate_limited,      // 429 (see `retry_after`)
  server_error,      // 5xx
  client_error,      // any other 4xx
  invalid_response,  // a response we could not understand (unexpected status or JSON)
  invalid_argument,  // refused before sending
};

std::string_view to_string(chatwoot_error_kind k) noexcept;

struct chatwoot_error {
  chatwoot_error_kind kind = chatwoot_error_kind::transport;
  int status = 0;
  std::string message;
  std::optional<std::chrono::seconds> retry_after;
  std::optional<client_error_kind> transport;
  /// The call may have taken effect without us knowing (see client_error::ambiguous; also a
  /// 2xx answer to a POST whose body we could not parse).
  bool ambiguous = false;

  /// The same facts in the shape the retry policy takes.
  domain::call_outcome outcome() const;
};

}  // namespace frontdesk::io
