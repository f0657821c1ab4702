#include "actors/conversation_snapshot.hpp"

#include <boost/json.hpp>

#include "fsm/snapshot.hpp"

namespace frontdesk::actors {
namespace json = boost::json;
namespace {

std::int64_t millis(fsm::time_point t) {
  return t.time_since_epoch().count();
}
fsm::time_point from_millis(std::int64_t ms) {
  return fsm::time_point(std::chrono::milliseconds(ms));
}

json::array strings(const std::vector<std::string>& v, const json::storage_ptr& sp) {
  json::array a(sp);
  a.reserve(v.size());
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

std::vector<std::string> read_strings(const json::value& v) {
  std::vector<std::string> out;
  for (const auto& e : v.as_array()) out.emplace_back(e.as_string());
  return out;
}

std::string str(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::string encode_snapshot(const conversation_snapshot& s) {
  // Every commit encodes one: the documents are built in one arena and dropped together.
  unsigned char first_block[4096];
  json::monotonic_resource arena(first_block, sizeof first_block);
  const json::storage_ptr sp(&arena);
  json::object info(11, sp);
  info["contact"] = {
      {"id", s.info.contact.id}, {"name", s.info.contact.name}, {"email", s.info.contact.email}};
  info["channel"] = domain::to_string(s.info.channel);
  info["labels"] = strings(s.info.labels, sp);
  json::object attrs(s.info.custom_attributes.size(), sp);
  for (const auto& [k, v] : s.info.custom_attributes) attrs[k] = v;
  info["custom_attributes"] = std::move(attrs);
  info["last_customer_text"] = s.info.last_customer_text;
  info["previous_customer_text"] = s.info.previous_customer_text;
  if (!s.info.untriaged_text.empty()) info["untriaged_text"] = s.info.untriaged_text;
  info["assignee"] = s.info.assignee ? json::value(*s.info.assignee) : json::value(nullptr);
  // The state machine's part is already JSON text: spliced in, not parsed and re-serialised.
  std::string out =
      "{\"fsm\":" + fsm::to_snapshot(s.fsm) + ",\"info\":" + json::serialize(info) + ",\"draft\":";
  if (s.draft) {
    const draft_content& d = *s.draft;
    json::object o(23, sp);
    o["request_id"] = d.request_id;
    o["text"] = d.text;
    o["confidence"] = d.confidence;
    o["recommended_action"] = d.recommended_action;
    o["sources"] = d.sources_json;
    o["tags"] = d.tags_json;
    o["sentiment"] = d.sentiment_json;
    o["flags"] = strings(d.flags, sp);
    o["drafter_version"] = d.drafter_version;
    o["intent"] = d.intent;
    if (!d.usage_json.empty()) o["usage"] = d.usage_json;
    o["created_at"] = millis(d.created_at);
    o["draft_version"] = d.draft_version;
    o["status"] = d.status;
    const draft_review& r = d.review_or_empty();
    o["action"] = r.action;
    o["operator_id"] = r.operator_id;
    o["reviewed_at"] = r.reviewed_at ? json::value(millis(*r.reviewed_at)) : json::value(nullptr);
    o["edited_text"] = r.edited_text;
    o["grades"] = r.grades_json;
    o["notes"] = r.notes;
    o["fingerprint"] = r.fingerprint;
    out += json::serialize(o);
  } else {
    out += "null";
  }
  out += '}';
  return out;
}

expected<conversation_snapshot, std::string> decode_snapshot(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec || !root.is_object())
    return unexpected{std::string("conversation snapshot is not a JSON object")};
  try {
    const json::object& o = root.as_object();
    conversation_snapshot s;
    auto f = fsm::from_snapshot(json::serialize(o.at("fsm")));
    if (!f) return unexpected{f.error()};
    s.fsm = std::move(*f);
    const json::object& info = o.at("info").as_object();
    const json::object& contact = info.at("contact").as_object();
    s.info.contact.id = contact.at("id").to_number<std::int64_t>();
    s.info.contact.name = str(contact, "name");
    s.info.contact.email = str(contact, "email");
    s.info.channel = domain::parse_channel(info.at("channel").as_string());
    s.info.labels = read_strings(info.at("labels"));
    for (const auto& [k, v] : info.at("custom_attributes").as_object()) {
      s.info.custom_attributes[std::string(k)] = std::string(v.as_string());
    }
    s.info.last_customer_text = str(info, "last_customer_text");
    s.info.previous_customer_text = str(info, "previous_customer_text");
    if (info.contains("untriaged_text")) s.info.untriaged_text = str(info, "untriaged_text");
    if (const auto& a = info.at("assignee"); !a.is_null())
      s.info.assignee = a.to_number<std::int64_t>();
    if (const auto& dv = o.at("draft"); !dv.is_null()) {
      const json::object& d = dv.as_object();
      draft_content c;
      c.request_id = d.at("request_id").to_number<std::uint64_t>();
      c.text = str(d, "text");
      c.confidence = d.at("confidence").to_number<double>();
      c.recommended_action = str(d, "recommended_action");
      c.sources_json = str(d, "sources");
      c.tags_json = str(d, "tags");
      c.sentiment_json = str(d, "sentiment");
      c.flags = read_strings(d.at("flags"));
      c.drafter_version = str(d, "drafter_version");
      c.intent = str(d, "intent");
      c.usage_json = str(d, "usage");  // absent in older snapshots: empty
      c.created_at = from_millis(d.at("created_at").to_number<std::int64_t>());
      c.draft_version = d.at("draft_version").to_number<std::uint64_t>();
      c.status = str(d, "status");
      draft_review r;
      r.action = str(d, "action");
      r.operator_id = str(d, "operator_id");
      if (const auto& at = d.at("reviewed_at"); !at.is_null()) {
        r.reviewed_at = from_millis(at.to_number<std::int64_t>());
      }
      r.edited_text = str(d, "edited_text");
      r.grades_json = str(d, "grades");
      r.notes = str(d, "notes");
      r.fingerprint = str(d, "fingerprint");
      if (!(r == draft_review{})) c.review = std::move(r);
      s.draft = std::move(c);
    }
    return s;
  } catch (const std::exception& e) {
    return unexpected{std::string("conversation snapshot field missing or mistyped: ") + e.what()};
  }
}

}  // namespace frontdesk::actors
