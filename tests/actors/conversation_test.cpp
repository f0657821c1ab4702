// Conversation actors on a real actor system and a real SQLite store.

#include <sqlite3.h>

#include "actors/conversation_snapshot.hpp"
#include "fixture.hpp"
#include "persistence/commit_queue.hpp"

namespace frontdesk::actors::testing {
namespace {

using status = command_reply::status;

/// Runs one statement on the runtime's database through a connection of its own.
void run_sql(const std::string& file, const char* statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10'000);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, statement, nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST_F(runtime_test, a_message_is_drafted_queued_and_an_approval_sends_exactly_once) {
  start();
  const command_reply r = ask(customer_message(7, 101));
  EXPECT_EQ(r.outcome, status::applied) << r.message;
  ASSERT_TRUE(eventually([&] { return state_of(7) == "awaiting_approval"; })) << state_of(7);
  auto item = rt->store()->queue_item_for(7, 1);
  ASSERT_TRUE(item && *item);
  EXPECT_EQ((*item)->status, "pending");
  EXPECT_EQ((*item)->customer_message, "Where is my order?");
  EXPECT_NE((*item)->draft.find("Hello Jane"), std::string::npos);

  EXPECT_EQ(ask(approve(7, 1)).outcome, status::applied);
  EXPECT_EQ(state_of(7), "sent");
  // Same action, same body: idempotent. A stale version: refused.
  EXPECT_EQ(ask(approve(7, 1)).outcome, status::repeat);
  const command_reply stale = ask(approve(7, 0, "other"));
  EXPECT_EQ(stale.outcome, status::refused);
  EXPECT_EQ(stale.code, fsm::error_code::stale_draft_version);
  const command_reply decided = ask(approve(7, 1, "another body"));
  EXPECT_EQ(decided.outcome, status::refused);
  EXPECT_EQ(decided.code, fsm::error_code::already_decided);

  auto replies = 0;
  ASSERT_TRUE(eventually([&] {
    auto pending = rt->store()->pending_outbox(100);
    return pending && pending->empty();
  }));
  auto msgs = rt->store()->messages(7, 50);
  ASSERT_TRUE(msgs);
  for (const auto& m : *msgs) replies += m.kind == "reply" ? 1 : 0;
  EXPECT_EQ(replies, 1);
  auto approved = rt->store()->queue_item_for(7, 1);
  EXPECT_EQ((*approved)->status, "approved");
  EXPECT_EQ((*approved)->operator_id, "alice");

  // One trace record per state change, consecutive.
  auto trace = rt->store()->trace(7);
  ASSERT_TRUE(trace);
  std::vector<std::string> path;
  for (std::size_t i = 0; i < trace->size(); ++i) {
    EXPECT_EQ((*trace)[i].seq, static_cast<std::int64_t>(i + 1));
    if (i > 0) {
      EXPECT_EQ((*trace)[i - 1].to_state, (*trace)[i].from_state);
    }
    path.push_back((*trace)[i].to_state);
  }
  EXPECT_EQ(path, (std::vector<std::string>{"received", "triaged", "drafting", "awaiting_approval",
                                            "sent"}));
}

TEST_F(runtime_test, a_replayed_delivery_is_a_duplicate_and_changes_nothing) {
  start();
  EXPECT_EQ(ask(customer_message(8, 201)).outcome, status::applied);
  ASSERT_TRUE(eventually([&] { return state_of(8) == "awaiting_approval"; }));
  const auto before = row(8);
  EXPECT_EQ(ask(customer_message(8, 201)).outcome, status::duplicate);
  const auto after = row(8);
  ASSERT_TRUE(before && after);
  EXPECT_EQ(before->snapshot, after->snapshot);
  EXPECT_EQ(ctl->received.load(), 1);
}

TEST_F(runtime_test, a_replayed_delivery_while_drafting_starts_no_work) {
  start();
  ctl->never_answer = true;  // stays in drafting, where a message asks for a new triage
  EXPECT_EQ(ask(customer_message(12, 211)).outcome, status::applied);
  ASSERT_TRUE(eventually([&] { return state_of(12) == "drafting" && ctl->received == 1; }));
  const auto before = row(12);
  // Triage starts while the replay is being committed; the store finds a duplicate, so the
  // work is withdrawn: no second triage, no second draft request.
  EXPECT_EQ(ask(customer_message(12, 211)).outcome, status::duplicate);
  EXPECT_FALSE(eventually([&] { return ctl->received > 1; }, std::chrono::milliseconds(500)));
  const auto after = row(12);
  ASSERT_TRUE(before && after);
  EXPECT_EQ(before->snapshot, after->snapshot);
}

TEST_F(runtime_test, work_whose_commit_failed_starts_again_once_the_store_takes_it) {
  start();
  // The store refuses to record a triage until the trigger goes.
  run_sql(db_path,
          "CREATE TRIGGER refuse_triage BEFORE INSERT ON traces WHEN NEW.to_state = 'triaged' "
          "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  EXPECT_EQ(ask(customer_message(13, 221)).outcome, status::applied);
  ASSERT_TRUE(eventually([&] { return rt->commits().stats().failed_sets > 0; }));
  EXPECT_EQ(state_of(13), "received");
  run_sql(db_path, "DROP TRIGGER refuse_triage");
  // Nobody asks again (no delivery, no operator): the conversation resumes its own work.
  ASSERT_TRUE(eventually([&] { return state_of(13) == "awaiting_approval"; })) << state_of(13);
  auto trace = rt->store()->trace(13);
  ASSERT_TRUE(trace);
  std::vector<std::string> path;
  for (const auto& t : *trace) path.push_back(t.to_state);
  EXPECT_EQ(path,
            (std::vector<std::string>{"received", "triaged", "drafting", "awaiting_approval"}));
}

TEST_F(runtime_test, commands_for_one_conversation_apply_in_arrival_order) {
  start();
  ctl->never_answer = true;  // stay in drafting: every message supersedes the last request
  constexpr int n = 40;
  std::vector<std::future<command_reply>> replies;
  for (int i = 1; i <= n; ++i) {
    auto p = std::make_shared<std::promise<command_reply>>();
    replies.push_back(p->get_future());
    auto cmd = customer_message(9, 300 + i, "message " + std::to_string(i));
    cmd.reply = make_reply([p](const command_reply& r) { p->set_value(r); });
    rt->submit(std::move(cmd));
  }
  for (auto& f : replies) EXPECT_EQ(f.get().outcome, status::applied);
  auto msgs = rt->store()->messages(9, 100);
  ASSERT_TRUE(msgs);
  ASSERT_EQ(msgs->size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) EXPECT_EQ((*msgs)[i].message_id, 301 + i);
  auto trace = rt->store()->trace(9);
  ASSERT_TRUE(trace);
  for (std::size_t i = 0; i < trace->size(); ++i) EXPECT_EQ((*trace)[i].seq, std::int64_t(i + 1));
}

TEST_F(runtime_test, conversations_run_in_parallel_without_blocking_each_other) {
  start();
  constexpr int n = 60;
  // The drafter answers nobody until all n requests are in flight at once: if any
  // conversation blocked while waiting for its draft, this would never complete.
  ctl->hold_until = n;
  for (int i = 0; i < n; ++i) rt->submit(customer_message(1000 + i, 5000 + i));
  ASSERT_TRUE(eventually([&] {
    for (int i = 0; i < n; ++i) {
      if (state_of(1000 + i) != "awaiting_approval") return false;
    }
    return true;
  }));
  EXPECT_EQ(ctl->max_in_flight.load(), n);
  EXPECT_EQ(rt->counts_blocking().live, static_cast<std::uint64_t>(n));
}

TEST_F(runtime_test, idle_conversations_passivate_and_come_back_from_the_store) {
  settings.actors.passivate_after_s = 1;
  start();
  ask(customer_message(11, 401));
  ASSERT_TRUE(eventually([&] { return state_of(11) == "awaiting_approval"; }));
  ASSERT_TRUE(eventually([&] { return rt->counts_blocking().live == 0; }));
  const runtime_counts passive = rt->counts_blocking();
  EXPECT_EQ(passive.passivations, 1u);
  EXPECT_EQ(passive.activations, 1u);
  // Approval and SLA timers stay scheduled in the store while passivated (in memory only
  // once they are due within the timer horizon).
  auto stored = rt->store()->timers(11);
  ASSERT_TRUE(stored);
  EXPECT_GE(stored->size(), 2u);
  for (const auto& t : *stored) EXPECT_FALSE(t.fired) << t.name;
  // The next command re-activates it with its state and draft.
  EXPECT_EQ(ask(approve(11, 1)).outcome, status::applied);
  EXPECT_EQ(rt->counts_blocking().activations, 2u);
  EXPECT_EQ(state_of(11), "sent");
}

TEST_F(runtime_test, a_conversation_still_drafting_is_never_passivated) {
  settings.actors.passivate_after_s = 1;  // the registry sweeps every 250 ms
  ctl->hold_until = 2;                    // the first draft waits until a second is asked for
  start();
  ask(customer_message(21, 2101));
  ASSERT_TRUE(eventually([&] { return state_of(21) == "drafting"; }));
  // Idle by the clock (nothing routed to it) for several sweeps, but busy: it stays.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(rt->counts_blocking().live, 1u);
  EXPECT_EQ(rt->counts_blocking().passivations, 0u);
  // Once its draft is in the queue it is idle like any other, and leaves memory.
  ask(customer_message(22, 2201));
  ASSERT_TRUE(eventually([&] { return state_of(21) == "awaiting_approval"; })) << state_of(21);
  ASSERT_TRUE(eventually([&] { return rt->counts_blocking().live == 0; }));
  EXPECT_EQ(rt->counts_blocking().passivations, 2u);
}

TEST_F(runtime_test, a_restart_resumes_work_in_flight_and_timers) {
  ctl->never_answer = true;
  start();
  ask(customer_message(12, 501));
  ASSERT_TRUE(eventually([&] { return state_of(12) == "drafting"; }));
  ask(customer_message(13, 502));
  ASSERT_TRUE(eventually([&] { return state_of(13) == "drafting"; }));
  rt->stop();
  rt.reset();
  // A new process: the drafting request is re-issued and answered this time.
  ctl = std::make_shared<drafter_control>();
  start();
  ASSERT_TRUE(eventually([&] { return state_of(12) == "awaiting_approval"; })) << state_of(12);
  ASSERT_TRUE(eventually([&] { return state_of(13) == "awaiting_approval"; }));
  EXPECT_EQ(ctl->received.load(), 2);
  auto timers = rt->store()->timers(12);
  ASSERT_TRUE(timers);
  EXPECT_FALSE(timers->empty());
}

TEST_F(runtime_test, a_legal_threat_followed_at_once_by_another_message_still_escalates) {
  start();
  // Both arrive before triage has run: triage reads every message since it last looked, not
  // only the latest one.
  auto first = customer_message(31, 3101, "I am forwarding this to my attorney today.");
  auto second = customer_message(31, 3102, "Also, where is my order?");
  rt->submit(std::move(first));
  rt->submit(std::move(second));
  ASSERT_TRUE(eventually([&] { return state_of(31) == "escalated"; })) << state_of(31);
  EXPECT_NE(row(31)->escalation_reason.value_or("").find("attorney"), std::string::npos)
      << row(31)->escalation_reason.value_or("");
  EXPECT_EQ(ctl->received.load(), 0) << "nothing was drafted";
  // Once triaged, nothing is left waiting in the snapshot.
  auto snap = decode_snapshot(row(31)->snapshot);
  ASSERT_TRUE(snap) << snap.error();
  EXPECT_TRUE(snap->info.untriaged_text.empty());
}

TEST_F(runtime_test, a_draft_that_never_comes_escalates_at_the_deadline) {
  settings.workflow.draft_timeout_s = 1;
  ctl->never_answer = true;
  start();
  ask(customer_message(14, 601));
  ASSERT_TRUE(eventually([&] { return state_of(14) == "escalated"; })) << state_of(14);
  EXPECT_EQ(row(14)->escalation_reason.value_or(""), "ai_unavailable");
}

TEST_F(runtime_test, low_confidence_escalates_with_the_draft_in_the_handoff) {
  ctl->confidence = 0.4;
  start();
  ask(customer_message(15, 701));
  ASSERT_TRUE(eventually([&] { return state_of(15) == "escalated"; }));
  EXPECT_EQ(row(15)->escalation_reason.value_or(""), "low_confidence");
  ASSERT_TRUE(eventually([&] {
    auto p = rt->store()->pending_outbox(10);
    return p && p->empty();
  }));
  auto item = rt->store()->queue_item_for(15, 1);
  ASSERT_TRUE(item && *item);
  EXPECT_EQ((*item)->status, "escalated");
  EXPECT_NE((*item)->flags.find("low_confidence"), std::string::npos);
}

TEST_F(runtime_test, p0_messages_go_to_a_human_without_a_draft) {
  start();
  ask(customer_message(16, 801, "I was charged twice and my payment failed, this is fraud"));
  ASSERT_TRUE(eventually([&] { return state_of(16) == "escalated"; }));
  EXPECT_EQ(ctl->received.load(), 0);
  EXPECT_EQ(row(16)->priority, "P0");
}

}  // namespace
}  // namespace frontdesk::actors::testing

namespace frontdesk::actors::testing {
namespace {

std::optional<persistence::learning_record_row> learning_of(runtime& rt, std::int64_t conv) {
  auto all = rt.store()->learning(persistence::timestamp{},
                                  std::chrono::floor<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now() + std::chrono::hours(1)));
  if (!all) return std::nullopt;
  for (const auto& l : *all)
    if (l.conversation_id == conv) return l;
  return std::nullopt;
}

TEST_F(runtime_test, the_learning_record_follows_what_happened_after_the_reply) {
  start();
  // Conversation 71: replied, then the customer writes again: customer_followup.
  // Conversation 72: replied, then Chatwoot resolves it: resolved.
  for (std::int64_t conv : {71, 72}) {
    ASSERT_EQ(ask(customer_message(conv, conv * 10)).outcome, command_reply::status::applied);
    ASSERT_TRUE(eventually([&] { return state_of(conv) == "awaiting_approval"; }));
    ASSERT_EQ(ask(approve(conv, 1)).outcome, command_reply::status::applied);
    auto l = learning_of(*rt, conv);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->outcome, "pending");
    EXPECT_EQ(l->action, "approve");
  }
  ASSERT_EQ(ask(customer_message(71, 711, "It still has not arrived")).outcome,
            command_reply::status::applied);
  conversation_command resolved;
  resolved.conversation_id = 72;
  resolved.event = fsm::ev::resolved{};
  resolved.cause = "test:resolved";
  resolved.actor = "chatwoot";
  ASSERT_EQ(ask(std::move(resolved)).outcome, command_reply::status::applied);

  auto followed = learning_of(*rt, 71);
  ASSERT_TRUE(followed);
  EXPECT_EQ(followed->outcome, "customer_followup");
  EXPECT_EQ(followed->customer_message, "Where is my order?");  // still the answered message
  EXPECT_EQ(followed->action, "approve");
  EXPECT_EQ(followed->reviewer, "alice");
  auto closed = learning_of(*rt, 72);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->outcome, "resolved");
}

}  // namespace
}  // namespace frontdesk::actors::testing
