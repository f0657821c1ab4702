#include "fsm/machine.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace frontdesk::fsm {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

expected<outcome, error> refuse(error_code code, std::string message) {
  return unexpected{error{code, std::move(message)}};
}

/// Accumulates one application of an event: the working copy, its effects and trace.
class builder {
 public:
  builder(const conversation& c, const context& ctx, const machine_config& cfg, event_kind kind)
      : out_{c, {}, {}, false}, ctx_(ctx), cfg_(cfg), kind_(kind) {}

  conversation& conv() { return out_.next; }
  void emit(effect e) { out_.todo.push_back(std::move(e)); }

  /// Moves to `to`, running exit actions of the old state and enter actions of the new
  /// one (gen_statem style: timers are armed and cancelled only here). A self-transition
  /// records a trace but re-runs no enter action unless `reenter`.
  void go(state to, std::string detail = {}, bool reenter = false) {
    conversation& c = out_.next;
    const state from = c.current;
    if (from != to || reenter) exit(from);
    c.current = to;
    trace_record r;
    r.conversation_id = c.id;
    r.seq = ++c.trace_seq;
    r.at = ctx_.now;
    r.from = from;
    r.to = to;
    r.event = std::string(to_string(kind_));
    r.cause = ctx_.cause;
    r.actor = ctx_.actor;
    r.detail = std::move(detail);
    out_.trace.push_back(std::move(r));
    if (from != to || reenter) enter(to);
  }

  void arm(timer_name t, time_point due) {
    timer_slot& s = out_.next.timer(t);
    s.due = due;
    ++s.epoch;
    emit(fx::arm_timer{t, due, s.epoch});
  }
  void cancel(timer_name t) {
    timer_slot& s = out_.next.timer(t);
    if (!s.due) return;
    s.due.reset();
    ++s.epoch;
    emit(fx::cancel_timer{t});
  }

  /// Arms the SLA timers of every running clock once the priority is known. `force`
  /// re-arms armed ones (the priority changed).
  void arm_sla(bool force) {
    conversation& c = out_.next;
    if (!c.priority) return;
    const time_point fr_start = c.first_response_clock.value_or(ctx_.now);
    const time_point res_start = c.resolution_clock.value_or(ctx_.now);
    const sla_deadlines d = cfg_.sla(fr_start, res_start, *c.priority);
    auto arm_if = [&](timer_name t, time_point due) {
      if (force || !c.timer(t).due) arm(t, due);
    };
    if (c.first_response_clock) {
      arm_if(timer_name::first_response_warning, d.first_response_warning);
      arm_if(timer_name::first_response_breach, d.first_response_due);
    }
    if (c.resolution_clock) {
      arm_if(timer_name::resolution_warning, d.resolution_warning);
      arm_if(timer_name::resolution_breach, d.resolution_due);
    }
  }

  void start_clocks() {
    conversation& c = out_.next;
    if (!c.first_response_clock) c.first_response_clock = ctx_.now;
    if (!c.resolution_clock) c.resolution_clock = ctx_.now;
  }

  void first_response_given() {
    conversation& c = out_.next;
    if (!c.first_response_clock) return;
    c.first_response_clock.reset();
    cancel(timer_name::first_response_warning);
    cancel(timer_name::first_response_breach);
    emit(fx::first_response_given{});
  }

  outcome finish() && { return std::move(out_); }
  const context& ctx() const { return ctx_; }
  const machine_config& cfg() const { return cfg_; }

 private:
  void exit(state s) {
    conversation& c = out_.next;
    switch (s) {
      case state::drafting:
        cancel(timer_name::draft_deadline);
        if (c.draft_request != 0) {
          emit(fx::cancel_draft{c.draft_request});
          c.draft_request = 0;
        }
        break;
      case state::awaiting_approval:
        cancel(timer_name::approval_notify);
        cancel(timer_name::approval_manager);
        break;
      default:
        break;
    }
  }

