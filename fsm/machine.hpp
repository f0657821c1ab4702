#pragma once
// The conversation state machine: (conversation, event) -> (next conversation, effects,
// trace) or a typed refusal. Pure: time, configuration and the SLA policy come in as
// arguments, so it runs in microseconds under test and replays recorded history exactly.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "domain/expected.hpp"
#include "fsm/conversation.hpp"
#include "fsm/effect.hpp"
#include "fsm/error.hpp"
#include "fsm/event.hpp"
#include "fsm/trace.hpp"

namespace frontdesk::fsm {

/// Deadlines of one SLA clock pair, computed by the caller's calendar.
struct sla_deadlines {
  time_point first_response_warning;
  time_point first_response_due;
  time_point resolution_warning;
  time_point resolution_due;
};

/// Computes the deadlines for clocks started at the given times at a priority.
using sla_policy = std::function<sla_deadlines(time_point first_response_start,
                                               time_point resolution_start, domain::priority)>;

/// Wall-clock SLA from PRODUCT.md's table (first response 15m/1h/4h/24h, resolution
/// 2h/8h/24h/72h, warning at 75 %). The server injects the business-hours calendar instead.
sla_deadlines wall_clock_sla(time_point first_response_start, time_point resolution_start,
                             domain::priority p);

struct machine_config {
  double confidence_threshold = 0.70;
  std::chrono::milliseconds draft_timeout = std::chrono::minutes(5);
  std::chrono::milliseconds approval_notify_after = std::chrono::minutes(30);
  std::chrono::milliseconds approval_manager_after = std::chrono::minutes(60);
  sla_policy sla = wall_clock_sla;
};

/// Where the event came from, for the trace.
struct context {
  time_point now;
  std::string cause;
  std::string actor;
};

struct outcome {
  conversation next;
  effects todo;
  std::vector<trace_record> trace;  ///< one per state change (two for triage → drafting)
  bool repeat = false;              ///< an identical operator action repeated: nothing to do
};

/// Applies one event. Refusals leave `c` as it was (the caller keeps its copy).
expected<outcome, error> apply(const conversation& c, const event& e, const context& ctx,
                               const machine_config& cfg);

/// The transition table, for documentation, tests and `frontdesk trace`.
struct table_row {
  state from;
  event_kind on;
  state to;
  const char* guard;    ///< "" when unconditional
  const char* effects;  ///< human summary
};
const std::vector<table_row>& transition_table();

/// Is there any row for (state, kind)? Guards may still refuse.
bool has_row(state s, event_kind k) noexcept;

}  // namespace frontdesk::fsm
