-- Migration 9: the shop's opening hours, as staff write them ("Tue-Sat
-- 10:00-17:30"), shown on the customer's order page beside the address,
-- above all when a job is ready to collect. Free text: shops word their
-- hours in their own way and language; '' shows nothing.
ALTER TABLE shops ADD COLUMN opening_hours TEXT NOT NULL DEFAULT '';
