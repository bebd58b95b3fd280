/* Provenance passports, their timeline, owners and signatures.
 *
 * Canonical content, format "hallmark-passport-v1" (what is signed, what
 * /verify/<uid>.json returns, what `hallmarkctl passport check` verifies):
 * UTF-8 text, one item per line, each line ending in LF:
 *
 *   hallmark-passport-v1
 *   uid <public uid>
 *   number <identity number>
 *   <field> <value>            one line per non-empty public field, in the
 *                              order of passport_field_name[]; the owner as
 *                              the public sees them (initials unless shown
 *                              in full); never the owner's email
 *   owner_price <1234.50>      only when the owner is shown in full
 *   lost_or_stolen yes         only when flagged
 *   event <date>\t<kind>\t<text>            one per event, oldest first
 *   previous_owner <name>\t<bought>\t<until> one per earlier owner
 *
 * In values, backslash, LF, CR and TAB are written \\ \n \r \t. The
 * signature is Ed25519 (crypto_sign_detached) over these exact bytes. */
#include "passport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ids.h"
#include "i18n.h"
#include "notify.h"
#include "utf8.h"
#include "util.h"

#define CANON_VERSION "hallmark-passport-v1"

const char *const passport_field_name[PF_COUNT] = {
	"title", "jewellery_type", "description",
	"metal_type", "metal_colour", "metal_purity", "metal_weight",
	"stone_type", "stone_shape", "stone_carat", "stone_colour", "stone_clarity",
	"stone_origin", "stone_certificate",
	"ring_size", "ring_setting",
	"maker", "made_in", "year_made",
	"owner_name", "owner_email", "owner_purchase_date",
};

/* In English; passport_field_text gives them in the reader's language. */
const char *const passport_field_label[PF_COUNT] = {
	NC_("passport field", "Title"),
	NC_("passport field", "Jewellery type"),
	NC_("passport field", "Description"),
	NC_("passport field", "Metal"),
	NC_("passport field", "Colour"),
	NC_("passport field", "Purity"),
	NC_("passport field", "Weight"),
	NC_("passport field", "Stone"),
	NC_("passport field", "Shape"),
	NC_("passport field", "Carat"),
	NC_("passport field", "Colour"),
	NC_("passport field", "Clarity"),
	NC_("passport field", "Origin"),
	NC_("passport field", "Certificate number"),
	NC_("passport field", "Ring size"),
	NC_("passport field", "Setting style"),
	NC_("passport field", "Maker / designer"),
	NC_("passport field", "Made in"),
	NC_("passport field", "Year made"),
	NC_("passport field", "Owner"),
	NC_("passport field", "Owner's email"),
	NC_("passport field", "Purchase date"),
};

const char *passport_field_text(int i)
{
	return lang_get(lang_current(), "passport field", passport_field_label[i]);
}

/* ---- shop signing keys ---------------------------------------------- */

static void seal_key(const unsigned char master[KEY_BYTES], unsigned char k[KEY_BYTES])
{
	key_derive(master, KEY_SHOP_SIGNING, k);
}

enum hm_rc shop_key_ensure(sqlite3 *db, int64_t shop_id, const unsigned char master[KEY_BYTES], time_t now)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char sealed[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + sizeof sk];
	unsigned char k[KEY_BYTES];
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO shop_keys(shop_id, public_key, sealed_key, "
	    "created_at) VALUES(?,?,?,?) ON CONFLICT(shop_id) DO NOTHING");
	if (!st)
		return HM_ERR;
	crypto_sign_keypair(pk, sk);
	seal_key(master, k);
	randombytes_buf(sealed, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(sealed + crypto_secretbox_NONCEBYTES, sk, sizeof sk, sealed, k);
	sqlite3_bind_int64(st, 1, shop_id);
	sqlite3_bind_blob(st, 2, pk, sizeof pk, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 3, sealed, sizeof sealed, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "shop key");
	sqlite3_finalize(st);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(k, sizeof k);
	return rc;
}

/* Loads and unseals a shop's key pair; the public key must be the one the
 * sealed secret key belongs to. sk may be NULL when only pk is wanted. */
