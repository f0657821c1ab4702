#pragma once
// A point in time that may be absent, in 8 bytes: std::optional<time_point> with the flag
// folded into the value (the minimum representable instant means "none"). A conversation
// carries nine of these, one per timer and clock, in every live actor.

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>

namespace frontdesk::fsm {

using time_point = std::chrono::sys_time<std::chrono::milliseconds>;

class optional_time {
 public:
  constexpr optional_time() noexcept = default;
  constexpr optional_time(std::nullopt_t) noexcept {}
  constexpr optional_time(time_point t) noexcept : ms_(t.time_since_epoch().count()) {}
  constexpr optional_time(const std::optional<time_point>& t) noexcept
      : ms_(t ? t->time_since_epoch().count() : none) {}

  constexpr bool has_value() const noexcept { return ms_ != none; }
  constexpr explicit operator bool() const noexcept { return has_value(); }
  /// Only when has_value().
  constexpr time_point operator*() const noexcept {
    return time_point(std::chrono::milliseconds(ms_));
  }
  constexpr time_point value_or(time_point fallback) const noexcept {
    return has_value() ? **this : fallback;
  }
  constexpr void reset() noexcept { ms_ = none; }
  constexpr operator std::optional<time_point>() const noexcept {
    return has_value() ? std::optional<time_point>(**this) : std::nullopt;
  }

  friend constexpr bool operator==(optional_time, optional_time) noexcept = default;
  friend constexpr bool operator==(optional_time a, time_point b) noexcept {
    return a.has_value() && *a == b;
  }

 private:
  static constexpr std::int64_t none = std::numeric_limits<std::int64_t>::min();
  std::int64_t ms_ = none;
};

}  // namespace frontdesk::fsm
