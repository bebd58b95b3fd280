/* A staff reply on a job's message thread; the customer sees it on the
 * next load of their page (or within 30 seconds with JavaScript). */
#include <stdio.h>

#include "admin.h"
#include "messages.h"
#include "notify.h"

void do_job_message(struct staff *a)
{
	const struct req *r = &a->w.req;
	const char *body = req_val(r, A_BODY);
	char why[512];
	if (req_invalid(r, A_BODY) || !msg_body_ok(body)) {
		/* Re-show the job page with the text kept, never lose a reply. */
		page_job_with(a, 422, "msg_error", req_message(r, A_BODY, NULL, why, sizeof why)
		    ? why : _("Write your reply first."));
		return;
	}
	struct notify_env env;
	admin_notify_env(a, &env);
	enum hm_rc rc = msg_post_staff(a->db, a->user.shop_id, a->id, a->user.user_id, body, a->now,
	    &env);
	if (rc == HM_NOTFOUND) {
		web_fail(&a->w, rc);
		return;
	}
	if (rc != HM_OK && rc != HM_DUPLICATE) {
		page_job_with(a, rc == HM_BUSY ? 503 : 500, "msg_error",
		    _("Your reply could not be sent just now. Please try again."));
		return;
	}
	char path[64];
	snprintf(path, sizeof path, "/admin/jobs/%lld?show=sent", (long long)a->id);
	web_redirect(&a->w, path);
}
