/* Shop settings: the details customers see on their tracking page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"

static void settings_form(struct admin *a, int status, const struct shop *s, const char *error,
    const char *done)
{
	struct tctx *c = admin_ctx(a, "Shop settings", "settings");
	tctx_set(c, "f_name", s->name);
	tctx_set(c, "f_phone", s->phone);
	tctx_set(c, "f_email", s->email);
	tctx_set(c, "f_address", s->address);
	tctx_set(c, "f_whatsapp", s->whatsapp);
	tctx_set(c, "f_timezone", s->timezone);
	tctx_set(c, "f_country", s->country);
	tctx_set(c, "f_abn", s->abn);
	tctx_set(c, "error", error);
	tctx_set(c, "done", done);
	settings_logo_fill(a, c);
	web_page(&a->w, status, "admin_settings", c);
	tctx_free(c);
}

void page_settings(struct admin *a)
{
	struct shop s;
	enum hm_rc rc = shop_get(a->db, a->user.shop_id, &s);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	settings_form(a, 200, &s, NULL, NULL);
	shop_free(&s);
}

static int zone_exists(const char *tz)
{
	char *p = xasprintf("/usr/share/zoneinfo/%s", tz);
	int ok = access(p, R_OK) == 0;
	free(p);
	return ok;
}

void do_settings(struct admin *a)
{
	const struct req *r = &a->w.req;
	struct shop s = {
		.id = a->user.shop_id,
		.name = (char *)req_val(r, A_NAME),
		.phone = (char *)req_val(r, A_PHONE),
		.email = (char *)req_val(r, A_EMAIL),
		.address = (char *)req_val(r, A_ADDRESS),
		.whatsapp = (char *)req_val(r, A_WHATSAPP),
		.timezone = (char *)req_val(r, A_TIMEZONE),
		.country = (char *)req_val(r, A_COUNTRY),
		.abn = (char *)req_val(r, A_ABN),
	};
	const char *error = NULL;
	if (req_invalid(r, A_PHONE) || req_invalid(r, A_WHATSAPP))
		error = "Phone numbers may use digits, spaces and + - ( ) only.";
	else if (req_invalid(r, A_EMAIL))
		error = "That email address is not valid.";
	else if (req_invalid(r, A_TIMEZONE) || !s.timezone || !zone_exists(s.timezone))
		error = "Choose a time zone such as Europe/London or America/New_York.";
	if (error) {
		/* Re-show exactly what was typed. */
		struct shop typed = {
			.name = r->fields[A_NAME].raw, .phone = r->fields[A_PHONE].raw,
			.email = r->fields[A_EMAIL].raw, .address = r->fields[A_ADDRESS].raw,
			.whatsapp = r->fields[A_WHATSAPP].raw, .timezone = r->fields[A_TIMEZONE].raw,
			.country = r->fields[A_COUNTRY].raw, .abn = r->fields[A_ABN].raw,
		};
		settings_form(a, 422, &typed, error, NULL);
		return;
	}
	if (!s.name)
		s.name = "";
	enum hm_rc rc = shop_update(a->db, &s);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	settings_form(a, 200, &s, NULL, "Saved. Your customers see the new details straight away.");
}
