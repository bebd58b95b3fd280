/* Provenance passports: a piece's specifications, provenance, owners and
 * history, signed by the issuing shop's Ed25519 key so anyone can check
 * that what /verify shows is what the shop issued. */
#ifndef HM_PASSPORT_H
#define HM_PASSPORT_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "db.h"
#include "sign.h"

/* The text fields of a passport, in canonical order. The index of each is
 * its PF_ constant; names are the form field and column names. */
enum passport_field {
	PF_TITLE, PF_JEWELLERY_TYPE, PF_DESCRIPTION,
	PF_METAL_TYPE, PF_METAL_COLOUR, PF_METAL_PURITY, PF_METAL_WEIGHT,
	PF_STONE_TYPE, PF_STONE_SHAPE, PF_STONE_CARAT, PF_STONE_COLOUR, PF_STONE_CLARITY,
	PF_STONE_ORIGIN, PF_STONE_CERTIFICATE,
	PF_RING_SIZE, PF_RING_SETTING,
	PF_MAKER, PF_MADE_IN, PF_YEAR_MADE,
	PF_OWNER_NAME, PF_OWNER_EMAIL, PF_OWNER_PURCHASE_DATE,
	PF_COUNT
};
/* Column/form name and the label people read, per field. */
extern const char *const passport_field_name[PF_COUNT];
extern const char *const passport_field_label[PF_COUNT];
/* Field i's label in the current language (i18n.h). */
const char *passport_field_text(int i);

struct passport {
	int64_t id, shop_id, identity_number;
	char public_uid[37];
	char *legacy_code;		/* NULL when none */
	char *f[PF_COUNT];		/* "" when unset, never NULL once loaded */
	int64_t owner_price_cents;
	int has_owner_price;
	int owner_public;		/* full name and price shown publicly */
	int is_public, lost_stolen;
	int64_t created_at, updated_at, deleted_at;
	unsigned char signature[64];
	int has_signature;
	int64_t signed_at;
	char *signed_by;
};

struct passport_event {
	int64_t id, created_at;
	char *kind, *event_date, *text;
};

struct passport_owner {
	char *name, *email, *purchase_date, *until_date;
	int64_t price_cents;
	int has_price, is_public;
};

struct passport_full {
	struct passport p;
	struct passport_event *ev;
	size_t nev;
	struct passport_owner *own;	/* previous owners, oldest first */
	size_t nown;
};

struct passport_list {
	struct passport *v;
	size_t n, total;
};

/* The values staff submit for create and edit (NULL or "" = unset). */
struct passport_input {
	const char *f[PF_COUNT];
	int64_t owner_price_cents;
	int has_owner_price;
	int owner_public;
	int is_public;
};

/* Gives a shop its signing key pair if it has none: the secret key sealed
 * under a key derived from the installation's master key. */
enum hm_rc shop_key_ensure(sqlite3 *db, int64_t shop_id, const unsigned char master[KEY_BYTES], time_t now);
/* The shop's public key, checked against its sealed secret key (so a
 * swapped public key in the database is caught). HM_NOTFOUND when none. */
enum hm_rc shop_key_public(sqlite3 *db, int64_t shop_id, const unsigned char master[KEY_BYTES],
    unsigned char pk[32]);

/* Creates a passport in one BEGIN IMMEDIATE transaction: UUID v4, the next
 * identity number, a "created" event, the signature. */
struct notify_env;
/* Issues a passport; with an owner email, queues the passport email
 * (env may be NULL: no email). */
enum hm_rc passport_create(sqlite3 *db, int64_t shop_id, const struct passport_input *in,
    const char *signer, const unsigned char master[KEY_BYTES], int64_t user_id,
    time_t now, const char *today, const struct notify_env *env, int64_t *id);
/* What a passport brought in from another system keeps (hallmarkctl
 * import): its public UID, identity number and legacy NXP- code when it
 * had them (NULL/0: new ones), the day it was issued (its "created"
 * event), when it was made (created_at) and its lost-or-stolen flag. */
struct passport_kept {
	const char *uid, *legacy_code, *issued;
	int64_t number, created_at;
	int lost_stolen;
};
/* Adds such a passport inside the caller's transaction and signs it; the
 * sequence moves past a kept number so it is never given again. Sends
 * nothing. A UID, number or code already used is a constraint failure. */
enum hm_rc passport_import(sqlite3 *db, int64_t shop_id, const struct passport_input *in,
    const struct passport_kept *kept, const char *signer, const unsigned char master[KEY_BYTES],
    time_t now, int64_t *id);
enum hm_rc passport_update(sqlite3 *db, int64_t shop_id, int64_t id, const struct passport_input *in,
    const char *signer, const unsigned char master[KEY_BYTES], time_t now);
/* Adds an event (serviced, valued, resized, repaired, note) and re-signs. */
enum hm_rc passport_add_event(sqlite3 *db, int64_t shop_id, int64_t id, const char *kind,
    const char *date, const char *text, const char *signer,
    const unsigned char master[KEY_BYTES], int64_t user_id, time_t now);
/* Moves the current owner to the history, records the new one and a
 * "transferred" event, and re-signs. */
enum hm_rc passport_transfer(sqlite3 *db, int64_t shop_id, int64_t id, const char *name,
    const char *email, const char *date, int64_t price_cents, int has_price, int owner_public,
    const char *signer, const unsigned char master[KEY_BYTES], int64_t user_id, time_t now);
/* Lost-or-stolen flag (with an event, re-signed); public/private; delete. */
enum hm_rc passport_set_lost(sqlite3 *db, int64_t shop_id, int64_t id, int on, const char *today,
    const char *signer, const unsigned char master[KEY_BYTES], int64_t user_id, time_t now);
enum hm_rc passport_set_public(sqlite3 *db, int64_t shop_id, int64_t id, int on, time_t now);
enum hm_rc passport_set_deleted(sqlite3 *db, int64_t shop_id, int64_t id, int on, time_t now);

/* A shop's passport with its events and previous owners. */
enum hm_rc passport_get(sqlite3 *db, int64_t shop_id, int64_t id, struct passport_full *out);
/* The passport behind a public UID: HM_NOTFOUND when unknown, private or deleted. */
enum hm_rc passport_get_public(sqlite3 *db, const char *uid, struct passport_full *out);
/* The public UID for an identity number or legacy code (public, not deleted). */
enum hm_rc passport_uid_by_number(sqlite3 *db, int64_t number, char uid[37]);
enum hm_rc passport_uid_by_legacy(sqlite3 *db, const char *code, char uid[37]);
/* Newest first; q matches title, identity number or owner name. */
enum hm_rc passport_list(sqlite3 *db, int64_t shop_id, const char *q, int show_deleted,
    size_t offset, size_t limit, struct passport_list *out);

/* The versioned canonical serialisation that is signed (see passport.c). */
char *passport_canonical(const struct passport_full *pf);
/* 1 when the stored signature verifies over the canonical content with pk. */
int passport_signature_ok(const struct passport_full *pf, const unsigned char pk[32]);
/* The owner as the public sees them: full name when staff ticked "show
 * publicly", else initials ("Jane Q. Public" -> "J. Q. P."). Caller frees. */
char *owner_public_name(const char *name, int show_full);

void passport_free(struct passport *p);
void passport_full_free(struct passport_full *pf);
void passport_list_free(struct passport_list *l);

#endif
