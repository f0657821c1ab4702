#pragma once
// Named, durable timers owned by the state machine (gen_statem's generic timeouts).
// Each slot carries an epoch: re-arming or cancelling bumps it, so a late message
// from an older arming is recognised and ignored.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fsm/optional_time.hpp"

namespace frontdesk::fsm {

using clock = std::chrono::system_clock;

enum class timer_name : std::uint8_t {
  draft_deadline,          ///< drafting may last at most this long, then escalate
  approval_notify,         ///< 30 min in the queue: notify operators
  approval_manager,        ///< 60 min in the queue: notify a manager, raise priority
  first_response_warning,  ///< a fraction (75 %) of the first-response SLA used
  first_response_breach,
  resolution_warning,
  resolution_breach,
};
inline constexpr std::size_t timer_count = 7;

std::string_view to_string(timer_name t) noexcept;
std::optional<timer_name> parse_timer_name(std::string_view text) noexcept;

struct timer_slot {
  optional_time due;  ///< armed when set
  std::uint64_t epoch = 0;
  bool operator==(const timer_slot&) const = default;
};

using timer_slots = std::array<timer_slot, timer_count>;

}  // namespace frontdesk::fsm
