/* The passport form shared by create and edit. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "admin.h"

int passport_form_read(struct admin *a, struct passport_input *in, struct tctx *errors)
{
	const struct req *r = &a->w.req;
	int bad = 0;

	memset(in, 0, sizeof *in);
	for (int i = 0; i < PF_COUNT; i++)
		in->f[i] = req_val(r, A_PF + i);
	in->has_owner_price = req_val(r, A_OWNER_PRICE) && *req_val(r, A_OWNER_PRICE);
	in->owner_price_cents = req_int(r, A_OWNER_PRICE, 0);
	in->owner_public = (int)req_int(r, A_OWNER_PUBLIC, 0);
	in->is_public = (int)req_int(r, A_IS_PUBLIC, 0);
	if (!in->f[PF_TITLE] || !*in->f[PF_TITLE]) {
		tctx_set(errors, "e_title", "Give the piece a title, such as \"Oval sapphire ring\".");
		bad = 1;
	}
	if (req_invalid(r, A_PF + PF_OWNER_EMAIL)) {
		tctx_set(errors, "e_owner_email", "That is not an email address.");
		bad = 1;
	}
	if (req_invalid(r, A_PF + PF_OWNER_PURCHASE_DATE)) {
		tctx_set(errors, "e_owner_purchase_date", "Use a date like 2026-12-24.");
		bad = 1;
	}
	if (req_invalid(r, A_OWNER_PRICE)) {
		tctx_set(errors, "e_owner_price", "Use an amount like 1200 or 1200.50.");
		bad = 1;
	}
	if (bad)
		tctx_set(errors, "error", "The passport was not saved: see the messages below.");
	return bad ? -1 : 0;
}

static void set_ring_open(struct tctx *c, const char *type)
{
	tctx_set_bool(c, "ring_open", type && !strcasecmp(type, "ring"));
}

void passport_form_fill(struct tctx *c, const struct passport *p)
{
	char key[40], money[32];
	for (int i = 0; i < PF_COUNT; i++) {
		snprintf(key, sizeof key, "f_%s", passport_field_name[i]);
		tctx_set(c, key, p->f[i]);
	}
	if (p->has_owner_price) {
		fmt_money(p->owner_price_cents, money, sizeof money);
		tctx_set(c, "f_owner_price", money);
	}
	tctx_set_bool(c, "f_owner_public", p->owner_public);
	tctx_set_bool(c, "f_is_public", p->is_public);
	set_ring_open(c, p->f[PF_JEWELLERY_TYPE]);
}

void passport_form_refill(struct admin *a, struct tctx *c)
{
	char key[40];
	const struct req *r = &a->w.req;
	/* Back exactly as typed, so a missing title loses nothing else. */
	for (int i = 0; i < PF_COUNT; i++) {
		snprintf(key, sizeof key, "f_%s", passport_field_name[i]);
		tctx_set(c, key, r->fields[A_PF + i].raw);
	}
	tctx_set(c, "f_owner_price", r->fields[A_OWNER_PRICE].raw);
	tctx_set_bool(c, "f_owner_public", req_int(r, A_OWNER_PUBLIC, 0) != 0);
	tctx_set_bool(c, "f_is_public", req_int(r, A_IS_PUBLIC, 0) != 0);
	set_ring_open(c, r->fields[A_PF + PF_JEWELLERY_TYPE].raw);
}
