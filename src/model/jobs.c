/* Jobs (repairs, bespoke orders, a shop's own workflows) and their timeline. */
#include "model.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "messages.h"
#include "i18n.h"
#include "notify.h"
#include "util.h"

#define JOB_COLS \
	"j.id, j.shop_id, j.workflow_id, j.stage_id, j.tracking_id, j.customer_name, " \
	"j.customer_phone, j.customer_email, j.item_type, j.item_description, j.problem, " \
	"j.due_date, j.internal_notes, j.quoted_cents, j.deposit_cents, j.created_at, " \
	"j.updated_at, j.revoked_at, j.deleted_at, s.position, s.flags, s.code, s.label, " \
	"s.description, s.next_step, w.name, j.design_brief, j.budget_cents, j.invoice_url, " \
	"j.closed_at, j.decision, j.decision_at, w.prefix, " \
	"(SELECT count(*) FROM messages m WHERE m.job_id = j.id AND m.author = 'customer' " \
	" AND m.read_at IS NULL), j.number, j.link_issued, j.notify_channel, j.notify_off, " \
	"j.language "
#define JOB_FROM \
	"FROM jobs j JOIN stages s ON s.id = j.stage_id JOIN workflows w ON w.id = j.workflow_id "

static void job_row(sqlite3_stmt *st, struct job *j)
{
	memset(j, 0, sizeof *j);
	j->id = sqlite3_column_int64(st, 0);
	j->shop_id = sqlite3_column_int64(st, 1);
	j->workflow_id = sqlite3_column_int64(st, 2);
	j->stage_id = sqlite3_column_int64(st, 3);
	j->tracking_id = db_col_dup(st, 4);
	j->customer_name = db_col_dup(st, 5);
	j->customer_phone = db_col_dup(st, 6);
	j->customer_email = db_col_dup(st, 7);
	j->item_type = db_col_dup(st, 8);
	j->item_description = db_col_dup(st, 9);
	j->problem = db_col_dup(st, 10);
	j->due_date = db_col_dup(st, 11);
	j->internal_notes = db_col_dup(st, 12);
	j->has_quoted = sqlite3_column_type(st, 13) != SQLITE_NULL;
	j->quoted_cents = sqlite3_column_int64(st, 13);
	j->has_deposit = sqlite3_column_type(st, 14) != SQLITE_NULL;
	j->deposit_cents = sqlite3_column_int64(st, 14);
	j->created_at = sqlite3_column_int64(st, 15);
	j->updated_at = sqlite3_column_int64(st, 16);
	j->revoked_at = sqlite3_column_int64(st, 17);
	j->deleted_at = sqlite3_column_int64(st, 18);
	j->stage.id = j->stage_id;
	j->stage.position = sqlite3_column_int(st, 19);
	j->stage.flags = sqlite3_column_int(st, 20);
	j->stage.code = db_col_dup(st, 21);
	j->stage.label = db_col_dup(st, 22);
	j->stage.description = db_col_dup(st, 23);
	j->stage.next_step = db_col_dup(st, 24);
	j->workflow_name = db_col_dup(st, 25);
	j->design_brief = db_col_dup(st, 26);
	j->has_budget = sqlite3_column_type(st, 27) != SQLITE_NULL;
	j->budget_cents = sqlite3_column_int64(st, 27);
	j->invoice_url = db_col_dup(st, 28);
	j->closed_at = sqlite3_column_int64(st, 29);
	j->decision = db_col_dup(st, 30);
	j->decision_at = sqlite3_column_int64(st, 31);
	snprintf(j->prefix, sizeof j->prefix, "%s", db_col_str(st, 32));
	j->unread = sqlite3_column_int(st, 33);
	j->number = sqlite3_column_int64(st, 34);
	j->link_issued = sqlite3_column_int(st, 35);
	j->notify_channel = db_col_dup(st, 36);
	j->notify_off = sqlite3_column_int(st, 37);
	j->language = db_col_dup(st, 38);
}

static enum hm_rc add_event(sqlite3 *db, int64_t job_id, time_t now, const char *kind,
    int64_t stage_id, const char *note, int note_public, int64_t user_id)
{
	/* The stage's label is kept as it reads now: renaming the stage later
	 * does not rewrite what the history says. */
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO job_events(job_id, at, kind, stage_id, "
	    "note, note_public, user_id, stage_label) VALUES(?1,?2,?3,?4,?5,?6,?7,"
	    "(SELECT label FROM stages WHERE id = ?4))");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	if (stage_id)
		sqlite3_bind_int64(st, 4, stage_id);
	db_bind_text(st, 5, note);
	sqlite3_bind_int(st, 6, note_public ? 1 : 0);
	if (user_id)
		sqlite3_bind_int64(st, 7, user_id);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "event insert");
	sqlite3_finalize(st);
	return rc;
}

