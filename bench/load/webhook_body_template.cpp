#include "bench/load/webhook_body_template.hpp"

#include <boost/json.hpp>
#include <charconv>

namespace frontdesk::bench {
namespace {

// Numbers that cannot occur in the fixture, replaced after serialization.
constexpr std::int64_t message_mark = 987654321011;
constexpr std::int64_t conversation_mark = 987654321022;
constexpr std::int64_t contact_mark = 987654321033;

boost::json::object* object_at(boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
}

// Only replaces: object::operator[] may rehash and move every element of the object.
void set_if_present(boost::json::object* o, std::string_view key, boost::json::value v) {
  if (o == nullptr) return;
  if (boost::json::value* slot = o->if_contains(key)) *slot = std::move(v);
}

}  // namespace

expected<webhook_body_template, std::string> webhook_body_template::from_fixture(
    std::string_view json) {
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(json, ec);
  if (ec || !doc.is_object()) return unexpected{std::string("fixture is not a JSON object")};
  boost::json::object& top = doc.as_object();
  if (!top.contains("id") || !top.contains("content"))
    return unexpected{std::string("fixture has no top-level id or content")};
  boost::json::object* conv = object_at(top, "conversation");
  if (conv == nullptr || !conv->contains("id"))
    return unexpected{std::string("fixture has no conversation.id")};

  std::string content = top.at("content").is_string() ? std::string(top.at("content").as_string())
                                                      : std::string("Where is my order?");
  content += " (ref " + std::to_string(message_mark) + ")";

  top.at("id") = message_mark;
  top.at("content") = boost::json::string(content);
  set_if_present(object_at(top, "sender"), "id", contact_mark);
  conv->at("id") = conversation_mark;
  set_if_present(object_at(*conv, "contact_inbox"), "contact_id", contact_mark);
  if (boost::json::object* meta = object_at(*conv, "meta"))
    set_if_present(object_at(*meta, "sender"), "id", contact_mark);
  if (auto it = conv->find("messages"); it != conv->end() && it->value().is_array()) {
    for (boost::json::value& m : it->value().as_array()) {
      if (!m.is_object()) continue;
      boost::json::object& mo = m.as_object();
      set_if_present(&mo, "id", message_mark);
      set_if_present(&mo, "conversation_id", conversation_mark);
      set_if_present(&mo, "content", boost::json::string(content));
      set_if_present(&mo, "processed_message_content", boost::json::string(content));
      set_if_present(&mo, "sender_id", contact_mark);
      set_if_present(object_at(mo, "sender"), "id", contact_mark);
    }
  }

  const std::string text = boost::json::serialize(doc);
  const std::pair<std::string, slot> marks[] = {
      {std::to_string(message_mark), slot::message},
      {std::to_string(conversation_mark), slot::conversation},
      {std::to_string(contact_mark), slot::contact},
  };
  webhook_body_template t;
  std::size_t pos = 0;
  for (;;) {
    std::size_t best = std::string::npos;
    const std::pair<std::string, slot>* which = nullptr;
    for (const auto& m : marks) {
      const std::size_t at = text.find(m.first, pos);
      if (at < best) {
        best = at;
        which = &m;
      }
    }
    if (which == nullptr) break;
    t.pieces_.push_back({text.substr(pos, best - pos), which->second});
    pos = best + which->first.size();
  }
  t.tail_ = text.substr(pos);
  t.size_hint_ = text.size() + 64;
  return t;
}

std::string webhook_body_template::render(std::int64_t message_id, std::int64_t conversation_id,
                                          std::int64_t contact_id) const {
  std::string out;
  out.reserve(size_hint_);
  char digits[24];
  for (const piece& p : pieces_) {
    out += p.text;
    const std::int64_t v = p.what == slot::message        ? message_id
                           : p.what == slot::conversation ? conversation_id
                                                          : contact_id;
    const auto r = std::to_chars(digits, digits + sizeof digits, v);
    out.append(digits, r.ptr);
  }
  out += tail_;
  return out;
}

}  // namespace frontdesk::bench
