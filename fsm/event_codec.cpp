#include "fsm/event_codec.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <utility>

#include <boost/json.hpp>

namespace frontdesk::fsm {
namespace json = boost::json;
namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

/// Type names, in the order of the event variant's alternatives.
constexpr std::array<std::string_view, std::variant_size_v<event>> type_names{
    "customer_message", "triaged", "draft_ready", "draft_failed",  "approve",     "edit",
    "escalate",         "reject",  "grade",       "human_replied", "timer_fired", "resolved",
    "hand_back"};

json::object operator_fields(std::uint64_t version, const std::string& op, const std::string& fp) {
  return json::object{{"draft_version", version}, {"operator_id", op}, {"fingerprint", fp}};
}

json::object fields_of(const event& e) {
  return std::visit(
      overloaded{
          [](const ev::customer_message& m) {
            return json::object{{"message_id", m.message_id}};
          },
          [](const ev::triaged& t) {
            return json::object{{"priority", domain::to_string(t.priority)},
                                {"route_to_human", t.route_to_human},
                                {"reason", t.reason}};
          },
          [](const ev::draft_ready& d) {
            return json::object{{"request_id", d.request_id}, {"confidence", d.confidence}};
          },
          [](const ev::draft_failed& d) {
            return json::object{{"request_id", d.request_id}, {"reason", d.reason}};
          },
          [](const ev::approve& a) {
            return operator_fields(a.draft_version, a.operator_id, a.fingerprint);
          },
          [](const ev::edit& a) {
            return operator_fields(a.draft_version, a.operator_id, a.fingerprint);
          },
          [](const ev::escalate& a) {
            json::object o = operator_fields(a.draft_version, a.operator_id, a.fingerprint);
            o["assignee_id"] = a.assignee_id ? json::value(*a.assignee_id) : json::value(nullptr);
            return o;
          },
          [](const ev::reject& a) {
            return operator_fields(a.draft_version, a.operator_id, a.fingerprint);
          },
          [](const ev::grade& g) {
            return json::object{{"operator_id", g.operator_id}, {"fingerprint", g.fingerprint}};
          },
          [](const ev::human_replied& h) {
            return json::object{{"message_id", h.message_id}};
          },
          [](const ev::timer_fired& t) {
            return json::object{{"name", to_string(t.name)}, {"epoch", t.epoch}};
          },
          [](const ev::resolved&) { return json::object{}; },
          [](const ev::hand_back& h) {
            return json::object{{"operator_id", h.operator_id}};
          },
      },
      e);
}

/// Reads the fields of one event object, remembering the first problem and which keys were
/// used, so that unknown keys can be refused at the end.
class field_reader {
 public:
  explicit field_reader(const json::object& o) : o_(o) {}

  template <class T>
  T integer(std::string_view key) {
    const json::value* v = find(key);
    if (!v) return T{};
    if (!v->is_int64() && !v->is_uint64()) return fail<T>(key, "must be an integer");
    boost::system::error_code ec;
    const T n = v->to_number<T>(ec);
    if (ec) return fail<T>(key, "is out of range");
    return n;
  }

  double number(std::string_view key) {
    const json::value* v = find(key);
    if (!v) return 0;
    if (!v->is_number()) return fail<double>(key, "must be a number");
    boost::system::error_code ec;
    const double d = v->to_number<double>(ec);
    if (ec || !std::isfinite(d)) return fail<double>(key, "is not a finite number");
    return d;
  }

  bool boolean(std::string_view key) {
    const json::value* v = find(key);
    if (!v) return false;
    if (!v->is_bool()) return fail<bool>(key, "must be true or false");
    return v->get_bool();
  }

  std::string text(std::string_view key) {
    const json::value* v = find(key);
    if (!v) return {};
    if (!v->is_string()) return fail<std::string>(key, "must be a string");
    return std::string(v->get_string());
  }

  std::optional<std::int64_t> optional_integer(std::string_view key) {
    const json::value* v = o_.if_contains(key);
    used_.insert(std::string(key));
    if (!v || v->is_null()) return std::nullopt;
    return integer<std::int64_t>(key);
  }

  domain::priority priority(std::string_view key) {
    const std::string t = text(key);
    if (!error_.empty()) return domain::priority::p2;
    const auto p = domain::parse_priority(t);
    if (!p) return fail<domain::priority>(key, "is not P0..P3");
    return *p;
  }

