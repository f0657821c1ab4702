#pragma once
// One actor per conversation: owns its state machine, commits every transition before
// acting on it, and talks to the store, the drafting pipeline and the timer service by
// messages only.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <memory>
#include <optional>

#include "domain/triage.hpp"
#include "fsm/machine.hpp"
#include "persistence/records.hpp"

namespace frontdesk::persistence {
class read_pool;
}

namespace frontdesk::actors {

/// Everything a conversation actor talks to; shared by all of them, never mutated.
struct conversation_services {
  caf::actor store;     ///< commit_atom
  caf::actor drafter;   ///< draft_atom / cancel_atom
  caf::actor timers;    ///< arm_atom / disarm_atom
  caf::actor bus;       ///< publish_atom (live events)
  caf::actor outbox;    ///< kick_atom
  caf::actor registry;  ///< passivate_atom
  std::shared_ptr<persistence::read_pool> reads;
  fsm::machine_config machine;
  domain::triage_config triage;
  bool ai_drafts_enabled = true;
  std::chrono::milliseconds passivate_after{std::chrono::minutes(10)};
};

/// Spawns the actor for conversation `id`, restored from `row` when it has one (its
/// timers re-armed and work in flight re-issued).
caf::actor spawn_conversation(caf::actor_system& sys, std::int64_t id,
                              std::optional<persistence::conversation_row> row,
                              std::shared_ptr<const conversation_services> services);

}  // namespace frontdesk::actors