static enum hm_rc shop_key_load(sqlite3 *db, int64_t shop_id, const unsigned char master[KEY_BYTES],
    unsigned char pk[32], unsigned char *sk)
{
	unsigned char secret[crypto_sign_SECRETKEYBYTES], derived[32], k[KEY_BYTES];
	enum hm_rc rc = HM_NOTFOUND;
	sqlite3_stmt *st = db_prepare(db, "SELECT public_key, sealed_key FROM shop_keys WHERE shop_id = ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		const unsigned char *p = sqlite3_column_blob(st, 0);
		const unsigned char *sealed = sqlite3_column_blob(st, 1);
		int plen = sqlite3_column_bytes(st, 0), slen = sqlite3_column_bytes(st, 1);
		seal_key(master, k);
		rc = HM_ERR;
		if (plen == 32 && slen == (int)(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + sizeof secret) &&
		    crypto_secretbox_open_easy(secret, sealed + crypto_secretbox_NONCEBYTES,
			(unsigned long long)slen - crypto_secretbox_NONCEBYTES, sealed, k) == 0) {
			crypto_sign_ed25519_sk_to_pk(derived, secret);
			if (sodium_memcmp(derived, p, 32) == 0) {
				memcpy(pk, p, 32);
				if (sk)
					memcpy(sk, secret, sizeof secret);
				rc = HM_OK;
			}
		}
		if (rc != HM_OK)
			log_err("shop %lld: signing key does not match its sealed secret", (long long)shop_id);
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "shop key load");
	}
	sqlite3_finalize(st);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(k, sizeof k);
	return rc;
}

enum hm_rc shop_key_public(sqlite3 *db, int64_t shop_id, const unsigned char master[KEY_BYTES],
    unsigned char pk[32])
{
	return shop_key_load(db, shop_id, master, pk, NULL);
}

/* ---- canonical content ----------------------------------------------- */

static void canon_value(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default: buf_putc(b, *s);
		}
	}
}

