#pragma once
// Routes every command to its conversation actor by id: spawns it on demand (restored
// from the store), lets idle ones passivate only when nothing is on its way to them, and
// drains them all on shutdown. One periodic sweep (a quarter of the passivation period)
// asks the conversations nothing was routed to for a whole period whether they are idle.
//   (route_atom, command_ptr)
//   (recover_atom) -> uint64        activates every open conversation with work in flight
//   (stats_atom) -> registry_stats
//   (drain_atom) -> bool            stops routing; answers once every conversation drained

#include <caf/fwd.hpp>
#include <memory>

namespace frontdesk::actors {

struct conversation_services;

/// `services->registry` must be set to the returned handle before the first message.
caf::actor spawn_registry(caf::actor_system& sys,
                          std::shared_ptr<const conversation_services> services);

}  // namespace frontdesk::actors
