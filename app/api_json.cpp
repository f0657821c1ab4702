#include "app/api_json.hpp"

#include <boost/json.hpp>

#include "app/trace_format.hpp"
#include "domain/private_note.hpp"

namespace frontdesk::app {
namespace json = boost::json;

std::string rfc3339(persistence::timestamp t) {
  return domain::format_rfc3339_utc(std::chrono::system_clock::time_point(t.time_since_epoch()));
}

json::value json_time(const std::optional<persistence::timestamp>& t) {
  return t ? json::value(rfc3339(*t)) : json::value(nullptr);
}

json::value json_text(const std::string& text, json::value fallback) {
  if (text.empty()) return fallback;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(text) : v;
}

json::object queue_item_json(const persistence::queue_item_row& q) {
  json::object o;
  o["id"] = q.id;
  o["conversation_id"] = q.conversation_id;
  o["status"] = q.status;
  o["action"] = q.action ? json::value(*q.action) : json::value(nullptr);
  o["priority"] = q.priority;
  o["channel"] = q.channel;
  o["contact"] = json_text(q.contact, json::object{});
  o["customer_message"] = q.customer_message;
  o["draft"] = q.draft;
  o["draft_version"] = q.draft_version;
  o["confidence"] = q.confidence;
  o["recommended_action"] = q.recommended_action;
  o["sources"] = json_text(q.sources, json::array{});
  o["tags"] = json_text(q.tags, json::array{});
  o["sentiment"] = json_text(q.sentiment, json::object{});
  o["flags"] = json_text(q.flags, json::array{});
  o["created_at"] = rfc3339(q.created_at);
  o["reviewed_at"] = json_time(q.reviewed_at);
  o["operator_id"] = q.operator_id ? json::value(*q.operator_id) : json::value(nullptr);
  o["edited_text"] = q.edited_text ? json::value(*q.edited_text) : json::value(nullptr);
  o["grades"] = json_text(q.grades, json::value(nullptr));
  o["notes"] = q.notes ? json::value(*q.notes) : json::value(nullptr);
  return o;
}

json::object message_json(const persistence::message_row& m) {
  return {{"id", m.message_id ? json::value(*m.message_id) : json::value(nullptr)},
          {"kind", m.kind},
          {"content", m.content},
          {"sender", m.sender},
          {"created_at", rfc3339(m.created_at)}};
}

json::object trace_json(const persistence::trace_row& t) {
  // Milliseconds: transitions often follow each other within a second.
  return {{"seq", t.seq},         {"at", format_timestamp(t.at)},
          {"from", t.from_state}, {"to", t.to_state},
          {"event", t.event},     {"cause", t.cause},
          {"actor", t.actor},     {"detail", t.detail}};
}

json::object notification_json(const persistence::notification_row& n) {
  json::object o = json_text(n.payload, json::object{}).is_object()
                       ? json_text(n.payload, json::object{}).as_object()
                       : json::object{};
  o["event_id"] = n.id;
  o["event"] = n.kind;
  if (n.conversation_id) o["conversation_id"] = *n.conversation_id;
  o["at"] = rfc3339(n.created_at);
  return o;
}

json::object conversation_json(const persistence::conversation_row& c,
                               const std::vector<persistence::message_row>& messages,
                               const std::optional<persistence::queue_item_row>& draft) {
  json::object o;
  o["id"] = c.id;
  o["state"] = c.state;
  o["priority"] = c.priority.empty() ? json::value(nullptr) : json::value(c.priority);
  o["channel"] = c.channel;
  o["contact_id"] = c.contact_id;
  o["escalation_reason"] =
      c.escalation_reason ? json::value(*c.escalation_reason) : json::value(nullptr);
  o["assignee"] = c.assignee ? json::value(*c.assignee) : json::value(nullptr);
  o["sla"] = {{"first_response_due", json_time(c.first_response_due)},
              {"resolution_due", json_time(c.resolution_due)},
              {"breached", c.sla_breached}};
  o["draft_version"] = c.draft_version;
  json::array ms;
  for (const auto& m : messages) ms.push_back(message_json(m));
  o["messages"] = std::move(ms);
  o["current_draft"] = draft ? json::value(queue_item_json(*draft)) : json::value(nullptr);
  o["updated_at"] = rfc3339(c.updated_at);
  return o;
}

}  // namespace frontdesk::app
