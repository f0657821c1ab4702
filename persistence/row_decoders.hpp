#pragma once
// Decodes the rows of the shared SELECTs (persistence/sql_text.hpp) into records, for any
// backend's row type. The column order is the one of those statements.
//
// A backend's row type provides is_null, i64, f64, boolean and text by column index and derives
// from row_columns<itself> for the time and optional forms.

#include <cstdint>
#include <optional>
#include <string>

#include "persistence/records.hpp"
#include "persistence/store_codec.hpp"

namespace frontdesk::persistence::detail {

template <class Row>
struct row_columns {
  timestamp time(int col) const { return from_millis(self().i64(col)); }
  std::optional<std::string> opt_text(int col) const {
    return self().is_null(col) ? std::nullopt : std::optional<std::string>(self().text(col));
  }
  std::optional<std::int64_t> opt_i64(int col) const {
    return self().is_null(col) ? std::nullopt : std::optional<std::int64_t>(self().i64(col));
  }
  std::optional<timestamp> opt_time(int col) const {
    return self().is_null(col) ? std::nullopt : std::optional<timestamp>(time(col));
  }

 private:
  const Row& self() const { return static_cast<const Row&>(*this); }
};

template <class Row>
conversation_row read_conversation(const Row& s) {
  conversation_row r;
  r.id = s.i64(0);
  r.contact_id = s.i64(1);
  r.channel = s.text(2);
  r.state = s.text(3);
  r.priority = s.text(4);
  r.draft_version = s.i64(5);
  r.assignee = s.opt_i64(6);
  r.escalation_reason = s.opt_text(7);
  r.first_response_due = s.opt_time(8);
  r.resolution_due = s.opt_time(9);
  r.sla_breached = s.boolean(10);
  r.closed = s.boolean(11);
  r.updated_at = s.time(12);
  r.snapshot = s.text(13);
  return r;
}

template <class Row>
queue_item_row read_queue_item(const Row& s) {
  queue_item_row r;
  r.id = s.text(0);
  r.conversation_id = s.i64(1);
  r.draft_version = s.i64(2);
  r.status = s.text(3);
  r.action = s.opt_text(4);
  r.priority = s.text(5);
  r.channel = s.text(6);
  r.contact = s.text(7);
  r.customer_message = s.text(8);
  r.draft = s.text(9);
  r.confidence = s.f64(10);
  r.recommended_action = s.text(11);
  r.sources = s.text(12);
  r.tags = s.text(13);
  r.sentiment = s.text(14);
  r.flags = s.text(15);
  r.created_at = s.time(16);
  r.reviewed_at = s.opt_time(17);
  r.operator_id = s.opt_text(18);
  r.edited_text = s.opt_text(19);
  r.grades = s.text(20);
  r.notes = s.opt_text(21);
  r.action_fingerprint = s.opt_text(22);
  return r;
}

template <class Row>
learning_record_row read_learning(const Row& s) {
  learning_record_row r;
  r.id = s.text(0);
  r.conversation_id = s.i64(1);
  r.draft_version = s.i64(2);
  r.customer_message = s.text(3);
  r.draft = s.text(4);
  r.final_text = s.text(5);
  r.action = s.text(6);
  r.edit_distance = static_cast<int>(s.i64(7));
  r.grades = s.text(8);
  r.sources = s.text(9);
  r.confidence = s.f64(10);
  r.drafter_version = s.text(11);
  r.reviewer = s.text(12);
  r.review_seconds = s.f64(13);
  r.outcome = s.text(14);
  r.created_at = s.time(15);
  r.reviewed_at = s.time(16);
  return r;
}

template <class Row>
outbox_row read_outbox(const Row& s) {
  outbox_row r;
  r.id = s.text(0);
  r.conversation_id = s.i64(1);
  r.draft_version = s.i64(2);
  r.kind = s.text(3);
  r.payload = s.text(4);
  r.status = s.text(5);
  r.attempts = static_cast<int>(s.i64(6));
  r.created_at = s.time(7);
  r.delivered_at = s.opt_time(8);
  r.external_id = s.opt_text(9);
  return r;
}

template <class Row>
timer_row read_timer(const Row& s) {
  return timer_row{s.i64(0), s.text(1), s.time(2), s.i64(3), s.boolean(4)};
}

}  // namespace frontdesk::persistence::detail
