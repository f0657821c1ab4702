#include "actors/registry_actor.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <vector>

#include "actors/atoms.hpp"
#include "actors/conversation_actor.hpp"
#include "config/log.hpp"
#include "fsm/state.hpp"
#include "persistence/read_pool.hpp"

namespace frontdesk::actors {
namespace {

struct load_result {
  bool ok = false;
  std::optional<persistence::conversation_row> row;
  std::string error;
};

using rows_ptr = std::shared_ptr<std::vector<persistence::conversation_row>>;

}  // namespace
}  // namespace frontdesk::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::load_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::rows_ptr)

namespace frontdesk::actors {
namespace {

struct live_entry {
  caf::actor handle;
  std::uint32_t forwarded = 0;  ///< commands sent to it (the passivation handshake compares)
  std::uint32_t routed_at = 0;  ///< the sweep during which the last command went to it
};

/// Sweeps per passivation period: an entry with nothing routed for this many sweeps is asked
/// whether it is idle, so a conversation leaves memory between 1 and 1 1/4 periods after its
/// last command.
constexpr std::uint32_t sweeps_per_period = 4;

struct registry_state {
  static constexpr const char* name = "registry";
  std::shared_ptr<const conversation_services> svc;
  std::unordered_map<std::int64_t, live_entry> live;
  std::unordered_map<caf::actor_addr, std::int64_t> id_of;  ///< for down messages, O(1)
  std::unordered_map<std::int64_t, std::vector<command_ptr>> activating;
  registry_stats stats;
  std::uint32_t sweep = 0;  ///< sweeps done so far
  bool draining = false;
  std::uint64_t drain_left = 0;
  caf::response_promise drain_done;
  caf::response_promise recovered;
};

using self_ptr = caf::stateful_actor<registry_state>*;

void forward(self_ptr self, live_entry& e, command_ptr cmd) {
  ++e.forwarded;
  e.routed_at = self->state.sweep;
  ++self->state.stats.routed;
  self->send(e.handle, conversation_mail{std::move(cmd)});
}

live_entry& activate(self_ptr self, std::int64_t id,
                     std::optional<persistence::conversation_row> row) {
  auto& st = self->state;
  caf::actor a = spawn_conversation(self->system(), id, std::move(row), st.svc);
  self->monitor(a);
  st.id_of[a.address()] = id;
  ++st.stats.activations;
  return st.live[id] = live_entry{std::move(a), 0, st.sweep};
}

std::chrono::milliseconds sweep_period(const conversation_services& svc) {
  return std::max(std::chrono::milliseconds(50), svc.passivate_after / sweeps_per_period);
}

/// One timer for all conversations: each sweep asks the ones nothing was routed to for a
/// whole period; they answer by asking to passivate, or not at all when still busy.
void sweep_idle(self_ptr self) {
  auto& st = self->state;
  if (st.draining) return;
  ++st.sweep;
  for (auto& [id, e] : st.live) {
    if (st.sweep - e.routed_at >= sweeps_per_period) {
      self->send(e.handle, conversation_mail{conversation_signal::idle});
    }
  }
  self->delayed_send(self, sweep_period(*st.svc), idle_atom::value);
}

void start_load(self_ptr self, std::int64_t id) {
  caf::actor me = caf::actor_cast<caf::actor>(self);
  const bool posted = self->state.svc->reads->post([me, id](persistence::store& db) {
    load_result r;
    if (auto row = db.get_conversation(id)) {
      r.ok = true;
      r.row = std::move(*row);
    } else {
      r.error = row.error().message;
    }
    caf::anon_send(me, loaded_atom::value, id, std::move(r));
  });
  if (!posted) {
    load_result r;
    r.error = "store reads are saturated";
    self->send(self, loaded_atom::value, id, std::move(r));
  }
}

caf::behavior registry_behavior(self_ptr self, std::shared_ptr<const conversation_services> svc) {
  self->state.svc = std::move(svc);
  self->delayed_send(self, sweep_period(*self->state.svc), idle_atom::value);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (auto found = st.id_of.find(dm.source); found != st.id_of.end()) {
      const std::int64_t id = found->second;
      st.id_of.erase(found);
      auto it = st.live.find(id);
      if (it != st.live.end() && it->second.handle.address() == dm.source) {
        if (dm.reason && dm.reason != caf::exit_reason::user_shutdown) {
          log::error("conversation_crashed", {{"conv", id}, {"reason", caf::to_string(dm.reason)}});
        }
        st.live.erase(it);
      }
    }
    if (st.draining && st.drain_left > 0 && --st.drain_left == 0) st.drain_done.deliver(true);
  });
  return {
      [self](route_atom, command_ptr& cmd) {
        auto& st = self->state;
        if (st.draining) return;  // the command's reply channel answers `unavailable`
        const std::int64_t id = cmd->conversation_id;
        if (auto it = st.live.find(id); it != st.live.end()) {
          forward(self, it->second, std::move(cmd));
          return;
        }
        auto& waiting = st.activating[id];
        waiting.push_back(std::move(cmd));
        if (waiting.size() == 1) start_load(self, id);
      },
      [self](loaded_atom, std::int64_t id, load_result& r) {
        auto& st = self->state;
        auto waiting = std::move(st.activating[id]);
        st.activating.erase(id);
        if (!r.ok) {
          log::warn("activation_failed", {{"conv", id}, {"error", r.error}});
          return;  // dropped commands answer `unavailable` through their reply channels
        }
        if (st.draining) return;
        live_entry& e = activate(self, id, std::move(r.row));
        for (command_ptr& c : waiting) forward(self, e, std::move(c));
      },
      [self](idle_atom) { sweep_idle(self); },
      [self](passivate_atom, std::int64_t id, std::uint32_t routed) {
        auto& st = self->state;
        auto it = st.live.find(id);
        const bool granted =
            !st.draining && it != st.live.end() && it->second.forwarded == routed &&
            caf::actor_cast<caf::actor>(self->current_sender()) == it->second.handle;
        if (granted) {
          self->demonitor(it->second.handle);
          st.id_of.erase(it->second.handle.address());
          st.live.erase(it);
          ++st.stats.passivated;
        }
        self->send(caf::actor_cast<caf::actor>(self->current_sender()),
                   conversation_mail{granted ? conversation_signal::passivate_granted
                                             : conversation_signal::passivate_denied});
      },
      [self](recover_atom) -> caf::result<std::uint64_t> {
        auto rp = self->make_response_promise<std::uint64_t>();
        caf::actor me = caf::actor_cast<caf::actor>(self);
        self->state.svc->reads->post([me](persistence::store& db) {
          auto rows = std::make_shared<std::vector<persistence::conversation_row>>();
          if (auto r = db.open_conversations()) {
            *rows = std::move(*r);
          } else {
            log::error("recovery_failed", {{"error", r.error().message}});
          }
          caf::anon_send(me, recover_atom::value, std::move(rows));
        });
        self->state.recovered = rp;
        return rp;
      },
      [self](recover_atom, rows_ptr& rows) {
        auto& st = self->state;
        std::uint64_t n = 0;
        for (persistence::conversation_row& row : *rows) {
          // Conversations with work in flight come back at once; the rest wake on their
          // next event or timer (the timer service was loaded with every unfired timer).
          const auto state = fsm::parse_state(row.state);
          if (!state || !fsm::work_in_flight(*state)) continue;
          if (st.live.count(row.id)) continue;
          const std::int64_t id = row.id;
          activate(self, id, std::move(row));
          ++n;
        }
        log::info("recovered",
                  {{"open", static_cast<std::uint64_t>(rows->size())}, {"activated", n}});
        st.recovered.deliver(n);
        st.recovered = caf::response_promise{};
      },
      [self](stats_atom) {
        registry_stats s = self->state.stats;
        s.live = self->state.live.size();
        return s;
      },
      [self](drain_atom) -> caf::result<bool> {
        auto& st = self->state;
        st.draining = true;
        st.activating.clear();
        if (st.live.empty()) return true;
        st.drain_done = self->make_response_promise<bool>();
        st.drain_left = st.live.size();
        // Behind everything already in their mailboxes: each conversation finishes its
        // queued commands, then stops.
        for (auto& [id, e] : st.live) {
          self->send(e.handle, conversation_mail{conversation_signal::drain});
        }
        return st.drain_done;
      },
  };
}

}  // namespace

caf::actor spawn_registry(caf::actor_system& sys,
                          std::shared_ptr<const conversation_services> services) {
  return sys.spawn(registry_behavior, std::move(services));
}

}  // namespace frontdesk::actors
