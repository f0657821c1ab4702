#pragma once
// The state machine's own data for one conversation: small, copyable, serialisable.

#include <cstdint>
#include <optional>
#include <string>

#include "domain/boxed.hpp"
#include "domain/priority.hpp"
#include "fsm/state.hpp"
#include "fsm/timer.hpp"

namespace frontdesk::fsm {

/// The last operator decision, kept to recognise an identical repeat (idempotency).
struct decision {
  std::uint64_t draft_version = 0;
  std::string action;  ///< approve, edit, escalate, reject
  std::string fingerprint;
  bool operator==(const decision&) const = default;
};

struct conversation {
  std::int64_t id = 0;
  state current = state::fresh;
  std::optional<domain::priority> priority;
  bool sla_breached = false;
  bool priority_raised = false;
  std::string escalation_reason;  ///< empty unless escalated

  /// Version of the latest draft that reached the queue. Operators act on a version.
  std::uint64_t draft_version = 0;
  /// The draft request in flight (0: none), and the counter that mints them.
  std::uint64_t draft_request = 0;
  std::uint64_t requests_minted = 0;

  std::int64_t last_customer_message = 0;  ///< 0: none yet
  domain::boxed<decision> last_decision;
  std::string last_grade_fingerprint;

  optional_time first_response_clock;  ///< running since, when set
  optional_time resolution_clock;      ///< running since, when set

  timer_slots timers{};
  std::uint64_t trace_seq = 0;  ///< number of trace records written so far

  bool operator==(const conversation&) const = default;

  const timer_slot& timer(timer_name t) const { return timers[static_cast<std::size_t>(t)]; }
  timer_slot& timer(timer_name t) { return timers[static_cast<std::size_t>(t)]; }
};

}  // namespace frontdesk::fsm
