// The outbox actor on a real actor system and SQLite: a row marked delivered while another
// load was reading it is not delivered a second time from that load's stale answer.

#include "actors/outbox_actor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <caf/all.hpp>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

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

  /// How many pending_outbox reads (loads) there were.
  int loads() const { return loads_.load(); }

  result<std::vector<outbox_row>> pending_outbox(int limit) override {
    ++loads_;
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
  result<std::int64_t> give_up_outbox(std::string_view id, int attempts,
                                      const notification_row& tell) override {
    return inner_->give_up_outbox(id, attempts, tell);
  }
  result<std::vector<timer_row>> timers(std::int64_t c) override { return inner_->timers(c); }
  result<std::vector<timer_row>> unfired_timers(timestamp due_by) override {
    return inner_->unfired_timers(due_by);
  }
  result<contact_history> customer_history(std::int64_t contact, std::int64_t conv) override {
    return inner_->customer_history(contact, conv);
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
  std::atomic<int> loads_{0};
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

/// A migrated SQLite store holding pending outbox rows, a read pool and an actor system.
struct outbox_rig {
  std::string db = temp_db();
  std::shared_ptr<store> st;
  std::shared_ptr<read_pool> reads;
  caf::actor_system_config cfg;  ///< the system refers to it for its whole life
  std::unique_ptr<caf::actor_system> sys;

  explicit outbox_rig(const std::vector<std::tuple<std::string, std::int64_t, std::string>>& rows) {
    auto opened = open_store("sqlite:" + db);
    EXPECT_TRUE(opened) << opened.error().message;
    st = std::shared_ptr<store>(std::move(*opened));
    EXPECT_TRUE(st->migrate());
    change_set cs;
    const auto now =
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    for (const auto& [id, conv, kind] : rows) {
      cs.outbox.push_back({id, conv, 1, kind, R"({"content":"hi"})", "pending", 0, now,
                           std::nullopt, std::nullopt});
    }
    EXPECT_TRUE(st->apply({cs}));
    reads = std::make_shared<read_pool>(st, 2);
    cfg.set("logger.console", caf::atom("none"));
    sys = std::make_unique<caf::actor_system>(cfg);
  }
  ~outbox_rig() {
    sys.reset();
    reads->stop();
    std::filesystem::remove_all(std::filesystem::path(db).parent_path());
  }
};

TEST(outbox_actor, deferred_deliveries_do_not_spend_the_attempt_budget) {
  outbox_rig rig({{"reply:6:1", 6, "public_reply"}});
  auto& st = rig.st;
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
  caf::actor outbox = spawn_outbox(*rig.sys, rig.reads, deliver, 3);
  ASSERT_TRUE(eventually([&] {
    caf::anon_send(outbox, kick_atom::value);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto pending = st->pending_outbox(10);
    return pending && pending->empty();
  }));
  EXPECT_EQ(calls.load(), 6);
  caf::anon_send_exit(outbox, caf::exit_reason::user_shutdown);
}

TEST(outbox_actor, a_reply_given_up_on_is_marked_failed_and_operators_are_told) {
  outbox_rig rig({{"reply:7:2", 7, "public_reply"}, {"note:8:1", 8, "private_note"}});
  auto& st = rig.st;
  // The reply fails twice (its budget); the note is refused for good at once.
  delivery_fn deliver = [](const outbox_row& row, std::function<void(delivery_result)> done) {
    delivery_result r;
    r.error = row.kind == "public_reply" ? "HTTP 500" : "HTTP 404";
    r.give_up = row.kind != "public_reply";
    done(r);
  };
  struct published {
    std::mutex mutex;
    std::vector<notification_row> rows;
  };
  auto seen = std::make_shared<published>();
  // (A function actor gets its state as an argument: CAF 0.17 needs one.)
  caf::actor bus = rig.sys->spawn(
      [](caf::event_based_actor*, std::shared_ptr<published> out) -> caf::behavior {
        return {[out](publish_atom, const notification_row& n) {
          std::lock_guard lock(out->mutex);
          out->rows.push_back(n);
        }};
      },
      seen);
  caf::actor outbox = spawn_outbox(*rig.sys, rig.reads, deliver, 2, bus);
  ASSERT_TRUE(eventually([&] {
    caf::anon_send(outbox, kick_atom::value);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::lock_guard lock(seen->mutex);
    return seen->rows.size() == 2;
  }));
  EXPECT_TRUE(st->pending_outbox(10).value().empty());
  const auto stored = st->notifications(0, 10).value();
  ASSERT_EQ(stored.size(), 2u);
  std::lock_guard lock(seen->mutex);
  for (const notification_row& n : seen->rows) {
    // What was published is what was stored, with its id (live events resume from it).
    const auto same = std::find_if(stored.begin(), stored.end(),
                                   [&](const notification_row& s) { return s.id == n.id; });
    ASSERT_NE(same, stored.end());
    EXPECT_EQ(same->payload, n.payload);
    EXPECT_EQ(n.kind, "notification");
    const auto p = boost::json::parse(n.payload).as_object();
    EXPECT_EQ(p.at("kind").as_string(), "delivery_failed");
    if (n.conversation_id == 7) {
      EXPECT_EQ(p.at("outbox_id").as_string(), "reply:7:2");
      EXPECT_EQ(p.at("attempts").as_int64(), 2);
      EXPECT_EQ(p.at("message").as_string(),
                "The approved reply for conversation #7 was not delivered after 2 attempts "
                "(HTTP 500). Send it by hand.");
    } else {
      EXPECT_EQ(n.conversation_id, 8);
      EXPECT_EQ(p.at("attempts").as_int64(), 1);
      EXPECT_EQ(p.at("message").as_string(),
                "The private note for conversation #8 was not delivered after 1 attempt (HTTP "
                "404).");
    }
  }
  caf::anon_send_exit(outbox, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(bus, caf::exit_reason::user_shutdown);
}

/// Records what the outbox hands to delivery; defers the first `defer` calls.
struct delivery_log {
  std::mutex mutex;
  std::vector<outbox_row> rows;
  std::atomic<int> defer{0};

  delivery_fn fn() {
    return [this](const outbox_row& row, std::function<void(delivery_result)> done) {
      if (defer.fetch_sub(1) > 0) {
        delivery_result r;
        r.error = "saturated";
        r.deferred = true;
        return done(r);
      }
      {
        std::lock_guard lock(mutex);
        rows.push_back(row);
      }
      done({true, false, "sent", {}});
    };
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return rows.size();
  }
};

/// An outbox on the rig, delivering into `log`; stopped when the test ends, failed assertions
/// included (the actor system waits for it).
struct outbox_under_test {
  caf::actor actor;
  outbox_under_test(outbox_rig& rig, delivery_log& log)
      : actor(spawn_outbox(*rig.sys, rig.reads, log.fn())) {}
  explicit outbox_under_test(caf::actor a) : actor(std::move(a)) {}
  outbox_under_test(const outbox_under_test&) = delete;
  outbox_under_test& operator=(const outbox_under_test&) = delete;
  ~outbox_under_test() { caf::anon_send_exit(actor, caf::exit_reason::user_shutdown); }
};

outbox_row committed_now(store& st, std::string id, std::string kind = "private_note") {
  outbox_row o{std::move(id),
               9,
               1,
               std::move(kind),
               R"({"content":"hi"})",
               "pending",
               0,
               std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()),
               std::nullopt,
               std::nullopt};
  change_set cs;
  cs.outbox.push_back(o);
  EXPECT_TRUE(st.apply({cs}));
  return o;
}

void announce(const caf::actor& outbox, const outbox_row& row) {
  caf::anon_send(outbox, deliver_atom::value,
                 outbox_rows_ptr{std::make_shared<std::vector<outbox_row>>(1, row)});
}

bool pending_empty(store& st) {
  auto p = st.pending_outbox(10);
  return p && p->empty();
}

TEST(outbox_actor, entries_from_before_the_start_are_loaded_and_looked_for_first) {
  // A crash may have cut their send short after the recipient had it.
  outbox_rig rig({{"reply:3:1", 3, "public_reply"}});
  delivery_log log;
  const outbox_under_test outbox(rig, log);
  caf::anon_send(outbox.actor, kick_atom::value);
  ASSERT_TRUE(eventually([&] { return pending_empty(*rig.st); }));
  std::lock_guard lock(log.mutex);
  ASSERT_EQ(log.rows.size(), 1u);
  EXPECT_EQ(log.rows[0].id, "reply:3:1");
  EXPECT_TRUE(log.rows[0].maybe_sent);
}

TEST(outbox_actor, an_announcement_of_an_entry_loads_own_is_ignored) {
  // Committed before the start (or announced past the grace period): a load may be sending it,
  // so the announcement must not send it as never tried.
  outbox_rig rig({{"note:4:1", 4, "private_note"}});
  delivery_log log;
  const outbox_under_test outbox(rig, log);
  announce(outbox.actor, rig.st->pending_outbox(10).value().at(0));
  ASSERT_TRUE(eventually([&] { return pending_empty(*rig.st); }));  // the periodic load sends it
  std::lock_guard lock(log.mutex);
  ASSERT_EQ(log.rows.size(), 1u);
  EXPECT_TRUE(log.rows[0].maybe_sent);
}

TEST(outbox_actor, a_new_entry_is_delivered_from_its_announcement_and_loads_leave_it_alone) {
  outbox_rig rig({});
  delivery_log log;
  const outbox_under_test outbox(rig, log);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // committed after the start
  const outbox_row row = committed_now(*rig.st, "note:9:1");
  // Loads see it pending, but its announcement may be on its way: they leave it.
  for (int i = 0; i < 5; ++i) {
    caf::anon_send(outbox.actor, kick_atom::value);
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
  }
  EXPECT_EQ(log.count(), 0u);
  announce(outbox.actor, row);
  ASSERT_TRUE(eventually([&] { return pending_empty(*rig.st); }));
  caf::anon_send(outbox.actor, kick_atom::value);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // and a periodic load
  std::lock_guard lock(log.mutex);
  ASSERT_EQ(log.rows.size(), 1u);
  EXPECT_FALSE(log.rows[0].maybe_sent);
}

TEST(outbox_actor, while_entries_wait_for_room_a_new_one_queues_behind_them) {
  outbox_rig rig({});
  delivery_log log;
  log.defer = 1;
  const outbox_under_test outbox(rig, log);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  announce(outbox.actor, committed_now(*rig.st, "note:9:3"));  // deferred: it waits
  ASSERT_TRUE(eventually([&] { return log.defer.load() <= 0; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the deferral is heard
  announce(outbox.actor, committed_now(*rig.st, "note:9:4"));
  ASSERT_TRUE(eventually([&] { return pending_empty(*rig.st); }));
  std::lock_guard lock(log.mutex);
  ASSERT_EQ(log.rows.size(), 2u);
  EXPECT_EQ(log.rows[0].id, "note:9:3");  // the store's order: oldest first
  EXPECT_EQ(log.rows[1].id, "note:9:4");
  EXPECT_FALSE(log.rows[0].maybe_sent);  // it was never sent
  EXPECT_FALSE(log.rows[1].maybe_sent);
}

TEST(outbox_actor, an_announced_entry_the_gateway_had_no_room_for_is_kept_and_sent) {
  outbox_rig rig({});
  delivery_log log;
  log.defer = 3;
  const outbox_under_test outbox(rig, log);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  announce(outbox.actor, committed_now(*rig.st, "note:9:2"));
  // Its announcement is spent: loads send it, young as it is, as never sent.
  ASSERT_TRUE(eventually([&] { return pending_empty(*rig.st); }));
  std::lock_guard lock(log.mutex);
  ASSERT_EQ(log.rows.size(), 1u);
  EXPECT_FALSE(log.rows[0].maybe_sent);
}

/// A gateway with room for `room` calls at once: more are refused (deferred, nothing sent).
/// Calls it takes finish, one every 2 ms, on a thread of its own.
class narrow_gateway {
 public:
  explicit narrow_gateway(std::size_t room) : room_(room), worker_([this] { run(); }) {}
  ~narrow_gateway() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    worker_.join();
  }
  delivery_fn fn() {
    return [this](const outbox_row& row, std::function<void(delivery_result)> done) {
      std::unique_lock lock(mutex_);
      if (taken_.size() >= room_) {
        ++refused_;
        lock.unlock();
        delivery_result r;
        r.error = "overloaded";
        r.deferred = true;
        return done(r);
      }
      taken_.push_back(std::move(done));
      sent_.push_back(row.id);
    };
  }
  std::vector<std::string> sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  int refused() {
    std::lock_guard lock(mutex_);
    return refused_;
  }

 private:
  void run() {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      std::function<void(delivery_result)> done;
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        if (taken_.empty()) continue;
        done = std::move(taken_.front());
        taken_.pop_front();
      }
      done({true, false, "sent", {}});
    }
  }
  std::size_t room_;
  std::mutex mutex_;
  std::deque<std::function<void(delivery_result)>> taken_;
  std::vector<std::string> sent_;
  int refused_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

/// A migrated SQLite store behind a holding_store, a read pool and an actor system.
struct holding_rig {
  std::string db = temp_db();
  std::shared_ptr<holding_store> st;
  std::shared_ptr<read_pool> reads;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;

  holding_rig() {
    auto opened = open_store("sqlite:" + db);
    EXPECT_TRUE(opened) << opened.error().message;
    st = std::make_shared<holding_store>(std::move(*opened));
    EXPECT_TRUE(st->migrate());
    reads = std::make_shared<read_pool>(st, 2);
    cfg.set("logger.console", caf::atom("none"));
    sys = std::make_unique<caf::actor_system>(cfg);
  }
  ~holding_rig() {
    st->release();  // a load still held
    sys.reset();
    reads->stop();
    std::filesystem::remove_all(std::filesystem::path(db).parent_path());
  }
};

TEST(outbox_actor, a_backlog_is_not_read_again_for_every_delivery_that_finishes) {
  holding_rig rig;
  auto& st = rig.st;
  {
    narrow_gateway gateway(6);
    const outbox_under_test outbox{spawn_outbox(*rig.sys, rig.reads, gateway.fn())};
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // committed after its start
    // Sixty entries announced at once: six fit, the rest wait for room as a backlog.
    constexpr int entries = 60;
    auto rows = std::make_shared<std::vector<outbox_row>>();
    for (int i = 0; i < entries; ++i) {
      char id[32];
      std::snprintf(id, sizeof id, "note:9:%02d", i);
      rows->push_back(committed_now(*st, id));
    }
    caf::anon_send(outbox.actor, deliver_atom::value, outbox_rows_ptr{rows});
    ASSERT_TRUE(
        eventually([&] { return gateway.sent().size() >= entries; }, std::chrono::seconds(30)));
    const int loads = st->loads();  // before this test reads the store itself
    ASSERT_TRUE(eventually([&] { return pending_empty(*st); }));
    const auto sent = gateway.sent();
    ASSERT_EQ(sent.size(), static_cast<std::size_t>(entries));  // each once
    EXPECT_EQ(std::set<std::string>(sent.begin(), sent.end()).size(), sent.size());
    EXPECT_GT(gateway.refused(), 0);  // there was a backlog
    // 54 deliveries finished while others waited. Loads for the backlog come at most every
    // 100 ms (about ten of them here, each sending what fits), plus the periodic one each
    // second: far fewer than one per finished delivery.
    EXPECT_LT(loads, entries / 3) << loads << " loads";
  }
}

TEST(outbox_actor, a_new_reply_does_not_wait_behind_a_backlog_of_notes) {
  holding_rig rig;
  delivery_log log;
  log.defer = 1;
  const outbox_under_test outbox{spawn_outbox(*rig.sys, rig.reads, log.fn())};
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  announce(outbox.actor, committed_now(*rig.st, "note:9:1"));  // no room: the backlog
  ASSERT_TRUE(eventually([&] { return log.defer.load() <= 0; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the deferral is heard
  // Loads are held from now on: only an announcement can send the reply.
  rig.st->hold_next_load();
  announce(outbox.actor, committed_now(*rig.st, "reply:9:1", "public_reply"));
  ASSERT_TRUE(eventually([&] { return log.count() == 1; }, std::chrono::seconds(5)));
  {
    std::lock_guard lock(log.mutex);
    EXPECT_EQ(log.rows[0].id, "reply:9:1");
  }
  rig.st->release();
  ASSERT_TRUE(eventually([&] { return pending_empty(*rig.st); }));  // the note follows
  std::lock_guard lock(log.mutex);
  ASSERT_EQ(log.rows.size(), 2u);
  EXPECT_EQ(log.rows[1].id, "note:9:1");
}

}  // namespace
}  // namespace frontdesk::actors::testing
