// Asynchronous Chatwoot REST client: every call frontdesk makes, over a shared http_client.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "io/chatwoot_client_types.hpp"
#include "io/chatwoot_client_wire.hpp"
#include "io/http_client.hpp"

namespace frontdesk::io {

/// Callbacks run on the http_client's thread. The http_client and this object must outlive
/// every pending call (multi-step calls such as add_labels continue through this object). One
/// attempt per call: retries belong to the caller (see domain/backoff_retry_policy.hpp and
/// chatwoot_error::outcome()).
class chatwoot_client {
 public:
  template <class T>
  using reply = std::function<void(cw_result<T>)>;

  chatwoot_client(http_client& http, chatwoot_endpoint endpoint);

  const chatwoot_endpoint& endpoint() const noexcept { return endpoint_; }

  /// A 2xx answer whose body cannot be parsed is reported as invalid_response + ambiguous:
  /// the message probably exists.
  void create_message(std::int64_t conversation, std::string content, bool private_note,
                      reply<cw_message> cb);
  void private_note(std::int64_t conversation, std::string content, reply<cw_message> cb) {
    create_message(conversation, std::move(content), true, std::move(cb));
  }
  void public_reply(std::int64_t conversation, std::string content, reply<cw_message> cb) {
    create_message(conversation, std::move(content), false, std::move(cb));
  }
  void list_messages(std::int64_t conversation, std::optional<std::int64_t> before,
                     reply<cw_message_page> cb);
  void get_conversation(std::int64_t conversation, reply<cw_conversation> cb);
  void list_conversations(std::string status, int page, reply<cw_conversation_page> cb);
  void assign_agent(std::int64_t conversation, std::int64_t agent_id, reply<cw_assignee> cb);
  void assign_team(std::int64_t conversation, std::int64_t team_id, reply<cw_assignee> cb);
  void get_labels(std::int64_t conversation, reply<std::vector<std::string>> cb);
  /// Replaces the label set.
  void set_labels(std::int64_t conversation, std::vector<std::string> labels,
                  reply<std::vector<std::string>> cb);
  /// Read, union, write: keeps labels others set. (Not atomic: a concurrent writer between our
  /// read and write can still lose a label; Chatwoot offers nothing better.)
  void add_labels(std::int64_t conversation, std::vector<std::string> labels,
                  reply<std::vector<std::string>> cb);
  void toggle_status(std::int64_t conversation, std::string status, reply<cw_status_result> cb);
  void toggle_priority(std::int64_t conversation, std::optional<std::string> priority,
                       reply<bool> cb);
  /// `attributes_json`: a JSON object that replaces the conversation's custom attributes.
  void set_custom_attributes(std::int64_t conversation, std::string attributes_json,
                             reply<std::string> cb);
  void list_agents(reply<std::vector<cw_agent>> cb);
  void health(reply<std::string> cb);

  /// After an ambiguous send: looks for `reply_text` among outgoing public messages newer than
  /// `after_id`, paging back with `before` (at most `max_pages` pages). Yields the message id
  /// if found, nullopt if it is certainly not there; an ambiguous invalid_response error if
  /// `max_pages` ran out before reaching `after_id`.
  void find_sent_reply(std::int64_t conversation, std::string reply_text, std::int64_t after_id,
                       reply<std::optional<std::int64_t>> cb, int max_pages = 5);

 private:
  template <class T, class Parser>
  void call(client_request req, Parser parse, reply<T> cb);
  void find_page(std::int64_t conversation, std::shared_ptr<const std::string> text,
                 std::int64_t after_id, std::optional<std::int64_t> before, int pages_left,
                 reply<std::optional<std::int64_t>> cb);

  http_client& http_;
  chatwoot_endpoint endpoint_;
};

}  // namespace frontdesk::io
