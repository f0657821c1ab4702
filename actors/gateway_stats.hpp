#pragma once
// What a gateway reports about itself for /health/ready and /metrics (no CAF here).

#include <array>
#include <cstdint>
#include <string>

#include "domain/circuit_breaker.hpp"

namespace frontdesk::actors {

/// How long attempts waited for a free slot (max_in_flight reached), as a histogram: bucket i
/// counts waits up to bounds[i] seconds, the last bucket the longer ones.
struct slot_waits {
  static constexpr std::array<double, 11> bounds{0.001, 0.002, 0.005, 0.01, 0.025, 0.05,
                                                 0.1,   0.25,  1.0,   2.5,  10.0};
  std::array<std::uint64_t, bounds.size() + 1> buckets{};
  double total_seconds = 0;

  void record(double seconds) {
    std::size_t i = 0;
    while (i < bounds.size() && seconds > bounds[i]) ++i;
    ++buckets[i];
    total_seconds += seconds;
  }
};

struct gateway_stats {
  std::string name;
  domain::breaker_state breaker = domain::breaker_state::closed;
  std::uint64_t in_flight = 0;
  std::uint64_t queued = 0;
  std::uint64_t calls = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;
  std::uint64_t cancelled = 0;  ///< withdrawn by their callers before reaching the dependency
  std::uint64_t attempts = 0;
  std::uint64_t retries = 0;
  std::uint64_t rejected_overloaded = 0;
  std::uint64_t rejected_open = 0;
  std::uint64_t deadlines = 0;
  std::uint64_t worker_restarts = 0;
  std::uint64_t breaker_opened = 0;
  std::string last_error;  ///< of the last failed call (empty when none failed yet)
  slot_waits slot_wait;    ///< one sample per attempt started
};

}  // namespace frontdesk::actors
