/* Delete or restore a job (soft delete: it leaves the list and its public
 * page, and can be brought back). */

#include "admin.h"
#include "audit.h"

static void set_deleted(struct staff *a, int on)
{
	audit_watch(AUDIT_JOB, a->user.shop_id, a->id, on ? "job.delete" : "job.undelete", 0);
	enum hm_rc rc = job_set_deleted(a->db, a->user.shop_id, a->id, on, a->user.user_id, a->now);
	/* Already in the wanted state: a double click is not an error. */
	admin_after(a, rc == HM_NOTFOUND ? HM_OK : rc, "jobs", a->id);
}

void do_job_delete(struct staff *a)
{
	if (admin_confirm(a, "jobs", _("Delete this job?"), _("It leaves the job list, and the "
	    "customer's page shows “not found”. You can restore it from the deleted jobs."), NULL,
	    _("Delete job"), NULL, 0))
		return;
	set_deleted(a, 1);
}

void do_job_undelete(struct staff *a)
{
	set_deleted(a, 0);
}
