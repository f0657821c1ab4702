#include "actors/store_actor.hpp"

#include <unordered_map>

#include "actors/atoms.hpp"
#include "persistence/commit_queue.hpp"

namespace frontdesk::actors {
namespace {

struct store_state {
  static constexpr const char* name = "store";
  std::shared_ptr<persistence::commit_queue> queue;
  std::unordered_map<std::uint64_t, caf::response_promise> waiting;
  std::uint64_t next_id = 0;
};

caf::behavior store_behavior(caf::stateful_actor<store_state>* self,
                             std::shared_ptr<persistence::commit_queue> queue) {
  self->state.queue = std::move(queue);
  return {
      [=](commit_atom, change_set_ptr set) -> caf::result<commit_outcome> {
        const std::uint64_t id = ++self->state.next_id;
        auto rp = self->make_response_promise<commit_outcome>();
        self->state.waiting.emplace(id, rp);
        caf::actor me = caf::actor_cast<caf::actor>(self);
        // The callback runs on the writer thread (or here, when refused): only a message
        // crosses back; the promise is delivered in this actor's own handler.
        self->state.queue->submit(std::move(*set),
                                  [me, id](persistence::result<persistence::apply_result> r) {
                                    commit_outcome o;
                                    if (r) {
                                      o.ok = true;
                                      o.result = std::move(*r);
                                    } else {
                                      o.error = r.error();
                                    }
                                    caf::anon_send(me, commit_done_atom::value, id, std::move(o));
                                  });
        return rp;
      },
      [=](commit_done_atom, std::uint64_t id, commit_outcome& o) {
        auto it = self->state.waiting.find(id);
        if (it == self->state.waiting.end()) return;
        it->second.deliver(std::move(o));
        self->state.waiting.erase(it);
      },
  };
}

}  // namespace

caf::actor spawn_store_actor(caf::actor_system& sys,
                             std::shared_ptr<persistence::commit_queue> queue) {
  return sys.spawn(store_behavior, std::move(queue));
}

}  // namespace frontdesk::actors
