// The gateway supervisor on a real actor system: retries, Retry-After, the circuit breaker,
// bounded in-flight and queue, deadlines, worker restarts, shutdown.

#include "actors/gateway.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <future>
#include <mutex>
#include <stdexcept>

#include "actors/atoms.hpp"

namespace frontdesk::actors {
void PrintTo(call_status s, std::ostream* os) {
  *os << to_string(s);
}
}  // namespace frontdesk::actors

namespace frontdesk::actors::testing {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

/// A scripted dependency: each attempt takes the next scripted answer (the last one repeats).
/// An answer may be held back until `release()`.
class scripted_dependency {
 public:
  struct answer {
    attempt_report report;
    bool hold = false;   ///< keep the report until release()
    bool crash = false;  ///< throw inside the attempt (kills the worker)
  };

  explicit scripted_dependency(std::vector<answer> script) : script_(std::move(script)) {}

  gateway_call_ptr call(std::chrono::milliseconds deadline = 5s) {
    auto c = std::make_shared<gateway_call>();
    c->operation = "test";
    c->deadline = deadline;
    c->attempt = [this](const attempt_context& ctx, std::function<void(attempt_report)> report) {
      answer a;
      {
        std::lock_guard lock(mutex_);
        contexts_.push_back(ctx);
        times_.push_back(clock::now());
        a = script_[std::min(next_++, script_.size() - 1)];
        if (a.hold) held_.push_back([report, r = a.report] { report(r); });
      }
      if (a.crash) throw std::runtime_error("worker crashed");
      if (!a.hold) report(a.report);
    };
    auto promise = std::make_shared<std::promise<call_result>>();
    results_.push_back(promise->get_future());
    c->done = [promise](const call_result& r) { promise->set_value(r); };
    return c;
  }

  call_result result(std::size_t i) {
    if (results_[i].wait_for(20s) != std::future_status::ready) {
      ADD_FAILURE() << "call " << i << " never finished";
      return {};
    }
    return results_[i].get();
  }
  bool finished(std::size_t i) { return results_[i].wait_for(0s) == std::future_status::ready; }

  void release() {
    std::vector<std::function<void()>> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_);
    }
    for (auto& f : held) f();
  }
  std::size_t attempts() {
    std::lock_guard lock(mutex_);
    return contexts_.size();
  }
  attempt_context context(std::size_t i) {
    std::lock_guard lock(mutex_);
    return contexts_.at(i);
  }
  clock::time_point time(std::size_t i) {
    std::lock_guard lock(mutex_);
    return times_.at(i);
  }

 private:
  std::mutex mutex_;
  std::vector<answer> script_;
  std::size_t next_ = 0;
  std::vector<attempt_context> contexts_;
  std::vector<clock::time_point> times_;
  std::vector<std::function<void()>> held_;
  std::vector<std::future<call_result>> results_;
};

scripted_dependency::answer ok() {
  scripted_dependency::answer a;
  a.report.success = true;
  a.report.outcome.status = 200;
  return a;
}
scripted_dependency::answer status(int code, std::optional<std::chrono::milliseconds> after = {}) {
  scripted_dependency::answer a;
  a.report.outcome.status = code;
  a.report.outcome.retry_after = after;
  a.report.error = "HTTP " + std::to_string(code);
  a.report.counts_for_breaker = code >= 500 || code == 429;
  return a;
}
scripted_dependency::answer ambiguous_timeout() {
  scripted_dependency::answer a;
  a.report.outcome.transport_failure = true;
  a.report.outcome.ambiguous = true;
  a.report.error = "timeout after the request was written";
  return a;
}
scripted_dependency::answer withdrawn() {
  scripted_dependency::answer a;
  a.report.cancelled = true;
  a.report.error = "cancelled";
  return a;
}
scripted_dependency::answer held(scripted_dependency::answer a) {
  a.hold = true;
  return a;
}
scripted_dependency::answer crash() {
  scripted_dependency::answer a;
  a.crash = true;
  return a;
}

gateway_options fast_options() {
  gateway_options o;
  o.name = "test";
  o.backoff = {5ms, 20ms, 2.0};
  o.budget.max_attempts = 4;
  o.breaker.consecutive_failures = 3;
  o.breaker.failure_rate = 0;
  o.breaker.open_duration = 200ms;
  o.seed = 7;
  return o;
}

