-- Rows for the tables of migration 2 (passport_sequence has its own row).
UPDATE shops SET country = 'England', abn = 'GB 123 4567 89' WHERE id = 1;
INSERT INTO shop_keys (shop_id, public_key, sealed_key, created_at)
  VALUES (1, zeroblob(32), zeroblob(88), 1700010000);
INSERT INTO passports (id, shop_id, public_uid, identity_number, legacy_code, title, jewellery_type,
                       description, metal_type, metal_purity, stone_type, maker, made_in, year_made,
                       owner_name, owner_email, owner_purchase_date, owner_price_cents, owner_public,
                       is_public, lost_stolen, created_at, updated_at, deleted_at, signature,
                       signed_at, signed_by)
  VALUES (1, 1, '0b6f6f4e-6b1e-4b8e-9a51-1f3a5c7d9e01', 100000001, 'NXP-ABC123', 'Sapphire ring',
          'Ring', 'A halo ring', 'Platinum', '950', 'Sapphire', 'Hartley', 'England', '2024',
          'Zoë Ångström', 'zoe@example.com', '2024-06-14', 840000, 0, 1, 0, 1700010000, 1700010000,
          NULL, zeroblob(64), 1700010000, 'Olive Owner'),
         (2, 1, '6a0c1f0e-2d3b-4c5d-8e6f-7a8b9c0d1e2f', 100000002, NULL, 'Onyx brooch', 'Brooch',
          NULL, 'White gold', '18ct', NULL, NULL, 'France', 'c. 1925', NULL, NULL, NULL, NULL, 0,
          0, 1, 1700011000, 1700012000, 1700013000, NULL, NULL, NULL);
UPDATE passport_sequence SET next_number = 100000003;
INSERT INTO passport_events (id, passport_id, kind, event_date, text, created_at, user_id)
  VALUES (1, 1, 'created', '2024-06-14', NULL, 1700010000, 1),
         (2, 1, 'serviced', '2025-06-20', 'Claws re-tipped.', 1700010500, 1);
INSERT INTO passport_owners (id, passport_id, name, email, purchase_date, price_cents, public, until_date)
  VALUES (1, 1, 'First Owner', 'first@example.com', '2024-01-01', 500000, 1, '2024-06-14');
