#pragma once
// Durable timers of every conversation in one place: an ordered set of deadlines and a
// single wake-up, so a passivated conversation holds no memory while it waits (its timer
// re-activates it through the registry). Timers are stored by the conversations' commits;
// this service is their in-memory schedule.
//   (arm_atom, conv, name, epoch, due_ms)   replaces the (conv, name) timer
//   (disarm_atom, conv, name)               removes it
//   (route_atom, registry)                  where fired timers go
//   (stats_atom) -> uint64                  armed timers

#include <caf/fwd.hpp>

namespace frontdesk::actors {

caf::actor spawn_timer_service(caf::actor_system& sys);

}  // namespace frontdesk::actors
