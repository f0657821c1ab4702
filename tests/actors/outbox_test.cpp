// The outbox actor on a real actor system and SQLite: a row marked delivered while another
// load was reading it is not delivered a second time from that load's stale answer.

#include "actors/outbox_actor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <caf/all.hpp>
#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "actors/atoms.hpp"
#include "fixture.hpp"
#include "persistence/read_pool.hpp"
#include "persistence/store.hpp"

namespace frontdesk::actors::testing {
namespace {

using namespace persistence;

/// Forwards to a real store; can hold the answer of one `pending_outbox` read (after it read).
class holding_store final : public store {
 public:
  explicit holding_store(std::unique_ptr<store> inner) : inner_(std::move(inner)) {}

  void hold_next_load() {
    std::lock_guard lock(mutex_);
    hold_ = true;
  }
  bool holding() {
    std::lock_guard lock(mutex_);
    return held_;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    cv_.notify_all();
  }

  result<std::vector<outbox_row>> pending_outbox(int limit) override {
    auto rows = inner_->pending_outbox(limit);
    std::unique_lock lock(mutex_);
    if (hold_) {
      hold_ = false;
      held_ = true;
      cv_.wait_for(lock, std::chrono::seconds(20), [&] { return released_; });
    }
    return rows;
  }

  result<void> migrate() override { return inner_->migrate(); }
  result<int> schema_version() override { return inner_->schema_version(); }
  result<std::vector<apply_result>> apply(const std::vector<change_set>& sets) override {
    return inner_->apply(sets);
  }
  result<std::optional<conversation_row>> get_conversation(std::int64_t id) override {
    return inner_->get_conversation(id);
  }
  result<std::vector<conversation_row>> open_conversations() override {
    return inner_->open_conversations();
  }
  result<std::vector<message_row>> messages(std::int64_t c, int limit) override {
    return inner_->messages(c, limit);
  }
  result<queue_page> queue(const queue_filter& f) override { return inner_->queue(f); }
  result<std::optional<queue_item_row>> queue_item(std::string_view id) override {
    return inner_->queue_item(id);
  }
  result<std::optional<queue_item_row>> queue_item_for(std::int64_t c,
                                                       std::int64_t version) override {
    return inner_->queue_item_for(c, version);
  }
  result<std::vector<trace_row>> trace(std::int64_t c) override { return inner_->trace(c); }
  result<std::vector<learning_record_row>> learning(timestamp a, timestamp b) override {
    return inner_->learning(a, b);
  }
  result<std::vector<audit_row>> audit(timestamp a, timestamp b) override {
    return inner_->audit(a, b);
  }
  result<std::vector<notification_row>> notifications(std::int64_t since, int limit) override {
    return inner_->notifications(since, limit);
  }
  result<void> mark_outbox(std::string_view id, std::string_view status,
                           std::optional<std::string> external_id, int attempts) override {
    return inner_->mark_outbox(id, status, std::move(external_id), attempts);
  }
  result<std::vector<timer_row>> timers(std::int64_t c) override { return inner_->timers(c); }
  result<std::vector<timer_row>> unfired_timers(timestamp due_by) override {
    return inner_->unfired_timers(due_by);
  }
  result<contact_history> customer_history(std::int64_t contact) override {
    return inner_->customer_history(contact);
  }
  result<std::map<std::string, std::int64_t>> count_queue_by_status() override {
    return inner_->count_queue_by_status();
  }
  result<void> ping() override { return inner_->ping(); }