char *owner_public_name(const char *name, int show_full)
{
	struct buf b = {0};
	if (!name || !*name)
		return xstrdup("");
	if (show_full)
		return xstrdup(name);
	/* Initials: the first character (a whole UTF-8 sequence) of each word. */
	const unsigned char *p = (const unsigned char *)name;
	while (*p) {
		while (*p == ' ' || *p == '-' || *p == '.' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t n = utf8_seq(p, strlen((const char *)p));
		n = n ? n : 1;	/* a byte that starts no character stands for itself */
		if (b.len)
			buf_putc(&b, ' ');
		if (n == 1)
			buf_putc(&b, (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p));
		else
			for (size_t i = 0; i < n && p[i]; i++)
				buf_putc(&b, (char)p[i]);
		buf_putc(&b, '.');
		while (*p && *p != ' ' && *p != '-' && *p != '\t')
			p++;
	}
	return buf_detach(&b);
}

char *passport_canonical(const struct passport_full *pf)
{
	const struct passport *p = &pf->p;
	struct buf b = {0};
	char money[32];

	buf_puts(&b, CANON_VERSION "\n");
	buf_printf(&b, "uid %s\nnumber %lld\n", p->public_uid, (long long)p->identity_number);
	for (int i = 0; i < PF_COUNT; i++) {
		if (i == PF_OWNER_EMAIL || !p->f[i] || !*p->f[i])
			continue;
		buf_printf(&b, "%s ", passport_field_name[i]);
		if (i == PF_OWNER_NAME) {
			char *shown = owner_public_name(p->f[i], p->owner_public);
			canon_value(&b, shown);
			free(shown);
		} else {
			canon_value(&b, p->f[i]);
		}
		buf_putc(&b, '\n');
	}
	if (p->owner_public && p->has_owner_price) {
		snprintf(money, sizeof money, "%lld.%02lld", (long long)(p->owner_price_cents / 100),
		    (long long)(p->owner_price_cents % 100));
		buf_printf(&b, "owner_price %s\n", money);
	}
	if (p->lost_stolen)
		buf_puts(&b, "lost_or_stolen yes\n");
	for (size_t i = 0; i < pf->nev; i++) {
		buf_puts(&b, "event ");
		canon_value(&b, pf->ev[i].event_date);
		buf_putc(&b, '\t');
		canon_value(&b, pf->ev[i].kind);
		buf_putc(&b, '\t');
		canon_value(&b, pf->ev[i].text);
		buf_putc(&b, '\n');
	}
	for (size_t i = 0; i < pf->nown; i++) {
		char *shown = owner_public_name(pf->own[i].name, pf->own[i].is_public);
		buf_puts(&b, "previous_owner ");
		canon_value(&b, shown);
		buf_putc(&b, '\t');
		canon_value(&b, pf->own[i].purchase_date);
		buf_putc(&b, '\t');
		canon_value(&b, pf->own[i].until_date);
		buf_putc(&b, '\n');
		free(shown);
	}
	return buf_detach(&b);
}

int passport_signature_ok(const struct passport_full *pf, const unsigned char pk[32])
{
	if (!pf->p.has_signature)
		return 0;
	char *c = passport_canonical(pf);
	int ok = crypto_sign_verify_detached(pf->p.signature, (const unsigned char *)c, strlen(c), pk) == 0;
	free(c);
	return ok;
}

/* ---- reading ---------------------------------------------------------- */

#define P_COLS "id, shop_id, identity_number, public_uid, legacy_code, title, jewellery_type, " \
	"description, metal_type, metal_colour, metal_purity, metal_weight, stone_type, stone_shape, " \
	"stone_carat, stone_colour, stone_clarity, stone_origin, stone_certificate, ring_size, " \
	"ring_setting, maker, made_in, year_made, owner_name, owner_email, owner_purchase_date, " \
	"owner_price_cents, owner_public, is_public, lost_stolen, created_at, updated_at, deleted_at, " \
	"signature, signed_at, signed_by "

static void passport_row(sqlite3_stmt *st, struct passport *p)
{
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->shop_id = sqlite3_column_int64(st, 1);
	p->identity_number = sqlite3_column_int64(st, 2);
	snprintf(p->public_uid, sizeof p->public_uid, "%s", db_col_str(st, 3));
	p->legacy_code = sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL : db_col_dup(st, 4);
	for (int i = 0; i < PF_COUNT; i++)
		p->f[i] = db_col_dup(st, 5 + i);
	int c = 5 + PF_COUNT;
	p->has_owner_price = sqlite3_column_type(st, c) != SQLITE_NULL;
	p->owner_price_cents = sqlite3_column_int64(st, c);
	p->owner_public = sqlite3_column_int(st, c + 1);
	p->is_public = sqlite3_column_int(st, c + 2);
	p->lost_stolen = sqlite3_column_int(st, c + 3);
	p->created_at = sqlite3_column_int64(st, c + 4);
	p->updated_at = sqlite3_column_int64(st, c + 5);
	p->deleted_at = sqlite3_column_int64(st, c + 6);
	if (sqlite3_column_bytes(st, c + 7) == 64) {
		memcpy(p->signature, sqlite3_column_blob(st, c + 7), 64);
		p->has_signature = 1;
	}
	p->signed_at = sqlite3_column_int64(st, c + 8);
	p->signed_by = db_col_dup(st, c + 9);
}

static enum hm_rc load_history(sqlite3 *db, struct passport_full *pf)
{
	int s;
	sqlite3_stmt *st = db_prepare(db, "SELECT id, created_at, kind, event_date, text FROM "
	    "passport_events WHERE passport_id = ? ORDER BY event_date, id");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, pf->p.id);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		pf->ev = xrealloc(pf->ev, (pf->nev + 1) * sizeof *pf->ev);
		struct passport_event *e = &pf->ev[pf->nev++];
		e->id = sqlite3_column_int64(st, 0);
		e->created_at = sqlite3_column_int64(st, 1);
		e->kind = db_col_dup(st, 2);
		e->event_date = db_col_dup(st, 3);
		e->text = db_col_dup(st, 4);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE)
		return db_rc(db, s, "passport events");
	st = db_prepare(db, "SELECT name, email, purchase_date, until_date, price_cents, public "
	    "FROM passport_owners WHERE passport_id = ? ORDER BY id");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, pf->p.id);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		pf->own = xrealloc(pf->own, (pf->nown + 1) * sizeof *pf->own);
		struct passport_owner *o = &pf->own[pf->nown++];
		o->name = db_col_dup(st, 0);
		o->email = db_col_dup(st, 1);
		o->purchase_date = db_col_dup(st, 2);
		o->until_date = db_col_dup(st, 3);
		o->has_price = sqlite3_column_type(st, 4) != SQLITE_NULL;
		o->price_cents = sqlite3_column_int64(st, 4);
		o->is_public = sqlite3_column_int(st, 5);
	}
	sqlite3_finalize(st);
	return db_rc(db, s, "passport owners");
}