class gateway_test : public ::testing::Test {
 protected:
  gateway_test() {
    cfg_.set("scheduler.max-threads", 2);
    cfg_.set("logger.console", caf::atom("none"));
    sys_ = std::make_unique<caf::actor_system>(cfg_);
  }
  ~gateway_test() override {
    if (gw_) caf::anon_send_exit(gw_, caf::exit_reason::user_shutdown);
    gw_ = caf::actor{};
    sys_.reset();
  }
  void start(gateway_options o) { gw_ = spawn_gateway(*sys_, std::move(o)); }
  gateway_stats stats() {
    gateway_stats out;
    caf::scoped_actor self{*sys_};
    self->request(gw_, 10s, stats_atom::value)
        .receive([&](const gateway_stats& s) { out = s; },
                 [](const caf::error& e) { ADD_FAILURE() << caf::to_string(e); });
    return out;
  }

  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  caf::actor gw_;
};

TEST_F(gateway_test, server_errors_are_retried_until_success) {
  start(fast_options());
  scripted_dependency dep({status(500), status(503), ok()});
  submit_call(gw_, dep.call());
  const call_result r = dep.result(0);
  EXPECT_EQ(r.status, call_status::ok) << r.error;
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(dep.attempts(), 3u);
  const gateway_stats s = stats();
  EXPECT_EQ(s.retries, 2u);
  EXPECT_EQ(s.succeeded, 1u);
  EXPECT_EQ(s.breaker, domain::breaker_state::closed);
}

TEST_F(gateway_test, a_client_error_is_never_retried) {
  start(fast_options());
  scripted_dependency dep({status(422), ok()});
  submit_call(gw_, dep.call());
  const call_result r = dep.result(0);
  EXPECT_EQ(r.status, call_status::failed);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.error, "HTTP 422");
  EXPECT_EQ(dep.attempts(), 1u);
}

TEST_F(gateway_test, the_budget_bounds_the_attempts) {
  gateway_options o = fast_options();
  o.breaker.consecutive_failures = 10;  // the breaker stays out of this
  start(o);
  scripted_dependency dep({status(500)});
  submit_call(gw_, dep.call());
  const call_result r = dep.result(0);
  EXPECT_EQ(r.status, call_status::failed);
  EXPECT_EQ(r.attempts, 4u);
  EXPECT_EQ(dep.attempts(), 4u);
}

TEST_F(gateway_test, retry_after_is_honoured) {
  start(fast_options());
  scripted_dependency dep({status(429, 300ms), ok()});
  submit_call(gw_, dep.call());
  EXPECT_EQ(dep.result(0).status, call_status::ok);
  ASSERT_EQ(dep.attempts(), 2u);
  // The backoff alone would be at most 5 ms; the server asked for 300 ms.
  EXPECT_GE(dep.time(1) - dep.time(0), 300ms);
}

TEST_F(gateway_test, an_ambiguous_failure_makes_the_next_attempt_verify_first) {
  start(fast_options());
  scripted_dependency dep({ambiguous_timeout(), ok()});
  submit_call(gw_, dep.call());
  const call_result r = dep.result(0);
  EXPECT_EQ(r.status, call_status::ok);
  ASSERT_EQ(dep.attempts(), 2u);
  EXPECT_FALSE(dep.context(0).previous_ambiguous);
  EXPECT_TRUE(dep.context(1).previous_ambiguous);
  EXPECT_EQ(dep.context(1).attempt, 2u);
}

TEST_F(gateway_test, a_call_failing_while_the_breaker_opens_stops_at_once) {
  start(fast_options());  // 4 attempts allowed, but the third failure in a row opens the breaker
  scripted_dependency dep({status(500)});
  submit_call(gw_, dep.call());
  const call_result r = dep.result(0);
  EXPECT_EQ(r.status, call_status::circuit_open);
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_NE(r.error.find("HTTP 500"), std::string::npos) << r.error;
}

TEST_F(gateway_test, the_breaker_opens_fails_fast_and_closes_after_a_good_probe) {
  gateway_options o = fast_options();
  o.budget.max_attempts = 1;
  start(o);
  scripted_dependency failing({status(500)});
  for (std::size_t i = 0; i < 3; ++i) {
    submit_call(gw_, failing.call());
    EXPECT_EQ(failing.result(i).status, call_status::failed);
  }
  EXPECT_EQ(stats().breaker, domain::breaker_state::open);
  submit_call(gw_, failing.call());
  EXPECT_EQ(failing.result(3).status, call_status::circuit_open);
  EXPECT_EQ(failing.attempts(), 3u);  // the dependency was not called

  std::this_thread::sleep_for(250ms);  // the open period (200 ms) ends: one probe may pass
  scripted_dependency healthy({ok()});
  submit_call(gw_, healthy.call());
  EXPECT_EQ(healthy.result(0).status, call_status::ok);
  const gateway_stats s = stats();
  EXPECT_EQ(s.breaker, domain::breaker_state::closed);
  EXPECT_EQ(s.breaker_opened, 1u);
  EXPECT_EQ(s.rejected_open, 1u);
}

