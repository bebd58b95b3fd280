#include "accounts.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "model.h"
#include "util.h"

#define USER_COLS "u.id, u.shop_id, u.created_at, u.username, u.display_name, s.slug, " \
	"u.is_owner, u.disabled"

static void user_read(sqlite3_stmt *st, struct user_row *u)
{
	u->id = sqlite3_column_int64(st, 0);
	u->shop_id = sqlite3_column_int64(st, 1);
	u->created_at = sqlite3_column_int64(st, 2);
	u->username = db_col_dup(st, 3);
	u->display_name = db_col_dup(st, 4);
	u->shop_slug = db_col_dup(st, 5);
	u->is_owner = sqlite3_column_int(st, 6);
	u->disabled = sqlite3_column_int(st, 7);
}

enum hm_rc user_list(sqlite3 *db, int64_t shop_id, struct user_list *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT " USER_COLS " FROM users u "
	    "JOIN shops s ON s.id = u.shop_id WHERE ?1 = 0 OR u.shop_id = ?1 "
	    "ORDER BY s.slug, u.disabled, u.username");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	size_t cap = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 8;
			out->v = xrealloc(out->v, cap * sizeof *out->v);
		}
		user_read(st, &out->v[out->n++]);
	}
	enum hm_rc rc = s == SQLITE_DONE ? HM_OK : db_rc(db, s, "user list");
	sqlite3_finalize(st);
	if (rc != HM_OK)
		user_list_free(out);
	return rc;
}

static enum hm_rc user_one(sqlite3 *db, sqlite3_stmt *st, struct user_row *out)
{
	memset(out, 0, sizeof *out);
	if (!st)
		return HM_ERR;
	enum hm_rc rc = HM_NOTFOUND;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		user_read(st, out);
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "user get");
	}
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc user_get(sqlite3 *db, int64_t shop_id, int64_t id, struct user_row *out)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT " USER_COLS " FROM users u "
	    "JOIN shops s ON s.id = u.shop_id WHERE u.id = ?1 AND (?2 = 0 OR u.shop_id = ?2)");
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, shop_id);
	}
	return user_one(db, st, out);
}

enum hm_rc user_by_name(sqlite3 *db, const char *username, struct user_row *out)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT " USER_COLS " FROM users u "
	    "JOIN shops s ON s.id = u.shop_id WHERE u.username = ?1");
	if (st)
		db_bind_str(st, 1, username);
	return user_one(db, st, out);
}

void user_row_free(struct user_row *u)
{
	free(u->username);
	free(u->display_name);
	free(u->shop_slug);
	memset(u, 0, sizeof *u);
}

void user_list_free(struct user_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		user_row_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

int username_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 40)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

enum hm_rc user_add(sqlite3 *db, int64_t shop_id, const char *username, const char *name,
    const char *pwhash, int is_owner, time_t now, int64_t *id)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	if ((rc = user_create(db, shop_id, username, name, pwhash, is_owner, now, id)) == HM_OK) {
		db_form_result(*id);
		rc = audit_record(db, AUDIT_USER, shop_id, *id, "user.add", NULL, 0, now);
	}
	if (rc == HM_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}

/* The shop's enabled owners, inside the caller's transaction; -1 on error. */
static int owners(sqlite3 *db, int64_t shop_id)
{
	int n = -1;
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM users "
	    "WHERE shop_id = ? AND is_owner = 1 AND disabled = 0");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, shop_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Ends a write that must leave the shop an owner unless allowed: commit,
 * or HM_CONFLICT and nothing written. */
static enum hm_rc finish_owned(sqlite3 *db, enum hm_rc rc, int64_t shop_id, int allow_ownerless,
    int *owners_left)
{
	int n = rc == HM_OK ? owners(db, shop_id) : 0;
	if (rc == HM_OK && n < 0)
		rc = HM_ERR;
	if (rc == HM_OK && n == 0 && !allow_ownerless)
		rc = HM_CONFLICT;
	if (rc == HM_OK && (rc = db_commit(db)) == HM_OK && owners_left)
		*owners_left = n;
	if (rc != HM_OK)
		db_rollback(db);
	return rc;
}

enum hm_rc user_change(sqlite3 *db, int64_t shop_id, int64_t id, const char *name, int is_owner,
    int disabled, int allow_ownerless, int *owners_left)
{
	audit_watch(AUDIT_USER, shop_id, id, "user.edit", 0);
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	sqlite3_stmt *st = db_prepare(db, "UPDATE users SET "
	    "display_name = coalesce(?3, display_name), "
	    "is_owner = CASE WHEN ?4 < 0 THEN is_owner ELSE ?4 END, "
	    "disabled = CASE WHEN ?5 < 0 THEN disabled ELSE ?5 END "
	    "WHERE id = ?1 AND shop_id = ?2");
	if (!st) {
		db_rollback(db);
		return HM_ERR;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, shop_id);
	if (name)
		db_bind_str(st, 3, name);
	sqlite3_bind_int(st, 4, is_owner < 0 ? -1 : !!is_owner);
	sqlite3_bind_int(st, 5, disabled < 0 ? -1 : !!disabled);
	rc = db_rc(db, sqlite3_step(st), "user change");
	if (rc == HM_OK && sqlite3_changes(db) == 0)
		rc = HM_NOTFOUND;
	sqlite3_finalize(st);
	/* Disabled means signed out now, not at the session's expiry. */
	if (rc == HM_OK && disabled > 0)
		rc = session_delete_user(db, id, NULL);
	return finish_owned(db, rc, shop_id, allow_ownerless, owners_left);
}

enum hm_rc user_reset_password(sqlite3 *db, int64_t shop_id, int64_t id, const char *pwhash,
    const char *keep_token)
{
	struct user_row u;
	enum hm_rc rc = user_get(db, shop_id, id, &u);
	if (rc != HM_OK)
		return rc;
	audit_watch(AUDIT_USER, u.shop_id, id, "user.password", 1);
	user_row_free(&u);
	return auth_set_password(db, id, pwhash, keep_token);
}

enum hm_rc user_remove(sqlite3 *db, int64_t shop_id, int64_t id, int *owners_left)
{
	char *before = NULL;
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	/* History names who did it: an account with some is disabled, not
	 * deleted, so its name stays on what it did. */
	sqlite3_stmt *st = db_prepare(db, "SELECT EXISTS (SELECT 1 FROM job_events WHERE user_id = ?1) "
	    "OR EXISTS (SELECT 1 FROM messages WHERE user_id = ?1) "
	    "OR EXISTS (SELECT 1 FROM passport_events WHERE user_id = ?1)");
	if (!st) {
		rc = HM_ERR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s != SQLITE_ROW)
		rc = db_rc(db, s, "user history");
	else if (sqlite3_column_int(st, 0))
		rc = HM_CONFLICT;
	sqlite3_finalize(st);
	if (rc != HM_OK)
		goto out;
	if (!(before = audit_snapshot(db, AUDIT_USER, shop_id, id))) {
		rc = HM_NOTFOUND;
		goto out;
	}
	if (!(st = db_prepare(db, "DELETE FROM users WHERE id = ?1 AND shop_id = ?2"))) {
		rc = HM_ERR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, shop_id);
	rc = db_rc(db, sqlite3_step(st), "user remove");
	sqlite3_finalize(st);
	if (rc == HM_OK)
		rc = audit_record(db, AUDIT_USER, shop_id, id, "user.remove", before, 1, hm_now());
out:
	free(before);
	return finish_owned(db, rc, shop_id, 1, owners_left);
}