  void enter(state s) {
    conversation& c = out_.next;
    switch (s) {
      case state::drafting:
        c.draft_request = ++c.requests_minted;
        emit(fx::request_draft{c.draft_request});
        arm(timer_name::draft_deadline, ctx_.now + cfg_.draft_timeout);
        break;
      case state::awaiting_approval:
        arm(timer_name::approval_notify, ctx_.now + cfg_.approval_notify_after);
        arm(timer_name::approval_manager, ctx_.now + cfg_.approval_manager_after);
        break;
      case state::escalated:
        break;
      case state::closed:
        for (std::size_t i = 0; i < timer_count; ++i) cancel(static_cast<timer_name>(i));
        c.first_response_clock.reset();
        c.resolution_clock.reset();
        c.draft_request = 0;
        emit(fx::record_resolution{});
        break;
      default:
        break;
    }
  }

  outcome out_;
  const context& ctx_;
  const machine_config& cfg_;
  event_kind kind_;
};

void escalate_to_human(builder& b, std::string reason, std::uint64_t draft_version,
                       bool low_confidence) {
  b.conv().escalation_reason = reason;
  b.emit(fx::hand_off{reason, draft_version, low_confidence});
  b.go(state::escalated, "reason=" + reason);
}

/// An operator action that names a draft version.
struct draft_action {
  std::uint64_t version = 0;
  std::string_view action;
  std::string_view fingerprint;
};

std::optional<draft_action> draft_action_of(const event& e) {
  return std::visit(overloaded{
                        [](const ev::approve& a) -> std::optional<draft_action> {
                          return draft_action{a.draft_version, "approve", a.fingerprint};
                        },
                        [](const ev::edit& a) -> std::optional<draft_action> {
                          return draft_action{a.draft_version, "edit", a.fingerprint};
                        },
                        [](const ev::escalate& a) -> std::optional<draft_action> {
                          return draft_action{a.draft_version, "escalate", a.fingerprint};
                        },
                        [](const ev::reject& a) -> std::optional<draft_action> {
                          return draft_action{a.draft_version, "reject", a.fingerprint};
                        },
                        [](const auto&) -> std::optional<draft_action> { return std::nullopt; },
                    },
                    e);
}

/// Checks an operator action against the draft it names: an error, or nothing when the
/// action applies. `repeat` is set for an identical repeat of the last decision.
std::optional<error> check_draft_action(const conversation& c, const draft_action& a,
                                        bool& repeat) {
  repeat = false;
  if (c.last_decision && c.last_decision->draft_version == a.version &&
      c.last_decision->action == a.action && c.last_decision->fingerprint == a.fingerprint) {
    repeat = true;
    return std::nullopt;
  }
  if (c.draft_version == 0) {
    return error{error_code::illegal_event, "no draft has been queued for this conversation"};
  }
  if (a.version != c.draft_version) {
    return error{error_code::stale_draft_version, "draft version " + std::to_string(a.version) +
                                                      " is not the current version " +
                                                      std::to_string(c.draft_version)};
  }
  if (c.current != state::awaiting_approval) {
    if (c.last_decision && c.last_decision->draft_version == a.version) {
      return error{error_code::already_decided, "draft version " + std::to_string(a.version) +
                                                    " was already decided (" +
                                                    c.last_decision->action + ")"};
    }
    return error{error_code::stale_draft_version, "draft version " + std::to_string(a.version) +
                                                      " is no longer awaiting approval (state " +
                                                      std::string(to_string(c.current)) + ")"};
  }
  return std::nullopt;
}

void decide(builder& b, std::uint64_t version, std::string action, std::string fingerprint) {
  b.conv().last_decision = decision{version, action, std::move(fingerprint)};
  b.emit(fx::record_decision{version, std::move(action)});
}

std::optional<error> stale_request(const conversation& c, std::uint64_t request_id) {
  if (request_id == c.draft_request) return std::nullopt;
  return error{error_code::stale_draft_result, "draft request " + std::to_string(request_id) +
                                                   " is not the current " +
                                                   std::to_string(c.draft_request)};
}

}  // namespace

sla_deadlines wall_clock_sla(time_point fr_start, time_point res_start, domain::priority p) {
  static constexpr std::array<minutes, 4> first{minutes(15), hours(1), hours(4), hours(24)};
  static constexpr std::array<minutes, 4> resolution{hours(2), hours(8), hours(24), hours(72)};
  const auto i = static_cast<std::size_t>(p);
  auto warn = [](time_point start, minutes d) {
    return start + std::chrono::duration_cast<std::chrono::milliseconds>(d * 3) / 4;
  };
  return {warn(fr_start, first[i]), fr_start + first[i], warn(res_start, resolution[i]),
          res_start + resolution[i]};
}

