/* The shop's passports: newest first, search by title, number or owner. */
#include <string.h>

#include "admin.h"

#define PER_PAGE 25

void page_passports(struct staff *a)
{
	const char *q = req_val(&a->w.req, A_Q);
	const char *show = req_val(&a->w.req, A_SHOW);
	int deleted = show && !strcmp(show, "deleted");
	int64_t page = req_int(&a->w.req, A_PAGE, 1);
	struct passport_list pl = {0};
	struct shop shop = {0};
	char when[64];

	enum hm_rc rc = shop_get(a->db, a->user.shop_id, &shop);
	if (rc == HM_OK)
		rc = passport_list(a->db, a->user.shop_id, q, deleted, (size_t)(page - 1) * PER_PAGE,
		    PER_PAGE, &pl);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	struct tctx *c = admin_ctx(a, deleted ? _("Deleted passports") : _("Passports"), "passports");
	tctx_set(c, "q", q);
	tctx_set_bool(c, "show_deleted", deleted);
	tctx_set(c, "show", deleted ? "deleted" : NULL);
	for (size_t i = 0; i < pl.n; i++) {
		const struct passport *p = &pl.v[i];
		struct tctx *it = tctx_add_item(c, "passports");
		tctx_set_int(it, "id", p->id);
		tctx_setf(it, "number", "%lld", (long long)p->identity_number);
		tctx_set(it, "title", p->f[PF_TITLE]);
		tctx_set(it, "owner", p->f[PF_OWNER_NAME]);
		tctx_set_bool(it, "private", !p->is_public);
		tctx_set_bool(it, "lost", p->lost_stolen);
		fmt_time(p->created_at, shop.timezone, when, sizeof when);
		tctx_set(it, "issued", when);
	}
	admin_paging(c, pl.total, page, PER_PAGE);
	web_page(&a->w, 200, "admin_passports", c);
	tctx_free(c);
out:
	passport_list_free(&pl);
	shop_free(&shop);
}