/* Steps a prepared single-passport query and loads its history. */
static enum hm_rc get_one(sqlite3 *db, sqlite3_stmt *st, struct passport_full *out)
{
	int s = sqlite3_step(st);
	enum hm_rc rc = HM_NOTFOUND;
	if (s == SQLITE_ROW) {
		passport_row(st, &out->p);
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "passport get");
	}
	sqlite3_finalize(st);
	if (rc == HM_OK && (rc = load_history(db, out)) != HM_OK)
		passport_full_free(out);
	return rc;
}

enum hm_rc passport_get(sqlite3 *db, int64_t shop_id, int64_t id, struct passport_full *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT " P_COLS "FROM passports WHERE id = ? AND shop_id = ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, shop_id);
	return get_one(db, st, out);
}

enum hm_rc passport_get_public(sqlite3 *db, const char *uid, struct passport_full *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT " P_COLS "FROM passports WHERE public_uid = ? "
	    "AND is_public = 1 AND deleted_at IS NULL");
	if (!st)
		return HM_ERR;
	db_bind_str(st, 1, uid);
	return get_one(db, st, out);
}

/* Steps a prepared one-column public_uid query whose ?1 is n, or code
 * when that is not NULL; finalizes it. */
static enum hm_rc uid_where(sqlite3 *db, sqlite3_stmt *st, int64_t n, const char *code, char uid[37])
{
	if (!st)
		return HM_ERR;
	if (code)
		db_bind_str(st, 1, code);
	else
		sqlite3_bind_int64(st, 1, n);
	int s = sqlite3_step(st);
	enum hm_rc rc = HM_NOTFOUND;
	if (s == SQLITE_ROW) {
		snprintf(uid, 37, "%s", db_col_str(st, 0));
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "passport uid");
	}
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc passport_uid_by_number(sqlite3 *db, int64_t number, char uid[37])
{
	return uid_where(db, db_prepare(db, "SELECT public_uid FROM passports "
	    "WHERE identity_number = ? AND is_public = 1 AND deleted_at IS NULL"), number, NULL, uid);
}

enum hm_rc passport_uid_by_legacy(sqlite3 *db, const char *code, char uid[37])
{
	return uid_where(db, db_prepare(db, "SELECT public_uid FROM passports "
	    "WHERE legacy_code = ? AND is_public = 1 AND deleted_at IS NULL"), 0, code, uid);
}

/* One WHERE clause serves the count and the page. */
#define PASSPORT_LIST_WHERE "FROM passports WHERE shop_id = ?1 " \
	"AND (CASE WHEN ?2 THEN deleted_at IS NOT NULL ELSE deleted_at IS NULL END) " \
	"AND (?3 IS NULL OR title LIKE ?3 ESCAPE '\\' OR owner_name LIKE ?3 ESCAPE '\\' " \
	"     OR CAST(identity_number AS TEXT) = ?4) "