TEST_F(gateway_test, in_flight_is_bounded_and_a_full_queue_refuses) {
  gateway_options o = fast_options();
  o.max_in_flight = 2;
  o.max_queued = 1;
  start(o);
  scripted_dependency dep({held(ok())});
  for (int i = 0; i < 4; ++i) submit_call(gw_, dep.call());
  EXPECT_EQ(dep.result(3).status, call_status::overloaded);
  for (int i = 0; i < 200 && dep.attempts() < 2; ++i) std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(dep.attempts(), 2u);  // two running, one waiting
  gateway_stats s = stats();
  EXPECT_EQ(s.in_flight, 2u);
  EXPECT_EQ(s.queued, 1u);
  EXPECT_EQ(s.rejected_overloaded, 1u);
  dep.release();  // the two finish; the queued one starts (and is held)
  EXPECT_EQ(dep.result(0).status, call_status::ok);
  EXPECT_EQ(dep.result(1).status, call_status::ok);
  for (int i = 0; i < 200 && dep.attempts() < 3; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(dep.attempts(), 3u);
  dep.release();
  EXPECT_EQ(dep.result(2).status, call_status::ok);
}

TEST_F(gateway_test, a_queue_full_of_normal_calls_does_not_refuse_an_urgent_one) {
  gateway_options o = fast_options();
  o.max_in_flight = 1;
  o.max_queued = 2;
  start(o);
  scripted_dependency dep({held(ok()), ok()});
  submit_call(gw_, dep.call());  // holds the only slot
  for (int i = 0; i < 200 && dep.attempts() < 1; ++i) std::this_thread::sleep_for(5ms);
  submit_call(gw_, dep.call());  // 1 and 2 fill the queue
  submit_call(gw_, dep.call());
  submit_call(gw_, dep.call());  // 3: refused
  EXPECT_EQ(dep.result(3).status, call_status::overloaded);
  // Urgent calls have room of their own: two are taken, a third is refused.
  for (int i = 0; i < 3; ++i) {
    auto c = dep.call();
    c->urgent = true;
    submit_call(gw_, c);
  }
  EXPECT_EQ(dep.result(6).status, call_status::overloaded);
  gateway_stats s = stats();
  EXPECT_EQ(s.queued, 4u);
  EXPECT_EQ(s.rejected_overloaded, 2u);
  dep.release();
  for (std::size_t i : {0u, 1u, 2u, 4u, 5u}) EXPECT_EQ(dep.result(i).status, call_status::ok);
  EXPECT_EQ(stats().rejected_overloaded, 2u);
}

TEST_F(gateway_test, a_deadline_answers_the_caller_and_the_late_report_only_frees_the_slot) {
  gateway_options o = fast_options();
  o.max_in_flight = 1;
  start(o);
  scripted_dependency dep({held(ok()), ok()});
  submit_call(gw_, dep.call(100ms));
  const call_result r = dep.result(0);
  EXPECT_EQ(r.status, call_status::deadline_exceeded);
  EXPECT_NE(r.error.find("deadline"), std::string::npos);
  // The attempt still holds the only slot: the next call waits for it.
  submit_call(gw_, dep.call());
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(dep.finished(1));
  EXPECT_EQ(dep.attempts(), 1u);
  dep.release();
  EXPECT_EQ(dep.result(1).status, call_status::ok);
  EXPECT_EQ(stats().deadlines, 1u);
}

TEST_F(gateway_test, a_crashed_worker_is_restarted_and_its_call_runs_again) {
  start(fast_options());
  scripted_dependency dep({crash(), ok()});
  submit_call(gw_, dep.call());
  const call_result r = dep.result(0);
  EXPECT_EQ(r.status, call_status::ok) << r.error;
  ASSERT_EQ(dep.attempts(), 2u);
  EXPECT_TRUE(dep.context(1).previous_ambiguous);  // the crash may have sent it
  EXPECT_EQ(stats().worker_restarts, 1u);
  // The restarted worker serves further calls.
  scripted_dependency more({ok()});
  for (int i = 0; i < 8; ++i) submit_call(gw_, more.call());
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(more.result(i).status, call_status::ok);
}

TEST_F(gateway_test, calls_open_at_shutdown_are_answered) {
  start(fast_options());
  scripted_dependency dep({held(ok())});
  submit_call(gw_, dep.call());
  for (int i = 0; i < 200 && dep.attempts() < 1; ++i) std::this_thread::sleep_for(5ms);
  caf::anon_send_exit(gw_, caf::exit_reason::user_shutdown);
  gw_ = caf::actor{};
  EXPECT_EQ(dep.result(0).status, call_status::shutting_down);
  dep.release();  // a report after the end goes nowhere
}

}  // namespace
}  // namespace frontdesk::actors::testing

