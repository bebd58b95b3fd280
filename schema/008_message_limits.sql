-- Migration 8: a customer's messages and design answers are counted against
-- the rate limits (ratelimit_messages per address, ratelimit_job_messages
-- per job) here, in the same transaction as the write itself: only a write
-- that commits counts, of writes racing exactly the first ones within the
-- limit are made, and the write costs one commit instead of one more on
-- the rate-limit store for every count (which now holds only what public
-- pages count without writing: failed lookups, sign-in attempts).
-- scope: 'message' (key: the keyed hash of the address) or 'message-job'
-- (key: the keyed hash of the job); win: the window's start time.
-- hallmarkctl purge forgets windows older than two days.
CREATE TABLE message_hits (
  scope TEXT NOT NULL,
  key   BLOB NOT NULL,
  win   INTEGER NOT NULL,
  n     INTEGER NOT NULL,
  PRIMARY KEY (scope, key, win)
) WITHOUT ROWID;
