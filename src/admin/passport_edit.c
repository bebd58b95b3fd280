/* Edit a passport; the shop re-signs the new content. */
#include <stdio.h>

#include "admin.h"
#include "audit.h"

static void edit_form(struct staff *a, int status, struct tctx *c)
{
	char action[64];
	snprintf(action, sizeof action, "/admin/passports/%lld/edit", (long long)a->id);
	tctx_set(c, "action", action);
	tctx_set_int(c, "id", a->id);
	web_page(&a->w, status, "admin_passport_form", c);
}

void page_passport_edit(struct staff *a)
{
	struct passport_full pf;
	enum hm_rc rc = passport_get(a->db, a->user.shop_id, a->id, &pf);
	if (rc == HM_OK && pf.p.deleted_at)
		rc = HM_NOTFOUND;
	if (rc != HM_OK) {
		passport_full_free(&pf);	/* zeroed or loaded: freeing is safe */
		web_fail(&a->w, rc);
		return;
	}
	struct tctx *c = admin_ctx(a, _("Edit passport"), "passports");
	passport_form_fill(c, &pf.p);
	edit_form(a, 200, c);
	tctx_free(c);
	passport_full_free(&pf);
}

void do_passport_edit(struct staff *a)
{
	struct passport_input in;
	struct tctx *c = admin_ctx(a, _("Edit passport"), "passports");

	if (passport_form_read(a, &in, c) != 0) {
		passport_form_refill(a, c);
		edit_form(a, 422, c);
		goto out;
	}
	audit_watch(AUDIT_PASSPORT, a->user.shop_id, a->id, "passport.edit", 0);
	admin_after(a, passport_update(a->db, a->user.shop_id, a->id, &in, admin_signer(a),
	    a->w.master, a->now), "passports", a->id);
out:
	tctx_free(c);
}
