/* Photos of passports and jobs, and shop logos. The owner kind chooses
 * between fixed statements; SQL is never built from what a request carried. */
#include "attachments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	snprintf(dst, n, "%s", db_col_str(st, col));
}

#define ATT_COLS "id, shop_id, owner_id, owner_kind, role, stored_name, is_public, " \
	"display_w, display_h, bytes, created_at "

static void att_row(sqlite3_stmt *st, struct attachment *a)
{
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(st, 0);
	a->shop_id = sqlite3_column_int64(st, 1);
	a->owner_id = sqlite3_column_int64(st, 2);
	copy_col(a->owner_kind, sizeof a->owner_kind, st, 3);
	copy_col(a->role, sizeof a->role, st, 4);
	copy_col(a->stored_name, sizeof a->stored_name, st, 5);
	a->is_public = sqlite3_column_int(st, 6);
	a->display_w = sqlite3_column_int(st, 7);
	a->display_h = sqlite3_column_int(st, 8);
	a->bytes = sqlite3_column_int64(st, 9);
	a->created_at = sqlite3_column_int64(st, 10);
}

enum hm_rc attachment_list(sqlite3 *db, const char *owner_kind, int64_t owner_id,
    int public_only, struct attachment_list *out)
{
	int s;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT " ATT_COLS "FROM attachments "
	    "WHERE owner_kind = ?1 AND owner_id = ?2 AND deleted_at IS NULL "
	    "AND (?3 = 0 OR is_public = 1) "
	    "ORDER BY role <> 'primary', created_at, id");
	if (!st)
		return HM_ERR;
	sqlite3_bind_text(st, 1, owner_kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, owner_id);
	sqlite3_bind_int(st, 3, public_only ? 1 : 0);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		att_row(st, &out->v[out->n++]);
	}
	sqlite3_finalize(st);
	enum hm_rc rc = db_rc(db, s, "attachment list");
	if (rc != HM_OK)
		attachment_list_free(out);
	return rc;
}

/* Steps a bound one-row query of ATT_COLS into out, then finalizes it. */
static enum hm_rc att_one(sqlite3 *db, sqlite3_stmt *st, struct attachment *out, const char *what)
{
	int s = sqlite3_step(st);
	enum hm_rc rc = HM_NOTFOUND;
	if (s == SQLITE_ROW) {
		att_row(st, out);
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, what);
	}
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc attachment_get(sqlite3 *db, int64_t shop_id, int64_t id, struct attachment *out)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT " ATT_COLS "FROM attachments "
	    "WHERE id = ? AND shop_id = ? AND deleted_at IS NULL");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, shop_id);
	return att_one(db, st, out, "attachment get");
}

void attachment_list_free(struct attachment_list *l)
{
	if (!l)
		return;
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

enum hm_rc attachment_owner_check(sqlite3 *db, int64_t shop_id, const char *owner_kind,
    int64_t owner_id)
{
	/* The owner-exists-in-shop query for each kind. */
	sqlite3_stmt *st;
	if (owner_kind && !strcmp(owner_kind, "passport"))
		st = db_prepare(db, "SELECT 1 FROM passports WHERE id = ?1 AND shop_id = ?2 "
		    "AND deleted_at IS NULL");
	else if (owner_kind && !strcmp(owner_kind, "job"))
		st = db_prepare(db, "SELECT 1 FROM jobs WHERE id = ?1 AND shop_id = ?2 "
		    "AND deleted_at IS NULL");
	/* A shop owns its logo: the owner is the shop itself. */
	else if (owner_kind && !strcmp(owner_kind, "shop"))
		st = db_prepare(db, "SELECT 1 FROM shops WHERE id = ?1 AND id = ?2");
	else
		return HM_NOTFOUND;
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, owner_id);
	sqlite3_bind_int64(st, 2, shop_id);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s == SQLITE_ROW)
		return HM_OK;
	if (s == SQLITE_DONE)
		return HM_NOTFOUND;
	return db_rc(db, s, "attachment owner");
}

/* 1 for the roles an owner has at most one of: a new one replaces the old. */
static int role_single(const char *role)
{
	return !strcmp(role, "primary") || !strcmp(role, "logo");
}

/* Live photos the owner would have besides the one being replaced. */
static enum hm_rc live_count(sqlite3 *db, const struct attachment_new *in, int64_t *n)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM attachments WHERE owner_kind = ?1 "
	    "AND owner_id = ?2 AND deleted_at IS NULL "
	    "AND NOT (?3 IN ('primary', 'logo') AND role = ?3)");
	if (!st)
		return HM_ERR;
	sqlite3_bind_text(st, 1, in->owner_kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, in->owner_id);
	sqlite3_bind_text(st, 3, in->role, -1, SQLITE_TRANSIENT);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return s == SQLITE_ROW ? HM_OK : db_rc(db, s, "attachment count");
}

static enum hm_rc step_done(sqlite3 *db, sqlite3_stmt *st, const char *where)
{
	if (!st)
		return HM_ERR;
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	return db_rc(db, s, where);
}

