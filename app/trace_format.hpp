#pragma once
// Renders a conversation's recorded transitions as text, JSON or Chrome trace-event JSON.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/records.hpp"

namespace frontdesk::app {

enum class trace_format { text, json, chrome };

/// "text", "json", "chrome"; nullopt otherwise.
std::optional<trace_format> parse_trace_format(std::string_view name) noexcept;

/// "2026-05-06T10:15:32.125Z": RFC 3339 UTC with milliseconds.
std::string format_timestamp(persistence::timestamp t);

/// 850 ms -> "850ms", "12.3s", "4m03s", "2h05m", "3d04h"; negative spans read "-".
std::string format_span(std::chrono::milliseconds d);

/// One line per transition (time, seq, from → to, event, time spent in the state left, cause,
/// actor, detail), then the total time spent in each state and the current state. Rows are
/// taken in (conversation, seq) order.
std::string format_trace_text(const std::vector<persistence::trace_row>& rows);

/// [{"at","from","to","event","cause","actor","detail"}, ...] in the given order; `at` is
/// RFC 3339 UTC.
std::string format_trace_json(const std::vector<persistence::trace_row>& rows);

/// Chrome trace-event JSON (opens in Perfetto and chrome://tracing): one track per
/// conversation (pid = tid = conversation id), one complete slice ("ph":"X") per stay in a
/// state that lasted (a self-transition does not split it; a state left the moment it was
/// entered has only its instant event) and one instant event ("ph":"i") per transition. The
/// current state's slice lasts until `until` when that is later than its start, else it has
/// zero duration. Timestamps are microseconds since the Unix epoch.
std::string format_trace_chrome(const std::vector<persistence::trace_row>& rows,
                                std::optional<persistence::timestamp> until = std::nullopt);

/// Where the current state's stay ends in a trace read at `now`: now, unless the last
/// transition closed the conversation (then it ends where it closed: nullopt).
std::optional<persistence::timestamp> current_state_until(
    const std::vector<persistence::trace_row>& rows, persistence::timestamp now);

/// Dispatches to one of the above (chrome with `until`).
std::string format_trace(const std::vector<persistence::trace_row>& rows, trace_format format,
                         std::optional<persistence::timestamp> until = std::nullopt);

}  // namespace frontdesk::app
