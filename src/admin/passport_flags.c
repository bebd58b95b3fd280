/* Flags on a passport: lost or stolen (signed, on the public page),
 * public or private, deleted or not, which photo leads. Repeating an
 * action changes nothing. */

#include "admin.h"
#include "attachments.h"
#include "audit.h"

static void back(struct staff *a, enum hm_rc rc)
{
	admin_after(a, rc == HM_NOTFOUND ? HM_OK : rc, "passports", a->id);
}

static void set_lost(struct staff *a, int on)
{
	struct shop s;
	char today[11];
	enum hm_rc rc = shop_get(a->db, a->user.shop_id, &s);
	if (rc == HM_OK) {
		today_iso(a->now, s.timezone, today);
		shop_free(&s);
		audit_watch(AUDIT_PASSPORT, a->user.shop_id, a->id, on ? "passport.lost" : "passport.found", 0);
		rc = passport_set_lost(a->db, a->user.shop_id, a->id, on, today, admin_signer(a),
		    a->w.master, a->user.user_id, a->now);
	}
	back(a, rc);
}

void do_passport_lost(struct staff *a)
{
	set_lost(a, 1);
}

void do_passport_found(struct staff *a)
{
	set_lost(a, 0);
}

void do_passport_public(struct staff *a)
{
	audit_watch(AUDIT_PASSPORT, a->user.shop_id, a->id, "passport.public", 0);
	back(a, passport_set_public(a->db, a->user.shop_id, a->id, 1, a->now));
}

void do_passport_private(struct staff *a)
{
	if (admin_confirm(a, "passports", _("Make this passport private?"),
	    _("Its public page and certificate QR code will show “not found” until you make it public "
	    "again. Anyone who checks the piece meanwhile cannot verify it."), NULL,
	    _("Make private"), NULL, 0))
		return;
	audit_watch(AUDIT_PASSPORT, a->user.shop_id, a->id, "passport.private", 0);
	back(a, passport_set_public(a->db, a->user.shop_id, a->id, 0, a->now));
}

void do_passport_delete(struct staff *a)
{
	if (admin_confirm(a, "passports", _("Delete this passport?"),
	    _("It leaves the passport list, and its public page and certificate QR code show “not "
	    "found”. You can restore it from the deleted passports."), NULL, _("Delete passport"),
	    NULL, 0))
		return;
	audit_watch(AUDIT_PASSPORT, a->user.shop_id, a->id, "passport.delete", 0);
	back(a, passport_set_deleted(a->db, a->user.shop_id, a->id, 1, a->now));
}

void do_passport_undelete(struct staff *a)
{
	audit_watch(AUDIT_PASSPORT, a->user.shop_id, a->id, "passport.undelete", 0);
	back(a, passport_set_deleted(a->db, a->user.shop_id, a->id, 0, a->now));
}

void do_passport_primary(struct staff *a)
{
	int64_t aid = req_int(&a->w.req, A_ATTACHMENT, 0);
	if (aid <= 0) {
		web_error(&a->w, 400, _("That change was not understood"),
		    _("Nothing was changed. Go back, reload the page and try again."));
		return;
	}
	audit_watch(AUDIT_PASSPORT, a->user.shop_id, a->id, "passport.primary", 0);
	admin_after(a, attachment_set_primary(a->db, a->user.shop_id, a->id, aid), "passports", a->id);
}
