-- Initial schema. Times are integer milliseconds since the Unix epoch (UTC); JSON is text.
CREATE TABLE inbound_events (
  seq BIGSERIAL PRIMARY KEY,
  delivery_id TEXT UNIQUE,
  dedupe_key TEXT NOT NULL UNIQUE,
  event TEXT NOT NULL,
  conversation_id BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  body TEXT NOT NULL
);

CREATE TABLE conversations (
  id BIGINT PRIMARY KEY,
  contact_id BIGINT NOT NULL,
  channel TEXT NOT NULL,
  state TEXT NOT NULL,
  priority TEXT NOT NULL,
  draft_version BIGINT NOT NULL,
  assignee BIGINT,
  escalation_reason TEXT,
  first_response_due BIGINT,
  resolution_due BIGINT,
  sla_breached BOOLEAN NOT NULL,
  closed BOOLEAN NOT NULL,
  updated_at BIGINT NOT NULL,
  snapshot TEXT NOT NULL
);
CREATE INDEX conversations_open ON conversations (id) WHERE NOT closed;
CREATE INDEX conversations_contact ON conversations (contact_id);

CREATE TABLE messages (
  seq BIGSERIAL PRIMARY KEY,
  conversation_id BIGINT NOT NULL,
  message_id BIGINT,
  kind TEXT NOT NULL,
  content TEXT NOT NULL,
  sender TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, seq);
CREATE UNIQUE INDEX messages_external ON messages (conversation_id, message_id)
  WHERE message_id IS NOT NULL;

CREATE TABLE queue_items (
  id TEXT PRIMARY KEY,
  conversation_id BIGINT NOT NULL,
  draft_version BIGINT NOT NULL,
  status TEXT NOT NULL,
  action TEXT,
  priority TEXT NOT NULL,
  channel TEXT NOT NULL,
  contact TEXT NOT NULL,
  customer_message TEXT NOT NULL,
  draft TEXT NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  recommended_action TEXT NOT NULL,
  sources TEXT NOT NULL,
  tags TEXT NOT NULL,
  sentiment TEXT NOT NULL,
  flags TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  reviewed_at BIGINT,
  operator_id TEXT,
  edited_text TEXT,
  grades TEXT NOT NULL,
  notes TEXT,
  action_fingerprint TEXT
);
CREATE UNIQUE INDEX queue_items_version ON queue_items (conversation_id, draft_version);
CREATE INDEX queue_items_order ON queue_items (status, priority, created_at, id);

CREATE TABLE learning_records (
  id TEXT PRIMARY KEY,
  conversation_id BIGINT NOT NULL,
  draft_version BIGINT NOT NULL,
  customer_message TEXT NOT NULL,
  draft TEXT NOT NULL,
  final_text TEXT NOT NULL,
  action TEXT NOT NULL,
  edit_distance BIGINT NOT NULL,
  grades TEXT NOT NULL,
  sources TEXT NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  drafter_version TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  review_seconds DOUBLE PRECISION NOT NULL,
  outcome TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  reviewed_at BIGINT NOT NULL
);
CREATE INDEX learning_records_reviewed ON learning_records (reviewed_at);
CREATE INDEX learning_records_conversation ON learning_records (conversation_id, reviewed_at);

CREATE TABLE notifications (
  id BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL,
  conversation_id BIGINT,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE traces (
  conversation_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  at BIGINT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  event TEXT NOT NULL,
  cause TEXT NOT NULL,
  actor TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (conversation_id, seq)
);

CREATE TABLE audit_log (
  seq BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at, seq);

CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  conversation_id BIGINT NOT NULL,
  draft_version BIGINT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  delivered_at BIGINT,
  external_id TEXT
);
CREATE INDEX outbox_pending ON outbox (created_at, id) WHERE status = 'pending';

CREATE TABLE timers (
  conversation_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  epoch BIGINT NOT NULL,
  fired BOOLEAN NOT NULL,
  PRIMARY KEY (conversation_id, name)
);
CREATE INDEX timers_unfired ON timers (due_at) WHERE NOT fired;
