/* Move a job to another stage, with an optional note the customer may see.
 * A note that cannot be saved comes back on the job page, as typed. */

#include <stdio.h>

#include "admin.h"
#include "notify.h"

void do_job_stage(struct staff *a)
{
	const struct req *r = &a->w.req;
	int64_t stage = req_int(r, A_STAGE, 0);
	char why[512];

	if (req_invalid(r, A_NOTE)) {
		page_job_with(a, 422, "stage_error", req_message(r, A_NOTE, NULL, why, sizeof why));
		return;
	}
	if (!stage || req_invalid(r, A_NOTE_PUBLIC)) {
		page_job_with(a, 422, "stage_error", _("Choose the stage to move the job to."));
		return;
	}
	struct notify_env env;
	admin_notify_env(a, &env);
	enum hm_rc rc = job_set_stage(a->db, a->user.shop_id, a->id, stage, req_val(r, A_NOTE),
	    (int)req_int(r, A_NOTE_PUBLIC, 0), a->user.user_id, a->now, &env);
	/* A decision stage asks the customer to look at a design: without a
	 * proof there is nothing to look at, and staff are told so once. */
	int missing = 0;
	if (rc == HM_OK && job_decision_without_proof(a->db, a->user.shop_id, a->id, &missing)
	    == HM_OK && missing) {
		char path[80];
		snprintf(path, sizeof path, "/admin/jobs/%lld?show=no_proof", (long long)a->id);
		web_redirect(&a->w, path);
		return;
	}
	admin_after(a, rc, "jobs", a->id);
}
