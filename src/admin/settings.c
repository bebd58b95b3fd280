/* Shop settings: the details and the look customers see on their tracking
 * page, and how long finished jobs stay there. A refused save comes back
 * with every field as typed and each problem beside its field. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "audit.h"
#include "form.h"
#include "phone.h"

/* The form's fields, their sentences in the current language (fields_init). */
static struct form_field fields[19];

static void fields_init(void)
{
	const struct form_field f[] = {
		{A_NAME, 0, NULL},
		{A_PHONE, 0, _("Phone numbers may use digits, spaces and + - ( ) only.")},
		{A_WHATSAPP, 0, _("Phone numbers may use digits, spaces and + - ( ) only.")},
		{A_EMAIL, 0, _("That email address is not valid.")},
		{A_ADDRESS, 0, NULL},
		{A_OPENING_HOURS, 0, NULL},
		{A_TIMEZONE, 1, _("Choose a time zone such as Europe/London or America/New_York.")},
		{A_COUNTRY, 0, NULL},
		{A_ABN, 0, NULL},
		{A_ACCENT, 0, _("Choose the accent colour as #rrggbb, for example #1f5fa3.")},
		{A_REVIEW_URL, 0, _("The review link must be a full link starting with https://")},
		{A_RETENTION_DAYS, 0, _("Keep finished jobs for between 1 and 3650 days.")},
		{A_PHONE_COUNTRY, 0, _("Choose a country from the list.")},
		{A_SLIP_SIZE, 0, _("Choose the paper the slip prints on.")},
		{A_SLIP_TERMS, 0, NULL},
		{A_NOTIFY_EMAIL, 0, _("That email address is not valid.")},
		{A_LANGUAGE, 0, _("Choose a language from the list.")},
		{A_CURRENCY, 0, NULL},
		{A_BUSINESS_LABEL, 0, _("Choose what your business number is called.")},
	};
	_Static_assert(sizeof f == sizeof fields, "fields[] holds every field");
	memcpy(fields, f, sizeof f);
}

/* The choices of the form that come from tables, marked as chosen. */
static void set_choices(struct tctx *c, const char *country, const char *slip, int tracking_on)
{
	for (size_t i = 0; i < phone_ncountries; i++) {
		struct tctx *it = tctx_add_item(c, "countries");
		tctx_set(it, "iso", phone_countries[i].iso);
		/* TRANSLATORS: a country and its calling code: "Spain (+34)". */
		tctx_setf(it, "name", _("%1$s (+%2$s)"), lang_get(lang_current(), "country",
		    phone_countries[i].name), phone_countries[i].code);
		tctx_set_bool(it, "selected", country && !strcmp(country, phone_countries[i].iso));
	}
	slip = slip && *slip ? slip : "80mm";
	tctx_set_bool(c, "slip_is_80mm", !strcmp(slip, "80mm"));
	tctx_set_bool(c, "slip_is_a5", !strcmp(slip, "a5"));
	tctx_set_bool(c, "slip_is_a4", !strcmp(slip, "a4"));
	tctx_set_bool(c, "f_tracking_on", tracking_on);
}

/* The business number's names, the one in use marked. */
static void set_number_labels(struct tctx *c, const char *chosen)
{
	static const char *const codes[] = {"abn", "vat", "company", "business"};
	for (size_t i = 0; i < HM_NELEM(codes); i++) {
		struct shop s = {.business_label = (char *)codes[i]};
		struct tctx *it = tctx_add_item(c, "number_labels");
		tctx_set(it, "code", codes[i]);
		tctx_set(it, "name", shop_number_label(&s));
		tctx_set_bool(it, "selected", chosen && !strcmp(chosen, codes[i]));
	}
}

/* The currency as stored: "" or an ISO 4217 code in capitals; NULL when
 * what was typed is neither. */
static const char *currency_code(const char *typed, char out[4])
{
	if (!typed || !*typed)
		return "";
	if (strlen(typed) != 3)
		return NULL;
	for (int i = 0; i < 3; i++) {
		char ch = typed[i];
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch < 'A' || ch > 'Z')
			return NULL;
		out[i] = ch;
	}
	out[3] = '\0';
	return out;
}

/* The form's choices and switches, from the shop or from what was sent. */
static void set_look(struct tctx *c, const char *accent, int accent_on, const char *theme,
    int powered_by)
{
	tctx_set_bool(c, "f_accent_on", accent_on);
	/* The colour picker needs a value even when the shop has none. */
	tctx_set(c, "f_accent", accent && *accent ? accent : "#775726");
	theme = theme && *theme ? theme : "auto";
	tctx_set_bool(c, "theme_is_auto", !strcmp(theme, "auto"));
	tctx_set_bool(c, "theme_is_light", !strcmp(theme, "light"));
	tctx_set_bool(c, "theme_is_dark", !strcmp(theme, "dark"));
	tctx_set_bool(c, "f_powered_by", powered_by);
}