enum hm_rc passport_list(sqlite3 *db, int64_t shop_id, const char *q, int show_deleted,
    size_t offset, size_t limit, struct passport_list *out)
{
	struct buf pat = {0};
	enum hm_rc rc = HM_OK;
	int s;

	memset(out, 0, sizeof *out);
	if (q && *q) {
		buf_putc(&pat, '%');
		for (const char *c = q; *c; c++) {
			if (*c == '%' || *c == '_' || *c == '\\')
				buf_putc(&pat, '\\');
			buf_putc(&pat, *c);
		}
		buf_putc(&pat, '%');
	}
	for (int pass = 0; pass < 2 && rc == HM_OK; pass++) {
		sqlite3_stmt *st;
		if (pass == 0)
			st = db_prepare(db, "SELECT count(*) " PASSPORT_LIST_WHERE);
		else
			st = db_prepare(db, "SELECT " P_COLS PASSPORT_LIST_WHERE
			    "ORDER BY created_at DESC, id DESC LIMIT ?5 OFFSET ?6");
		if (!st) {
			rc = HM_ERR;
			break;
		}
		sqlite3_bind_int64(st, 1, shop_id);
		sqlite3_bind_int(st, 2, show_deleted ? 1 : 0);
		db_bind_text(st, 3, pat.data);
		db_bind_text(st, 4, q);
		if (pass == 1) {
			sqlite3_bind_int64(st, 5, (int64_t)limit);
			sqlite3_bind_int64(st, 6, (int64_t)offset);
		}
		while ((s = sqlite3_step(st)) == SQLITE_ROW) {
			if (pass == 0) {
				out->total = (size_t)sqlite3_column_int64(st, 0);
				continue;
			}
			out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
			passport_row(st, &out->v[out->n++]);
		}
		rc = db_rc(db, s, "passport list");
		sqlite3_finalize(st);
	}
	buf_free(&pat);
	if (rc != HM_OK)
		passport_list_free(out);
	return rc;
}

/* ---- writing ---------------------------------------------------------- */

/* Signs the passport's current canonical content; inside the caller's
 * transaction, so content and signature always commit together. */
static enum hm_rc resign(sqlite3 *db, int64_t shop_id, int64_t id, const char *signer,
    const unsigned char master[KEY_BYTES], time_t now)
{
	unsigned char pk[32], sk[crypto_sign_SECRETKEYBYTES], sig[64];
	struct passport_full pf;
	enum hm_rc rc;

	if ((rc = shop_key_ensure(db, shop_id, master, now)) != HM_OK ||
	    (rc = passport_get(db, shop_id, id, &pf)) != HM_OK)
		return rc;
	if ((rc = shop_key_load(db, shop_id, master, pk, sk)) == HM_OK) {
		char *c = passport_canonical(&pf);
		crypto_sign_detached(sig, NULL, (const unsigned char *)c, strlen(c), sk);
		free(c);
		sqlite3_stmt *st = db_prepare(db, "UPDATE passports SET signature = ?, signed_at = ?, "
		    "signed_by = ? WHERE id = ?");
		if (st) {
			sqlite3_bind_blob(st, 1, sig, sizeof sig, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 2, now);
			db_bind_str(st, 3, signer);
			sqlite3_bind_int64(st, 4, id);
			rc = db_rc(db, sqlite3_step(st), "passport sign");
			sqlite3_finalize(st);
		} else {
			rc = HM_ERR;
		}
	}
	sodium_memzero(sk, sizeof sk);
	passport_full_free(&pf);
	return rc;
}

static enum hm_rc add_event(sqlite3 *db, int64_t id, const char *kind, const char *date,
    const char *text, int64_t user_id, time_t now)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO passport_events(passport_id, kind, event_date, "
	    "text, created_at, user_id) VALUES(?,?,?,?,?,?)");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, id);
	db_bind_str(st, 2, kind);
	db_bind_str(st, 3, date);
	db_bind_text(st, 4, text);
	sqlite3_bind_int64(st, 5, now);
	if (user_id)
		sqlite3_bind_int64(st, 6, user_id);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "passport event");
	sqlite3_finalize(st);
	return rc;
}

