#pragma once
// Everything that can happen to a conversation, as plain values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/priority.hpp"
#include "fsm/timer.hpp"

namespace frontdesk::fsm {

namespace ev {

/// A customer wrote (Chatwoot incoming, WhatsApp, web form).
struct customer_message {
  std::int64_t message_id = 0;
};
/// Triage finished. route_to_human: P0 or an auto-escalation trigger fired.
struct triaged {
  domain::priority priority = domain::priority::p2;
  bool route_to_human = false;
  std::string reason;  ///< escalation reason when routed to a human, e.g. "keyword:lawyer"
};
/// The drafter (RAG + LLM) answered the request `request_id`.
struct draft_ready {
  std::uint64_t request_id = 0;
  double confidence = 0;
};
/// The drafter gave up (retries exhausted, circuit open, invalid answers).
struct draft_failed {
  std::uint64_t request_id = 0;
  std::string reason;
};
/// Operator actions. `fingerprint` identifies the request body, so that an identical
/// repeat is recognised as such (idempotency) and a different one as a conflict.
struct approve {
  std::uint64_t draft_version = 0;
  std::string operator_id;
  std::string fingerprint;
};
struct edit {
  std::uint64_t draft_version = 0;
  std::string operator_id;
  std::string fingerprint;
};
struct escalate {
  std::uint64_t draft_version = 0;
  std::string operator_id;
  std::string fingerprint;
  std::optional<std::int64_t> assignee_id;
};
struct reject {
  std::uint64_t draft_version = 0;
  std::string operator_id;
  std::string fingerprint;
};
struct grade {
  std::string operator_id;
  std::string fingerprint;
};
/// A human agent replied directly in Chatwoot.
struct human_replied {
  std::int64_t message_id = 0;
};
/// A timer armed by this machine fired.
struct timer_fired {
  timer_name name = timer_name::draft_deadline;
  std::uint64_t epoch = 0;
};
/// Chatwoot marked the conversation resolved.
struct resolved {};
/// An operator hands an escalated conversation back to the AI.
struct hand_back {
  std::string operator_id;
};

}  // namespace ev

using event = std::variant<ev::customer_message, ev::triaged, ev::draft_ready, ev::draft_failed,
                           ev::approve, ev::edit, ev::escalate, ev::reject, ev::grade,
                           ev::human_replied, ev::timer_fired, ev::resolved, ev::hand_back>;

/// The rows of the transition table are keyed by kind (triage splits by route).
enum class event_kind : std::uint8_t {
  customer_message,
  triage_ai,
  triage_human,
  draft_ready,
  draft_failed,
  approve,
  edit,
  escalate,
  reject,
  grade,
  human_replied,
  timer_fired,
  resolved,
  hand_back,
};
inline constexpr std::size_t event_kind_count = 14;

event_kind kind_of(const event& e) noexcept;
std::string_view to_string(event_kind k) noexcept;

}  // namespace frontdesk::fsm