expected<outcome, error> apply(const conversation& c, const event& e, const context& ctx,
                               const machine_config& cfg) {
  const event_kind kind = kind_of(e);

  // Operator actions name a draft: identical repeats succeed with nothing to do, stale
  // or already-decided versions are refused with the precise reason.
  if (const auto a = draft_action_of(e)) {
    bool repeat = false;
    if (auto err = check_draft_action(c, *a, repeat)) return unexpected{std::move(*err)};
    if (repeat) return outcome{c, {}, {}, true};
  }
  if (const auto* g = std::get_if<ev::grade>(&e);
      g && !c.last_grade_fingerprint.empty() && g->fingerprint == c.last_grade_fingerprint) {
    return outcome{c, {}, {}, true};
  }
  if (!has_row(c.current, kind)) {
    const std::string where = " in state " + std::string(to_string(c.current));
    if (kind == event_kind::draft_ready || kind == event_kind::draft_failed) {
      return refuse(error_code::stale_draft_result, "draft answer arrived" + where);
    }
    if (kind == event_kind::timer_fired) {
      return refuse(error_code::stale_timer, "timer fired" + where);
    }
    return refuse(error_code::illegal_event,
                  "event " + std::string(to_string(kind)) + " is not allowed" + where);
  }

  builder b(c, ctx, cfg, kind);
  conversation& n = b.conv();

  auto visitor = overloaded{
      [&](const ev::customer_message& m) -> std::optional<error> {
        n.last_customer_message = m.message_id;
        b.emit(fx::store_message{m.message_id});
        b.start_clocks();
        switch (c.current) {
          case state::received:
            // Triage is already under way; it reads the latest message.
            b.go(state::received, "another message before triage");
            break;
          case state::drafting:
            b.emit(fx::request_triage{});
            b.go(state::drafting, "superseded in-flight draft request", true);
            break;
          case state::awaiting_approval:
            b.emit(fx::supersede_draft{c.draft_version});
            b.emit(fx::request_triage{});
            b.go(state::drafting, "draft v" + std::to_string(c.draft_version) + " superseded");
            break;
          case state::escalated:
            b.arm_sla(false);
            b.go(state::escalated, "humans own this conversation");
            break;
          default:  // fresh, sent, graded, closed: a new cycle
            n.escalation_reason.clear();
            b.emit(fx::request_triage{});
            b.go(state::received);
            break;
        }
        return std::nullopt;
      },
      [&](const ev::triaged& t) -> std::optional<error> {
        const bool changed = n.priority != t.priority;
        n.priority = t.priority;
        if (c.current == state::drafting) {
          // Re-triage of a message that arrived while drafting.
          if (t.route_to_human) {
            escalate_to_human(b, t.reason, 0, false);
          } else {
            b.go(state::drafting, "re-triaged " + std::string(domain::to_string(t.priority)));
          }
          b.arm_sla(changed);
          return std::nullopt;
        }
        b.arm_sla(changed);
        if (t.route_to_human) {
          escalate_to_human(b, t.reason, 0, false);
        } else {
          b.go(state::triaged, std::string(domain::to_string(t.priority)));
          b.go(state::drafting);
        }
        return std::nullopt;
      },
      [&](const ev::draft_ready& d) -> std::optional<error> {
        if (auto err = stale_request(c, d.request_id)) return err;
        n.draft_request = 0;  // answered: nothing to cancel on exit
        ++n.draft_version;
        if (d.confidence >= b.cfg().confidence_threshold) {
          b.emit(fx::enqueue_draft{n.draft_version});
          b.go(state::awaiting_approval, "draft v" + std::to_string(n.draft_version));
        } else {
          escalate_to_human(b, "low_confidence", n.draft_version, true);
        }
        return std::nullopt;
      },
      [&](const ev::draft_failed& d) -> std::optional<error> {
        if (auto err = stale_request(c, d.request_id)) return err;
        escalate_to_human(b, "ai_unavailable", 0, false);
        return std::nullopt;
      },
      [&](const ev::approve& a) -> std::optional<error> {
        decide(b, a.draft_version, "approve", a.fingerprint);
        b.emit(fx::send_reply{a.draft_version, false});
        b.first_response_given();
        b.go(state::sent, "approved by " + a.operator_id);
        return std::nullopt;
      },
      [&](const ev::edit& a) -> std::optional<error> {
        decide(b, a.draft_version, "edit", a.fingerprint);
        b.emit(fx::send_reply{a.draft_version, true});
        b.first_response_given();
        b.go(state::sent, "edited by " + a.operator_id);
        return std::nullopt;
      },
      [&](const ev::escalate& a) -> std::optional<error> {
        decide(b, a.draft_version, "escalate", a.fingerprint);
        escalate_to_human(b, "operator", a.draft_version, false);
        return std::nullopt;
      },
      [&](const ev::reject& a) -> std::optional<error> {
        decide(b, a.draft_version, "reject", a.fingerprint);
        escalate_to_human(b, "rejected", 0, false);
        return std::nullopt;
      },
      [&](const ev::grade& g) -> std::optional<error> {
        n.last_grade_fingerprint = g.fingerprint;
        b.emit(fx::record_decision{c.draft_version, "grade"});
        b.go(state::graded, "graded by " + g.operator_id);
        return std::nullopt;
      },
      [&](const ev::human_replied& h) -> std::optional<error> {
        b.emit(fx::store_message{h.message_id});
        b.first_response_given();
        switch (c.current) {
          case state::awaiting_approval:
            b.emit(fx::supersede_draft{c.draft_version});
            b.emit(fx::record_decision{c.draft_version, "human_reply"});
            b.go(state::sent, "a human replied in Chatwoot");
            break;
          case state::received:
          case state::drafting:
            b.go(state::sent, "a human replied in Chatwoot");
            break;
          default:
            b.go(c.current, "a human replied in Chatwoot");
            break;
        }
        return std::nullopt;
      },
      [&](const ev::timer_fired& t) -> std::optional<error> {
        const timer_slot& slot = c.timer(t.name);
        if (!slot.due || slot.epoch != t.epoch) {
          return error{error_code::stale_timer,
                       std::string(to_string(t.name)) + " epoch " + std::to_string(t.epoch) +
                           " is not armed (current epoch " + std::to_string(slot.epoch) + ")"};
        }
        n.timer(t.name).due.reset();
        const std::string name(to_string(t.name));
        switch (t.name) {
          case timer_name::draft_deadline:
            escalate_to_human(b, "ai_unavailable", 0, false);
            break;
          case timer_name::approval_notify:
            b.emit(fx::notify{"approval_overdue", "draft waiting for review"});
            b.go(c.current, name);
            break;
          case timer_name::approval_manager:
            b.emit(fx::notify{"manager_alert", "draft waiting for review too long"});
            if (n.priority && *n.priority != domain::priority::p0) {
              n.priority = static_cast<domain::priority>(static_cast<int>(*n.priority) - 1);
            }
            n.priority_raised = true;
            b.emit(fx::raise_priority{});
            b.go(c.current, name);
            break;
          case timer_name::first_response_warning:
          case timer_name::resolution_warning:
            b.emit(fx::notify{"sla_warning", name});
            b.go(c.current, name);
            break;
          case timer_name::first_response_breach:
          case timer_name::resolution_breach:
            n.sla_breached = true;
            b.emit(fx::notify{"sla_breach", name});
            b.go(c.current, name);
            break;
        }
        return std::nullopt;
      },
      [&](const ev::resolved&) -> std::optional<error> {
        if (c.current == state::awaiting_approval) b.emit(fx::supersede_draft{c.draft_version});
        b.go(state::closed, "resolved in Chatwoot");
        return std::nullopt;
      },
      [&](const ev::hand_back& h) -> std::optional<error> {
        if (c.last_customer_message == 0) {
          return error{error_code::illegal_event, "nothing to draft: no customer message"};
        }
        n.escalation_reason.clear();
        b.go(state::drafting, "handed back by " + h.operator_id);
        return std::nullopt;
      },
  };

  if (auto err = std::visit(visitor, e)) return unexpected{std::move(*err)};
  return std::move(b).finish();
}

}  // namespace frontdesk::fsm
