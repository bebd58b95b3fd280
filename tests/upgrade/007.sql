-- Rows for the tables of migration 7 (message_texts was rebuilt with a language).
UPDATE shops SET language = 'fr' WHERE id = 2;
UPDATE jobs SET language = 'fr' WHERE id = 3;
INSERT INTO stage_texts (stage_id, lang, label, description, next_step)
  VALUES (1, 'fr', 'Reçu', 'Nous l''avons.', 'Nous l''examinons.'),
         (2, 'de', 'Wartet auf Sie', '', '');
INSERT INTO message_texts (shop_id, kind, lang, subject, body, updated_at)
  VALUES (1, 'ready', 'fr', 'Votre {item} est prêt', 'Bonjour {name}.', 1700060000);
