/* What staff see of the outbox on a job's or a passport's page: each
 * notification, when, by which channel, and how it went; and the "send
 * again" actions. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "notify.h"

static const char *kind_label(const char *kind)
{
	static const char *const labels[][2] = {
		{"booked_in", N_("Tracking link")}, {"stage", N_("Stage update")},
		{"ready", N_("Ready to collect")}, {"design_review", N_("Design ready to review")},
		{"staff_reply", N_("Your reply")}, {"passport", N_("Passport")},
		{"staff_alert", N_("Staff alert")},
	};
	for (size_t i = 0; i < HM_NELEM(labels); i++)
		if (!strcmp(kind, labels[i][0]))
			return _(labels[i][1]);
	return kind;
}

void notifications_fill(struct staff *a, struct tctx *c, int64_t job_id, int64_t passport_id)
{
	struct notification_list l = {0};
	struct shop shop = {0};
	char when[64];
	if (shop_get(a->db, a->user.shop_id, &shop) != HM_OK ||
	    notification_list(a->db, a->user.shop_id, job_id, passport_id, &l) != HM_OK)
		goto out;
	for (size_t i = 0; i < l.n; i++) {
		const struct notification *n = &l.v[i];
		struct tctx *it = tctx_add_item(c, "notifications");
		tctx_set(it, "what", kind_label(n->kind));
		tctx_set(it, "channel", !strcmp(n->channel, "sms") ? _("Text message") : _("Email"));
		tctx_set(it, "recipient", n->recipient);
		fmt_time((time_t)n->created_at, shop.timezone, when, sizeof when);
		tctx_set(it, "queued", when);
		tctx_set(it, "state", n->state);
		if (n->sent_at) {
			fmt_time((time_t)n->sent_at, shop.timezone, when, sizeof when);
			tctx_set(it, "sent", when);
		}
		if (!strcmp(n->state, "queued") && n->attempts) {
			fmt_time((time_t)n->next_at, shop.timezone, when, sizeof when);
			tctx_set(it, "retry", when);
		}
		tctx_set(it, "error", *n->last_error ? n->last_error : NULL);
		tctx_set_int(it, "attempts", n->attempts);
	}
out:
	notification_list_free(&l);
	shop_free(&shop);
}

void do_job_notify(struct staff *a)
{
	struct notify_env env;
	int queued = 0;
	char path[96];
	admin_notify_env(a, &env);
	enum hm_rc rc = notify_send_now(a->db, a->user.shop_id, a->id, 0, NK_BOOKED_IN, &env,
	    &queued);
	if (rc != HM_OK && rc != HM_DUPLICATE) {
		web_fail(&a->w, rc);
		return;
	}
	snprintf(path, sizeof path, "/admin/jobs/%lld?show=%s#notifications", (long long)a->id,
	    queued || rc == HM_DUPLICATE ? "queued" : "not_queued");
	web_redirect(&a->w, path);
}

void do_passport_notify(struct staff *a)
{
	struct notify_env env;
	int queued = 0;
	char path[96];
	admin_notify_env(a, &env);
	enum hm_rc rc = notify_send_now(a->db, a->user.shop_id, 0, a->id, NK_PASSPORT, &env,
	    &queued);
	if (rc != HM_OK && rc != HM_DUPLICATE) {
		web_fail(&a->w, rc);
		return;
	}
	snprintf(path, sizeof path, "/admin/passports/%lld?show=%s#notifications", (long long)a->id,
	    queued || rc == HM_DUPLICATE ? "queued" : "not_queued");
	web_redirect(&a->w, path);
}
