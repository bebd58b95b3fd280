/* The workflow editor's model: a shop's own workflows, and changes to the
 * stages of any of its workflows. Each change is checked whole before it
 * is written and written in one BEGIN IMMEDIATE transaction, so a bad row
 * leaves the workflow exactly as it was. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "utf8.h"
#include "util.h"

/* Stage codes name stages in the job list's filter (a v_word parameter of
 * at most 40 characters) and never change once made. */
#define CODE_MAX 32
#define CODE_BUF (CODE_MAX + 8)	/* room for a "_100" suffix */
#define FLAGS_ALL (STAGE_READY | STAGE_FINAL | STAGE_CANCELLED | STAGE_DECISION | STAGE_NOTIFY)

/* One stage of the workflow as it will be after the change. */
struct plan {
	int64_t id;		/* 0: a new stage */
	const char *label, *description, *next_step;
	int flags;
	size_t row;		/* its input row (1-based), 0 when no row mentions it */
};

static enum hm_rc refuse(struct workflow_refusal *why, size_t row, const char *field,
    const char *message)
{
	why->message = message;
	why->row = row;
	why->field = field;
	return HM_CONFLICT;
}

static int blank(const char *s)
{
	return !s || !*s;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* A new row left empty is not a stage: the form always offers a few. */
static int row_empty(const struct stage_input *r)
{
	return !r->id && blank(r->label) && blank(r->description) && blank(r->next_step) &&
	    !r->flags;
}

/* Lengths count characters, as the form and the request layer do. */
static size_t chars(const char *s)
{
	return utf8_chars(s, strlen(s));
}

static enum hm_rc check_name(const char *name, struct workflow_refusal *why)
{
	if (blank(name))
		return refuse(why, 0, "name", _("Give the workflow a name, such as Vehicle wraps."));
	if (chars(name) > WORKFLOW_NAME_MAX)
		return refuse(why, 0, "name", _("That name is too long."));
	return HM_OK;
}

/* Three capitals, and none that tid_parse reads as a digit once past the
 * prefix (O as 0, I and L as 1): customers who learn that the ID forgives
 * those would otherwise type 0 and 1 in the prefix too and be told their
 * order does not exist. */
static enum hm_rc check_prefix(const char *p, struct workflow_refusal *why)
{
	if (blank(p))
		return refuse(why, 0, "prefix",
		    _("Choose a three-letter prefix for tracking IDs, such as WRP."));
	if (strlen(p) != 3 || strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
		return refuse(why, 0, "prefix",
		    _("Use exactly three capital letters A to Z, such as WRP."));
	if (strpbrk(p, "ILO"))
		return refuse(why, 0, "prefix",
		    _("Leave out I, L and O: in a tracking ID customers read them as 1 and 0."));
	return HM_OK;
}

/* What can be checked of each row without the database. */
static enum hm_rc check_rows(const struct workflow_input *in, struct workflow_refusal *why)
{
	for (size_t i = 0; i < in->n; i++) {
		const struct stage_input *r = &in->stages[i];
		if (r->remove || row_empty(r))
			continue;
		if (blank(r->label))
			return refuse(why, i + 1, "label", r->id
			    ? _("Give this stage a name customers will see, or tick Remove.")
			    : _("Give this stage a name customers will see, or leave the row empty."));
		if (chars(r->label) > STAGE_LABEL_MAX)
			return refuse(why, i + 1, "label", _("That name is too long."));
		if (chars(or_empty(r->description)) > STAGE_TEXT_MAX)
			return refuse(why, i + 1, "description", _("That text is too long."));
		if (chars(or_empty(r->next_step)) > STAGE_TEXT_MAX)
			return refuse(why, i + 1, "next_step", _("That text is too long."));
		if (r->flags & ~FLAGS_ALL)
			return refuse(why, i + 1, "flags", _("Those stage flags are not known."));
	}
	return HM_OK;
}

/* The rules for the workflow as it will be: jobs are booked into its first
 * stage, and customers tell stages apart by their names. */
static enum hm_rc check_plan(const struct plan *p, size_t n, struct workflow_refusal *why)
{
	int open = 0;
	if (n == 0)
		return refuse(why, 0, "stages", _("A workflow needs at least one stage."));
	if (n > WORKFLOW_MAX_STAGES)
		return refuse(why, 0, "stages", _("A workflow can have at most 24 stages."));
	for (size_t i = 0; i < n; i++)
		if (!(p[i].flags & STAGE_CANCELLED))
			open = 1;
	if (!open)
		return refuse(why, p[0].row, "flags",
		    _("A workflow needs at least one stage that is not a cancelled one."));
	if (p[0].flags & STAGE_CANCELLED)
		return refuse(why, p[0].row, "flags",
		    _("New jobs start in the first stage, so it cannot be a cancelled one."));
	for (size_t i = 1; i < n; i++)
		for (size_t k = 0; k < i; k++)
			if (!strcasecmp(p[i].label, p[k].label))
				return refuse(why, p[i].row ? p[i].row : p[k].row, "label",
				    _("Two stages have this name: customers could not tell them apart."));
	return HM_OK;
}

/* The label's letters and digits, lowercased, words joined by '_'. */
static void slug(const char *label, char out[CODE_MAX + 1])
{
	size_t k = 0;
	int gap = 0;
	for (const unsigned char *p = (const unsigned char *)label; *p; p++) {
		int c = *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			gap = 1;
			continue;
		}
		if (k + (gap && k) + 1 > CODE_MAX)
			break;
		if (gap && k)
			out[k++] = '_';
		out[k++] = (char)c;
		gap = 0;
	}
	out[k] = '\0';
	if (!k)
		snprintf(out, CODE_MAX + 1, "stage");
}

/* A code for a new stage, made once from its label and unique within the
 * workflow; renaming the stage later keeps it. */
static enum hm_rc unique_code(sqlite3 *db, int64_t wf, const char *label, char out[CODE_BUF])
{
	char base[CODE_MAX + 1];
	enum hm_rc rc = HM_ERR;
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM stages WHERE workflow_id = ? AND code = ?");
	if (!st)
		return HM_ERR;
	slug(label, base);
	for (unsigned i = 1; i <= 100; i++) {
		if (i == 1)
			snprintf(out, CODE_BUF, "%s", base);
		else
			snprintf(out, CODE_BUF, "%s_%u", base, i);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, wf);
		sqlite3_bind_text(st, 2, out, -1, SQLITE_TRANSIENT);
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE) {
			rc = HM_OK;
			break;
		}
		if (s != SQLITE_ROW) {
			rc = db_rc(db, s, "stage code");
			break;
		}
	}
	if (rc == HM_ERR)
		log_err("no free stage code for workflow %lld", (long long)wf);
	sqlite3_finalize(st);
	return rc;
}