enum hm_rc attachment_add(sqlite3 *db, const struct attachment_new *in, time_t now,
    int64_t *id)
{
	int64_t n = 0;
	sqlite3_stmt *st;
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	/* Checked again inside the transaction: the owner may have been
	 * deleted while the photo was being processed. */
	if ((rc = attachment_owner_check(db, in->shop_id, in->owner_kind, in->owner_id)) != HM_OK)
		goto out;
	if ((rc = live_count(db, in, &n)) != HM_OK)
		goto out;
	if (n >= ATTACH_MAX_PER_OWNER) {
		rc = HM_CONFLICT;
		goto out;
	}
	if (role_single(in->role)) {
		st = db_prepare(db, "UPDATE attachments SET deleted_at = ?1 WHERE owner_kind = ?2 "
		    "AND owner_id = ?3 AND shop_id = ?4 AND role = ?5 AND deleted_at IS NULL");
		if (st) {
			sqlite3_bind_int64(st, 1, now);
			sqlite3_bind_text(st, 2, in->owner_kind, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 3, in->owner_id);
			sqlite3_bind_int64(st, 4, in->shop_id);
			sqlite3_bind_text(st, 5, in->role, -1, SQLITE_TRANSIENT);
		}
		if ((rc = step_done(db, st, "attachment replace primary")) != HM_OK)
			goto out;
	}
	st = db_prepare(db, "INSERT INTO attachments(shop_id, owner_kind, owner_id, role, "
	    "is_public, stored_name, display_w, display_h, bytes, created_at) "
	    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	if (st) {
		sqlite3_bind_int64(st, 1, in->shop_id);
		sqlite3_bind_text(st, 2, in->owner_kind, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, in->owner_id);
		sqlite3_bind_text(st, 4, in->role, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 5, in->is_public || !strcmp(in->role, "proof") ? 1 : 0);
		sqlite3_bind_text(st, 6, in->stored_name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 7, in->display_w);
		sqlite3_bind_int(st, 8, in->display_h);
		sqlite3_bind_int64(st, 9, in->bytes);
		sqlite3_bind_int64(st, 10, now);
	}
	if ((rc = step_done(db, st, "attachment insert")) != HM_OK)
		goto out;
	db_form_result(sqlite3_last_insert_rowid(db));
	if (id)
		*id = sqlite3_last_insert_rowid(db);
	rc = db_commit(db);
	return rc;
out:
	db_rollback(db);
	return rc;
}

enum hm_rc attachment_delete(sqlite3 *db, int64_t shop_id, const char *owner_kind,
    int64_t owner_id, int64_t id, time_t now)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	sqlite3_stmt *st = db_prepare(db, "UPDATE attachments SET deleted_at = ?1 WHERE id = ?2 "
	    "AND shop_id = ?3 AND owner_kind = ?4 AND owner_id = ?5 AND deleted_at IS NULL");
	if (st) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, id);
		sqlite3_bind_int64(st, 3, shop_id);
		sqlite3_bind_text(st, 4, owner_kind, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 5, owner_id);
	}
	if ((rc = step_done(db, st, "attachment delete")) != HM_OK) {
		db_rollback(db);
		return rc;
	}
	if (sqlite3_changes(db) == 0) {
		db_rollback(db);
		return HM_NOTFOUND;
	}
	return db_commit(db);
}

enum hm_rc attachment_set_job(sqlite3 *db, int64_t shop_id, int64_t job_id, int64_t id,
    const char *role, int is_public)
{
	/* A proof is what the customer is asked to decide on: it is public. */
	int pub = is_public || !strcmp(role, "proof");
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	if ((rc = attachment_owner_check(db, shop_id, "job", job_id)) != HM_OK)
		goto out;
	sqlite3_stmt *st = db_prepare(db, "UPDATE attachments SET role = ?1, is_public = ?2 "
	    "WHERE id = ?3 AND shop_id = ?4 AND owner_kind = 'job' AND owner_id = ?5 "
	    "AND deleted_at IS NULL");
	if (st) {
		sqlite3_bind_text(st, 1, role, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, pub);
		sqlite3_bind_int64(st, 3, id);
		sqlite3_bind_int64(st, 4, shop_id);
		sqlite3_bind_int64(st, 5, job_id);
	}
	if ((rc = step_done(db, st, "attachment set job")) != HM_OK)
		goto out;
	if (sqlite3_changes(db) == 0) {
		rc = HM_NOTFOUND;
		goto out;
	}
	return db_commit(db);
out:
	db_rollback(db);
	return rc;
}

