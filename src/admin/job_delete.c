/* Delete or restore a job (soft delete: it leaves the list and its public
 * page, and can be brought back). */
#include <stdio.h>

#include "admin.h"

static void set_deleted(struct admin *a, int on)
{
	enum hm_rc rc = job_set_deleted(a->db, a->user.shop_id, a->id, on, a->user.user_id, a->now);
	if (rc != HM_OK && rc != HM_NOTFOUND) {
		web_fail(&a->w, rc);
		return;
	}
	admin_redirect_to(a, "jobs", a->id);
}

void do_job_delete(struct admin *a)
{
	set_deleted(a, 1);
}

void do_job_undelete(struct admin *a)
{
	set_deleted(a, 0);
}
