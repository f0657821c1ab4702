#pragma once
// Turns one applied transition into the one atomic change set the store commits:
// conversation row, trace, messages, queue item, learning record, audit, notifications,
// outbox entries and durable timers. Pure (no CAF, no I/O).

#include <optional>

#include "actors/command.hpp"
#include "actors/conversation_snapshot.hpp"
#include "fsm/machine.hpp"
#include "persistence/change_set.hpp"

namespace frontdesk::actors {

struct transition {
  const conversation_command& cmd;
  const conversation_snapshot& before;
  /// After the transition: fsm is the outcome's next state; info and draft already
  /// updated by the command (new message, new draft, operator decision).
  const conversation_snapshot& after;
  const fsm::outcome* out;  ///< null for commands without an event (info updates)
  fsm::time_point now;
};

persistence::change_set build_change_set(const transition& t);

/// The queue item row for the conversation's current draft.
persistence::queue_item_row queue_row(const conversation_snapshot& s);

/// "q-<conversation>-<version>": opaque queue item ids.
std::string queue_item_id(std::int64_t conversation_id, std::uint64_t draft_version);

/// The conversation row (the snapshot column included).
persistence::conversation_row conversation_row_of(const conversation_snapshot& s,
                                                  fsm::time_point now);

}  // namespace frontdesk::actors