enum hm_rc attachment_set_primary(sqlite3 *db, int64_t shop_id, int64_t passport_id, int64_t id)
{
	sqlite3_stmt *st = NULL;
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	if ((rc = attachment_owner_check(db, shop_id, "passport", passport_id)) != HM_OK)
		goto out;
	/* One primary per passport (attachments_one_primary): the old one
	 * steps down first; a photo that is not the passport's rolls both back. */
	st = db_prepare(db, "UPDATE attachments SET role = 'gallery' WHERE shop_id = ?1 "
	    "AND owner_kind = 'passport' AND owner_id = ?2 AND role = 'primary' AND deleted_at IS NULL");
	if (st) {
		sqlite3_bind_int64(st, 1, shop_id);
		sqlite3_bind_int64(st, 2, passport_id);
	}
	if ((rc = step_done(db, st, "attachment primary to gallery")) != HM_OK)
		goto out;
	st = db_prepare(db, "UPDATE attachments SET role = 'primary' WHERE id = ?1 AND shop_id = ?2 "
	    "AND owner_kind = 'passport' AND owner_id = ?3 AND deleted_at IS NULL");
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, shop_id);
		sqlite3_bind_int64(st, 3, passport_id);
	}
	if ((rc = step_done(db, st, "attachment set primary")) != HM_OK)
		goto out;
	if (sqlite3_changes(db) == 0) {
		rc = HM_NOTFOUND;
		goto out;
	}
	return db_commit(db);
out:
	db_rollback(db);
	return rc;
}

static int by_id(const void *a, const void *b)
{
	int64_t x = ((const struct attachment *)a)->id, y = ((const struct attachment *)b)->id;
	return (x > y) - (x < y);
}

enum hm_rc attachment_list_order(sqlite3 *db, int64_t job_id, struct attachment_list *out)
{
	int s;
	memset(out, 0, sizeof *out);
	/* Two arms of one OR, each an equality on attachments_by_owner, so
	 * SQLite reads two short index ranges; the job's shop comes from its
	 * primary key once. The caller has already found the job live. The
	 * busiest page compiles this on every request, so it names only the
	 * columns the page uses and sorts in C rather than in a temporary
	 * b-tree: ids grow with every upload, so id order is upload order. */
	sqlite3_stmt *st = db_prepare(db, "SELECT id, owner_kind, role, stored_name, "
	    "display_w, display_h FROM attachments "
	    "WHERE deleted_at IS NULL AND is_public = 1 AND ("
	    "(owner_kind = 'job' AND owner_id = ?1) OR "
	    "(owner_kind = 'shop' AND role = 'logo' "
	    " AND owner_id = (SELECT shop_id FROM jobs WHERE id = ?1)))");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, job_id);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		struct attachment *a = &out->v[out->n++];
		memset(a, 0, sizeof *a);
		a->id = sqlite3_column_int64(st, 0);
		copy_col(a->owner_kind, sizeof a->owner_kind, st, 1);
		copy_col(a->role, sizeof a->role, st, 2);
		copy_col(a->stored_name, sizeof a->stored_name, st, 3);
		a->display_w = sqlite3_column_int(st, 4);
		a->display_h = sqlite3_column_int(st, 5);
		a->is_public = 1;
	}
	sqlite3_finalize(st);
	enum hm_rc rc = db_rc(db, s, "attachment order list");
	if (rc != HM_OK)
		attachment_list_free(out);
	else if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, by_id);
	return rc;
}

enum hm_rc attachment_shop_logo(sqlite3 *db, int64_t shop_id, struct attachment *out)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT " ATT_COLS "FROM attachments "
	    "WHERE owner_kind = 'shop' AND owner_id = ?1 AND shop_id = ?1 AND role = 'logo' "
	    "AND deleted_at IS NULL");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	return att_one(db, st, out, "attachment shop logo");
}

enum hm_rc attachment_public_ok(sqlite3 *db, const char *stored_name, time_t now)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM attachments a "
	    "WHERE a.stored_name = ?1 AND a.deleted_at IS NULL AND a.is_public = 1 AND ("
	    "(a.owner_kind = 'passport' AND EXISTS (SELECT 1 FROM passports p "
	    "  WHERE p.id = a.owner_id AND p.shop_id = a.shop_id "
	    "  AND p.is_public = 1 AND p.deleted_at IS NULL)) OR "
	    "(a.owner_kind = 'job' AND EXISTS (SELECT 1 FROM jobs j JOIN shops sh ON sh.id = j.shop_id "
	    "  WHERE j.id = a.owner_id AND j.shop_id = a.shop_id AND " JOB_PUBLIC_SQL("?2") ")) OR "
	    "(a.owner_kind = 'shop' AND a.role = 'logo' AND a.owner_id = a.shop_id))");
	if (!st)
		return HM_ERR;
	sqlite3_bind_text(st, 1, stored_name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (int64_t)now);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s == SQLITE_ROW)
		return HM_OK;
	if (s == SQLITE_DONE)
		return HM_NOTFOUND;
	return db_rc(db, s, "attachment public");
}

void attachment_file(const struct attachment *a, char kind, char out[ATTACH_NAME_LEN + 7])
{
	snprintf(out, ATTACH_NAME_LEN + 7, "%s-%c.jpg", a->stored_name, kind == 't' ? 't' : 'd');
}
