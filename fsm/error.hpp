#pragma once
// Why an event was refused. Refusals change nothing and write no trace.

#include <cstdint>
#include <string>
#include <string_view>

namespace frontdesk::fsm {

enum class error_code : std::uint8_t {
  illegal_event,        ///< the event has no row for the current state
  stale_draft_version,  ///< an operator acted on a draft that is no longer current
  already_decided,      ///< the current draft was decided differently already
  stale_draft_result,   ///< an answer for a draft request that was cancelled
  stale_timer,          ///< a timer message from an older arming
};

std::string_view to_string(error_code c) noexcept;

struct error {
  error_code code = error_code::illegal_event;
  std::string message;
};

}  // namespace frontdesk::fsm