/* Ends a write: commit on success, roll back otherwise. */
static enum hm_rc finish(sqlite3 *db, enum hm_rc rc)
{
	if (rc == HM_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}

static void bind_input(sqlite3_stmt *st, const struct passport_input *in)
{
	for (int i = 0; i < PF_COUNT; i++)
		if (i == PF_TITLE)
			db_bind_str(st, 1 + i, in->f[i]);
		else
			db_bind_text(st, 1 + i, in->f[i]);
	int c = 1 + PF_COUNT;
	if (in->has_owner_price)
		sqlite3_bind_int64(st, c, in->owner_price_cents);
	else
		sqlite3_bind_null(st, c);
	sqlite3_bind_int(st, c + 1, in->owner_public ? 1 : 0);
	sqlite3_bind_int(st, c + 2, in->is_public ? 1 : 0);
}

#define IN_COLS "title, jewellery_type, description, metal_type, metal_colour, metal_purity, " \
	"metal_weight, stone_type, stone_shape, stone_carat, stone_colour, stone_clarity, stone_origin, " \
	"stone_certificate, ring_size, ring_setting, maker, made_in, year_made, owner_name, owner_email, " \
	"owner_purchase_date, owner_price_cents, owner_public, is_public"

enum hm_rc passport_create(sqlite3 *db, int64_t shop_id, const struct passport_input *in,
    const char *signer, const unsigned char master[KEY_BYTES], int64_t user_id,
    time_t now, const char *today, const struct notify_env *env, int64_t *id)
{
	char uid[37];
	int64_t number = 0;
	sqlite3_stmt *st = NULL;
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	/* The sequence row is updated inside this IMMEDIATE transaction, so two
	 * concurrent creations can never take the same number. */
	st = db_prepare(db, "UPDATE passport_sequence SET next_number = next_number + 1 "
	    "WHERE id = 1 RETURNING next_number - 1");
	if (!st) {
		rc = HM_ERR;
		goto out;
	}
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		number = sqlite3_column_int64(st, 0);
	else
		rc = s == SQLITE_DONE ? HM_ERR : db_rc(db, s, "passport sequence");
	sqlite3_finalize(st);
	if (rc != HM_OK)
		goto out;
	uuid_v4(uid);
	st = db_prepare(db, "INSERT INTO passports(" IN_COLS ", shop_id, public_uid, identity_number, "
	    "created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st) {
		rc = HM_ERR;
		goto out;
	}
	bind_input(st, in);
	int c = 1 + PF_COUNT + 3;
	sqlite3_bind_int64(st, c, shop_id);
	sqlite3_bind_text(st, c + 1, uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, c + 2, number);
	sqlite3_bind_int64(st, c + 3, now);
	sqlite3_bind_int64(st, c + 4, now);
	rc = db_rc(db, sqlite3_step(st), "passport insert");
	sqlite3_finalize(st);
	if (rc != HM_OK)
		goto out;
	*id = sqlite3_last_insert_rowid(db);
	db_form_result(*id);
	if ((rc = add_event(db, *id, "created", today, NULL, user_id, now)) == HM_OK)
		rc = resign(db, shop_id, *id, signer, master, now);
	if (rc == HM_OK)
		rc = notify_passport(db, *id, env);
out:
	return finish(db, rc);
}

enum hm_rc passport_import(sqlite3 *db, int64_t shop_id, const struct passport_input *in,
    const struct passport_kept *kept, const char *signer, const unsigned char master[KEY_BYTES],
    time_t now, int64_t *id)
{
	char uid[37];
	int64_t number = kept->number;
	sqlite3_stmt *st;
	enum hm_rc rc = HM_OK;
	if (!number) {
		st = db_prepare(db, "UPDATE passport_sequence SET next_number = next_number + 1 "
		    "WHERE id = 1 RETURNING next_number - 1");
		if (!st)
			return HM_ERR;
		int s = sqlite3_step(st);
		if (s == SQLITE_ROW)
			number = sqlite3_column_int64(st, 0);
		else
			rc = s == SQLITE_DONE ? HM_ERR : db_rc(db, s, "passport sequence");
		sqlite3_finalize(st);
	} else {
		/* The sequence never hands out a number brought in. */
		st = db_prepare(db, "UPDATE passport_sequence SET next_number = ?1 + 1 "
		    "WHERE id = 1 AND next_number <= ?1");
		if (!st)
			return HM_ERR;
		sqlite3_bind_int64(st, 1, number);
		rc = db_rc(db, sqlite3_step(st), "passport sequence");
		sqlite3_finalize(st);
	}
	if (rc != HM_OK)
		return rc;
	if (kept->uid && *kept->uid)
		snprintf(uid, sizeof uid, "%s", kept->uid);
	else
		uuid_v4(uid);
	st = db_prepare(db, "INSERT INTO passports(" IN_COLS ", shop_id, public_uid, identity_number, "
	    "created_at, updated_at, legacy_code, lost_stolen) "
	    "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return HM_ERR;
	bind_input(st, in);
	int c = 1 + PF_COUNT + 3;
	sqlite3_bind_int64(st, c, shop_id);
	sqlite3_bind_text(st, c + 1, uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, c + 2, number);
	sqlite3_bind_int64(st, c + 3, kept->created_at);
	sqlite3_bind_int64(st, c + 4, now);
	db_bind_text(st, c + 5, kept->legacy_code);
	sqlite3_bind_int(st, c + 6, kept->lost_stolen ? 1 : 0);
	rc = db_rc(db, sqlite3_step(st), "passport import");
	sqlite3_finalize(st);
	if (rc != HM_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(db);
	if ((rc = add_event(db, *id, "created", kept->issued, NULL, 0, now)) == HM_OK)
		rc = resign(db, shop_id, *id, signer, master, now);
	return rc;
}

enum hm_rc passport_update(sqlite3 *db, int64_t shop_id, int64_t id, const struct passport_input *in,
    const char *signer, const unsigned char master[KEY_BYTES], time_t now)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	sqlite3_stmt *st = db_prepare(db, "UPDATE passports SET (" IN_COLS ", updated_at) = "
	    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
	    "WHERE id = ? AND shop_id = ? AND deleted_at IS NULL");
	if (!st)
		return finish(db, HM_ERR);
	bind_input(st, in);
	int c = 1 + PF_COUNT + 3;
	sqlite3_bind_int64(st, c, now);
	sqlite3_bind_int64(st, c + 1, id);
	sqlite3_bind_int64(st, c + 2, shop_id);
	rc = db_rc(db, sqlite3_step(st), "passport update");
	if (rc == HM_OK && sqlite3_changes(db) == 0)
		rc = HM_NOTFOUND;
	sqlite3_finalize(st);
	if (rc == HM_OK)
		rc = resign(db, shop_id, id, signer, master, now);
	return finish(db, rc);
}

/* Runs one prepared, scoped UPDATE (binding id, shop_id, now as ?1 ?2 ?3)
 * and finalizes it; HM_ERR when st is NULL (its prepare failed). */
static enum hm_rc scoped_update(sqlite3 *db, sqlite3_stmt *st, int64_t id, int64_t shop_id, time_t now)
{
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, shop_id);
	sqlite3_bind_int64(st, 3, now);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "passport change");
	if (rc == HM_OK && sqlite3_changes(db) == 0)
		rc = HM_NOTFOUND;
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc passport_add_event(sqlite3 *db, int64_t shop_id, int64_t id, const char *kind,
    const char *date, const char *text, const char *signer,
    const unsigned char master[KEY_BYTES], int64_t user_id, time_t now)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	rc = scoped_update(db, db_prepare(db, "UPDATE passports SET updated_at = ?3 "
	    "WHERE id = ?1 AND shop_id = ?2 AND deleted_at IS NULL"), id, shop_id, now);
	if (rc == HM_OK)
		rc = add_event(db, id, kind, date, text, user_id, now);
	if (rc == HM_OK)
		rc = resign(db, shop_id, id, signer, master, now);
	return finish(db, rc);
}

