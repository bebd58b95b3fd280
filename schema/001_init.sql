-- Hallmark schema, migration 1: shops, staff, workflows, jobs and their timeline.
-- Applied by `hallmarkctl migrate`, never at request time. Times are UTC
-- seconds since the epoch; dates the shop types (due dates) are YYYY-MM-DD.

CREATE TABLE shops (
  id          INTEGER PRIMARY KEY,
  slug        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL DEFAULT '',
  phone       TEXT,
  email       TEXT,
  address     TEXT,
  whatsapp    TEXT,
  timezone    TEXT NOT NULL DEFAULT 'UTC',
  created_at  INTEGER NOT NULL
);

CREATE TABLE users (
  id           INTEGER PRIMARY KEY,
  shop_id      INTEGER NOT NULL REFERENCES shops(id),
  username     TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL DEFAULT '',
  pwhash       TEXT NOT NULL,
  disabled     INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash  BLOB PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL,
  seen_at     INTEGER NOT NULL
) WITHOUT ROWID;

-- Each shop owns copies of its workflows so it can rename stages freely.
CREATE TABLE workflows (
  id       INTEGER PRIMARY KEY,
  shop_id  INTEGER NOT NULL REFERENCES shops(id),
  prefix   TEXT NOT NULL CHECK (length(prefix) = 3 AND prefix GLOB '[A-Z][A-Z][A-Z]'),
  name     TEXT NOT NULL,
  UNIQUE (shop_id, prefix)
);

-- flags: 1 ready for pickup, 2 final, 4 cancelled, 8 needs a customer decision.
CREATE TABLE stages (
  id           INTEGER PRIMARY KEY,
  workflow_id  INTEGER NOT NULL REFERENCES workflows(id),
  position     INTEGER NOT NULL,
  code         TEXT NOT NULL,
  label        TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  next_step    TEXT NOT NULL DEFAULT '',
  flags        INTEGER NOT NULL DEFAULT 0,
  UNIQUE (workflow_id, position),
  UNIQUE (workflow_id, code)
);

CREATE TABLE jobs (
  id                INTEGER PRIMARY KEY,
  shop_id           INTEGER NOT NULL REFERENCES shops(id),
  workflow_id       INTEGER NOT NULL REFERENCES workflows(id),
  stage_id          INTEGER NOT NULL REFERENCES stages(id),
  tracking_id       TEXT NOT NULL UNIQUE,
  customer_name     TEXT NOT NULL,
  customer_phone    TEXT,
  customer_email    TEXT,
  item_type         TEXT NOT NULL,
  item_description  TEXT,
  problem           TEXT,
  due_date          TEXT,
  internal_notes    TEXT,
  quoted_cents      INTEGER,
  deposit_cents     INTEGER,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  revoked_at        INTEGER,
  deleted_at        INTEGER
);
CREATE INDEX jobs_by_shop ON jobs(shop_id, created_at);

-- kind: created, stage, edited, revoked, restored_link, deleted, restored.
CREATE TABLE job_events (
  id           INTEGER PRIMARY KEY,
  job_id       INTEGER NOT NULL REFERENCES jobs(id),
  at           INTEGER NOT NULL,
  kind         TEXT NOT NULL,
  stage_id     INTEGER REFERENCES stages(id),
  note         TEXT,
  note_public  INTEGER NOT NULL DEFAULT 0,
  user_id      INTEGER REFERENCES users(id)
);
CREATE INDEX job_events_by_job ON job_events(job_id, at);
