#include "io/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace frontdesk::io {

rate_limiter::rate_limiter(rate_limit_options options, clock_fn now)
    : options_(options), now_(std::move(now)) {
  if (options_.max_keys == 0) options_.max_keys = 1;
}

rate_decision rate_limiter::acquire(std::string_view key, double cost) {
  std::lock_guard lock(mu_);
  auto now = now_();
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    evict(now);
    it = buckets_.emplace(std::string(key), bucket{options_.capacity, now, {}}).first;
    lru_.emplace_front(it->first);
    it->second.lru = lru_.begin();
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    double elapsed = std::chrono::duration<double>(now - it->second.last).count();
    if (elapsed > 0)
      it->second.tokens =
          std::min(options_.capacity, it->second.tokens + elapsed * options_.refill_per_second);
    it->second.last = std::max(it->second.last, now);
  }
  auto& b = it->second;
  if (b.tokens >= cost) {
    b.tokens -= cost;
    return {true, 0};
  }
  if (options_.refill_per_second <= 0 || cost > options_.capacity) return {false, 3600};
  double wait = (cost - b.tokens) / options_.refill_per_second;
  return {false, std::max<long>(1, static_cast<long>(std::ceil(wait)))};
}

void rate_limiter::evict(std::chrono::steady_clock::time_point now) {
  // Idle keys first (from the least recently used end), then the oldest until there is room.
  while (!lru_.empty()) {
    const auto oldest = buckets_.find(lru_.back());
    bool idle = now - oldest->second.last >= options_.idle_evict;
    if (!idle && buckets_.size() < options_.max_keys) break;
    lru_.pop_back();  // a view of the key: gone before the key is
    buckets_.erase(oldest);
  }
}

std::size_t rate_limiter::tracked_keys() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace frontdesk::io
