#include "app/trace_format.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <utility>

#include <boost/json.hpp>

namespace frontdesk::app {
namespace json = boost::json;
using persistence::timestamp;
using persistence::trace_row;
namespace {

/// Rows of one conversation, in seq order.
using conversation_rows = std::vector<const trace_row*>;

/// Groups rows by conversation (ascending id) with each group in seq order.
std::vector<conversation_rows> by_conversation(const std::vector<trace_row>& rows) {
  std::map<std::int64_t, conversation_rows> groups;
  for (const trace_row& r : rows) groups[r.conversation_id].push_back(&r);
  std::vector<conversation_rows> out;
  out.reserve(groups.size());
  for (auto& [id, group] : groups) {
    std::stable_sort(group.begin(), group.end(),
                     [](const trace_row* a, const trace_row* b) { return a->seq < b->seq; });
    out.push_back(std::move(group));
  }
  return out;
}

std::int64_t micros(timestamp t) {
  return t.time_since_epoch().count() * 1000;
}

std::string two_digits(std::int64_t n) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(n));
  return buf;
}

json::object instant_event(const trace_row& r) {
  return json::object{
      {"name", r.event},
      {"cat", "transition"},
      {"ph", "i"},
      {"s", "t"},
      {"ts", micros(r.at)},
      {"pid", r.conversation_id},
      {"tid", r.conversation_id},
      {"args",
       {{"seq", r.seq},
        {"from", r.from_state},
        {"to", r.to_state},
        {"cause", r.cause},
        {"actor", r.actor},
        {"detail", r.detail}}},
  };
}

json::object state_slice(const trace_row& entered_by, timestamp end) {
  const std::int64_t start = micros(entered_by.at);
  return json::object{
      {"name", entered_by.to_state},
      {"cat", "state"},
      {"ph", "X"},
      {"ts", start},
      {"dur", std::max<std::int64_t>(0, micros(end) - start)},
      {"pid", entered_by.conversation_id},
      {"tid", entered_by.conversation_id},
      {"args",
       {{"entered_seq", entered_by.seq},
        {"entered_by", entered_by.event},
        {"cause", entered_by.cause},
        {"detail", entered_by.detail}}},
  };
}

json::object metadata_event(std::string_view name, std::int64_t conversation_id,
                            std::string label) {
  return json::object{{"name", name},
                      {"ph", "M"},
                      {"pid", conversation_id},
                      {"tid", conversation_id},
                      {"args", {{"name", std::move(label)}}}};
}

void text_of_conversation(const conversation_rows& rows, std::string& out) {
  const std::int64_t id = rows.front()->conversation_id;
  out += "conversation " + std::to_string(id) + ": " + std::to_string(rows.size()) +
         (rows.size() == 1 ? " transition\n" : " transitions\n");
  // Time spent per state, in the order the states were first entered.
  std::vector<std::pair<std::string, std::chrono::milliseconds>> spent;
  auto add_spent = [&](const std::string& state, std::chrono::milliseconds d) {
    auto it =
        std::find_if(spent.begin(), spent.end(), [&](const auto& s) { return s.first == state; });
    if (it == spent.end()) {
      spent.emplace_back(state, d);
    } else {
      it->second += d;
    }
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const trace_row& r = *rows[i];
    std::string in_from = "-";
    if (i > 0) {
      const auto d = r.at - rows[i - 1]->at;
      in_from = format_span(d);
      add_spent(rows[i - 1]->to_state, d);
    }
    out += format_timestamp(r.at) + "  #" + std::to_string(r.seq) + "  " + r.from_state +
           " \u2192 " + r.to_state + "  " + r.event + "  (" + in_from + " in " + r.from_state +
           ")  cause=" + r.cause + "  actor=" + r.actor;
    if (!r.detail.empty()) out += "  detail=" + r.detail;
    out += '\n';
  }
  if (!spent.empty()) {
    out += "time in state:";
    for (std::size_t i = 0; i < spent.size(); ++i) {
      out += (i == 0 ? " " : ", ") + spent[i].first + " " + format_span(spent[i].second);
    }
    out += '\n';
  }
  out += "current state: " + rows.back()->to_state + " since " + format_timestamp(rows.back()->at) +
         '\n';
}

}  // namespace

std::optional<trace_format> parse_trace_format(std::string_view name) noexcept {
  if (name == "text") return trace_format::text;
  if (name == "json") return trace_format::json;
  if (name == "chrome") return trace_format::chrome;
  return std::nullopt;
}

std::string format_timestamp(timestamp t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

std::string format_span(std::chrono::milliseconds d) {
  const std::int64_t ms = d.count();
  if (ms < 0) return "-";
  if (ms < 1000) return std::to_string(ms) + "ms";
  if (ms < 60'000) return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + "s";
  const std::int64_t s = ms / 1000;
  if (s < 3600) return std::to_string(s / 60) + "m" + two_digits(s % 60) + "s";
  if (s < 86'400) return std::to_string(s / 3600) + "h" + two_digits(s % 3600 / 60) + "m";
  return std::to_string(s / 86'400) + "d" + two_digits(s % 86'400 / 3600) + "h";
}

std::string format_trace_text(const std::vector<trace_row>& rows) {
  std::string out;
  for (const conversation_rows& group : by_conversation(rows)) text_of_conversation(group, out);
  return out;
}

std::string format_trace_json(const std::vector<trace_row>& rows) {
  json::array a;
  a.reserve(rows.size());
  for (const trace_row& r : rows) {
    a.push_back(json::object{{"at", format_timestamp(r.at)},
                             {"from", r.from_state},
                             {"to", r.to_state},
                             {"event", r.event},
                             {"cause", r.cause},
                             {"actor", r.actor},
                             {"detail", r.detail}});
  }
  return json::serialize(a);
}

std::string format_trace_chrome(const std::vector<trace_row>& rows,
                                std::optional<timestamp> until) {
  json::array events;
  for (const conversation_rows& group : by_conversation(rows)) {
    const std::int64_t id = group.front()->conversation_id;
    events.push_back(metadata_event("process_name", id, "conversation " + std::to_string(id)));
    events.push_back(metadata_event("thread_name", id, "states"));
    const trace_row* entered = group.front();
    for (std::size_t i = 1; i < group.size(); ++i) {
      if (group[i]->to_state == entered->to_state) continue;  // a self-transition: same stay
      // A state left the moment it was entered (triaged, on the way to drafting) has no
      // slice, only its instant event: zero-length slices at the start of the next one make
      // trace viewers nest every later slice under it.
      if (group[i]->at > entered->at) events.push_back(state_slice(*entered, group[i]->at));
      entered = group[i];
    }
    const timestamp end = until && *until > entered->at ? *until : entered->at;
    events.push_back(state_slice(*entered, end));
    for (const trace_row* r : group) events.push_back(instant_event(*r));
  }
  return json::serialize(
      json::object{{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}});
}

std::optional<timestamp> current_state_until(const std::vector<trace_row>& rows, timestamp now) {
  if (rows.empty() || rows.back().to_state == "closed") return std::nullopt;
  return now;
}

std::string format_trace(const std::vector<trace_row>& rows, trace_format format,
                         std::optional<timestamp> until) {
  switch (format) {
    case trace_format::text:
      return format_trace_text(rows);
    case trace_format::json:
      return format_trace_json(rows);
    case trace_format::chrome:
      return format_trace_chrome(rows, until);
  }
  return format_trace_text(rows);
}

}  // namespace frontdesk::app
