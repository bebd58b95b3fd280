/* One of the shop's workflows: the edit form, and saving it (name, stage
 * texts and flags, new stages, removals) all at once. */
#include <string.h>

#include "admin.h"
#include "audit.h"

/* Empty rows offered after a workflow's stages, up to the limit. */
#define MORE_ROWS 4

void page_workflow(struct staff *a)
{
	struct workflow w = {0};
	struct stage_list sl = {0};
	struct workflow_form f;
	enum hm_rc rc;

	memset(&f, 0, sizeof f);
	if ((rc = workflow_get(a->db, a->user.shop_id, a->id, &w)) != HM_OK ||
	    (rc = stage_list(a->db, w.id, &sl)) != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	f.id = w.id;
	f.name = w.name;
	f.prefix = w.prefix;
	for (size_t i = 0; i < sl.n && i < WORKFLOW_MAX_STAGES; i++) {
		const struct stage *s = &sl.v[i];
		f.rows[i] = (struct stage_input){ s->id, s->label, s->description, s->next_step,
		    s->flags, 0 };
		f.n = i + 1;
	}
	f.blank = MORE_ROWS;
	workflow_form_show(a, 200, &f);
out:
	workflow_free(&w);
	stage_list_free(&sl);
}

void do_workflow(struct staff *a)
{
	struct workflow w = {0};
	struct workflow_form f;
	struct workflow_input in;
	enum hm_rc rc;

	memset(&f, 0, sizeof f);
	/* Another shop's workflow is not found before anything is read. */
	if ((rc = workflow_get(a->db, a->user.shop_id, a->id, &w)) != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	int ok = workflow_form_read(a, &f) == 0;
	f.id = w.id;
	f.prefix = w.prefix;	/* fixed: tracking IDs already carry it */
	if (!ok) {
		workflow_form_show(a, 422, &f);
		goto out;
	}
	in = (struct workflow_input){ f.name, NULL, f.rows, f.n };
	audit_watch(AUDIT_WORKFLOW, a->user.shop_id, w.id, "workflow.edit", 0);
	rc = workflow_update(a->db, a->user.shop_id, w.id, &in, a->now, &f.why);
	if (rc == HM_CONFLICT && f.why.message) {
		workflow_form_show(a, 422, &f);
		goto out;
	}
	if (rc != HM_OK && rc != HM_DUPLICATE) {
		web_fail(&a->w, rc);
		goto out;
	}
	web_redirect(&a->w, "/admin/workflows");
out:
	workflow_free(&w);
}
