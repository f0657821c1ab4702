#include "io/chatwoot_client.hpp"

#include <memory>

namespace frontdesk::io {

chatwoot_client::chatwoot_client(http_client& http, chatwoot_endpoint endpoint)
    : http_(http), endpoint_(std::move(endpoint)) {}

template <class T, class Parser>
void chatwoot_client::call(client_request req, Parser parse, reply<T> cb) {
  const bool is_post = req.method == http_method::post;
  http_.request(std::move(req), [parse, is_post, cb = std::move(cb)](client_outcome out) {
    if (!out) return cb(frontdesk::unexpected{map_transport_error(out.error())});
    cw_result<T> parsed = parse(*out);
    if (!parsed && is_post && parsed.error().kind == chatwoot_error_kind::invalid_response &&
        out->status >= 200 && out->status < 300) {
      auto e = parsed.error();
      e.ambiguous = true;
      return cb(frontdesk::unexpected{e});
    }
    cb(std::move(parsed));
  });
}

void chatwoot_client::create_message(std::int64_t conversation, std::string content,
                                     bool private_note, reply<cw_message> cb) {
  call<cw_message>(build_create_message(endpoint_, conversation, content, private_note),
                   parse_message_response, std::move(cb));
}

void chatwoot_client::list_messages(std::int64_t conversation, std::optional<std::int64_t> before,
                                    reply<cw_message_page> cb) {
  call<cw_message_page>(build_list_messages(endpoint_, conversation, before),
                        parse_messages_response, std::move(cb));
}

void chatwoot_client::get_conversation(std::int64_t conversation, reply<cw_conversation> cb) {
  call<cw_conversation>(build_get_conversation(endpoint_, conversation),
                        parse_conversation_response, std::move(cb));
}

void chatwoot_client::list_conversations(std::string status, int page,
                                         reply<cw_conversation_page> cb) {
  call<cw_conversation_page>(build_list_conversations(endpoint_, status, "all", page),
                             parse_conversations_response, std::move(cb));
}

void chatwoot_client::assign_agent(std::int64_t conversation, std::int64_t agent_id,
                                   reply<cw_assignee> cb) {
  call<cw_assignee>(build_assign_agent(endpoint_, conversation, agent_id),
                    parse_assignment_response, std::move(cb));
}

void chatwoot_client::assign_team(std::int64_t conversation, std::int64_t team_id,
                                  reply<cw_assignee> cb) {
  call<cw_assignee>(build_assign_team(endpoint_, conversation, team_id), parse_assignment_response,
                    std::move(cb));
}

void chatwoot_client::get_labels(std::int64_t conversation, reply<std::vector<std::string>> cb) {
  call<std::vector<std::string>>(build_get_labels(endpoint_, conversation), parse_labels_response,
                                 std::move(cb));
}

void chatwoot_client::set_labels(std::int64_t conversation, std::vector<std::string> labels,
                                 reply<std::vector<std::string>> cb) {
  call<std::vector<std::string>>(build_set_labels(endpoint_, conversation, labels),
                                 parse_labels_response, std::move(cb));
}

void chatwoot_client::add_labels(std::int64_t conversation, std::vector<std::string> labels,
                                 reply<std::vector<std::string>> cb) {
  get_labels(conversation, [this, conversation, labels = std::move(labels),
                            cb = std::move(cb)](cw_result<std::vector<std::string>> current) {
    if (!current) return cb(std::move(current));
    auto merged = union_labels(*current, labels);
    if (merged == *current) return cb(std::move(current));  // nothing new: no write
    set_labels(conversation, std::move(merged), cb);
  });
}

void chatwoot_client::toggle_status(std::int64_t conversation, std::string status,
                                    reply<cw_status_result> cb) {
  call<cw_status_result>(build_toggle_status(endpoint_, conversation, status),
                         parse_toggle_status_response, std::move(cb));
}

void chatwoot_client::toggle_priority(std::int64_t conversation,
                                      std::optional<std::string> priority, reply<bool> cb) {
  std::optional<std::string_view> p;
  if (priority) p = *priority;
  call<bool>(build_toggle_priority(endpoint_, conversation, p), parse_empty_response,
             std::move(cb));
}

void chatwoot_client::set_custom_attributes(std::int64_t conversation, std::string attributes_json,
                                            reply<std::string> cb) {
  auto req = build_set_custom_attributes(endpoint_, conversation, attributes_json);
  if (!req) return cb(frontdesk::unexpected{req.error()});
  call<std::string>(std::move(*req), parse_custom_attributes_response, std::move(cb));
}

void chatwoot_client::list_agents(reply<std::vector<cw_agent>> cb) {
  call<std::vector<cw_agent>>(build_list_agents(endpoint_), parse_agents_response, std::move(cb));
}

void chatwoot_client::health(reply<std::string> cb) {
  call<std::string>(build_health(endpoint_), parse_health_response, std::move(cb));
}

void chatwoot_client::find_sent_reply(std::int64_t conversation, std::string reply_text,
                                      std::int64_t after_id, reply<std::optional<std::int64_t>> cb,
                                      int max_pages) {
  find_page(conversation, std::make_shared<const std::string>(std::move(reply_text)), after_id,
            std::nullopt, std::max(1, max_pages), std::move(cb));
}

void chatwoot_client::find_page(std::int64_t conversation, std::shared_ptr<const std::string> text,
                                std::int64_t after_id, std::optional<std::int64_t> before,
                                int pages_left, reply<std::optional<std::int64_t>> cb) {
  list_messages(conversation, before,
                [this, conversation, text, after_id, pages_left,
                 cb = std::move(cb)](cw_result<cw_message_page> page) mutable {
                  if (!page) return cb(frontdesk::unexpected{page.error()});
                  const auto& msgs = page->messages;
                  if (auto id = find_reply(msgs, *text, after_id)) {
                    return cb(std::optional<std::int64_t>{*id});
                  }
                  // Ascending page: stop once it reaches back to after_id or runs dry.
                  if (msgs.empty() || msgs.front().id <= after_id) {
                    return cb(std::optional<std::int64_t>{});
                  }
                  if (pages_left <= 1) {  // not found, but not proven absent either
                    chatwoot_error e;
                    e.kind = chatwoot_error_kind::invalid_response;
                    e.ambiguous = true;
                    e.message = "reply search stopped at max_pages before reaching after_id";
                    return cb(frontdesk::unexpected{e});
                  }
                  find_page(conversation, text, after_id, msgs.front().id, pages_left - 1,
                            std::move(cb));
                });
}

}  // namespace frontdesk::io
