#pragma once
// One record per transition: what happened, why, and who caused it.

#include <cstdint>
#include <string>

#include "fsm/state.hpp"
#include "fsm/timer.hpp"

namespace frontdesk::fsm {

struct trace_record {
  std::int64_t conversation_id = 0;
  std::uint64_t seq = 0;  ///< 1, 2, 3 ... per conversation
  time_point at;
  state from = state::fresh;
  state to = state::fresh;
  std::string event;   ///< event kind name
  std::string cause;   ///< e.g. "webhook:message_created:123", "operator:alice"
  std::string actor;   ///< who caused it: customer, operator id, system, timer
  std::string detail;  ///< short human text
  bool operator==(const trace_record&) const = default;
};

}  // namespace frontdesk::fsm
