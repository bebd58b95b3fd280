/* The workflow form shared by new and edit: its stage rows in from the
 * request and out to the page, with what the model said was wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

static const struct flag_param {
	enum stage_row_param p;
	int flag;
	const char *name;	/* the row's template key */
} flag_params[] = {
	{SR_READY, STAGE_READY, "ready"},
	{SR_FINAL, STAGE_FINAL, "final"},
	{SR_CANCELLED, STAGE_CANCELLED, "cancelled"},
	{SR_DECISION, STAGE_DECISION, "decision"},
	{SR_NOTIFY, STAGE_NOTIFY, "notify"},
};

/* The first problem found names the row and field; its sentence comes
 * from the request layer (too long, a character that cannot be saved, a
 * value not allowed). */
static int bad(struct workflow_form *f, const struct req *r, size_t idx, size_t row,
    const char *field)
{
	if (!f->why.message) {
		f->why.message = req_message(r, idx, NULL, f->msg, sizeof f->msg);
		f->why.row = row;
		f->why.field = field;
	}
	return -1;
}

/* Puts the rows in the order their position fields ask for; a row
 * without one keeps its place, and equal positions keep the page's order
 * (a stable insertion sort over at most 24 rows). */
static void reorder(const struct req *r, struct workflow_form *f)
{
	int64_t key[WORKFLOW_MAX_STAGES];
	for (size_t i = 0; i < f->n; i++)
		key[i] = req_int(r, A_STAGE_ROW(i + 1) + SR_POSITION, (int64_t)i + 1) * 64 + (int64_t)i;
	for (size_t i = 1; i < f->n; i++) {
		struct stage_input row = f->rows[i];
		int64_t k = key[i];
		size_t j = i;
		for (; j > 0 && key[j - 1] > k; j--) {
			f->rows[j] = f->rows[j - 1];
			key[j] = key[j - 1];
		}
		f->rows[j] = row;
		key[j] = k;
	}
}

int workflow_form_read(struct staff *a, struct workflow_form *f)
{
	const struct req *r = &a->w.req;
	int rc = 0;

	f->name = req_shown(r, A_NAME);
	f->prefix = req_shown(r, A_PREFIX);
	if (req_invalid(r, A_NAME))
		rc = bad(f, r, A_NAME, 0, "name");
	if (req_invalid(r, A_PREFIX))
		rc = bad(f, r, A_PREFIX, 0, "prefix");
	/* Every row on the page sends its label, even empty: the last row
	 * sent is the number of rows the page had. */
	f->n = 0;
	for (size_t n = 1; n <= WORKFLOW_MAX_STAGES; n++) {
		struct stage_input *row = &f->rows[n - 1];
		int any = 0;
		memset(row, 0, sizeof *row);
		for (size_t k = 0; k < SR_COUNT; k++) {
			size_t idx = A_STAGE_ROW(n) + k;
			if (req_present(r, idx))
				any = 1;
			if (req_invalid(r, idx))
				rc = bad(f, r, idx, n, k == SR_LABEL ? "label" : k == SR_DESCRIPTION
				    ? "description" : k == SR_NEXT_STEP ? "next_step" : k == SR_ID ||
				    k == SR_POSITION ? "stages" : "flags");
		}
		if (!any)
			continue;
		f->n = n;
		row->id = req_int(r, A_STAGE_ROW(n) + SR_ID, 0);
		row->label = req_shown(r, A_STAGE_ROW(n) + SR_LABEL);
		row->description = req_shown(r, A_STAGE_ROW(n) + SR_DESCRIPTION);
		row->next_step = req_shown(r, A_STAGE_ROW(n) + SR_NEXT_STEP);
		for (size_t k = 0; k < HM_NELEM(flag_params); k++)
			if (req_int(r, A_STAGE_ROW(n) + flag_params[k].p, 0))
				row->flags |= flag_params[k].flag;
		row->remove = req_int(r, A_STAGE_ROW(n) + SR_REMOVE, 0) != 0;
	}
	if (rc == 0)
		reorder(r, f);
	f->blank = 0;
	return rc;
}

/* "3 jobs here now", or why the stage is still needed, for the row's tag. */
static void use_text(char *out, size_t n, const struct stage_use *u)
{
	if (u->jobs_in)
		snprintf(out, n, P_("%lld job here now", "%lld jobs here now", (unsigned long)u->jobs_in),
		    (long long)u->jobs_in);
	else if (u->jobs_through)
		snprintf(out, n, P_("in the timeline of %lld job", "in the timeline of %lld jobs",
		    (unsigned long)u->jobs_through), (long long)u->jobs_through);
	else
		out[0] = '\0';
}

