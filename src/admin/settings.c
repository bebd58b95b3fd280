/* Shop settings: the details and the look customers see on their tracking
 * page, and how long finished jobs stay there. */
#include <ctype.h>
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
	tctx_set_bool(c, "f_accent_on", s->accent && *s->accent);
	/* The colour picker needs a value even when the shop has none. */
	tctx_set(c, "f_accent", s->accent && *s->accent ? s->accent : "#775726");
	const char *theme = s->theme && *s->theme ? s->theme : "auto";
	tctx_set_bool(c, "theme_is_auto", !strcmp(theme, "auto"));
	tctx_set_bool(c, "theme_is_light", !strcmp(theme, "light"));
	tctx_set_bool(c, "theme_is_dark", !strcmp(theme, "dark"));
	tctx_set(c, "f_review_url", s->review_url);
	tctx_set_bool(c, "f_powered_by", s->powered_by);
	tctx_set_int(c, "f_retention_days", s->retention_days > 0 ? s->retention_days : 90);
	tctx_set_bool(c, "is_owner", a->user.is_owner);
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

/* #rrggbb in any case, stored lower-case; NULL when it is not a colour. */
static char *colour(const char *in, char out[8])
{
	if (!in || strlen(in) != 7 || in[0] != '#')
		return NULL;
	out[0] = '#';
	for (int i = 1; i < 7; i++) {
		if (!isxdigit((unsigned char)in[i]))
			return NULL;
		out[i] = (char)tolower((unsigned char)in[i]);
	}
	out[7] = '\0';
	return out;
}

void do_settings(struct admin *a)
{
	const struct req *r = &a->w.req;
	const char *theme = req_val(r, A_THEME);
	char accent[8] = "";
	struct shop now;
	enum hm_rc rc = shop_get(a->db, a->user.shop_id, &now);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	/* A form without the theme or retention fields (an older page, a
	 * script) leaves them as they are. */
	if (r->fields[A_THEME].state == FIELD_ABSENT)
		theme = now.theme;
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
		.accent = accent,
		.theme = (char *)theme,
		.review_url = (char *)req_val(r, A_REVIEW_URL),
		.powered_by = (int)req_int(r, A_POWERED_BY, 0),
		.retention_days = r->fields[A_RETENTION_DAYS].state == FIELD_ABSENT
		    ? now.retention_days : (int)req_int(r, A_RETENTION_DAYS, 0),
	};
	int accent_on = req_int(r, A_ACCENT_ON, 0) != 0;
	const char *error = NULL;
	if (req_invalid(r, A_PHONE) || req_invalid(r, A_WHATSAPP))
		error = "Phone numbers may use digits, spaces and + - ( ) only.";
	else if (req_invalid(r, A_EMAIL))
		error = "That email address is not valid.";
	else if (req_invalid(r, A_TIMEZONE) || !s.timezone || !zone_exists(s.timezone))
		error = "Choose a time zone such as Europe/London or America/New_York.";
	else if (accent_on && !colour(req_val(r, A_ACCENT), accent))
		error = "Choose the accent colour as #rrggbb, for example #1f5fa3.";
	else if (!theme || (strcmp(theme, "auto") && strcmp(theme, "light") && strcmp(theme, "dark")))
		error = "Choose a theme: follow the device, light or dark.";
	else if (req_invalid(r, A_REVIEW_URL))
		error = "The review link must be a full link starting with https://";
	else if (!s.retention_days)
		error = "Keep finished jobs for between 1 and 3650 days.";
	if (error) {
		/* Re-show exactly what was typed. */
		struct shop typed = {
			.name = r->fields[A_NAME].raw, .phone = r->fields[A_PHONE].raw,
			.email = r->fields[A_EMAIL].raw, .address = r->fields[A_ADDRESS].raw,
			.whatsapp = r->fields[A_WHATSAPP].raw, .timezone = r->fields[A_TIMEZONE].raw,
			.country = r->fields[A_COUNTRY].raw, .abn = r->fields[A_ABN].raw,
			.accent = accent_on ? r->fields[A_ACCENT].raw : NULL,
			.theme = (char *)theme, .review_url = r->fields[A_REVIEW_URL].raw,
			.powered_by = s.powered_by,
			.retention_days = (int)req_int(r, A_RETENTION_DAYS, 90),
		};
		settings_form(a, 422, &typed, error, NULL);
		goto out;
	}
	if (!accent_on)
		accent[0] = '\0';
	if (!s.name)
		s.name = "";
	if ((rc = shop_update(a->db, &s)) != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	settings_form(a, 200, &s, NULL, "Saved. Your customers see the new details straight away.");
out:
	shop_free(&now);
}