enum hm_rc passport_transfer(sqlite3 *db, int64_t shop_id, int64_t id, const char *name,
    const char *email, const char *date, int64_t price_cents, int has_price, int owner_public,
    const char *signer, const unsigned char master[KEY_BYTES], int64_t user_id, time_t now)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	/* The outgoing owner (if any) joins the history, ending on the new date. */
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO passport_owners(passport_id, name, email, "
	    "purchase_date, price_cents, public, until_date) SELECT id, owner_name, owner_email, "
	    "owner_purchase_date, owner_price_cents, owner_public, ?3 FROM passports "
	    "WHERE id = ?1 AND shop_id = ?2 AND deleted_at IS NULL AND owner_name IS NOT NULL");
	if (!st)
		return finish(db, HM_ERR);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, shop_id);
	db_bind_str(st, 3, date);
	rc = db_rc(db, sqlite3_step(st), "passport owner history");
	sqlite3_finalize(st);
	if (rc != HM_OK)
		return finish(db, rc);
	st = db_prepare(db, "UPDATE passports SET owner_name = ?3, owner_email = ?4, "
	    "owner_purchase_date = ?5, owner_price_cents = ?6, owner_public = ?7, updated_at = ?8 "
	    "WHERE id = ?1 AND shop_id = ?2 AND deleted_at IS NULL");
	if (!st)
		return finish(db, HM_ERR);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, shop_id);
	db_bind_text(st, 3, name);
	db_bind_text(st, 4, email);
	db_bind_text(st, 5, date);
	if (has_price)
		sqlite3_bind_int64(st, 6, price_cents);
	sqlite3_bind_int(st, 7, owner_public ? 1 : 0);
	sqlite3_bind_int64(st, 8, now);
	rc = db_rc(db, sqlite3_step(st), "passport transfer");
	if (rc == HM_OK && sqlite3_changes(db) == 0)
		rc = HM_NOTFOUND;
	sqlite3_finalize(st);
	if (rc == HM_OK)
		rc = add_event(db, id, "transferred", date, "Ownership transferred", user_id, now);
	if (rc == HM_OK)
		rc = resign(db, shop_id, id, signer, master, now);
	return finish(db, rc);
}