static enum hm_rc insert_stages(sqlite3 *db, int64_t wf, int first_position,
    const struct plan *p, size_t n)
{
	enum hm_rc rc = HM_OK;
	char code[CODE_BUF];
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO stages(workflow_id, position, code, label, "
	    "description, next_step, flags) VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return HM_ERR;
	/* A new stage takes its place in the plan: p[i] goes to position
	 * first_position + i. */
	for (size_t i = 0; i < n && rc == HM_OK; i++) {
		if (p[i].id)
			continue;
		int64_t pos = first_position + (int64_t)i;
		if ((rc = unique_code(db, wf, p[i].label, code)) != HM_OK)
			break;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, wf);
		sqlite3_bind_int64(st, 2, pos);
		sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
		db_bind_str(st, 4, p[i].label);
		db_bind_str(st, 5, p[i].description);
		db_bind_str(st, 6, p[i].next_step);
		sqlite3_bind_int(st, 7, p[i].flags);
		rc = db_rc(db, sqlite3_step(st), "stage insert");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Orders plans by their input row. */
static int by_row(const void *a, const void *b)
{
	const struct plan *x = a, *y = b;
	return (x->row > y->row) - (x->row < y->row);
}

/* The rows that add stages, in the order typed. */
static size_t plan_new(const struct workflow_input *in, struct plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < in->n; i++) {
		const struct stage_input *r = &in->stages[i];
		if (r->id || r->remove || row_empty(r))
			continue;
		p[n++] = (struct plan){ 0, r->label, or_empty(r->description),
		    or_empty(r->next_step), r->flags, i + 1 };
	}
	return n;
}

enum hm_rc workflow_create(sqlite3 *db, int64_t shop_id, const struct workflow_input *in,
    int64_t *id, struct workflow_refusal *why)
{
	struct plan *plan = xcalloc(in->n + 1, sizeof *plan);
	sqlite3_stmt *st = NULL;
	enum hm_rc rc;
	size_t n;
	int began = 0, s;

	memset(why, 0, sizeof *why);
	if ((rc = check_name(in->name, why)) != HM_OK ||
	    (rc = check_prefix(in->prefix, why)) != HM_OK ||
	    (rc = check_rows(in, why)) != HM_OK)
		goto out;
	for (size_t i = 0; i < in->n; i++)
		if (in->stages[i].id) {
			rc = refuse(why, i + 1, "stages", _("A new workflow has no stages to change yet."));
			goto out;
		}
	n = plan_new(in, plan);
	if ((rc = check_plan(plan, n, why)) != HM_OK || (rc = db_begin(db)) != HM_OK)
		goto out;
	began = 1;
	/* UNIQUE(shop_id, prefix) would refuse it too, but this says which. */
	if (!(st = db_prepare(db, "SELECT 1 FROM workflows WHERE shop_id = ? AND prefix = ?"))) {
		rc = HM_ERR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, shop_id);
	db_bind_str(st, 2, in->prefix);
	s = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (s == SQLITE_ROW) {
		rc = refuse(why, 0, "prefix", _("Another of your workflows already uses this prefix."));
		goto out;
	}
	if ((rc = db_rc(db, s, "workflow prefix")) != HM_OK)
		goto out;
	if (!(st = db_prepare(db, "INSERT INTO workflows(shop_id, prefix, name) VALUES(?,?,?)"))) {
		rc = HM_ERR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, shop_id);
	db_bind_str(st, 2, in->prefix);
	db_bind_str(st, 3, in->name);
	if ((rc = db_rc(db, sqlite3_step(st), "workflow insert")) != HM_OK)
		goto out;
	*id = sqlite3_last_insert_rowid(db);
	db_form_result(*id);
	if ((rc = insert_stages(db, *id, 0, plan, n)) != HM_OK)
		goto out;
	rc = db_commit(db);
out:
	sqlite3_finalize(st);
	if (rc != HM_OK && began)
		db_rollback(db);
	free(plan);
	return rc;
}

/* HM_OK when the shop owns workflow id: the update's first step, so nothing
 * of another shop's is ever read or written. */
static enum hm_rc owned(sqlite3 *db, int64_t shop_id, int64_t id)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM workflows WHERE id = ? AND shop_id = ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, shop_id);
	int s = sqlite3_step(st);
	enum hm_rc rc = s == SQLITE_ROW ? HM_OK : s == SQLITE_DONE ? HM_NOTFOUND
	    : db_rc(db, s, "workflow owned");
	sqlite3_finalize(st);
	return rc;
}

