#include "actors/chatwoot_gateway.hpp"

#include <algorithm>
#include <atomic>
#include <caf/all.hpp>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "actors/atoms.hpp"
#include "actors/chatwoot_payloads.hpp"
#include "actors/gateway.hpp"
#include "config/log.hpp"

namespace frontdesk::actors {

using io::chatwoot_client;
using io::chatwoot_error;
using io::chatwoot_error_kind;

namespace {

using clock = std::chrono::steady_clock;

/// Our own request was refused: retrying cannot help and the dependency is healthy.
bool permanent(const chatwoot_error& e) {
  switch (e.kind) {
    case chatwoot_error_kind::unauthorized:
    case chatwoot_error_kind::not_found:
    case chatwoot_error_kind::unprocessable:
    case chatwoot_error_kind::client_error:
    case chatwoot_error_kind::invalid_argument:
      return true;
    default:
      return false;
  }
}

std::string describe(const chatwoot_error& e) {
  std::string s(io::to_string(e.kind));
  if (e.status != 0) s += " " + std::to_string(e.status);
  if (!e.message.empty()) s += ": " + e.message;
  if (e.ambiguous) s += " (ambiguous)";
  return s;
}

chatwoot_error stopped_error() {
  chatwoot_error e;
  e.kind = chatwoot_error_kind::transport;
  e.transport = io::client_error_kind::shutting_down;
  e.message = "the Chatwoot gateway is stopped";
  return e;
}

std::string trimmed(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

delivery_result delivered(std::string external_id) {
  return delivery_result{true, false, std::move(external_id), {}};
}
delivery_result keep_for_later(std::string error) {
  return delivery_result{false, false, {}, std::move(error)};
}
/// A call that never reached Chatwoot (queue full, breaker open) is not an attempt of the row.
delivery_result keep_for_later(const call_result& r, std::string error) {
  delivery_result d = keep_for_later(std::move(error));
  d.deferred = r.attempts == 0;
  return d;
}
delivery_result give_up(std::string error) {
  return delivery_result{false, true, {}, std::move(error)};
}

/// What one call's outcome means for an outbox row.
enum class verdict : std::uint8_t { ok, keep, give_up };

verdict verdict_of(const call_result& r, const std::optional<chatwoot_error>& last) {
  if (r.status == call_status::ok) return verdict::ok;
  if (retry_later(r.status)) return verdict::keep;
  // failed: a refusal of our request is final; a spent retry budget is not.
  if (last && permanent(*last)) return verdict::give_up;
  return verdict::keep;
}

std::string error_text(const call_result& r, const std::optional<chatwoot_error>& last) {
  std::string s(to_string(r.status));
  if (last) {
    s += ": " + describe(*last);
  } else if (!r.error.empty()) {
    s += ": " + r.error;
  }
  return s;
}

/// What the row gets when a call did not reach its goal (given up, or kept for later); none
/// when it did and `answered` (its value came back).
std::optional<delivery_result> unless_done(const call_result& r, bool answered,
                                           const std::optional<chatwoot_error>& e) {
  const verdict vd = verdict_of(r, e);
  if (vd == verdict::ok && answered) return std::nullopt;
  return vd == verdict::give_up ? give_up(error_text(r, e)) : keep_for_later(r, error_text(r, e));
}

thread_local int client_lock_depth = 0;

}  // namespace

struct chatwoot_gateway::core : std::enable_shared_from_this<chatwoot_gateway::core> {
  chatwoot_gateway_options opts;
  io::chatwoot_endpoint endpoint;
  std::unique_ptr<io::http_client> http;
  std::unique_ptr<chatwoot_client> cw;  // for client(); attempts use their own (per timeout)
  caf::actor sup;

  mutable std::shared_mutex mu;  // guards `stopped` against the HTTP client going away
  bool stopped = false;

  std::mutex posting_mu;
  std::unordered_map<std::string, int> posting;  // outbox id -> sends without an answer yet

