/* The shop's workflows: what each is called, its tracking-ID prefix, how
 * many stages it has and how many jobs are on it. */

#include "admin.h"

void page_workflows(struct staff *a)
{
	struct workflow_summary_list wl = {0};
	enum hm_rc rc = workflow_summaries(a->db, a->user.shop_id, &wl);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	struct tctx *c = admin_ctx(a, _("Workflows"), "workflows");
	for (size_t i = 0; i < wl.n; i++) {
		struct tctx *it = tctx_add_item(c, "workflows");
		tctx_set_int(it, "id", wl.v[i].id);
		tctx_set(it, "name", wl.v[i].name);
		tctx_set(it, "prefix", wl.v[i].prefix);
		tctx_set_int(it, "stages", wl.v[i].stages);
		tctx_set_int(it, "jobs", wl.v[i].jobs);
	}
	web_page(&a->w, 200, "admin_workflows", c);
	tctx_free(c);
	workflow_summary_list_free(&wl);
}