static void bind_fields(sqlite3_stmt *st, int first, const struct job_fields *f)
{
	db_bind_str(st, first, f->customer_name);
	db_bind_text(st, first + 1, f->customer_phone);
	db_bind_text(st, first + 2, f->customer_email);
	db_bind_str(st, first + 3, f->item_type);
	db_bind_text(st, first + 4, f->item_description);
	db_bind_text(st, first + 5, f->problem);
	db_bind_text(st, first + 6, f->due_date);
	db_bind_text(st, first + 7, f->internal_notes);
	if (f->has_quoted)
		sqlite3_bind_int64(st, first + 8, f->quoted_cents);
	else
		sqlite3_bind_null(st, first + 8);
	if (f->has_deposit)
		sqlite3_bind_int64(st, first + 9, f->deposit_cents);
	else
		sqlite3_bind_null(st, first + 9);
	db_bind_text(st, first + 10, f->design_brief);
	if (f->has_budget)
		sqlite3_bind_int64(st, first + 11, f->budget_cents);
	else
		sqlite3_bind_null(st, first + 11);
	db_bind_text(st, first + 12, f->invoice_url);
	db_bind_str(st, first + 13, f->notify_channel && *f->notify_channel ? f->notify_channel : "none");
	db_bind_str(st, first + 14, f->language);
}

/* Steps an INSERT or UPDATE whose parameter idx is a new tracking ID
 * (the other parameters bound already). 80 random bits make a collision
 * all but impossible; a retry costs nothing and keeps the UNIQUE
 * constraint from ever surfacing. Returns the last step's result. */
static int step_new_tid(sqlite3_stmt *st, int idx, const char *prefix, char tid[TID_MAX])
{
	int s = SQLITE_ERROR;
	for (int tries = 0; tries < 3; tries++) {
		if (tid_mint(prefix, tid) != 0)
			return SQLITE_ERROR;
		sqlite3_reset(st);
		sqlite3_bind_text(st, idx, tid, -1, SQLITE_TRANSIENT);
		s = sqlite3_step(st);
		if ((s & 0xff) != SQLITE_CONSTRAINT)
			break;
	}
	return s;
}

enum hm_rc job_create(sqlite3 *db, int64_t shop_id, int64_t workflow_id,
    const struct job_fields *f, int64_t user_id, time_t now, const struct notify_env *env,
    int64_t *id)
{
	enum hm_rc rc;
	sqlite3_stmt *st = NULL;
	char prefix[4] = "", tid[TID_MAX];
	int64_t first_stage = 0;

	if ((rc = db_begin(db)) != HM_OK)
		return rc;
	/* The workflow must be the shop's own: never trust the form for that. */
	/* The number is taken inside the write lock: two desks booking in at
	 * once get two numbers. */
	st = db_prepare(db, "SELECT w.prefix, (SELECT id FROM stages WHERE workflow_id = w.id "
	    "ORDER BY position LIMIT 1), sh.next_job_number, sh.tracking_enabled FROM workflows w "
	    "JOIN shops sh ON sh.id = w.shop_id WHERE w.id = ? AND w.shop_id = ?");
	if (!st) {
		rc = HM_ERR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, workflow_id);
	sqlite3_bind_int64(st, 2, shop_id);
	int s = sqlite3_step(st);
	int64_t number = 0;
	int issued = 1;
	if (s == SQLITE_ROW) {
		snprintf(prefix, sizeof prefix, "%s", db_col_str(st, 0));
		first_stage = sqlite3_column_int64(st, 1);
		number = sqlite3_column_int64(st, 2);
		issued = sqlite3_column_int(st, 3);
	}
	rc = s == SQLITE_ROW ? HM_OK : s == SQLITE_DONE ? HM_NOTFOUND : db_rc(db, s, "job workflow");
	sqlite3_finalize(st);
	st = NULL;
	if (rc != HM_OK || !first_stage) {
		rc = rc == HM_OK ? HM_NOTFOUND : rc;
		goto out;
	}
	st = db_prepare(db, "INSERT INTO jobs(shop_id, workflow_id, stage_id, tracking_id, "
	    "customer_name, customer_phone, customer_email, item_type, item_description, problem, "
	    "due_date, internal_notes, quoted_cents, deposit_cents, design_brief, budget_cents, "
	    "invoice_url, notify_channel, language, created_at, updated_at, number, link_issued) "
	    "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st) {
		rc = HM_ERR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, shop_id);
	sqlite3_bind_int64(st, 2, workflow_id);
	sqlite3_bind_int64(st, 3, first_stage);
	bind_fields(st, 5, f);
	sqlite3_bind_int64(st, 20, now);
	sqlite3_bind_int64(st, 21, now);
	sqlite3_bind_int64(st, 22, number);
	sqlite3_bind_int(st, 23, issued ? 1 : 0);
	s = step_new_tid(st, 4, prefix, tid);
	if ((rc = db_rc(db, s, "job insert")) != HM_OK)
		goto out;
	*id = sqlite3_last_insert_rowid(db);
	db_form_result(*id);
	if ((rc = add_event(db, *id, now, "created", first_stage, NULL, 0, user_id)) != HM_OK)
		goto out;
	sqlite3_finalize(st);
	st = db_prepare(db, "UPDATE shops SET next_job_number = next_job_number + 1 WHERE id = ?");
	if (!st) {
		rc = HM_ERR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, shop_id);
	if ((rc = db_rc(db, sqlite3_step(st), "job number")) != HM_OK)
		goto out;
	/* The customer's link goes out with the booking, or not at all. */
	if ((rc = notify_job(db, *id, NK_BOOKED_IN, env)) != HM_OK)
		goto out;
	rc = db_commit(db);
out:
	sqlite3_finalize(st);
	if (rc != HM_OK)
		db_rollback(db);
	return rc;
}

