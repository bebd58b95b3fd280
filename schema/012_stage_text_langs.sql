-- Migration 12: which languages a shop has written its stages' wording in
-- (stage_texts), kept on the shop's row by the one writer of stage_texts
-- (workflow_texts_save). The order page reads it with the job and skips the
-- stage_texts join for a reader of any other language: compiling that join
-- was most of what a page in a language other than the shop's cost beyond
-- one in the shop's own. (Not triggers: every request parses the whole
-- schema when it opens the database, and a trigger costs it more than the
-- join it would save.)
ALTER TABLE shops ADD COLUMN stage_text_langs TEXT NOT NULL DEFAULT '';

UPDATE shops SET stage_text_langs = (
  SELECT coalesce(group_concat(DISTINCT t.lang), '') FROM stage_texts t
  JOIN stages s ON s.id = t.stage_id JOIN workflows w ON w.id = s.workflow_id
  WHERE w.shop_id = shops.id);