/* Writes a kept stage's new label, texts, flags and position. */
static enum hm_rc write_stage(sqlite3 *db, sqlite3_stmt *st, int64_t wf, const struct plan *p,
    int64_t position)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 7, position);
	db_bind_str(st, 1, p->label);
	db_bind_str(st, 2, p->description);
	db_bind_str(st, 3, p->next_step);
	sqlite3_bind_int(st, 4, p->flags);
	sqlite3_bind_int64(st, 5, p->id);
	sqlite3_bind_int64(st, 6, wf);
	return db_rc(db, sqlite3_step(st), "stage update");
}

static enum hm_rc delete_stage(sqlite3 *db, int64_t wf, int64_t stage_id, size_t row,
    struct workflow_refusal *why)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM stages WHERE id = ? AND workflow_id = ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, stage_id);
	sqlite3_bind_int64(st, 2, wf);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	/* stage_usage said no job needs it; a foreign key saying otherwise
	 * (a row written behind Hallmark's back) still refuses cleanly. */
	if ((s & 0xff) == SQLITE_CONSTRAINT)
		return refuse(why, row, "remove",
		    _("Jobs still refer to this stage, so it cannot be removed."));
	return db_rc(db, s, "stage delete");
}

/* Keeps jobs.closed_at true to its definition (set while a job is in a
 * final or cancelled stage) when a stage's flags change under its jobs. */