enum hm_rc job_import(sqlite3 *db, int64_t shop_id, int64_t workflow_id, const struct job_fields *f,
    const struct job_kept *k, time_t now, int64_t *id)
{
	char prefix[4] = "", tid[TID_MAX];
	int64_t first_stage = 0, number = k->number, stage = k->stage_id;
	int flags = 0;
	/* The workflow and the stage must be the shop's own. */
	sqlite3_stmt *st = db_prepare(db, "SELECT w.prefix, (SELECT id FROM stages WHERE workflow_id = w.id "
	    "ORDER BY position LIMIT 1), sh.next_job_number, (SELECT flags FROM stages WHERE id = ?3 "
	    "AND workflow_id = w.id) FROM workflows w JOIN shops sh ON sh.id = w.shop_id "
	    "WHERE w.id = ?1 AND w.shop_id = ?2");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, workflow_id);
	sqlite3_bind_int64(st, 2, shop_id);
	sqlite3_bind_int64(st, 3, stage);
	int s = sqlite3_step(st);
	enum hm_rc rc = s == SQLITE_ROW ? HM_OK : s == SQLITE_DONE ? HM_NOTFOUND : db_rc(db, s, "job workflow");
	if (rc == HM_OK) {
		snprintf(prefix, sizeof prefix, "%s", db_col_str(st, 0));
		first_stage = sqlite3_column_int64(st, 1);
		if (!number)
			number = sqlite3_column_int64(st, 2);
		if (stage && sqlite3_column_type(st, 3) == SQLITE_NULL)
			rc = HM_NOTFOUND;
		flags = sqlite3_column_int(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != HM_OK || !first_stage)
		return rc == HM_OK ? HM_NOTFOUND : rc;
	if (!stage)
		stage = first_stage;
	time_t moved = stage == first_stage ? k->booked_at : k->stage_at;
	st = db_prepare(db, "INSERT INTO jobs(shop_id, workflow_id, stage_id, tracking_id, "
	    "customer_name, customer_phone, customer_email, item_type, item_description, problem, "
	    "due_date, internal_notes, quoted_cents, deposit_cents, design_brief, budget_cents, "
	    "invoice_url, notify_channel, language, created_at, updated_at, number, link_issued, closed_at) "
	    "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,?)");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	sqlite3_bind_int64(st, 2, workflow_id);
	sqlite3_bind_int64(st, 3, stage);
	bind_fields(st, 5, f);
	sqlite3_bind_int64(st, 20, k->booked_at);
	sqlite3_bind_int64(st, 21, now);
	sqlite3_bind_int64(st, 22, number);
	if (flags & (STAGE_FINAL | STAGE_CANCELLED))
		sqlite3_bind_int64(st, 23, moved);
	else
		sqlite3_bind_null(st, 23);
	if (k->tracking_id && *k->tracking_id) {
		db_bind_str(st, 4, k->tracking_id);
		s = sqlite3_step(st);
	} else {
		s = step_new_tid(st, 4, prefix, tid);
	}
	rc = db_rc(db, s, "job import");
	sqlite3_finalize(st);
	if (rc != HM_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(db);
	if ((rc = add_event(db, *id, k->booked_at, "created", first_stage, NULL, 0, 0)) != HM_OK)
		return rc;
	if (stage != first_stage && (rc = add_event(db, *id, moved, "stage", stage, NULL, 0, 0)) != HM_OK)
		return rc;
	/* The shop's own numbering goes on after the highest number brought in. */
	st = db_prepare(db, "UPDATE shops SET next_job_number = max(next_job_number, ?1 + 1) WHERE id = ?2");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, number);
	sqlite3_bind_int64(st, 2, shop_id);
	rc = db_rc(db, sqlite3_step(st), "job number");
	sqlite3_finalize(st);
	return rc;
}

static enum hm_rc job_query(sqlite3_stmt *st, sqlite3 *db, struct job *out)
{
	int s = sqlite3_step(st);
	enum hm_rc rc = HM_NOTFOUND;
	if (s == SQLITE_ROW) {
		job_row(st, out);
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "job get");
	}
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc job_get(sqlite3 *db, int64_t shop_id, int64_t id, struct job *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT " JOB_COLS JOB_FROM
	    "WHERE j.id = ? AND j.shop_id = ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, shop_id);
	return job_query(st, db, out);
}

