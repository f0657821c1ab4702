// The timer service holds only the timers due within its horizon and loads the later ones
// from a real SQLite store as they come close.
#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <filesystem>
#include <mutex>
#include <vector>

#include "actors/atoms.hpp"
#include "actors/timer_service.hpp"
#include "fixture.hpp"
#include "fsm/timer.hpp"
#include "persistence/read_pool.hpp"
#include "persistence/store.hpp"

namespace frontdesk::actors {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

struct fired_timer {
  std::int64_t conv;
  fsm::timer_name name;
  std::uint64_t epoch;
  std::int64_t at_ms;
};

/// Stands in for the registry: records every fired timer it is routed.
struct fired_log {
  std::mutex mutex;
  std::vector<fired_timer> fired;
  std::vector<fired_timer> all() {
    std::lock_guard lock(mutex);
    return fired;
  }
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

caf::behavior recording_registry(caf::event_based_actor*, std::shared_ptr<fired_log> log) {
  return {
      [log](route_atom, const command_ptr& cmd) {
        const auto& t = std::get<fsm::ev::timer_fired>(*cmd->event);
        std::lock_guard lock(log->mutex);
        log->fired.push_back({cmd->conversation_id, t.name, t.epoch, now_ms()});
      },
  };
}

class timer_service_test : public ::testing::Test {
 protected:
  std::string db_path = testing::temp_db();
  std::shared_ptr<persistence::store> db;
  std::shared_ptr<persistence::read_pool> reads;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<fired_log> log = std::make_shared<fired_log>();
  caf::actor timers;

  void SetUp() override {
    auto opened = persistence::open_store("sqlite:" + db_path);
    ASSERT_TRUE(opened) << opened.error().message;
    db = std::shared_ptr<persistence::store>(std::move(*opened));
    ASSERT_TRUE(db->migrate());
    reads = std::make_shared<persistence::read_pool>(db, 1);
    sys = std::make_unique<caf::actor_system>(cfg);
    timer_service_options o;
    o.horizon = 1s;
    o.reload_every = 200ms;
    timers = spawn_timer_service(*sys, reads, o);
    caf::anon_send(timers, route_atom::value, sys->spawn(recording_registry, log));
  }
  void TearDown() override {
    caf::anon_send_exit(timers, caf::exit_reason::user_shutdown);
    timers = caf::actor{};
    reads->stop();
    sys.reset();
    db.reset();
    std::filesystem::remove_all(std::filesystem::path(db_path).parent_path());
  }

