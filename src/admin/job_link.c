/* Revoke or restore a job's tracking link. A revoked link answers exactly
 * like an unknown one. */
#include <stdio.h>

#include "admin.h"

static void set_revoked(struct admin *a, int on)
{
	enum hm_rc rc = job_set_revoked(a->db, a->user.shop_id, a->id, on, a->user.user_id, a->now);
	/* Already in the wanted state: a double click is not an error. */
	if (rc != HM_OK && rc != HM_NOTFOUND) {
		web_fail(&a->w, rc);
		return;
	}
	admin_redirect_to(a, "jobs", a->id);
}

void do_job_revoke(struct admin *a)
{
	set_revoked(a, 1);
}

void do_job_unrevoke(struct admin *a)
{
	set_revoked(a, 0);
}
