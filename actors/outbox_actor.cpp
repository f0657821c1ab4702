#include "actors/outbox_actor.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <unordered_map>
#include <unordered_set>

#include "actors/atoms.hpp"
#include "config/log.hpp"
#include "persistence/read_pool.hpp"

namespace frontdesk::actors {
namespace {

using rows_ptr = outbox_rows_ptr;

struct delivered_msg {
  persistence::outbox_row row;
  delivery_result result;
};

}  // namespace
}  // namespace frontdesk::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::delivered_msg)

namespace frontdesk::actors {
namespace {

using load_atom = caf::atom_constant<caf::atom("load")>;
using done_atom = caf::atom_constant<caf::atom("done")>;
using backlog_atom = caf::atom_constant<caf::atom("backlog")>;

/// An entry committed while this actor runs is delivered from its announcement (deliver_atom),
/// and left alone by loads until it is this old: its announcement may still be on its way, and
/// a load delivering it too could send it twice. Past this, a load delivers it after looking
/// for it at the recipient (an announcement lost with a failed conversation actor).
constexpr std::chrono::seconds announcement_grace{60};

/// The backlog (entries the gateway had no room for) is sent by loads. A finished delivery, or
/// an entry queued behind the backlog, asks for one at most this often: while Chatwoot lags
/// behind, asking on every finished delivery re-read the pending window hundreds of times a
/// second. The gateway's own queue keeps it busy in between.
constexpr std::chrono::milliseconds backlog_load_interval{100};

struct outbox_state {
  static constexpr const char* name = "outbox";
  std::shared_ptr<persistence::read_pool> reads;
  delivery_fn deliver;
  int max_attempts = 8;
  caf::actor bus;  ///< where a delivery given up on is announced (none: only stored)
  bool loading = false;
  bool again = false;  ///< a kick arrived while loading
  std::unordered_set<std::string> in_flight;
  /// Entries committed before this moment were not announced to this actor: loads deliver
  /// them, looking first (a crash may have cut their send short).
  persistence::timestamp started_at{};
  /// Announced entries not sent yet, left to loads: the gateway had no room for them, or they
  /// came while others waited (they queue behind them, in the store's order). Their
  /// announcement is spent, so a load may send them young.
  std::unordered_set<std::string> backlog;
  /// Public replies among the backlog. The store sends replies before anything else, so a new
  /// reply waits only behind replies, not behind a backlog of notes and handoffs.
  std::unordered_set<std::string> backlog_replies;
  bool backlog_load_due = false;  ///< a backlog load is scheduled
  std::chrono::steady_clock::time_point last_backlog_load{};
  /// Loads are numbered as they start (one at a time, so they end in order). A row settled
  /// (marked) while load N was reading may still be pending in N's result: `settled` keeps,
  /// per row, the number of the last load started before its mark finished, and a load's
  /// result skips rows settled at or after its start.
  std::uint64_t loads_started = 0;
  std::unordered_map<std::string, std::uint64_t> settled;
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;
  std::uint64_t deferred = 0;
};

using self_ptr = caf::stateful_actor<outbox_state>*;

persistence::timestamp now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

/// What operators are told when an entry is given up on: a reply a customer will not get
/// unless someone sends it by hand.
persistence::notification_row given_up_notification(const persistence::outbox_row& row,
                                                    int attempts, const std::string& error) {
  std::string what = row.kind == "public_reply" ? "The approved reply" : "The " + row.kind;
  std::replace(what.begin(), what.end(), '_', ' ');
  std::string message = what + " for conversation #" + std::to_string(row.conversation_id) +
                        " was not delivered after " + std::to_string(attempts) + " attempt" +
                        (attempts == 1 ? "" : "s") + (error.empty() ? "" : " (" + error + ")") +
                        (row.kind == "public_reply" ? ". Send it by hand." : ".");
  persistence::notification_row n;
  n.kind = "notification";
  n.conversation_id = row.conversation_id;
  n.payload = boost::json::serialize(boost::json::object{{"kind", "delivery_failed"},
                                                         {"message", std::move(message)},
                                                         {"outbox_id", row.id},
                                                         {"delivery", row.kind},
                                                         {"draft_version", row.draft_version},
                                                         {"attempts", attempts},
                                                         {"error", error}});
  n.created_at = now_ms();
  return n;
}

bool is_reply(const persistence::outbox_row& row) {
  return row.kind == "public_reply";
}

void add_to_backlog(outbox_state& st, const persistence::outbox_row& row) {
  st.backlog.insert(row.id);
  if (is_reply(row)) st.backlog_replies.insert(row.id);
}

void take_from_backlog(outbox_state& st, const std::string& id) {
  st.backlog.erase(id);
  st.backlog_replies.erase(id);
}

/// Whether `row` is delivered from its announcement rather than by loads.
bool announced(const outbox_state& st, const persistence::outbox_row& row,
               persistence::timestamp now) {
  return row.attempts == 0 && row.created_at > st.started_at &&
         now - row.created_at < announcement_grace;
}

void start_delivery(self_ptr self, persistence::outbox_row row) {
  auto& st = self->state;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  persistence::outbox_row copy = row;
  st.deliver(row, [me, copy = std::move(copy)](delivery_result r) mutable {
    caf::anon_send(me, done_atom::value, delivered_msg{std::move(copy), std::move(r)});
  });
}

void load(self_ptr self) {
  auto& st = self->state;
  if (st.loading) {
    st.again = true;
    return;
  }
  st.loading = true;
  const std::uint64_t generation = ++st.loads_started;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  const bool posted = st.reads->post([me, generation](persistence::store& db) {
    auto rows = std::make_shared<std::vector<persistence::outbox_row>>();
    if (auto r = db.pending_outbox(500)) *rows = std::move(*r);
    caf::anon_send(me, load_atom::value, generation, std::move(rows));
  });
  if (!posted) st.loading = false;
}

/// A load for the backlog: now, or when backlog_load_interval has passed since the last one.
void load_backlog(self_ptr self) {
  auto& st = self->state;
  if (st.backlog_load_due) return;
  const auto now = std::chrono::steady_clock::now();
  const auto next = st.last_backlog_load + backlog_load_interval;
  if (now >= next) {
    st.last_backlog_load = now;
    load(self);
    return;
  }
  st.backlog_load_due = true;
  self->delayed_send(self, next - now, backlog_atom::value);
}

caf::behavior outbox_behavior(self_ptr self, std::shared_ptr<persistence::read_pool> reads,
                              delivery_fn deliver, int max_attempts, caf::actor bus) {
  self->state.reads = std::move(reads);
  self->state.deliver = std::move(deliver);
  self->state.max_attempts = max_attempts;
  self->state.bus = std::move(bus);
  self->state.started_at = now_ms();
  self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
  return {
      [self](kick_atom) { load(self); },
      [self](deliver_atom, rows_ptr& rows) {
        auto& st = self->state;
        const persistence::timestamp now = now_ms();
        bool queued = false;
        for (persistence::outbox_row& row : *rows) {
          // Past the grace period a load may have delivered it already: loads own it.
          if (!announced(st, row, now) || st.settled.contains(row.id)) continue;
          if (st.in_flight.contains(row.id)) continue;
          // Others wait: this one goes behind them, in the store's order.
          if (is_reply(row) ? !st.backlog_replies.empty() : !st.backlog.empty()) {
            queued = !st.backlog.contains(row.id) || queued;
            add_to_backlog(st, row);
            continue;
          }
          st.in_flight.insert(row.id);
          start_delivery(self, std::move(row));
        }
        if (queued) load_backlog(self);
      },
      [self](backlog_atom) {
        auto& st = self->state;
        st.backlog_load_due = false;
        st.last_backlog_load = std::chrono::steady_clock::now();
        load(self);
      },
      [self](tick_atom) {
        load(self);
        self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
      },
      [self](load_atom, std::uint64_t generation, rows_ptr& rows) {
        auto& st = self->state;
        st.loading = false;
        const persistence::timestamp now = now_ms();
        for (persistence::outbox_row& row : *rows) {
          // Marked while this load was reading: the row is stale, not pending.
          if (auto it = st.settled.find(row.id);
              it != st.settled.end() && it->second >= generation) {
            continue;
          }
          const bool spent = st.backlog.contains(row.id);   // announced, not sent
          if (!spent && announced(st, row, now)) continue;  // its announcement delivers it
          if (!st.in_flight.insert(row.id).second) continue;
          take_from_backlog(st, row.id);
          // Never tried, yet not announced: committed before a restart (whose crash may have cut
          // a send short), or announced so long ago that the announcement may have lost.
          if (row.attempts == 0 && !spent) row.maybe_sent = true;
          start_delivery(self, std::move(row));
        }
        // Loads end in order: later results reflect every mark settled before this one started.
        std::erase_if(st.settled, [generation](const auto& kv) { return kv.second < generation; });
        if (st.again) {
          st.again = false;
          load(self);
        }
      },
      [self](done_atom, delivered_msg& m) {
        auto& st = self->state;
        if (m.result.deferred) {  // not an attempt: nothing to mark
          ++st.deferred;
          if (announced(st, m.row, now_ms())) add_to_backlog(st, m.row);
          st.in_flight.erase(m.row.id);  // a later load retries
          st.settled[m.row.id] = st.loads_started;
          return;
        }
        if (!st.backlog.empty()) load_backlog(self);  // a delivery finished: the gateway has room
        const int attempts = m.row.attempts + 1;
        std::string status = "pending";
        if (m.result.delivered) {
          status = "delivered";
          ++st.delivered;
        } else if (m.result.give_up || attempts >= st.max_attempts) {
          status = "failed";
          ++st.failed;
          log::error("outbox_delivery_failed",
                     {{"id", m.row.id}, {"attempts", attempts}, {"error", m.result.error}});
        }
        std::optional<std::string> ext;
        if (!m.result.external_id.empty()) ext = m.result.external_id;
        const std::string id = m.row.id;
        caf::actor me = caf::actor_cast<caf::actor>(self);
        std::optional<persistence::notification_row> tell;
        if (status == "failed") tell = given_up_notification(m.row, attempts, m.result.error);
        // Marking is a small write on a store thread; the entry leaves in_flight after it.
        st.reads->post([me, id, status, ext, attempts, tell = std::move(tell),
                        bus = st.bus](persistence::store& db) mutable {
          if (tell) {
            // Given up on: the mark and the operators' alert are one transaction.
            if (auto n = db.give_up_outbox(id, attempts, *tell); !n) {
              log::warn("outbox_mark_failed", {{"id", id}, {"error", n.error().message}});
            } else if (bus) {
              tell->id = *n;
              caf::anon_send(bus, publish_atom::value, std::move(*tell));
            }
          } else if (auto r = db.mark_outbox(id, status, ext, attempts); !r) {
            log::warn("outbox_mark_failed", {{"id", id}, {"error", r.error().message}});
          }
          caf::anon_send(me, done_atom::value, id);
        });
      },
      [self](done_atom, const std::string& id) {
        auto& st = self->state;
        st.in_flight.erase(id);
        st.settled[id] = st.loads_started;
      },
      [self](stats_atom) { return caf::make_message(self->state.delivered, self->state.failed); },
  };
}

}  // namespace

delivery_fn local_inbox_delivery() {
  return [](const persistence::outbox_row& row, std::function<void(delivery_result)> done) {
    done(delivery_result{true, false, "local:" + row.id, {}});
  };
}

caf::actor spawn_outbox(caf::actor_system& sys, std::shared_ptr<persistence::read_pool> reads,
                        delivery_fn deliver, int max_attempts, caf::actor bus) {
  return sys.spawn(outbox_behavior, std::move(reads), std::move(deliver), max_attempts,
                   std::move(bus));
}

caf::actor spawn_outbox(caf::actor_system& sys, std::shared_ptr<persistence::read_pool> reads,
                        delivery_fn deliver, int max_attempts) {
  return spawn_outbox(sys, std::move(reads), std::move(deliver), max_attempts, caf::actor{});
}

}  // namespace frontdesk::actors
