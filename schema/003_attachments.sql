-- Migration 3: photos attached to passports (and, later, to jobs).
-- Files live under media_dir as <stored_name>-d.jpg (display, longest side
-- 1600 px) and <stored_name>-t.jpg (thumbnail, 400 px), made once at upload
-- with every piece of metadata stripped; the original is not kept.
-- role: 'primary' or 'gallery' for passports, 'photo' or 'proof' for jobs.
CREATE TABLE attachments (
  id           INTEGER PRIMARY KEY,
  shop_id      INTEGER NOT NULL REFERENCES shops(id),
  owner_kind   TEXT NOT NULL CHECK (owner_kind IN ('passport', 'job')),
  owner_id     INTEGER NOT NULL,
  role         TEXT NOT NULL CHECK (
                 (owner_kind = 'passport' AND role IN ('primary', 'gallery')) OR
                 (owner_kind = 'job' AND role IN ('photo', 'proof'))),
  is_public    INTEGER NOT NULL DEFAULT 1 CHECK (is_public IN (0, 1)),
  stored_name  TEXT NOT NULL UNIQUE
               CHECK (length(stored_name) = 32 AND stored_name NOT GLOB '*[^0-9a-f]*'),
  display_w    INTEGER NOT NULL,
  display_h    INTEGER NOT NULL,
  bytes        INTEGER NOT NULL,   -- of both files together
  created_at   INTEGER NOT NULL,
  deleted_at   INTEGER
);
CREATE INDEX attachments_by_owner ON attachments(owner_kind, owner_id);
-- At most one live primary photo per owner; replacing one marks the old
-- one deleted in the same transaction.
CREATE UNIQUE INDEX attachments_one_primary ON attachments(owner_kind, owner_id)
  WHERE role = 'primary' AND deleted_at IS NULL;
