#include "fsm/snapshot.hpp"

#include <boost/json.hpp>

namespace frontdesk::fsm {
namespace json = boost::json;
namespace {

std::int64_t millis(time_point t) {
  return t.time_since_epoch().count();
}
time_point from_millis(std::int64_t ms) {
  return time_point(std::chrono::milliseconds(ms));
}

json::value opt_time(const std::optional<time_point>& t) {
  return t ? json::value(millis(*t)) : json::value(nullptr);
}

std::optional<time_point> read_opt_time(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  return from_millis(v->to_number<std::int64_t>());
}

}  // namespace

std::string to_snapshot(const conversation& c) {
  // Written on every commit: the document lives in one arena, dropped at once.
  unsigned char first_block[2048];
  json::monotonic_resource arena(first_block, sizeof first_block);
  json::object o(17, json::storage_ptr(&arena));
  o["v"] = 1;
  o["id"] = c.id;
  o["state"] = to_string(c.current);
  o["priority"] = c.priority ? json::value(domain::to_string(*c.priority)) : json::value(nullptr);
  o["escalation_reason"] = c.escalation_reason;
  o["draft_version"] = c.draft_version;
  o["draft_request"] = c.draft_request;
  o["requests_minted"] = c.requests_minted;
  o["last_customer_message"] = c.last_customer_message;
  if (c.last_decision) {
    o["last_decision"] = {{"draft_version", c.last_decision->draft_version},
                          {"action", c.last_decision->action},
                          {"fingerprint", c.last_decision->fingerprint}};
  } else {
    o["last_decision"] = nullptr;
  }
  o["last_grade_fingerprint"] = c.last_grade_fingerprint;
  o["first_response_clock"] = opt_time(c.first_response_clock);
  o["resolution_clock"] = opt_time(c.resolution_clock);
  o["sla_breached"] = c.sla_breached;
  o["priority_raised"] = c.priority_raised;
  json::object timers(timer_count, o.storage());
  for (std::size_t i = 0; i < timer_count; ++i) {
    const timer_slot& s = c.timers[i];
    timers[to_string(static_cast<timer_name>(i))] = {{"due", opt_time(s.due)}, {"epoch", s.epoch}};
  }
  o["timers"] = std::move(timers);
  o["trace_seq"] = c.trace_seq;
  return json::serialize(o);
}

expected<conversation, std::string> from_snapshot(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return unexpected{"snapshot is not JSON: " + ec.message()};
  if (!root.is_object()) return unexpected{std::string("snapshot is not an object")};
  try {
    const json::object& o = root.as_object();
    conversation c;
    c.id = o.at("id").to_number<std::int64_t>();
    const auto st = parse_state(o.at("state").as_string());
    if (!st) return unexpected{"unknown state " + std::string(o.at("state").as_string())};
    c.current = *st;
    if (const auto& p = o.at("priority"); !p.is_null()) {
      c.priority = domain::parse_priority(p.as_string());
      if (!c.priority) return unexpected{std::string("bad priority")};
    }
    c.escalation_reason = o.at("escalation_reason").as_string();
    c.draft_version = o.at("draft_version").to_number<std::uint64_t>();
    c.draft_request = o.at("draft_request").to_number<std::uint64_t>();
    c.requests_minted = o.at("requests_minted").to_number<std::uint64_t>();
    c.last_customer_message = o.at("last_customer_message").to_number<std::int64_t>();
    if (const auto& d = o.at("last_decision"); !d.is_null()) {
      const json::object& dd = d.as_object();
      c.last_decision = decision{dd.at("draft_version").to_number<std::uint64_t>(),
                                 std::string(dd.at("action").as_string()),
                                 std::string(dd.at("fingerprint").as_string())};
    }
    c.last_grade_fingerprint = o.at("last_grade_fingerprint").as_string();
    c.first_response_clock = read_opt_time(o, "first_response_clock");
    c.resolution_clock = read_opt_time(o, "resolution_clock");
    c.sla_breached = o.at("sla_breached").as_bool();
    c.priority_raised = o.at("priority_raised").as_bool();
    const json::object& timers = o.at("timers").as_object();
    for (std::size_t i = 0; i < timer_count; ++i) {
      const json::object& t = timers.at(to_string(static_cast<timer_name>(i))).as_object();
      c.timers[i].due = read_opt_time(t, "due");
      c.timers[i].epoch = t.at("epoch").to_number<std::uint64_t>();
    }
    c.trace_seq = o.at("trace_seq").to_number<std::uint64_t>();
    return c;
  } catch (const std::exception& e) {
    return unexpected{std::string("snapshot field missing or mistyped: ") + e.what()};
  }
}

}  // namespace frontdesk::fsm
