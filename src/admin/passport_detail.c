/* A passport's staff page: specifications, timeline, QR code, visibility
 * and the actions that add events, transfer ownership or flag it. */
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "notify.h"
#include "attachments.h"

static const char *const event_kinds[][2] = {
	{"serviced", N_("Serviced")}, {"valued", N_("Valued")}, {"resized", N_("Resized")},
	{"repaired", N_("Repaired")}, {"note", N_("Note")},
};

static const char *kind_label(const char *kind)
{
	static const char *const more[][2] = {
		{"created", N_("Passport issued")}, {"transferred", N_("Ownership transferred")},
		{"lost", N_("Reported lost or stolen")}, {"found", N_("Lost-or-stolen report cleared")},
	};
	for (size_t i = 0; i < HM_NELEM(event_kinds); i++)
		if (!strcmp(kind, event_kinds[i][0]))
			return _(event_kinds[i][1]);
	for (size_t i = 0; i < HM_NELEM(more); i++)
		if (!strcmp(kind, more[i][0]))
			return _(more[i][1]);
	return kind;
}

void page_passport(struct staff *a)
{
	page_passport_with(a, 200, NULL, NULL);
}

/* The event and transfer forms as the request filled them, or today's date. */
static void refill(struct staff *a, struct tctx *c, const char *today)
{
	const struct req *r = &a->w.req;
	const char *d;
	tctx_set(c, "f_kind", req_shown(r, A_KIND));
	tctx_set(c, "f_text", req_shown(r, A_TEXT));
	d = req_shown(r, A_EVENT_DATE);
	tctx_set(c, "f_event_date", d ? d : today);
	tctx_set(c, "f_owner_name", req_shown(r, A_PF + PF_OWNER_NAME));
	tctx_set(c, "f_owner_email", req_shown(r, A_PF + PF_OWNER_EMAIL));
	d = req_shown(r, A_PF + PF_OWNER_PURCHASE_DATE);
	tctx_set(c, "f_owner_purchase_date", d ? d : today);
	tctx_set(c, "f_owner_price", req_shown(r, A_OWNER_PRICE));
	tctx_set_bool(c, "f_owner_public", req_int(r, A_OWNER_PUBLIC, 0) == 1);
}

