-- Rows for the table of migration 3.
INSERT INTO attachments (id, shop_id, owner_kind, owner_id, role, is_public, stored_name,
                         display_w, display_h, bytes, created_at, deleted_at)
  VALUES (1, 1, 'passport', 1, 'primary', 1, '00112233445566778899aabbccddeeff', 1600, 1200, 250000, 1700020000, NULL),
         (2, 1, 'passport', 1, 'gallery', 0, 'ffeeddccbbaa99887766554433221100', 800, 1600, 120000, 1700020100, 1700020200),
         (3, 1, 'job', 1, 'proof', 1, '0123456789abcdef0123456789abcdef', 1200, 1200, 90000, 1700020300, NULL);
