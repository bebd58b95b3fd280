-- Rows for the tables of migration 4 (attachments was rebuilt: a shop logo).
UPDATE shops SET accent = '#1a2b3c', theme = 'dark', review_url = 'https://example.com/review',
  powered_by = 0, retention_days = 30 WHERE id = 1;
UPDATE jobs SET design_brief = 'A pendant with an old stone', budget_cents = 150000,
  decision = 'changes', decision_at = 1700030000 WHERE id = 3;
INSERT INTO messages (id, job_id, at, author, user_id, body, read_at)
  VALUES (1, 1, 1700030000, 'customer', NULL, 'Is it ready? Ça va ?', NULL),
         (2, 1, 1700030100, 'staff', 1, 'Tomorrow.', 1700030200);
INSERT INTO attachments (id, shop_id, owner_kind, owner_id, role, is_public, stored_name,
                         display_w, display_h, bytes, created_at, deleted_at)
  VALUES (4, 1, 'shop', 1, 'logo', 1, 'abcdefabcdefabcdefabcdefabcdef01', 400, 200, 8000, 1700030300, NULL);
