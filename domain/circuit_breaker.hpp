// Circuit breaker: stops calling a failing dependency for a while, then probes it carefully.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>
#include <vector>

namespace frontdesk::domain {

enum class breaker_state : std::uint8_t { closed, open, half_open };

/// "closed", "open", "half_open".
std::string_view to_string(breaker_state s) noexcept;

struct circuit_breaker_options {
  /// Open after this many failures in a row (0 disables the rule).
  std::uint32_t consecutive_failures = 5;
  /// Open when failures / calls over the last `window_size` calls reaches this (0 disables).
  double failure_rate = 0.5;
  std::uint32_t window_size = 20;
  /// The rate rule needs at least this many calls in the window.
  std::uint32_t minimum_calls = 10;
  /// How long the breaker stays open before letting probes through.
  std::chrono::milliseconds open_duration{30000};
  /// Probe calls allowed while half-open; all must succeed to close again.
  std::uint32_t half_open_probes = 1;
};

struct circuit_breaker_stats {
  breaker_state state = breaker_state::closed;
  std::uint64_t successes = 0;
  std::uint64_t failures = 0;
  std::uint64_t rejected = 0;  // calls refused while open / probes exhausted
  std::uint64_t times_opened = 0;
  std::uint32_t consecutive_failures = 0;
};

/// Thread-safe. Callers ask `try_acquire()` before a call and report exactly one of
/// `record_success()`, `record_failure()` or `record_ignored()` for each acquired call.
class circuit_breaker {
 public:
  using clock_type = std::chrono::steady_clock;
  using now_fn = std::function<clock_type::time_point()>;
  using listener = std::function<void(breaker_state from, breaker_state to)>;

  explicit circuit_breaker(circuit_breaker_options options = {}, now_fn now = {});

  /// True if a call may go out now (in half-open this takes one probe slot).
  bool try_acquire();
  void record_success();
  void record_failure();
  /// The call's outcome says nothing about the dependency's health (e.g. a 404): frees the
  /// probe slot without counting.
  void record_ignored();

  /// Current state (an expired open period reads as half_open).
  breaker_state state();
  circuit_breaker_stats stats();
  /// Called after every transition, outside the breaker's lock, on the reporting thread.
  void on_state_change(listener l);

 private:
  using transitions = std::vector<std::pair<breaker_state, breaker_state>>;
  void transition_locked(breaker_state to, transitions& out);
  void refresh_locked(transitions& out);
  void notify(const transitions& t);
  bool rate_exceeded_locked() const;

  circuit_breaker_options options_;
  now_fn now_;
  std::mutex mutex_;
  breaker_state state_ = breaker_state::closed;
  clock_type::time_point opened_at_{};
  std::vector<bool> window_;  // ring buffer of outcomes, true = failure
  std::size_t window_next_ = 0;
  std::size_t window_count_ = 0;
  std::uint32_t probes_in_flight_ = 0;
  std::uint32_t probe_successes_ = 0;
  circuit_breaker_stats stats_;
  std::vector<listener> listeners_;
};

}  // namespace frontdesk::domain
