#pragma once
// Test helpers: reach any state of the machine through legal events.

#include <gtest/gtest.h>

#include <stdexcept>

#include "fsm/machine.hpp"

namespace frontdesk::fsm::testing {

inline time_point t0() {
  return time_point(std::chrono::milliseconds(1'780'000'000'000));
}

struct driver {
  conversation conv{};
  machine_config cfg{};
  time_point now = t0();
  std::vector<outcome> history;

  explicit driver(std::int64_t id = 42) { conv.id = id; }

  expected<outcome, error> try_apply(const event& e) {
    return apply(conv, e, context{now, "test", "test"}, cfg);
  }
  /// Applies an event that must be accepted; returns its outcome.
  const outcome& must(const event& e) {
    auto r = try_apply(e);
    if (!r) {
      throw std::runtime_error("refused: " + r.error().message);
    }
    conv = r->next;
    history.push_back(std::move(*r));
    return history.back();
  }
  void message(std::int64_t id = 1) { must(ev::customer_message{id}); }
  void triage_ai(domain::priority p = domain::priority::p2) { must(ev::triaged{p, false, ""}); }
  void triage_human(std::string reason = "p0") {
    must(ev::triaged{domain::priority::p0, true, std::move(reason)});
  }
  void draft(double confidence = 0.9) { must(ev::draft_ready{conv.draft_request, confidence}); }
  void approve() { must(ev::approve{conv.draft_version, "op1", "fp-approve"}); }
  void grade() { must(ev::grade{"op1", "fp-grade"}); }

  /// Brings a fresh conversation to `s` through legal events.
  void reach(state s) {
    switch (s) {
      case state::fresh:
        return;
      case state::received:
        message();
        return;
      case state::triaged:  // transient: not reachable at rest; set directly
        conv.current = state::triaged;
        return;
      case state::drafting:
        message();
        triage_ai();
        return;
      case state::awaiting_approval:
        reach(state::drafting);
        draft();
        return;
      case state::sent:
        reach(state::awaiting_approval);
        approve();
        return;
      case state::graded:
        reach(state::sent);
        grade();
        return;
      case state::escalated:
        message();
        triage_human();
        return;
      case state::closed:
        reach(state::escalated);
        must(ev::resolved{});
        return;
    }
  }

  /// An event of kind k with arguments that are right for the current conversation
  /// (current version, current request, an armed timer), so only legality decides.
  event well_formed(event_kind k) const {
    switch (k) {
      case event_kind::customer_message:
        return ev::customer_message{99};
      case event_kind::triage_ai:
        return ev::triaged{domain::priority::p2, false, ""};
      case event_kind::triage_human:
        return ev::triaged{domain::priority::p0, true, "p0"};
      case event_kind::draft_ready:
        return ev::draft_ready{conv.draft_request, 0.95};
      case event_kind::draft_failed:
        return ev::draft_failed{conv.draft_request, "llm down"};
      case event_kind::approve:
        return ev::approve{conv.draft_version, "op", "fp-a"};
      case event_kind::edit:
        return ev::edit{conv.draft_version, "op", "fp-e"};
      case event_kind::escalate:
        return ev::escalate{conv.draft_version, "op", "fp-x", 7};
      case event_kind::reject:
        return ev::reject{conv.draft_version, "op", "fp-r"};
      case event_kind::grade:
        return ev::grade{"op", "fp-g2"};
      case event_kind::human_replied:
        return ev::human_replied{500};
      case event_kind::timer_fired: {
        for (std::size_t i = 0; i < timer_count; ++i) {
          if (conv.timers[i].due) return ev::timer_fired{timer_name(i), conv.timers[i].epoch};
        }
        return ev::timer_fired{timer_name::first_response_breach, conv.timers[4].epoch};
      }
      case event_kind::resolved:
        return ev::resolved{};
      case event_kind::hand_back:
        return ev::hand_back{"op"};
    }
    return ev::resolved{};
  }
};

}  // namespace frontdesk::fsm::testing