  std::atomic<std::uint64_t> replies_posted{0};
  std::atomic<std::uint64_t> replies_already_there{0};
  std::atomic<std::uint64_t> notes_posted{0};
  std::atomic<std::uint64_t> notes_already_there{0};
  std::atomic<std::uint64_t> handoffs{0};
  std::atomic<std::uint64_t> priorities{0};
  std::atomic<std::uint64_t> given_up{0};
  std::atomic<std::uint64_t> kept_for_later{0};

  bool is_stopped() const {
    std::shared_lock lock(mu);
    return stopped;
  }

  /// Runs `f` with a Chatwoot client whose request timeout fits `deadline`, unless stopped.
  /// The client object stays alive through multi-step calls (it is shared with `f`).
  template <class F>
  bool with_client(clock::time_point deadline, F&& f) {
    std::shared_lock<std::shared_mutex> lock(mu, std::defer_lock);
    if (client_lock_depth == 0) lock.lock();
    if (stopped || !http) return false;
    io::chatwoot_endpoint ep = endpoint;
    if (deadline != clock::time_point{}) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
      ep.timeout = std::clamp(left, std::chrono::milliseconds(50), endpoint.timeout);
    }
    auto client = std::make_shared<chatwoot_client>(*http, std::move(ep));
    ++client_lock_depth;
    f(client);
    --client_lock_depth;
    return true;
  }