enum hm_rc job_get_public(sqlite3 *db, const char *tracking_id, time_t now, struct job *out,
    struct shop *shop)
{
	memset(out, 0, sizeof *out);
	memset(shop, 0, sizeof *shop);
	/* Only what the customer's page shows: every request of the busiest
	 * page pays for compiling this statement, column by column. A job
	 * finished longer ago than the shop's retention period is gone. */
	sqlite3_stmt *st = db_prepare(db, "SELECT j.id, j.workflow_id, j.stage_id, j.tracking_id, "
	    "j.item_type, j.item_description, j.problem, j.due_date, j.created_at, s.position, "
	    "s.flags, s.label, s.description, s.next_step, sh.name, sh.phone, sh.email, sh.address, "
	    "sh.whatsapp, sh.timezone, j.shop_id, j.invoice_url, j.closed_at, sh.accent, sh.theme, "
	    "sh.review_url, sh.powered_by, "
	    "EXISTS (SELECT 1 FROM messages m WHERE m.job_id = j.id), "
	    "EXISTS (SELECT 1 FROM attachments a WHERE a.owner_kind = 'job' AND a.owner_id = j.id "
	    " AND a.is_public = 1 AND a.deleted_at IS NULL) OR EXISTS (SELECT 1 FROM attachments a "
	    " WHERE a.owner_kind = 'shop' AND a.owner_id = j.shop_id AND a.deleted_at IS NULL), "
	    "j.language, sh.language, sh.opening_hours, sh.stage_text_langs "
	    "FROM jobs j JOIN stages s ON s.id = j.stage_id "
	    "JOIN shops sh ON sh.id = j.shop_id "
	    "WHERE j.tracking_id = ?1 AND " JOB_PUBLIC_SQL("?2"));
	if (!st)
		return HM_ERR;
	db_bind_str(st, 1, tracking_id);
	sqlite3_bind_int64(st, 2, now);
	int s = sqlite3_step(st);
	enum hm_rc rc = HM_NOTFOUND;
	if (s == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->workflow_id = sqlite3_column_int64(st, 1);
		out->stage_id = out->stage.id = sqlite3_column_int64(st, 2);
		out->tracking_id = db_col_dup(st, 3);
		out->item_type = db_col_dup(st, 4);
		out->item_description = db_col_dup(st, 5);
		out->problem = db_col_dup(st, 6);
		out->due_date = db_col_dup(st, 7);
		out->created_at = sqlite3_column_int64(st, 8);
		out->stage.position = sqlite3_column_int(st, 9);
		out->stage.flags = sqlite3_column_int(st, 10);
		out->stage.label = db_col_dup(st, 11);
		out->stage.description = db_col_dup(st, 12);
		out->stage.next_step = db_col_dup(st, 13);
		shop->name = db_col_dup(st, 14);
		shop->phone = db_col_dup(st, 15);
		shop->email = db_col_dup(st, 16);
		shop->address = db_col_dup(st, 17);
		shop->whatsapp = db_col_dup(st, 18);
		shop->timezone = db_col_dup(st, 19);
		out->shop_id = shop->id = sqlite3_column_int64(st, 20);
		out->invoice_url = db_col_dup(st, 21);
		out->closed_at = sqlite3_column_int64(st, 22);
		shop->accent = db_col_dup(st, 23);
		shop->theme = db_col_dup(st, 24);
		shop->review_url = db_col_dup(st, 25);
		shop->powered_by = sqlite3_column_int(st, 26);
		out->has_messages = sqlite3_column_int(st, 27);
		out->has_pictures = sqlite3_column_int(st, 28);
		out->language = db_col_dup(st, 29);
		shop->language = db_col_dup(st, 30);
		shop->opening_hours = db_col_dup(st, 31);
		out->stage_text_langs = db_col_dup(st, 32);
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "job get public");
	}
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc job_rotate(sqlite3 *db, int64_t shop_id, int64_t id, int64_t user_id, time_t now,
    char tid[TID_MAX])
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	sqlite3_stmt *st = db_prepare(db, "UPDATE jobs SET tracking_id = ?1, updated_at = ?2 "
	    "WHERE id = ?3 AND shop_id = ?4 AND deleted_at IS NULL");
	char prefix[4] = "";
	if (!st) {
		db_rollback(db);
		return HM_ERR;
	}
	/* The prefix stays: it names the workflow, not the link. */
	sqlite3_stmt *q = db_prepare(db, "SELECT w.prefix FROM jobs j JOIN workflows w "
	    "ON w.id = j.workflow_id WHERE j.id = ? AND j.shop_id = ?");
	if (q) {
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_int64(q, 2, shop_id);
		if (sqlite3_step(q) == SQLITE_ROW)
			snprintf(prefix, sizeof prefix, "%s", db_col_str(q, 0));
		sqlite3_finalize(q);
	}
	if (!*prefix) {
		sqlite3_finalize(st);
		db_rollback(db);
		return q ? HM_NOTFOUND : HM_ERR;
	}
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, id);
	sqlite3_bind_int64(st, 4, shop_id);
	int s = step_new_tid(st, 1, prefix, tid);
	if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "job rotate");
		sqlite3_finalize(st);
		db_rollback(db);
		return rc;
	}
	rc = sqlite3_changes(db) ? add_event(db, id, now, "rotated", 0, NULL, 0, user_id) : HM_NOTFOUND;
	sqlite3_finalize(st);
	if (rc == HM_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	return rc;
}

