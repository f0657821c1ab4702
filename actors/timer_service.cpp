#include "actors/timer_service.hpp"

#include <map>
#include <tuple>
#include <unordered_map>

#include "actors/atoms.hpp"
#include "fsm/timer.hpp"

namespace frontdesk::actors {
namespace {

using key = std::pair<std::int64_t, std::uint8_t>;  // conversation, timer name

struct key_hash {
  std::size_t operator()(const key& k) const noexcept {
    return std::hash<std::int64_t>()(k.first) * 8 + k.second;
  }
};

struct timer_state {
  static constexpr const char* name = "timers";
  std::map<std::tuple<std::int64_t, std::int64_t, std::uint8_t>, std::uint64_t> by_due;  // -> epoch
  std::unordered_map<key, std::int64_t, key_hash> due_of;
  caf::actor registry;
  std::int64_t next_wake = 0;  ///< due (ms) of the scheduled wake-up, 0: none
};

using self_ptr = caf::stateful_actor<timer_state>*;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void schedule(self_ptr self) {
  auto& st = self->state;
  if (st.by_due.empty()) return;
  const std::int64_t due = std::get<0>(st.by_due.begin()->first);
  if (st.next_wake != 0 && st.next_wake <= due) return;  // an earlier wake-up is coming
  st.next_wake = due;
  const std::int64_t delay = std::max<std::int64_t>(0, due - now_ms());
  self->delayed_send(self, std::chrono::milliseconds(delay), wake_atom::value, due);
}

void fire_due(self_ptr self) {
  auto& st = self->state;
  const std::int64_t now = now_ms();
  while (!st.by_due.empty() && std::get<0>(st.by_due.begin()->first) <= now) {
    const auto [due, conv, name] = st.by_due.begin()->first;
    const std::uint64_t epoch = st.by_due.begin()->second;
    st.by_due.erase(st.by_due.begin());
    st.due_of.erase({conv, name});
    if (!st.registry) continue;
    auto cmd = std::make_shared<conversation_command>();
    cmd->conversation_id = conv;
    cmd->event = fsm::ev::timer_fired{static_cast<fsm::timer_name>(name), epoch};
    cmd->cause = "timer:" + std::string(fsm::to_string(static_cast<fsm::timer_name>(name)));
    cmd->actor = "timer";
    self->send(st.registry, route_atom::value, std::move(cmd));
  }
}

caf::behavior timer_behavior(self_ptr self, caf::actor registry) {
  self->state.registry = std::move(registry);
  return {
      [self](arm_atom, std::int64_t conv, std::uint8_t name, std::uint64_t epoch,
             std::int64_t due) {
        auto& st = self->state;
        if (auto it = st.due_of.find({conv, name}); it != st.due_of.end()) {
          st.by_due.erase({it->second, conv, name});
        }
        st.due_of[{conv, name}] = due;
        st.by_due[{due, conv, name}] = epoch;
        schedule(self);
      },
      [self](disarm_atom, std::int64_t conv, std::uint8_t name) {
        auto& st = self->state;
        if (auto it = st.due_of.find({conv, name}); it != st.due_of.end()) {
          st.by_due.erase({it->second, conv, name});
          st.due_of.erase(it);
        }
      },
      [self](wake_atom, std::int64_t due) {
        auto& st = self->state;
        if (due == st.next_wake) st.next_wake = 0;
        fire_due(self);
        schedule(self);
      },
      [self](route_atom, caf::actor target) { self->state.registry = std::move(target); },
      [self](stats_atom) { return static_cast<std::uint64_t>(self->state.by_due.size()); },
  };
}

}  // namespace

caf::actor spawn_timer_service(caf::actor_system& sys) {
  return sys.spawn(timer_behavior, caf::actor{});  // the registry arrives by route_atom
}

}  // namespace frontdesk::actors