  void begin_post(const std::string& id) {
    std::lock_guard lock(posting_mu);
    ++posting[id];
  }
  void end_post(const std::string& id) {
    std::lock_guard lock(posting_mu);
    if (auto it = posting.find(id); it != posting.end() && --it->second <= 0) posting.erase(it);
  }
  bool is_posting(const std::string& id) {
    std::lock_guard lock(posting_mu);
    return posting.contains(id);
  }
};

namespace {

using core_ptr = std::shared_ptr<chatwoot_gateway::core>;
using client_ptr = std::shared_ptr<chatwoot_client>;

template <class T>
struct op_state {
  std::mutex mu;
  std::optional<T> value;
  std::optional<chatwoot_error> error;
  bool ambiguous_seen = false;  ///< some attempt of this call may have taken effect
};

template <class T>
using op_body =
    std::function<void(bool previous_ambiguous, const client_ptr&, chatwoot_client::reply<T>)>;
template <class T>
using op_finish =
    std::function<void(const call_result&, std::optional<T>, std::optional<chatwoot_error>)>;

attempt_report failure_report(const chatwoot_error& e) {
  attempt_report r;
  r.outcome = e.outcome();
  r.success = false;
  r.counts_for_breaker = !permanent(e);
  r.error = describe(e);
  return r;
}

/// One Chatwoot operation as one supervised call: `body` makes one attempt (it may chain a
/// few requests, e.g. search then post) and answers once; `finish` runs once at the end.
template <class T>
void run_op(const core_ptr& c, std::string operation, op_body<T> body, op_finish<T> finish,
            bool urgent = false) {
  if (c->is_stopped()) {
    return finish(call_result{call_status::shutting_down, 0, false, "stopped"}, std::nullopt,
                  stopped_error());
  }
  auto st = std::make_shared<op_state<T>>();
  auto call = std::make_shared<gateway_call>();
  call->operation = std::move(operation);
  call->urgent = urgent;
  call->deadline = c->opts.call_deadline;
  call->attempt = [c, st, body](const attempt_context& ctx,
                                std::function<void(attempt_report)> report) {
    bool prev = ctx.previous_ambiguous;
    {
      std::lock_guard lock(st->mu);
      prev = prev || st->ambiguous_seen;
    }
    auto answered = std::make_shared<std::atomic<bool>>(false);
    auto on = [st, report, answered](io::cw_result<T> r) {
      if (answered->exchange(true)) return;
      attempt_report rep;
      {
        std::lock_guard lock(st->mu);
        if (r) {
          st->value = std::move(*r);
          st->error.reset();
          rep.success = true;
        } else {
          if (r.error().ambiguous) st->ambiguous_seen = true;
          st->error = r.error();
          rep = failure_report(r.error());
        }
      }
      report(std::move(rep));
    };
    const bool ran =
        c->with_client(ctx.deadline, [&](const client_ptr& cw) { body(prev, cw, on); });
    if (!ran) on(frontdesk::unexpected{stopped_error()});
  };
  call->done = [st, finish](const call_result& r) {
    std::optional<T> v;
    std::optional<chatwoot_error> e;
    {
      std::lock_guard lock(st->mu);
      if (r.status == call_status::ok) v = st->value;
      e = st->error;
    }
    finish(r, std::move(v), std::move(e));
  };
  submit_call(c->sup, std::move(call));
}

/// Posts `content` once; when an earlier post may have happened, first looks for it (its
/// id is returned with found = true).
struct post_result {
  std::int64_t id = 0;
  bool found = false;
};

void post_message(const core_ptr& c, const client_ptr& cw, std::int64_t conv, std::string content,
                  bool is_private, const std::string& row_id,
                  chatwoot_client::reply<post_result> cb) {
  c->begin_post(row_id);
  cw->create_message(conv, std::move(content), is_private,
                     [c, cw, row_id, cb](io::cw_result<io::cw_message> m) {
                       c->end_post(row_id);
                       if (!m) return cb(frontdesk::unexpected{m.error()});
                       cb(post_result{m->id, false});
                     });
}

/// Private notes: one page of recent messages is searched (cheap; a duplicate note would be
/// harmless anyway).
void find_note(const client_ptr& cw, std::int64_t conv, std::string content,
               chatwoot_client::reply<std::optional<std::int64_t>> cb) {
  cw->list_messages(conv, std::nullopt,
                    [cw, content = trimmed(content), cb](io::cw_result<io::cw_message_page> p) {
                      if (!p) return cb(frontdesk::unexpected{p.error()});
                      for (auto it = p->messages.rbegin(); it != p->messages.rend(); ++it) {
                        if (it->is_private && trimmed(it->content) == content)
                          return cb(std::optional<std::int64_t>{it->id});
                      }
                      cb(std::optional<std::int64_t>{});
                    });
}

/// A post that looks first when it must: `check` (redelivery) or an ambiguous earlier attempt.
op_body<post_result> checked_post(const core_ptr& c, std::int64_t conv, std::string content,
                                  bool is_private, std::string row_id, bool check,
                                  std::int64_t after_id) {
  return [c, conv, content, is_private, row_id, check, after_id](
             bool prev_ambiguous, const client_ptr& cw, chatwoot_client::reply<post_result> cb) {
    if (!check && !prev_ambiguous) {
      return post_message(c, cw, conv, content, is_private, row_id, std::move(cb));
    }
    auto then = [c, cw, conv, content, is_private, row_id,
                 cb](io::cw_result<std::optional<std::int64_t>> found) {
      if (!found) return cb(frontdesk::unexpected{found.error()});
      if (*found) return cb(post_result{**found, true});
      // Certainly not there: send (the search ran on this attempt's client).
      const bool ran = c->with_client(clock::time_point{}, [&](const client_ptr&) {
        post_message(c, cw, conv, content, is_private, row_id, cb);
      });
      if (!ran) cb(frontdesk::unexpected{stopped_error()});
    };
    if (is_private) {
      find_note(cw, conv, content, std::move(then));
    } else {
      cw->find_sent_reply(conv, content, after_id, std::move(then), c->opts.find_max_pages);
    }
  };
}

using done_fn = std::function<void(delivery_result)>;

void finish_row(const core_ptr& c, const persistence::outbox_row& row, const done_fn& done,
                delivery_result r) {
  if (r.give_up) {
    ++c->given_up;
    log::error("chatwoot_delivery_refused",
               {{"id", row.id}, {"kind", row.kind}, {"error", r.error}});
  } else if (!r.delivered) {
    ++c->kept_for_later;
    log::warn("chatwoot_delivery_deferred",
              {{"id", row.id}, {"kind", row.kind}, {"error", r.error}});
  }
  done(std::move(r));
}

/// Read-union-write of labels through the gateway; `next(ok)` runs at the end.
void add_labels(const core_ptr& c, std::int64_t conv, std::vector<std::string> labels,
                std::function<void(const call_result&, std::optional<chatwoot_error>)> next) {
  std::erase_if(labels, [](const std::string& l) { return l.empty(); });
  if (labels.empty()) return next(call_result{call_status::ok, 0, false, {}}, std::nullopt);
  run_op<std::vector<std::string>>(
      c, "add_labels",
      [conv, labels](bool, const client_ptr& cw,
                     chatwoot_client::reply<std::vector<std::string>> cb) {
        cw->add_labels(conv, labels,
                       [cw, cb](io::cw_result<std::vector<std::string>> r) { cb(std::move(r)); });
      },
      [next](const call_result& r, std::optional<std::vector<std::string>>,
             std::optional<chatwoot_error> e) { next(r, std::move(e)); });
}

// ---- public_reply ----

void deliver_reply(const core_ptr& c, const persistence::outbox_row& row, done_fn done) {
  auto p = parse_reply_payload(row.payload);
  if (!p) return finish_row(c, row, done, give_up("bad public_reply payload: " + p.error()));
  if (trimmed(p->content).empty()) return finish_row(c, row, done, give_up("empty reply"));
  if (c->is_posting(row.id)) {
    // An earlier send has not answered yet: deciding now could send twice.
    return finish_row(c, row, done, keep_for_later("an earlier send is still unanswered"));
  }
  std::string label;
  if (p->action == "edit") {
    label = c->opts.labels.edited;
  } else if (p->action == "approve") {
    label = c->opts.labels.approved;
  }
  const std::int64_t conv = row.conversation_id;
  // A customer waiting for an approved reply goes ahead of notes and labels for agents.
  run_op<post_result>(
      c, "public_reply",
      checked_post(c, conv, p->content, false, row.id, row.look_before_sending(), p->after_id),
      [c, row, done, conv, label](const call_result& r, std::optional<post_result> v,
                                  std::optional<chatwoot_error> e) {
        if (auto failed = unless_done(r, v.has_value(), e)) {
          return finish_row(c, row, done, std::move(*failed));
        }
        if (v->found) {
          ++c->replies_already_there;
        } else {
          ++c->replies_posted;
        }
        const std::string external = std::to_string(v->id);
        // The reply is out: the row is delivered whatever happens to the label.
        add_labels(
            c, conv, {label},
            [c, row, done, external](const call_result& lr, std::optional<chatwoot_error> le) {
              if (lr.status != call_status::ok) {
                log::warn("chatwoot_label_failed", {{"id", row.id}, {"error", error_text(lr, le)}});
              }
              finish_row(c, row, done, delivered(external));
            });
      },
      /*urgent=*/true);
}

// ---- private_note ----

void deliver_note(const core_ptr& c, const persistence::outbox_row& row, done_fn done) {
  auto note = render_draft_note(row.payload, c->opts.low_confidence_below);
  if (!note) return finish_row(c, row, done, give_up("bad private_note payload: " + note.error()));
  if (c->is_posting(row.id)) {
    return finish_row(c, row, done, keep_for_later("an earlier note is still unanswered"));
  }
  run_op<post_result>(c, "private_note",
                      checked_post(c, row.conversation_id, std::move(*note), true, row.id,
                                   row.look_before_sending(), 0),
                      [c, row, done](const call_result& r, std::optional<post_result> v,
                                     std::optional<chatwoot_error> e) {
                        if (auto failed = unless_done(r, v.has_value(), e)) {
                          return finish_row(c, row, done, std::move(*failed));
                        }
                        ++(v->found ? c->notes_already_there : c->notes_posted);
                        finish_row(c, row, done, delivered(std::to_string(v->id)));
                      });
}

// ---- handoff ----

/// The steps of a handoff, run in order. Assignment and labels refused by Chatwoot (4xx) are
/// logged and skipped so the note still reaches the humans; the note is what must arrive.
struct handoff_run : std::enable_shared_from_this<handoff_run> {
  core_ptr c;
  persistence::outbox_row row;
  done_fn done;
  handoff_payload h;
  std::optional<std::int64_t> agent;
  std::optional<std::int64_t> team;
  std::vector<std::string> problems;

