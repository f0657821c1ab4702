#include "domain/backoff.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

using namespace std::chrono_literals;
using frontdesk::domain::backoff;
using frontdesk::domain::backoff_ceiling;
using frontdesk::domain::backoff_delay;
using frontdesk::domain::backoff_policy;

TEST(Backoff, CeilingDoublesUntilCap) {
  const backoff_policy p{100ms, 1000ms, 2.0};
  EXPECT_EQ(backoff_ceiling(p, 1), 100ms);
  EXPECT_EQ(backoff_ceiling(p, 2), 200ms);
  EXPECT_EQ(backoff_ceiling(p, 3), 400ms);
  EXPECT_EQ(backoff_ceiling(p, 4), 800ms);
  EXPECT_EQ(backoff_ceiling(p, 5), 1000ms);
  EXPECT_EQ(backoff_ceiling(p, 0), 100ms);
}

TEST(Backoff, HugeAttemptNumbersSaturateAtCap) {
  const backoff_policy p{250ms, 30000ms, 3.0};
  EXPECT_EQ(backoff_ceiling(p, std::numeric_limits<std::uint32_t>::max()), 30000ms);
  EXPECT_EQ(backoff_delay(p, 4000000000u, 1.0), 30000ms);
}

TEST(Backoff, BrokenPolicyValuesStayBounded) {
  EXPECT_EQ(backoff_ceiling(backoff_policy{-5ms, 100ms, 2.0}, 3), 0ms);
  EXPECT_EQ(backoff_ceiling(backoff_policy{100ms, 1000ms, 0.1}, 5), 100ms);  // multiplier < 1
  EXPECT_EQ(backoff_ceiling(backoff_policy{100ms, 1000ms, std::nan("")}, 5), 100ms);
  EXPECT_EQ(backoff_ceiling(backoff_policy{100ms, 50ms, 2.0}, 1), 50ms);  // cap below base
}

TEST(Backoff, FullJitterMapsDrawOntoWindow) {
  const backoff_policy p{100ms, 10000ms, 2.0};
  EXPECT_EQ(backoff_delay(p, 3, 0.0), 0ms);
  EXPECT_EQ(backoff_delay(p, 3, 0.5), 200ms);
  EXPECT_EQ(backoff_delay(p, 3, 0.999999), 400ms);
  EXPECT_EQ(backoff_delay(p, 3, -3.0), 0ms);
  EXPECT_EQ(backoff_delay(p, 3, 7.0), 400ms);
  EXPECT_EQ(backoff_delay(p, 3, std::nan("")), 0ms);
  EXPECT_EQ(backoff_delay(p, 3, std::numeric_limits<double>::infinity()), 0ms);
}

TEST(Backoff, JitterDistributionCoversTheWindow) {
  const backoff_policy p{100ms, 60000ms, 2.0};
  std::mt19937_64 gen(42);
  std::uniform_real_distribution<double> dist(0.0, 1.0);
  backoff b(p, [&] { return dist(gen); });
  for (std::uint32_t attempt = 1; attempt <= 8; ++attempt) {
    const auto ceiling = backoff_ceiling(p, attempt);
    double sum = 0;
    std::int64_t low = 0, high = 0;
    const int n = 4000;
    for (int i = 0; i < n; ++i) {
      const auto d = backoff_delay(p, attempt, dist(gen));
      ASSERT_GE(d, 0ms);
      ASSERT_LE(d, ceiling);
      sum += static_cast<double>(d.count());
      (d.count() * 2 < ceiling.count() ? low : high)++;
    }
    const double mean = sum / n;
    // Uniform on [0, c]: mean c/2, both halves populated.
    EXPECT_NEAR(mean, static_cast<double>(ceiling.count()) / 2, ceiling.count() * 0.05);
    EXPECT_GT(low, n / 3);
    EXPECT_GT(high, n / 3);
  }
}

TEST(Backoff, StatefulHelperCountsAttemptsAndResets) {
  double next_draw = 1.0;
  backoff b(backoff_policy{100ms, 1000ms, 2.0}, [&] { return next_draw; });
  EXPECT_EQ(b.next(), 100ms);
  EXPECT_EQ(b.next(), 200ms);
  EXPECT_EQ(b.next(), 400ms);
  EXPECT_EQ(b.attempts(), 3u);
  b.reset();
  EXPECT_EQ(b.attempts(), 0u);
  next_draw = 0.5;
  EXPECT_EQ(b.next(), 50ms);
}
