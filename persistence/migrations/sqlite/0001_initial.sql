-- Initial schema. Times are integer milliseconds since the Unix epoch (UTC); JSON is text.
-- Row ids are never reused: nothing deletes from the append-only tables.
CREATE TABLE inbound_events (
  seq INTEGER PRIMARY KEY,
  delivery_id TEXT UNIQUE,
  dedupe_key TEXT NOT NULL UNIQUE,
  event TEXT NOT NULL,
  conversation_id INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  body TEXT NOT NULL
);

CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL,
  channel TEXT NOT NULL,
  state TEXT NOT NULL,
  priority TEXT NOT NULL,
  draft_version INTEGER NOT NULL,
  assignee INTEGER,
  escalation_reason TEXT,
  first_response_due INTEGER,
  resolution_due INTEGER,
  sla_breached INTEGER NOT NULL,
  closed INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  snapshot TEXT NOT NULL
);
CREATE INDEX conversations_open ON conversations (id) WHERE closed = 0;
CREATE INDEX conversations_contact ON conversations (contact_id);

CREATE TABLE messages (
  seq INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  message_id INTEGER,
  kind TEXT NOT NULL,
  content TEXT NOT NULL,
  sender TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, seq);
CREATE UNIQUE INDEX messages_external ON messages (conversation_id, message_id)
  WHERE message_id IS NOT NULL;

CREATE TABLE queue_items (
  id TEXT PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  draft_version INTEGER NOT NULL,
  status TEXT NOT NULL,
  action TEXT,
  priority TEXT NOT NULL,
  channel TEXT NOT NULL,
  contact TEXT NOT NULL,
  customer_message TEXT NOT NULL,
  draft TEXT NOT NULL,
  confidence REAL NOT NULL,
  recommended_action TEXT NOT NULL,
  sources TEXT NOT NULL,
  tags TEXT NOT NULL,
  sentiment TEXT NOT NULL,
  flags TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  reviewed_at INTEGER,
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
  conversation_id INTEGER NOT NULL,
  draft_version INTEGER NOT NULL,
  customer_message TEXT NOT NULL,
  draft TEXT NOT NULL,
  final_text TEXT NOT NULL,
  action TEXT NOT NULL,
  edit_distance INTEGER NOT NULL,
  grades TEXT NOT NULL,
  sources TEXT NOT NULL,
  confidence REAL NOT NULL,
  drafter_version TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  review_seconds REAL NOT NULL,
  outcome TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  reviewed_at INTEGER NOT NULL
);
CREATE INDEX learning_records_reviewed ON learning_records (reviewed_at);
CREATE INDEX learning_records_conversation ON learning_records (conversation_id, reviewed_at);

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  conversation_id INTEGER,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE traces (
  conversation_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  event TEXT NOT NULL,
  cause TEXT NOT NULL,
  actor TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at, seq);

CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  draft_version INTEGER NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  external_id TEXT
);
CREATE INDEX outbox_pending ON outbox (created_at, id) WHERE status = 'pending';

CREATE TABLE timers (
  conversation_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  fired INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, name)
) WITHOUT ROWID;
CREATE INDEX timers_unfired ON timers (due_at) WHERE fired = 0;