enum hm_rc job_decide(sqlite3 *db, const char *tracking_id, int64_t expected_stage, int approve,
    const char *comment, time_t now, const struct notify_env *env, int64_t *job_id,
    const char **outcome)
{
	sqlite3_stmt *st = NULL;
	enum hm_rc rc = db_begin(db);
	int64_t id = 0, stage = 0, target = 0;
	int flags = 0, s;

	*outcome = NULL;
	if (rc != HM_OK)
		return rc;
	/* Everything is read again inside the write lock: a second click, a
	 * stale page or a move by staff in the meantime changes nothing. */
	st = db_prepare(db, "SELECT j.id, j.stage_id, s.flags, CASE WHEN ?2 THEN "
	    " (SELECT n.id FROM stages n WHERE n.workflow_id = j.workflow_id "
	    "  AND n.position > s.position AND n.flags & 4 = 0 ORDER BY n.position LIMIT 1) ELSE "
	    " (SELECT p.id FROM stages p WHERE p.workflow_id = j.workflow_id "
	    "  AND p.position < s.position AND p.flags & 4 = 0 ORDER BY p.position DESC LIMIT 1) END "
	    "FROM jobs j JOIN stages s ON s.id = j.stage_id JOIN shops sh ON sh.id = j.shop_id "
	    "WHERE j.tracking_id = ?1 AND " JOB_PUBLIC_SQL("?3"));
	if (!st) {
		rc = HM_ERR;
		goto out;
	}
	db_bind_str(st, 1, tracking_id);
	sqlite3_bind_int(st, 2, approve ? 1 : 0);
	sqlite3_bind_int64(st, 3, now);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		stage = sqlite3_column_int64(st, 1);
		flags = sqlite3_column_int(st, 2);
		target = sqlite3_column_int64(st, 3);
	}
	rc = s == SQLITE_ROW ? HM_OK : s == SQLITE_DONE ? HM_NOTFOUND : db_rc(db, s, "decide");
	sqlite3_finalize(st);
	st = NULL;
	if (rc != HM_OK)
		goto out;
	*job_id = id;
	if (stage != expected_stage || !(flags & STAGE_DECISION) || !target) {
		rc = HM_CONFLICT;
		goto out;
	}
	st = db_prepare(db, "UPDATE jobs SET stage_id = ?1, updated_at = ?2, decision = ?3, "
	    "decision_at = ?2 WHERE id = ?4 AND stage_id = ?5");
	if (!st) {
		rc = HM_ERR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, target);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, approve ? "approved" : "changes", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, id);
	sqlite3_bind_int64(st, 5, stage);
	if ((rc = db_rc(db, sqlite3_step(st), "decide")) != HM_OK)
		goto out;
	*outcome = approve ? "approved" : "changes";
	/* Stored in English, the order page translates it (the catalog has
	 * it): the note says what the customer did, in their words. */
	rc = add_event(db, id, now, *outcome, target,
	    approve ? N_("You approved the design.") : N_("You asked for changes to the design."),
	    1, 0);
	/* The customer's words go on the thread, where staff answer them. */
	if (rc == HM_OK && comment && *comment)
		rc = msg_insert(db, id, 1, 0, comment, now);
	if (rc == HM_OK)
		rc = notify_staff(db, id, approve ? N_("the customer approved the design")
		    : N_("the customer asked for changes to the design"), comment, env);
out:
	sqlite3_finalize(st);
	if (rc == HM_OK)
		rc = db_commit(db);
	if (rc != HM_OK) {
		db_rollback(db);
		*outcome = NULL;
	}
	return rc;
}

/* Escapes LIKE wildcards so a search for "50%" finds "50%". */
static char *like_pattern(const char *q, int fold_tid)
{
	struct buf b = {0};
	buf_putc(&b, '%');
	for (const char *p = q; *p; p++) {
		char c = *p;
		if (fold_tid) {
			if (c == '-' || c == ' ')
				continue;
			c = (char)toupper((unsigned char)c);
		}
		if (c == '%' || c == '_' || c == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, c);
	}
	buf_putc(&b, '%');
	return buf_detach(&b);
}

/* One WHERE clause serves the count and the page. A shop's jobs are few
 * enough that LIKE over a handful of columns stays quick. */
#define JOB_LIST_WHERE \
	"WHERE j.shop_id = ?1 AND (?2 IS NULL OR s.code = ?2) " \
	"AND (CASE WHEN ?5 THEN j.deleted_at IS NOT NULL ELSE j.deleted_at IS NULL END) " \
	"AND (?3 IS NULL OR j.tracking_id = ?6 OR j.number = ?9 " \
	"     OR j.customer_name LIKE ?3 ESCAPE '\\' " \
	"     OR j.customer_email LIKE ?3 ESCAPE '\\' " \
	"     OR j.item_type LIKE ?3 ESCAPE '\\' " \
	"     OR j.item_description LIKE ?3 ESCAPE '\\' " \
	"     OR j.customer_phone = ?11 OR j.customer_phone LIKE ?12 " \
	"     OR replace(j.tracking_id, '-', '') LIKE ?4 ESCAPE '\\') "
