-- Rows for the table of migration 5.
INSERT INTO form_keys (key, at, result)
  VALUES (X'a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0', 1700040000, 1);
