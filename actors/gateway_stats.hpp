#pragma once
// What a gateway reports about itself for /health/ready and /metrics (no CAF here).

#include <cstdint>
#include <string>

#include "domain/circuit_breaker.hpp"

namespace frontdesk::actors {

struct gateway_stats {
  std::string name;
  domain::breaker_state breaker = domain::breaker_state::closed;
  std::uint64_t in_flight = 0;
  std::uint64_t queued = 0;
  std::uint64_t calls = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;
  std::uint64_t attempts = 0;
  std::uint64_t retries = 0;
  std::uint64_t rejected_overloaded = 0;
  std::uint64_t rejected_open = 0;
  std::uint64_t deadlines = 0;
  std::uint64_t worker_restarts = 0;
  std::uint64_t breaker_opened = 0;
  std::string last_error;  ///< of the last failed call (empty when none failed yet)
};

}  // namespace frontdesk::actors
