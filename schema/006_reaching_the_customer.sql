-- Migration 6: getting the link to the customer. Job numbers for staff,
-- tracking on or off, the shop's slip and phone settings, the customer's
-- channel, message texts, stages that notify, and the notification outbox.

-- next_job_number: the shop's next job number (#1001, #1002, ...), never
-- reused. tracking_enabled: new jobs get a customer link (0: booked with
-- their link held back until tracking is turned on again).
-- phone_country: ISO 3166 code whose rules turn a local number typed at
-- the counter into an international one ('' = numbers must start with +).
-- slip_size: the take-in slip's paper. slip_terms: the shop's own terms,
-- printed on the slip. notify_email: where staff are told a customer
-- wrote or decided ('' = not told).
ALTER TABLE shops ADD COLUMN next_job_number INTEGER NOT NULL DEFAULT 1001;
ALTER TABLE shops ADD COLUMN tracking_enabled INTEGER NOT NULL DEFAULT 1
  CHECK (tracking_enabled IN (0, 1));
ALTER TABLE shops ADD COLUMN phone_country TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN slip_size TEXT NOT NULL DEFAULT '80mm'
  CHECK (slip_size IN ('80mm', 'a5', 'a4'));
ALTER TABLE shops ADD COLUMN slip_terms TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN notify_email TEXT NOT NULL DEFAULT '';

-- number: the job's number in its shop, what staff see, search and print on
-- internal tags; the tracking ID stays the customer's secret. Existing jobs
-- are numbered in the order they were booked, from 1001.
-- link_issued: 0 while the shop's tracking was off when it was booked.
-- notify_channel: how the customer chose to hear from the shop.
-- notify_off: the customer asked for no more notifications about the job.
ALTER TABLE jobs ADD COLUMN number INTEGER;
UPDATE jobs SET number = 1000 + (SELECT count(*) FROM jobs o WHERE o.shop_id = jobs.shop_id
  AND (o.created_at < jobs.created_at OR (o.created_at = jobs.created_at AND o.id <= jobs.id)));
UPDATE shops SET next_job_number = 1001 + (SELECT count(*) FROM jobs WHERE shop_id = shops.id);
CREATE UNIQUE INDEX jobs_number ON jobs(shop_id, number);
ALTER TABLE jobs ADD COLUMN link_issued INTEGER NOT NULL DEFAULT 1 CHECK (link_issued IN (0, 1));
ALTER TABLE jobs ADD COLUMN notify_channel TEXT NOT NULL DEFAULT 'none'
  CHECK (notify_channel IN ('email', 'sms', 'whatsapp', 'none'));
ALTER TABLE jobs ADD COLUMN notify_off INTEGER NOT NULL DEFAULT 0 CHECK (notify_off IN (0, 1));

-- Stage flag 16: moving a job here notifies the customer. On for the
-- stages that were ready for pickup or asked for a decision.
UPDATE stages SET flags = flags | 16 WHERE flags & 9 != 0;

-- A shop's own wording of a notification (kind: booked_in, stage, ready,
-- design_review, staff_reply, passport); without a row, the built-in text.
CREATE TABLE message_texts (
  shop_id     INTEGER NOT NULL REFERENCES shops(id),
  kind        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (shop_id, kind)
) WITHOUT ROWID;

-- The outbox: a notification is written in the same transaction as the
-- change that causes it, and hallmarkctl send delivers it. state: queued
-- (due at next_at), sending (claimed by a sender), sent, failed (gave up:
-- last_error says why). message_id is fixed when queued, so a retry of
-- the same notification carries the same Message-ID.
CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY,
  shop_id     INTEGER NOT NULL REFERENCES shops(id),
  job_id      INTEGER REFERENCES jobs(id),
  passport_id INTEGER REFERENCES passports(id),
  kind        TEXT NOT NULL,
  channel     TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient   TEXT NOT NULL,
  subject     TEXT NOT NULL DEFAULT '',
  body        TEXT NOT NULL,
  link        TEXT NOT NULL DEFAULT '',
  unsubscribe TEXT NOT NULL DEFAULT '',
  message_id  TEXT NOT NULL UNIQUE,
  state       TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  next_at     INTEGER NOT NULL,
  last_error  TEXT,
  created_at  INTEGER NOT NULL,
  sent_at     INTEGER
);
CREATE INDEX notifications_due ON notifications(state, next_at);
CREATE INDEX notifications_by_job ON notifications(job_id);
CREATE INDEX notifications_by_passport ON notifications(passport_id);
