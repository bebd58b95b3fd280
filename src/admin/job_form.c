/* The job form shared by book-in and edit: reading, checking, re-showing. */
#include <string.h>

#include "admin.h"
#include "form.h"
#include "notify.h"
#include "phone.h"

/* The form's fields, their sentences in the current language (fields_init). */
static struct form_field fields[15];

static void fields_init(void)
{
	const struct form_field f[] = {
		{A_CUSTOMER_NAME, 1, NULL},
		{A_CUSTOMER_PHONE, 0, _("Use digits, spaces and + - ( ) only.")},
		{A_CUSTOMER_EMAIL, 0, _("That is not an email address.")},
		{A_ITEM_TYPE, 1, NULL},
		{A_ITEM_DESCRIPTION, 0, NULL},
		{A_PROBLEM, 0, NULL},
		{A_DUE_DATE, 0, _("Use a date like 2026-12-24.")},
		{A_INTERNAL_NOTES, 0, NULL},
		{A_QUOTED, 0, _("Use an amount like 120 or 120.50.")},
		{A_DEPOSIT, 0, _("Use an amount like 20 or 20.00.")},
		{A_DESIGN_BRIEF, 0, NULL},
		{A_BUDGET, 0, _("Use an amount like 2500 or 2500.00.")},
		{A_INVOICE_URL, 0, _("Use a full link starting with https://")},
		{A_NOTIFY_CHANNEL, 0, _("Choose how the customer hears from you.")},
		{A_CUSTOMER_LANGUAGE, 0, _("Choose a language from the list.")},
	};
	_Static_assert(sizeof f == sizeof fields, "fields[] holds every field");
	memcpy(fields, f, sizeof f);
}

/* The customer's phone in international form: the request's own storage
 * for it (a CGI reads one form). */
static char phone[PHONE_MAX];

/* The channels this installation delivers itself, for the form and for
 * checking the choice. */
static unsigned channels(const struct staff *a)
{
	struct notify_env e;
	notify_env_init(&e, &a->w.cfg, NULL, NULL, 0);
	return e.channels;
}

void job_form_channels(struct staff *a, struct tctx *c, const char *chosen)
{
	unsigned ch = channels(a);
	tctx_set_bool(c, "can_email", (ch & NOTIFY_EMAIL) != 0);
	tctx_set_bool(c, "can_sms", (ch & NOTIFY_SMS) != 0);
	chosen = chosen && *chosen ? chosen : "none";
	tctx_set_bool(c, "channel_is_email", !strcmp(chosen, "email"));
	tctx_set_bool(c, "channel_is_sms", !strcmp(chosen, "sms"));
	tctx_set_bool(c, "channel_is_whatsapp", !strcmp(chosen, "whatsapp"));
	tctx_set_bool(c, "channel_is_none", !strcmp(chosen, "none"));
}

int job_form_commission(struct staff *a, int64_t workflow_id)
{
	return workflow_has_decision(a->db, a->user.shop_id, workflow_id);
}

void job_form_languages(struct staff *a, struct tctx *c, const char *chosen)
{
	struct shop shop = {0};
	/* "Not recorded" names what the customer then gets: the shop's
	 * default language. Amounts are in the shop's currency. */
	if (shop_get(a->db, a->user.shop_id, &shop) == HM_OK) {
		tctx_set(c, "shop_lang_name", lang_name(admin_shop_lang(&shop)));
		if (*shop.currency)
			tctx_set(c, "currency", shop.currency);
	}
	shop_free(&shop);
	tctx_set_bool(c, "language_unset", !chosen || !*chosen);
	admin_languages(c, "languages", chosen, NULL);
}

