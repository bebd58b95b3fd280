/* A shop's own workflow: the form, and creating it with its stages. */
#include <string.h>

#include "admin.h"
#include "audit.h"

/* Enough empty rows for a workflow like the wrap shop's eight stages and
 * a couple more; the edit form offers more once it exists. */
#define NEW_ROWS 10

void page_workflow_new(struct staff *a)
{
	struct workflow_form f;
	memset(&f, 0, sizeof f);
	f.blank = NEW_ROWS;
	workflow_form_show(a, 200, &f);
}

void do_workflow_new(struct staff *a)
{
	struct workflow_form f;
	struct workflow_input in;
	int64_t id = 0;

	memset(&f, 0, sizeof f);
	int ok = workflow_form_read(a, &f) == 0;
	/* Shown again, the form keeps as many rows as it had. */
	f.blank = f.n < NEW_ROWS ? NEW_ROWS - f.n : 0;
	if (!ok) {
		workflow_form_show(a, 422, &f);
		return;
	}
	in = (struct workflow_input){ f.name, f.prefix, f.rows, f.n };
	audit_watch(AUDIT_WORKFLOW, a->user.shop_id, 0, "workflow.new", 0);
	enum hm_rc rc = workflow_create(a->db, a->user.shop_id, &in, &id, &f.why);
	if (rc == HM_CONFLICT && f.why.message) {
		workflow_form_show(a, 422, &f);
		return;
	}
	if (rc != HM_OK && rc != HM_DUPLICATE) {
		web_fail(&a->w, rc);
		return;
	}
	web_redirect(&a->w, "/admin/workflows");
}
