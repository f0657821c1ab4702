#pragma once
// The running system behind one facade with no CAF in sight: opens and migrates the store,
// starts the actors, recovers every open conversation and its timers, accepts commands
// from any thread, and shuts down cleanly (draining conversation mailboxes first).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/command.hpp"
#include "actors/event_bus.hpp"
#include "actors/gateway_stats.hpp"
#include "actors/outbox_actor.hpp"
#include "config/settings.hpp"
#include "domain/expected.hpp"

namespace caf {
class actor;
class actor_system;
}  // namespace caf

namespace frontdesk::persistence {
class read_pool;
class commit_queue;
class store;
}  // namespace frontdesk::persistence

namespace frontdesk::actors {

struct registry_stats;

struct runtime_hooks {
  /// Spawns the actor that answers (draft_atom, draft_request_ptr); default: the built-in
  /// pipeline chosen by the settings.
  std::function<caf::actor(caf::actor_system&)> drafter;
  /// How outbox entries leave; default: local inbox mode, or Chatwoot when configured.
  delivery_fn delivery;
};

struct runtime_counts {
  std::uint64_t live = 0;
  std::uint64_t passivations = 0;
  std::uint64_t activations = 0;
  std::uint64_t routed = 0;
  std::uint64_t timers = 0;
  std::vector<gateway_stats> gateways;  ///< one per supervised external dependency
};

class runtime {
 public:
  static expected<std::unique_ptr<runtime>, std::string> start(const config::settings& s,
                                                               runtime_hooks hooks = {});
  ~runtime();
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  /// Routes a command to its conversation. Thread-safe; the command's reply channel (if
  /// any) answers once the transition is durable, or `unavailable`.
  void submit(conversation_command cmd);
  /// Live events; the sink runs on an actor thread and returns false to unsubscribe.
  void subscribe(event_sink sink);
  /// Counters, delivered on an actor thread.
  void counts(std::function<void(runtime_counts)> done);
  /// Blocking variant for tools and tests (never call it on an actor or I/O thread).
  runtime_counts counts_blocking();

  bool store_healthy() const;
  std::shared_ptr<persistence::read_pool> reads() const;
  persistence::commit_queue& commits();
  std::shared_ptr<persistence::store> store() const;
  caf::actor_system& system();

  /// Drains conversations, stops the actors, commits what is waiting. Idempotent.
  void stop();

 private:
  runtime();
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace frontdesk::actors
