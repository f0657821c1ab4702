#pragma once
// Plain rows the durable store reads and writes; JSON columns are opaque JSON text.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace frontdesk::persistence {

/// Millisecond UTC time point; the store keeps it as integer milliseconds since the epoch.
using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// One accepted webhook delivery, deduplicated by delivery_id and by dedupe_key.
struct inbound_event {
  std::optional<std::string> delivery_id;
  std::string dedupe_key;  // e.g. "message_created:123"
  std::string event;
  std::int64_t conversation_id = 0;
  timestamp received_at{};
  std::string body;  // raw JSON as received
};

struct conversation_row {
  std::int64_t id = 0;  // Chatwoot display id
  std::int64_t contact_id = 0;
  std::string channel;
  std::string state;
  std::string priority;  // "P0".."P3" or empty
  std::int64_t draft_version = 0;
  std::optional<std::int64_t> assignee;
  std::optional<std::string> escalation_reason;
  std::optional<timestamp> first_response_due;
  std::optional<timestamp> resolution_due;
  bool sla_breached = false;
  bool closed = false;
  timestamp updated_at{};
  std::string snapshot;  // the state machine's own JSON
  bool operator==(const conversation_row&) const = default;
};

struct message_row {
  std::int64_t conversation_id = 0;
  std::optional<std::int64_t> message_id;  // Chatwoot's id; a repeated id is stored once
  std::string kind;                        // customer / agent / private_note / reply
  std::string content;
  std::string sender;
  timestamp created_at{};
  bool operator==(const message_row&) const = default;
};

struct queue_item_row {
  std::string id;
  std::int64_t conversation_id = 0;
  std::int64_t draft_version = 0;
  std::string status;  // pending / approved / rejected / escalated / superseded
  std::optional<std::string> action;
  std::string priority;
  std::string channel;
  std::string contact = "{}";  // json
  std::string customer_message;
  std::string draft;
  double confidence = 0;
  std::string recommended_action;
  std::string sources = "[]";    // json
  std::string tags = "[]";       // json
  std::string sentiment = "{}";  // json
  std::string flags = "[]";      // json
  timestamp created_at{};
  std::optional<timestamp> reviewed_at;
  std::optional<std::string> operator_id;
  std::optional<std::string> edited_text;
  std::string grades;  // json or empty
  std::optional<std::string> notes;
  std::optional<std::string> action_fingerprint;
  bool operator==(const queue_item_row&) const = default;
};

struct learning_record_row {
  std::string id;
  std::int64_t conversation_id = 0;
  std::int64_t draft_version = 0;
  std::string customer_message;
  std::string draft;
  std::string final_text;
  std::string action;
  int edit_distance = 0;
  std::string grades = "{}";   // json
  std::string sources = "[]";  // json
  double confidence = 0;
  std::string drafter_version;
  std::string reviewer;
  double review_seconds = 0;
  std::string outcome = "pending";  // pending / customer_followup / resolved / escalated
  timestamp created_at{};
  timestamp reviewed_at{};
  bool operator==(const learning_record_row&) const = default;
};

struct notification_row {
  std::int64_t id = 0;  // assigned by the store on insert
  std::string kind;
  std::optional<std::int64_t> conversation_id;
  std::string payload = "{}";  // json
  timestamp created_at{};
  bool operator==(const notification_row&) const = default;
};

struct trace_row {
  std::int64_t conversation_id = 0;
  std::int64_t seq = 0;  // per conversation, increasing; 0 = let the store assign the next one
  timestamp at{};
  std::string from_state;
  std::string to_state;
  std::string event;
  std::string cause;
  std::string actor;
  std::string detail;
  std::string event_data;  // the encoded fsm event on the first row of each event; else empty
  bool operator==(const trace_row&) const = default;
};

struct audit_row {
  timestamp at{};
  std::string actor;
  std::string action;
  std::string target;
  std::string before = "{}";  // json
  std::string after = "{}";   // json
  bool operator==(const audit_row&) const = default;
};

struct outbox_row {
  std::string id;  // unique, e.g. "reply:<conv>:<version>"; inserting it again is a no-op
  std::int64_t conversation_id = 0;
  std::int64_t draft_version = 0;
  std::string kind;                // public_reply / private_note / ...
  std::string payload = "{}";      // json
  std::string status = "pending";  // pending / delivered / failed
  int attempts = 0;
  timestamp created_at{};
  std::optional<timestamp> delivered_at;
  std::optional<std::string> external_id;
  /// Not stored. Set by the outbox when an earlier send may have reached the recipient without
  /// being recorded (a crash, or a late announcement).
  bool maybe_sent = false;
  /// Whether the delivery must look for an earlier send before sending: tried before (a
  /// timeout may hide a send that happened), or maybe sent.
  bool look_before_sending() const noexcept { return attempts > 0 || maybe_sent; }
  bool operator==(const outbox_row&) const = default;
};

/// Primary key (conversation_id, name).
struct timer_row {
  std::int64_t conversation_id = 0;
  std::string name;
  timestamp due_at{};
  std::int64_t epoch = 0;
  bool fired = false;
  bool operator==(const timer_row&) const = default;
};

}  // namespace frontdesk::persistence
