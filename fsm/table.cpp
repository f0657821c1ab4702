// The transition table of PRODUCT.md "Conversation states", one row per (from, event, to).
// apply() in machine.cpp implements these rows; has_row() is the legality oracle.

#include <array>

#include "fsm/machine.hpp"

namespace frontdesk::fsm {
namespace {

using s = state;
using k = event_kind;

const std::vector<table_row> rows = {
    // A customer message starts a new cycle (or supersedes work in progress).
    {s::fresh, k::customer_message, s::received, "", "store message; start SLA clocks; triage"},
    {s::sent, k::customer_message, s::received, "", "store message; start SLA clocks; triage"},
    {s::graded, k::customer_message, s::received, "", "store message; start SLA clocks; triage"},
    {s::closed, k::customer_message, s::received, "", "store message; start SLA clocks; triage"},
    {s::received, k::customer_message, s::received, "", "store message; triage reads the latest"},
    {s::drafting, k::customer_message, s::drafting, "",
     "cancel in-flight draft; re-triage; draft again"},
    {s::awaiting_approval, k::customer_message, s::drafting, "",
     "supersede queued draft; re-triage; draft again"},
    {s::escalated, k::customer_message, s::escalated, "",
     "store message; no AI draft (humans own it)"},
    // Triage.
    {s::received, k::triage_ai, s::drafting, "P1-P3, no trigger",
     "priority, SLA deadlines; via triaged; ask RAG then LLM"},
    {s::received, k::triage_human, s::escalated, "P0 or a trigger",
     "assign/label, handoff note, notify"},
    {s::drafting, k::triage_ai, s::drafting, "re-triage", "update priority and SLA deadlines"},
    {s::drafting, k::triage_human, s::escalated, "re-triage: P0 or a trigger",
     "cancel draft; handoff"},
    // Drafting.
    {s::drafting, k::draft_ready, s::awaiting_approval, "confidence >= threshold",
     "private note, queue item, live notification"},
    {s::drafting, k::draft_ready, s::escalated, "confidence < threshold",
     "handoff note with the draft, LOW CONFIDENCE"},
    {s::drafting, k::draft_failed, s::escalated, "", "reason ai_unavailable"},
    {s::drafting, k::timer_fired, s::escalated, "draft_deadline", "reason ai_unavailable"},
    // The operator's decision.
    {s::awaiting_approval, k::approve, s::sent, "current version",
     "reply to outbox; label; learning record"},
    {s::awaiting_approval, k::edit, s::sent, "current version",
     "edited reply to outbox; edit distance"},
    {s::awaiting_approval, k::escalate, s::escalated, "current version",
     "assign, labels, handoff note"},
    {s::awaiting_approval, k::reject, s::escalated, "current version",
     "reason rejected; learning record"},
    {s::awaiting_approval, k::timer_fired, s::awaiting_approval,
     "approval_notify / approval_manager / SLA", "notify; raise priority at 60 min"},
    // A human answered in Chatwoot.
    {s::received, k::human_replied, s::sent, "", "cancel AI work; first response given"},
    {s::drafting, k::human_replied, s::sent, "", "cancel in-flight draft; first response given"},
    {s::awaiting_approval, k::human_replied, s::sent, "",
     "draft superseded, kept as learning example"},
    {s::escalated, k::human_replied, s::escalated, "", "first response given"},
    {s::sent, k::human_replied, s::sent, "", "first response given"},
    {s::graded, k::human_replied, s::graded, "", "first response given"},
    // Grading after sending.
    {s::sent, k::grade, s::graded, "", "learning record completed"},
    {s::graded, k::grade, s::graded, "", "grades replaced"},
    // SLA timers in resting states.
    {s::received, k::timer_fired, s::received, "SLA", "notify"},
    {s::escalated, k::timer_fired, s::escalated, "SLA", "notify"},
    {s::sent, k::timer_fired, s::sent, "SLA", "notify"},
    {s::graded, k::timer_fired, s::graded, "SLA", "notify"},
    // Hand back and resolution.
    {s::escalated, k::hand_back, s::drafting, "a customer message exists", "ask RAG then LLM"},
    {s::received, k::resolved, s::closed, "", "timers cancelled, resolution recorded"},
    {s::drafting, k::resolved, s::closed, "", "cancel draft; timers cancelled"},
    {s::awaiting_approval, k::resolved, s::closed, "", "draft superseded; timers cancelled"},
    {s::sent, k::resolved, s::closed, "", "timers cancelled, resolution recorded"},
    {s::graded, k::resolved, s::closed, "", "timers cancelled, resolution recorded"},
    {s::escalated, k::resolved, s::closed, "", "timers cancelled, resolution recorded"},
};

using legality = std::array<std::array<bool, event_kind_count>, state_count>;

legality make_legality() {
  legality l{};
  for (const table_row& r : rows) {
    l[static_cast<std::size_t>(r.from)][static_cast<std::size_t>(r.on)] = true;
  }
  return l;
}

}  // namespace

const std::vector<table_row>& transition_table() {
  return rows;
}

bool has_row(state st, event_kind kind) noexcept {
  static const legality l = make_legality();
  return l[static_cast<std::size_t>(st)][static_cast<std::size_t>(kind)];
}

}  // namespace frontdesk::fsm
