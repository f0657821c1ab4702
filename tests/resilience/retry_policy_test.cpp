#include <gtest/gtest.h>

#include <random>

#include "domain/backoff_retry_policy.hpp"

using namespace std::chrono_literals;
using frontdesk::domain::backoff_ceiling;
using frontdesk::domain::backoff_policy;
using frontdesk::domain::call_outcome;
using frontdesk::domain::decide_retry;
using frontdesk::domain::retry_budget;
using frontdesk::domain::retry_verdict;

namespace {
const backoff_policy policy{100ms, 5000ms, 2.0};
const retry_budget budget{5, 60000ms};

call_outcome status(int s, std::optional<std::chrono::milliseconds> ra = std::nullopt) {
  call_outcome o;
  o.status = s;
  o.retry_after = ra;
  return o;
}
call_outcome transport(bool ambiguous) {
  call_outcome o;
  o.transport_failure = true;
  o.ambiguous = ambiguous;
  return o;
}
}  // namespace

TEST(RetryPolicy, SuccessIsDone) {
  for (int s : {200, 201, 204}) {
    EXPECT_EQ(decide_retry(status(s), 1, policy, budget, 0.5).verdict, retry_verdict::done) << s;
  }
}

TEST(RetryPolicy, NeverRetries4xxOtherThan429) {
  for (int s : {400, 401, 403, 404, 408, 409, 413, 422, 428, 431, 499}) {
    const auto d = decide_retry(status(s), 1, policy, budget, 0.5);
    EXPECT_EQ(d.verdict, retry_verdict::give_up) << s;
  }
  EXPECT_EQ(decide_retry(status(429), 1, policy, budget, 0.5).verdict, retry_verdict::retry);
}

TEST(RetryPolicy, UnexpectedStatusesGiveUp) {
  for (int s : {100, 301, 304, 600, 0, -1}) {
    EXPECT_EQ(decide_retry(status(s), 1, policy, budget, 0.5).verdict, retry_verdict::give_up) << s;
  }
}

TEST(RetryPolicy, ServerErrorsBackOffWithinTheWindow) {
  for (std::uint32_t attempt = 1; attempt < 5; ++attempt) {
    const auto d = decide_retry(status(502), attempt, policy, budget, 0.999);
    ASSERT_EQ(d.verdict, retry_verdict::retry);
    EXPECT_LE(d.delay, backoff_ceiling(policy, attempt));
    EXPECT_GE(d.delay, backoff_ceiling(policy, attempt) - 1ms);
  }
}

TEST(RetryPolicy, RetryAfterIsHonouredOn429And503) {
  auto d = decide_retry(status(429, 7000ms), 1, policy, budget, 0.0);
  EXPECT_EQ(d.verdict, retry_verdict::retry);
  EXPECT_EQ(d.delay, 7000ms);
  d = decide_retry(status(503, 3000ms), 1, policy, budget, 0.0);
  EXPECT_EQ(d.delay, 3000ms);
  // The longer of Retry-After and the jittered backoff.
  d = decide_retry(status(429, 10ms), 4, policy, budget, 0.999);
  EXPECT_GE(d.delay, 799ms);
  // A Retry-After on a plain 500 is not a promise we rely on.
  d = decide_retry(status(500, 30000ms), 1, policy, budget, 0.0);
  EXPECT_EQ(d.delay, 0ms);
}

TEST(RetryPolicy, RetryAfterBeyondBudgetGivesUp) {
  const auto d = decide_retry(status(429, 120000ms), 1, policy, budget, 0.5);
  EXPECT_EQ(d.verdict, retry_verdict::give_up);
  EXPECT_EQ(d.reason, "retry_after_too_long");
}

TEST(RetryPolicy, AmbiguousFailuresMustBeCheckedFirst) {
  auto d = decide_retry(transport(true), 1, policy, budget, 0.5);
  EXPECT_EQ(d.verdict, retry_verdict::check_then_retry);
  EXPECT_TRUE(d.ambiguous);
  d = decide_retry(transport(false), 1, policy, budget, 0.5);
  EXPECT_EQ(d.verdict, retry_verdict::retry);
  EXPECT_FALSE(d.ambiguous);
  // Out of budget: still flagged, so the caller reconciles before alerting.
  d = decide_retry(transport(true), 5, policy, budget, 0.5);
  EXPECT_EQ(d.verdict, retry_verdict::give_up);
  EXPECT_TRUE(d.ambiguous);
}

TEST(RetryPolicy, PersistentFailureUsesExactlyTheBudget) {
  std::mt19937 gen(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int s : {500, 503, 429}) {
    std::uint32_t attempts = 0;
    std::chrono::milliseconds waited{0};
    while (true) {
      ++attempts;
      const auto d = decide_retry(status(s), attempts, policy, budget, u(gen));
      if (d.verdict != retry_verdict::retry) {
        EXPECT_EQ(d.verdict, retry_verdict::give_up);
        break;
      }
      EXPECT_LE(d.delay, backoff_ceiling(policy, attempts));
      waited += d.delay;
      ASSERT_LT(attempts, 100u);
    }
    EXPECT_EQ(attempts, budget.max_attempts) << s;
    EXPECT_LE(waited, 100ms + 200ms + 400ms + 800ms);
  }
}
