#pragma once
// Durable timers of every conversation in one place: an ordered set of deadlines and a
// single wake-up, so a passivated conversation holds no memory while it waits (its timer
// re-activates it through the registry). Timers are stored by the conversations' commits;
// this service is their in-memory schedule, and it holds only the timers due within a
// horizon: the later ones stay in the store and are loaded as they come close, so memory
// does not grow with the number of conversations that have passed through.
//   (arm_atom, conv, name, epoch, due_ms)   replaces the (conv, name) timer
//   (disarm_atom, conv, name)               removes it
//   (route_atom, registry)                  where fired timers go; then loads from the store
//                                           the timers due within the horizon (a restart's)
//   (stats_atom) -> uint64                  timers held in memory

#include <caf/fwd.hpp>
#include <chrono>
#include <memory>

namespace frontdesk::persistence {
class read_pool;
}

namespace frontdesk::actors {

struct timer_service_options {
  /// Timers due later than this from now are left in the store.
  std::chrono::milliseconds horizon{std::chrono::minutes(10)};
  /// How often the store is asked for the timers that came within the horizon. Must be
  /// shorter than the horizon: a timer armed far out is then loaded before it is due.
  std::chrono::milliseconds reload_every{std::chrono::minutes(2)};
};

/// `reads` runs the store queries of the reload; without it (tests of the schedule alone)
/// every armed timer is kept in memory.
caf::actor spawn_timer_service(caf::actor_system& sys,
                               std::shared_ptr<persistence::read_pool> reads = nullptr,
                               timer_service_options options = {});

}  // namespace frontdesk::actors
