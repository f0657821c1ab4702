// Parses any Chatwoot webhook body into a plain struct and classifies what it means for frontdesk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/expected.hpp"

namespace frontdesk::io {

/// Chatwoot's message_type: a string in webhooks, an integer (0..3) in REST and nested messages.
enum class chatwoot_message_type { incoming = 0, outgoing = 1, activity = 2, template_message = 3 };

struct chatwoot_sender {
  std::optional<std::int64_t> id;
  std::string name;
  std::string email;
  std::string phone;
  std::string type;  // "contact", "user", "agent_bot", or "" when Chatwoot omits it
};

struct chatwoot_status_change {
  std::string previous;
  std::string current;
};

struct chatwoot_conversation {
  std::int64_t display_id = 0;  // the id used in every API path
  std::optional<std::int64_t> inbox_id;
  std::string channel;  // "Channel::Email", "Channel::WebWidget", ...
  std::string status;   // open, resolved, pending, snoozed
  std::optional<std::string> priority;
  std::vector<std::string> labels;
  std::map<std::string, std::string> custom_attributes;  // numbers and booleans stringified
  std::optional<std::int64_t> contact_id;
  std::optional<std::int64_t> assignee_id;
  std::string updated_at;  // as sent (float epoch), used to tell updates apart
};

struct chatwoot_event {
  std::string event;  // "message_created", "conversation_status_changed", ...
  std::optional<std::int64_t> message_id;
  std::optional<std::string> content;
  std::string content_type;
  std::optional<chatwoot_message_type> message_type;
  bool is_private = false;
  std::optional<std::int64_t> created_at;  // unix seconds, from an ISO string or an integer
  std::optional<std::string> source_id;
  std::optional<chatwoot_sender> sender;
  std::optional<chatwoot_conversation> conversation;
  std::optional<chatwoot_status_change> status_change;  // from changed_attributes
  std::vector<std::string> changed_attributes;          // names of the changed attributes
  std::optional<std::string> email_subject;

  bool is_message_event() const { return event == "message_created" || event == "message_updated"; }
  /// "message_created:4521"; "conversation_status_changed:311:resolved" for conversation events.
  std::string dedupe_key() const;
};

struct chatwoot_parse_error {
  std::string code;  // malformed_json, invalid_utf8, too_deep, too_large, missing_field, wrong_type
  std::string message;  // names the field
};

struct chatwoot_parse_limits {
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_depth = 64;
  std::size_t max_string_bytes = 256 * 1024;
};

expected<chatwoot_event, chatwoot_parse_error> parse_chatwoot_event(
    std::string_view body, const chatwoot_parse_limits& limits = {});

enum class chatwoot_event_kind {
  customer_message,
  private_note_echo,
  agent_reply,
  bot_message,
  message_updated,
  conversation_created,
  conversation_status_changed,
  conversation_updated,
  ignored,
};
std::string_view to_string(chatwoot_event_kind k);

struct chatwoot_classification {
  chatwoot_event_kind kind = chatwoot_event_kind::ignored;
  std::string
      reason;  // why it is ignored or what it is: private_note, outgoing_message, ignored_event...
};

struct chatwoot_classify_options {
  std::optional<std::int64_t> own_user_id;  // frontdesk's Chatwoot user: its messages are echoes
};

chatwoot_classification classify(const chatwoot_event& e,
                                 const chatwoot_classify_options& options = {});

/// "2026-05-06T10:15:32.000Z" (or with ±HH:MM) to unix seconds.
std::optional<std::int64_t> parse_iso8601(std::string_view s);

}  // namespace frontdesk::io
