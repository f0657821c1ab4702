#pragma once
// SQL shared by both backends; `$n` placeholders (SQLite accepts them as numbered parameters).

namespace frontdesk::persistence::sql {

inline constexpr const char* insert_event =
    "INSERT INTO inbound_events (delivery_id, dedupe_key, event, conversation_id, received_at, "
    "body) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING seq";

inline constexpr const char* upsert_conversation =
    "INSERT INTO conversations (id, contact_id, channel, state, priority, draft_version, assignee, "
    "escalation_reason, first_response_due, resolution_due, sla_breached, closed, updated_at, "
    "snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
    "ON CONFLICT (id) DO UPDATE SET contact_id = excluded.contact_id, channel = excluded.channel, "
    "state = excluded.state, priority = excluded.priority, draft_version = excluded.draft_version, "
    "assignee = excluded.assignee, escalation_reason = excluded.escalation_reason, "
    "first_response_due = excluded.first_response_due, resolution_due = excluded.resolution_due, "
    "sla_breached = excluded.sla_breached, closed = excluded.closed, "
    "updated_at = excluded.updated_at, snapshot = excluded.snapshot";

inline constexpr const char* insert_message =
    "INSERT INTO messages (conversation_id, message_id, kind, content, sender, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";

inline constexpr const char* insert_trace =
    "INSERT INTO traces (conversation_id, seq, at, from_state, to_state, event, cause, actor, "
    "detail, event_data) VALUES ($1, COALESCE($2, (SELECT COALESCE(MAX(t.seq), 0) + 1 FROM "
    "traces t WHERE t.conversation_id = $1)), $3, $4, $5, $6, $7, $8, $9, $10) RETURNING seq";

inline constexpr const char* upsert_queue_item =
    "INSERT INTO queue_items (id, conversation_id, draft_version, status, action, priority, "
    "channel, contact, customer_message, draft, confidence, recommended_action, sources, tags, "
    "sentiment, flags, created_at, reviewed_at, operator_id, edited_text, grades, notes, "
    "action_fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "$15, $16, $17, $18, $19, $20, $21, $22, $23) ON CONFLICT (id) DO UPDATE SET "
    "conversation_id = excluded.conversation_id, draft_version = excluded.draft_version, "
    "status = excluded.status, action = excluded.action, priority = excluded.priority, "
    "channel = excluded.channel, contact = excluded.contact, "
    "customer_message = excluded.customer_message, draft = excluded.draft, "
    "confidence = excluded.confidence, recommended_action = excluded.recommended_action, "
    "sources = excluded.sources, tags = excluded.tags, sentiment = excluded.sentiment, "
    "flags = excluded.flags, created_at = excluded.created_at, "
    "reviewed_at = excluded.reviewed_at, operator_id = excluded.operator_id, "
    "edited_text = excluded.edited_text, grades = excluded.grades, notes = excluded.notes, "
    "action_fingerprint = excluded.action_fingerprint";

inline constexpr const char* upsert_learning =
    "INSERT INTO learning_records (id, conversation_id, draft_version, customer_message, draft, "
    "final_text, action, edit_distance, grades, sources, confidence, drafter_version, reviewer, "
    "review_seconds, outcome, created_at, reviewed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
    "$9, $10, $11, $12, $13, $14, $15, $16, $17) ON CONFLICT (id) DO UPDATE SET "
    "conversation_id = excluded.conversation_id, draft_version = excluded.draft_version, "
    "customer_message = excluded.customer_message, draft = excluded.draft, "
    "final_text = excluded.final_text, action = excluded.action, "
    "edit_distance = excluded.edit_distance, grades = excluded.grades, "
    "sources = excluded.sources, confidence = excluded.confidence, "
    "drafter_version = excluded.drafter_version, reviewer = excluded.reviewer, "
    "review_seconds = excluded.review_seconds, outcome = excluded.outcome, "
    "created_at = excluded.created_at, reviewed_at = excluded.reviewed_at";

inline constexpr const char* insert_notification =
    "INSERT INTO notifications (kind, conversation_id, payload, created_at) "
    "VALUES ($1, $2, $3, $4) RETURNING id";

inline constexpr const char* insert_audit =
    "INSERT INTO audit_log (at, actor, action, target, before, after) "
    "VALUES ($1, $2, $3, $4, $5, $6)";

inline constexpr const char* insert_outbox =
    "INSERT INTO outbox (id, conversation_id, draft_version, kind, payload, status, attempts, "
    "created_at, delivered_at, external_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
    "ON CONFLICT (id) DO NOTHING";

inline constexpr const char* upsert_timer =
    "INSERT INTO timers (conversation_id, name, due_at, epoch, fired) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (conversation_id, name) DO UPDATE SET due_at = excluded.due_at, "
    "epoch = excluded.epoch, fired = excluded.fired";