/* The sort, chosen by a bound name: the SQL text never changes. */
#define JOB_LIST_ORDER \
	"ORDER BY CASE WHEN ?10 = 'due' THEN coalesce(j.due_date, '') = '' END, " \
	"CASE WHEN ?10 = 'due' THEN j.due_date END, " \
	"CASE WHEN ?10 = 'number' THEN j.number END DESC, " \
	"CASE WHEN ?10 = 'customer' THEN j.customer_name END COLLATE NOCASE, " \
	"j.created_at DESC, j.id DESC "

/* "%<digits>%" when q is a phone number or part of one (digits, spaces,
 * + - ( ) . only, four digits or more), else NULL. Caller frees. */
static char *phone_pattern(const char *q)
{
	struct buf b = {0};
	size_t digits = 0;
	buf_putc(&b, '%');
	for (const char *p = q; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			buf_putc(&b, *p);
			digits++;
		} else if (!strchr(" +-().", *p)) {
			buf_free(&b);
			return NULL;
		}
	}
	if (digits < 4) {
		buf_free(&b);
		return NULL;
	}
	buf_putc(&b, '%');
	return buf_detach(&b);
}

enum hm_rc job_list(sqlite3 *db, int64_t shop_id, const struct job_query *jq, size_t offset,
    size_t limit, struct job_list *out)
{
	char tid[TID_MAX];
	char *pat = NULL, *tpat = NULL, *ppat = NULL;
	const char *q = jq->q;
	enum hm_rc rc = HM_ERR;
	sqlite3_stmt *st = NULL;
	int s;

	memset(out, 0, sizeof *out);
	if (q && *q) {
		pat = like_pattern(q, 0);
		tpat = like_pattern(q, 1);
		ppat = phone_pattern(q);
	}
	/* "#1042" or "1042" finds the job with that number. */
	int64_t number = 0;
	const char *d = q && *q == '#' ? q + 1 : q;
	for (; d && *d >= '0' && *d <= '9' && number < INT64_MAX / 10; d++)
		number = number * 10 + (*d - '0');
	if (!d || *d || number == 0)
		number = 0;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			st = db_prepare(db, "SELECT count(*) " JOB_FROM JOB_LIST_WHERE);
		else
			st = db_prepare(db, "SELECT " JOB_COLS JOB_FROM JOB_LIST_WHERE JOB_LIST_ORDER
			    "LIMIT ?7 OFFSET ?8");
		if (!st)
			goto out;
		sqlite3_bind_int64(st, 1, shop_id);
		db_bind_text(st, 2, jq->stage_code);
		db_bind_text(st, 3, pat);
		db_bind_text(st, 4, tpat);
		sqlite3_bind_int(st, 5, jq->show_deleted ? 1 : 0);
		if (pass == 1)
			db_bind_str(st, 10, jq->sort ? jq->sort : "booked");
		if (pat) {
			db_bind_text(st, 11, jq->phone);
			db_bind_text(st, 12, ppat);
		}
		if (q && tid_parse(q, tid) == 0)
			sqlite3_bind_text(st, 6, tid, -1, SQLITE_TRANSIENT);
		if (number)
			sqlite3_bind_int64(st, 9, number);
		if (pass == 1) {
			sqlite3_bind_int64(st, 7, (int64_t)limit);
			sqlite3_bind_int64(st, 8, (int64_t)offset);
		}
		while ((s = sqlite3_step(st)) == SQLITE_ROW) {
			if (pass == 0) {
				out->total = (size_t)sqlite3_column_int64(st, 0);
				continue;
			}
			out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
			job_row(st, &out->v[out->n++]);
		}
		rc = db_rc(db, s, "job list");
		sqlite3_finalize(st);
		st = NULL;
		if (rc != HM_OK)
			goto out;
	}
out:
	free(pat);
	free(tpat);
	free(ppat);
	if (rc != HM_OK)
		job_list_free(out);
	return rc;
}

/* Runs one UPDATE on a shop's job inside a transaction with its event. */
static enum hm_rc job_change(sqlite3 *db, sqlite3_stmt *st, int64_t job_id, time_t now,
    const char *kind, int64_t stage_id, const char *note, int note_public, int64_t user_id)
{
	enum hm_rc rc = db_rc(db, sqlite3_step(st), kind);
	if (rc == HM_OK && sqlite3_changes(db) == 0)
		rc = HM_NOTFOUND;
	if (rc == HM_OK)
		rc = add_event(db, job_id, now, kind, stage_id, note, note_public, user_id);
	if (rc == HM_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	return rc;
}

enum hm_rc job_update(sqlite3 *db, int64_t shop_id, int64_t id, const struct job_fields *f,
    int64_t user_id, time_t now)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	sqlite3_stmt *st = db_prepare(db, "UPDATE jobs SET customer_name = ?1, customer_phone = ?2, "
	    "customer_email = ?3, item_type = ?4, item_description = ?5, problem = ?6, due_date = ?7, "
	    "internal_notes = ?8, quoted_cents = ?9, deposit_cents = ?10, design_brief = ?11, "
	    "budget_cents = ?12, invoice_url = ?13, notify_channel = ?14, language = ?15, "
	    "updated_at = ?16 WHERE id = ?17 AND shop_id = ?18");
	if (!st) {
		db_rollback(db);
		return HM_ERR;
	}
	bind_fields(st, 1, f);
	sqlite3_bind_int64(st, 16, now);
	sqlite3_bind_int64(st, 17, id);
	sqlite3_bind_int64(st, 18, shop_id);
	rc = job_change(db, st, id, now, "edited", 0, NULL, 0, user_id);
	sqlite3_finalize(st);
	return rc;
}