static enum hm_rc reclose_jobs(sqlite3 *db, int64_t shop_id, int64_t wf, time_t now)
{
	sqlite3_stmt *st = db_prepare(db, "UPDATE jobs SET closed_at = CASE WHEN closed_at IS NULL "
	    "THEN ?1 END WHERE shop_id = ?2 AND workflow_id = ?3 AND "
	    "((SELECT flags & ?4 FROM stages WHERE id = jobs.stage_id) != 0) = (closed_at IS NULL)");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, shop_id);
	sqlite3_bind_int64(st, 3, wf);
	sqlite3_bind_int(st, 4, STAGE_FINAL | STAGE_CANCELLED);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "jobs closed_at");
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc workflow_update(sqlite3 *db, int64_t shop_id, int64_t id,
    const struct workflow_input *in, time_t now, struct workflow_refusal *why)
{
	struct stage_list cur = {0};
	struct stage_use *use = NULL;
	size_t *row_of = NULL;	/* cur.v[k]'s input row, 1-based; 0: none */
	struct plan *plan = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	enum hm_rc rc;
	int began = 0;

	memset(why, 0, sizeof *why);
	if ((rc = check_name(in->name, why)) != HM_OK || (rc = check_rows(in, why)) != HM_OK)
		goto out;
	if ((rc = db_begin(db)) != HM_OK)
		goto out;
	began = 1;
	if ((rc = owned(db, shop_id, id)) != HM_OK || (rc = stage_list(db, id, &cur)) != HM_OK)
		goto out;
	use = xcalloc(cur.n + 1, sizeof *use);
	row_of = xcalloc(cur.n + 1, sizeof *row_of);
	plan = xcalloc(cur.n + in->n + 1, sizeof *plan);
	if ((rc = stage_usage(db, shop_id, id, &cur, use)) != HM_OK)
		goto out;
	for (size_t i = 0; i < in->n; i++) {
		size_t k = 0;
		if (!in->stages[i].id)
			continue;
		while (k < cur.n && cur.v[k].id != in->stages[i].id)
			k++;
		if (k == cur.n || row_of[k]) {
			rc = refuse(why, i + 1, "stages", _("This workflow changed since the page was "
			    "loaded. Reload the page and make your changes again."));
			goto out;
		}
		row_of[k] = i + 1;
	}
	/* The workflow as it will be: its stages in order, less those
	 * removed, then the new ones. */
	for (size_t k = 0; k < cur.n; k++) {
		const struct stage_input *r = row_of[k] ? &in->stages[row_of[k] - 1] : NULL;
		if (r && r->remove) {
			if (use[k].jobs_in) {
				rc = refuse(why, row_of[k], "remove", _("Jobs are in this stage, so it "
				    "cannot be removed. Move them to another stage first."));
				goto out;
			}
			if (use[k].jobs_through) {
				rc = refuse(why, row_of[k], "remove", _("Jobs have been through this stage and "
				    "their timelines name it, so it cannot be removed. Rename it instead."));
				goto out;
			}
			continue;
		}
		plan[n++] = r ? (struct plan){ cur.v[k].id, r->label, or_empty(r->description),
		    or_empty(r->next_step), r->flags, row_of[k] }
		    : (struct plan){ cur.v[k].id, cur.v[k].label, cur.v[k].description,
		    cur.v[k].next_step, cur.v[k].flags, 0 };
	}
	n += plan_new(in, plan + n);
	/* The rows' order is the stages' order, when the form sent every
	 * stage: that is how staff reorder them. Jobs keep their stage (its
	 * id), only its place in the workflow changes. */
	{
		int all_sent = 1;
		for (size_t i = 0; i < n; i++)
			if (!plan[i].row)
				all_sent = 0;
		if (all_sent)
			qsort(plan, n, sizeof *plan, by_row);
	}
	if ((rc = check_plan(plan, n, why)) != HM_OK)
		goto out;

	if (!(st = db_prepare(db, "UPDATE workflows SET name = ? WHERE id = ? AND shop_id = ?"))) {
		rc = HM_ERR;
		goto out;
	}
	db_bind_str(st, 1, in->name);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, shop_id);
	rc = db_rc(db, sqlite3_step(st), "workflow rename");
	sqlite3_finalize(st);
	st = NULL;
	if (rc != HM_OK)
		goto out;
	for (size_t k = 0; k < cur.n && rc == HM_OK; k++)
		if (row_of[k] && in->stages[row_of[k] - 1].remove)
			rc = delete_stage(db, id, cur.v[k].id, row_of[k], why);
	if (rc != HM_OK)
		goto out;
	/* Every kept stage steps aside to a free (negative) position, then
	 * takes its place in the plan's order: UNIQUE(workflow_id, position)
	 * holds after each statement. */
	if (!(st = db_prepare(db, "UPDATE stages SET position = -1 - position WHERE workflow_id = ?"))) {
		rc = HM_ERR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = db_rc(db, sqlite3_step(st), "stage positions");
	sqlite3_finalize(st);
	st = NULL;
	if (rc != HM_OK)
		goto out;
	if (!(st = db_prepare(db, "UPDATE stages SET label = ?1, description = ?2, next_step = ?3, "
	    "flags = ?4, position = ?7 WHERE id = ?5 AND workflow_id = ?6"))) {
		rc = HM_ERR;
		goto out;
	}
	for (size_t i = 0; i < n && rc == HM_OK; i++) {
		if (!plan[i].id)
			continue;
		rc = write_stage(db, st, id, &plan[i], (int64_t)i);
	}
	if (rc != HM_OK)
		goto out;
	if ((rc = insert_stages(db, id, 0, plan, n)) != HM_OK ||
	    (rc = reclose_jobs(db, shop_id, id, now)) != HM_OK)
		goto out;
	rc = db_commit(db);
out:
	sqlite3_finalize(st);
	if (rc != HM_OK && began)
		db_rollback(db);
	stage_list_free(&cur);
	free(use);
	free(row_of);
	free(plan);
	return rc;
}

