#include "actors/conversation_actor.hpp"

#include <boost/json.hpp>

#include "actors/atoms.hpp"
#include "actors/change_builder.hpp"
#include "actors/conversation_snapshot.hpp"
#include "actors/draft_protocol.hpp"
#include "config/log.hpp"
#include "fsm/recovery.hpp"
#include "persistence/read_pool.hpp"

namespace frontdesk::actors {
namespace {

using status = command_reply::status;

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

fsm::time_point now_ms() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

/// What triage learnt that the drafter uses.
struct triage_notes {
  std::string intent;
  double intent_certainty = 0;
  double sentiment_score = 0;
  std::string sentiment_label;
};

struct conversation_state {
  static constexpr const char* name = "conversation";
  conversation_snapshot snap;
  std::shared_ptr<const conversation_services> svc;
  std::uint32_t routed = 0;  ///< commands received from the registry (compared for equality)
  /// Each history read and draft request carries a token of its own; only the answer to the
  /// one wanted now is read (an older or withdrawn one is dropped).
  std::uint32_t tokens_minted = 0;
  std::uint32_t history_wanted = 0;
  std::uint32_t draft_wanted = 0;
  /// Failed commits of the conversation's own work in a row (the resume backs off by it).
  std::uint8_t failed_commits = 0;
  bool resume_pending = false;
  fsm::time_point last_activity{};
  /// While triaged work is drafted; dropped once a draft (or an escalation) settles it.
  std::unique_ptr<triage_notes> notes;
};

using self_ptr = caf::stateful_actor<conversation_state>*;

// CAF allocates an actor with its control block padded to a cache line. Kept within 2 KiB,
// a live conversation's actor takes jemalloc's 2,048-byte size class instead of 2,560.
static_assert(sizeof(caf::stateful_actor<conversation_state>) + 64 <= 2048,
              "conversation_state grew past the 2 KiB actor budget");

void handle(self_ptr self, conversation_command cmd);

void reply(const conversation_command& cmd, const conversation_snapshot& s, status st,
           fsm::error_code code = fsm::error_code::illegal_event, std::string message = {}) {
  if (!cmd.reply) return;
  cmd.reply->send(command_reply{st, code, std::move(message),
                                std::string(fsm::to_string(s.fsm.current)), s.fsm.draft_version});
}

/// Keeps what triage has not read yet, bounded: past the limit the middle goes (the first
/// messages and the latest one stay).
void append_untriaged(std::string& untriaged, std::string_view text) {
  constexpr std::size_t limit = 16 * 1024;
  if (!untriaged.empty()) untriaged += '\n';
  untriaged += text;
  if (untriaged.size() > limit) {
    const std::size_t keep = limit / 2;
    untriaged = untriaged.substr(0, keep) + "\n" + untriaged.substr(untriaged.size() - keep);
  }
}

/// Updates what the conversation knows from an incoming message.
void learn_from(conversation_info& info, const conversation_command& cmd) {
  if (!cmd.data || !cmd.data->message) return;
  const incoming_message& m = *cmd.data->message;
  if (m.contact.id != 0) info.contact = m.contact;
  if (m.channel) info.channel = *m.channel;
  if (m.labels) info.labels = *m.labels;
  if (m.custom_attributes) info.custom_attributes = *m.custom_attributes;
  if (m.assignee) info.assignee = m.assignee;
  if (cmd.event && std::holds_alternative<fsm::ev::customer_message>(*cmd.event)) {
    if (!info.last_customer_text.empty()) info.previous_customer_text = info.last_customer_text;
    info.last_customer_text = m.content;
    append_untriaged(info.untriaged_text, m.content);
  }
}

/// Updates the current draft (the queue item) for an applied event.
void update_draft(conversation_snapshot& after, const conversation_command& cmd,
                  const fsm::outcome& out, fsm::time_point now) {
  const fsm::event& e = *cmd.event;
  if (std::holds_alternative<fsm::ev::draft_ready>(e) && cmd.data && cmd.data->draft) {
    draft_content d = *cmd.data->draft;
    d.draft_version = after.fsm.draft_version;
    d.created_at = now;
    d.status = after.fsm.current == fsm::state::awaiting_approval ? "pending" : "escalated";
    if (after.fsm.current == fsm::state::escalated &&
        std::find(d.flags.begin(), d.flags.end(), "low_confidence") == d.flags.end()) {
      d.flags.push_back("low_confidence");
    }
    after.draft = std::move(d);
  }
  if (!after.draft) return;
  draft_content& d = *after.draft;
  auto decide = [&](std::string st, std::string action, std::string fingerprint) {
    d.status = std::move(st);
    draft_review& r = d.review.get_or_create();
    r.action = std::move(action);
    r.operator_id = cmd.actor;
    r.reviewed_at = now;
    r.fingerprint = std::move(fingerprint);
    if (cmd.data && cmd.data->op) {
      const operator_input& op = *cmd.data->op;
      if (!op.grades_json.empty()) r.grades_json = op.grades_json;
      if (!op.notes.empty()) r.notes = op.notes;
      if (!op.reason.empty() && r.notes.empty()) r.notes = op.reason;
    }
  };
  std::visit(
      overloaded{
          [&](const fsm::ev::approve& a) { decide("approved", "approve", a.fingerprint); },
          [&](const fsm::ev::edit& a) {
            decide("approved", "edit", a.fingerprint);
            if (cmd.data && cmd.data->op) d.review->edited_text = cmd.data->op->text;
          },
          [&](const fsm::ev::escalate& a) { decide("escalated", "escalate", a.fingerprint); },
          [&](const fsm::ev::reject& a) { decide("rejected", "reject", a.fingerprint); },
          [&](const fsm::ev::grade&) {
            if (cmd.data && cmd.data->op && !cmd.data->op->grades_json.empty()) {
              d.review.get_or_create().grades_json = cmd.data->op->grades_json;
            }
          },
          [&](const auto&) {},
      },
      e);
  for (const fsm::effect& f : out.todo) {
    if (const auto* s = std::get_if<fsm::fx::supersede_draft>(&f);
        s && s->draft_version == d.draft_version) {
      d.status = "superseded";
    }
  }
}

/// Runs triage on the latest customer message once the customer's history is known.
void triage_now(self_ptr self, std::optional<domain::customer_history> history) {
  auto& st = self->state;
  if (!fsm::work_in_flight(st.snap.fsm.current)) return;
  domain::triage_input in;
  in.text = st.snap.info.untriaged_text.empty() ? st.snap.info.last_customer_text
                                                : std::move(st.snap.info.untriaged_text);
  st.snap.info.untriaged_text.clear();
  in.channel = st.snap.info.channel;
  in.labels = st.snap.info.labels;
  in.custom_attributes = st.snap.info.custom_attributes;
  if (history) in.history = *history;
  const domain::triage_result r = domain::triage(in, st.svc->triage);
  if (!st.notes) st.notes = std::make_unique<triage_notes>();
  st.notes->intent = std::string(domain::to_string(r.intent.value));
  st.notes->intent_certainty = r.intent.certainty;
  st.notes->sentiment_score = r.sentiment.score;
  st.notes->sentiment_label = std::string(domain::to_string(r.sentiment.label));
  for (const auto& l : r.labels_to_apply) {
    if (std::find(st.snap.info.labels.begin(), st.snap.info.labels.end(), l) ==
        st.snap.info.labels.end())
      st.snap.info.labels.push_back(l);
  }
  if (r.assignment.assignee_id) st.snap.info.assignee = r.assignment.assignee_id;
  fsm::ev::triaged t{r.priority, r.route == domain::triage_route::human, r.escalation_reason};
  if (!t.route_to_human && !st.svc->ai_drafts_enabled) {
    t.route_to_human = true;
    t.reason = "ai_disabled";
  }
  conversation_command cmd;
  cmd.conversation_id = st.snap.fsm.id;
  cmd.event = t;
  cmd.cause = "triage";
  cmd.actor = "system";
  handle(self, std::move(cmd));
}

/// Asks for the customer's history; triage runs on the answer (`snap` is the state the
/// request belongs to, which may not be committed yet).
void request_triage(self_ptr self, const conversation_snapshot& snap) {
  auto& st = self->state;
  const std::uint32_t token = st.history_wanted = ++st.tokens_minted;
  const std::int64_t contact = snap.info.contact.id;
  const std::int64_t conv = snap.fsm.id;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  const bool posted =
      contact != 0 && st.svc->reads &&
      st.svc->reads->post([me, token, contact, conv](persistence::store& db) {
        std::optional<domain::customer_history> h;
        if (auto r = db.customer_history(contact, conv)) {
          domain::customer_history ch;
          ch.unresolved_conversations = static_cast<int>(r->unresolved_conversations);
          ch.last_ai_reply_grade = r->last_ai_grade;
          h = ch;
        } else {
          log::warn("history_unavailable", {{"conv", conv}, {"error", r.error().message}});
        }
        caf::anon_send(me, conversation_mail{history_answer{token, std::move(h)}});
      });
  // Without a history to read, the answer is sent at once, and still read as mail: triage
  // runs once the transition that asked for it is committed.
  if (!posted) self->send(self, conversation_mail{history_answer{token, std::nullopt}});
}

void request_draft(self_ptr self, const conversation_snapshot& snap, std::uint64_t request_id) {
  auto& st = self->state;
  auto req = std::make_shared<draft_request>();
  req->conversation_id = snap.fsm.id;
  req->request_id = request_id;
  req->customer_message = snap.info.last_customer_text;
  req->earlier_message = snap.info.previous_customer_text;
  req->channel = snap.info.channel;
  req->contact = snap.info.contact;
  req->custom_attributes = snap.info.custom_attributes;
  req->labels = snap.info.labels;
  req->priority = snap.fsm.priority.value_or(domain::priority::p2);
  if (st.notes) {  // absent after a restart in drafting: the drafter triages for itself
    req->intent = st.notes->intent;
    req->intent_certainty = st.notes->intent_certainty;
    req->sentiment_score = st.notes->sentiment_score;
    req->sentiment_label = st.notes->sentiment_label;
  }
  const std::int64_t conv = snap.fsm.id;
  const std::uint32_t token = st.draft_wanted = ++st.tokens_minted;
  auto answer = [self, conv, request_id, token](bool ok, std::string why,
                                                std::optional<draft_content> d) {
    if (self->state.draft_wanted != token) return;  // superseded, or never committed
    conversation_command cmd;
    cmd.conversation_id = conv;
    cmd.cause = "drafter";
    cmd.actor = "system";
    if (ok && d) {
      cmd.event = fsm::ev::draft_ready{request_id, d->confidence};
      auto data = std::make_shared<command_data>();
      data->draft = std::move(*d);
      data->draft->request_id = request_id;
      cmd.data = std::move(data);
    } else {
      cmd.event = fsm::ev::draft_failed{request_id, why};
    }
    handle(self, std::move(cmd));
  };
  // No timeout of its own: the state machine's durable draft_deadline timer bounds drafting
  // (a CAF request timeout would sit in the clock for its whole length after every answer).
  self->request(st.svc->drafter, caf::infinite, draft_atom::value,
                draft_request_ptr{std::move(req)})
      .then(
          [answer](const draft_reply_ptr& r) {
            if (r && r->ok) {
              answer(true, {}, r->draft);
            } else {
              answer(false, r ? r->failure : "empty answer", std::nullopt);
            }
          },
          [answer](const caf::error& err) { answer(false, caf::to_string(err), std::nullopt); });
}

/// The tokens of work started for a transition, to withdraw it if the transition is not
/// committed.
struct work_tokens {
  std::uint32_t history = 0;
  std::uint32_t draft = 0;
};

/// The tokens wanted now (what withdrawing returns to).
work_tokens wanted_now(self_ptr self) {
  return {self->state.history_wanted, self->state.draft_wanted};
}

/// Work whose answer comes back to this conversation: triage and drafting.
bool is_work(const fsm::effect& e) {
  return std::holds_alternative<fsm::fx::request_triage>(e) ||
         std::holds_alternative<fsm::fx::request_draft>(e);
}

/// Triage (a read and pure computation) and drafting start while the transition that asks for
/// them is being committed, not after: the actor awaits the commit, so the answer is read only
/// once the transition is durable, and nothing leaves frontdesk before then. A crash loses the
/// work; recovery starts it again from the stored state. A draft asked for by a delivery still
/// waits for the commit: the store may find the delivery a replay, and a model call costs money.
bool starts_with_commit(const fsm::effect& e, bool delivery) {
  return is_work(e) && !(delivery && std::holds_alternative<fsm::fx::request_draft>(e));
}

/// Starts triage or drafting for `snap`, the state that asks for it.
void start_work(self_ptr self, const conversation_snapshot& snap, const fsm::effect& e) {
  if (std::holds_alternative<fsm::fx::request_triage>(e)) request_triage(self, snap);
  if (const auto* r = std::get_if<fsm::fx::request_draft>(&e))
    request_draft(self, snap, r->request_id);
}

work_tokens start_with_commit(self_ptr self, const conversation_snapshot& snap,
                              const fsm::effects& todo, bool delivery) {
  const work_tokens before = wanted_now(self);
  for (const fsm::effect& e : todo) {
    if (starts_with_commit(e, delivery)) start_work(self, snap, e);
  }
  return before;
}

/// The transition was not committed: answers to the work it started are dropped, and work
/// started before it is wanted again (tokens are never reused, so the two cannot be confused).
void withdraw_work(self_ptr self, work_tokens before) {
  self->state.history_wanted = before.history;
  self->state.draft_wanted = before.draft;
}

/// What a commit leaves to do once it is durable (kept apart: the change set itself is
/// handed over to the writer).
struct after_commit {
  std::vector<persistence::notification_row> notifications;
  std::vector<persistence::outbox_row> outbox;
};

/// Side effects of a committed transition (the store has it; now act on it), but for the
/// work started with the commit.
void perform(self_ptr self, const fsm::effects& todo, bool delivery, after_commit cs,
             const persistence::apply_result& applied) {
  auto& st = self->state;
  const auto& svc = *st.svc;
  const std::int64_t conv = st.snap.fsm.id;
  for (const fsm::effect& e : todo) {
    if (is_work(e)) {
      if (!starts_with_commit(e, delivery)) start_work(self, st.snap, e);
      continue;
    }
    std::visit(
        overloaded{
            [&](const fsm::fx::cancel_draft& c) {
              self->send(svc.drafter, cancel_atom::value, conv, c.request_id);
            },
            [&](const fsm::fx::arm_timer& a) {
              self->send(svc.timers, arm_atom::value, conv, static_cast<std::uint8_t>(a.name),
                         a.epoch, static_cast<std::int64_t>(a.due.time_since_epoch().count()));
            },
            [&](const fsm::fx::cancel_timer& c) {
              self->send(svc.timers, disarm_atom::value, conv, static_cast<std::uint8_t>(c.name));
            },
            [&](const auto&) {},
        },
        e);
  }
  for (std::size_t i = 0; i < cs.notifications.size(); ++i) {
    persistence::notification_row n = std::move(cs.notifications[i]);
    if (i < applied.notification_ids.size()) n.id = applied.notification_ids[i];
    self->send(svc.bus, publish_atom::value, std::move(n));
  }
  // New outbox entries go to the outbox as committed (an entry already there is not new).
  if (cs.outbox.empty()) return;  // most transitions: nothing to allocate
  auto fresh = std::make_shared<std::vector<persistence::outbox_row>>();
  for (std::size_t i = 0; i < cs.outbox.size(); ++i) {
    if (i < applied.outbox_inserted.size() && applied.outbox_inserted[i])
      fresh->push_back(std::move(cs.outbox[i]));
  }
  if (!fresh->empty())
    self->send(svc.outbox, deliver_atom::value, outbox_rows_ptr{std::move(fresh)});
}

/// Starts again what the stored state says is under way: timers, triage, drafting.
void resume_work(self_ptr self) {
  const fsm::effects again = fsm::recovery_effects(self->state.snap.fsm);
  start_with_commit(self, self->state.snap, again, false);  // nothing to commit: starts now
  perform(self, again, false, {}, {});
}

/// A transition of the conversation's own work (triage, a draft, a timer) was not committed,
/// and nobody else will ask for it again: a webhook's sender retries its delivery and an
/// operator sees the error, but the answer a transition carried is lost. The work starts again
/// from the stored state after a pause that grows with each failure in a row (1 s to 32 s).
void resume_later(self_ptr self) {
  auto& st = self->state;
  const int shift = std::min<int>(st.failed_commits, 5);
  if (st.failed_commits < 255) ++st.failed_commits;
  if (st.resume_pending) return;
  st.resume_pending = true;
  self->delayed_send(self, std::chrono::seconds(1 << shift),
                     conversation_mail{conversation_signal::resume});
}

/// Idleness is measured here; the registry's sweep only asks (see registry_actor.cpp), so an
/// actor holds no timer of its own while it waits.
void touch(self_ptr self) {
  self->state.last_activity = now_ms();
}

void handle(self_ptr self, conversation_command cmd) {
  auto& st = self->state;
  const fsm::time_point now = now_ms();
  conversation_snapshot after = st.snap;
  learn_from(after.info, cmd);
  std::optional<fsm::outcome> out;
  if (cmd.event) {
    auto r = fsm::apply(st.snap.fsm, *cmd.event, fsm::context{now, cmd.cause, cmd.actor},
                        st.svc->machine);
    if (!r) {
      if (!cmd.reply && !cmd.inbound) {
        log::debug("event_refused", {{"conv", st.snap.fsm.id},
                                     {"code", fsm::to_string(r.error().code)},
                                     {"why", r.error().message}});
        return;
      }
      const fsm::error e = r.error();
      if (!cmd.inbound) {
        reply(cmd, st.snap, status::refused, e.code, e.message);
        return;
      }
      // Record the refused inbound event anyway, so a replay is recognised.
      auto cs = std::make_shared<persistence::change_set>();
      cs->inbound = cmd.inbound;
      self->request(st.svc->store, caf::infinite, commit_atom::value, cs)
          .await([self, cmd, e](const commit_outcome& o) {
            const auto& s = self->state.snap;
            if (!o.ok) return reply(cmd, s, status::unavailable, e.code, o.error.message);
            if (o.result.outcome == persistence::apply_outcome::duplicate)
              return reply(cmd, s, status::duplicate);
            reply(cmd, s, status::refused, e.code, e.message);
          });
      return;
    }
    if (r->repeat) {
      reply(cmd, st.snap, status::repeat);
      return;
    }
    after.fsm = r->next;
    update_draft(after, cmd, *r, now);
    // Triage is under way in received and drafting; anywhere else nobody will read it.
    if (!fsm::work_in_flight(after.fsm.current)) after.info.untriaged_text.clear();
    out = std::move(*r);
  }
  auto cs = std::make_shared<persistence::change_set>(
      build_change_set(transition{cmd, st.snap, after, out ? &*out : nullptr, now}));
  const bool delivery = cmd.inbound.has_value();
  const work_tokens started =
      out ? start_with_commit(self, after, out->todo, delivery) : wanted_now(self);
  after_commit then{cs->notifications, cs->outbox};
  self->request(st.svc->store, caf::infinite, commit_atom::value, std::move(cs))
      .await([self, cmd = std::move(cmd), after = std::move(after), out = std::move(out),
              then = std::move(then), started, delivery](const commit_outcome& o) mutable {
        auto& s = self->state;
        if (!o.ok) {
          log::warn("commit_failed", {{"conv", s.snap.fsm.id}, {"error", o.error.message}});
          withdraw_work(self, started);
          if (!cmd.reply && !cmd.inbound) resume_later(self);
          reply(cmd, s.snap, status::unavailable, fsm::error_code::illegal_event, o.error.message);
          return;
        }
        if (o.result.outcome == persistence::apply_outcome::duplicate) {
          withdraw_work(self, started);
          reply(cmd, s.snap, status::duplicate);
          return;
        }
        s.snap = std::move(after);
        s.failed_commits = 0;
        if (!fsm::work_in_flight(s.snap.fsm.current)) s.notes.reset();
        reply(cmd, s.snap, status::applied);
        if (out) perform(self, out->todo, delivery, std::move(then), o.result);
      });
}

void on_signal(self_ptr self, conversation_signal sig) {
  auto& s = self->state;
  switch (sig) {
    case conversation_signal::idle: {
      // The registry's sweep saw no command routed here for a while; only this actor knows
      // whether it is still busy (drafting answers and timers do not pass the registry).
      if (fsm::work_in_flight(s.snap.fsm.current) || s.resume_pending ||
          now_ms() - s.last_activity < s.svc->passivate_after) {
        return;
      }
      // Only the registry knows whether commands are still on their way here.
      self->send(s.svc->registry, passivate_atom::value, s.snap.fsm.id, s.routed);
      return;
    }
    case conversation_signal::drain:
    case conversation_signal::passivate_granted:
      self->quit();
      return;
    case conversation_signal::passivate_denied:
      return;  // the next sweep asks again
    case conversation_signal::resume:
      s.resume_pending = false;
      resume_work(self);
      return;
  }
}

caf::behavior conversation_behavior(self_ptr self, std::int64_t id,
                                    std::optional<persistence::conversation_row> row,
                                    std::shared_ptr<const conversation_services> svc) {
  auto& st = self->state;
  st.svc = std::move(svc);
  st.snap.fsm.id = id;
  if (row) {
    if (auto s = decode_snapshot(row->snapshot)) {
      st.snap = std::move(*s);
      st.snap.fsm.id = id;
    } else {
      log::error("snapshot_unreadable", {{"conv", id}, {"error", s.error()}});
    }
    // Re-arm timers (a past deadline fires at once) and re-issue lost work.
    resume_work(self);
  }
  touch(self);
  return {
      [self](conversation_mail& mail) {
        std::visit(overloaded{
                       [self](command_ptr& cmd) {
                         ++self->state.routed;
                         touch(self);
                         handle(self, std::move(*cmd));
                       },
                       [self](history_answer& h) {
                         if (h.token != self->state.history_wanted) return;
                         triage_now(self, std::move(h.history));
                       },
                       [self](conversation_signal sig) { on_signal(self, sig); },
                   },
                   mail.body);
      },
  };
}

}  // namespace

caf::actor spawn_conversation(caf::actor_system& sys, std::int64_t id,
                              std::optional<persistence::conversation_row> row,
                              std::shared_ptr<const conversation_services> services) {
  return sys.spawn(conversation_behavior, id, std::move(row), std::move(services));
}

}  // namespace frontdesk::actors
