#include "io/chatwoot_event.hpp"

#include <simdjson.h>

#include <charconv>
#include <limits>

namespace frontdesk::io {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

/// The type was checked just before; the error code carries nothing new.
void ignore_error(simdjson::error_code) {}

/// Reads typed fields; the first error is kept and every later read is a no-op.
class reader {
 public:
  bool failed() const { return error_.has_value(); }
  chatwoot_parse_error error() const { return *error_; }

  void fail(std::string code, std::string message) {
    if (!error_) error_ = chatwoot_parse_error{std::move(code), std::move(message)};
  }

  static std::optional<element> field(object o, std::string_view key) {
    element e;
    if (o.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
    if (e.is_null()) return std::nullopt;
    return e;
  }

  std::optional<object> obj(object o, std::string_view key, const std::string& path,
                            bool required = false) {
    auto e = field(o, key);
    if (!e) {
      if (required) fail("missing_field", "Required field '" + path + "' is missing.");
      return std::nullopt;
    }
    object out;
    if (e->get_object().get(out) != simdjson::SUCCESS) {
      fail("wrong_type", "Field '" + path + "' must be an object.");
      return std::nullopt;
    }
    return out;
  }

  std::optional<std::string> str(object o, std::string_view key, const std::string& path,
                                 bool required = false) {
    auto e = field(o, key);
    if (!e) {
      if (required) fail("missing_field", "Required field '" + path + "' is missing.");
      return std::nullopt;
    }
    std::string_view s;
    if (e->get_string().get(s) != simdjson::SUCCESS) {
      fail("wrong_type", "Field '" + path + "' must be a string.");
      return std::nullopt;
    }
    return std::string(s);
  }

  std::optional<std::int64_t> integer(object o, std::string_view key, const std::string& path,
                                      bool required = false) {
    auto e = field(o, key);
    if (!e) {
      if (required) fail("missing_field", "Required field '" + path + "' is missing.");
      return std::nullopt;
    }
    return as_integer(*e, path);
  }

  std::optional<std::int64_t> as_integer(element e, const std::string& path) {
    std::int64_t v = 0;
    if (e.is_int64() && e.get_int64().get(v) == simdjson::SUCCESS) return v;
    fail("wrong_type", "Field '" + path + "' must be an integer.");
    return std::nullopt;
  }

  std::optional<bool> boolean(object o, std::string_view key, const std::string& path) {
    auto e = field(o, key);
    if (!e) return std::nullopt;
    bool b = false;
    if (e->get_bool().get(b) != simdjson::SUCCESS) {
      fail("wrong_type", "Field '" + path + "' must be a boolean.");
      return std::nullopt;
    }
    return b;
  }

  /// created_at: an ISO-8601 string (webhooks) or integer epoch seconds (REST, nested messages).
  std::optional<std::int64_t> timestamp(object o, std::string_view key, const std::string& path) {
    auto e = field(o, key);
    if (!e) return std::nullopt;
    if (e->is_string()) {
      std::string_view s;
      ignore_error(e->get_string().get(s));
      auto t = parse_iso8601(s);
      if (!t) fail("wrong_type", "Field '" + path + "' is not an ISO-8601 time.");
      return t;
    }
    if (e->is_int64()) return as_integer(*e, path);
    double d = 0;
    if (e->get_double().get(d) == simdjson::SUCCESS && d >= 0 && d < 1e15)
      return static_cast<std::int64_t>(d);
    fail("wrong_type", "Field '" + path + "' must be a time string or epoch seconds.");
    return std::nullopt;
  }

 private:
  std::optional<chatwoot_parse_error> error_;
};

/// Enforces the string length limit everywhere in the document (depth is bounded by the parser).
bool strings_within(element e, std::size_t max_bytes, std::size_t depth) {
  if (depth > 1024) return false;
  switch (e.type()) {
    case element_type::STRING: {
      std::string_view s;
      ignore_error(e.get_string().get(s));
      return s.size() <= max_bytes;
    }
    case element_type::ARRAY: {
      simdjson::dom::array a;
      ignore_error(e.get_array().get(a));
      for (element child : a)
        if (!strings_within(child, max_bytes, depth + 1)) return false;
      return true;
    }
    case element_type::OBJECT: {
      object o;
      ignore_error(e.get_object().get(o));
      for (auto kv : o) {
        if (kv.key.size() > max_bytes) return false;
        if (!strings_within(kv.value, max_bytes, depth + 1)) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

std::string scalar_text(element e) {
  switch (e.type()) {
    case element_type::STRING: {
      std::string_view s;
      ignore_error(e.get_string().get(s));
      return std::string(s);
    }
    case element_type::INT64: {
      std::int64_t v = 0;
      ignore_error(e.get_int64().get(v));
      return std::to_string(v);
    }
    case element_type::UINT64: {
      std::uint64_t v = 0;
      ignore_error(e.get_uint64().get(v));
      return std::to_string(v);
    }
    case element_type::BOOL: {
      bool b = false;
      ignore_error(e.get_bool().get(b));
      return b ? "true" : "false";
    }
    case element_type::NULL_VALUE:
      return "";
    default:
      return simdjson::minify(e);  // a double, object or array keeps its JSON text
  }
}

std::optional<chatwoot_message_type> message_type_from(element e, reader& r,
                                                       const std::string& path) {
  if (e.is_string()) {
    std::string_view s;
    ignore_error(e.get_string().get(s));
    if (s == "incoming") return chatwoot_message_type::incoming;
    if (s == "outgoing") return chatwoot_message_type::outgoing;
    if (s == "activity") return chatwoot_message_type::activity;
    if (s == "template") return chatwoot_message_type::template_message;
    r.fail("wrong_type",
           "Field '" + path + "' has an unknown value '" + std::string(s.substr(0, 40)) + "'.");
    return std::nullopt;
  }
  std::int64_t v = -1;
  if (e.is_int64() && e.get_int64().get(v) == simdjson::SUCCESS && v >= 0 && v <= 3)
    return static_cast<chatwoot_message_type>(v);
  r.fail("wrong_type", "Field '" + path + "' must be incoming/outgoing/activity/template or 0..3.");
  return std::nullopt;
}

chatwoot_sender read_sender(object o, reader& r, const std::string& path) {
  chatwoot_sender s;
  s.id = r.integer(o, "id", path + ".id");
  s.name = r.str(o, "name", path + ".name").value_or("");
  s.email = r.str(o, "email", path + ".email").value_or("");
  s.phone = r.str(o, "phone_number", path + ".phone_number").value_or("");
  s.type = r.str(o, "type", path + ".type").value_or("");
  return s;
}

chatwoot_conversation read_conversation(object o, reader& r, const std::string& path) {
  chatwoot_conversation c;
  c.display_id = r.integer(o, "id", path + ".id", true).value_or(0);
  c.inbox_id = r.integer(o, "inbox_id", path + ".inbox_id");
  c.channel = r.str(o, "channel", path + ".channel").value_or("");
  c.status = r.str(o, "status", path + ".status").value_or("");
  c.priority = r.str(o, "priority", path + ".priority");
  if (auto labels = reader::field(o, "labels")) {
    simdjson::dom::array a;
    if (labels->get_array().get(a) != simdjson::SUCCESS) {
      r.fail("wrong_type", "Field '" + path + ".labels' must be an array.");
    } else {
      for (element l : a) {
        std::string_view s;
        if (l.get_string().get(s) != simdjson::SUCCESS) {
          r.fail("wrong_type", "Field '" + path + ".labels' must hold strings.");
          break;
        }
        c.labels.emplace_back(s);
      }
    }
  }
  if (auto attrs = r.obj(o, "custom_attributes", path + ".custom_attributes"))
    for (auto kv : *attrs)
      if (!kv.value.is_null()) c.custom_attributes[std::string(kv.key)] = scalar_text(kv.value);
  if (auto meta = r.obj(o, "meta", path + ".meta")) {
    if (auto sender = r.obj(*meta, "sender", path + ".meta.sender"))
      c.contact_id = r.integer(*sender, "id", path + ".meta.sender.id");
    if (auto assignee = r.obj(*meta, "assignee", path + ".meta.assignee"))
      c.assignee_id = r.integer(*assignee, "id", path + ".meta.assignee.id");
  }
  if (!c.contact_id) {
    if (auto ci = r.obj(o, "contact_inbox", path + ".contact_inbox"))
      c.contact_id = r.integer(*ci, "contact_id", path + ".contact_inbox.contact_id");
  }
  if (!c.assignee_id) c.assignee_id = r.integer(o, "assignee_id", path + ".assignee_id");
  if (auto u = reader::field(o, "updated_at")) c.updated_at = scalar_text(*u);
  return c;
}

void read_changes(object o, reader& r, chatwoot_event& ev) {
  auto e = reader::field(o, "changed_attributes");
  if (!e) return;
  simdjson::dom::array changes;
  if (e->get_array().get(changes) != simdjson::SUCCESS) {
    // Some versions send a single object instead of an array of one-key objects.
    object single;
    if (e->get_object().get(single) != simdjson::SUCCESS) {
      r.fail("wrong_type", "Field 'changed_attributes' must be an array.");
      return;
    }
    for (auto kv : single) {
      ev.changed_attributes.emplace_back(kv.key);
      object change;
      if (kv.key == "status" && kv.value.get_object().get(change) == simdjson::SUCCESS)
        ev.status_change = chatwoot_status_change{
            r.str(change, "previous_value", "status.previous_value").value_or(""),
            r.str(change, "current_value", "status.current_value").value_or("")};
    }
    return;
  }
  for (element item : changes) {
    object change_set;
    if (item.get_object().get(change_set) != simdjson::SUCCESS) {
      r.fail("wrong_type", "Items of 'changed_attributes' must be objects.");
      return;
    }
    for (auto kv : change_set) {
      ev.changed_attributes.emplace_back(kv.key);
      if (kv.key != "status") continue;
      object change;
      if (kv.value.get_object().get(change) != simdjson::SUCCESS) {
        r.fail("wrong_type", "Field 'changed_attributes.status' must be an object.");
        return;
      }
      ev.status_change = chatwoot_status_change{
          r.str(change, "previous_value", "changed_attributes.status.previous_value").value_or(""),
          r.str(change, "current_value", "changed_attributes.status.current_value").value_or("")};
    }
  }
}

bool is_conversation_event(std::string_view e) {
  return e == "conversation_created" || e == "conversation_status_changed" ||
         e == "conversation_updated" || e == "conversation_opened" || e == "conversation_resolved";
}

}  // namespace

std::optional<std::int64_t> parse_iso8601(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  auto num = [&](std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return ec == std::errc{} && p == s.data() + pos + len;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (s.size() < 20 || !num(0, 4, y) || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' ||
      !num(8, 2, d) || (s[10] != 'T' && s[10] != ' ') || !num(11, 2, h) || s[13] != ':' ||
      !num(14, 2, mi) || s[16] != ':' || !num(17, 2, sec))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return std::nullopt;
  }
  int offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    if (!num(i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !num(i + 4, 2, om) ||
        oh > 23 || om > 59)
      return std::nullopt;
    offset = (oh * 60 + om) * 60 * (s[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  // Days from civil (Howard Hinnant's algorithm).
  y -= mo <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * static_cast<unsigned>(mo > 2 ? mo - 3 : mo + 9) + 2) / 5 +
                       static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + static_cast<std::int64_t>(doe) - 719468;
  return days * 86400 + h * 3600 + mi * 60 + sec - offset;
}

expected<chatwoot_event, chatwoot_parse_error> parse_chatwoot_event(
    std::string_view body, const chatwoot_parse_limits& limits) {
  if (body.size() > limits.max_body_bytes)
    return unexpected{chatwoot_parse_error{"too_large", "The body is larger than the limit."}};
  simdjson::dom::parser parser;
  if (parser.allocate(std::max<std::size_t>(body.size(), 64), limits.max_depth) !=
      simdjson::SUCCESS)
    return unexpected{
        chatwoot_parse_error{"too_large", "The body cannot be parsed within the limits."}};
  element root;
  auto err = parser.parse(body.data(), body.size()).get(root);
  if (err == simdjson::UTF8_ERROR)
    return unexpected{chatwoot_parse_error{"invalid_utf8", "The body is not valid UTF-8."}};
  if (err == simdjson::DEPTH_ERROR)
    return unexpected{
        chatwoot_parse_error{"too_deep", "The body is nested deeper than the limit."}};
  if (err != simdjson::SUCCESS)
    return unexpected{chatwoot_parse_error{
        "malformed_json",
        std::string("The body is not valid JSON: ") + simdjson::error_message(err)}};
  object top;
  if (root.get_object().get(top) != simdjson::SUCCESS)
    return unexpected{chatwoot_parse_error{"wrong_type", "The body must be a JSON object."}};
  if (!strings_within(root, limits.max_string_bytes, 0))
    return unexpected{
        chatwoot_parse_error{"too_large", "A string in the body is longer than the limit."}};

  reader r;
  chatwoot_event ev;
  ev.event = r.str(top, "event", "event", true).value_or("");
  if (r.failed()) return unexpected{r.error()};
  if (ev.event.empty() || ev.event.size() > 128)
    return unexpected{
        chatwoot_parse_error{"wrong_type", "Field 'event' must be a non-empty name."}};

  if (ev.is_message_event()) {
    ev.message_id = r.integer(top, "id", "id", true);
    ev.content = r.str(top, "content", "content");
    ev.content_type = r.str(top, "content_type", "content_type").value_or("text");
    if (auto mt = reader::field(top, "message_type"))
      ev.message_type = message_type_from(*mt, r, "message_type");
    else
      r.fail("missing_field", "Required field 'message_type' is missing.");
    ev.is_private = r.boolean(top, "private", "private").value_or(false);
    ev.created_at = r.timestamp(top, "created_at", "created_at");
    ev.source_id = r.str(top, "source_id", "source_id");
    if (auto sender = r.obj(top, "sender", "sender")) ev.sender = read_sender(*sender, r, "sender");
    // REST-shaped messages carry sender_type / sender_id instead of a typed sender.
    if (auto st = r.str(top, "sender_type", "sender_type")) {
      if (!ev.sender) ev.sender = chatwoot_sender{};
      if (ev.sender->type.empty())
        ev.sender->type = *st == "User"       ? "user"
                          : *st == "Contact"  ? "contact"
                          : *st == "AgentBot" ? "agent_bot"
                                              : *st;
      if (!ev.sender->id) ev.sender->id = r.integer(top, "sender_id", "sender_id");
    }
    if (auto conv = r.obj(top, "conversation", "conversation", true))
      ev.conversation = read_conversation(*conv, r, "conversation");
    if (auto ca = r.obj(top, "content_attributes", "content_attributes"))
      if (auto email = r.obj(*ca, "email", "content_attributes.email"))
        ev.email_subject = r.str(*email, "subject", "content_attributes.email.subject");
    if (!ev.email_subject && ev.conversation) {
      if (auto conv = r.obj(top, "conversation", "conversation"))
        if (auto aa = r.obj(*conv, "additional_attributes", "conversation.additional_attributes"))
          ev.email_subject =
              r.str(*aa, "mail_subject", "conversation.additional_attributes.mail_subject");
    }
  } else if (is_conversation_event(ev.event)) {
    ev.conversation = read_conversation(top, r, "");
    read_changes(top, r, ev);
    if (auto aa = r.obj(top, "additional_attributes", "additional_attributes"))
      ev.email_subject = r.str(*aa, "mail_subject", "additional_attributes.mail_subject");
  }
  if (r.failed()) {
    auto e = r.error();
    // Top-level conversation fields were read with an empty prefix: drop the leading dot.
    for (auto pos = e.message.find("'."); pos != std::string::npos; pos = e.message.find("'."))
      e.message.erase(pos + 1, 1);
    return unexpected{e};
  }
  return ev;
}

std::string chatwoot_event::dedupe_key() const {
  if (is_message_event()) return event + ":" + std::to_string(message_id.value_or(0));
  if (conversation) {
    std::string key = event + ":" + std::to_string(conversation->display_id);
    if (event == "conversation_updated") return key + ":" + conversation->updated_at;
    if (event == "conversation_created") return key;
    return key + ":" + (status_change ? status_change->current : conversation->status);
  }
  return event;
}

std::string_view to_string(chatwoot_event_kind k) {
  switch (k) {
    case chatwoot_event_kind::customer_message:
      return "customer_message";
    case chatwoot_event_kind::private_note_echo:
      return "private_note_echo";
    case chatwoot_event_kind::agent_reply:
      return "agent_reply";
    case chatwoot_event_kind::bot_message:
      return "bot_message";
    case chatwoot_event_kind::message_updated:
      return "message_updated";
    case chatwoot_event_kind::conversation_created:
      return "conversation_created";
    case chatwoot_event_kind::conversation_status_changed:
      return "conversation_status_changed";
    case chatwoot_event_kind::conversation_updated:
      return "conversation_updated";
    case chatwoot_event_kind::ignored:
      return "ignored";
  }
  return "ignored";
}

chatwoot_classification classify(const chatwoot_event& e,
                                 const chatwoot_classify_options& options) {
  using k = chatwoot_event_kind;
  if (e.event == "message_updated") return {k::message_updated, "message_updated"};
  if (e.event == "message_created") {
    const bool from_us = options.own_user_id && e.sender && e.sender->id == options.own_user_id &&
                         (e.sender->type.empty() || e.sender->type == "user");
    const bool from_bot =
        e.sender && (e.sender->type == "agent_bot" || e.sender->type == "AgentBot");
    auto type = e.message_type.value_or(chatwoot_message_type::incoming);
    if (type == chatwoot_message_type::activity) return {k::ignored, "activity_message"};
    if (e.is_private) {
      if (!options.own_user_id || from_us) return {k::private_note_echo, "private_note"};
      return {k::ignored, "private_note"};
    }
    if (type == chatwoot_message_type::incoming) return {k::customer_message, "customer_message"};
    if (type == chatwoot_message_type::template_message || from_bot)
      return {k::bot_message, "bot_message"};
    if (from_us) return {k::ignored, "outgoing_message"};
    return {k::agent_reply, "agent_reply"};
  }
  if (e.event == "conversation_created") return {k::conversation_created, "conversation_created"};
  if (e.event == "conversation_status_changed" || e.event == "conversation_opened" ||
      e.event == "conversation_resolved")
    return {k::conversation_status_changed, e.status_change
                                                ? e.status_change->current
                                                : (e.conversation ? e.conversation->status : "")};
  if (e.event == "conversation_updated") return {k::conversation_updated, "conversation_updated"};
  return {k::ignored, "ignored_event"};
}

}  // namespace frontdesk::io
