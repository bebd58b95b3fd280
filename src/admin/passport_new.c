/* Issue a passport: the form and saving it (UUID, identity number, a
 * "created" event and the shop's signature, in one transaction). */

#include "admin.h"
#include "audit.h"
#include "notify.h"

static void new_form(struct staff *a, int status, struct tctx *c)
{
	tctx_set(c, "action", "/admin/passports/new");
	tctx_set_bool(c, "is_new", 1);
	web_page(&a->w, status, "admin_passport_form", c);
}

void page_passport_new(struct staff *a)
{
	struct shop s;
	struct tctx *c = admin_ctx(a, _("Issue a passport"), "passport_new");
	if (shop_get(a->db, a->user.shop_id, &s) == HM_OK) {
		tctx_set(c, "f_made_in", s.country);
		shop_free(&s);
	}
	tctx_set_bool(c, "f_is_public", 1);
	new_form(a, 200, c);
	tctx_free(c);
}

void do_passport_new(struct staff *a)
{
	struct passport_input in;
	char today[11];
	int64_t id = 0;
	struct shop s = {0};
	struct tctx *c = admin_ctx(a, _("Issue a passport"), "passport_new");

	if (passport_form_read(a, &in, c) != 0) {
		passport_form_refill(a, c);
		new_form(a, 422, c);
		goto out;
	}
	enum hm_rc rc = shop_get(a->db, a->user.shop_id, &s);
	if (rc == HM_OK) {
		today_iso(a->now, s.timezone, today);
		struct notify_env env;
		admin_notify_env(a, &env);
		audit_watch(AUDIT_PASSPORT, a->user.shop_id, 0, "passport.new", 0);
		rc = passport_create(a->db, a->user.shop_id, &in, admin_signer(a), a->w.master,
		    a->user.user_id, a->now, today, &env, &id);
	}
	if (rc == HM_DUPLICATE)
		id = db_form_prior();	/* issued by the first click */
	admin_after(a, rc, "passports", id);
out:
	shop_free(&s);
	tctx_free(c);
}
