/* Move a job to another stage, with an optional note the customer may see.
 * A note that cannot be saved comes back on the job page, as typed. */

#include <stdio.h>

#include "admin.h"
#include "audit.h"
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
	audit_watch(AUDIT_JOB, a->user.shop_id, a->id, "job.stage", 0);
	const char *note = req_val(r, A_NOTE);
	enum hm_rc rc = job_set_stage(a->db, a->user.shop_id, a->id, stage, note,
	    (int)req_int(r, A_NOTE_PUBLIC, 0), a->user.user_id, a->now, &env);
	if (rc == HM_CONFLICT && note && *note) {
		/* The note is not lost: it comes back in the form. */
		page_job_with(a, 422, "stage_error", _("The job is in this stage already, so nothing "
		    "was saved. Choose another stage, or send the note to the customer as a reply."));
		return;
	}
	if (rc == HM_CONFLICT) {
		admin_redirect_show(a, "jobs", a->id, "unchanged");
		return;
	}
	if (rc != HM_OK && rc != HM_DUPLICATE) {
		web_fail(&a->w, rc);
		return;
	}
	/* A decision stage asks the customer to look at a design: without a
	 * proof there is nothing to look at, and staff are told so once. */
	int missing = 0;
	if (job_decision_without_proof(a->db, a->user.shop_id, a->id, &missing) == HM_OK && missing)
		admin_redirect_show(a, "jobs", a->id, "no_proof");
	else
		admin_redirect_show(a, "jobs", a->id, "moved");
}
