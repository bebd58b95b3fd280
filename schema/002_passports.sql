-- Migration 2: provenance passports, their timeline and owners, and each
-- shop's Ed25519 signing key.

ALTER TABLE shops ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE shops ADD COLUMN abn TEXT NOT NULL DEFAULT '';

-- The secret key is sealed (crypto_secretbox) under a key derived from the
-- installation's secret key file, which never enters the database.
CREATE TABLE shop_keys (
  shop_id     INTEGER PRIMARY KEY REFERENCES shops(id),
  public_key  BLOB NOT NULL,
  sealed_key  BLOB NOT NULL,
  created_at  INTEGER NOT NULL
);

-- One platform-wide sequence of identity numbers, shared by every shop.
CREATE TABLE passport_sequence (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  next_number  INTEGER NOT NULL
);
INSERT INTO passport_sequence VALUES (1, 100000001);

CREATE TABLE passports (
  id                  INTEGER PRIMARY KEY,
  shop_id             INTEGER NOT NULL REFERENCES shops(id),
  public_uid          TEXT NOT NULL UNIQUE,
  identity_number     INTEGER NOT NULL UNIQUE,
  legacy_code         TEXT UNIQUE,
  title               TEXT NOT NULL,
  jewellery_type      TEXT, description TEXT,
  metal_type TEXT, metal_colour TEXT, metal_purity TEXT, metal_weight TEXT,
  stone_type TEXT, stone_shape TEXT, stone_carat TEXT, stone_colour TEXT,
  stone_clarity TEXT, stone_origin TEXT, stone_certificate TEXT,
  ring_size TEXT, ring_setting TEXT,
  maker TEXT, made_in TEXT, year_made TEXT,
  owner_name TEXT, owner_email TEXT, owner_purchase_date TEXT, owner_price_cents INTEGER,
  owner_public        INTEGER NOT NULL DEFAULT 0,
  is_public           INTEGER NOT NULL DEFAULT 1,
  lost_stolen         INTEGER NOT NULL DEFAULT 0,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  deleted_at          INTEGER,
  signature           BLOB,
  signed_at           INTEGER,
  signed_by           TEXT
);
CREATE INDEX passports_by_shop ON passports(shop_id, created_at);

-- kind: created, serviced, valued, resized, repaired, note, transferred,
-- lost, found, edited. event_date is the day it happened (YYYY-MM-DD).
CREATE TABLE passport_events (
  id           INTEGER PRIMARY KEY,
  passport_id  INTEGER NOT NULL REFERENCES passports(id),
  kind         TEXT NOT NULL,
  event_date   TEXT NOT NULL,
  text         TEXT,
  created_at   INTEGER NOT NULL,
  user_id      INTEGER REFERENCES users(id)
);
CREATE INDEX passport_events_by_passport ON passport_events(passport_id, event_date, id);

-- Owners before the current one (the current owner is on the passport row).
CREATE TABLE passport_owners (
  id             INTEGER PRIMARY KEY,
  passport_id    INTEGER NOT NULL REFERENCES passports(id),
  name           TEXT, email TEXT, purchase_date TEXT, price_cents INTEGER,
  public         INTEGER NOT NULL DEFAULT 0,
  until_date     TEXT NOT NULL
);
CREATE INDEX passport_owners_by_passport ON passport_owners(passport_id, id);
