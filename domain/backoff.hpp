// Exponential backoff with full jitter: how long to wait before the next retry attempt.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace frontdesk::domain {

struct backoff_policy {
  std::chrono::milliseconds base{200};   // ceiling of the first retry's window
  std::chrono::milliseconds cap{30000};  // no window grows past this
  double multiplier = 2.0;               // growth per attempt (>= 1)
};

/// Upper bound of the jitter window before retry `attempt` (1-based):
/// min(cap, base * multiplier^(attempt-1)). Attempt 0 is treated as 1.
std::chrono::milliseconds backoff_ceiling(const backoff_policy& policy,
                                          std::uint32_t attempt) noexcept;

/// Full jitter: `uniform01` (a draw in [0, 1)) scaled to [0, ceiling]. Out-of-range draws are
/// clamped, so a broken generator can never produce a negative or over-cap delay.
std::chrono::milliseconds backoff_delay(const backoff_policy& policy, std::uint32_t attempt,
                                        double uniform01) noexcept;

/// Stateful helper: counts attempts and draws from an injected generator.
class backoff {
 public:
  using random_source = std::function<double()>;  // uniform in [0, 1)

  backoff(backoff_policy policy, random_source rng);

  /// Delay before the next retry; advances the attempt counter.
  std::chrono::milliseconds next();
  /// Back to the first attempt (after a success).
  void reset() noexcept { attempt_ = 0; }
  std::uint32_t attempts() const noexcept { return attempt_; }

 private:
  backoff_policy policy_;
  random_source rng_;
  std::uint32_t attempt_ = 0;
};

}  // namespace frontdesk::domain
