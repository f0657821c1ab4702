// What a restart reads back is what the state machine armed: after each transition, the
// durable timers rows of a real SQLite store match the timers of the conversation's state,
// including a state re-entered by one event (its timer cancelled and armed again at once).

#include <gtest/gtest.h>

#include <map>

#include "actors/change_builder.hpp"
#include "persistence/store.hpp"
#include "tests/crash/harness.hpp"

namespace frontdesk::crash_testing {
namespace {

class timer_rows_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = persistence::open_store("sqlite:" + (dir_.path() / "db.sqlite").string());
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    ASSERT_TRUE(db_->migrate());
    snap_.fsm.id = 31;
  }

  /// Applies `e` as the conversation actor does: the state machine, then the change set
  /// committed to the store.
  void step(const fsm::event& e) {
    const fsm::time_point now =
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    auto out = fsm::apply(snap_.fsm, e, fsm::context{now, "test", "customer"}, cfg_);
    ASSERT_TRUE(out) << out.error().message;
    actors::conversation_snapshot after = snap_;
    after.fsm = out->next;
    actors::conversation_command cmd;
    cmd.conversation_id = snap_.fsm.id;
    cmd.event = e;
    const persistence::change_set cs =
        actors::build_change_set(actors::transition{cmd, snap_, after, &*out, now});
    auto applied = db_->apply({cs});
    ASSERT_TRUE(applied) << applied.error().message;
    snap_ = std::move(after);
  }

  /// name -> (due, epoch): armed in the state machine, and stored.
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> armed() const {
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> m;
    for (std::size_t i = 0; i < fsm::timer_count; ++i) {
      const auto name = static_cast<fsm::timer_name>(i);
      const fsm::timer_slot& s = snap_.fsm.timer(name);
      if (s.due) {
        m[std::string(fsm::to_string(name))] = {(*s.due).time_since_epoch().count(),
                                                static_cast<std::int64_t>(s.epoch)};
      }
    }
    return m;
  }
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> stored() const {
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> m;
    auto rows = db_->timers(snap_.fsm.id);
    EXPECT_TRUE(rows);
    if (!rows) return m;
    for (const persistence::timer_row& t : *rows) {
      if (!t.fired) m[t.name] = {t.due_at.time_since_epoch().count(), t.epoch};
    }
    return m;
  }

  scratch_dir dir_{"timer-rows-" +
                   std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())};
  std::unique_ptr<persistence::store> db_;
  fsm::machine_config cfg_;
  actors::conversation_snapshot snap_;
};

TEST_F(timer_rows_test, a_draft_restarted_by_a_new_message_keeps_its_deadline_stored) {
  step(fsm::ev::customer_message{1});
  step(fsm::ev::triaged{domain::priority::p2, false, ""});
  ASSERT_EQ(snap_.fsm.current, fsm::state::drafting);
  ASSERT_TRUE(snap_.fsm.timer(fsm::timer_name::draft_deadline).due);
  EXPECT_EQ(stored(), armed());
  // The customer writes again while the draft is being written: drafting is entered again,
  // its deadline cancelled and armed anew in the same transition.
  step(fsm::ev::customer_message{2});
  ASSERT_EQ(snap_.fsm.current, fsm::state::drafting);
  ASSERT_TRUE(snap_.fsm.timer(fsm::timer_name::draft_deadline).due);
  EXPECT_EQ(stored(), armed());
  EXPECT_EQ(stored().count("draft_deadline"), 1u);
}

TEST_F(timer_rows_test, timers_follow_the_conversation_to_the_queue) {
  step(fsm::ev::customer_message{1});
  step(fsm::ev::triaged{domain::priority::p1, false, ""});
  step(fsm::ev::draft_ready{snap_.fsm.draft_request, 0.9});
  ASSERT_EQ(snap_.fsm.current, fsm::state::awaiting_approval);
  EXPECT_EQ(stored(), armed());
  EXPECT_EQ(stored().count("draft_deadline"), 0u);
  EXPECT_EQ(stored().count("approval_notify"), 1u);
}

}  // namespace
}  // namespace frontdesk::crash_testing
