// A seeded randomized simulation of many conversations driven through the machine by
// random events (right and wrong), checking PRODUCT.md's invariants after every step.
//   FRONTDESK_SIM_EVENTS=10000000  longer run     FRONTDESK_SIM_SEED=N  replay a seed

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <unordered_map>

#include "fsm/machine.hpp"
#include "fsm/recovery.hpp"
#include "fsm/snapshot.hpp"

namespace frontdesk::fsm {
namespace {

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

/// The world around one conversation: work in flight and armed timers, as the actor
/// and the gateways would hold them.
struct world {
  conversation conv;
  bool triage_pending = false;
  std::uint64_t draft_pending = 0;  ///< request id being worked on (0: none)
  std::map<timer_name, std::pair<time_point, std::uint64_t>> timers;
  std::set<std::uint64_t> superseded;
  std::set<std::uint64_t> sent_versions;
  bool owes_answer = false;  ///< a customer message not yet queued, escalated or answered
};

class simulation {
 public:
  explicit simulation(std::uint64_t seed, std::size_t conversations) : rng_(seed) {
    worlds_.resize(conversations);
    for (std::size_t i = 0; i < conversations; ++i) worlds_[i].conv.id = std::int64_t(i + 1);
  }

  /// Runs `n` random events; returns false (with a message) at the first broken invariant.
  bool run(std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i) {
      now_ += std::chrono::milliseconds(pick(0, 30'000));
      world& w = worlds_[pick(0, worlds_.size() - 1)];
      if (pick(0, 999) < 3) {
        crash_and_recover(w);
        if (!ok_) return false;
        continue;
      }
      step(w, random_event(w));
      if (!ok_) return false;
    }
    return true;
  }

  /// Lets every conversation finish its work in flight; then no customer message may be
  /// left without a queued draft, an escalation or a human answer (invariant 2).
  bool quiesce() {
    for (world& w : worlds_) {
      for (int round = 0; round < 8 && (w.triage_pending || w.draft_pending); ++round) {
        if (w.triage_pending) {
          step(w, ev::triaged{domain::priority::p2, false, ""});
        } else if (w.draft_pending) {
          step(w, ev::draft_ready{w.draft_pending, 0.9});
        }
        if (!ok_) return false;
      }
      if (w.owes_answer) {
        return fail(w, "customer message neither queued nor escalated (state " +
                           std::string(to_string(w.conv.current)) + ")");
      }
    }
    return true;
  }

  const std::string& why() const { return why_; }
  std::uint64_t applied() const { return applied_; }
  std::uint64_t refused() const { return refused_; }
  std::uint64_t sends() const { return sends_; }

 private:
  std::uint64_t pick(std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng_);
  }
  std::string fingerprint() { return "fp" + std::to_string(pick(0, 2)); }

  event random_event(world& w) {
    const conversation& c = w.conv;
    const std::uint64_t roll = pick(0, 99);
    const std::uint64_t version =
        pick(0, 9) < 8 ? c.draft_version : (c.draft_version > 0 ? c.draft_version - pick(0, 1) : 0);
    if (roll < 18) return ev::customer_message{std::int64_t(pick(1, 1'000'000))};
    if (roll < 32 && w.triage_pending) {
      const bool human = pick(0, 9) < 2;
      return ev::triaged{domain::priority(pick(human ? 0 : 1, 3)), human,
                         human ? "keyword:lawyer" : ""};
    }
    if (roll < 46 && w.draft_pending) {
      const std::uint64_t id = pick(0, 9) < 9 ? w.draft_pending : w.draft_pending - 1;
      if (pick(0, 9) < 8) return ev::draft_ready{id, double(pick(40, 100)) / 100.0};
      return ev::draft_failed{id, "llm timeout"};
    }
    if (roll < 66) {
      switch (pick(0, 3)) {
        case 0:
          return ev::approve{version, "op", fingerprint()};
        case 1:
          return ev::edit{version, "op", fingerprint()};
        case 2:
          return ev::escalate{version, "op", fingerprint(), 7};
        default:
          return ev::reject{version, "op", fingerprint()};
      }
    }
    if (roll < 71) return ev::grade{"op", fingerprint()};
    if (roll < 74) return ev::human_replied{std::int64_t(pick(1, 1'000'000))};
    if (roll < 88 && !w.timers.empty()) {
      auto it = w.timers.begin();
      std::advance(it, pick(0, w.timers.size() - 1));
      if (it->second.first > now_) now_ = it->second.first;  // time passes until it is due
      const bool stale = pick(0, 9) == 0;
      return ev::timer_fired{it->first, it->second.second - (stale ? 1 : 0)};
    }
    if (roll < 90) return ev::resolved{};
    if (roll < 92) return ev::hand_back{"op"};
    // Garbage: any kind with arbitrary arguments.
    switch (pick(0, 3)) {
      case 0:
        return ev::draft_ready{pick(0, 50), 0.99};
      case 1:
        return ev::timer_fired{timer_name(pick(0, timer_count - 1)), pick(0, 20)};
      case 2:
        return ev::approve{pick(0, 30), "op", "x"};
      default:
        return ev::triaged{domain::priority::p1, false, ""};
    }
  }