void page_passport_with(struct staff *a, int status, const char *error_key, const char *error)
{
	struct passport_full pf = {0};
	struct shop shop = {0};
	char when[64], money[48], today[11];
	unsigned char pk[32];
	struct tctx *c = NULL;
	enum hm_rc rc;

	if ((rc = passport_get(a->db, a->user.shop_id, a->id, &pf)) != HM_OK ||
	    (rc = shop_get(a->db, a->user.shop_id, &shop)) != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	const struct passport *p = &pf.p;
	c = admin_ctx(a, p->f[PF_TITLE], "passports");
	tctx_set_int(c, "id", p->id);
	tctx_set(c, "uid", p->public_uid);
	tctx_setf(c, "number", "%lld", (long long)p->identity_number);
	char *origin = web_origin(&a->w);
	tctx_setf(c, "verify_url", "%s/verify/%s", origin, p->public_uid);
	free(origin);
	tctx_set_bool(c, "is_public", p->is_public);
	tctx_set_bool(c, "lost", p->lost_stolen);
	tctx_set_bool(c, "deleted", p->deleted_at != 0);
	int verified = shop_key_public(a->db, a->user.shop_id, a->w.master, pk) == HM_OK &&
	    passport_signature_ok(&pf, pk);
	tctx_set_bool(c, "verified", verified);
	if (p->signed_at) {
		fmt_time(p->signed_at, shop.timezone, when, sizeof when);
		tctx_set(c, "signed_at", when);
		tctx_set(c, "signed_by", p->signed_by);
	}
	fmt_time(p->created_at, shop.timezone, when, sizeof when);
	tctx_set(c, "issued", when);
	for (int i = 0; i < PF_COUNT; i++) {
		if (!*p->f[i] || i == PF_TITLE)
			continue;
		struct tctx *it = tctx_add_item(c, "specs");
		tctx_set(it, "label", passport_field_text(i));
		if (i == PF_OWNER_PURCHASE_DATE) {
			/* Dates read the same on every page. */
			fmt_date(p->f[i], DATE_SHORT, when, sizeof when);
			tctx_set(it, "value", when);
		} else {
			tctx_set(it, "value", p->f[i]);
		}
	}
	if (p->has_owner_price) {
		fmt_price(p->owner_price_cents, shop.currency, money, sizeof money);
		tctx_set(c, "owner_price", money);
	}
	tctx_set_bool(c, "owner_public", p->owner_public);
	for (size_t i = pf.nev; i-- > 0;) {
		struct tctx *it = tctx_add_item(c, "events");
		fmt_date(pf.ev[i].event_date, DATE_SHORT, when, sizeof when);
		tctx_set(it, "date", when);
		tctx_set(it, "date_iso", pf.ev[i].event_date);
		tctx_set(it, "label", kind_label(pf.ev[i].kind));
		/* A transfer stores its own name as its text: say it once. */
		int said = !strcmp(pf.ev[i].text, kind_label(pf.ev[i].kind)) ||
		    (!strcmp(pf.ev[i].kind, "transferred") &&
		    !strcmp(pf.ev[i].text, "Ownership transferred"));
		if (!said)
			tctx_set(it, "text", pf.ev[i].text);
	}
	for (size_t i = pf.nown; i-- > 0;) {
		struct tctx *it = tctx_add_item(c, "previous_owners");
		tctx_set(it, "name", pf.own[i].name);
		tctx_set(it, "email", pf.own[i].email);
		fmt_date(pf.own[i].until_date, DATE_SHORT, when, sizeof when);
		tctx_set(it, "until", when);
	}
	const char *kind = req_shown(&a->w.req, A_KIND);
	for (size_t i = 0; i < HM_NELEM(event_kinds); i++) {
		struct tctx *it = tctx_add_item(c, "kinds");
		tctx_set(it, "value", event_kinds[i][0]);
		tctx_set(it, "label", _(event_kinds[i][1]));
		tctx_set_bool(it, "selected", kind && !strcmp(kind, event_kinds[i][0]));
	}
	today_iso(a->now, shop.timezone, today);
	tctx_set(c, "today", today);
	refill(a, c, today);
	{
		struct notify_env env;
		admin_notify_env(a, &env);
		tctx_set_bool(c, "can_email", (env.channels & NOTIFY_EMAIL) && *p->f[PF_OWNER_EMAIL] &&
		    p->is_public && !p->deleted_at);
		tctx_set(c, "owner_email", p->f[PF_OWNER_EMAIL]);
	}
	notifications_fill(a, c, 0, p->id);
	const char *show = req_val(&a->w.req, A_SHOW);
	if (show && !strcmp(show, "queued"))
		tctx_set(c, "notice", _("The passport email will be sent in a moment."));
	else if (show && !strcmp(show, "not_queued"))
		tctx_set(c, "notice", _("Nothing was sent: the passport needs an owner email and must be "
		    "public, and this installation must send email."));
	if (error_key)
		tctx_set(c, error_key, error);
	struct attachment_list photos = {0};
	if (attachment_list(a->db, "passport", p->id, 0, &photos) == HM_OK) {
		for (size_t i = 0; i < photos.n; i++) {
			struct tctx *it = tctx_add_item(c, "photos");
			tctx_set_int(it, "photo_id", photos.v[i].id);
			tctx_set_bool(it, "primary", !strcmp(photos.v[i].role, "primary"));
		}
		attachment_list_free(&photos);
	}
	web_page(&a->w, status, "admin_passport", c);
out:
	tctx_free(c);
	passport_full_free(&pf);
	shop_free(&shop);
}
