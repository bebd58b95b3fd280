-- Languages. A shop has a default language, the one its own wording is
-- written in; a job may record its customer's language (what staff chose
-- at book-in, '' when they did not), which the order page and every
-- notification of the job use.
ALTER TABLE shops ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE jobs ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- A stage's wording in another language than the shop's default; an empty
-- field falls back to the stage's own (translated by the catalog when it
-- is a built-in text).
CREATE TABLE stage_texts (
  stage_id    INTEGER NOT NULL REFERENCES stages(id) ON DELETE CASCADE,
  lang        TEXT NOT NULL,
  label       TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  next_step   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (stage_id, lang)
) WITHOUT ROWID;

-- A shop's notification texts, now per language: the wording for a
-- customer's language, else the shop's default language's, else the
-- built-in text in the customer's language. The texts written so far are
-- the shops' English ones.
CREATE TABLE message_texts_by_lang (
  shop_id     INTEGER NOT NULL REFERENCES shops(id),
  kind        TEXT NOT NULL,
  lang        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (shop_id, kind, lang)
) WITHOUT ROWID;
INSERT INTO message_texts_by_lang (shop_id, kind, lang, subject, body, updated_at)
  SELECT shop_id, kind, 'en', subject, body, updated_at FROM message_texts;
DROP TABLE message_texts;
ALTER TABLE message_texts_by_lang RENAME TO message_texts;

-- The language a notification was written in, for the parts the sender
-- adds when it delivers (the email's footer and unsubscribe link).
ALTER TABLE notifications ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';
