#pragma once
// The store as an actor: commit requests answered only after their group commit.
//   request(store, infinite, commit_atom, change_set_ptr) -> commit_outcome

#include <caf/fwd.hpp>
#include <memory>

namespace frontdesk::persistence {
class commit_queue;
}

namespace frontdesk::actors {

caf::actor spawn_store_actor(caf::actor_system& sys,
                             std::shared_ptr<persistence::commit_queue> queue);

}  // namespace frontdesk::actors
