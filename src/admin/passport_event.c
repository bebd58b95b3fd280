/* Record an event in a passport's history (serviced, valued, resized,
 * repaired, note); the shop re-signs. A refused event comes back on the
 * passport page with what was typed. */
#include <string.h>

#include "admin.h"
#include "audit.h"

void do_passport_event(struct staff *a)
{
	const struct req *r = &a->w.req;
	const char *kind = req_val(r, A_KIND);
	const char *date = req_val(r, A_EVENT_DATE);
	const char *text = req_val(r, A_TEXT);
	char why[512], today[11];
	struct shop s;

	if (shop_get(a->db, a->user.shop_id, &s) != HM_OK) {
		web_fail(&a->w, HM_ERR);
		return;
	}
	today_iso(a->now, s.timezone, today);
	shop_free(&s);
	if (req_message(r, A_TEXT, NULL, why, sizeof why)) {
		page_passport_with(a, 422, "event_error", why);
		return;
	}
	if (!kind || !date || !*date) {
		page_passport_with(a, 422, "event_error",
		    _("Choose what happened and the date it happened, then try again."));
		return;
	}
	if (strcmp(date, today) > 0) {
		page_passport_with(a, 422, "event_error",
		    _("That date is in the future: record events once they have happened."));
		return;
	}
	audit_watch(AUDIT_PASSPORT, a->user.shop_id, a->id, "passport.event", 1);
	enum hm_rc rc = passport_add_event(a->db, a->user.shop_id, a->id, kind, date, text,
	    admin_signer(a), a->w.master, a->user.user_id, a->now);
	admin_after(a, rc, "passports", a->id);
}