  void assign_team() {
    assign("assign_team", team, &chatwoot_client::assign_team,
           [](handoff_run& run) { run.assign_agent(); });
  }
  void assign_agent() {
    assign("assign_agent", agent, &chatwoot_client::assign_agent,
           [](handoff_run& run) { run.labels(); });
  }

  /// One assignment step (team or agent), skipped when there is nobody to assign.
  void assign(const char* step, std::optional<std::int64_t> who,
              void (chatwoot_client::*call)(std::int64_t, std::int64_t,
                                            chatwoot_client::reply<io::cw_assignee>),
              void (*next)(handoff_run&)) {
    if (!who) return next(*this);
    auto self = shared_from_this();
    const std::int64_t conv = row.conversation_id;
    const std::int64_t id = *who;
    run_op<io::cw_assignee>(
        c, step,
        [conv, id, call](bool, const client_ptr& cw, chatwoot_client::reply<io::cw_assignee> cb) {
          ((*cw).*call)(conv, id, std::move(cb));
        },
        [self, step, next](const call_result& r, std::optional<io::cw_assignee>,
                           std::optional<chatwoot_error> e) {
          if (self->step_failed(r, e, step)) return;
          next(*self);
        });
  }

  void labels() {
    auto self = shared_from_this();
    std::vector<std::string> l{c->opts.labels.escalated};
    if (h.low_confidence) l.push_back(c->opts.labels.low_confidence);
    add_labels(c, row.conversation_id, std::move(l),
               [self](const call_result& r, std::optional<chatwoot_error> e) {
                 if (self->step_failed(r, e, "add_labels")) return;
                 self->note();
               });
  }

