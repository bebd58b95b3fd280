/* The shop's job list: filter by stage, search, sort, pages; each row
 * says what needs doing (overdue, waiting on the customer, new messages). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "phone.h"

#define PER_PAGE 25

static void add_stage_filter(struct staff *a, struct tctx *c, const char *current)
{
	struct workflow_list wl = {0};
	if (workflow_list(a->db, a->user.shop_id, &wl) != HM_OK)
		return;
	/* One entry per stage code: "ready" filters every workflow's ready stage. */
	struct buf seen = {0};
	buf_putc(&seen, ' ');
	for (size_t w = 0; w < wl.n; w++) {
		struct stage_list sl = {0};
		if (stage_list(a->db, wl.v[w].id, &sl) != HM_OK)
			continue;
		for (size_t i = 0; i < sl.n; i++) {
			char *needle = xasprintf(" %s ", sl.v[i].code);
			if (!strstr(seen.data, needle)) {
				buf_printf(&seen, "%s ", sl.v[i].code);
				struct tctx *it = tctx_add_item(c, "filters");
				tctx_set(it, "code", sl.v[i].code);
				tctx_set(it, "label", stage_own_text(lang_current(), STAGE_LABEL,
				    sl.v[i].label));
				tctx_set_bool(it, "selected", current && !strcmp(current, sl.v[i].code));
			}
			free(needle);
		}
		stage_list_free(&sl);
	}
	buf_free(&seen);
	workflow_list_free(&wl);
}

void page_jobs(struct staff *a)
{
	const char *filter = req_val(&a->w.req, A_FILTER);
	const char *q = req_val(&a->w.req, A_Q);
	const char *show = req_val(&a->w.req, A_SHOW);
	const char *sort = req_val(&a->w.req, A_SORT);
	int deleted = show && !strcmp(show, "deleted");
	char phone[PHONE_MAX], today[11];
	int64_t page = req_int(&a->w.req, A_PAGE, 1);
	struct job_list jl = {0};
	char when[64];
	struct shop shop = {0};

	if (filter && !*filter)
		filter = NULL;
	if (!sort || !*sort)
		sort = "booked";
	enum hm_rc rc = shop_get(a->db, a->user.shop_id, &shop);
	if (rc == HM_OK) {
		/* A phone number however it is typed: "07700 900101" finds the
		 * "+447700900101" the book-in stored, by the shop's country. */
		struct job_query jq = {.stage_code = filter, .q = q, .sort = sort,
		    .show_deleted = deleted};
		if (q && *q && phone_normalise(q, phone_country_or_zone(shop.phone_country,
		    shop.timezone), phone) == 0)
			jq.phone = phone;
		rc = job_list(a->db, a->user.shop_id, &jq, (size_t)(page - 1) * PER_PAGE, PER_PAGE, &jl);
	}
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	struct tctx *c = admin_ctx(a, deleted ? _("Deleted jobs") : _("Jobs"), "jobs");
	tctx_set(c, "q", q);
	tctx_set(c, "filter", filter);
	tctx_set_bool(c, "show_deleted", deleted);
	tctx_set(c, "show", deleted ? "deleted" : NULL);
	tctx_set(c, "sort", sort);
	{
		char key[32];
		snprintf(key, sizeof key, "sort_%s", sort);
		tctx_set_bool(c, key, 1);
	}
	add_stage_filter(a, c, filter);
	today_iso(a->now, shop.timezone, today);
	for (size_t i = 0; i < jl.n; i++) {
		const struct job *j = &jl.v[i];
		struct tctx *it = tctx_add_item(c, "jobs");
		tctx_set_int(it, "id", j->id);
		tctx_set(it, "tracking_id", j->tracking_id);
		tctx_set_int(it, "number", j->number);
		tctx_set(it, "customer_name", j->customer_name);
		tctx_set(it, "item_type", j->item_type);
		tctx_set(it, "stage_label", stage_own_text(lang_current(), STAGE_LABEL, j->stage.label));
		/* What the customer did that staff must act on. */
		if (!strcmp(j->decision, "approved"))
			tctx_set(it, "decision", _("Design approved by customer"));
		else if (!strcmp(j->decision, "changes"))
			tctx_set(it, "decision", _("Customer asked for changes"));
		if (j->unread)
			tctx_setf(it, "unread", P_("%d new message", "%d new messages", (unsigned long)j->unread),
			    j->unread);
		tctx_set(it, "accent", j->stage.flags & STAGE_CANCELLED ? "cancelled"
		    : j->stage.flags & (STAGE_READY | STAGE_FINAL) ? "done" : "progress");
		fmt_time(j->created_at, shop.timezone, when, sizeof when);
		tctx_set(it, "booked_in", when);
		if (*j->due_date) {
			fmt_date(j->due_date, DATE_SHORT, when, sizeof when);
			tctx_set(it, "due_date", when);
		}
		tctx_set_bool(it, "revoked", j->revoked_at != 0);
		int open = !(j->stage.flags & (STAGE_READY | STAGE_FINAL | STAGE_CANCELLED));
		tctx_set_bool(it, "overdue", open && *j->due_date && strcmp(j->due_date, today) < 0);
		tctx_set_bool(it, "waiting", (j->stage.flags & STAGE_DECISION) && !*j->decision);
		tctx_set_bool(it, "link_expired", admin_link_expired(j, &shop, a->now));
	}
	admin_paging(c, jl.total, page, PER_PAGE);
	web_page(&a->w, 200, "admin_jobs", c);
	tctx_free(c);
out:
	job_list_free(&jl);
	shop_free(&shop);
}