void workflow_form_show(struct staff *a, int status, const struct workflow_form *f)
{
	struct stage_list cur = {0};
	struct stage_use *use = NULL;
	struct tctx *c = NULL;
	char action[64], tag[64];
	enum hm_rc rc;

	if (f->id) {
		/* Codes and usage come from the stages as they are now. */
		if ((rc = stage_list(a->db, f->id, &cur)) == HM_OK) {
			use = xcalloc(cur.n + 1, sizeof *use);
			rc = stage_usage(a->db, a->user.shop_id, f->id, &cur, use);
		}
		if (rc != HM_OK) {
			web_fail(&a->w, rc);
			goto out;
		}
	}
	c = admin_ctx(a, f->id ? _("Edit workflow") : _("New workflow"), "workflows");
	if (f->id) {
		snprintf(action, sizeof action, "/admin/workflows/%lld", (long long)f->id);
		tctx_set_int(c, "id", f->id);
	} else {
		snprintf(action, sizeof action, "/admin/workflows/new");
		tctx_set_bool(c, "is_new", 1);
	}
	tctx_set(c, "action", action);
	if (f->id) {
		/* The stages' own wording is in the shop's default language;
		 * the others are a page each (workflow_texts.c). */
		struct shop shop = {0};
		if (shop_get(a->db, a->user.shop_id, &shop) == HM_OK) {
			tctx_set(c, "shop_lang_name", lang_name(admin_shop_lang(&shop)));
			admin_languages(c, "other_languages", NULL, admin_shop_lang(&shop)->code);
		}
		shop_free(&shop);
	}
	/* The rows' limits, from the parameter table like every other field's. */
	tctx_set_int(c, "max_stage_label", (long long)admin_params[A_STAGE_ROW(1) + SR_LABEL].maxlen);
	tctx_set_int(c, "max_stage_description",
	    (long long)admin_params[A_STAGE_ROW(1) + SR_DESCRIPTION].maxlen);
	tctx_set_int(c, "max_stage_next_step",
	    (long long)admin_params[A_STAGE_ROW(1) + SR_NEXT_STEP].maxlen);
	tctx_set(c, "f_name", f->name);
	tctx_set(c, "f_prefix", f->prefix);
	if (f->why.message) {
		tctx_set(c, "error", f->why.message);
		if (f->why.row)
			tctx_setf(c, "error_where", _("See stage %zu below."), f->why.row);
		if (!f->why.row && f->why.field && !strcmp(f->why.field, "name"))
			tctx_set(c, "e_name", f->why.message);
		if (!f->why.row && f->why.field && !strcmp(f->why.field, "prefix"))
			tctx_set(c, "e_prefix", f->why.message);
	}
	tctx_set_int(c, "max_stages", WORKFLOW_MAX_STAGES);
	size_t total = f->n + f->blank > WORKFLOW_MAX_STAGES ? WORKFLOW_MAX_STAGES : f->n + f->blank;
	for (size_t i = 0; i < total; i++) {
		static const struct stage_input empty = {0};
		const struct stage_input *row = i < f->n ? &f->rows[i] : &empty;
		struct tctx *it = tctx_add_item(c, "rows");
		tctx_set_int(it, "n", (long long)(i + 1));
		if (row->id) {
			tctx_set_int(it, "stage_id", row->id);
			for (size_t k = 0; k < cur.n; k++) {
				if (cur.v[k].id != row->id)
					continue;
				tctx_set(it, "code", cur.v[k].code);
				use_text(tag, sizeof tag, &use[k]);
				tctx_set(it, "in_use", *tag ? tag : NULL);
			}
		}
		tctx_set(it, "label", row->label);
		tctx_set(it, "description", row->description);
		tctx_set(it, "next_step", row->next_step);
		for (size_t k = 0; k < HM_NELEM(flag_params); k++)
			tctx_set_bool(it, flag_params[k].name, (row->flags & flag_params[k].flag) != 0);
		tctx_set_bool(it, "remove", row->remove);
		if (f->why.message && f->why.row == i + 1) {
			tctx_set(it, "row_error", f->why.message);
			if (f->why.field && !strcmp(f->why.field, "label"))
				tctx_set_bool(it, "e_label", 1);
		}
	}
	web_page(&a->w, status, "admin_workflow_form", c);
out:
	tctx_free(c);
	stage_list_free(&cur);
	free(use);
}