 private:
  std::unique_ptr<store> inner_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool hold_ = false;
  bool held_ = false;
  bool released_ = false;
};

TEST(outbox_actor, a_stale_load_does_not_deliver_a_row_again) {
  const std::string db = temp_db();
  auto opened = open_store("sqlite:" + db);
  ASSERT_TRUE(opened) << opened.error().message;
  auto st = std::make_shared<holding_store>(std::move(*opened));
  ASSERT_TRUE(st->migrate());
  change_set cs;
  conversation_row conv;
  conv.id = 5;
  conv.state = "sent";
  conv.snapshot = "{}";
  cs.conversation = conv;
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  cs.outbox.push_back({"reply:5:1", 5, 1, "public_reply", R"({"content":"hi"})", "pending", 0, now,
                       std::nullopt, std::nullopt});
  ASSERT_TRUE(st->apply({cs}));

  auto reads = std::make_shared<read_pool>(st, 2);
  caf::actor_system_config cfg;
  cfg.set("logger.console", caf::atom("none"));
  auto sys = std::make_unique<caf::actor_system>(cfg);
  auto outbox_handle = std::make_shared<caf::actor>();
  std::atomic<int> deliveries{0};
  std::mutex m;
  std::function<void(delivery_result)> finish_first;
  // The first delivery starts another load (which reads the row, still pending, and is held)
  // and finishes only once that load is holding.
  delivery_fn deliver = [&, outbox_handle](const outbox_row&,
                                           std::function<void(delivery_result)> done) {
    if (deliveries.fetch_add(1) == 0) {
      st->hold_next_load();
      caf::anon_send(*outbox_handle, kick_atom::value);
      std::lock_guard lock(m);
      finish_first = std::move(done);
      return;
    }
    done({true, false, "second", {}});
  };
  *outbox_handle = spawn_outbox(*sys, reads, deliver);
  caf::anon_send(*outbox_handle, kick_atom::value);

  ASSERT_TRUE(eventually([&] { return st->holding(); }));
  {
    std::lock_guard lock(m);
    ASSERT_TRUE(finish_first);
    finish_first({true, false, "first", {}});
  }
  ASSERT_TRUE(eventually([&] {
    auto pending = st->pending_outbox(10);
    return pending && pending->empty();
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the mark's answer lands
  st->release();  // the held load answers with the row as it was: pending
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // and a periodic reload
  EXPECT_EQ(deliveries.load(), 1);

  caf::anon_send_exit(*outbox_handle, caf::exit_reason::user_shutdown);
  *outbox_handle = caf::actor{};
  sys.reset();
  reads->stop();
  std::filesystem::remove_all(std::filesystem::path(db).parent_path());
}

TEST(outbox_actor, deferred_deliveries_do_not_spend_the_attempt_budget) {
  const std::string db = temp_db();
  auto opened = open_store("sqlite:" + db);
  ASSERT_TRUE(opened) << opened.error().message;
  std::shared_ptr<store> st(std::move(*opened));
  ASSERT_TRUE(st->migrate());
  change_set cs;
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  cs.outbox.push_back({"reply:6:1", 6, 1, "public_reply", R"({"content":"hi"})", "pending", 0, now,
                       std::nullopt, std::nullopt});
  ASSERT_TRUE(st->apply({cs}));
  auto reads = std::make_shared<read_pool>(st, 2);
  caf::actor_system_config cfg;
  cfg.set("logger.console", caf::atom("none"));
  auto sys = std::make_unique<caf::actor_system>(cfg);
  std::atomic<int> calls{0};
  // Saturated five times (nothing sent), then delivered; the budget is 3 attempts.
  delivery_fn deliver = [&](const outbox_row& row, std::function<void(delivery_result)> done) {
    EXPECT_EQ(row.attempts, 0);
    if (calls.fetch_add(1) < 5) {
      delivery_result r;
      r.error = "overloaded";
      r.deferred = true;
      return done(r);
    }
    done({true, false, "sent", {}});
  };
  caf::actor outbox = spawn_outbox(*sys, reads, deliver, 3);
  ASSERT_TRUE(eventually([&] {
    caf::anon_send(outbox, kick_atom::value);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto pending = st->pending_outbox(10);
    return pending && pending->empty();
  }));
  EXPECT_EQ(calls.load(), 6);
  caf::anon_send_exit(outbox, caf::exit_reason::user_shutdown);
  outbox = caf::actor{};
  sys.reset();
  reads->stop();
  std::filesystem::remove_all(std::filesystem::path(db).parent_path());
}

}  // namespace
}  // namespace frontdesk::actors::testing
