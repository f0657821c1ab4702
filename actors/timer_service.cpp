#include "actors/timer_service.hpp"

#include <map>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "actors/atoms.hpp"
#include "config/log.hpp"
#include "fsm/timer.hpp"
#include "persistence/read_pool.hpp"

namespace frontdesk::actors {
namespace {

/// The unfired timers a reload found in the store, due within the horizon.
struct loaded_timers {
  struct row {
    std::int64_t conv;
    std::uint8_t name;
    std::uint64_t epoch;
    std::int64_t due;
  };
  std::vector<row> rows;
  std::string error;  ///< empty when the query succeeded
};
using loaded_timers_ptr = std::shared_ptr<const loaded_timers>;

}  // namespace
}  // namespace frontdesk::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::loaded_timers_ptr)

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
  std::shared_ptr<persistence::read_pool> reads;
  timer_service_options options;
  bool loading = false;
};

using self_ptr = caf::stateful_actor<timer_state>*;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Past this due time a timer stays in the store until a reload brings it in.
bool beyond_horizon(const timer_state& st, std::int64_t due) {
  return st.reads && due > now_ms() + st.options.horizon.count();
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

void forget(timer_state& st, const key& k) {
  if (auto it = st.due_of.find(k); it != st.due_of.end()) {
    st.by_due.erase({it->second, k.first, k.second});
    st.due_of.erase(it);
  }
}

void keep(timer_state& st, std::int64_t conv, std::uint8_t name, std::uint64_t epoch,
          std::int64_t due) {
  forget(st, {conv, name});
  st.due_of[{conv, name}] = due;
  st.by_due[{due, conv, name}] = epoch;
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

/// Asks the store, on a read thread, for the unfired timers now within the horizon. Every
/// reload reads the whole window (not only what is new since the last one), so a timer whose
/// commit landed just after the previous query is still found.
void reload(self_ptr self) {
  auto& st = self->state;
  if (!st.reads || st.loading) return;
  st.loading = true;
  const persistence::timestamp due_by{std::chrono::milliseconds(now_ms()) + st.options.horizon};
  const bool queued =
      st.reads->post([back = caf::actor_cast<caf::actor>(self), due_by](persistence::store& db) {
        auto out = std::make_shared<loaded_timers>();
        if (auto rows = db.unfired_timers(due_by)) {
          out->rows.reserve(rows->size());
          for (const persistence::timer_row& t : *rows) {
            const auto name = fsm::parse_timer_name(t.name);
            if (!name) continue;
            out->rows.push_back({t.conversation_id, static_cast<std::uint8_t>(*name),
                                 static_cast<std::uint64_t>(t.epoch),
                                 static_cast<std::int64_t>(t.due_at.time_since_epoch().count())});
          }
        } else {
          out->error = rows.error().message;
        }
        caf::anon_send(back, loaded_atom::value, loaded_timers_ptr(std::move(out)));
      });
  if (!queued) st.loading = false;  // the pool is stopping or full: the next tick tries again
}

/// Merges a reload: what memory holds from an arm message is at least as new as the store
/// unless the store's epoch is higher (its arm message is still on its way).
void merge(self_ptr self, const loaded_timers& loaded) {
  auto& st = self->state;
  st.loading = false;
  if (!loaded.error.empty()) {
    log::warn("timer_reload_failed", {{"error", loaded.error}});
    return;
  }
  for (const loaded_timers::row& r : loaded.rows) {
    if (auto it = st.due_of.find({r.conv, r.name}); it != st.due_of.end()) {
      const auto held = st.by_due.find({it->second, r.conv, r.name});
      if (held != st.by_due.end() && held->second >= r.epoch) continue;
    }
    keep(st, r.conv, r.name, r.epoch, r.due);
  }
  schedule(self);
}

caf::behavior timer_behavior(self_ptr self, std::shared_ptr<persistence::read_pool> reads,
                             timer_service_options options) {
  self->state.reads = std::move(reads);
  self->state.options = options;
  if (self->state.reads) self->delayed_send(self, options.reload_every, tick_atom::value);
  return {
      [self](arm_atom, std::int64_t conv, std::uint8_t name, std::uint64_t epoch,
             std::int64_t due) {
        auto& st = self->state;
        if (beyond_horizon(st, due)) {
          forget(st, {conv, name});  // re-armed further out: a reload brings it back in time
          return;
        }
        keep(st, conv, name, epoch, due);
        schedule(self);
      },
      [self](disarm_atom, std::int64_t conv, std::uint8_t name) {
        forget(self->state, {conv, name});
      },
      [self](wake_atom, std::int64_t due) {
        auto& st = self->state;
        if (due == st.next_wake) st.next_wake = 0;
        fire_due(self);
        schedule(self);
      },
      [self](tick_atom) {
        reload(self);
        self->delayed_send(self, self->state.options.reload_every, tick_atom::value);
      },
      [self](loaded_atom, const loaded_timers_ptr& loaded) { merge(self, *loaded); },
      [self](route_atom, caf::actor target) {
        // Fires can go somewhere now: load what the store holds (after a restart, every timer
        // armed before it; past ones fire at once).
        self->state.registry = std::move(target);
        reload(self);
      },
      [self](stats_atom) { return static_cast<std::uint64_t>(self->state.by_due.size()); },
  };
}

}  // namespace

caf::actor spawn_timer_service(caf::actor_system& sys,
                               std::shared_ptr<persistence::read_pool> reads,
                               timer_service_options options) {
  // The registry arrives by route_atom, which also starts the first load.
  return sys.spawn(timer_behavior, std::move(reads), options);
}

}  // namespace frontdesk::actors
