-- Migration 10: the staff desk.
-- currency: the ISO 4217 code amounts are shown in ("" shows bare amounts,
-- as before). business_label: what the shop's business number is called
-- where it is printed: 'abn' (Australia), 'vat' (a VAT number), 'company'
-- (a company registration number) or 'business' (neutral); shops that had
-- one keep the ABN label they printed so far.
ALTER TABLE shops ADD COLUMN currency TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN business_label TEXT NOT NULL DEFAULT 'abn';
-- A stage move's label as the stage was called when it happened: renaming
-- a stage later does not rewrite the history. Existing events keep the
-- label their stage has now, the best there is to know.
ALTER TABLE job_events ADD COLUMN stage_label TEXT;
UPDATE job_events SET stage_label = (SELECT label FROM stages WHERE stages.id = job_events.stage_id)
  WHERE stage_id IS NOT NULL;
