-- Trace rows keep the encoded state-machine event (JSON, see fsm/event_codec.hpp) on the first
-- row of each applied event, so `frontdesk replay` can re-run a conversation's history. Empty on
-- the other rows and on rows written before this version. The table is rebuilt so that both
-- backends share one layout and one migration shape.
CREATE TABLE traces_v2 (
  conversation_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  at BIGINT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  event TEXT NOT NULL,
  cause TEXT NOT NULL,
  actor TEXT NOT NULL,
  detail TEXT NOT NULL,
  event_data TEXT NOT NULL DEFAULT '',
  CONSTRAINT traces_v2_pkey PRIMARY KEY (conversation_id, seq)
);

INSERT INTO traces_v2 (conversation_id, seq, at, from_state, to_state, event, cause, actor, detail)
  SELECT conversation_id, seq, at, from_state, to_state, event, cause, actor, detail FROM traces;
DROP TABLE traces;
ALTER TABLE traces_v2 RENAME TO traces;
ALTER TABLE traces RENAME CONSTRAINT traces_v2_pkey TO traces_pkey;
