/* The passport form shared by create and edit. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "admin.h"
#include "form.h"

/* Every field of the form: the passport's own (in passport_field_name
 * order) and the owner's price. */
static struct form_field form_fields[PF_COUNT + 1];

static void fields_init(void)
{
	for (int i = 0; i < PF_COUNT; i++) {
		form_fields[i].param = A_PF + (size_t)i;
		form_fields[i].required = i == PF_TITLE;
		form_fields[i].invalid = i == PF_OWNER_EMAIL ? _("That is not an email address.")
		    : i == PF_OWNER_PURCHASE_DATE ? _("Use a date like 2026-12-24.") : NULL;
	}
	form_fields[PF_COUNT] = (struct form_field){A_OWNER_PRICE, 0,
	    _("Use an amount like 1200 or 1200.50.")};
}

int passport_form_read(struct staff *a, struct passport_input *in, struct tctx *errors)
{
	const struct req *r = &a->w.req;
	fields_init();
	int bad = form_check(r, form_fields, HM_NELEM(form_fields), errors,
	    _("The passport was not saved: see the messages below."));

	memset(in, 0, sizeof *in);
	for (int i = 0; i < PF_COUNT; i++)
		in->f[i] = req_val(r, A_PF + i);
	in->has_owner_price = req_val(r, A_OWNER_PRICE) && *req_val(r, A_OWNER_PRICE);
	in->owner_price_cents = req_int(r, A_OWNER_PRICE, 0);
	in->owner_public = (int)req_int(r, A_OWNER_PUBLIC, 0);
	in->is_public = (int)req_int(r, A_IS_PUBLIC, 0);
	/* The title is what the piece is called everywhere: say how to fill it. */
	if (!req_invalid(r, A_PF + PF_TITLE) && (!in->f[PF_TITLE] || !*in->f[PF_TITLE]))
		tctx_set(errors, "e_title", _("Give the piece a title, such as \"Oval sapphire ring\"."));
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

void passport_form_refill(struct staff *a, struct tctx *c)
{
	const struct req *r = &a->w.req;
	/* Back exactly as typed, so a missing title loses nothing else. */
	fields_init();
	form_refill(r, form_fields, HM_NELEM(form_fields), c);
	tctx_set_bool(c, "f_owner_public", req_int(r, A_OWNER_PUBLIC, 0) != 0);
	tctx_set_bool(c, "f_is_public", req_int(r, A_IS_PUBLIC, 0) != 0);
	set_ring_open(c, req_shown(r, A_PF + PF_JEWELLERY_TYPE));
}