  /// What a conversation's commit does before it sends the arm message.
  void store_timer(std::int64_t conv, fsm::timer_name name, std::uint64_t epoch, std::int64_t due) {
    persistence::change_set set;
    set.timer_upserts.push_back({conv, std::string(fsm::to_string(name)),
                                 persistence::timestamp{std::chrono::milliseconds(due)},
                                 static_cast<std::int64_t>(epoch), false});
    ASSERT_TRUE(db->apply({set}));
  }
  void arm(std::int64_t conv, fsm::timer_name name, std::uint64_t epoch, std::int64_t due) {
    store_timer(conv, name, epoch, due);
    caf::anon_send(timers, arm_atom::value, conv, static_cast<std::uint8_t>(name), epoch, due);
  }
  /// Waits for the first fired timer and checks it, and that it did not fire early.
  void expect_first_fired(std::int64_t conv, fsm::timer_name name, std::uint64_t epoch,
                          std::int64_t not_before) {
    ASSERT_TRUE(eventually([&] { return !log->all().empty(); }));
    const fired_timer first = log->all().front();
    EXPECT_EQ(first.conv, conv);
    EXPECT_EQ(first.name, name);
    EXPECT_EQ(first.epoch, epoch);
    EXPECT_GE(first.at_ms, not_before);
  }
  std::uint64_t held() {
    caf::scoped_actor self{*sys};
    std::uint64_t n = 0;
    self->request(timers, 5s, stats_atom::value)
        .receive([&](std::uint64_t v) { n = v; },
                 [](const caf::error& e) { ADD_FAILURE() << caf::to_string(e); });
    return n;
  }
};

TEST_F(timer_service_test, a_near_timer_is_held_in_memory_and_fires_once) {
  const std::int64_t due = now_ms() + 300;
  arm(1, fsm::timer_name::approval_notify, 4, due);
  EXPECT_EQ(held(), 1u);
  expect_first_fired(1, fsm::timer_name::approval_notify, 4, due);
  EXPECT_EQ(log->all().size(), 1u);
  EXPECT_EQ(held(), 0u);
}

TEST_F(timer_service_test, a_far_timer_stays_in_the_store_until_it_comes_close_then_fires) {
  const std::int64_t due = now_ms() + 2'500;
  arm(2, fsm::timer_name::resolution_breach, 7, due);
  EXPECT_EQ(held(), 0u);  // beyond the 1 s horizon: only the store has it
  expect_first_fired(2, fsm::timer_name::resolution_breach, 7, due);
}

TEST_F(timer_service_test, many_far_timers_leave_memory_flat) {
  const std::int64_t due = now_ms() + 3'600'000;
  for (std::int64_t conv = 1; conv <= 500; ++conv) {
    arm(conv, fsm::timer_name::resolution_warning, 1, due);
  }
  EXPECT_EQ(held(), 0u);
  std::this_thread::sleep_for(500ms);  // two reloads: nothing of it is due within the horizon
  EXPECT_EQ(held(), 0u);
  EXPECT_TRUE(log->all().empty());
}

TEST_F(timer_service_test, re_arming_beyond_the_horizon_drops_the_earlier_near_timer) {
  arm(3, fsm::timer_name::first_response_warning, 1, now_ms() + 400);
  EXPECT_EQ(held(), 1u);
  const std::int64_t later = now_ms() + 2'000;
  arm(3, fsm::timer_name::first_response_warning, 2, later);
  EXPECT_EQ(held(), 0u);
  // Epoch 1 never fired.
  expect_first_fired(3, fsm::timer_name::first_response_warning, 2, later);
}

TEST_F(timer_service_test, a_disarmed_timer_does_not_fire) {
  arm(4, fsm::timer_name::approval_manager, 1, now_ms() + 300);
  persistence::change_set set;
  set.timer_deletes.push_back({4, std::string(fsm::to_string(fsm::timer_name::approval_manager))});
  ASSERT_TRUE(db->apply({set}));
  caf::anon_send(timers, disarm_atom::value, std::int64_t{4},
                 static_cast<std::uint8_t>(fsm::timer_name::approval_manager));
  EXPECT_EQ(held(), 0u);
  // A timer armed after it, due later, fires: the one disarmed before it never did.
  arm(5, fsm::timer_name::approval_manager, 1, now_ms() + 700);
  ASSERT_TRUE(eventually([&] { return !log->all().empty(); }));
  for (const auto& f : log->all()) EXPECT_EQ(f.conv, 5);
}

TEST_F(timer_service_test, a_reload_does_not_replace_a_newer_arming_with_an_older_row) {
  // The store still shows epoch 1 due soon (the arm message of epoch 2 came before its commit
  // was visible to the reload); memory has epoch 2, due a little later.
  store_timer(6, fsm::timer_name::draft_deadline, 1, now_ms() + 300);
  const std::int64_t due2 = now_ms() + 900;
  caf::anon_send(timers, arm_atom::value, std::int64_t{6},
                 static_cast<std::uint8_t>(fsm::timer_name::draft_deadline), std::uint64_t{2},
                 due2);
  expect_first_fired(6, fsm::timer_name::draft_deadline, 2, due2);
}

TEST_F(timer_service_test, a_timer_only_in_the_store_and_past_due_fires_at_the_next_reload) {
  const std::int64_t due = now_ms() - 5'000;
  store_timer(7, fsm::timer_name::first_response_breach, 3, due);
  expect_first_fired(7, fsm::timer_name::first_response_breach, 3, due);
}

TEST_F(timer_service_test, timers_stored_before_a_start_are_loaded_once_the_registry_is_known) {
  // A restart: the store holds a past-due timer and one due soon; a new service whose periodic
  // reload is an hour away finds both as soon as it learns where fires go.
  const std::int64_t past = now_ms() - 60'000;
  const std::int64_t soon = now_ms() + 300;
  store_timer(21, fsm::timer_name::resolution_breach, 4, past);
  store_timer(22, fsm::timer_name::approval_notify, 2, soon);
  timer_service_options o;
  o.horizon = 1s;
  o.reload_every = 1h;
  auto fresh_log = std::make_shared<fired_log>();
  caf::actor restarted = spawn_timer_service(*sys, reads, o);
  caf::anon_send(restarted, route_atom::value, sys->spawn(recording_registry, fresh_log));
  ASSERT_TRUE(eventually([&] { return fresh_log->all().size() >= 2; }));
  const auto fired = fresh_log->all();
  EXPECT_EQ(fired[0].conv, 21);
  EXPECT_EQ(fired[0].epoch, 4u);
  EXPECT_EQ(fired[1].conv, 22);
  EXPECT_GE(fired[1].at_ms, soon);
  caf::anon_send_exit(restarted, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace frontdesk::actors