  void note() {
    auto self = shared_from_this();
    std::string text = render_handoff_note(h, agent, team);
    run_op<post_result>(
        c, "handoff_note",
        checked_post(c, row.conversation_id, std::move(text), true, row.id,
                     row.look_before_sending(), 0),
        [self](const call_result& r, std::optional<post_result> v,
               std::optional<chatwoot_error> e) {
          if (auto failed = unless_done(r, v.has_value(), e)) return self->end(std::move(*failed));
          ++self->c->handoffs;
          if (!self->problems.empty()) {
            std::string all;
            for (const auto& p : self->problems) all += (all.empty() ? "" : "; ") + p;
            log::warn("chatwoot_handoff_partial", {{"id", self->row.id}, {"error", all}});
          }
          self->end(delivered(std::to_string(v->id)));
        });
  }

  /// True when the run ended here (kept for later); a refusal is recorded and skipped.
  bool step_failed(const call_result& r, const std::optional<chatwoot_error>& e, const char* step) {
    switch (verdict_of(r, e)) {
      case verdict::ok:
        return false;
      case verdict::give_up:
        problems.push_back(std::string(step) + ": " + error_text(r, e));
        return false;
      case verdict::keep:
        end(keep_for_later(r, std::string(step) + ": " + error_text(r, e)));
        return true;
    }
    return false;
  }

