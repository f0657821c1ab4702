#include "domain/circuit_breaker.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using frontdesk::domain::breaker_state;
using frontdesk::domain::circuit_breaker;
using frontdesk::domain::circuit_breaker_options;

namespace {

struct fake_clock {
  circuit_breaker::clock_type::time_point now{std::chrono::hours(1)};
  circuit_breaker::now_fn fn() {
    return [this] { return now; };
  }
};

circuit_breaker_options streak_only(std::uint32_t n, std::uint32_t probes = 1) {
  circuit_breaker_options o;
  o.consecutive_failures = n;
  o.failure_rate = 0;
  o.open_duration = 10s;
  o.half_open_probes = probes;
  return o;
}

}  // namespace

TEST(CircuitBreaker, OpensAfterConsecutiveFailuresAndRejects) {
  fake_clock clock;
  circuit_breaker b(streak_only(3), clock.fn());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.try_acquire());
    b.record_failure();
  }
  EXPECT_EQ(b.state(), breaker_state::closed);
  ASSERT_TRUE(b.try_acquire());
  b.record_failure();
  EXPECT_EQ(b.state(), breaker_state::open);
  EXPECT_FALSE(b.try_acquire());
  EXPECT_FALSE(b.try_acquire());
  const auto s = b.stats();
  EXPECT_EQ(s.failures, 3u);
  EXPECT_EQ(s.rejected, 2u);
  EXPECT_EQ(s.times_opened, 1u);
}

TEST(CircuitBreaker, SuccessBreaksTheStreak) {
  fake_clock clock;
  circuit_breaker b(streak_only(3), clock.fn());
  for (int round = 0; round < 5; ++round) {
    b.record_failure();
    b.record_failure();
    b.record_success();
  }
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_EQ(b.stats().consecutive_failures, 0u);
}

TEST(CircuitBreaker, HalfOpenAfterOpenDurationAllowsExactlyNProbes) {
  fake_clock clock;
  circuit_breaker b(streak_only(1, 2), clock.fn());
  b.record_failure();
  ASSERT_EQ(b.state(), breaker_state::open);
  clock.now += 9999ms;
  EXPECT_FALSE(b.try_acquire());
  clock.now += 1ms;
  EXPECT_EQ(b.state(), breaker_state::half_open);
  EXPECT_TRUE(b.try_acquire());
  EXPECT_TRUE(b.try_acquire());
  EXPECT_FALSE(b.try_acquire());  // both probe slots taken
  b.record_success();
  EXPECT_EQ(b.state(), breaker_state::half_open);  // one probe still out
  EXPECT_FALSE(b.try_acquire());
  b.record_success();
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_TRUE(b.try_acquire());
}

TEST(CircuitBreaker, FailedProbeReopensForAnotherFullPeriod) {
  fake_clock clock;
  circuit_breaker b(streak_only(1), clock.fn());
  b.record_failure();
  clock.now += 10s;
  ASSERT_TRUE(b.try_acquire());
  b.record_failure();
  EXPECT_EQ(b.state(), breaker_state::open);
  EXPECT_EQ(b.stats().times_opened, 2u);
  clock.now += 9s;
  EXPECT_FALSE(b.try_acquire());
  clock.now += 1s;
  EXPECT_TRUE(b.try_acquire());
}

TEST(CircuitBreaker, IgnoredProbeFreesTheSlot) {
  fake_clock clock;
  circuit_breaker b(streak_only(1), clock.fn());
  b.record_failure();
  clock.now += 10s;
  ASSERT_TRUE(b.try_acquire());
  EXPECT_FALSE(b.try_acquire());
  b.record_ignored();
  EXPECT_EQ(b.state(), breaker_state::half_open);
  EXPECT_TRUE(b.try_acquire());
}

TEST(CircuitBreaker, FailureRateOverWindowNeedsMinimumCalls) {
  fake_clock clock;
  circuit_breaker_options o;
  o.consecutive_failures = 0;
  o.failure_rate = 0.5;
  o.window_size = 10;
  o.minimum_calls = 10;
  circuit_breaker b(o, clock.fn());
  // Alternate: 50% failures, but the rule waits for 10 calls.
  for (int i = 0; i < 9; ++i) {
    if (i % 2 == 0) {
      b.record_failure();
    } else {
      b.record_success();
    }
    ASSERT_EQ(b.state(), breaker_state::closed) << i;
  }
  b.record_success();  // 10 calls, 5 failures: 0.5 reached only on a failure report
  EXPECT_EQ(b.state(), breaker_state::closed);
  b.record_failure();  // window now holds the last 10: 5 failures
  EXPECT_EQ(b.state(), breaker_state::open);
}

TEST(CircuitBreaker, FailureRateBelowThresholdStaysClosed) {
  fake_clock clock;
  circuit_breaker_options o;
  o.consecutive_failures = 0;
  o.failure_rate = 0.5;
  o.window_size = 10;
  o.minimum_calls = 5;
  circuit_breaker b(o, clock.fn());
  for (int i = 0; i < 100; ++i) {
    if (i % 3 == 0) {
      b.record_failure();  // 1 in 3
    } else {
      b.record_success();
    }
  }
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_EQ(b.stats().failures, 34u);
}

TEST(CircuitBreaker, ListenerSeesEveryTransitionInOrder) {
  fake_clock clock;
  circuit_breaker b(streak_only(2), clock.fn());
  std::vector<std::pair<breaker_state, breaker_state>> seen;
  b.on_state_change([&](breaker_state from, breaker_state to) { seen.emplace_back(from, to); });
  b.record_failure();
  b.record_failure();
  clock.now += 10s;
  ASSERT_TRUE(b.try_acquire());
  b.record_success();
  const std::vector<std::pair<breaker_state, breaker_state>> expected = {
      {breaker_state::closed, breaker_state::open},
      {breaker_state::open, breaker_state::half_open},
      {breaker_state::half_open, breaker_state::closed}};
  EXPECT_EQ(seen, expected);
}

TEST(CircuitBreaker, ListenerMayCallBackIntoTheBreaker) {
  fake_clock clock;
  circuit_breaker b(streak_only(1), clock.fn());
  breaker_state observed = breaker_state::closed;
  b.on_state_change([&](breaker_state, breaker_state) { observed = b.stats().state; });
  b.record_failure();
  EXPECT_EQ(observed, breaker_state::open);
}

TEST(CircuitBreaker, ConcurrentReportsAreCounted) {
  circuit_breaker_options o;
  o.consecutive_failures = 0;
  o.failure_rate = 0;
  circuit_breaker b(o);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        if (b.try_acquire()) {
          if ((i + t) % 2 == 0) {
            b.record_success();
          } else {
            b.record_failure();
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto s = b.stats();
  EXPECT_EQ(s.successes + s.failures, 4000u);
  EXPECT_EQ(s.state, breaker_state::closed);
}
