/* Job message threads. */
#include "messages.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "i18n.h"
#include "notify.h"
#include "utf8.h"
#include "util.h"

enum hm_rc msg_insert(sqlite3 *db, int64_t job_id, int from_customer, int64_t user_id,
    const char *body, time_t now)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO messages(job_id, at, author, user_id, body) "
	    "VALUES(?,?,?,?,?)");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, from_customer ? "customer" : "staff", -1, SQLITE_STATIC);
	if (user_id)
		sqlite3_bind_int64(st, 4, user_id);
	db_bind_str(st, 5, body);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "message insert");
	sqlite3_finalize(st);
	return rc;
}

/* Runs a one-row lookup that yields a job id, then inserts the message
 * and tells the other side, all inside one write transaction. */
static enum hm_rc post(sqlite3 *db, sqlite3_stmt *find, int from_customer, int64_t user_id,
    const char *body, time_t now, const struct notify_env *env)
{
	int s = sqlite3_step(find);
	int64_t job_id = s == SQLITE_ROW ? sqlite3_column_int64(find, 0) : 0;
	enum hm_rc rc = s == SQLITE_ROW ? HM_OK : s == SQLITE_DONE ? HM_NOTFOUND
	    : db_rc(db, s, "message job");
	if (rc == HM_OK)
		rc = msg_insert(db, job_id, from_customer, user_id, body, now);
	if (rc == HM_OK)
		rc = from_customer ? notify_staff(db, job_id, N_("the customer wrote"), body, env)
		    : notify_job(db, job_id, NK_STAFF_REPLY, env);
	if (rc == HM_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	return rc;
}

enum hm_rc msg_post_customer(sqlite3 *db, const char *tracking_id, const char *body, time_t now,
    const struct notify_env *env)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	sqlite3_stmt *st = db_prepare(db, "SELECT j.id FROM jobs j JOIN shops sh ON sh.id = j.shop_id "
	    "WHERE j.tracking_id = ?1 AND " JOB_PUBLIC_SQL("?2"));
	if (!st) {
		db_rollback(db);
		return HM_ERR;
	}
	db_bind_str(st, 1, tracking_id);
	sqlite3_bind_int64(st, 2, now);
	rc = post(db, st, 1, 0, body, now, env);
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc msg_post_staff(sqlite3 *db, int64_t shop_id, int64_t job_id, int64_t user_id,
    const char *body, time_t now, const struct notify_env *env)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM jobs WHERE id = ? AND shop_id = ? "
	    "AND deleted_at IS NULL");
	if (!st) {
		db_rollback(db);
		return HM_ERR;
	}
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, shop_id);
	rc = post(db, st, 0, user_id, body, now, env);
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc msg_list(sqlite3 *db, int64_t job_id, struct message_list *out)
{
	int s;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT m.id, m.at, m.author = 'customer', "
	    "m.author = 'customer' AND m.read_at IS NULL, m.body, "
	    "coalesce(nullif(u.display_name, ''), u.username, '') FROM messages m "
	    "LEFT JOIN users u ON u.id = m.user_id WHERE m.job_id = ? ORDER BY m.at, m.id");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, job_id);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		struct message *m = &out->v[out->n++];
		m->id = sqlite3_column_int64(st, 0);
		m->at = sqlite3_column_int64(st, 1);
		m->from_customer = sqlite3_column_int(st, 2);
		m->unread = sqlite3_column_int(st, 3);
		m->body = db_col_dup(st, 4);
		m->user_name = db_col_dup(st, 5);
	}
	sqlite3_finalize(st);
	enum hm_rc rc = db_rc(db, s, "message list");
	if (rc != HM_OK)
		msg_list_free(out);
	return rc;
}

void msg_list_free(struct message_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].body);
		free(l->v[i].user_name);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

enum hm_rc msg_mark_read(sqlite3 *db, int64_t shop_id, int64_t job_id, time_t now)
{
	sqlite3_stmt *st = db_prepare(db, "UPDATE messages SET read_at = ?1 WHERE job_id = ?2 "
	    "AND author = 'customer' AND read_at IS NULL "
	    "AND EXISTS (SELECT 1 FROM jobs WHERE id = ?2 AND shop_id = ?3)");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, job_id);
	sqlite3_bind_int64(st, 3, shop_id);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "message read");
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc msg_inbox(sqlite3 *db, int64_t shop_id, size_t offset, size_t limit,
    struct inbox_list *out)
{
	enum hm_rc rc = HM_ERR;
	int s;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM jobs j WHERE j.shop_id = ? "
	    "AND j.deleted_at IS NULL AND EXISTS (SELECT 1 FROM messages m WHERE m.job_id = j.id)");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	if ((s = sqlite3_step(st)) == SQLITE_ROW)
		out->total = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (s != SQLITE_ROW)
		return db_rc(db, s, "inbox count");
	st = db_prepare(db, "SELECT j.id, j.tracking_id, j.customer_name, j.item_type, "
	    "(SELECT count(*) FROM messages u WHERE u.job_id = j.id AND u.author = 'customer' "
	    " AND u.read_at IS NULL) AS unread, l.at, l.author = 'customer', l.body "
	    "FROM jobs j JOIN messages l ON l.id = (SELECT id FROM messages WHERE job_id = j.id "
	    " ORDER BY at DESC, id DESC LIMIT 1) "
	    "WHERE j.shop_id = ? AND j.deleted_at IS NULL "
	    "ORDER BY unread > 0 DESC, l.at DESC, l.id DESC LIMIT ? OFFSET ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	sqlite3_bind_int64(st, 3, (int64_t)offset);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		struct inbox_row *r = &out->v[out->n++];
		r->job_id = sqlite3_column_int64(st, 0);
		r->tracking_id = db_col_dup(st, 1);
		r->customer_name = db_col_dup(st, 2);
		r->item_type = db_col_dup(st, 3);
		r->unread = sqlite3_column_int(st, 4);
		r->last_at = sqlite3_column_int64(st, 5);
		r->last_from_customer = sqlite3_column_int(st, 6);
		r->last_body = db_col_dup(st, 7);
	}
	sqlite3_finalize(st);
	rc = db_rc(db, s, "inbox");
	if (rc != HM_OK)
		inbox_list_free(out);
	return rc;
}

void inbox_list_free(struct inbox_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].tracking_id);
		free(l->v[i].customer_name);
		free(l->v[i].item_type);
		free(l->v[i].last_body);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

int msg_unread_total(sqlite3 *db, int64_t shop_id)
{
	int n = 0;
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM messages m JOIN jobs j "
	    "ON j.id = m.job_id WHERE j.shop_id = ? AND j.deleted_at IS NULL "
	    "AND m.author = 'customer' AND m.read_at IS NULL");
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, shop_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

int msg_body_ok(const char *body)
{
	if (!body)
		return 0;
	int blank = 1;
	for (const char *p = body; *p && blank; p++)
		blank = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';
	/* The request layer counts characters the same way for its limit. */
	return !blank && utf8_chars(body, strlen(body)) <= MSG_MAX_CHARS;
}