enum hm_rc workflow_get(sqlite3 *db, int64_t shop_id, int64_t id, struct workflow *out)
{
	enum hm_rc rc = HM_NOTFOUND;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db,
	    "SELECT id, prefix, name FROM workflows WHERE id = ? AND shop_id = ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, shop_id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		snprintf(out->prefix, sizeof out->prefix, "%s", db_col_str(st, 1));
		out->name = db_col_dup(st, 2);
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "workflow get");
	}
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc workflow_summaries(sqlite3 *db, int64_t shop_id, struct workflow_summary_list *out)
{
	int s;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT w.id, w.prefix, w.name, "
	    "(SELECT count(*) FROM stages s WHERE s.workflow_id = w.id), "
	    "(SELECT count(*) FROM jobs j WHERE j.shop_id = w.shop_id AND j.workflow_id = w.id "
	    " AND j.deleted_at IS NULL) "
	    "FROM workflows w WHERE w.shop_id = ? ORDER BY w.id");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		struct workflow_summary *w = &out->v[out->n++];
		w->id = sqlite3_column_int64(st, 0);
		snprintf(w->prefix, sizeof w->prefix, "%s", db_col_str(st, 1));
		w->name = db_col_dup(st, 2);
		w->stages = sqlite3_column_int(st, 3);
		w->jobs = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	enum hm_rc rc = db_rc(db, s, "workflow summaries");
	if (rc != HM_OK)
		workflow_summary_list_free(out);
	return rc;
}

void workflow_summary_list_free(struct workflow_summary_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof *l);
}

enum hm_rc stage_usage(sqlite3 *db, int64_t shop_id, int64_t workflow_id,
    const struct stage_list *l, struct stage_use *out)
{
	/* Grouped over the workflow's jobs (found through jobs_by_shop), not
	 * one count per stage: neither jobs nor job_events is indexed by stage. */
	enum hm_rc rc = HM_OK;
	if (l->n)
		memset(out, 0, l->n * sizeof *out);
	for (int q = 0; q < 2 && rc == HM_OK; q++) {
		int s;
		sqlite3_stmt *st = q == 0
		    ? db_prepare(db, "SELECT stage_id, count(*) FROM jobs "
		      "WHERE shop_id = ?1 AND workflow_id = ?2 GROUP BY stage_id")
		    : db_prepare(db, "SELECT e.stage_id, count(DISTINCT e.job_id) FROM jobs j "
		      "JOIN job_events e ON e.job_id = j.id WHERE j.shop_id = ?1 AND j.workflow_id = ?2 "
		      "AND e.stage_id IS NOT NULL GROUP BY e.stage_id");
		if (!st)
			return HM_ERR;
		sqlite3_bind_int64(st, 1, shop_id);
		sqlite3_bind_int64(st, 2, workflow_id);
		while ((s = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t stage_id = sqlite3_column_int64(st, 0), count = sqlite3_column_int64(st, 1);
			for (size_t i = 0; i < l->n; i++) {
				if (l->v[i].id != stage_id)
					continue;
				if (q == 0)
					out[i].jobs_in = count;
				else
					out[i].jobs_through = count;
			}
		}
		rc = db_rc(db, s, "stage usage");
		sqlite3_finalize(st);
	}
	return rc;
}

/* ---- A workflow's wording in other languages (stage_texts) ---- */

static const char *const wording_field[3] = {"label", "description", "next_step"};
static const size_t wording_max[3] = {STAGE_LABEL_MAX, STAGE_TEXT_MAX, STAGE_TEXT_MAX};

void stage_wording_list_free(struct stage_wording_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].code);
		for (int k = 0; k < 3; k++) {
			free(l->v[i].own[k]);
			free(l->v[i].text[k]);
			free(l->v[i].fallback[k]);
		}
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* The workflow's stages with their wording in l: one query, in position
 * order, inside whatever transaction the caller holds. */
