-- Migration 5: forms that are written once. A form post carries a token;
-- its key (a digest of the token, the path and what was submitted) is
-- stored in the same transaction as the write it made, so a double click
-- or a retry after a lost answer finds it and writes nothing again.
-- result: what the write made (a new job's id, say), so the repeat is sent
-- where the first went. hallmarkctl purge forgets keys after a week.
CREATE TABLE form_keys (
  key BLOB PRIMARY KEY,
  at INTEGER NOT NULL,
  result INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
