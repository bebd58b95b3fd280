/* Edit a job's fields. */
#include <stdio.h>

#include "admin.h"
#include "audit.h"

static void edit_form(struct staff *a, int status, struct tctx *c, const char *channel,
    const char *language)
{
	job_form_channels(a, c, channel);
	job_form_languages(a, c, language);
	char action[64];
	snprintf(action, sizeof action, "/admin/jobs/%lld/edit", (long long)a->id);
	tctx_set(c, "action", action);
	tctx_set_int(c, "id", a->id);
	/* The brief and budget for a commission, or a job that has them. */
	struct job j = {0};
	if (job_get(a->db, a->user.shop_id, a->id, &j) == HM_OK)
		tctx_set_bool(c, "show_commission", job_form_commission(a, j.workflow_id) ||
		    *j.design_brief || j.has_budget || (req_val(&a->w.req, A_DESIGN_BRIEF) &&
		    *req_val(&a->w.req, A_DESIGN_BRIEF)) || (req_val(&a->w.req, A_BUDGET) &&
		    *req_val(&a->w.req, A_BUDGET)));
	job_free(&j);
	web_page(&a->w, status, "admin_job_form", c);
}

void page_job_edit(struct staff *a)
{
	struct job j = {0};
	enum hm_rc rc = job_get(a->db, a->user.shop_id, a->id, &j);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	struct tctx *c = admin_ctx(a, _("Edit job"), "jobs");
	tctx_set(c, "tracking_id", j.tracking_id);
	job_form_fill(c, &j);
	edit_form(a, 200, c, j.notify_channel, j.language);
	tctx_free(c);
	job_free(&j);
}

void do_job_edit(struct staff *a)
{
	struct job_fields f = {0};
	struct job j = {0};
	struct tctx *c = NULL;
	enum hm_rc rc = job_get(a->db, a->user.shop_id, a->id, &j);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	c = admin_ctx(a, _("Edit job"), "jobs");
	tctx_set(c, "tracking_id", j.tracking_id);
	if (job_form_read(a, &f, c) != 0) {
		job_form_refill(a, c);
		edit_form(a, 422, c, req_val(&a->w.req, A_NOTIFY_CHANNEL),
		    req_shown(&a->w.req, A_CUSTOMER_LANGUAGE));
		goto out;
	}
	/* A form without the field (an older page, a script) leaves it be. */
	if (!req_present(&a->w.req, A_CUSTOMER_LANGUAGE))
		f.language = j.language;
	audit_watch(AUDIT_JOB, a->user.shop_id, a->id, "job.edit", 0);
	rc = job_update(a->db, a->user.shop_id, a->id, &f, a->user.user_id, a->now);
	if (rc == HM_OK || rc == HM_DUPLICATE)
		admin_redirect_show(a, "jobs", a->id, "saved");
	else
		web_fail(&a->w, rc);
out:
	tctx_free(c);
	job_free(&j);
}
