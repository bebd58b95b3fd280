/* verify.cgi: /verify (lookup form), /verify/<uid> (the public passport)
 * and /verify/<uid>.json (content, signature and key for offline checks).
 * Read-only on the main database; failed lookups are counted per client
 * and every kind of miss gets the same not-found response. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ids.h"
#include "attachments.h"
#include "json.h"
#include "media_url.h"
#include "model.h"
#include "passport.h"
#include "ratelimit.h"
#include "web.h"

enum { P_ID, P_LANG };
static const struct param params[] = {
	[P_ID] = {"id", v_string, 200, 0, 0, 0, NULL},
	[P_LANG] = WEB_LANG_PARAM,
};

struct verify {
	struct web w;
	sqlite3 *db;		/* read-only, with the rate-limit store attached */
	unsigned char iph[16];
};

static void not_found(struct verify *v)
{
	struct tctx *c = tctx_new();
	tctx_set(c, "title", _("Passport not found"));
	web_page(&v->w, 404, "verify_not_found", c);
	tctx_free(c);
}

/* Counts a failed lookup and answers not found. */
static void miss(struct verify *v)
{
	rl_hit_store(v->w.cfg.ratelimit_database, "verify", v->iph, v->w.cfg.ratelimit_window, hm_now());
	not_found(v);
}

static int legacy_allowed(struct verify *v)
{
	char today[11];
	const char *until = v->w.cfg.legacy_lookups_until;
	if (!*until)
		return 0;
	today_iso(hm_now(), "UTC", today);
	return strcmp(today, until) <= 0;
}

/* A numeric identity number (nine digits) or a legacy NXP-XXXXXX code, as
 * typed; returns 1 and the public UID when it names a public passport. */
static int legacy_lookup(struct verify *v, const char *in, char uid[37], enum hm_rc *rc)
{
	char code[16];
	size_t n = 0, digits = 0, alnum = 0;
	for (const char *p = in; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (n + 1 >= sizeof code)
			return 0;
		code[n++] = (char)toupper((unsigned char)*p);
		digits += isdigit((unsigned char)*p) != 0;
		alnum += isalnum((unsigned char)*p) != 0;
	}
	code[n] = '\0';
	*rc = HM_NOTFOUND;
	if (n == 9 && digits == 9)
		*rc = passport_uid_by_number(v->db, strtoll(code, NULL, 10), uid);
	else if (n == 9 && !strncmp(code, "NXP", 3) && alnum == 9) {
		char canon[24];
		snprintf(canon, sizeof canon, "NXP-%s", code + 3);
		*rc = passport_uid_by_legacy(v->db, canon, uid);
	} else
		return 0;
	return 1;
}

static void form_page(struct verify *v, const char *typed, int bad)
{
	struct tctx *c = tctx_new();
	tctx_set(c, "title", _("Verify a passport"));
	tctx_set(c, "typed", typed);
	tctx_set_bool(c, "bad_id", bad);
	tctx_set_bool(c, "legacy", legacy_allowed(v));
	web_page(&v->w, 200, "verify", c);
	tctx_free(c);
}

static void redirect_uid(struct verify *v, const char *uid)
{
	char path[64];
	snprintf(path, sizeof path, "/verify/%s", uid);
	web_redirect(&v->w, path);
}

static void lookup_form(struct verify *v)
{
	const char *typed = req_val(&v->w.req, P_ID);
	char uid[37];
	enum hm_rc rc;
	char *trimmed = typed ? str_trim(xstrdup(typed)) : NULL;

	if (!trimmed || !*trimmed)
		form_page(v, NULL, req_invalid(&v->w.req, P_ID));
	else if (uuid_parse(trimmed, uid) == 0)
		redirect_uid(v, uid);
	else if (legacy_allowed(v) && legacy_lookup(v, trimmed, uid, &rc)) {
		if (rc == HM_OK)
			redirect_uid(v, uid);
		else if (rc == HM_NOTFOUND)
			miss(v);
		else
			web_fail(&v->w, rc);
	} else
		form_page(v, trimmed, 1);
	free(trimmed);
}

