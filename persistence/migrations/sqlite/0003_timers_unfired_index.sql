-- The unfired-timers index said `fired = 0` while the query (shared with PostgreSQL) says
-- `NOT fired`: SQLite did not see that one implies the other and scanned every timer row on
-- each reload of the timer service. The predicate now reads as the query does.
DROP INDEX timers_unfired;
CREATE INDEX timers_unfired ON timers (due_at) WHERE NOT fired;
