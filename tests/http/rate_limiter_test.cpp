#include "io/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace frontdesk::io {
namespace {

using namespace std::chrono_literals;

struct manual_clock {
  std::chrono::steady_clock::time_point now{};
  rate_limiter::clock_fn fn() {
    return [this] { return now; };
  }
};

TEST(RateLimiter, BurstThenLimitedWithRetryAfter) {
  manual_clock clock;
  rate_limiter rl({3, 0.5, 100, 600s}, clock.fn());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(rl.acquire("contact-1").allowed);
  auto d = rl.acquire("contact-1");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 2);  // one token at 0.5/s
  clock.now += 1s;
  d = rl.acquire("contact-1");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 1);
  clock.now += 1s;
  EXPECT_TRUE(rl.acquire("contact-1").allowed);
}

TEST(RateLimiter, KeysAreIndependent) {
  manual_clock clock;
  rate_limiter rl({1, 1, 100, 600s}, clock.fn());
  EXPECT_TRUE(rl.acquire("a").allowed);
  EXPECT_FALSE(rl.acquire("a").allowed);
  EXPECT_TRUE(rl.acquire("b").allowed);
}

TEST(RateLimiter, RefillIsCappedAtCapacity) {
  manual_clock clock;
  rate_limiter rl({2, 10, 100, 6000s}, clock.fn());
  EXPECT_TRUE(rl.acquire("a").allowed);
  clock.now += 1000s;
  EXPECT_TRUE(rl.acquire("a").allowed);
  EXPECT_TRUE(rl.acquire("a").allowed);
  EXPECT_FALSE(rl.acquire("a").allowed);
}

TEST(RateLimiter, MemoryIsBoundedAndIdleKeysAreEvicted) {
  manual_clock clock;
  rate_limiter rl({1, 0.001, 50, 60s}, clock.fn());
  for (int i = 0; i < 1000; ++i) rl.acquire("k" + std::to_string(i));
  EXPECT_LE(rl.tracked_keys(), 50u);
  clock.now += 61s;
  rl.acquire("fresh");
  EXPECT_EQ(rl.tracked_keys(), 1u);
  // An evicted key starts over with a full bucket (a known trade-off of bounded memory).
  EXPECT_TRUE(rl.acquire("k999").allowed);
}

TEST(RateLimiter, CostLargerThanCapacityIsNeverAllowed) {
  manual_clock clock;
  rate_limiter rl({2, 1, 10, 60s}, clock.fn());
  auto d = rl.acquire("a", 5);
  EXPECT_FALSE(d.allowed);
  EXPECT_GE(d.retry_after_seconds, 1);
}

}  // namespace
}  // namespace frontdesk::io
