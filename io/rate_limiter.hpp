// Per-key token buckets (e.g. per contact) with bounded memory and an injected clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace frontdesk::io {

struct rate_limit_options {
  double capacity = 10;                  // burst size
  double refill_per_second = 1;          // sustained rate
  std::size_t max_keys = 100000;         // least recently used keys are evicted beyond this
  std::chrono::seconds idle_evict{600};  // keys untouched this long are dropped
};

struct rate_decision {
  bool allowed = true;
  long retry_after_seconds = 0;  // whole seconds until one token is back (>= 1 when limited)
};

/// Thread-safe.
class rate_limiter {
 public:
  using clock_fn = std::function<std::chrono::steady_clock::time_point()>;
  explicit rate_limiter(rate_limit_options options, clock_fn now = std::chrono::steady_clock::now);

  /// Takes `cost` tokens from the key's bucket when available.
  rate_decision acquire(std::string_view key, double cost = 1);
  std::size_t tracked_keys() const;

 private:
  struct bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
    std::list<std::string_view>::iterator lru;
  };
  struct key_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view k) const noexcept {
      return std::hash<std::string_view>{}(k);
    }
  };
  void evict(std::chrono::steady_clock::time_point now);

  rate_limit_options options_;
  clock_fn now_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, bucket, key_hash, std::equal_to<>> buckets_;
  /// Front: most recently used. Views of the map's keys (a node's key does not move), so
  /// each key is held once.
  std::list<std::string_view> lru_;
};

}  // namespace frontdesk::io
