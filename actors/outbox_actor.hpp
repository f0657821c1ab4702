#pragma once
// Delivers the outbox: every reply, private note and handoff committed by a conversation
// is sent by this actor and marked delivered, retried with backoff when delivery fails.
// New entries come announced by the conversation that committed them, so nothing is read to
// find them; loads (every second) find retries and entries committed before a restart. A crash
// between sending and marking is resolved by the delivery itself (the Chatwoot gateway looks
// for the reply before sending again: outbox_row::maybe_sent), so nothing is sent twice.
//   (deliver_atom, outbox_rows_ptr)  entries just committed (new ones only)
//   (kick_atom)                      load pending entries now
//   (tick_atom)                      periodic load (self-scheduled)

#include <caf/fwd.hpp>
#include <functional>
#include <memory>
#include <string>

#include "persistence/records.hpp"

namespace frontdesk::persistence {
class read_pool;
}

namespace frontdesk::actors {

struct delivery_result {
  bool delivered = false;
  bool give_up = false;     ///< permanent failure: mark failed, alert
  std::string external_id;  ///< Chatwoot message id, or a local id
  std::string error;
  /// Nothing was sent (the gateway was saturated or its breaker open): try again later
  /// without counting an attempt.
  bool deferred = false;
};

/// Delivers one entry; calls `done` exactly once, from any thread.
using delivery_fn =
    std::function<void(const persistence::outbox_row&, std::function<void(delivery_result)> done)>;

/// Local inbox mode: every entry is recorded as delivered (shown by the API).
delivery_fn local_inbox_delivery();

/// An entry given up on (its attempts spent, or refused for good) is marked failed and
/// operators are told: a stored notification, published on `bus` when there is one.
caf::actor spawn_outbox(caf::actor_system& sys, std::shared_ptr<persistence::read_pool> reads,
                        delivery_fn deliver, int max_attempts, caf::actor bus);
/// Without a bus: notifications are only stored.
caf::actor spawn_outbox(caf::actor_system& sys, std::shared_ptr<persistence::read_pool> reads,
                        delivery_fn deliver, int max_attempts = 8);

}  // namespace frontdesk::actors