/* An event's label in English (the catalog translates it where shown), or
 * NULL for a kind this page does not know. */
static const char *event_label(const char *kind)
{
	static const char *const labels[][2] = {
		{"created", N_("Passport issued")}, {"serviced", N_("Serviced")},
		{"valued", N_("Valued")}, {"resized", N_("Resized")}, {"repaired", N_("Repaired")},
		{"note", N_("Note")}, {"transferred", N_("Ownership transferred")},
		{"lost", N_("Reported lost or stolen")}, {"found", N_("Lost-or-stolen report cleared")},
	};
	for (size_t i = 0; i < HM_NELEM(labels); i++)
		if (!strcmp(labels[i][0], kind))
			return labels[i][1];
	return NULL;
}

/* Adds the filled fields in [from, to) as a group; empty fields are left out
 * entirely, and a group with none is not shown at all. */
static void add_group(struct tctx *c, const char *name, const struct passport *p, int from, int to)
{
	struct tctx *g = NULL;
	for (int i = from; i < to; i++) {
		if (!*p->f[i])
			continue;
		if (!g) {
			g = tctx_add_item(c, "groups");
			tctx_set(g, "name", name);
		}
		struct tctx *it = tctx_add_item(g, "specs");
		tctx_set(it, "label", passport_field_text(i));
		tctx_set(it, "value", p->f[i]);
	}
}

/* The public photos through signed URLs: the primary large, the gallery
 * as thumbnails linking to their display size. */
static void add_photos(struct verify *v, struct tctx *c, int64_t passport_id)
{
	struct attachment_list l = {0};
	char file[ATTACH_NAME_LEN + 7];
	time_t expiry = media_url_expiry(hm_now());
	if (attachment_list(v->db, "passport", passport_id, 1, &l) != HM_OK)
		return;
	for (size_t i = 0; i < l.n; i++) {
		int primary = !strcmp(l.v[i].role, "primary");
		struct tctx *it = tctx_add_item(c, primary ? "primary" : "gallery");
		tctx_set_bool(c, "photos", 1);
		attachment_file(&l.v[i], 'd', file);
		char *url = media_url(v->w.master, file, expiry);
		tctx_set(it, "display_url", url);
		free(url);
		attachment_file(&l.v[i], 't', file);
		url = media_url(v->w.master, file, expiry);
		tctx_set(it, "thumb_url", url);
		free(url);
		tctx_set_int(it, "w", l.v[i].display_w);
		tctx_set_int(it, "h", l.v[i].display_h);
	}
	attachment_list_free(&l);
}

/* The shop's logo for the header, through a signed URL, when it has one. */
static void add_logo(struct verify *v, struct tctx *c, int64_t shop_id)
{
	struct attachment logo;
	char file[ATTACH_NAME_LEN + 7];
	if (attachment_shop_logo(v->db, shop_id, &logo) != HM_OK)
		return;
	attachment_file(&logo, 't', file);
	char *url = media_url(v->w.master, file, media_url_expiry(hm_now()));
	tctx_set(c, "shop_logo_url", url);
	free(url);
}

/* How to reach the shop that issued the passport: the way back to it. */
static void add_issuer(struct tctx *c, const struct shop *s)
{
	if (*s->phone) {
		char dial[40];
		size_t k = 0;
		for (const char *p = s->phone; *p && k + 1 < sizeof dial; p++)
			if (isdigit((unsigned char)*p) || (*p == '+' && k == 0))
				dial[k++] = *p;
		dial[k] = '\0';
		tctx_set(c, "shop_phone", s->phone);
		tctx_set(c, "shop_tel", dial);
	}
	tctx_set(c, "shop_email", *s->email ? s->email : NULL);
	tctx_set(c, "shop_address", *s->address ? s->address : NULL);
	tctx_set_bool(c, "issuer_contact", *s->phone || *s->email || *s->address);
}

