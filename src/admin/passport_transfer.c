/* Transfer ownership: the previous owner joins the history. A refused
 * transfer comes back on the passport page with what was typed. */

#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "audit.h"
#include "form.h"

void do_passport_transfer(struct staff *a)
{
	const struct form_field fields[] = {
		{A_PF + PF_OWNER_NAME, 1, NULL},
		{A_PF + PF_OWNER_EMAIL, 0, _("That is not an email address.")},
		{A_PF + PF_OWNER_PURCHASE_DATE, 1, _("Use a date like 2026-12-24.")},
		{A_OWNER_PRICE, 0, _("Use an amount like 1200 or 1200.50.")},
	};
	const struct req *r = &a->w.req;
	const char *price = req_val(r, A_OWNER_PRICE);
	char why[512];

	/* The form shows one message: the first problem, named. */
	for (size_t i = 0; i < HM_NELEM(fields); i++) {
		const char *v = req_val(r, fields[i].param);
		const char *say = req_message(r, fields[i].param, fields[i].invalid, why, sizeof why);
		if (!say && fields[i].required && (!v || !*v))
			say = i == 0 ? _("Give the new owner's name.") : _("Give the date of the transfer.");
		if (say) {
			page_passport_with(a, 422, "transfer_error", say);
			return;
		}
	}
	/* Like an event, a transfer is recorded once it has happened. */
	struct shop s;
	char today[11];
	if (shop_get(a->db, a->user.shop_id, &s) != HM_OK) {
		web_fail(&a->w, HM_ERR);
		return;
	}
	today_iso(a->now, s.timezone, today);
	shop_free(&s);
	if (strcmp(req_val(r, A_PF + PF_OWNER_PURCHASE_DATE), today) > 0) {
		page_passport_with(a, 422, "transfer_error",
		    _("That date is in the future: record the transfer once it has happened."));
		return;
	}
	static const int carry[] = {A_PF + PF_OWNER_NAME, A_PF + PF_OWNER_EMAIL,
	    A_PF + PF_OWNER_PURCHASE_DATE, A_OWNER_PRICE, A_OWNER_PUBLIC};
	char question[400];
	snprintf(question, sizeof question, _("Transfer ownership to %s?"),
	    req_val(r, A_PF + PF_OWNER_NAME));
	if (admin_confirm(a, "passports", _("Transfer ownership?"), question,
	    _("The current owner becomes a previous owner in the passport's history, and the record "
	    "is signed again. A transfer cannot be undone."), _("Transfer ownership"), carry,
	    HM_NELEM(carry)))
		return;
	audit_watch(AUDIT_PASSPORT, a->user.shop_id, a->id, "passport.transfer", 0);
	enum hm_rc rc = passport_transfer(a->db, a->user.shop_id, a->id,
	    req_val(r, A_PF + PF_OWNER_NAME), req_val(r, A_PF + PF_OWNER_EMAIL),
	    req_val(r, A_PF + PF_OWNER_PURCHASE_DATE), req_int(r, A_OWNER_PRICE, 0), price && *price,
	    (int)req_int(r, A_OWNER_PUBLIC, 0), admin_signer(a), a->w.master, a->user.user_id,
	    a->now);
	admin_after(a, rc, "passports", a->id);
}
