#include "domain/circuit_breaker.hpp"

#include <algorithm>

namespace frontdesk::domain {

std::string_view to_string(breaker_state s) noexcept {
  switch (s) {
    case breaker_state::closed:
      return "closed";
    case breaker_state::open:
      return "open";
    case breaker_state::half_open:
      return "half_open";
  }
  return "closed";
}

circuit_breaker::circuit_breaker(circuit_breaker_options options, now_fn now)
    : options_(options), now_(now ? std::move(now) : now_fn{[] { return clock_type::now(); }}) {
  options_.window_size = std::max<std::uint32_t>(1, options_.window_size);
  options_.half_open_probes = std::max<std::uint32_t>(1, options_.half_open_probes);
  window_.assign(options_.window_size, false);
}

void circuit_breaker::transition_locked(breaker_state to, transitions& out) {
  if (state_ == to) return;
  out.emplace_back(state_, to);
  state_ = to;
  stats_.state = to;
  probes_in_flight_ = 0;
  probe_successes_ = 0;
  if (to == breaker_state::open) {
    opened_at_ = now_();
    ++stats_.times_opened;
  }
  if (to == breaker_state::closed) {
    window_next_ = 0;
    window_count_ = 0;
    stats_.consecutive_failures = 0;
  }
}

void circuit_breaker::refresh_locked(transitions& out) {
  if (state_ == breaker_state::open && now_() - opened_at_ >= options_.open_duration) {
    transition_locked(breaker_state::half_open, out);
  }
}

void circuit_breaker::notify(const transitions& t) {
  if (t.empty()) return;
  std::vector<listener> ls;
  {
    std::lock_guard lock(mutex_);
    ls = listeners_;
  }
  for (const auto& [from, to] : t) {
    for (const auto& l : ls) l(from, to);
  }
}

bool circuit_breaker::rate_exceeded_locked() const {
  if (options_.failure_rate <= 0.0 || window_count_ < options_.minimum_calls ||
      window_count_ == 0) {
    return false;
  }
  std::size_t failures = 0;
  for (std::size_t i = 0; i < window_count_; ++i) failures += window_[i] ? 1 : 0;
  return static_cast<double>(failures) / static_cast<double>(window_count_) >=
         options_.failure_rate;
}

bool circuit_breaker::try_acquire() {
  transitions t;
  bool allowed = false;
  {
    std::lock_guard lock(mutex_);
    refresh_locked(t);
    switch (state_) {
      case breaker_state::closed:
        allowed = true;
        break;
      case breaker_state::open:
        allowed = false;
        break;
      case breaker_state::half_open:
        allowed = probes_in_flight_ + probe_successes_ < options_.half_open_probes;
        if (allowed) ++probes_in_flight_;
        break;
    }
    if (!allowed) ++stats_.rejected;
  }
  notify(t);
  return allowed;
}

void circuit_breaker::record_success() {
  transitions t;
  {
    std::lock_guard lock(mutex_);
    ++stats_.successes;
    stats_.consecutive_failures = 0;
    if (state_ == breaker_state::half_open) {
      if (probes_in_flight_ > 0) --probes_in_flight_;
      if (++probe_successes_ >= options_.half_open_probes) {
        transition_locked(breaker_state::closed, t);
      }
    } else if (state_ == breaker_state::closed) {
      window_[window_next_] = false;
      window_next_ = (window_next_ + 1) % window_.size();
      window_count_ = std::min(window_count_ + 1, window_.size());
    }
  }
  notify(t);
}

void circuit_breaker::record_failure() {
  transitions t;
  {
    std::lock_guard lock(mutex_);
    ++stats_.failures;
    ++stats_.consecutive_failures;
    if (state_ == breaker_state::half_open) {
      transition_locked(breaker_state::open, t);
    } else if (state_ == breaker_state::closed) {
      window_[window_next_] = true;
      window_next_ = (window_next_ + 1) % window_.size();
      window_count_ = std::min(window_count_ + 1, window_.size());
      const bool streak = options_.consecutive_failures > 0 &&
                          stats_.consecutive_failures >= options_.consecutive_failures;
      if (streak || rate_exceeded_locked()) transition_locked(breaker_state::open, t);
    }
  }
  notify(t);
}

void circuit_breaker::record_ignored() {
  std::lock_guard lock(mutex_);
  if (state_ == breaker_state::half_open && probes_in_flight_ > 0) --probes_in_flight_;
}

breaker_state circuit_breaker::state() {
  transitions t;
  breaker_state s;
  {
    std::lock_guard lock(mutex_);
    refresh_locked(t);
    s = state_;
  }
  notify(t);
  return s;
}

circuit_breaker_stats circuit_breaker::stats() {
  transitions t;
  circuit_breaker_stats s;
  {
    std::lock_guard lock(mutex_);
    refresh_locked(t);
    s = stats_;
  }
  notify(t);
  return s;
}

void circuit_breaker::on_state_change(listener l) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(l));
}

}  // namespace frontdesk::domain
