/* Book a job in: the form, and saving it (which mints the tracking ID). */
#include <string.h>

#include "admin.h"
#include "audit.h"
#include "notify.h"

/* The kinds of job to choose from; those taking a brief and budget are
 * marked (the page's script shows that section for them only) and named
 * in the section's note for a browser without the script. */
static void add_workflows(struct staff *a, struct tctx *c, int64_t selected)
{
	struct workflow_list wl = {0};
	struct buf names = {0};
	if (workflow_list(a->db, a->user.shop_id, &wl) != HM_OK)
		return;
	for (size_t i = 0; i < wl.n; i++) {
		struct tctx *it = tctx_add_item(c, "workflows");
		tctx_set_int(it, "id", wl.v[i].id);
		tctx_set(it, "name", wl.v[i].name);
		tctx_set(it, "prefix", wl.v[i].prefix);
		tctx_set_bool(it, "selected", selected ? wl.v[i].id == selected : i == 0);
		if (job_form_commission(a, wl.v[i].id)) {
			tctx_set_bool(it, "commission", 1);
			buf_printf(&names, "%s%s", names.len ? ", " : "", wl.v[i].name);
		}
	}
	if (names.len) {
		tctx_set_bool(c, "show_commission", 1);
		tctx_set(c, "commission_names", names.data);
	}
	buf_free(&names);
	workflow_list_free(&wl);
}

static void new_form(struct staff *a, int status, struct tctx *c, int64_t wf)
{
	add_workflows(a, c, wf);
	job_form_channels(a, c, status == 200 ? NULL : req_val(&a->w.req, A_NOTIFY_CHANNEL));
	job_form_languages(a, c, status == 200 ? NULL : req_shown(&a->w.req, A_CUSTOMER_LANGUAGE));
	tctx_set(c, "action", "/admin/jobs/new");
	tctx_set_bool(c, "is_new", 1);
	web_page(&a->w, status, "admin_job_form", c);
}

void page_job_new(struct staff *a)
{
	struct tctx *c = admin_ctx(a, _("Book in a job"), "new");
	new_form(a, 200, c, 0);
	tctx_free(c);
}

void do_job_new(struct staff *a)
{
	struct job_fields f = {0};
	int64_t id = 0, wf = req_int(&a->w.req, A_WORKFLOW, 0);
	struct tctx *c = admin_ctx(a, _("Book in a job"), "new");

	if (job_form_read(a, &f, c) != 0 || !wf) {
		if (!wf)
			tctx_set(c, "error", _("Choose what kind of job this is."));
		job_form_refill(a, c);
		new_form(a, 422, c, wf);
		goto out;
	}
	struct notify_env env;
	admin_notify_env(a, &env);
	audit_watch(AUDIT_JOB, a->user.shop_id, 0, "job.new", 0);
	enum hm_rc rc = job_create(a->db, a->user.shop_id, wf, &f, a->user.user_id, a->now, &env, &id);
	if (rc == HM_DUPLICATE)
		id = db_form_prior();	/* booked in by the first click */
	else if (rc == HM_NOTFOUND)
		rc = HM_CONFLICT;	/* a workflow that is not this shop's */
	if (rc != HM_OK && rc != HM_DUPLICATE) {
		web_fail(&a->w, rc);
		goto out;
	}
	/* The page after booking in offers the slip and the link. */
	char path[64];
	snprintf(path, sizeof path, "/admin/jobs/%lld?show=booked", (long long)id);
	web_redirect(&a->w, path);
out:
	tctx_free(c);
}
