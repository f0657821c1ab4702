// Draws the simulated latency and failure of each call to a simulated dependency (normal
// latency clipped at zero, error and 429 rates), thread-safe and reproducible from a seed.
#pragma once

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>

#include "bench/harness/scenario.hpp"

namespace frontdesk::bench {

enum class call_fate { ok, error, rate_limited };

class dependency_latency {
 public:
  dependency_latency(dependency_spec spec, std::uint64_t seed) : spec_(spec), seed_(seed) {}

  struct draw {
    std::chrono::nanoseconds delay{0};
    call_fate fate = call_fate::ok;
  };

  /// The n-th draw depends only on the seed and n.
  draw next() {
    const std::uint64_t n = counter_.fetch_add(1, std::memory_order_relaxed);
    const double u1 = unit(mix(seed_ + 3 * n));
    const double u2 = unit(mix(seed_ + 3 * n + 1));
    const double u3 = unit(mix(seed_ + 3 * n + 2));
    draw d;
    // Box-Muller: a standard normal from two uniforms.
    const double z = std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(6.283185307179586 * u2);
    const double ms = std::max(0.0, spec_.latency_ms + spec_.jitter_ms * z);
    d.delay = std::chrono::nanoseconds(static_cast<std::int64_t>(ms * 1e6));
    if (u3 < spec_.error_rate) {
      d.fate = call_fate::error;
    } else if (u3 < spec_.error_rate + spec_.rate_limit_rate) {
      d.fate = call_fate::rate_limited;
    }
    return d;
  }

  const dependency_spec& spec() const { return spec_; }

  static std::uint64_t mix(std::uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  static double unit(std::uint64_t v) { return static_cast<double>(v >> 11) * 0x1.0p-53; }

 private:
  dependency_spec spec_;
  std::uint64_t seed_;
  std::atomic<std::uint64_t> counter_{0};
};

}  // namespace frontdesk::bench