static enum hm_rc wordings_read(sqlite3 *db, int64_t workflow_id, const struct lang *l,
    struct stage_wording_list *out)
{
	int s;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT s.id, s.code, s.label, s.description, s.next_step, "
	    "coalesce(t.label, ''), coalesce(t.description, ''), coalesce(t.next_step, '') "
	    "FROM stages s LEFT JOIN stage_texts t ON t.stage_id = s.id AND t.lang = ?2 "
	    "WHERE s.workflow_id = ?1 ORDER BY s.position");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, workflow_id);
	sqlite3_bind_text(st, 2, l->code, -1, SQLITE_STATIC);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		struct stage_wording *w = &out->v[out->n++];
		w->stage_id = sqlite3_column_int64(st, 0);
		w->code = db_col_dup(st, 1);
		for (int k = 0; k < 3; k++) {
			w->own[k] = db_col_dup(st, 2 + k);
			w->text[k] = db_col_dup(st, 5 + k);
			w->fallback[k] = xstrdup(stage_own_text(l, (enum stage_text_field)k, w->own[k]));
		}
	}
	sqlite3_finalize(st);
	enum hm_rc rc = db_rc(db, s, "stage wordings");
	if (rc != HM_OK)
		stage_wording_list_free(out);
	return rc;
}

/* HM_CONFLICT with *why when l is the shop's default language: that
 * wording is the stages' own, edited with the workflow. */
static enum hm_rc not_default(sqlite3 *db, int64_t shop_id, const struct lang *l,
    struct workflow_refusal *why)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT language FROM shops WHERE id = ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	int s = sqlite3_step(st);
	enum hm_rc rc = s == SQLITE_ROW ? HM_OK : s == SQLITE_DONE ? HM_NOTFOUND
	    : db_rc(db, s, "shop language");
	if (rc == HM_OK && !strcmp(db_col_str(st, 0), l->code))
		rc = refuse(why, 0, "stages", _("This is your shop's default language now: its wording "
		    "is the stages' own. Change it on the workflow's page."));
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc stage_wordings(sqlite3 *db, int64_t shop_id, int64_t workflow_id,
    const struct lang *l, struct stage_wording_list *out)
{
	memset(out, 0, sizeof *out);
	enum hm_rc rc = owned(db, shop_id, workflow_id);
	return rc == HM_OK ? wordings_read(db, workflow_id, l, out) : rc;
}

enum hm_rc stage_wordings_save(sqlite3 *db, int64_t shop_id, int64_t workflow_id,
    const struct lang *l, const struct stage_wording_input *rows, size_t n,
    struct workflow_refusal *why)
{
	struct stage_wording_list cur = {0};
	size_t *row_of = NULL;	/* cur.v[k]'s input row, 1-based; 0: none */
	const char **label = NULL;	/* the label customers reading l will see */
	sqlite3_stmt *del = NULL, *put = NULL;
	enum hm_rc rc;
	int began = 0;

