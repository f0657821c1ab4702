#include "actors/gateway.hpp"

#include <caf/all.hpp>
#include <deque>
#include <random>
#include <set>
#include <unordered_map>

#include "actors/atoms.hpp"
#include "config/log.hpp"

namespace frontdesk::actors {
namespace {

using attempt_atom = caf::atom_constant<caf::atom("attempt")>;
using report_atom = caf::atom_constant<caf::atom("report")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;

struct attempt_msg {
  std::uint64_t id = 0;
  std::uint64_t token = 0;
  gateway_call_ptr call;
  attempt_context ctx;
};

struct report_msg {
  std::uint64_t id = 0;
  std::uint64_t token = 0;
  attempt_report report;
};

}  // namespace
}  // namespace frontdesk::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::attempt_msg)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::report_msg)

namespace frontdesk::actors {
namespace {

using clock = std::chrono::steady_clock;

/// Makes attempts; a worker holds the calls it started until they report. If it dies, its
/// supervisor restarts it and runs those calls again.
caf::behavior worker(caf::event_based_actor* self, std::size_t /*index*/) {
  return {
      [self](attempt_atom, attempt_msg& m) {
        caf::actor supervisor = caf::actor_cast<caf::actor>(self->current_sender());
        const std::uint64_t id = m.id;
        const std::uint64_t token = m.token;
        m.call->attempt(m.ctx, [supervisor, id, token](attempt_report r) {
          caf::anon_send(supervisor, report_atom::value, report_msg{id, token, std::move(r)});
        });
      },
  };
}

struct call_entry {
  gateway_call_ptr call;
  clock::time_point deadline;
  std::uint32_t attempts = 0;
  std::uint64_t token = 0;  ///< identifies the current attempt; late reports are ignored
  bool previous_ambiguous = false;
  bool running = false;   ///< an attempt is out (it holds an in-flight slot)
  bool finished = false;  ///< answered; kept only until its running attempt reports
  std::size_t worker = 0;
  std::string last_error;
  clock::time_point queued_at{};  ///< when it last joined the queue
};

struct gateway_state {
  static constexpr const char* name = "gateway";
  gateway_options options;
  std::unique_ptr<domain::circuit_breaker> breaker;
  std::mt19937_64 rng;
  std::vector<caf::actor> workers;
  std::size_t next_worker = 0;
  std::uint64_t next_id = 1;
  std::uint64_t next_token = 1;
  std::unordered_map<std::uint64_t, call_entry> calls;
  /// Deadlines of the calls not answered yet, earliest first, with one wake-up scheduled for
  /// the earliest (a timer message per call would stay queued in the clock for the whole
  /// deadline after its call ended).
  std::set<std::pair<clock::time_point, std::uint64_t>> deadlines;
  clock::time_point next_wake{};    ///< of the scheduled wake-up; epoch: none
  std::deque<std::uint64_t> queue;  ///< ready to attempt, in order
  std::size_t urgent_queued = 0;    ///< urgent calls at the front of `queue`
  std::size_t running = 0;
  gateway_stats stats;