  void step(world& w, const event& e) {
    const conversation before = w.conv;
    auto r = apply(before, e, context{now_, "sim", "sim"}, cfg_);
    if (!r) {
      ++refused_;
      if (r.error().message.empty()) fail(w, "refusal without a message");
      return;
    }
    ++applied_;
    const outcome& o = *r;
    if (o.repeat) {
      if (!o.todo.empty() || !o.trace.empty() || !(o.next == before)) {
        fail(w, "a repeat changed something");
      }
      return;
    }
    check_trace(w, before, o);
    consume(w, e);
    for (const effect& fx_ : o.todo) perform(w, before, e, fx_);
    if (o.next.draft_version < before.draft_version) fail(w, "draft version went back");
    w.conv = o.next;
    track_answer(w, e);
    check_in_flight(w);
  }

  /// Invariant 6: every state change has exactly one trace record with its cause.
  void check_trace(world& w, const conversation& before, const outcome& o) {
    if (o.trace.empty()) return void(fail(w, "an applied event wrote no trace"));
    if (o.trace.front().from != before.current) fail(w, "trace does not start at the old state");
    if (o.trace.back().to != o.next.current) fail(w, "trace does not end at the new state");
    for (std::size_t i = 0; i < o.trace.size(); ++i) {
      if (o.trace[i].seq != before.trace_seq + i + 1) fail(w, "trace seq gap");
      if (o.trace[i].cause.empty()) fail(w, "trace without a cause");
      if (i > 0 && o.trace[i - 1].to != o.trace[i].from) fail(w, "trace chain broken");
      if (o.trace[i].from == o.trace[i].to && o.trace.size() > 1) fail(w, "empty hop in a chain");
    }
  }

  void perform(world& w, const conversation& before, const event& e, const effect& f) {
    if (const auto* s = std::get_if<fx::send_reply>(&f)) {
      // Invariant 1: only an operator action on that exact, current version sends.
      const std::uint64_t v =
          std::holds_alternative<ev::approve>(e) ? std::get<ev::approve>(e).draft_version
          : std::holds_alternative<ev::edit>(e)  ? std::get<ev::edit>(e).draft_version
                                                 : 0;
      if (v == 0 || v != s->draft_version || v != before.draft_version ||
          before.current != state::awaiting_approval) {
        fail(w, "a reply was sent without an operator action on its exact version");
      }
      // Invariant 4: a superseded draft can never be approved.
      if (w.superseded.count(s->draft_version)) fail(w, "a superseded draft was sent");
      // Invariant 3: one approval sends at most one reply.
      if (!w.sent_versions.insert(s->draft_version).second) fail(w, "a draft was sent twice");
      ++sends_;
    } else if (const auto* sd = std::get_if<fx::supersede_draft>(&f)) {
      w.superseded.insert(sd->draft_version);
    } else if (std::holds_alternative<fx::request_triage>(f)) {
      w.triage_pending = true;
    } else if (const auto* rd = std::get_if<fx::request_draft>(&f)) {
      w.draft_pending = rd->request_id;
    } else if (const auto* cd = std::get_if<fx::cancel_draft>(&f)) {
      if (w.draft_pending == cd->request_id) w.draft_pending = 0;
    } else if (const auto* a = std::get_if<fx::arm_timer>(&f)) {
      w.timers[a->name] = {a->due, a->epoch};
    } else if (const auto* ct = std::get_if<fx::cancel_timer>(&f)) {
      w.timers.erase(ct->name);
    }
  }

  /// Work the event itself completes, whatever effects it had.
  static void consume(world& w, const event& e) {
    if (std::holds_alternative<ev::triaged>(e)) w.triage_pending = false;
    if (const auto* d = std::get_if<ev::draft_ready>(&e); d && d->request_id == w.draft_pending)
      w.draft_pending = 0;
    if (const auto* d = std::get_if<ev::draft_failed>(&e); d && d->request_id == w.draft_pending)
      w.draft_pending = 0;
    if (const auto* t = std::get_if<ev::timer_fired>(&e)) {
      auto it = w.timers.find(t->name);
      if (it != w.timers.end() && it->second.second == t->epoch) w.timers.erase(it);
    }
  }

