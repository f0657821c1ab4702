// Durability under SIGKILL: a real `frontdesk serve` is killed at random moments while a client
// sends webhooks and approves drafts, restarted on the same SQLite file (sometimes killed again
// during recovery), and the store is checked against everything the server acknowledged.
//
// FRONTDESK_CRASH_RUNS=N runs N seeds (default 50); FRONTDESK_CRASH_SEED=S starts at seed S.
// A seed fixes the client's choices and the kill delays; thread timing still varies, so a
// failing seed is re-run with FRONTDESK_CRASH_SEED=S FRONTDESK_CRASH_RUNS=1 (maybe a few times).

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "io/http_client.hpp"
#include "tests/crash/frontdesk_api.hpp"
#include "tests/crash/harness.hpp"
#include "tests/crash/ledger.hpp"
#include "tests/crash/server_process.hpp"
#include "tests/crash/store_audit.hpp"
#include "tests/crash/workload.hpp"

namespace frontdesk::crash_testing {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// Stops the workload thread on every path out of a scope.
class workload_thread {
 public:
  explicit workload_thread(workload& w) : thread_([this, &w] { w.run(stop_); }) {}
  ~workload_thread() { join(); }
  workload_thread(const workload_thread&) = delete;
  workload_thread& operator=(const workload_thread&) = delete;
  void join() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct run_summary {
  int lives = 0;
  int kills = 0;
  int recovery_kills = 0;
  int cut_stops = 0;           // SIGTERM followed by SIGKILL while stopping
  int outbox_extra_lives = 0;  // final lives added because the outbox had not drained yet
  workload_counts counts;
  audit_totals totals;
  std::vector<std::string> failures;

  void add(const workload_counts& c) {
    counts.messages_sent += c.messages_sent;
    counts.messages_acknowledged += c.messages_acknowledged;
    counts.replays_sent += c.replays_sent;
    counts.duplicates += c.duplicates;
    counts.approvals_sent += c.approvals_sent;
    counts.approvals_acknowledged += c.approvals_acknowledged;
    counts.approvals_conflicted += c.approvals_conflicted;
    counts.no_answer += c.no_answer;
    for (const std::string& u : c.unexpected) failures.push_back("unexpected answer: " + u);
  }
  void add(const std::string& when, const audit_report& r) {
    totals = r.totals;
    for (const std::string& v : r.violations) failures.push_back(when + ": " + v);
  }
};

/// SIGTERM: the server must drain and exit 0 on its own.
bool stop_cleanly(server_process& server, run_summary& sum) {
  bool forced = false;
  const exit_status st = server.terminate(20s, forced);
  if (forced || st.signaled || st.code != 0) {
    sum.failures.push_back("SIGTERM: " + st.describe() + (forced ? " (needed SIGKILL)" : ""));
    return false;
  }
  return true;
}

/// One seed: crash lives with a client at work, an optional kill during recovery, then a
/// final life that settles and stops cleanly; the store is audited after every death.
run_summary run_seed(std::uint64_t seed, scratch_dir& dir) {
  run_summary sum;
  std::mt19937_64 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  io::http_client client;
  server_process server(setup_in(dir.path()));
  ledger book;
  std::int64_t next_message = 1000;
  std::vector<std::int64_t> conversations;
  for (int i = 0, n = uniform(3, 5); i < n; ++i) conversations.push_back(100 + i);
  std::string why;

  const int crash_lives = uniform(1, 2);
  for (int life = 0; life < crash_lives; ++life) {
    ++sum.lives;
    if (!start_ready(server, client, why)) {
      sum.failures.push_back("life " + std::to_string(life) + ": " + why);
      return sum;
    }
    frontdesk_api api = api_for(client, server);
    workload w(api, book, conversations, seed * 7919 + static_cast<std::uint64_t>(life),
               next_message);
    // Killed after a random time, or in the instant after the n-th acknowledgement (an
    // answer sent before the work was durable would be lost right there).
    const int how = uniform(0, 5);  // 0-1: after an answer, 2: a stop cut short, else timed
    const bool after_answer = how <= 1;
    const bool cut_stop = how == 2;
    const int answers = uniform(1, 25);
    auto killed = std::make_shared<std::atomic<bool>>(false);
    if (after_answer) {
      w.on_acknowledged([pid = server.pid(), left = answers, killed]() mutable {
        if (--left != 0) return;
        ::kill(pid, SIGKILL);  // reaped below by kill_now()
        *killed = true;
      });
    }
    {
      workload_thread t(w);
      const auto deadline = clock_type::now() + std::chrono::milliseconds(uniform(50, 1500));
      while (clock_type::now() < deadline && !*killed) std::this_thread::sleep_for(2ms);
      if (cut_stop && !*killed) {
        ++sum.cut_stops;
        server.interrupt_stop(std::chrono::milliseconds(uniform(0, 300)));
      }
      server.kill_now();
      ++sum.kills;
      t.join();
    }
    sum.add(w.counts());
    sum.add("after kill " + std::to_string(sum.kills),
            audit_store(server.db_path(), book, conversations, false));

    if (uniform(0, 2) == 0) {
      // Killed again while recovering: before or just after it answers.
      ++sum.lives;
      if (!server.spawn(free_loopback_port())) {
        sum.failures.push_back("cannot spawn for the recovery kill");
        return sum;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(uniform(0, 700)));
      server.kill_now();
      ++sum.kills;
      ++sum.recovery_kills;
      sum.add("after recovery kill " + std::to_string(sum.kills),
              audit_store(server.db_path(), book, conversations, false));
    }
  }

  // The last life: acknowledged deliveries are recognised, nothing is stuck, the drafts left
  // are approved, and the outbox drains.
  ++sum.lives;
  if (!start_ready(server, client, why)) {
    sum.failures.push_back("final life: " + why);
    return sum;
  }
  const auto ready_at = clock_type::now();
  frontdesk_api api = api_for(client, server);
  std::vector<std::size_t> acked(book.acknowledged.begin(), book.acknowledged.end());
  std::shuffle(acked.begin(), acked.end(), rng);
  if (acked.size() > 8) acked.resize(8);
  for (std::size_t i : acked) {
    const sent_delivery& d = book.sent[i];
    auto r = api.webhook(d.body, d.delivery);
    if (!r || r->status != 200 || r->body.find("\"duplicate\":true") == std::string::npos) {
      sum.failures.push_back("replay of acknowledged " + d.delivery + " answered " +
                             (r ? std::to_string(r->status) + " " + r->body : "nothing"));
    }
  }
  std::string busy;
  if (!wait_settled(api, conversations, book, 30s, busy)) {
    sum.failures.push_back("not settled within 30 s after restart: " + busy);
  }
  workload finisher(api, book, conversations, seed * 7919 + 99, next_message);
  for (std::size_t i = 0; i < conversations.size(); ++i) finisher.approve_some();
  sum.add(finisher.counts());
  if (!wait_settled(api, conversations, book, 30s, busy)) {
    sum.failures.push_back("not settled within 30 s after the last approvals: " + busy);
  }
  // Entries left pending by a crash are picked up by the outbox's periodic pass (every second).
  const auto settle_until = ready_at + 1200ms;
  if (clock_type::now() < settle_until) std::this_thread::sleep_until(settle_until);
  if (!stop_cleanly(server, sum)) return sum;
  audit_report last = audit_store(server.db_path(), book, conversations, true);
  if (!last.violations.empty() && last.totals.outbox_pending > 0) {
    // A slow machine may need more than one pass: one more life with a longer wait, and only
    // what is still pending after it counts.
    ++sum.outbox_extra_lives;
    ++sum.lives;
    if (!start_ready(server, client, why)) {
      sum.failures.push_back("outbox life: " + why);
      return sum;
    }
    std::this_thread::sleep_for(3s);
    if (!stop_cleanly(server, sum)) return sum;
    last = audit_store(server.db_path(), book, conversations, true);
  }
  sum.add("after the final stop", last);
  return sum;
}

TEST(crash_test, acknowledged_work_survives_sigkill_and_restart) {
  const std::uint64_t runs = env_number("FRONTDESK_CRASH_RUNS", 50);
  const std::uint64_t first = env_number("FRONTDESK_CRASH_SEED", 1);
  const auto started = clock_type::now();
  run_summary all;
  int failed_seeds = 0;
  for (std::uint64_t seed = first; seed < first + runs; ++seed) {
    scratch_dir dir("seed-" + std::to_string(seed));
    const auto t0 = clock_type::now();
    run_summary s = run_seed(seed, dir);
    const double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
    std::cout << "seed " << seed << ": " << s.lives << " lives, " << s.kills << " kills ("
              << s.recovery_kills << " in recovery), messages " << s.counts.messages_acknowledged
              << "/" << s.counts.messages_sent << " acknowledged, approvals "
              << s.counts.approvals_acknowledged << " acknowledged, " << s.totals.replies
              << " replies, " << s.totals.outbox_rows << " outbox rows, " << secs << " s\n";
    all.lives += s.lives;
    all.kills += s.kills;
    all.recovery_kills += s.recovery_kills;
    all.outbox_extra_lives += s.outbox_extra_lives;
    all.cut_stops += s.cut_stops;
    all.counts.messages_acknowledged += s.counts.messages_acknowledged;
    all.counts.approvals_acknowledged += s.counts.approvals_acknowledged;
    all.counts.duplicates += s.counts.duplicates;
    if (!s.failures.empty()) {
      dir.keep();
      std::ostringstream why;
      why << "seed " << seed << " failed (replay: FRONTDESK_CRASH_SEED=" << seed
          << " FRONTDESK_CRASH_RUNS=1; files kept in " << dir.path().string() << "):\n";
      for (std::size_t i = 0; i < s.failures.size() && i < 30; ++i) {
        why << "  " << s.failures[i] << "\n";
      }
      server_process reader(setup_in(dir.path()));
      why << "server log tail:\n" << reader.log_tail(3000);
      ADD_FAILURE() << why.str();
      if (++failed_seeds >= 3) break;
    }
  }
  const double total = std::chrono::duration<double>(clock_type::now() - started).count();
  std::cout << runs << " seeds from " << first << ": " << all.lives << " server lives, "
            << all.kills << " SIGKILLs (" << all.recovery_kills << " during recovery, "
            << all.cut_stops << " cutting a clean stop short), " << all.counts.messages_acknowledged
            << " messages and " << all.counts.approvals_acknowledged << " approvals acknowledged, "
            << all.counts.duplicates << " duplicates recognised, " << all.outbox_extra_lives
            << " extra lives for the outbox to drain, " << total << " s\n";
  // The runs must have exercised something, or they prove nothing.
  EXPECT_GT(all.counts.messages_acknowledged, 0);
  EXPECT_GT(all.counts.approvals_acknowledged, 0);
}

TEST(crash_test, an_approval_answered_just_before_sigkill_sends_exactly_one_reply) {
  scratch_dir dir("approve-then-kill");
  io::http_client client;
  server_process server(setup_in(dir.path()));
  std::string why;
  ASSERT_TRUE(start_ready(server, client, why)) << why;
  frontdesk_api api = api_for(client, server);
  ledger book;
  const std::vector<std::int64_t> conversations{42};
  std::int64_t next_message = 1;
  workload w(api, book, conversations, 1, next_message);
  w.send_message(42);
  ASSERT_EQ(book.acknowledged.size(), 1u) << server.log_tail();
  std::string busy;
  ASSERT_TRUE(wait_settled(api, conversations, book, 30s, busy)) << busy;
  ASSERT_EQ(state_of(api, 42, book), "awaiting_approval");
  w.approve_some();
  ASSERT_EQ(book.approvals.size(), 1u) << w.counts().unexpected.size();
  server.kill_now();  // the reply may or may not have left yet

  auto dead = audit_store(server.db_path(), book, conversations, false);
  EXPECT_TRUE(dead.violations.empty()) << ::testing::PrintToString(dead.violations);
  EXPECT_EQ(dead.totals.replies, 1);

  ASSERT_TRUE(start_ready(server, client, why)) << why;
  frontdesk_api again = api_for(client, server);
  EXPECT_EQ(state_of(again, 42, book), "sent");
  // The operator clicks again after the restart: the same answer, no second reply.
  auto r = again.post("/api/v1/queue/q-42-1/approve", "{\"draft_version\":1}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  std::this_thread::sleep_for(2500ms);  // one periodic outbox pass at least
  bool forced = false;
  const exit_status st = server.terminate(20s, forced);
  EXPECT_FALSE(forced);
  EXPECT_EQ(st.code, 0) << st.describe();
  auto settled = audit_store(server.db_path(), book, conversations, true);
  EXPECT_TRUE(settled.violations.empty()) << ::testing::PrintToString(settled.violations);
  EXPECT_EQ(settled.totals.replies, 1);
  EXPECT_EQ(settled.totals.outbox_pending, 0);
}

TEST(crash_test, the_guard_kills_and_reaps_a_server_left_running) {
  scratch_dir dir("guard");
  io::http_client client;
  pid_t pid = -1;
  {
    server_process server(setup_in(dir.path()));
    std::string why;
    ASSERT_TRUE(start_ready(server, client, why)) << why;
    pid = server.pid();
    ASSERT_EQ(::kill(pid, 0), 0);
  }
  // Reaped: not even a zombie is left, so the id is unknown to this process.
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace frontdesk::crash_testing