	memset(why, 0, sizeof *why);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 3; k++)
			if (rows[i].text[k] && chars(rows[i].text[k]) > wording_max[k]) {
				rc = refuse(why, i + 1, wording_field[k], k == 0 ? _("That name is too long.")
				    : _("That text is too long."));
				goto out;
			}
	if ((rc = db_begin(db)) != HM_OK)
		goto out;
	began = 1;
	if ((rc = owned(db, shop_id, workflow_id)) != HM_OK ||
	    (rc = not_default(db, shop_id, l, why)) != HM_OK ||
	    (rc = wordings_read(db, workflow_id, l, &cur)) != HM_OK)
		goto out;
	row_of = xcalloc(cur.n + 1, sizeof *row_of);
	label = xcalloc(cur.n + 1, sizeof *label);
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < cur.n && cur.v[k].stage_id != rows[i].id)
			k++;
		if (k == cur.n || row_of[k]) {
			rc = refuse(why, i + 1, "stages", _("This workflow changed since the page was "
			    "loaded. Reload the page and make your changes again."));
			goto out;
		}
		row_of[k] = i + 1;
	}
	/* Customers tell stages apart by their names: two the shop named
	 * alike are refused. Two built-in names the catalog translates alike
	 * are not the shop's doing, and are let be. */
	for (size_t k = 0; k < cur.n; k++) {
		const char *given = row_of[k] ? rows[row_of[k] - 1].text[0] : cur.v[k].text[0];
		label[k] = given && *given ? given : NULL;
	}
	for (size_t k = 0; k < cur.n; k++)
		for (size_t j = 0; j < k; j++) {
			const char *a = label[k] ? label[k] : cur.v[k].fallback[0];
			const char *b = label[j] ? label[j] : cur.v[j].fallback[0];
			if ((label[k] || label[j]) && !strcasecmp(a, b)) {
				size_t row = label[k] && row_of[k] ? row_of[k] : row_of[j] ? row_of[j]
				    : row_of[k];
				rc = refuse(why, row, "label", _("Two stages have this name: customers "
				    "could not tell them apart."));
				goto out;
			}
		}
	if (!(del = db_prepare(db, "DELETE FROM stage_texts WHERE stage_id = ? AND lang = ?")) ||
	    !(put = db_prepare(db, "INSERT INTO stage_texts(stage_id, lang, label, description, "
	    "next_step) VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(stage_id, lang) DO UPDATE SET "
	    "label = excluded.label, description = excluded.description, "
	    "next_step = excluded.next_step"))) {
		rc = HM_ERR;
		goto out;
	}
	for (size_t k = 0; k < cur.n && rc == HM_OK; k++) {
		if (!row_of[k])
			continue;
		const struct stage_wording_input *r = &rows[row_of[k] - 1];
		int any = !blank(r->text[0]) || !blank(r->text[1]) || !blank(r->text[2]);
		sqlite3_stmt *st = any ? put : del;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, cur.v[k].stage_id);
		sqlite3_bind_text(st, 2, l->code, -1, SQLITE_STATIC);
		if (any)
			for (int f = 0; f < 3; f++)
				db_bind_str(st, 3 + f, or_empty(r->text[f]));
		rc = db_rc(db, sqlite3_step(st), any ? "stage wording" : "stage wording delete");
	}
	/* The languages the shop has wording in, read by the order page with
	 * the job (migration 12). */
	sqlite3_stmt *langs = rc == HM_OK ? db_prepare(db, "UPDATE shops SET stage_text_langs = ("
	    "SELECT coalesce(group_concat(DISTINCT t.lang), '') FROM stage_texts t "
	    "JOIN stages s ON s.id = t.stage_id JOIN workflows w ON w.id = s.workflow_id "
	    "WHERE w.shop_id = ?1) WHERE id = ?1") : NULL;
	if (rc == HM_OK && !langs)
		rc = HM_ERR;
	if (langs) {
		sqlite3_bind_int64(langs, 1, shop_id);
		rc = db_rc(db, sqlite3_step(langs), "stage wording languages");
		sqlite3_finalize(langs);
	}
	if (rc == HM_OK)
		rc = db_commit(db);
out:
	sqlite3_finalize(del);
	sqlite3_finalize(put);
	if (rc != HM_OK && began)
		db_rollback(db);
	stage_wording_list_free(&cur);
	free(row_of);
	free(label);
	return rc;
}

int workflow_has_decision(sqlite3 *db, int64_t shop_id, int64_t workflow_id)
{
	int yes = 0;
	sqlite3_stmt *st = db_prepare(db, "SELECT EXISTS(SELECT 1 FROM stages s "
	    "JOIN workflows w ON w.id = s.workflow_id WHERE w.id = ?1 AND w.shop_id = ?2 "
	    "AND s.flags & ?3)");
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, workflow_id);
	sqlite3_bind_int64(st, 2, shop_id);
	sqlite3_bind_int(st, 3, STAGE_DECISION);
	if (sqlite3_step(st) == SQLITE_ROW)
		yes = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return yes;
}
