-- The outbox reads its pending entries public replies first, then oldest first. The old index
-- gave only the second order, so every load sorted all pending entries, payloads included, to
-- keep 500: under a Chatwoot backlog of thousands, a load cost a sort of them all. This index
-- gives the query's whole order, so a load reads only the entries it returns.
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox ((kind = 'public_reply') DESC, created_at, id)
  WHERE status = 'pending';