static void settings_page(struct staff *a, int status, struct tctx *c)
{
	tctx_set_bool(c, "is_owner", a->user.is_owner);
	settings_logo_fill(a, c);
	web_page(&a->w, status, "admin_settings", c);
}

static void settings_form(struct staff *a, const struct shop *s, const char *done)
{
	struct tctx *c = admin_ctx(a, _("Shop settings"), "settings");
	tctx_set(c, "f_name", s->name);
	tctx_set(c, "f_phone", s->phone);
	tctx_set(c, "f_email", s->email);
	tctx_set(c, "f_address", s->address);
	tctx_set(c, "f_opening_hours", s->opening_hours);
	tctx_set(c, "f_whatsapp", s->whatsapp);
	tctx_set(c, "f_timezone", s->timezone);
	tctx_set(c, "f_country", s->country);
	tctx_set(c, "f_abn", s->abn);
	tctx_set(c, "f_review_url", s->review_url);
	tctx_set_int(c, "f_retention_days", s->retention_days > 0 ? s->retention_days : 90);
	tctx_set(c, "f_slip_terms", s->slip_terms);
	tctx_set(c, "f_notify_email", s->notify_email);
	tctx_set(c, "f_currency", s->currency);
	set_number_labels(c, s->business_label);
	set_look(c, s->accent, s->accent && *s->accent, s->theme, s->powered_by);
	admin_languages(c, "languages", admin_shop_lang(s)->code, NULL);
	const struct phone_country *zone = phone_country_of_zone(s->timezone);
	set_choices(c, *s->phone_country || !zone ? s->phone_country : zone->iso, s->slip_size,
	    !s->tracking_off);
	tctx_set(c, "done", done);
	settings_page(a, 200, c);
	tctx_free(c);
}

void page_settings(struct staff *a)
{
	struct shop s;
	enum hm_rc rc = shop_get(a->db, a->user.shop_id, &s);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	settings_form(a, &s, NULL);
	shop_free(&s);
}

/* The shop's WhatsApp number in international form, by its country's
 * rules (or its time zone's); *ok 0 when it cannot be read. Caller frees. */
static char *whatsapp_number(const char *typed, const char *country, const char *tz, int *ok)
{
	char out[PHONE_MAX];
	*ok = 1;
	if (!typed || !*typed)
		return xstrdup("");
	if (phone_normalise(typed, phone_country_or_zone(country, tz), out) != 0) {
		*ok = 0;
		return NULL;
	}
	return xstrdup(out);
}

static int zone_exists(const char *tz)
{
	char *p = xasprintf("/usr/share/zoneinfo/%s", tz);
	int ok = access(p, R_OK) == 0;
	free(p);
	return ok;
}

