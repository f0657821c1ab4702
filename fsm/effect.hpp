#pragma once
// What the conversation actor must do after a transition. The machine decides, the
// actor performs (persist first, then talk to gateways); nothing here does I/O.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fsm/timer.hpp"

namespace frontdesk::fsm {

namespace fx {

struct store_message {
  std::int64_t message_id = 0;
};
/// Run triage on the latest customer message (feeds back ev::triaged).
struct request_triage {};
/// Ask RAG then the LLM (feeds back ev::draft_ready / ev::draft_failed with this id).
struct request_draft {
  std::uint64_t request_id = 0;
};
/// Drop the in-flight request: its answer will be stale.
struct cancel_draft {
  std::uint64_t request_id = 0;
};
/// The queued draft of this version can no longer be approved.
struct supersede_draft {
  std::uint64_t draft_version = 0;
};
/// Private note in Chatwoot + approval queue item + live notification.
struct enqueue_draft {
  std::uint64_t draft_version = 0;
};
/// Approved (or edited) reply into the outbox, then to the customer.
struct send_reply {
  std::uint64_t draft_version = 0;
  bool edited = false;
};
/// The queue item was decided: record the decision and a learning record.
struct record_decision {
  std::uint64_t draft_version = 0;
  std::string action;  ///< approve, edit, escalate, reject, human_reply, grade
};
/// Hand the conversation to a human: assign, labels, handoff note, notification.
struct hand_off {
  std::string reason;
  std::uint64_t draft_version = 0;  ///< the draft that goes along (0: none)
  bool low_confidence = false;
};
struct notify {
  std::string kind;  ///< approval_overdue, manager_alert, sla_warning, sla_breach
  std::string detail;
};
struct raise_priority {};
struct arm_timer {
  timer_name name = timer_name::draft_deadline;
  time_point due;
  std::uint64_t epoch = 0;
};
struct cancel_timer {
  timer_name name = timer_name::draft_deadline;
};
struct first_response_given {};
struct record_resolution {};

}  // namespace fx

using effect =
    std::variant<fx::store_message, fx::request_triage, fx::request_draft, fx::cancel_draft,
                 fx::supersede_draft, fx::enqueue_draft, fx::send_reply, fx::record_decision,
                 fx::hand_off, fx::notify, fx::raise_priority, fx::arm_timer, fx::cancel_timer,
                 fx::first_response_given, fx::record_resolution>;

std::string_view name_of(const effect& e) noexcept;

using effects = std::vector<effect>;

}  // namespace frontdesk::fsm
