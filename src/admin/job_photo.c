/* POST /admin/jobs/<id>/photo: changes one photo of the job between
 * private, customer-visible and design proof. A proof is always
 * customer-visible (the customer decides on it), so "make private" on a
 * proof also stops it being one; the page's buttons send exactly that. */
#include "admin.h"
#include "attachments.h"
#include "audit.h"

void do_job_photo(struct staff *a)
{
	const struct req *r = &a->w.req;
	const char *role = req_val(r, A_ROLE);
	int64_t aid = req_int(r, A_ATTACHMENT, 0);

	if (aid <= 0 || !role || req_invalid(r, A_IS_PUBLIC)) {
		web_error(&a->w, 400, _("That change was not understood"),
		    _("Nothing was changed. Go back, reload the page and try again."));
		return;
	}
	static const int carry[] = {A_ATTACHMENT, A_ROLE, A_IS_PUBLIC};
	if (req_int(r, A_IS_PUBLIC, 0) != 1 && admin_confirm(a, "jobs", _("Make this photo private?"),
	    _("The customer no longer sees it on their page; if it is a design proof, it stops being "
	    "one."), NULL, _("Make private"), carry, HM_NELEM(carry)))
		return;
	audit_watch_photo(AUDIT_JOB, a->user.shop_id, a->id, aid, "job.photo");
	enum hm_rc rc = attachment_set_job(a->db, a->user.shop_id, a->id, aid, role,
	    req_int(r, A_IS_PUBLIC, 0) == 1);
	admin_after(a, rc, "jobs", a->id);
}