  void track_answer(world& w, const event& e) {
    const state s = w.conv.current;
    if (std::holds_alternative<ev::customer_message>(e) ||
        std::holds_alternative<ev::hand_back>(e)) {
      w.owes_answer = (s == state::received || s == state::drafting);
    }
    if (s == state::awaiting_approval || s == state::escalated || s == state::closed ||
        s == state::sent || s == state::graded) {
      w.owes_answer = false;
    }
  }

  /// Work in flight is always accounted for, so nothing can be lost (invariant 2).
  void check_in_flight(world& w) {
    const conversation& c = w.conv;
    if (c.current == state::received && !w.triage_pending) fail(w, "received without triage");
    if (c.current == state::drafting) {
      if (w.draft_pending != c.draft_request || c.draft_request == 0)
        fail(w, "drafting without its request in flight");
      if (!c.timer(timer_name::draft_deadline).due) fail(w, "drafting without a deadline");
    }
    for (std::size_t i = 0; i < timer_count; ++i) {
      const auto it = w.timers.find(timer_name(i));
      const bool armed = c.timers[i].due.has_value();
      if (armed != (it != w.timers.end()) || (armed && (it->second.first != *c.timers[i].due ||
                                                        it->second.second != c.timers[i].epoch)))
        fail(w, "timer " + std::string(to_string(timer_name(i))) + " out of sync");
    }
  }

  /// Invariant 5: after a crash the conversation is what it was, with its timers; the
  /// work in flight is re-issued from the snapshot alone.
  void crash_and_recover(world& w) {
    const std::string snap = to_snapshot(w.conv);
    auto back = from_snapshot(snap);
    if (!back) return void(fail(w, "snapshot does not parse: " + back.error()));
    if (!(*back == w.conv)) return void(fail(w, "snapshot round trip changed the conversation"));
    w.triage_pending = false;
    w.draft_pending = 0;
    w.timers.clear();
    for (const effect& f : recovery_effects(*back)) {
      if (const auto* a = std::get_if<fx::arm_timer>(&f)) w.timers[a->name] = {a->due, a->epoch};
      if (std::holds_alternative<fx::request_triage>(f)) w.triage_pending = true;
      if (const auto* rd = std::get_if<fx::request_draft>(&f)) w.draft_pending = rd->request_id;
    }
    w.conv = *back;
    check_in_flight(w);
  }

  bool fail(const world& w, const std::string& what) {
    if (ok_) why_ = "conversation " + std::to_string(w.conv.id) + ": " + what;
    ok_ = false;
    return false;
  }

  std::mt19937_64 rng_;
  std::vector<world> worlds_;
  machine_config cfg_{};
  time_point now_{std::chrono::milliseconds(1'780'000'000'000)};
  bool ok_ = true;
  std::string why_;
  std::uint64_t applied_ = 0, refused_ = 0, sends_ = 0;
};

TEST(simulation, invariants_hold_for_many_conversations) {
  const std::uint64_t seed = env_or("FRONTDESK_SIM_SEED", std::random_device{}());
  const std::uint64_t events = env_or("FRONTDESK_SIM_EVENTS", 200'000);
  const std::size_t conversations = env_or("FRONTDESK_SIM_CONVERSATIONS", 1'000);
  simulation sim(seed, conversations);
  const auto start = std::chrono::steady_clock::now();
  const bool ran = sim.run(events);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(ran) << "seed " << seed << ": " << sim.why()
                   << "  (replay: FRONTDESK_SIM_SEED=" << seed << ")";
  ASSERT_TRUE(sim.quiesce()) << "seed " << seed << ": " << sim.why();
  std::printf(
      "simulation: seed %llu, %llu events over %zu conversations in %.2f s = %.0f events/s"
      " (%llu applied, %llu refused, %llu replies sent)\n",
      static_cast<unsigned long long>(seed), static_cast<unsigned long long>(events), conversations,
      secs, double(events) / secs, static_cast<unsigned long long>(sim.applied()),
      static_cast<unsigned long long>(sim.refused()), static_cast<unsigned long long>(sim.sends()));
  // The run must exercise the interesting paths, not just refusals.
  EXPECT_GT(sim.sends(), events / 1000);
  EXPECT_GT(sim.applied(), events / 3);
}

}  // namespace
}  // namespace frontdesk::fsm
