/* Move a job to another stage, with an optional note the customer may see. */
#include <stdio.h>

#include "admin.h"

void do_job_stage(struct staff *a)
{
	int64_t stage = req_int(&a->w.req, A_STAGE, 0);
	const char *note = req_val(&a->w.req, A_NOTE);
	int pub = (int)req_int(&a->w.req, A_NOTE_PUBLIC, 0);

	if (!stage || req_invalid(&a->w.req, A_NOTE_PUBLIC)) {
		web_error(&a->w, 400, "Choose a stage", "Go back and choose the stage to move the job to.");
		return;
	}
	enum hm_rc rc = job_set_stage(a->db, a->user.shop_id, a->id, stage, note, pub,
	    a->user.user_id, a->now);
	admin_after(a, rc, "jobs", a->id);
}
