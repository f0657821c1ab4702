// Effects and data of the transitions that matter most: sending, superseding, timers,
// SLA clocks, idempotent repeats, snapshots and recovery.

#include <gtest/gtest.h>

#include "drive.hpp"
#include "fsm/recovery.hpp"
#include "fsm/snapshot.hpp"

namespace frontdesk::fsm {
namespace {

using testing::driver;
using namespace std::chrono_literals;

template <class T>
std::vector<T> all_of(const effects& fx) {
  std::vector<T> v;
  for (const effect& f : fx) {
    if (const auto* p = std::get_if<T>(&f)) v.push_back(*p);
  }
  return v;
}

TEST(effects, customer_message_starts_clocks_and_triage) {
  driver d;
  const outcome& o = d.must(ev::customer_message{7});
  EXPECT_EQ(all_of<fx::store_message>(o.todo).at(0).message_id, 7);
  EXPECT_EQ(all_of<fx::request_triage>(o.todo).size(), 1u);
  EXPECT_EQ(o.next.first_response_clock, d.now);
  EXPECT_EQ(o.next.resolution_clock, d.now);
  EXPECT_EQ(o.next.last_customer_message, 7);
}

TEST(effects, triage_arms_sla_by_priority_and_requests_a_draft) {
  driver d;
  d.message();
  const outcome& o = d.must(ev::triaged{domain::priority::p1, false, ""});
  ASSERT_EQ(o.trace.size(), 2u);
  EXPECT_EQ(o.trace[0].to, state::triaged);
  EXPECT_EQ(o.trace[1].from, state::triaged);
  const auto arms = all_of<fx::arm_timer>(o.todo);
  auto due_of = [&](timer_name t) {
    for (const auto& a : arms)
      if (a.name == t) return a.due;
    ADD_FAILURE() << "not armed: " << to_string(t);
    return time_point{};
  };
  EXPECT_EQ(due_of(timer_name::first_response_breach), d.now + 1h);
  EXPECT_EQ(due_of(timer_name::first_response_warning), d.now + 45min);
  EXPECT_EQ(due_of(timer_name::resolution_breach), d.now + 8h);
  EXPECT_EQ(due_of(timer_name::draft_deadline), d.now + d.cfg.draft_timeout);
  EXPECT_EQ(all_of<fx::request_draft>(o.todo).at(0).request_id, o.next.draft_request);
}

TEST(effects, approve_sends_once_and_a_repeat_is_idempotent) {
  driver d;
  d.reach(state::awaiting_approval);
  const std::uint64_t v = d.conv.draft_version;
  const outcome& o = d.must(ev::approve{v, "alice", "body-1"});
  EXPECT_EQ(all_of<fx::send_reply>(o.todo).size(), 1u);
  EXPECT_EQ(all_of<fx::first_response_given>(o.todo).size(), 1u);
  EXPECT_FALSE(o.next.timer(timer_name::approval_notify).due);
  EXPECT_FALSE(o.next.timer(timer_name::first_response_breach).due);
  // Same action, same body: success, nothing to do.
  const outcome& again = d.must(ev::approve{v, "alice", "body-1"});
  EXPECT_TRUE(again.repeat);
  EXPECT_TRUE(again.todo.empty());
  // Another action on the decided draft: conflict.
  auto other = d.try_apply(ev::reject{v, "bob", "body-2"});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, error_code::already_decided);
  // Same action with another body: conflict too.
  auto changed = d.try_apply(ev::approve{v, "alice", "body-3"});
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().code, error_code::already_decided);
}

TEST(effects, new_message_supersedes_the_queued_draft) {
  driver d;
  d.reach(state::awaiting_approval);
  const std::uint64_t old_version = d.conv.draft_version;
  const outcome& o = d.must(ev::customer_message{2});
  EXPECT_EQ(o.next.current, state::drafting);
  EXPECT_EQ(all_of<fx::supersede_draft>(o.todo).at(0).draft_version, old_version);
  EXPECT_EQ(all_of<fx::request_draft>(o.todo).size(), 1u);
  auto stale = d.try_apply(ev::approve{old_version, "alice", "b"});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, error_code::stale_draft_version);
  // The next draft gets a new version, and only that one can be approved.
  d.draft();
  EXPECT_EQ(d.conv.draft_version, old_version + 1);
  EXPECT_FALSE(d.try_apply(ev::approve{old_version, "alice", "b"}));
  EXPECT_TRUE(d.try_apply(ev::approve{old_version + 1, "alice", "b"}));
}

TEST(effects, message_while_drafting_cancels_the_request) {
  driver d;
  d.reach(state::drafting);
  const std::uint64_t first = d.conv.draft_request;
  const outcome& o = d.must(ev::customer_message{3});
  EXPECT_EQ(all_of<fx::cancel_draft>(o.todo).at(0).request_id, first);
  EXPECT_NE(o.next.draft_request, first);
  auto late = d.try_apply(ev::draft_ready{first, 0.99});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, error_code::stale_draft_result);
}

