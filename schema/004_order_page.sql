-- Migration 4: the complete order page. Shop branding and retention, shop
-- owners, bespoke fields, invoice links, customer decisions, the message
-- thread, and shop logos as attachments.

-- accent: '' (the built-in colours) or #rrggbb. theme: auto follows the
-- customer's device. retention_days: how long the public page of a
-- finished or cancelled job keeps resolving; hallmarkctl purge deletes
-- after the same period.
ALTER TABLE shops ADD COLUMN accent TEXT NOT NULL DEFAULT ''
  CHECK (accent = '' OR (length(accent) = 7 AND accent GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'));
ALTER TABLE shops ADD COLUMN theme TEXT NOT NULL DEFAULT 'auto'
  CHECK (theme IN ('auto', 'light', 'dark'));
ALTER TABLE shops ADD COLUMN review_url TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN powered_by INTEGER NOT NULL DEFAULT 1 CHECK (powered_by IN (0, 1));
ALTER TABLE shops ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 90
  CHECK (retention_days BETWEEN 1 AND 3650);

-- Owners may wipe the shop's tracking data; the accounts that existed
-- before this migration were all made by the operator for the shop, so
-- they keep every power they had.
ALTER TABLE users ADD COLUMN is_owner INTEGER NOT NULL DEFAULT 0 CHECK (is_owner IN (0, 1));
UPDATE users SET is_owner = 1;

-- design_brief and budget_cents are internal (bespoke commissions).
-- invoice_url is shown to the customer as "View invoice & pay".
-- closed_at: when the job reached a final or cancelled stage (NULL while
-- open); retention counts from it.
-- decision: the customer's last design decision, shown to staff until
-- they move the job on.
ALTER TABLE jobs ADD COLUMN design_brief TEXT;
ALTER TABLE jobs ADD COLUMN budget_cents INTEGER;
ALTER TABLE jobs ADD COLUMN invoice_url TEXT;
ALTER TABLE jobs ADD COLUMN closed_at INTEGER;
ALTER TABLE jobs ADD COLUMN decision TEXT CHECK (decision IN ('approved', 'changes'));
ALTER TABLE jobs ADD COLUMN decision_at INTEGER;
UPDATE jobs SET closed_at = updated_at
  WHERE stage_id IN (SELECT id FROM stages WHERE flags & 6 != 0);

-- One thread per job. Customer messages are unread until staff open the
-- job (read_at); staff messages are never unread.
CREATE TABLE messages (
  id       INTEGER PRIMARY KEY,
  job_id   INTEGER NOT NULL REFERENCES jobs(id),
  at       INTEGER NOT NULL,
  author   TEXT NOT NULL CHECK (author IN ('customer', 'staff')),
  user_id  INTEGER REFERENCES users(id),
  body     TEXT NOT NULL,
  read_at  INTEGER
);
CREATE INDEX messages_by_job ON messages(job_id, at);

-- Attachments gain a third owner, the shop itself (its logo). SQLite
-- cannot alter a CHECK, so the table is rebuilt with the same rows.
CREATE TABLE attachments_v4 (
  id           INTEGER PRIMARY KEY,
  shop_id      INTEGER NOT NULL REFERENCES shops(id),
  owner_kind   TEXT NOT NULL CHECK (owner_kind IN ('passport', 'job', 'shop')),
  owner_id     INTEGER NOT NULL,
  role         TEXT NOT NULL CHECK (
                 (owner_kind = 'passport' AND role IN ('primary', 'gallery')) OR
                 (owner_kind = 'job' AND role IN ('photo', 'proof')) OR
                 (owner_kind = 'shop' AND role = 'logo')),
  is_public    INTEGER NOT NULL DEFAULT 1 CHECK (is_public IN (0, 1)),
  stored_name  TEXT NOT NULL UNIQUE
               CHECK (length(stored_name) = 32 AND stored_name NOT GLOB '*[^0-9a-f]*'),
  display_w    INTEGER NOT NULL,
  display_h    INTEGER NOT NULL,
  bytes        INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  deleted_at   INTEGER
);
INSERT INTO attachments_v4 SELECT id, shop_id, owner_kind, owner_id, role, is_public,
  stored_name, display_w, display_h, bytes, created_at, deleted_at FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_v4 RENAME TO attachments;
CREATE INDEX attachments_by_owner ON attachments(owner_kind, owner_id);
-- At most one live primary photo per passport and one logo per shop.
CREATE UNIQUE INDEX attachments_one_primary ON attachments(owner_kind, owner_id)
  WHERE role IN ('primary', 'logo') AND deleted_at IS NULL;
