/* Flags on a passport: lost or stolen (signed, on the public page),
 * public or private, deleted or not. Repeating an action changes nothing. */
#include <stdio.h>

#include "admin.h"

static void back(struct admin *a, enum hm_rc rc)
{
	if (rc != HM_OK && rc != HM_NOTFOUND) {
		web_fail(&a->w, rc);
		return;
	}
	admin_redirect_to(a, "passports", a->id);
}

static void set_lost(struct admin *a, int on)
{
	struct shop s;
	char today[11];
	enum hm_rc rc = shop_get(a->db, a->user.shop_id, &s);
	if (rc == HM_OK) {
		today_iso(a->now, s.timezone, today);
		shop_free(&s);
		rc = passport_set_lost(a->db, a->user.shop_id, a->id, on, today, admin_signer(a),
		    a->w.master, a->user.user_id, a->now);
	}
	back(a, rc);
}

void do_passport_lost(struct admin *a)
{
	set_lost(a, 1);
}

void do_passport_found(struct admin *a)
{
	set_lost(a, 0);
}

void do_passport_public(struct admin *a)
{
	back(a, passport_set_public(a->db, a->user.shop_id, a->id, 1, a->now));
}

void do_passport_private(struct admin *a)
{
	back(a, passport_set_public(a->db, a->user.shop_id, a->id, 0, a->now));
}

void do_passport_delete(struct admin *a)
{
	back(a, passport_set_deleted(a->db, a->user.shop_id, a->id, 1, a->now));
}

void do_passport_undelete(struct admin *a)
{
	back(a, passport_set_deleted(a->db, a->user.shop_id, a->id, 0, a->now));
}
