#pragma once
// One atomic unit of change produced by one conversation transition.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "persistence/records.hpp"

namespace frontdesk::persistence {

struct timer_key {
  std::int64_t conversation_id = 0;
  std::string name;
};

/// Everything one transition writes. Applied all-or-nothing. When `inbound` is set and an event
/// with the same delivery_id or dedupe_key is already stored, nothing of this set is applied and
/// the result is `duplicate`.
struct change_set {
  std::optional<inbound_event> inbound;
  std::optional<conversation_row> conversation;  // upsert by id
  std::vector<message_row> messages;             // a repeated (conversation, message_id) is skipped
  std::vector<trace_row> traces;
  std::vector<queue_item_row> queue_items;            // upsert by id
  std::vector<learning_record_row> learning_records;  // upsert by id
  std::vector<notification_row> notifications;        // ids assigned by the store
  std::vector<audit_row> audits;
  std::vector<outbox_row> outbox;  // insert if the id is absent
  std::vector<timer_row> timer_upserts;
  std::vector<timer_key> timer_deletes;

  bool empty() const noexcept {
    return !inbound && !conversation && messages.empty() && traces.empty() && queue_items.empty() &&
           learning_records.empty() && notifications.empty() && audits.empty() && outbox.empty() &&
           timer_upserts.empty() && timer_deletes.empty();
  }
};

enum class apply_outcome : std::uint8_t {
  inserted,   // applied (also when the set carried no inbound event)
  duplicate,  // the inbound event was already stored; nothing applied
};

struct apply_result {
  apply_outcome outcome = apply_outcome::inserted;
  std::vector<std::int64_t> notification_ids;  // in the order of change_set::notifications
  std::vector<std::int64_t> trace_seqs;        // the seq each trace row got
  std::vector<bool> outbox_inserted;  // per change_set::outbox row: new (not already there)
};

}  // namespace frontdesk::persistence
