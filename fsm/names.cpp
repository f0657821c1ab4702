// Wire names of the state machine's vocabulary.

#include <array>
#include <string>

#include "fsm/effect.hpp"
#include "fsm/error.hpp"
#include "fsm/event.hpp"
#include "fsm/state.hpp"
#include "fsm/timer.hpp"

namespace frontdesk::fsm {
namespace {

constexpr std::array<std::string_view, state_count> state_names{
    "new",  "received", "triaged",   "drafting", "awaiting_approval",
    "sent", "graded",   "escalated", "closed"};

constexpr std::array<std::string_view, timer_count> timer_names{
    "draft_deadline",        "approval_notify",    "approval_manager", "first_response_warning",
    "first_response_breach", "resolution_warning", "resolution_breach"};

constexpr std::array<std::string_view, event_kind_count> event_names{
    "customer_message", "triage_ai",   "triage_human", "draft_ready", "draft_failed",
    "approve",          "edit",        "escalate",     "reject",      "grade",
    "human_replied",    "timer_fired", "resolved",     "hand_back"};

constexpr std::array<std::string_view, std::variant_size_v<effect>> effect_names{
    "store_message", "request_triage",       "request_draft",
    "cancel_draft",  "supersede_draft",      "enqueue_draft",
    "send_reply",    "record_decision",      "hand_off",
    "notify",        "raise_priority",       "arm_timer",
    "cancel_timer",  "first_response_given", "record_resolution"};

}  // namespace

std::string_view to_string(state s) noexcept {
  return state_names[static_cast<std::size_t>(s)];
}

std::optional<state> parse_state(std::string_view text) noexcept {
  for (std::size_t i = 0; i < state_names.size(); ++i) {
    if (state_names[i] == text) return static_cast<state>(i);
  }
  return std::nullopt;
}

std::string_view to_string(timer_name t) noexcept {
  return timer_names[static_cast<std::size_t>(t)];
}

std::optional<timer_name> parse_timer_name(std::string_view text) noexcept {
  for (std::size_t i = 0; i < timer_names.size(); ++i) {
    if (timer_names[i] == text) return static_cast<timer_name>(i);
  }
  return std::nullopt;
}

std::string_view to_string(event_kind k) noexcept {
  return event_names[static_cast<std::size_t>(k)];
}

event_kind kind_of(const event& e) noexcept {
  if (const auto* t = std::get_if<ev::triaged>(&e)) {
    return t->route_to_human ? event_kind::triage_human : event_kind::triage_ai;
  }
  // Alternatives after `triaged` are shifted by one in event_kind (triage splits in two).
  const std::size_t i = e.index();
  return static_cast<event_kind>(i == 0 ? 0 : i + 1);
}

std::string_view name_of(const effect& e) noexcept {
  return effect_names[e.index()];
}

std::string_view to_string(error_code c) noexcept {
  switch (c) {
    case error_code::illegal_event:
      return "illegal_event";
    case error_code::stale_draft_version:
      return "stale_draft_version";
    case error_code::already_decided:
      return "already_decided";
    case error_code::stale_draft_result:
      return "stale_draft_result";
    case error_code::stale_timer:
      return "stale_timer";
  }
  return "illegal_event";
}

}  // namespace frontdesk::fsm
