-- Rows for the table of migration 11: the audit trail, a staff member's
-- change and one by hallmarkctl (no user).
INSERT INTO audit (shop_id, at, user_id, user_name, action, object_kind, object_id, field,
                   old_value, new_value)
VALUES (1, 1700080000, 1, 'Sam Staff', 'job.edit', 'job', 1, 'item_type', 'Ring', 'Signet ring'),
       (1, 1700080100, NULL, 'hallmarkctl', 'user.add', 'user', 1, NULL, NULL, NULL);
