// Recovers customer messages whose webhook never arrived: polls Chatwoot's open conversations
// and feeds unseen customer messages into the normal path, deduplicated like the webhook.
//   (tick_atom)   run a pass now (one at a time; a tick during a pass queues one more)
//   (stats_atom)  -> reconciler_stats
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/chatwoot_gateway.hpp"
#include "actors/command.hpp"

namespace frontdesk::persistence {
class read_pool;
}

namespace frontdesk::actors {

struct reconciler_options {
  std::chrono::milliseconds interval{std::chrono::seconds(300)};  ///< 0: only on tick
  int max_conversation_pages = 40;                                ///< 25 conversations per page
  int max_message_pages = 5;     ///< 20 messages per page, newest first
  std::size_t max_parallel = 4;  ///< conversations read at once
};

struct reconciler_stats {
  std::uint64_t passes = 0;
  std::uint64_t conversations_scanned = 0;
  std::uint64_t messages_submitted = 0;
  std::uint64_t messages_recovered = 0;  ///< applied: the webhook had not delivered them
  std::uint64_t duplicates = 0;          ///< already known (the store's dedupe said so)
  std::uint64_t refused = 0;
  std::uint64_t unavailable = 0;  ///< not stored; retried on the next pass
  std::uint64_t errors = 0;       ///< Chatwoot reads that failed
  bool running = false;
};

/// The command a customer message becomes, exactly as the webhook path builds it
/// (dedupe key "message_created:<id>"). `reply` is left empty.
conversation_command reconciled_message_command(const io::cw_conversation& conversation,
                                                const io::cw_message& message);

/// Which messages of one conversation to feed in. `messages` ascending by id.
/// - `high_water` set (seen before): incoming, public messages with a greater id.
/// - first sight with `known_ids` (message ids the store holds for the conversation, may be
///   empty): incoming, public messages not in `known_ids` and newer than the oldest of them;
///   with no known id at all, the unanswered tail (incoming after the last outgoing reply), so
///   history from before frontdesk is not replayed.
std::vector<io::cw_message> messages_to_submit(const std::vector<io::cw_message>& messages,
                                               std::optional<std::int64_t> high_water,
                                               const std::vector<std::int64_t>& known_ids);

/// `submit` routes a command (runtime::submit); its reply tells the outcome. `reads` may be
/// null (then first sight uses the unanswered tail only).
caf::actor spawn_reconciler(caf::actor_system& sys, chatwoot_reader reader,
                            std::function<void(conversation_command)> submit,
                            std::shared_ptr<persistence::read_pool> reads,
                            reconciler_options options = {});

}  // namespace frontdesk::actors