/* The notification a move to a stage with these flags sends, or
 * NK_COUNT when the stage is not flagged to notify. */
static enum notify_kind stage_notice(int flags)
{
	if (!(flags & STAGE_NOTIFY))
		return NK_COUNT;
	return flags & STAGE_READY ? NK_READY : flags & STAGE_DECISION ? NK_DESIGN_REVIEW : NK_STAGE;
}

enum hm_rc job_set_stage(sqlite3 *db, int64_t shop_id, int64_t id, int64_t stage_id,
    const char *note, int note_public, int64_t user_id, time_t now, const struct notify_env *env)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	/* A move to the stage the job is in already changes nothing: no
	 * event, no notification. Read inside the write lock. */
	sqlite3_stmt *st = db_prepare(db, "SELECT stage_id FROM jobs WHERE id = ? AND shop_id = ? "
	    "AND deleted_at IS NULL");
	if (!st) {
		db_rollback(db);
		return HM_ERR;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, shop_id);
	int s = sqlite3_step(st);
	int same = s == SQLITE_ROW && sqlite3_column_int64(st, 0) == stage_id;
	sqlite3_finalize(st);
	if (same) {
		db_rollback(db);
		return HM_CONFLICT;
	}
	/* The stage must belong to the job's own workflow. */
	/* Retention counts from the first move to a final or cancelled stage;
	 * a move on answers the customer's decision, so its flag clears. */
	st = db_prepare(db, "UPDATE jobs SET stage_id = ?1, updated_at = ?2, "
	    "closed_at = CASE WHEN (SELECT flags & 6 FROM stages WHERE id = ?1) != 0 "
	    "  THEN coalesce(closed_at, ?2) END, decision = NULL, decision_at = NULL "
	    "WHERE id = ?3 AND shop_id = ?4 AND deleted_at IS NULL AND EXISTS "
	    "(SELECT 1 FROM stages WHERE id = ?1 AND workflow_id = jobs.workflow_id)");
	if (!st) {
		db_rollback(db);
		return HM_ERR;
	}
	sqlite3_bind_int64(st, 1, stage_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, id);
	sqlite3_bind_int64(st, 4, shop_id);
	rc = db_rc(db, sqlite3_step(st), "stage");
	sqlite3_finalize(st);
	if (rc == HM_OK && sqlite3_changes(db) == 0)
		rc = HM_NOTFOUND;
	if (rc == HM_OK)
		rc = add_event(db, id, now, "stage", stage_id, note, note_public, user_id);
	/* A stage flagged to notify tells the customer, in this transaction. */
	if (rc == HM_OK && (st = db_prepare(db, "SELECT flags FROM stages WHERE id = ?"))) {
		sqlite3_bind_int64(st, 1, stage_id);
		enum notify_kind k = sqlite3_step(st) == SQLITE_ROW
		    ? stage_notice(sqlite3_column_int(st, 0)) : NK_COUNT;
		sqlite3_finalize(st);
		if (k != NK_COUNT)
			rc = notify_job(db, id, k, env);
	}
	if (rc == HM_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}

/* Sets or clears one of a job's timestamp flags with its event, in one
 * transaction: st (finalized here, NULL when its prepare failed) binds
 * now, id, shop_id as ?1 ?2 ?3; HM_NOTFOUND when it was so already. */
static enum hm_rc job_flag(sqlite3 *db, sqlite3_stmt *st, int64_t shop_id, int64_t id,
    int64_t user_id, time_t now, const char *kind)
{
	enum hm_rc rc = st ? db_begin(db) : HM_ERR;
	if (rc == HM_OK) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, id);
		sqlite3_bind_int64(st, 3, shop_id);
		rc = job_change(db, st, id, now, kind, 0, NULL, 0, user_id);
	}
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc job_set_revoked(sqlite3 *db, int64_t shop_id, int64_t id, int on, int64_t user_id, time_t now)
{
	return job_flag(db, on
	    ? db_prepare(db, "UPDATE jobs SET revoked_at = ?1, updated_at = ?1 "
	      "WHERE id = ?2 AND shop_id = ?3 AND revoked_at IS NULL")
	    : db_prepare(db, "UPDATE jobs SET revoked_at = NULL, updated_at = ?1 "
	      "WHERE id = ?2 AND shop_id = ?3 AND revoked_at IS NOT NULL"),
	    shop_id, id, user_id, now, on ? "revoked" : "restored_link");
}

