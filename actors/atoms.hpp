#pragma once
// CAF 0.17 atoms and the message types the actors exchange (local only).

#include <caf/all.hpp>
#include <memory>
#include <optional>
#include <variant>

#include "actors/command.hpp"
#include "actors/draft_protocol.hpp"
#include "actors/event_bus.hpp"
#include "domain/triage.hpp"
#include "persistence/change_set.hpp"
#include "persistence/store_error.hpp"

namespace frontdesk::actors {

using route_atom = caf::atom_constant<caf::atom("route")>;
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using commit_atom = caf::atom_constant<caf::atom("commit")>;
using commit_done_atom = caf::atom_constant<caf::atom("commitdone")>;
using loaded_atom = caf::atom_constant<caf::atom("loaded")>;
using draft_atom = caf::atom_constant<caf::atom("draft")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using arm_atom = caf::atom_constant<caf::atom("arm")>;
using disarm_atom = caf::atom_constant<caf::atom("disarm")>;
using wake_atom = caf::atom_constant<caf::atom("wake")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using kick_atom = caf::atom_constant<caf::atom("kick")>;
using publish_atom = caf::atom_constant<caf::atom("publish")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using recover_atom = caf::atom_constant<caf::atom("recover")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using unsub_atom = caf::atom_constant<caf::atom("unsub")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using deliver_atom = caf::atom_constant<caf::atom("deliver")>;

/// The outcome of a commit, as a message.
struct commit_outcome {
  bool ok = false;
  persistence::apply_result result;
  persistence::store_error error;
};

using change_set_ptr = std::shared_ptr<persistence::change_set>;
using command_ptr = std::shared_ptr<conversation_command>;
/// Outbox entries, as committed (announced to the outbox) or loaded.
using outbox_rows_ptr = std::shared_ptr<std::vector<persistence::outbox_row>>;

/// What the registry tells a conversation besides commands.
enum class conversation_signal : std::uint8_t {
  idle,               ///< nothing routed here for a whole period: passivate if idle
  drain,              ///< finish what is queued, then stop
  passivate_granted,  ///< nothing is on its way: stop
  passivate_denied,   ///< commands are on their way: stay
  resume,             ///< a commit of its own failed earlier: start the stored state's work again
};

/// A customer's history, answered by a read thread for triage (`token` names the request).
struct history_answer {
  std::uint32_t token = 0;
  std::optional<domain::customer_history> history;
};

/// Everything a conversation actor is sent, as one message type. CAF 0.17 allocates each
/// handler of a behavior for every actor: one handler instead of five is about 180 bytes less
/// per live conversation.
struct conversation_mail {
  std::variant<command_ptr, history_answer, conversation_signal> body;
};

/// Counters the registry reports for /metrics and /health/ready.
struct registry_stats {
  std::uint64_t live = 0;
  std::uint64_t passivated = 0;
  std::uint64_t activations = 0;
  std::uint64_t routed = 0;
};

}  // namespace frontdesk::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::commit_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::change_set_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::command_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::registry_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::draft_request_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::draft_reply_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::event_sink_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::persistence::notification_row)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::conversation_mail)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::outbox_rows_ptr)