  void end(delivery_result r) { finish_row(c, row, done, std::move(r)); }
};

void deliver_handoff(const core_ptr& c, const persistence::outbox_row& row, done_fn done) {
  auto h = parse_handoff_payload(row.payload);
  if (!h) return finish_row(c, row, done, give_up("bad handoff payload: " + h.error()));
  if (c->is_posting(row.id)) {
    return finish_row(c, row, done, keep_for_later("an earlier handoff note is still unanswered"));
  }
  auto run = std::make_shared<handoff_run>();
  run->c = c;
  run->row = row;
  run->done = std::move(done);
  run->h = std::move(*h);
  run->agent = run->h.assignee_id;
  if (!run->agent) {
    if (auto it = c->opts.category_agents.find(run->h.category);
        it != c->opts.category_agents.end())
      run->agent = it->second;
  }
  if (auto it = c->opts.category_teams.find(run->h.category); it != c->opts.category_teams.end())
    run->team = it->second;
  run->assign_team();
}

// ---- priority ----

void deliver_priority(const core_ptr& c, const persistence::outbox_row& row, done_fn done) {
  auto p = parse_priority_payload(row.payload);
  if (!p) return finish_row(c, row, done, give_up("bad priority payload: " + p.error()));
  auto level = chatwoot_priority(*p);
  if (!level) return finish_row(c, row, done, give_up("unknown priority " + *p));
  const std::int64_t conv = row.conversation_id;
  run_op<bool>(
      c, "toggle_priority",
      [conv, level](bool, const client_ptr& cw, chatwoot_client::reply<bool> cb) {
        cw->toggle_priority(conv, level, std::move(cb));
      },
      [c, row, done, level](const call_result& r, std::optional<bool>,
                            std::optional<chatwoot_error> e) {
        if (auto failed = unless_done(r, true, e))
          return finish_row(c, row, done, std::move(*failed));
        ++c->priorities;
        finish_row(c, row, done, delivered("priority:" + *level));
      });
}

void deliver(const core_ptr& c, const persistence::outbox_row& row, done_fn done) {
  if (c->is_stopped()) return done(keep_for_later("the Chatwoot gateway is stopped"));
  if (row.conversation_id <= 0) return finish_row(c, row, done, give_up("no conversation id"));
  if (row.kind == "public_reply") return deliver_reply(c, row, std::move(done));
  if (row.kind == "private_note") return deliver_note(c, row, std::move(done));
  if (row.kind == "handoff") return deliver_handoff(c, row, std::move(done));
  if (row.kind == "priority") return deliver_priority(c, row, std::move(done));
  finish_row(c, row, done, give_up("unknown outbox kind " + row.kind));
}

template <class T>
void read_through(const core_ptr& c, std::string operation,
                  std::function<void(const client_ptr&, chatwoot_client::reply<T>)> issue,
                  chatwoot_client::reply<T> cb) {
  run_op<T>(
      c, std::move(operation),
      [issue](bool, const client_ptr& cw, chatwoot_client::reply<T> r) { issue(cw, std::move(r)); },
      [cb](const call_result& r, std::optional<T> v, std::optional<chatwoot_error> e) {
        if (r.status == call_status::ok && v) return cb(std::move(*v));
        if (!e) {
          e = chatwoot_error{};
          e->kind = chatwoot_error_kind::transport;
          e->message = std::string(to_string(r.status));
        }
        if (r.status != call_status::failed) e->message = error_text(r, e);
        cb(frontdesk::unexpected{std::move(*e)});
      });
}

}  // namespace

std::optional<std::string> chatwoot_priority(std::string_view p) noexcept {
  if (p == "P0") return "urgent";
  if (p == "P1") return "high";
  if (p == "P2") return "medium";
  if (p == "P3") return "low";
  return std::nullopt;
}

chatwoot_gateway::chatwoot_gateway(std::shared_ptr<core> c) : core_(std::move(c)) {}

chatwoot_gateway::~chatwoot_gateway() {
  stop();
}

expected<std::unique_ptr<chatwoot_gateway>, std::string> chatwoot_gateway::start(
    caf::actor_system& sys, chatwoot_gateway_options options) {
  if (options.base_url.empty()) return unexpected{std::string("chatwoot base_url is empty")};
  if (options.account_id <= 0) return unexpected{std::string("chatwoot account_id is not set")};
  if (options.api_token.empty()) return unexpected{std::string("chatwoot api_token is empty")};
  auto c = std::make_shared<core>();
  io::http_client_options ho;
  ho.connect_timeout = options.connect_timeout;
  ho.verify_peer = options.verify_peer;
  ho.extra_ca_pem = options.extra_ca_pem;
  ho.extra_ca_file = options.extra_ca_file;
  ho.max_connections_per_host = options.max_connections;
  ho.user_agent = "frontdesk-chatwoot";
  try {
    c->http = std::make_unique<io::http_client>(ho);
  } catch (const std::exception& e) {
    return unexpected{std::string("chatwoot http client: ") + e.what()};
  }
  c->endpoint = io::chatwoot_endpoint{options.base_url, options.account_id, options.api_token,
                                      options.request_timeout};
  c->cw = std::make_unique<chatwoot_client>(*c->http, c->endpoint);
  gateway_options g;
  g.name = "chatwoot";
  g.max_in_flight = options.max_in_flight;
  g.max_queued = options.max_queued;
  g.backoff = options.backoff;
  g.budget = options.budget;
  g.breaker = options.breaker;
  g.seed = options.seed;
  c->opts = std::move(options);
  c->sup = spawn_gateway(sys, std::move(g));
  return std::unique_ptr<chatwoot_gateway>(new chatwoot_gateway(std::move(c)));
}

delivery_fn chatwoot_gateway::delivery() {
  core_ptr c = core_;
  return [c](const persistence::outbox_row& row, std::function<void(delivery_result)> done) {
    deliver(c, row, std::move(done));
  };
}

chatwoot_reader chatwoot_gateway::reader() {
  core_ptr c = core_;
  chatwoot_reader r;
  r.list_open_conversations = [c](int page, chatwoot_client::reply<io::cw_conversation_page> cb) {
    read_through<io::cw_conversation_page>(
        c, "list_conversations",
        [page](const client_ptr& cw, chatwoot_client::reply<io::cw_conversation_page> out) {
          cw->list_conversations(
              "open", page,
              [cw, out](io::cw_result<io::cw_conversation_page> x) { out(std::move(x)); });
        },
        std::move(cb));
  };
  r.list_messages = [c](std::int64_t conv, std::optional<std::int64_t> before,
                        chatwoot_client::reply<io::cw_message_page> cb) {
    read_through<io::cw_message_page>(
        c, "list_messages",
        [conv, before](const client_ptr& cw, chatwoot_client::reply<io::cw_message_page> out) {
          cw->list_messages(conv, before,
                            [cw, out](io::cw_result<io::cw_message_page> x) { out(std::move(x)); });
        },
        std::move(cb));
  };
  return r;
}

caf::actor chatwoot_gateway::supervisor() const {
  return core_->sup;
}

io::chatwoot_client& chatwoot_gateway::client() {
  return *core_->cw;
}

chatwoot_delivery_stats chatwoot_gateway::stats() const {
  const core& c = *core_;
  return {c.replies_posted.load(), c.replies_already_there.load(),
          c.notes_posted.load(),   c.notes_already_there.load(),
          c.handoffs.load(),       c.priorities.load(),
          c.given_up.load(),       c.kept_for_later.load()};
}

void chatwoot_gateway::stop() {
  {
    std::unique_lock lock(core_->mu);
    if (core_->stopped) return;
    core_->stopped = true;
  }
  if (core_->sup) caf::anon_send_exit(core_->sup, caf::exit_reason::user_shutdown);
  // Joins the I/O thread: pending requests end with shutting_down and report.
  core_->http.reset();
}

}  // namespace frontdesk::actors