TEST(effects, approval_timers_notify_then_raise_priority) {
  driver d;
  d.reach(state::awaiting_approval);
  const timer_slot notify = d.conv.timer(timer_name::approval_notify);
  const timer_slot manager = d.conv.timer(timer_name::approval_manager);
  EXPECT_EQ(*notify.due, d.now + 30min);
  EXPECT_EQ(*manager.due, d.now + 60min);
  d.now += 30min;
  const outcome& o1 = d.must(ev::timer_fired{timer_name::approval_notify, notify.epoch});
  EXPECT_EQ(all_of<fx::notify>(o1.todo).at(0).kind, "approval_overdue");
  // A duplicate delivery of the same timer is stale.
  EXPECT_EQ(d.try_apply(ev::timer_fired{timer_name::approval_notify, notify.epoch}).error().code,
            error_code::stale_timer);
  d.now += 30min;
  const outcome& o2 = d.must(ev::timer_fired{timer_name::approval_manager, manager.epoch});
  EXPECT_EQ(all_of<fx::notify>(o2.todo).at(0).kind, "manager_alert");
  EXPECT_EQ(all_of<fx::raise_priority>(o2.todo).size(), 1u);
  EXPECT_EQ(o2.next.priority, domain::priority::p1);
  EXPECT_EQ(o2.next.current, state::awaiting_approval);
}

TEST(effects, draft_deadline_escalates_as_ai_unavailable) {
  driver d;
  d.reach(state::drafting);
  const timer_slot t = d.conv.timer(timer_name::draft_deadline);
  const outcome& o = d.must(ev::timer_fired{timer_name::draft_deadline, t.epoch});
  EXPECT_EQ(o.next.current, state::escalated);
  EXPECT_EQ(o.next.escalation_reason, "ai_unavailable");
  EXPECT_EQ(all_of<fx::cancel_draft>(o.todo).size(), 1u);
}

TEST(effects, sla_breach_marks_the_conversation) {
  driver d;
  d.reach(state::escalated);  // P0: 15 min first response
  const timer_slot t = d.conv.timer(timer_name::first_response_breach);
  EXPECT_EQ(*t.due, d.now + 15min);
  const outcome& o = d.must(ev::timer_fired{timer_name::first_response_breach, t.epoch});
  EXPECT_TRUE(o.next.sla_breached);
  EXPECT_EQ(all_of<fx::notify>(o.todo).at(0).kind, "sla_breach");
}

TEST(effects, resolution_cancels_every_timer) {
  driver d;
  d.reach(state::awaiting_approval);
  const outcome& o = d.must(ev::resolved{});
  for (const timer_slot& s : o.next.timers) EXPECT_FALSE(s.due);
  EXPECT_EQ(all_of<fx::record_resolution>(o.todo).size(), 1u);
  EXPECT_EQ(all_of<fx::supersede_draft>(o.todo).size(), 1u);
  EXPECT_FALSE(o.next.first_response_clock);
}

TEST(effects, human_reply_supersedes_and_counts_as_first_response) {
  driver d;
  d.reach(state::awaiting_approval);
  const outcome& o = d.must(ev::human_replied{77});
  EXPECT_EQ(o.next.current, state::sent);
  EXPECT_EQ(all_of<fx::record_decision>(o.todo).at(0).action, "human_reply");
  EXPECT_EQ(all_of<fx::first_response_given>(o.todo).size(), 1u);
}

TEST(snapshot, round_trips_every_field) {
  driver d;
  d.reach(state::awaiting_approval);
  d.conv.sla_breached = true;
  d.conv.escalation_reason = "keyword:\"lawyer\"\n";
  auto back = from_snapshot(to_snapshot(d.conv));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, d.conv);
}

TEST(snapshot, rejects_malformed_input_with_a_reason) {
  for (std::string_view bad :
       {"", "{", "[]", "null", R"({"id":1})", R"({"id":"x","state":"sent"})", "\xff\xfe"}) {
    auto r = from_snapshot(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_FALSE(r.error().empty());
    }
  }
  driver d;
  std::string snap = to_snapshot(d.conv);
  const auto pos = snap.find("\"new\"");
  ASSERT_NE(pos, std::string::npos);
  snap.replace(pos, 5, "\"nope\"");
  EXPECT_FALSE(from_snapshot(snap));
}

TEST(recovery, rearms_timers_and_reissues_work_in_flight) {
  driver d;
  d.reach(state::drafting);
  const effects fx = recovery_effects(d.conv);
  EXPECT_EQ(all_of<fx::request_draft>(fx).at(0).request_id, d.conv.draft_request);
  std::size_t armed = 0;
  for (const timer_slot& s : d.conv.timers) armed += s.due ? 1 : 0;
  const auto arms = all_of<fx::arm_timer>(fx);
  EXPECT_EQ(arms.size(), armed);
  for (const auto& a : arms) EXPECT_EQ(a.epoch, d.conv.timer(a.name).epoch);
  driver r;
  r.reach(state::received);
  EXPECT_EQ(all_of<fx::request_triage>(recovery_effects(r.conv)).size(), 1u);
}

}  // namespace
}  // namespace frontdesk::fsm
