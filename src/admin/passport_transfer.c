/* Transfer ownership: the previous owner joins the history. */
#include <stdio.h>

#include "admin.h"

void do_passport_transfer(struct staff *a)
{
	const struct req *r = &a->w.req;
	const char *name = req_val(r, A_PF + PF_OWNER_NAME);
	const char *email = req_val(r, A_PF + PF_OWNER_EMAIL);
	const char *date = req_val(r, A_PF + PF_OWNER_PURCHASE_DATE);
	const char *price = req_val(r, A_OWNER_PRICE);

	if (!name || !*name || !date || !*date || req_invalid(r, A_PF + PF_OWNER_EMAIL) ||
	    req_invalid(r, A_OWNER_PRICE)) {
		web_error(&a->w, 422, "The transfer was not saved",
		    "Give the new owner's name and the date of the transfer; the email and price, "
		    "if given, must be valid. Go back and try again.");
		return;
	}
	enum hm_rc rc = passport_transfer(a->db, a->user.shop_id, a->id, name, email, date,
	    req_int(r, A_OWNER_PRICE, 0), price && *price, (int)req_int(r, A_OWNER_PUBLIC, 0),
	    admin_signer(a), a->w.master, a->user.user_id, a->now);
	admin_after(a, rc, "passports", a->id);
}
