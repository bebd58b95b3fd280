/* Revoke or restore a job's tracking link. A revoked link answers exactly
 * like an unknown one. */

#include "admin.h"
#include "audit.h"

static void set_revoked(struct staff *a, int on)
{
	audit_watch(AUDIT_JOB, a->user.shop_id, a->id, on ? "job.revoke" : "job.unrevoke", 0);
	enum hm_rc rc = job_set_revoked(a->db, a->user.shop_id, a->id, on, a->user.user_id, a->now);
	/* Already in the wanted state: a double click is not an error. */
	admin_after(a, rc == HM_NOTFOUND ? HM_OK : rc, "jobs", a->id);
}

void do_job_revoke(struct staff *a)
{
	set_revoked(a, 1);
}

void do_job_unrevoke(struct staff *a)
{
	set_revoked(a, 0);
}