void do_settings(struct staff *a)
{
	const struct req *r = &a->w.req;
	struct shop now;
	enum hm_rc rc = shop_get(a->db, a->user.shop_id, &now);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	struct tctx *c = admin_ctx(a, _("Shop settings"), "settings");
	int accent_on = req_int(r, A_ACCENT_ON, 0) != 0;
	/* A form without the theme or retention fields (an older page, a
	 * script) leaves them as they are. */
	const char *theme = req_present(r, A_THEME) ? req_val(r, A_THEME) : now.theme;
	fields_init();
	int bad = form_check(r, fields, HM_NELEM(fields), c, _("The settings were not saved: see below."));
	const char *tz = req_val(r, A_TIMEZONE);
	if (tz && *tz && !zone_exists(tz)) {
		tctx_set(c, "e_timezone", _("There is no such time zone. Use one such as Europe/London."));
		bad++;
	}
	char cur[4];
	const char *currency = req_present(r, A_CURRENCY) ? currency_code(req_val(r, A_CURRENCY), cur)
	    : now.currency;
	if (!currency && !req_invalid(r, A_CURRENCY)) {
		tctx_set(c, "e_currency", _("Give the currency's three-letter code, such as GBP, EUR or "
		    "AUD, or leave it empty."));
		bad++;
	}
	if (!theme) {
		tctx_set(c, "e_theme", _("Choose a theme: follow the device, light or dark."));
		bad++;
	}
	int wa_ok = 1;
	char *whatsapp = bad ? NULL : whatsapp_number(req_val(r, A_WHATSAPP),
	    req_present(r, A_PHONE_COUNTRY) ? req_val(r, A_PHONE_COUNTRY) : now.phone_country, tz,
	    &wa_ok);
	if (!wa_ok) {
		tctx_set(c, "e_whatsapp", _("Give the number with its country code, such as +44 7700 "
		    "900321, or choose the shop's country below."));
		bad++;
	}
	if (bad) {
		tctx_set(c, "error", _("The settings were not saved: see below."));
		form_refill(r, fields, HM_NELEM(fields), c);
		set_look(c, req_shown(r, A_ACCENT), accent_on, theme, req_int(r, A_POWERED_BY, 0) != 0);
		set_choices(c, req_shown(r, A_PHONE_COUNTRY), req_shown(r, A_SLIP_SIZE),
		    req_int(r, A_TRACKING_ON, 0) != 0);
		admin_languages(c, "languages", req_present(r, A_LANGUAGE) ? req_shown(r, A_LANGUAGE)
		    : now.language, NULL);
		set_number_labels(c, req_present(r, A_BUSINESS_LABEL) ? req_shown(r, A_BUSINESS_LABEL)
		    : now.business_label);
		settings_page(a, 422, c);
		goto out;
	}
	struct shop s = {
		.id = a->user.shop_id,
		.name = (char *)(req_val(r, A_NAME) ? req_val(r, A_NAME) : ""),
		.phone = (char *)req_val(r, A_PHONE),
		.email = (char *)req_val(r, A_EMAIL),
		.address = (char *)req_val(r, A_ADDRESS),
		.whatsapp = whatsapp,
		.timezone = (char *)tz,
		.country = (char *)req_val(r, A_COUNTRY),
		.abn = (char *)req_val(r, A_ABN),
		.accent = (char *)(accent_on && req_val(r, A_ACCENT) ? req_val(r, A_ACCENT) : ""),
		.theme = (char *)theme,
		.review_url = (char *)req_val(r, A_REVIEW_URL),
		.powered_by = (int)req_int(r, A_POWERED_BY, 0),
		.retention_days = req_present(r, A_RETENTION_DAYS)
		    ? (int)req_int(r, A_RETENTION_DAYS, 0) : now.retention_days,
		/* Fields an older form does not send stay as they are. */
		.tracking_off = req_present(r, A_TRACKING_ON) || req_present(r, A_SLIP_SIZE)
		    ? req_int(r, A_TRACKING_ON, 0) == 0 : now.tracking_off,
		.phone_country = (char *)(req_present(r, A_PHONE_COUNTRY)
		    ? req_val(r, A_PHONE_COUNTRY) : now.phone_country),
		.slip_size = (char *)(req_present(r, A_SLIP_SIZE) ? req_val(r, A_SLIP_SIZE) : now.slip_size),
		.slip_terms = (char *)(req_present(r, A_SLIP_TERMS) ? req_val(r, A_SLIP_TERMS)
		    : now.slip_terms),
		.notify_email = (char *)(req_present(r, A_NOTIFY_EMAIL) ? req_val(r, A_NOTIFY_EMAIL)
		    : now.notify_email),
		.language = (char *)(req_present(r, A_LANGUAGE) ? req_val(r, A_LANGUAGE)
		    : now.language),
		.currency = (char *)currency,
		.business_label = (char *)(req_present(r, A_BUSINESS_LABEL)
		    ? req_val(r, A_BUSINESS_LABEL) : now.business_label),
		.opening_hours = (char *)(req_present(r, A_OPENING_HOURS)
		    ? req_val(r, A_OPENING_HOURS) : now.opening_hours),
	};
	int64_t issued = 0;
	audit_watch(AUDIT_SHOP, a->user.shop_id, a->user.shop_id, "settings", 0);
	if ((rc = shop_update(a->db, &s, &issued)) != HM_OK && rc != HM_DUPLICATE) {
		web_fail(&a->w, rc);
		goto out;
	}
	char done[200];
	if (issued)
		snprintf(done, sizeof done, P_("Saved. Customer tracking is on: %lld job booked while it "
		    "was off now has a link.", "Saved. Customer tracking is on: %lld jobs booked while it "
		    "was off now have a link.", (unsigned long)issued), (long long)issued);
	else
		snprintf(done, sizeof done, "%s", _("Saved. Your customers see the new details straight "
		    "away."));
	settings_form(a, &s, done);
out:
	free(whatsapp);
	tctx_free(c);
	shop_free(&now);
}
