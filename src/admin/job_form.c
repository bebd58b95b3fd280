/* The job form shared by book-in and edit: reading, checking, re-showing. */
#include <stdio.h>
#include <string.h>

#include "admin.h"

static const struct form_field {
	enum admin_param p;
	const char *name;
	int required;
	const char *invalid;	/* message when the value fails its validator */
} fields[] = {
	{A_CUSTOMER_NAME, "customer_name", 1, NULL},
	{A_CUSTOMER_PHONE, "customer_phone", 0, "Use digits, spaces and + - ( ) only."},
	{A_CUSTOMER_EMAIL, "customer_email", 0, "That is not an email address."},
	{A_ITEM_TYPE, "item_type", 1, NULL},
	{A_ITEM_DESCRIPTION, "item_description", 0, NULL},
	{A_PROBLEM, "problem", 0, NULL},
	{A_DUE_DATE, "due_date", 0, "Use a date like 2026-12-24."},
	{A_INTERNAL_NOTES, "internal_notes", 0, NULL},
	{A_QUOTED, "quoted", 0, "Use an amount like 120 or 120.50."},
	{A_DEPOSIT, "deposit", 0, "Use an amount like 20 or 20.00."},
	{A_DESIGN_BRIEF, "design_brief", 0, NULL},
	{A_BUDGET, "budget", 0, "Use an amount like 2500 or 2500.00."},
	{A_INVOICE_URL, "invoice_url", 0, "Use a full link starting with https://"},
};

int job_form_read(struct admin *a, struct job_fields *f, struct tctx *errors)
{
	const struct req *r = &a->w.req;
	int bad = 0;
	char key[40];

	for (size_t i = 0; i < HM_NELEM(fields); i++) {
		const struct form_field *ff = &fields[i];
		const char *msg = NULL;
		if (req_invalid(r, ff->p))
			msg = ff->invalid ? ff->invalid : "That value is not allowed.";
		else if (ff->required && (!req_val(r, ff->p) || !*req_val(r, ff->p)))
			msg = "This is required.";
		if (msg) {
			snprintf(key, sizeof key, "e_%s", ff->name);
			tctx_set(errors, key, msg);
			bad = 1;
		}
	}
	f->customer_name = req_val(r, A_CUSTOMER_NAME);
	f->customer_phone = req_val(r, A_CUSTOMER_PHONE);
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
	if (bad)
		tctx_set(errors, "error", "Some fields need attention: see below.");
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
}

void job_form_refill(struct admin *a, struct tctx *c)
{
	char key[40];
	/* What the person typed comes back as typed, valid or not, so nothing
	 * they wrote is lost to a validation error. */
	for (size_t i = 0; i < HM_NELEM(fields); i++) {
		const struct field *f = &a->w.req.fields[fields[i].p];
		snprintf(key, sizeof key, "f_%s", fields[i].name);
		tctx_set(c, key, f->state == FIELD_OK ? f->val : f->raw);
	}
}