  ~gateway_state() {
    // Whatever is still open is answered: the gateway is going away.
    for (auto& [id, e] : calls) {
      if (!e.finished && e.call->done) {
        e.call->done({call_status::shutting_down, e.attempts, e.previous_ambiguous,
                      "the gateway is shutting down"});
      }
    }
    for (const caf::actor& w : workers) caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  }
};

using self_ptr = caf::stateful_actor<gateway_state>*;

double uniform01(gateway_state& st) {
  return std::uniform_real_distribution<double>(0.0, 1.0)(st.rng);
}

void finish(self_ptr self, std::uint64_t id, call_status status, std::string error = {}) {
  auto& st = self->state;
  auto it = st.calls.find(id);
  if (it == st.calls.end() || it->second.finished) return;
  call_entry& e = it->second;
  e.finished = true;
  st.deadlines.erase({e.deadline, id});
  if (status == call_status::ok) {
    ++st.stats.succeeded;
  } else if (status == call_status::cancelled) {
    ++st.stats.cancelled;
  } else {
    ++st.stats.failed;
    if (status == call_status::deadline_exceeded) ++st.stats.deadlines;
  }
  const call_result r{status, e.attempts, e.previous_ambiguous,
                      error.empty() ? e.last_error : std::move(error)};
  if (status != call_status::ok && status != call_status::cancelled) st.stats.last_error = r.error;
  gateway_call_ptr call = e.call;
  if (!e.running) st.calls.erase(it);
  if (call->done) call->done(r);
}

/// Urgent calls wait ahead of normal ones; a retry goes to the front of its own class (it has
/// waited already).
void enqueue(gateway_state& st, std::uint64_t id, bool retry) {
  const auto it = st.calls.find(id);
  if (it != st.calls.end()) it->second.queued_at = clock::now();
  const bool urgent = it != st.calls.end() && it->second.call->urgent;
  if (urgent) {
    st.queue.insert(st.queue.begin() + static_cast<std::ptrdiff_t>(retry ? 0 : st.urgent_queued),
                    id);
    ++st.urgent_queued;
  } else if (retry) {
    st.queue.insert(st.queue.begin() + static_cast<std::ptrdiff_t>(st.urgent_queued), id);
  } else {
    st.queue.push_back(id);
  }
}

void pump(self_ptr self) {
  auto& st = self->state;
  while (st.running < st.options.max_in_flight && !st.queue.empty()) {
    const std::uint64_t id = st.queue.front();
    st.queue.pop_front();
    if (st.urgent_queued > 0) --st.urgent_queued;
    auto it = st.calls.find(id);
    if (it == st.calls.end() || it->second.finished) continue;
    call_entry& e = it->second;
    if (!st.breaker->try_acquire()) {
      ++st.stats.rejected_open;
      finish(self, id, call_status::circuit_open,
             st.options.name + ": circuit open" +
                 (e.last_error.empty() ? std::string() : " (last error: " + e.last_error + ")"));
      continue;
    }
    st.stats.slot_wait.record(std::chrono::duration<double>(clock::now() - e.queued_at).count());
    e.running = true;
    e.token = st.next_token++;
    ++e.attempts;
    ++st.running;
    ++st.stats.attempts;
    e.worker = st.next_worker++ % st.workers.size();
    attempt_context ctx{e.attempts, e.previous_ambiguous, e.deadline};
    self->send(st.workers[e.worker], attempt_atom::value, attempt_msg{id, e.token, e.call, ctx});
  }
  st.stats.in_flight = st.running;
  st.stats.queued = st.queue.size();
}

/// Keeps one wake-up scheduled for the earliest open deadline.
void arm_deadline_wake(self_ptr self) {
  auto& st = self->state;
  if (st.deadlines.empty()) return;
  const clock::time_point due = st.deadlines.begin()->first;
  if (st.next_wake != clock::time_point{} && st.next_wake <= due) return;  // one is coming
  st.next_wake = due;
  self->delayed_send(self, std::max(clock::duration::zero(), due - clock::now()),
                     deadline_atom::value,
                     static_cast<std::int64_t>(due.time_since_epoch().count()));
}

/// Answers a call whose deadline passed (an attempt still running keeps its slot until it
/// reports).
void expire(self_ptr self, std::uint64_t id) {
  auto& s = self->state;
  auto it = s.calls.find(id);
  if (it == s.calls.end() || it->second.finished) return;
  if (!it->second.running) {
    const auto at = std::find(s.queue.begin(), s.queue.end(), id);
    if (at != s.queue.end()) {
      if (static_cast<std::size_t>(at - s.queue.begin()) < s.urgent_queued) --s.urgent_queued;
      s.queue.erase(at);
    }
    s.stats.queued = s.queue.size();
  }
  finish(self, id, call_status::deadline_exceeded,
         s.options.name + ": deadline exceeded" +
             (it->second.last_error.empty() ? std::string()
                                            : " (last error: " + it->second.last_error + ")"));
}

void on_report(self_ptr self, report_msg& m) {
  auto& st = self->state;
  auto it = st.calls.find(m.id);
  if (it == st.calls.end() || !it->second.running || it->second.token != m.token) return;
  call_entry& e = it->second;
  e.running = false;
  --st.running;
  const attempt_report& r = m.report;
  if (r.success) {
    st.breaker->record_success();
  } else if (r.counts_for_breaker && !r.cancelled) {
    st.breaker->record_failure();
  } else {
    st.breaker->record_ignored();
  }
  if (e.finished) {  // answered already (deadline); only the slot was still held
    st.calls.erase(it);
    return pump(self);
  }
  if (r.success) {
    e.previous_ambiguous = false;
    finish(self, m.id, call_status::ok);
    return pump(self);
  }
  if (r.cancelled) {
    finish(self, m.id, call_status::cancelled, r.error);
    return pump(self);
  }
  e.last_error = r.error;
  const domain::retry_decision d = domain::decide_retry(r.outcome, e.attempts, st.options.backoff,
                                                        st.options.budget, uniform01(st));
  e.previous_ambiguous = e.previous_ambiguous || d.ambiguous || r.outcome.ambiguous;
  if (d.verdict == domain::retry_verdict::retry ||
      d.verdict == domain::retry_verdict::check_then_retry) {
    if (clock::now() + d.delay >= e.deadline) {
      finish(self, m.id, call_status::deadline_exceeded,
             e.last_error + " (no time left for another attempt)");
    } else {
      ++st.stats.retries;
      self->delayed_send(self, d.delay, retry_atom::value, m.id);
    }
  } else {
    finish(self, m.id, call_status::failed,
           e.last_error.empty() ? std::string(d.reason) : e.last_error);
  }
  pump(self);
}

caf::actor spawn_worker(self_ptr self, std::size_t index) {
  return self->spawn<caf::monitored>(worker, index);
}

void on_worker_down(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  std::size_t index = st.workers.size();
  for (std::size_t i = 0; i < st.workers.size(); ++i) {
    if (st.workers[i].address() == dm.source) index = i;
  }
  if (index == st.workers.size()) return;
  ++st.stats.worker_restarts;
  log::warn("gateway_worker_restarted",
            {{"gateway", st.options.name}, {"reason", caf::to_string(dm.reason)}});
  st.workers[index] = spawn_worker(self, index);
  // The calls it held run again; their attempt may have taken effect.
  std::vector<std::uint64_t> again;
  for (auto& [id, e] : st.calls) {
    if (!e.running || e.worker != index) continue;
    e.running = false;
    --st.running;
    st.breaker->record_ignored();
    e.previous_ambiguous = true;
    if (!e.finished) again.push_back(id);
  }
  std::erase_if(st.calls, [](const auto& kv) { return kv.second.finished && !kv.second.running; });
  std::sort(again.begin(), again.end());
  for (auto it = again.rbegin(); it != again.rend(); ++it) enqueue(st, *it, true);
  pump(self);
}

gateway_stats current_stats(gateway_state& s) {
  gateway_stats out = s.stats;
  out.in_flight = s.running;
  out.queued = s.queue.size();
  out.breaker = s.breaker->state();
  out.breaker_opened = s.breaker->stats().times_opened;
  return out;
}

caf::behavior gateway_behavior(self_ptr self, gateway_options options) {
  auto& st = self->state;
  if (options.max_in_flight == 0) options.max_in_flight = 1;
  st.options = std::move(options);
  st.stats.name = st.options.name;
  st.rng.seed(st.options.seed != 0
                  ? st.options.seed
                  : static_cast<std::uint64_t>(clock::now().time_since_epoch().count()));
  st.breaker = std::make_unique<domain::circuit_breaker>(st.options.breaker);
  const std::string name = st.options.name;
  st.breaker->on_state_change([name](domain::breaker_state from, domain::breaker_state to) {
    log::warn(
        "gateway_circuit",
        {{"gateway", name}, {"from", domain::to_string(from)}, {"to", domain::to_string(to)}});
  });
  const std::size_t n = std::min<std::size_t>(st.options.max_in_flight, 4);
  for (std::size_t i = 0; i < n; ++i) st.workers.push_back(spawn_worker(self, i));
  self->set_down_handler([self](caf::down_msg& dm) { on_worker_down(self, dm); });
  return {
      [self](call_atom, gateway_call_ptr& call) {
        auto& s = self->state;
        ++s.stats.calls;
        if (!call) return;
        if (s.breaker->state() == domain::breaker_state::open) {
          ++s.stats.rejected_open;
          ++s.stats.failed;
          if (call->done)
            call->done({call_status::circuit_open, 0, false, s.options.name + ": circuit open"});
          return;
        }
        // A queue full of normal calls does not refuse an urgent one: it waits ahead of them,
        // with room of its own for max_queued urgent calls.
        const std::size_t waiting = call->urgent ? s.urgent_queued : s.queue.size();
        if (s.running >= s.options.max_in_flight && waiting >= s.options.max_queued) {
          ++s.stats.rejected_overloaded;
          ++s.stats.failed;
          if (call->done)
            call->done({call_status::overloaded, 0, false, s.options.name + ": overloaded"});
          return;
        }
        const std::uint64_t id = s.next_id++;
        call_entry e;
        e.deadline = clock::now() + call->deadline;
        e.call = std::move(call);
        s.deadlines.emplace(e.deadline, id);
        s.calls.emplace(id, std::move(e));
        arm_deadline_wake(self);
        enqueue(s, id, false);
        pump(self);
      },
      [self](report_atom, report_msg& m) { on_report(self, m); },
      [self](retry_atom, std::uint64_t id) {
        auto& s = self->state;
        auto it = s.calls.find(id);
        if (it == s.calls.end() || it->second.finished || it->second.running) return;
        enqueue(s, id, true);
        pump(self);
      },
      [self](deadline_atom, std::int64_t due) {
        auto& s = self->state;
        if (due == s.next_wake.time_since_epoch().count()) s.next_wake = clock::time_point{};
        const clock::time_point now = clock::now();
        while (!s.deadlines.empty() && s.deadlines.begin()->first <= now) {
          const auto first = *s.deadlines.begin();
          expire(self, first.second);
          s.deadlines.erase(first);  // expire did, unless the call was answered already
        }
        arm_deadline_wake(self);
      },
      [self](stats_atom) { return current_stats(self->state); },
      [self](gateway_stats_atom) { return current_stats(self->state); },
  };
}

}  // namespace

attempt_report client_gone_report() {
  attempt_report rep;
  rep.outcome.transport_failure = true;
  rep.counts_for_breaker = false;
  rep.error = "shutting down";
  return rep;
}

std::string_view to_string(call_status s) noexcept {
  switch (s) {
    case call_status::ok:
      return "ok";
    case call_status::failed:
      return "failed";
    case call_status::overloaded:
      return "overloaded";
    case call_status::circuit_open:
      return "circuit_open";
    case call_status::deadline_exceeded:
      return "deadline_exceeded";
    case call_status::shutting_down:
      return "shutting_down";
    case call_status::cancelled:
      return "cancelled";
  }
  return "failed";
}

caf::actor spawn_gateway(caf::actor_system& sys, gateway_options options) {
  return sys.spawn(gateway_behavior, std::move(options));
}

void submit_call(const caf::actor& gateway, gateway_call_ptr c) {
  if (!gateway) {
    if (c && c->done) c->done({call_status::shutting_down, 0, false, "no gateway"});
    return;
  }
  caf::anon_send(gateway, call_atom::value, std::move(c));
}

}  // namespace frontdesk::actors