enum hm_rc passport_set_lost(sqlite3 *db, int64_t shop_id, int64_t id, int on, const char *today,
    const char *signer, const unsigned char master[KEY_BYTES], int64_t user_id, time_t now)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	rc = scoped_update(db, on
	    ? db_prepare(db, "UPDATE passports SET lost_stolen = 1, updated_at = ?3 "
	      "WHERE id = ?1 AND shop_id = ?2 AND deleted_at IS NULL AND lost_stolen = 0")
	    : db_prepare(db, "UPDATE passports SET lost_stolen = 0, updated_at = ?3 "
	      "WHERE id = ?1 AND shop_id = ?2 AND deleted_at IS NULL AND lost_stolen = 1"),
	    id, shop_id, now);
	if (rc == HM_OK)
		rc = add_event(db, id, on ? "lost" : "found", today,
		    on ? "Reported lost or stolen" : "Lost-or-stolen report cleared", user_id, now);
	if (rc == HM_OK)
		rc = resign(db, shop_id, id, signer, master, now);
	return finish(db, rc);
}

enum hm_rc passport_set_public(sqlite3 *db, int64_t shop_id, int64_t id, int on, time_t now)
{
	/* A transaction of its own, so the audit trail is written with it. */
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	return finish(db, scoped_update(db, on
	    ? db_prepare(db, "UPDATE passports SET is_public = 1, updated_at = ?3 "
	      "WHERE id = ?1 AND shop_id = ?2")
	    : db_prepare(db, "UPDATE passports SET is_public = 0, updated_at = ?3 "
	      "WHERE id = ?1 AND shop_id = ?2"),
	    id, shop_id, now));
}

enum hm_rc passport_set_deleted(sqlite3 *db, int64_t shop_id, int64_t id, int on, time_t now)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	return finish(db, scoped_update(db, on
	    ? db_prepare(db, "UPDATE passports SET deleted_at = ?3 "
	      "WHERE id = ?1 AND shop_id = ?2 AND deleted_at IS NULL")
	    : db_prepare(db, "UPDATE passports SET deleted_at = NULL, updated_at = ?3 "
	      "WHERE id = ?1 AND shop_id = ?2 AND deleted_at IS NOT NULL"),
	    id, shop_id, now));
}

/* ---- freeing ------------------------------------------------------------ */

void passport_free(struct passport *p)
{
	for (int i = 0; i < PF_COUNT; i++)
		free(p->f[i]);
	free(p->legacy_code);
	free(p->signed_by);
	memset(p, 0, sizeof *p);
}

void passport_full_free(struct passport_full *pf)
{
	passport_free(&pf->p);
	for (size_t i = 0; i < pf->nev; i++) {
		free(pf->ev[i].kind);
		free(pf->ev[i].event_date);
		free(pf->ev[i].text);
	}
	free(pf->ev);
	for (size_t i = 0; i < pf->nown; i++) {
		free(pf->own[i].name);
		free(pf->own[i].email);
		free(pf->own[i].purchase_date);
		free(pf->own[i].until_date);
	}
	free(pf->own);
	memset(pf, 0, sizeof *pf);
}

void passport_list_free(struct passport_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		passport_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}