  timer_name timer(std::string_view key) {
    const std::string t = text(key);
    if (!error_.empty()) return timer_name::draft_deadline;
    const auto n = parse_timer_name(t);
    if (!n) return fail<timer_name>(key, "is not a timer name");
    return *n;
  }

  /// The first problem, including keys the event does not have; empty when all is well.
  std::string finish() {
    if (!error_.empty()) return error_;
    for (const auto& kv : o_) {
      if (!used_.contains(std::string(kv.key()))) {
        return "unknown field \"" + std::string(kv.key()) + "\"";
      }
    }
    return {};
  }

 private:
  const json::value* find(std::string_view key) {
    used_.insert(std::string(key));
    const json::value* v = o_.if_contains(key);
    if (!v && error_.empty()) error_ = "missing field \"" + std::string(key) + "\"";
    return v;
  }

  template <class T>
  T fail(std::string_view key, std::string_view why) {
    if (error_.empty()) error_ = "field \"" + std::string(key) + "\" " + std::string(why);
    return T{};
  }

  const json::object& o_;
  std::set<std::string, std::less<>> used_{"type"};
  std::string error_;
};

event read_event(std::size_t index, field_reader& r) {
  auto operator_action = [&]<class T>(T a) {
    a.draft_version = r.integer<std::uint64_t>("draft_version");
    a.operator_id = r.text("operator_id");
    a.fingerprint = r.text("fingerprint");
    return a;
  };
  switch (index) {
    case 0:
      return ev::customer_message{r.integer<std::int64_t>("message_id")};
    case 1: {
      ev::triaged t;
      t.priority = r.priority("priority");
      t.route_to_human = r.boolean("route_to_human");
      t.reason = r.text("reason");
      return t;
    }
    case 2: {
      ev::draft_ready d;
      d.request_id = r.integer<std::uint64_t>("request_id");
      d.confidence = r.number("confidence");
      return d;
    }
    case 3: {
      ev::draft_failed d;
      d.request_id = r.integer<std::uint64_t>("request_id");
      d.reason = r.text("reason");
      return d;
    }
    case 4:
      return operator_action(ev::approve{});
    case 5:
      return operator_action(ev::edit{});
    case 6: {
      ev::escalate e = operator_action(ev::escalate{});
      e.assignee_id = r.optional_integer("assignee_id");
      return e;
    }
    case 7:
      return operator_action(ev::reject{});
    case 8: {
      ev::grade g;
      g.operator_id = r.text("operator_id");
      g.fingerprint = r.text("fingerprint");
      return g;
    }
    case 9:
      return ev::human_replied{r.integer<std::int64_t>("message_id")};
    case 10: {
      ev::timer_fired t;
      t.name = r.timer("name");
      t.epoch = r.integer<std::uint64_t>("epoch");
      return t;
    }
    case 11:
      return ev::resolved{};
    default: {
      ev::hand_back h;
      h.operator_id = r.text("operator_id");
      return h;
    }
  }
}

}  // namespace

std::string encode_event(const event& e) {
  json::object o;
  o["type"] = type_names[e.index()];
  for (auto& kv : fields_of(e)) o[kv.key()] = std::move(kv.value());
  return json::serialize(o);
}

expected<event, std::string> decode_event(std::string_view text) {
  if (text.size() > max_encoded_event_bytes) {
    return unexpected{"event is larger than " + std::to_string(max_encoded_event_bytes) + " bytes"};
  }
  try {
    json::parse_options opts;
    opts.max_depth = 4;
    boost::system::error_code ec;
    json::value root = json::parse(text, ec, {}, opts);
    if (ec) return unexpected{"event is not JSON: " + ec.message()};
    if (!root.is_object()) return unexpected{std::string("event is not a JSON object")};
    const json::object& o = root.as_object();
    const json::value* type = o.if_contains("type");
    if (!type || !type->is_string()) {
      return unexpected{std::string("event has no string field \"type\"")};
    }
    const std::string_view name = type->get_string();
    std::size_t index = type_names.size();
    for (std::size_t i = 0; i < type_names.size(); ++i) {
      if (type_names[i] == name) index = i;
    }
    if (index == type_names.size()) {
      return unexpected{"unknown event type \"" + std::string(name) + "\""};
    }
    field_reader r(o);
    event e = read_event(index, r);
    if (std::string problem = r.finish(); !problem.empty()) {
      return unexpected{std::string(name) + ": " + problem};
    }
    return e;
  } catch (const std::exception& ex) {
    return unexpected{std::string("event could not be decoded: ") + ex.what()};
  }
}

}  // namespace frontdesk::fsm
