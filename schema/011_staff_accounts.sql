-- Migration 11: the audit trail. One row per field a person changed (or one
-- row with no field for an action that has none to show, such as a new
-- password), written in the same transaction as the change by the model
-- (src/model/audit.c). Roles and disabling need nothing new: users.is_owner
-- (migration 4) is the role, users.disabled (migration 1) ends sign-in.
-- user_name keeps who did it readable after the account is removed;
-- user_id is NULL for hallmarkctl. Values never hold a password, a
-- password hash or a tracking ID: the snapshots in audit.c leave them out.
-- A job's rows go with the job (retention purge, the danger zone), so the
-- audit trail never keeps a customer's details longer than the job.
CREATE TABLE audit (
  id          INTEGER PRIMARY KEY,
  shop_id     INTEGER NOT NULL REFERENCES shops(id),
  at          INTEGER NOT NULL,
  user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
  user_name   TEXT NOT NULL,
  action      TEXT NOT NULL,
  object_kind TEXT NOT NULL CHECK (object_kind IN ('job', 'passport', 'workflow', 'shop', 'user')),
  object_id   INTEGER NOT NULL,
  field       TEXT,
  old_value   TEXT,
  new_value   TEXT
);
CREATE INDEX audit_by_shop ON audit(shop_id, id);
CREATE INDEX audit_by_object ON audit(object_kind, object_id, id);
CREATE INDEX audit_by_user ON audit(user_id);
CREATE TRIGGER audit_forget_job AFTER DELETE ON jobs BEGIN
  DELETE FROM audit WHERE object_kind = 'job' AND object_id = OLD.id;
END;
