// Chatwoot REST calls as pure functions: request builders and response parsers, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/expected.hpp"
#include "io/chatwoot_client_types.hpp"
#include "io/http_client.hpp"

namespace frontdesk::io {

template <class T>
using cw_result = frontdesk::expected<T, chatwoot_error>;

// ---- builders (paths under {base}/api/v1/accounts/{account_id}) ----
client_request build_create_message(const chatwoot_endpoint& ep, std::int64_t conversation,
                                    std::string_view content, bool private_note);
client_request build_list_messages(const chatwoot_endpoint& ep, std::int64_t conversation,
                                   std::optional<std::int64_t> before = std::nullopt);
client_request build_get_conversation(const chatwoot_endpoint& ep, std::int64_t conversation);
/// status: open / resolved / pending / snoozed / all; assignee_type: all / me / unassigned.
client_request build_list_conversations(const chatwoot_endpoint& ep, std::string_view status,
                                        std::string_view assignee_type, int page);
client_request build_assign_agent(const chatwoot_endpoint& ep, std::int64_t conversation,
                                  std::int64_t agent_id);
client_request build_assign_team(const chatwoot_endpoint& ep, std::int64_t conversation,
                                 std::int64_t team_id);
client_request build_get_labels(const chatwoot_endpoint& ep, std::int64_t conversation);
/// Replaces the conversation's whole label set.
client_request build_set_labels(const chatwoot_endpoint& ep, std::int64_t conversation,
                                const std::vector<std::string>& labels);
client_request build_toggle_status(const chatwoot_endpoint& ep, std::int64_t conversation,
                                   std::string_view status);
/// priority: low / medium / high / urgent; nullopt clears it (JSON null).
client_request build_toggle_priority(const chatwoot_endpoint& ep, std::int64_t conversation,
                                     std::optional<std::string_view> priority);
/// `attributes_json` must be a JSON object (it replaces the conversation's attributes).
cw_result<client_request> build_set_custom_attributes(const chatwoot_endpoint& ep,
                                                      std::int64_t conversation,
                                                      std::string_view attributes_json);
client_request build_list_agents(const chatwoot_endpoint& ep);
/// GET {base}/health (outside the account prefix).
client_request build_health(const chatwoot_endpoint& ep);

// ---- parsers (non-2xx answers become chatwoot_error with the status mapped) ----
/// Classifies a non-2xx answer (also used by the parsers below).
chatwoot_error map_error_response(const http_result& res);
chatwoot_error map_transport_error(const client_error& err);

cw_result<cw_message> parse_message_response(const http_result& res);
cw_result<cw_message_page> parse_messages_response(const http_result& res);
cw_result<cw_conversation> parse_conversation_response(const http_result& res);
cw_result<cw_conversation_page> parse_conversations_response(const http_result& res);
cw_result<cw_assignee> parse_assignment_response(const http_result& res);
cw_result<std::vector<std::string>> parse_labels_response(const http_result& res);
cw_result<cw_status_result> parse_toggle_status_response(const http_result& res);
/// toggle_priority answers 200 with an empty body.
cw_result<bool> parse_empty_response(const http_result& res);
/// Returns the minified custom_attributes object.
cw_result<std::string> parse_custom_attributes_response(const http_result& res);
cw_result<std::vector<cw_agent>> parse_agents_response(const http_result& res);
/// The "status" field of /health ("woot" when healthy).
cw_result<std::string> parse_health_response(const http_result& res);

/// Parses one message object in either shape (REST: integer message_type/created_at; webhook:
/// string message_type, ISO created_at).
cw_result<cw_message> parse_message_json(std::string_view json);

// ---- helpers ----
/// Labels in `current` followed by those in `add` not already present (order kept, no dups).
std::vector<std::string> union_labels(const std::vector<std::string>& current,
                                      const std::vector<std::string>& add);

/// Exactly-once support: the id of an outgoing, non-private message with id > `after_id` whose
/// content equals `reply_text` (ignoring leading/trailing whitespace and CR before LF), or
/// nullopt. We match content rather than embed an invisible marker because markers leak into
/// e-mail and SMS bodies; `after_id` (the newest message id seen before sending) keeps an
/// identical older reply from matching.
std::optional<std::int64_t> find_reply(const std::vector<cw_message>& messages,
                                       std::string_view reply_text, std::int64_t after_id = 0);

}  // namespace frontdesk::io
