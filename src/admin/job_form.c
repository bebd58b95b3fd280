/* The job form shared by book-in and edit: reading, checking, re-showing. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "form.h"

static const struct form_field fields[] = {
	{A_CUSTOMER_NAME, 1, NULL},
	{A_CUSTOMER_PHONE, 0, "Use digits, spaces and + - ( ) only."},
	{A_CUSTOMER_EMAIL, 0, "That is not an email address."},
	{A_ITEM_TYPE, 1, NULL},
	{A_ITEM_DESCRIPTION, 0, NULL},
	{A_PROBLEM, 0, NULL},
	{A_DUE_DATE, 0, "Use a date like 2026-12-24."},
	{A_INTERNAL_NOTES, 0, NULL},
	{A_QUOTED, 0, "Use an amount like 120 or 120.50."},
	{A_DEPOSIT, 0, "Use an amount like 20 or 20.00."},
	{A_DESIGN_BRIEF, 0, NULL},
	{A_BUDGET, 0, "Use an amount like 2500 or 2500.00."},
	{A_INVOICE_URL, 0, "Use a full link starting with https://"},
};

int job_form_read(struct staff *a, struct job_fields *f, struct tctx *errors)
{
	const struct req *r = &a->w.req;
	int bad = form_check(r, fields, HM_NELEM(fields), errors,
	    "Some fields need attention: see below.");

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

void job_form_refill(struct staff *a, struct tctx *c)
{
	/* What the person typed comes back as typed, valid or not, so nothing
	 * they wrote is lost to a validation error. */
	form_refill(&a->w.req, fields, HM_NELEM(fields), c);
}