static void passport_page(struct verify *v, const struct passport_full *pf, const struct shop *shop,
    const unsigned char *pk, int ok)
{
	const struct passport *p = &pf->p;
	struct tctx *c = tctx_new();
	char when[64], money[48], fp[KEY_FINGERPRINT_STR];

	tctx_set(c, "title", p->f[PF_TITLE]);
	tctx_set(c, "shop_name", *shop->name ? shop->name : _("The workshop"));
	if (shop->abn && *shop->abn) {
		tctx_set(c, "business_label", shop_number_label(shop));
		tctx_set(c, "business_number", shop->abn);
	}
	tctx_set_bool(c, "verified", ok);
	tctx_set(c, "uid", p->public_uid);
	/* The UID in its hyphenated groups, so a narrow screen wraps it after
	 * a hyphen, never inside a group. */
	for (const char *u = p->public_uid; *u;) {
		size_t n = strcspn(u, "-");
		n += u[n] == '-';
		char *part = xstrndup(u, n);
		tctx_set(tctx_add_item(c, "uid_parts"), "part", part);
		free(part);
		u += n;
	}
	tctx_setf(c, "number", "%lld", (long long)p->identity_number);
	tctx_set(c, "piece_title", p->f[PF_TITLE]);
	tctx_set(c, "jewellery_type", p->f[PF_JEWELLERY_TYPE]);
	tctx_set(c, "description", p->f[PF_DESCRIPTION]);
	tctx_set_bool(c, "lost_stolen", p->lost_stolen);
	if (p->signed_at) {
		/* A day, like every other date on the page. */
		fmt_day(p->signed_at, shop->timezone, when, sizeof when);
		tctx_set(c, "signed_at", when);
	}
	add_group(c, C_("passport group", "Metal"), p, PF_METAL_TYPE, PF_METAL_WEIGHT + 1);
	add_group(c, C_("passport group", "Stone"), p, PF_STONE_TYPE, PF_STONE_CERTIFICATE + 1);
	add_group(c, C_("passport group", "Ring"), p, PF_RING_SIZE, PF_RING_SETTING + 1);
	add_group(c, C_("passport group", "Provenance"), p, PF_MAKER, PF_YEAR_MADE + 1);
	if (*p->f[PF_OWNER_NAME]) {
		char *shown = owner_public_name(p->f[PF_OWNER_NAME], p->owner_public);
		tctx_set(c, "owner", shown);
		free(shown);
		if (*p->f[PF_OWNER_PURCHASE_DATE]) {
			fmt_date(p->f[PF_OWNER_PURCHASE_DATE], DATE_SHORT, when, sizeof when);
			tctx_set(c, "owner_since", when);
			tctx_set(c, "owner_since_iso", p->f[PF_OWNER_PURCHASE_DATE]);
		}
		if (p->owner_public && p->has_owner_price) {
			fmt_price(p->owner_price_cents, shop->currency, money, sizeof money);
			tctx_set(c, "owner_price", money);
		}
	}
	for (size_t i = pf->nown; i-- > 0;) {
		struct tctx *it = tctx_add_item(c, "previous_owners");
		char *shown = owner_public_name(pf->own[i].name, pf->own[i].is_public);
		tctx_set(it, "name", shown);
		free(shown);
		fmt_date(pf->own[i].until_date, DATE_SHORT, when, sizeof when);
		tctx_set(it, "until", when);
		tctx_set(it, "until_iso", pf->own[i].until_date);
		if (*pf->own[i].purchase_date) {
			fmt_date(pf->own[i].purchase_date, DATE_SHORT, when, sizeof when);
			tctx_set(it, "since", when);
			tctx_set(it, "since_iso", pf->own[i].purchase_date);
		}
	}
	for (size_t i = pf->nev; i-- > 0;) {
		struct tctx *it = tctx_add_item(c, "events");
		fmt_date(pf->ev[i].event_date, DATE_SHORT, when, sizeof when);
		tctx_set(it, "date", when);
		tctx_set(it, "date_iso", pf->ev[i].event_date);
		const char *label = event_label(pf->ev[i].kind);
		tctx_set(it, "label", label ? _(label) : pf->ev[i].kind);
		/* Transfers and lost reports were recorded with their label as
		 * their note, in English: the translated label says it already. */
		if (!label || strcmp(pf->ev[i].text, label))
			tctx_set(it, "text", pf->ev[i].text);
	}
	tctx_setf(c, "json_url", "/verify/%s.json", p->public_uid);
	/* The key a holder compares with the certificate and the shop's own
	 * published fingerprint: a record re-signed with another key shows
	 * another fingerprint. */
	if (pk) {
		key_fingerprint(pk, fp);
		tctx_set(c, "fingerprint", fp);
		tctx_setf(c, "key_url", "/verify/key/%s", shop->slug);
	}
	add_photos(v, c, p->id);
	add_logo(v, c, p->shop_id);
	add_issuer(c, shop);
	web_page(&v->w, 200, "verify_passport", c);
	tctx_free(c);
}

