-- Rows for the table of migration 8.
INSERT INTO message_hits (scope, key, win, n) VALUES ('job', X'0001', 1700070000, 3);
