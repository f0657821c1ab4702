// The whole (state x event) matrix against PRODUCT.md's table, written out here
// independently of fsm/table.cpp.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "drive.hpp"

namespace frontdesk::fsm {
namespace {

using testing::driver;
using s = state;
using k = event_kind;

const std::vector<state> all_states{s::fresh,    s::received,          s::triaged,
                                    s::drafting, s::awaiting_approval, s::sent,
                                    s::graded,   s::escalated,         s::closed};

/// Expected next state for every legal (state, event) pair, from PRODUCT.md. The
/// timer row is checked with the first armed timer of the state (see driver).
const std::map<std::pair<state, event_kind>, state> expected_rows{
    {{s::fresh, k::customer_message}, s::received},
    {{s::sent, k::customer_message}, s::received},
    {{s::graded, k::customer_message}, s::received},
    {{s::closed, k::customer_message}, s::received},
    {{s::received, k::customer_message}, s::received},
    {{s::drafting, k::customer_message}, s::drafting},
    {{s::awaiting_approval, k::customer_message}, s::drafting},
    {{s::escalated, k::customer_message}, s::escalated},
    {{s::received, k::triage_ai}, s::drafting},
    {{s::received, k::triage_human}, s::escalated},
    {{s::drafting, k::triage_ai}, s::drafting},
    {{s::drafting, k::triage_human}, s::escalated},
    {{s::drafting, k::draft_ready}, s::awaiting_approval},
    {{s::drafting, k::draft_failed}, s::escalated},
    {{s::drafting, k::timer_fired}, s::escalated},  // draft deadline
    {{s::awaiting_approval, k::approve}, s::sent},
    {{s::awaiting_approval, k::edit}, s::sent},
    {{s::awaiting_approval, k::escalate}, s::escalated},
    {{s::awaiting_approval, k::reject}, s::escalated},
    {{s::awaiting_approval, k::timer_fired}, s::awaiting_approval},
    {{s::received, k::human_replied}, s::sent},
    {{s::drafting, k::human_replied}, s::sent},
    {{s::awaiting_approval, k::human_replied}, s::sent},
    {{s::escalated, k::human_replied}, s::escalated},
    {{s::sent, k::human_replied}, s::sent},
    {{s::graded, k::human_replied}, s::graded},
    {{s::sent, k::grade}, s::graded},
    {{s::graded, k::grade}, s::graded},
    {{s::received, k::timer_fired}, s::received},
    {{s::escalated, k::timer_fired}, s::escalated},
    {{s::sent, k::timer_fired}, s::sent},
    {{s::graded, k::timer_fired}, s::graded},
    {{s::escalated, k::hand_back}, s::drafting},
    {{s::received, k::resolved}, s::closed},
    {{s::drafting, k::resolved}, s::closed},
    {{s::awaiting_approval, k::resolved}, s::closed},
    {{s::sent, k::resolved}, s::closed},
    {{s::graded, k::resolved}, s::closed},
    {{s::escalated, k::resolved}, s::closed},
};

class matrix : public ::testing::TestWithParam<std::tuple<state, event_kind>> {};

TEST_P(matrix, follows_the_product_table) {
  const auto [st, kind] = GetParam();
  driver d;
  if (st == state::received && kind == event_kind::timer_fired) {
    // Received holds timers only in a later cycle (the resolution clock still runs).
    d.reach(state::sent);
    d.message(2);
  } else {
    d.reach(st);
  }
  ASSERT_EQ(d.conv.current, st);
  const conversation before = d.conv;
  const auto it = expected_rows.find({st, kind});
  auto r = d.try_apply(d.well_formed(kind));
  if (it == expected_rows.end()) {
    ASSERT_FALSE(r.has_value()) << to_string(st) << " + " << to_string(kind) << " was accepted";
    EXPECT_FALSE(has_row(st, kind));
    EXPECT_FALSE(r.error().message.empty());
    switch (kind) {
      case k::draft_ready:
      case k::draft_failed:
        EXPECT_EQ(r.error().code, error_code::stale_draft_result);
        break;
      case k::timer_fired:
        EXPECT_EQ(r.error().code, error_code::stale_timer);
        break;
      case k::approve:
      case k::edit:
      case k::escalate:
      case k::reject:
        EXPECT_TRUE(r.error().code == error_code::illegal_event ||
                    r.error().code == error_code::stale_draft_version ||
                    r.error().code == error_code::already_decided)
            << to_string(r.error().code);
        break;
      default:
        EXPECT_EQ(r.error().code, error_code::illegal_event);
    }
    EXPECT_EQ(d.conv, before);  // the caller's copy is untouched
    return;
  }
  ASSERT_TRUE(r.has_value()) << to_string(st) << " + " << to_string(kind) << ": "
                             << r.error().message;
  EXPECT_TRUE(has_row(st, kind));
  EXPECT_EQ(r->next.current, it->second) << to_string(st) << " + " << to_string(kind);
  ASSERT_FALSE(r->trace.empty());
  EXPECT_EQ(r->trace.front().from, st);
  EXPECT_EQ(r->trace.back().to, it->second);
  for (std::size_t i = 1; i < r->trace.size(); ++i) {
    EXPECT_EQ(r->trace[i - 1].to, r->trace[i].from);
    EXPECT_EQ(r->trace[i].seq, r->trace[i - 1].seq + 1);
  }
  EXPECT_EQ(r->next.trace_seq, before.trace_seq + r->trace.size());
}

std::vector<std::tuple<state, event_kind>> all_pairs() {
  std::vector<std::tuple<state, event_kind>> v;
  for (state st : all_states) {
    for (std::size_t i = 0; i < event_kind_count; ++i) v.emplace_back(st, event_kind(i));
  }
  return v;
}

INSTANTIATE_TEST_SUITE_P(all, matrix, ::testing::ValuesIn(all_pairs()),
                         [](const ::testing::TestParamInfo<matrix::ParamType>& p) {
                           return std::string(to_string(std::get<0>(p.param))) + "_" +
                                  std::string(to_string(std::get<1>(p.param)));
                         });

TEST(table, documents_exactly_the_legal_pairs) {
  std::set<std::pair<state, event_kind>> documented;
  for (const table_row& r : transition_table()) documented.insert({r.from, r.on});
  std::set<std::pair<state, event_kind>> expected;
  for (const auto& [key, to] : expected_rows) expected.insert(key);
  EXPECT_EQ(documented, expected);
}

TEST(table, low_confidence_draft_escalates_with_the_draft) {
  driver d;
  d.reach(state::drafting);
  const outcome& o = d.must(ev::draft_ready{d.conv.draft_request, 0.69});
  EXPECT_EQ(o.next.current, state::escalated);
  EXPECT_EQ(o.next.escalation_reason, "low_confidence");
  bool handed = false;
  for (const effect& e : o.todo) {
    if (const auto* h = std::get_if<fx::hand_off>(&e)) {
      handed = true;
      EXPECT_TRUE(h->low_confidence);
      EXPECT_EQ(h->draft_version, 1u);
    }
    EXPECT_FALSE(std::holds_alternative<fx::enqueue_draft>(e));
  }
  EXPECT_TRUE(handed);
}

TEST(table, threshold_is_inclusive_and_configurable) {
  driver d;
  d.cfg.confidence_threshold = 0.5;
  d.reach(state::drafting);
  EXPECT_EQ(d.must(ev::draft_ready{d.conv.draft_request, 0.5}).next.current,
            state::awaiting_approval);
}

}  // namespace
}  // namespace frontdesk::fsm
