/* Rotate a job's tracking ID: the old link stops resolving at once, the
 * job page shows the new one to send to the customer. */
#include "admin.h"
#include "audit.h"

void do_job_rotate(struct staff *a)
{
	char tid[TID_MAX];
	if (admin_confirm(a, "jobs", _("Replace the tracking link?"), _("The job gets a new tracking "
	    "ID at once. The link the customer has now stops working for good, and cannot be brought "
	    "back: you will need to send them the new one."), NULL, _("Replace the link"), NULL, 0))
		return;
	audit_watch(AUDIT_JOB, a->user.shop_id, a->id, "job.replace_link", 1);
	enum hm_rc rc = job_rotate(a->db, a->user.shop_id, a->id, a->user.user_id, a->now, tid);
	if (rc != HM_OK && rc != HM_DUPLICATE) {
		web_fail(&a->w, rc);
		return;
	}
	char path[64];
	snprintf(path, sizeof path, "/admin/jobs/%lld?show=rotated", (long long)a->id);
	web_redirect(&a->w, path);
}