namespace frontdesk::actors::testing {
namespace {

TEST_F(gateway_test, a_call_its_caller_withdrew_is_neither_retried_nor_a_failure) {
  start(fast_options());  // the breaker opens after 3 failures in a row
  scripted_dependency dep({withdrawn()});
  for (std::size_t i = 0; i < 4; ++i) {
    submit_call(gw_, dep.call());
    EXPECT_EQ(dep.result(i).status, call_status::cancelled);
  }
  EXPECT_EQ(dep.attempts(), 4u);  // one each, none retried
  const gateway_stats s = stats();
  EXPECT_EQ(s.cancelled, 4u);
  EXPECT_EQ(s.failed, 0u);
  EXPECT_EQ(s.retries, 0u);
  EXPECT_EQ(s.last_error, "");
  EXPECT_EQ(s.breaker, domain::breaker_state::closed);
}

TEST_F(gateway_test, the_time_calls_wait_for_a_slot_is_counted) {
  gateway_options o = fast_options();
  o.max_in_flight = 1;
  start(o);
  scripted_dependency dep({held(ok()), ok()});
  submit_call(gw_, dep.call());  // takes the only slot at once
  for (int i = 0; i < 200 && dep.attempts() < 1; ++i) std::this_thread::sleep_for(5ms);
  submit_call(gw_, dep.call());  // waits for it
  std::this_thread::sleep_for(60ms);
  dep.release();
  EXPECT_EQ(dep.result(0).status, call_status::ok);
  EXPECT_EQ(dep.result(1).status, call_status::ok);
  const slot_waits w = stats().slot_wait;
  std::uint64_t samples = 0;
  std::uint64_t over_50ms = 0;
  for (std::size_t i = 0; i < w.buckets.size(); ++i) {
    samples += w.buckets[i];
    if (i > 0 && slot_waits::bounds[i - 1] >= 0.05) over_50ms += w.buckets[i];
  }
  EXPECT_EQ(samples, 2u);       // one per attempt
  EXPECT_EQ(w.buckets[0], 1u);  // the first found a free slot
  EXPECT_EQ(over_50ms, 1u);     // the second waited the 60 ms
  EXPECT_GE(w.total_seconds, 0.06);
}

TEST_F(gateway_test, urgent_calls_wait_ahead_of_normal_ones) {
  gateway_options o = fast_options();
  o.max_in_flight = 1;
  start(o);
  // One call holds the only slot; then two normal calls and an urgent one queue up.
  scripted_dependency blocker({held(ok())});
  submit_call(gw_, blocker.call());
  for (int i = 0; i < 200 && blocker.attempts() < 1; ++i) std::this_thread::sleep_for(5ms);
  std::mutex m;
  std::vector<std::string> order;
  auto recording = [&](std::string name, bool urgent) {
    auto c = std::make_shared<gateway_call>();
    c->operation = name;
    c->urgent = urgent;
    c->attempt = [&, name](const attempt_context&, std::function<void(attempt_report)> report) {
      {
        std::lock_guard lock(m);
        order.push_back(name);
      }
      attempt_report r;
      r.success = true;
      report(r);
    };
    c->done = [](const call_result&) {};
    return c;
  };
  submit_call(gw_, recording("note-1", false));
  submit_call(gw_, recording("note-2", false));
  submit_call(gw_, recording("reply", true));
  std::this_thread::sleep_for(50ms);
  blocker.release();
  EXPECT_EQ(blocker.result(0).status, call_status::ok);
  for (int i = 0; i < 400; ++i) {
    {
      std::lock_guard lock(m);
      if (order.size() == 3) break;
    }
    std::this_thread::sleep_for(5ms);
  }
  std::lock_guard lock(m);
  EXPECT_EQ(order, (std::vector<std::string>{"reply", "note-1", "note-2"}));
}

}  // namespace
}  // namespace frontdesk::actors::testing
