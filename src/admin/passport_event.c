/* Record an event in a passport's history (serviced, valued, resized,
 * repaired, note); the shop re-signs. */
#include <stdio.h>

#include "admin.h"


void do_passport_event(struct staff *a)
{
	const char *kind = req_val(&a->w.req, A_KIND);
	const char *date = req_val(&a->w.req, A_EVENT_DATE);
	const char *text = req_val(&a->w.req, A_TEXT);

	if (!kind || !date || !*date) {
		web_error(&a->w, 422, "The event was not saved",
		    "Choose what happened and the date it happened, then try again.");
		return;
	}
	enum hm_rc rc = passport_add_event(a->db, a->user.shop_id, a->id, kind, date, text,
	    admin_signer(a), a->w.master, a->user.user_id, a->now);
	admin_after(a, rc, "passports", a->id);
}
