-- Trace rows keep the encoded state-machine event (JSON, see fsm/event_codec.hpp) on the first
-- row of each applied event, so `frontdesk replay` can re-run a conversation's history. Empty on
-- the other rows and on rows written before this version. The table is rebuilt (SQLite's
-- documented procedure) so the column sits with the others.
CREATE TABLE traces_v2 (
  conversation_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  event TEXT NOT NULL,
  cause TEXT NOT NULL,
  actor TEXT NOT NULL,
  detail TEXT NOT NULL,
  event_data TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;

INSERT INTO traces_v2 (conversation_id, seq, at, from_state, to_state, event, cause, actor, detail)
  SELECT conversation_id, seq, at, from_state, to_state, event, cause, actor, detail FROM traces;
DROP TABLE traces;
ALTER TABLE traces_v2 RENAME TO traces;
