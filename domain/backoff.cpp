#include "domain/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace frontdesk::domain {

std::chrono::milliseconds backoff_ceiling(const backoff_policy& policy,
                                          std::uint32_t attempt) noexcept {
  const double base = static_cast<double>(std::max<std::int64_t>(0, policy.base.count()));
  const double cap = static_cast<double>(std::max<std::int64_t>(0, policy.cap.count()));
  const double mult = std::isfinite(policy.multiplier) ? std::max(1.0, policy.multiplier) : 1.0;
  const std::uint32_t n = attempt == 0 ? 0 : attempt - 1;
  // Grow step by step so huge attempt numbers saturate at the cap instead of overflowing.
  double window = base;
  for (std::uint32_t i = 0; i < n && window < cap; ++i) window *= mult;
  window = std::min(window, cap);
  return std::chrono::milliseconds{static_cast<std::int64_t>(window)};
}

std::chrono::milliseconds backoff_delay(const backoff_policy& policy, std::uint32_t attempt,
                                        double uniform01) noexcept {
  const auto ceiling = backoff_ceiling(policy, attempt);
  double u = std::isfinite(uniform01) ? uniform01 : 0.0;
  u = std::clamp(u, 0.0, 1.0);
  const auto ms = static_cast<std::int64_t>(std::llround(u * static_cast<double>(ceiling.count())));
  return std::chrono::milliseconds{std::clamp<std::int64_t>(ms, 0, ceiling.count())};
}

backoff::backoff(backoff_policy policy, random_source rng)
    : policy_(policy), rng_(std::move(rng)) {}

std::chrono::milliseconds backoff::next() {
  ++attempt_;
  return backoff_delay(policy_, attempt_, rng_ ? rng_() : 0.5);
}

}  // namespace frontdesk::domain
