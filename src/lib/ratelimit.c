#include "ratelimit.h"

#include <sodium.h>

#include "db.h"

int rl_migrate(sqlite3 *db)
{
	if (db_exec(db, "CREATE TABLE IF NOT EXISTS hits("
	    " scope TEXT NOT NULL, key BLOB NOT NULL, win INTEGER NOT NULL, n INTEGER NOT NULL,"
	    " PRIMARY KEY(scope, key, win)) WITHOUT ROWID") != HM_OK)
		return -1;
	if (db_exec(db, "CREATE TABLE IF NOT EXISTS known("
	    " key BLOB PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID") != HM_OK)
		return -1;
	return 0;
}

sqlite3 *rl_open(const char *path)
{
	return db_open(path, 0);
}

/* A window is stored as its start time, so rows counted with different
 * window lengths can be swept by age alike. */
int rl_attach(sqlite3 *db, const char *path)
{
	sqlite3_stmt *st = db_prepare(db, "ATTACH DATABASE ? AS rl");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	int rc = db_rc(db, sqlite3_step(st), "rate limit attach");
	sqlite3_finalize(st);
	return rc == HM_OK ? 0 : -1;
}

static int64_t window_of(int window, time_t now)
{
	int64_t w = window > 0 ? window : 1;
	return (int64_t)now / w * w;
}

/* The longest window the configuration allows (config.c). */
#define RL_MAX_WINDOW 86400
_Static_assert(RL_FORGET_AFTER >= 2 * RL_MAX_WINDOW, "a count is forgotten while in use");

/* The count of (scope, key) in now's window read by st (prepared by the
 * caller from its table's literal SQL): 1 when it has reached limit, 0
 * when not, -1 on error. */
static int count_over(sqlite3 *db, sqlite3_stmt *st, const char *scope,
    const unsigned char key[16], int limit, int window, time_t now, const char *what)
{
	int over = -1;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, key, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, window_of(window, now));
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		over = sqlite3_column_int(st, 0) >= limit;
	else if (rc == SQLITE_DONE)
		over = 0;
	else
		db_rc(db, rc, what);
	sqlite3_finalize(st);
	return over;
}

/* Adds one to the count st upserts; the new count, or -1. */
static int count_hit(sqlite3 *db, sqlite3_stmt *st, const char *scope,
    const unsigned char key[16], int window, time_t now, const char *what)
{
	int n = -1;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, key, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, window_of(window, now));
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	else
		db_rc(db, rc, what);
	sqlite3_finalize(st);
	return n;
}

int rl_over(sqlite3 *db, const char *scope, const unsigned char key[16],
    int limit, int window, time_t now)
{
	return count_over(db, db_prepare(db,
	    "SELECT n FROM hits WHERE scope = ? AND key = ? AND win = ?"),
	    scope, key, limit, window, now, "rate limit read");
}

int rl_hit(sqlite3 *db, const char *scope, const unsigned char key[16],
    int window, time_t now)
{
	int n = count_hit(db, db_prepare(db,
	    "INSERT INTO hits(scope, key, win, n) VALUES(?, ?, ?, 1) "
	    "ON CONFLICT(scope, key, win) DO UPDATE SET n = n + 1 RETURNING n"),
	    scope, key, window, now, "rate limit write");
	/* Old windows are swept now and then rather than on every hit. */
	if (n > 0 && randombytes_uniform(32) == 0) {
		sqlite3_stmt *st = db_prepare(db, "DELETE FROM hits WHERE win < ?");
		if (st) {
			sqlite3_bind_int64(st, 1, (int64_t)now - RL_FORGET_AFTER);
			(void)db_rc(db, sqlite3_step(st), "rate limit sweep");
			sqlite3_finalize(st);
		}
	}
	return n;
}

int rl_hit_store(const char *path, const char *scope, const unsigned char key[16],
    int window, time_t now)
{
	sqlite3 *db = rl_open(path);
	int n = db ? rl_hit(db, scope, key, window, now) : -1;
	db_close(db);
	return n;
}

/* The same counts as rl_over/rl_hit, in the main database's table. */
int rl_msg_over(sqlite3 *db, const char *scope, const unsigned char key[16],
    int limit, int window, time_t now)
{
	return count_over(db, db_prepare(db,
	    "SELECT n FROM main.message_hits WHERE scope = ? AND key = ? AND win = ?"),
	    scope, key, limit, window, now, "message limit read");
}

/* No sweep here, unlike rl_hit: it would lengthen the write it is part
 * of, and hallmarkctl purge forgets old windows (rl_msg_forget). */
int rl_msg_hit(sqlite3 *db, const char *scope, const unsigned char key[16],
    int window, time_t now)
{
	return count_hit(db, db_prepare(db,
	    "INSERT INTO main.message_hits(scope, key, win, n) VALUES(?, ?, ?, 1) "
	    "ON CONFLICT(scope, key, win) DO UPDATE SET n = n + 1 RETURNING n"),
	    scope, key, window, now, "message limit write");
}

int rl_msg_forget(sqlite3 *db, time_t before)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM main.message_hits WHERE win < ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)before);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "message limit forget");
	sqlite3_finalize(st);
	return rc == HM_OK ? sqlite3_changes(db) : -1;
}

void rl_clear(sqlite3 *db, const char *scope, const unsigned char key[16],
    int window, time_t now)
{
	sqlite3_stmt *st = db_prepare(db,
	    "DELETE FROM hits WHERE scope = ? AND key = ? AND win = ?");
	if (!st)
		return;
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, key, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, window_of(window, now));
	(void)db_rc(db, sqlite3_step(st), "rate limit clear");
	sqlite3_finalize(st);
}

void rl_unhit(sqlite3 *db, const char *scope, const unsigned char key[16],
    int window, time_t now)
{
	sqlite3_stmt *st = db_prepare(db,
	    "UPDATE hits SET n = n - 1 WHERE scope = ? AND key = ? AND win = ? AND n > 0");
	if (!st)
		return;
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, key, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, window_of(window, now));
	(void)db_rc(db, sqlite3_step(st), "rate limit unhit");
	sqlite3_finalize(st);
}

int rl_known(sqlite3 *db, const unsigned char key[16], time_t now)
{
	int known = -1;
	sqlite3_stmt *st = db_prepare(db, "SELECT until > ? FROM known WHERE key = ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)now);
	sqlite3_bind_blob(st, 2, key, 16, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		known = sqlite3_column_int(st, 0);
	else if (rc == SQLITE_DONE)
		known = 0;
	else
		db_rc(db, rc, "rate limit known");
	sqlite3_finalize(st);
	return known;
}

void rl_remember(sqlite3 *db, const unsigned char key[16], time_t until)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO known(key, until) VALUES(?, ?) "
	    "ON CONFLICT(key) DO UPDATE SET until = excluded.until");
	if (!st)
		return;
	sqlite3_bind_blob(st, 1, key, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)until);
	(void)db_rc(db, sqlite3_step(st), "rate limit remember");
	sqlite3_finalize(st);
}
