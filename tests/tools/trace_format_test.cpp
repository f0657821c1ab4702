#include "app/trace_format.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace frontdesk::app {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;
using persistence::timestamp;
using persistence::trace_row;

// 2026-05-06T10:15:32.000Z
const timestamp t0{std::chrono::milliseconds(1'778'062'532'000)};

trace_row row(std::int64_t seq, std::chrono::milliseconds after, std::string from, std::string to,
              std::string event, std::string cause = "test", std::string actor = "system",
              std::string detail = "") {
  trace_row r;
  r.conversation_id = 9001;
  r.seq = seq;
  r.at = t0 + after;
  r.from_state = std::move(from);
  r.to_state = std::move(to);
  r.event = std::move(event);
  r.cause = std::move(cause);
  r.actor = std::move(actor);
  r.detail = std::move(detail);
  return r;
}

/// A conversation: message, triage (two rows at once), draft after 4.2 s, a second message
/// while queued... approved 3 min 10 s after queueing.
std::vector<trace_row> sample() {
  return {
      row(1, 0ms, "new", "received", "customer_message", "webhook:message_created:4521",
          "customer"),
      row(2, 50ms, "received", "triaged", "triage_ai", "triage", "system", "P2"),
      row(3, 50ms, "triaged", "drafting", "triage_ai", "triage", "system"),
      row(4, 4250ms, "drafting", "awaiting_approval", "draft_ready", "drafter", "system",
          "draft v1"),
      row(5, 4250ms + 30min, "awaiting_approval", "awaiting_approval", "timer_fired", "timer",
          "timer", "approval_notify"),
      row(6, 4250ms + 33min + 10s, "awaiting_approval", "sent", "approve", "operator:alice",
          "alice", "approved by alice"),
  };
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(trace_format, parses_format_names) {
  EXPECT_EQ(parse_trace_format("text"), trace_format::text);
  EXPECT_EQ(parse_trace_format("json"), trace_format::json);
  EXPECT_EQ(parse_trace_format("chrome"), trace_format::chrome);
  EXPECT_FALSE(parse_trace_format("JSON"));
  EXPECT_FALSE(parse_trace_format(""));
  EXPECT_FALSE(parse_trace_format("perfetto"));
}

TEST(trace_format, timestamps_are_rfc3339_utc_with_milliseconds) {
  EXPECT_EQ(format_timestamp(t0), "2026-05-06T10:15:32.000Z");
  EXPECT_EQ(format_timestamp(t0 + 1234ms), "2026-05-06T10:15:33.234Z");
  EXPECT_EQ(format_timestamp(timestamp{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp(timestamp{std::chrono::milliseconds(951'782'400'000)}),
            "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(format_timestamp(timestamp{std::chrono::milliseconds(-1)}), "1969-12-31T23:59:59.999Z");
}

TEST(trace_format, spans_read_naturally) {
  EXPECT_EQ(format_span(0ms), "0ms");
  EXPECT_EQ(format_span(850ms), "850ms");
  EXPECT_EQ(format_span(12'345ms), "12.3s");
  EXPECT_EQ(format_span(4min + 3s), "4m03s");
  EXPECT_EQ(format_span(2h + 5min + 59s), "2h05m");
  EXPECT_EQ(format_span(76h), "3d04h");
  EXPECT_EQ(format_span(-5ms), "-");
}

TEST(trace_format, text_has_one_line_per_transition_with_time_in_the_state_left) {
  const auto lines = lines_of(format_trace_text(sample()));
  ASSERT_EQ(lines.size(), 1u + 6u + 2u);
  EXPECT_EQ(lines[0], "conversation 9001: 6 transitions");
  EXPECT_EQ(lines[1],
            "2026-05-06T10:15:32.000Z  #1  new \u2192 received  customer_message  (- in new)  "
            "cause=webhook:message_created:4521  actor=customer");
  EXPECT_NE(lines[2].find("#2  received \u2192 triaged  triage_ai  (50ms in received)"),
            std::string::npos)
      << lines[2];
  EXPECT_NE(lines[2].find("detail=P2"), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].find("(0ms in triaged)"), std::string::npos) << lines[3];
  EXPECT_NE(lines[4].find("(4.2s in drafting)"), std::string::npos) << lines[4];
  EXPECT_NE(lines[5].find("(30m00s in awaiting_approval)"), std::string::npos) << lines[5];
  EXPECT_NE(lines[6].find("(3m10s in awaiting_approval)"), std::string::npos) << lines[6];
  EXPECT_NE(lines[6].find("cause=operator:alice  actor=alice  detail=approved by alice"),
            std::string::npos)
      << lines[6];
  // Totals: awaiting_approval's stay is split by its self-transition, and summed.
  EXPECT_EQ(lines[7],
            "time in state: received 50ms, triaged 0ms, drafting 4.2s, awaiting_approval 33m10s");
  EXPECT_EQ(lines[8], "current state: sent since 2026-05-06T10:48:46.250Z");
}

TEST(trace_format, text_orders_rows_by_seq_and_separates_conversations) {
  auto rows = sample();
  std::swap(rows[0], rows[5]);
  trace_row other = row(1, 1s, "new", "received", "customer_message");
  other.conversation_id = 12;
  rows.push_back(other);
  const auto lines = lines_of(format_trace_text(rows));
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0], "conversation 12: 1 transition");
  EXPECT_EQ(lines[3], "conversation 9001: 6 transitions");
  EXPECT_NE(lines[4].find("#1  new"), std::string::npos) << lines[4];
  EXPECT_EQ(format_trace_text({}), "");
}

TEST(trace_format, json_has_the_api_fields) {
  const json::value v = json::parse(format_trace_json(sample()));
  ASSERT_TRUE(v.is_array());
  const json::array& a = v.as_array();
  ASSERT_EQ(a.size(), 6u);
  const json::object& first = a[0].as_object();
  EXPECT_EQ(first.size(), 7u);
  EXPECT_EQ(first.at("at").as_string(), "2026-05-06T10:15:32.000Z");
  EXPECT_EQ(first.at("from").as_string(), "new");
  EXPECT_EQ(first.at("to").as_string(), "received");
  EXPECT_EQ(first.at("event").as_string(), "customer_message");
  EXPECT_EQ(first.at("cause").as_string(), "webhook:message_created:4521");
  EXPECT_EQ(first.at("actor").as_string(), "customer");
  EXPECT_EQ(first.at("detail").as_string(), "");
  EXPECT_EQ(a[5].as_object().at("at").as_string(), "2026-05-06T10:48:46.250Z");
  EXPECT_EQ(a[5].as_object().at("detail").as_string(), "approved by alice");
  EXPECT_EQ(format_trace_json({}), "[]");
}

TEST(trace_format, json_escapes_hostile_text) {
  auto r = row(1, 0ms, "new", "received", "customer_message", "x\"y\\z\n\u0001", "</script>",
               "\u00e9\u4e2d");
  const json::value v = json::parse(format_trace_json({r}));
  EXPECT_EQ(v.as_array()[0].as_object().at("cause").as_string(), "x\"y\\z\n\u0001");
  EXPECT_EQ(v.as_array()[0].as_object().at("detail").as_string(), "\u00e9\u4e2d");
}

struct chrome_view {
  std::vector<json::object> slices, instants, metadata;
};

chrome_view parse_chrome(const std::string& text) {
  chrome_view out;
  const json::value v = json::parse(text);
  for (const auto& e : v.as_object().at("traceEvents").as_array()) {
    const json::object& o = e.as_object();
    const auto ph = o.at("ph").as_string();
    if (ph == "X") out.slices.push_back(o);
    if (ph == "i") out.instants.push_back(o);
    if (ph == "M") out.metadata.push_back(o);
  }
  return out;
}

TEST(trace_format, chrome_has_one_slice_per_stay_with_its_duration) {
  const auto until = t0 + 2h;
  const std::string text = format_trace_chrome(sample(), until);
  const json::value root = json::parse(text);
  EXPECT_EQ(root.as_object().at("displayTimeUnit").as_string(), "ms");
  const chrome_view v = parse_chrome(text);

  // received, drafting, awaiting_approval (the self-transition does not split it), sent;
  // triaged was left the moment it was entered: only its instant event.
  ASSERT_EQ(v.slices.size(), 4u);
  const std::vector<std::pair<std::string, std::int64_t>> want = {
      {"received", 50'000},
      {"drafting", 4'200'000},
      {"awaiting_approval", (33 * 60 + 10) * 1'000'000LL},
      {"sent",
       std::chrono::duration_cast<std::chrono::microseconds>(2h - (4250ms + 33min + 10s)).count()},
  };
  std::int64_t expected_ts = 1'778'062'532'000'000;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const json::object& s = v.slices[i];
    EXPECT_EQ(s.at("name").as_string(), want[i].first);
    EXPECT_EQ(s.at("dur").to_number<std::int64_t>(), want[i].second) << want[i].first;
    EXPECT_EQ(s.at("ts").to_number<std::int64_t>(), expected_ts) << want[i].first;
    EXPECT_EQ(s.at("pid").to_number<std::int64_t>(), 9001);
    EXPECT_EQ(s.at("tid").to_number<std::int64_t>(), 9001);
    expected_ts += want[i].second;  // slices tile the timeline
  }
  EXPECT_EQ(v.slices[2].at("args").as_object().at("entered_by").as_string(), "draft_ready");

  ASSERT_EQ(v.instants.size(), 6u);
  for (std::size_t i = 0; i < v.instants.size(); ++i) {
    const json::object& e = v.instants[i];
    EXPECT_EQ(e.at("s").as_string(), "t");
    EXPECT_EQ(e.at("args").as_object().at("seq").to_number<std::int64_t>(),
              static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(
        e.at("ts").to_number<std::int64_t>(),
        std::chrono::duration_cast<std::chrono::microseconds>(sample()[i].at.time_since_epoch())
            .count());
  }
  EXPECT_EQ(v.instants[5].at("name").as_string(), "approve");
  EXPECT_EQ(v.instants[5].at("args").as_object().at("to").as_string(), "sent");

  ASSERT_EQ(v.metadata.size(), 2u);
  EXPECT_EQ(v.metadata[0].at("args").as_object().at("name").as_string(), "conversation 9001");
}

TEST(trace_format, chrome_current_state_is_zero_length_without_a_later_end) {
  const chrome_view v = parse_chrome(format_trace_chrome(sample()));
  ASSERT_EQ(v.slices.size(), 4u);
  EXPECT_EQ(v.slices.back().at("dur").to_number<std::int64_t>(), 0);
  const chrome_view earlier = parse_chrome(format_trace_chrome(sample(), t0));
  EXPECT_EQ(earlier.slices.back().at("dur").to_number<std::int64_t>(), 0);
}

TEST(trace_format, chrome_gives_each_conversation_its_own_track) {
  auto rows = sample();
  trace_row other = row(1, 10ms, "new", "received", "customer_message");
  other.conversation_id = 12;
  rows.push_back(other);
  const chrome_view v = parse_chrome(format_trace_chrome(rows, t0 + 1h));
  std::map<std::int64_t, int> slices_per_track;
  for (const auto& s : v.slices) {
    EXPECT_EQ(s.at("pid").to_number<std::int64_t>(), s.at("tid").to_number<std::int64_t>());
    ++slices_per_track[s.at("pid").to_number<std::int64_t>()];
  }
  EXPECT_EQ(slices_per_track[9001], 4);
  EXPECT_EQ(slices_per_track[12], 1);
  EXPECT_EQ(v.metadata.size(), 4u);
  // An empty trace is still a valid, empty trace file.
  EXPECT_TRUE(parse_chrome(format_trace_chrome({})).slices.empty());
}

TEST(trace_format, the_current_state_lasts_until_now_unless_the_conversation_closed) {
  const auto now = t0 + 5h;
  EXPECT_EQ(current_state_until(sample(), now), now);
  auto closed = sample();
  closed.push_back(row(7, 4h, "sent", "closed", "close"));
  EXPECT_EQ(current_state_until(closed, now), std::nullopt);
  EXPECT_EQ(current_state_until({}, now), std::nullopt);
}

TEST(trace_format, dispatch_matches_the_individual_functions) {
  EXPECT_EQ(format_trace(sample(), trace_format::text), format_trace_text(sample()));
  EXPECT_EQ(format_trace(sample(), trace_format::json), format_trace_json(sample()));
  EXPECT_EQ(format_trace(sample(), trace_format::chrome, t0 + 1h),
            format_trace_chrome(sample(), t0 + 1h));
}

}  // namespace
}  // namespace frontdesk::app