enum hm_rc job_set_deleted(sqlite3 *db, int64_t shop_id, int64_t id, int on, int64_t user_id, time_t now)
{
	return job_flag(db, on
	    ? db_prepare(db, "UPDATE jobs SET deleted_at = ?1, updated_at = ?1 "
	      "WHERE id = ?2 AND shop_id = ?3 AND deleted_at IS NULL")
	    : db_prepare(db, "UPDATE jobs SET deleted_at = NULL, updated_at = ?1 "
	      "WHERE id = ?2 AND shop_id = ?3 AND deleted_at IS NOT NULL"),
	    shop_id, id, user_id, now, on ? "deleted" : "restored");
}

enum hm_rc job_events(sqlite3 *db, int64_t job_id, struct event_list *out)
{
	int s;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT e.id, e.at, e.kind, e.note, e.note_public, "
	    "coalesce(e.stage_label, s.label), u.display_name FROM job_events e "
	    "LEFT JOIN stages s ON s.id = e.stage_id "
	    "LEFT JOIN users u ON u.id = e.user_id WHERE e.job_id = ? ORDER BY e.at, e.id");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, job_id);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		struct event *e = &out->v[out->n++];
		e->id = sqlite3_column_int64(st, 0);
		e->at = sqlite3_column_int64(st, 1);
		e->kind = db_col_dup(st, 2);
		e->note = db_col_dup(st, 3);
		e->note_public = sqlite3_column_int(st, 4);
		e->stage_label = db_col_dup(st, 5);
		e->user_name = db_col_dup(st, 6);
	}
	sqlite3_finalize(st);
	return db_rc(db, s, "job events");
}

enum hm_rc job_events_public(sqlite3 *db, int64_t job_id, const struct stage_list *stages,
    struct event_list *out)
{
	int s;
	memset(out, 0, sizeof *out);
	/* The label an event stored, only when the stage has been renamed
	 * since: else the stage's own, as worded for this reader (stages). */
	sqlite3_stmt *st = db_prepare(db, "SELECT e.id, e.at, e.kind, e.stage_id, "
	    "CASE WHEN e.note_public THEN e.note END, "
	    "CASE WHEN e.stage_label IS NOT s.label THEN e.stage_label END "
	    "FROM job_events e LEFT JOIN stages s ON s.id = e.stage_id "
	    "WHERE e.job_id = ? AND e.kind IN ('created', 'stage', 'approved', 'changes') "
	    "ORDER BY e.at, e.id");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, job_id);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		struct event *e = &out->v[out->n++];
		memset(e, 0, sizeof *e);
		e->id = sqlite3_column_int64(st, 0);
		e->at = sqlite3_column_int64(st, 1);
		e->kind = db_col_dup(st, 2);
		int64_t stage_id = sqlite3_column_int64(st, 3);
		/* A private note never leaves the database on a public page. */
		e->note = db_col_dup(st, 4);
		e->note_public = *e->note != '\0';
		e->user_name = xstrdup("");
		/* The name the stage had then (a built-in one translated),
		 * when it has been renamed since. */
		const char *label = db_col_str(st, 5);
		if (*label)
			label = stage_own_text(lang_current(), STAGE_LABEL, label);
		for (size_t i = 0; !*label && i < stages->n; i++)
			if (stages->v[i].id == stage_id)
				label = stages->v[i].label;
		e->stage_label = xstrdup(label);
	}
	sqlite3_finalize(st);
	return db_rc(db, s, "job events");
}

enum hm_rc job_decision_without_proof(sqlite3 *db, int64_t shop_id, int64_t id, int *missing)
{
	*missing = 0;
	sqlite3_stmt *st = db_prepare(db, "SELECT (s.flags & 8) <> 0 AND NOT EXISTS (SELECT 1 "
	    "FROM attachments a WHERE a.owner_kind = 'job' AND a.owner_id = j.id "
	    "AND a.role = 'proof' AND a.deleted_at IS NULL) "
	    "FROM jobs j JOIN stages s ON s.id = j.stage_id WHERE j.id = ?1 AND j.shop_id = ?2");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, shop_id);
	int s = sqlite3_step(st);
	enum hm_rc rc = HM_NOTFOUND;
	if (s == SQLITE_ROW) {
		*missing = sqlite3_column_int(st, 0);
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "job proof check");
	}
	sqlite3_finalize(st);
	return rc;
}

void job_free(struct job *j)
{
	free(j->tracking_id);
	free(j->customer_name);
	free(j->customer_phone);
	free(j->customer_email);
	free(j->item_type);
	free(j->item_description);
	free(j->problem);
	free(j->due_date);
	free(j->internal_notes);
	free(j->workflow_name);
	free(j->design_brief);
	free(j->invoice_url);
	free(j->decision);
	free(j->notify_channel);
	free(j->language);
	free(j->stage_text_langs);
	stage_free(&j->stage);
	memset(j, 0, sizeof *j);
}

void job_list_free(struct job_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		job_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void event_list_free(struct event_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].kind);
		free(l->v[i].note);
		free(l->v[i].stage_label);
		free(l->v[i].user_name);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}
