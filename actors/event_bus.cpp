#include "actors/event_bus.hpp"

#include <vector>

#include "actors/atoms.hpp"

namespace frontdesk::actors {
namespace {

struct bus_state {
  static constexpr const char* name = "event_bus";
  std::vector<event_sink_ptr> sinks;
  std::uint64_t published = 0;
};

caf::behavior bus_behavior(caf::stateful_actor<bus_state>* self, std::size_t max_sinks) {
  return {
      [self](publish_atom, const persistence::notification_row& n) {
        auto& sinks = self->state.sinks;
        ++self->state.published;
        std::erase_if(sinks, [&](const event_sink_ptr& s) { return !(*s)(n); });
      },
      [self, max_sinks](subscribe_atom, event_sink_ptr sink) {
        if (self->state.sinks.size() < max_sinks) self->state.sinks.push_back(std::move(sink));
      },
      [self](stats_atom) { return self->state.published; },
  };
}

}  // namespace

// Function actors always get an argument: CAF 0.17 dereferences a null argument tuple
// for functions spawned without one.
caf::actor spawn_event_bus(caf::actor_system& sys) {
  return sys.spawn(bus_behavior, std::size_t{10000});
}

}  // namespace frontdesk::actors
