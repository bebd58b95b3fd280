-- Rows for the tables of migration 6.
UPDATE shops SET phone_country = 'GB', slip_size = 'a5', slip_terms = 'Kept 90 days.',
  notify_email = 'staff@example.com' WHERE id = 1;
UPDATE jobs SET notify_channel = 'email', link_issued = 1 WHERE id = 1;
INSERT INTO message_texts (shop_id, kind, subject, body, updated_at)
  VALUES (1, 'ready', 'Your {item} is ready', 'Hello {name}, come and collect it.', 1700050000);
INSERT INTO notifications (id, shop_id, job_id, passport_id, kind, channel, recipient, subject, body,
                           link, unsubscribe, message_id, state, attempts, next_at, last_error,
                           created_at, sent_at)
  VALUES (1, 1, 1, NULL, 'ready', 'email', 'ada@example.com', 'Ready', 'Come and collect it.',
          'https://track.example.com/track/RPR-A1B2C3D4', 'tok', '<1@hallmark>', 'sent', 1,
          1700050000, NULL, 1700050000, 1700050010),
         (2, 1, NULL, 1, 'passport', 'sms', '+447700900001', '', 'Your passport', '', '',
          '<2@hallmark>', 'failed', 5, 1700050100, 'gateway said 500', 1700050100, NULL);