/* The issuer's key as the record and the key URL carry it: name, public
 * key (base64), fingerprint, and where the installation publishes it. */
static void issuer_json(struct verify *v, struct buf *b, const struct shop *shop,
    const unsigned char *pk)
{
	char b64[128], fp[KEY_FINGERPRINT_STR];
	char *origin = web_origin(&v->w);
	buf_puts(b, "{\"name\":");
	json_str(b, shop->name);
	buf_puts(b, ",\"public_key\":");
	if (pk) {
		sodium_bin2base64(b64, sizeof b64, pk, 32, sodium_base64_VARIANT_ORIGINAL);
		json_str(b, b64);
		key_fingerprint(pk, fp);
		buf_puts(b, ",\"fingerprint\":");
		json_str(b, fp);
	} else {
		buf_puts(b, "null");
	}
	buf_puts(b, ",\"key_url\":");
	char *url = xasprintf("%s/verify/key/%s", origin, shop->slug);
	json_str(b, url);
	free(url);
	free(origin);
	buf_puts(b, "}");
}

static void passport_json(struct verify *v, const struct passport_full *pf, const struct shop *shop,
    const unsigned char *pk)
{
	struct buf b = {0};
	char b64[128];
	char *content = passport_canonical(pf);

	buf_puts(&b, "{\"format\":\"hallmark-passport-v1\",\"uid\":");
	json_str(&b, pf->p.public_uid);
	buf_printf(&b, ",\"identity_number\":%lld,\"issuer\":", (long long)pf->p.identity_number);
	issuer_json(v, &b, shop, pk);
	buf_puts(&b, ",\"content\":");
	json_str(&b, content);
	buf_puts(&b, ",\"signature\":");
	if (pf->p.has_signature) {
		sodium_bin2base64(b64, sizeof b64, pf->p.signature, 64, sodium_base64_VARIANT_ORIGINAL);
		json_str(&b, b64);
	} else {
		buf_puts(&b, "null");
	}
	buf_printf(&b, ",\"signed_at\":%lld}\n", (long long)pf->p.signed_at);
	resp_header(&v->w.resp, "Access-Control-Allow-Origin", "*");
	resp_finish(&v->w.resp, 200, "application/json", b.data, b.len);
	buf_free(&b);
	free(content);
}

/* /verify/key/<shop>: the shop's passport key, the stable address a
 * holder (or hallmarkctl passport check --key-url) checks a record's key
 * against. An unknown shop is a miss like any other. */
static void shop_key(struct verify *v, const char *slug)
{
	struct shop shop = {0};
	unsigned char pk[32];
	struct buf b = {0};
	int64_t id = 0;
	enum hm_rc rc = shop_find_slug(v->db, slug, &id);
	if (rc == HM_OK)
		rc = shop_get(v->db, id, &shop);
	if (rc == HM_OK)
		rc = shop_key_public(v->db, id, v->w.master, pk);
	if (rc == HM_NOTFOUND) {
		miss(v);
		goto out;
	}
	if (rc != HM_OK) {
		web_fail(&v->w, rc);
		goto out;
	}
	buf_puts(&b, "{\"format\":\"hallmark-shop-key-v1\",\"issuer\":");
	issuer_json(v, &b, &shop, pk);
	buf_puts(&b, "}\n");
	resp_header(&v->w.resp, "Access-Control-Allow-Origin", "*");
	resp_finish(&v->w.resp, 200, "application/json", b.data, b.len);
out:
	buf_free(&b);
	shop_free(&shop);
}

