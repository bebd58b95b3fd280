-- Rows for the tables of migration 1, as an installation of that time had them.
INSERT INTO shops (id, slug, name, phone, email, address, whatsapp, timezone, created_at)
  VALUES (1, 'hartley', 'Hartley & Daughters', '+44 20 7946 0321', 'shop@example.com',
          '12 Hatton Garden', '+44 7700 900321', 'Europe/London', 1700000000),
         (2, 'zoe', 'Zoë''s Atelier', NULL, NULL, NULL, NULL, 'Europe/Paris', 1700000100);
INSERT INTO users (id, shop_id, username, display_name, pwhash, disabled, created_at)
  VALUES (1, 1, 'owner', 'Olive Owner', '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA', 0, 1700000000),
         (2, 2, 'zoe', 'Zoë', '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA', 1, 1700000100);
INSERT INTO sessions (token_hash, user_id, created_at, seen_at)
  VALUES (X'0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20', 1, 1700000200, 1700000300);
INSERT INTO workflows (id, shop_id, prefix, name) VALUES (1, 1, 'RPR', 'Repairs'), (2, 2, 'BSP', 'Bespoke');
INSERT INTO stages (id, workflow_id, position, code, label, description, next_step, flags)
  VALUES (1, 1, 1, 'received', 'Received', 'We have it.', 'We look at it.', 0),
         (2, 1, 2, 'quote', 'Waiting for you', 'A quote is ready.', 'Tell us.', 8),
         (3, 1, 3, 'ready', 'Ready for pickup', '', '', 1),
         (4, 1, 4, 'collected', 'Collected', '', '', 2),
         (5, 2, 1, 'design', 'Design', '', '', 0);
INSERT INTO jobs (id, shop_id, workflow_id, stage_id, tracking_id, customer_name, customer_phone,
                  customer_email, item_type, item_description, problem, due_date, internal_notes,
                  quoted_cents, deposit_cents, created_at, updated_at, revoked_at, deleted_at)
  VALUES (1, 1, 1, 2, 'RPR-A1B2C3D4', 'Ada Lovelace', '+44 7700 900001', 'ada@example.com', 'Ring',
          'Gold band', 'Worn claw', '2023-12-01', 'Careful', 12000, 2000, 1700001000, 1700002000, NULL, NULL),
         (2, 1, 1, 4, 'RPR-7K3M9QXD2HJFT8WA', 'Ben', NULL, NULL, 'Watch', NULL, NULL, NULL, NULL,
          NULL, NULL, 1700003000, 1700004000, 1700005000, NULL),
         (3, 2, 2, 5, 'BSP-A1B2C3D4E5F6', 'Chloé', NULL, NULL, 'Pendant', NULL, NULL, NULL, NULL,
          NULL, NULL, 1700006000, 1700006000, NULL, 1700007000);
INSERT INTO job_events (id, job_id, at, kind, stage_id, note, note_public, user_id)
  VALUES (1, 1, 1700001000, 'created', 1, NULL, 0, 1),
         (2, 1, 1700002000, 'stage', 2, 'Quote sent', 1, 1),
         (3, 2, 1700004000, 'stage', 4, NULL, 0, NULL),
         (4, 3, 1700006000, 'created', 5, 'Sketch', 0, 2);