int job_form_read(struct staff *a, struct job_fields *f, struct tctx *errors)
{
	const struct req *r = &a->w.req;
	fields_init();
	int bad = form_check(r, fields, HM_NELEM(fields), errors,
	    _("Some fields need attention: see below."));
	struct shop shop = {0};
	const char *typed = req_val(r, A_CUSTOMER_PHONE);
	const char *channel = req_val(r, A_NOTIFY_CHANNEL);
	unsigned ch = channels(a);

	f->customer_name = req_val(r, A_CUSTOMER_NAME);
	/* A number typed at the counter is kept in international form, so
	 * WhatsApp, SMS and tel: links work; the shop's country reads it. */
	f->customer_phone = NULL;
	if (typed && *typed) {
		if (shop_get(a->db, a->user.shop_id, &shop) == HM_OK &&
		    phone_normalise(typed, phone_country_or_zone(shop.phone_country, shop.timezone),
		    phone) == 0) {
			f->customer_phone = phone;
		} else if (!req_invalid(r, A_CUSTOMER_PHONE)) {
			tctx_set(errors, "e_customer_phone",
			    phone_country_or_zone(shop.phone_country, shop.timezone)
			    ? _("That is not a phone number we can use: check the digits, or give it with "
			    "its country code (+44 …).")
			    : _("Give the number with its country code, such as +44 7700 900101, or choose "
			    "the shop's country in Settings so local numbers can be read."));
			bad++;
		}
		shop_free(&shop);
	}
	f->customer_email = req_val(r, A_CUSTOMER_EMAIL);
	f->item_type = req_val(r, A_ITEM_TYPE);
	f->item_description = req_val(r, A_ITEM_DESCRIPTION);
	f->problem = req_val(r, A_PROBLEM);
	f->due_date = req_val(r, A_DUE_DATE);
	f->internal_notes = req_val(r, A_INTERNAL_NOTES);
	f->has_quoted = req_val(r, A_QUOTED) && *req_val(r, A_QUOTED);
	f->quoted_cents = req_int(r, A_QUOTED, 0);
	f->has_deposit = req_val(r, A_DEPOSIT) && *req_val(r, A_DEPOSIT);
	f->deposit_cents = req_int(r, A_DEPOSIT, 0);
	f->design_brief = req_val(r, A_DESIGN_BRIEF);
	f->has_budget = req_val(r, A_BUDGET) && *req_val(r, A_BUDGET);
	f->budget_cents = req_int(r, A_BUDGET, 0);
	f->invoice_url = req_val(r, A_INVOICE_URL);
	/* The customer's language: "" for not recorded, else a code of a
	 * language Hallmark has, exactly as the form offers it. */
	const char *lang = req_val(r, A_CUSTOMER_LANGUAGE);
	f->language = "";
	if (lang && *lang) {
		const struct lang *l = lang_find(lang);
		if (l && !strcmp(l->code, lang)) {
			f->language = l->code;
		} else {
			tctx_set(errors, "e_customer_language", _("Choose a language from the list."));
			bad++;
		}
	}
	/* The channel needs its address, and a relay or gateway to use it. */
	f->notify_channel = channel;
	const char *why = NULL;
	if (channel && !strcmp(channel, "email") && !(ch & NOTIFY_EMAIL))
		why = _("This installation sends no email: choose WhatsApp or none.");
	else if (channel && !strcmp(channel, "sms") && !(ch & NOTIFY_SMS))
		why = _("This installation sends no text messages: choose WhatsApp or none.");
	else if (channel && !strcmp(channel, "email") && !(f->customer_email && *f->customer_email))
		why = _("Give the customer's email address, or choose another way to reach them.");
	else if (channel && (!strcmp(channel, "sms") || !strcmp(channel, "whatsapp")) &&
	    !(f->customer_phone && *f->customer_phone) && !req_invalid(r, A_CUSTOMER_PHONE) &&
	    !(typed && *typed))
		why = _("Give the customer's mobile number, or choose another way to reach them.");
	if (why) {
		tctx_set(errors, "e_notify_channel", why);
		bad++;
	}
	if (bad)
		tctx_set(errors, "error", _("Some fields need attention: see below."));
	return bad ? -1 : 0;
}

void job_form_fill(struct tctx *c, const struct job *j)
{
	char money[32];
	tctx_set(c, "f_customer_name", j->customer_name);
	tctx_set(c, "f_customer_phone", j->customer_phone);
	tctx_set(c, "f_customer_email", j->customer_email);
	tctx_set(c, "f_item_type", j->item_type);
	tctx_set(c, "f_item_description", j->item_description);
	tctx_set(c, "f_problem", j->problem);
	tctx_set(c, "f_due_date", j->due_date);
	tctx_set(c, "f_internal_notes", j->internal_notes);
	if (j->has_quoted) {
		fmt_money(j->quoted_cents, money, sizeof money);
		tctx_set(c, "f_quoted", money);
	}
	if (j->has_deposit) {
		fmt_money(j->deposit_cents, money, sizeof money);
		tctx_set(c, "f_deposit", money);
	}
	tctx_set(c, "f_design_brief", j->design_brief);
	if (j->has_budget) {
		fmt_money(j->budget_cents, money, sizeof money);
		tctx_set(c, "f_budget", money);
	}
	tctx_set(c, "f_invoice_url", j->invoice_url);
	tctx_set(c, "f_notify_channel", j->notify_channel);
	tctx_set(c, "f_customer_language", j->language);
}

void job_form_refill(struct staff *a, struct tctx *c)
{
	/* What the person typed comes back as typed, valid or not, so nothing
	 * they wrote is lost to a validation error. */
	fields_init();
	form_refill(&a->w.req, fields, HM_NELEM(fields), c);
}