static void show(struct verify *v, const char *rest)
{
	char uid[37], want[64];
	struct passport_full pf = {0};
	struct shop shop = {0};
	unsigned char pk[32];
	size_t n = strlen(rest);
	int json = n > 5 && !strcmp(rest + n - 5, ".json");
	char *id = xstrndup(rest, json ? n - 5 : n);
	enum hm_rc rc;

	if (uuid_parse(id, uid) != 0) {
		/* Old QR codes carry the identity number or an NXP- code. */
		if (!json && legacy_allowed(v) && legacy_lookup(v, id, uid, &rc) && rc == HM_OK)
			redirect_uid(v, uid);
		else
			miss(v);
		goto out;
	}
	snprintf(want, sizeof want, "%s%s", uid, json ? ".json" : "");
	if (strcmp(want, rest)) {
		snprintf(want, sizeof want, "/verify/%s%s", uid, json ? ".json" : "");
		web_redirect(&v->w, want);
		goto out;
	}
	rc = passport_get_public(v->db, uid, &pf);
	if (rc == HM_NOTFOUND) {
		miss(v);
		goto out;
	}
	if (rc == HM_OK)
		rc = shop_get(v->db, pf.p.shop_id, &shop);
	if (rc != HM_OK) {
		web_fail(&v->w, rc);
		goto out;
	}
	int have_pk = shop_key_public(v->db, pf.p.shop_id, v->w.master, pk) == HM_OK;
	web_language(&v->w, NULL, shop.language);
	if (json)
		passport_json(v, &pf, &shop, have_pk ? pk : NULL);
	else
		passport_page(v, &pf, &shop, have_pk ? pk : NULL,
		    have_pk && passport_signature_ok(&pf, pk));
out:
	free(id);
	passport_full_free(&pf);
	shop_free(&shop);
}

int main(void)
{
	struct verify v;
	unsigned char ipkey[KEY_BYTES];

	memset(&v, 0, sizeof v);
	if (web_init(&v.w, "verify", params, HM_NELEM(params)) != 0)
		goto out;
	if (v.w.req.method == METHOD_POST) {
		resp_header(&v.w.resp, "Allow", "GET, HEAD");
		web_error(&v.w, 405, _("Not allowed"), _("This page can only be viewed."));
		goto out;
	}
	if (web_master(&v.w) != 0) {
		web_error(&v.w, 500, _("Something went wrong"), _("Please try again in a moment."));
		goto out;
	}
	if (!(v.db = db_open(v.w.cfg.database, 1)) || schema_check(v.db) != HM_OK ||
	    rl_attach(v.db, v.w.cfg.ratelimit_database) != 0) {
		web_busy(&v.w);
		goto out;
	}
	key_derive(v.w.master, KEY_IP_HASH, ipkey);
	ip_hash(ipkey, v.w.req.remote_addr, v.iph);
	int over = rl_over(v.db, "verify", v.iph, v.w.cfg.ratelimit_lookups,
	    v.w.cfg.ratelimit_window, hm_now());
	if (over != 0) {
		not_found(&v);
		goto out;
	}
	const char *arg;
	size_t len;
	char *slug;
	switch (verify_route(v.w.req.path_info, &arg, &len)) {
	case VERIFY_FORM:
		lookup_form(&v);
		break;
	case VERIFY_PAGE:
	case VERIFY_JSON:
		show(&v, arg);
		break;
	case VERIFY_KEY:
		slug = xstrndup(arg, len);
		shop_key(&v, slug);
		free(slug);
		break;
	case VERIFY_BAD:
		miss(&v);
		break;
	}
out:
	db_close(v.db);
	web_free(&v.w);
	return 0;
}