inline constexpr const char* delete_timer =
    "DELETE FROM timers WHERE conversation_id = $1 AND name = $2";

// Reads. Column lists match the row readers of each backend.
inline constexpr const char* select_conversation =
    "SELECT id, contact_id, channel, state, priority, draft_version, assignee, escalation_reason, "
    "first_response_due, resolution_due, sla_breached, closed, updated_at, snapshot "
    "FROM conversations WHERE id = $1";
inline constexpr const char* select_open_conversations =
    "SELECT id, contact_id, channel, state, priority, draft_version, assignee, escalation_reason, "
    "first_response_due, resolution_due, sla_breached, closed, updated_at, snapshot "
    "FROM conversations WHERE NOT closed ORDER BY id";
inline constexpr const char* select_messages =
    "SELECT conversation_id, message_id, kind, content, sender, created_at FROM (SELECT * FROM "
    "messages WHERE conversation_id = $1 ORDER BY seq DESC LIMIT $2) m ORDER BY seq";
inline constexpr const char* queue_columns =
    "SELECT id, conversation_id, draft_version, status, action, priority, channel, contact, "
    "customer_message, draft, confidence, recommended_action, sources, tags, sentiment, flags, "
    "created_at, reviewed_at, operator_id, edited_text, grades, notes, action_fingerprint "
    "FROM queue_items";
inline constexpr const char* select_queue_item =
    "SELECT id, conversation_id, draft_version, status, action, priority, channel, contact, "
    "customer_message, draft, confidence, recommended_action, sources, tags, sentiment, flags, "
    "created_at, reviewed_at, operator_id, edited_text, grades, notes, action_fingerprint "
    "FROM queue_items WHERE id = $1";
inline constexpr const char* select_queue_item_for =
    "SELECT id, conversation_id, draft_version, status, action, priority, channel, contact, "
    "customer_message, draft, confidence, recommended_action, sources, tags, sentiment, flags, "
    "created_at, reviewed_at, operator_id, edited_text, grades, notes, action_fingerprint "
    "FROM queue_items WHERE conversation_id = $1 AND draft_version = $2";
inline constexpr const char* select_trace =
    "SELECT conversation_id, seq, at, from_state, to_state, event, cause, actor, detail, "
    "event_data FROM traces WHERE conversation_id = $1 ORDER BY seq";
inline constexpr const char* select_learning =
    "SELECT id, conversation_id, draft_version, customer_message, draft, final_text, action, "
    "edit_distance, grades, sources, confidence, drafter_version, reviewer, review_seconds, "
    "outcome, created_at, reviewed_at FROM learning_records WHERE reviewed_at >= $1 AND "
    "reviewed_at < $2 ORDER BY reviewed_at, id";
inline constexpr const char* select_audit =
    "SELECT at, actor, action, target, before, after FROM audit_log WHERE at >= $1 AND at < $2 "
    "ORDER BY at, seq";
inline constexpr const char* select_notifications =
    "SELECT id, kind, conversation_id, payload, created_at FROM notifications WHERE id > $1 "
    "ORDER BY id LIMIT $2";
inline constexpr const char* select_pending_outbox =
    "SELECT id, conversation_id, draft_version, kind, payload, status, attempts, created_at, "
    "delivered_at, external_id FROM outbox WHERE status = 'pending' "
    "ORDER BY (kind = 'public_reply') DESC, created_at, id "
    "LIMIT $1";
inline constexpr const char* update_outbox =
    "UPDATE outbox SET status = $2, attempts = $3, external_id = COALESCE($4, external_id), "
    "delivered_at = CASE WHEN $2 = 'delivered' THEN COALESCE(delivered_at, $5) ELSE "
    "delivered_at END WHERE id = $1";
inline constexpr const char* select_timers =
    "SELECT conversation_id, name, due_at, epoch, fired FROM timers WHERE conversation_id = $1 "
    "ORDER BY due_at, name";
inline constexpr const char* select_unfired_timers =
    "SELECT conversation_id, name, due_at, epoch, fired FROM timers WHERE NOT fired AND due_at <= "
    "$1 "
    "ORDER BY due_at, conversation_id, name";
inline constexpr const char* count_unresolved =
    "SELECT COUNT(*) FROM conversations WHERE contact_id = $1 AND id <> $2 AND NOT closed";
inline constexpr const char* select_last_grades =
    "SELECT l.grades FROM learning_records l JOIN conversations c ON c.id = l.conversation_id "
    "WHERE c.contact_id = $1 AND l.grades <> '' AND l.grades <> '{}' "
    "ORDER BY l.reviewed_at DESC, l.id DESC LIMIT 1";
inline constexpr const char* count_queue =
    "SELECT status, COUNT(*) FROM queue_items GROUP BY status";

}  // namespace frontdesk::persistence::sql
