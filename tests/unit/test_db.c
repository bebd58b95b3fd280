/* Unit tests for src/lib/db.c: idempotent form writes (a form's key stored
 * with its write; the same form again answers HM_DUPLICATE and writes
 * nothing) and write connections that leave no WAL behind. */
#include "check.h"
#include "db.h"
#include "model.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/hallmark-test-db-XXXXXX";

static long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static int64_t count(sqlite3 *db, const char *sql)
{
	int64_t n = -1;
	sqlite3_stmt *st = db_prepare(db, sql);
	if (st && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* One write under a form key: a row in t, its id as the form's result. */
static enum hm_rc write_once(sqlite3 *db, const char *what, int fail)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO t(v) VALUES(?)");
	sqlite3_bind_text(st, 1, what, -1, SQLITE_STATIC);
	rc = db_rc(db, sqlite3_step(st), "insert");
	sqlite3_finalize(st);
	db_form_result(sqlite3_last_insert_rowid(db));
	if (rc != HM_OK || fail) {
		db_rollback(db);
		return fail ? HM_CONFLICT : rc;
	}
	return db_commit(db);
}

static void test_form_keys(sqlite3 *db)
{
	unsigned char k1[32], k2[32];
	memset(k1, 1, sizeof k1);
	memset(k2, 2, sizeof k2);

	/* No key: writes as ever. */
	db_form_key(NULL);
	CHECK(write_once(db, "a", 0) == HM_OK);
	CHECK(write_once(db, "a", 0) == HM_OK);
	CHECK(count(db, "SELECT count(*) FROM t") == 2);
	CHECK(count(db, "SELECT count(*) FROM form_keys") == 0);

	/* A refused write stores no key: the retry is a first try. */
	db_form_key(k1);
	CHECK(db_form_seen(db) == HM_OK);
	CHECK(write_once(db, "b", 1) == HM_CONFLICT);
	CHECK(count(db, "SELECT count(*) FROM form_keys") == 0);
	CHECK(write_once(db, "b", 0) == HM_OK);
	int64_t first = count(db, "SELECT max(id) FROM t");
	CHECK(count(db, "SELECT count(*) FROM form_keys") == 1);
	CHECK(count(db, "SELECT result FROM form_keys") == first);
	/* The key marks that write only: a second write of the same request
	 * is not refused (nor keyed). */
	CHECK(write_once(db, "c", 0) == HM_OK);

	/* The same form again, in another process: refused, nothing written,
	 * and told where the first one went. */
	db_form_key(k1);
	CHECK(db_form_seen(db) == HM_DUPLICATE);
	CHECK(db_form_prior() == first);
	CHECK(write_once(db, "b", 0) == HM_DUPLICATE);
	CHECK(db_form_prior() == first);
	CHECK(count(db, "SELECT count(*) FROM t WHERE v = 'b'") == 1);
	CHECK(sqlite3_get_autocommit(db));	/* no transaction left open */

	/* Another form is another write. */
	db_form_key(k2);
	CHECK(write_once(db, "b", 0) == HM_OK);
	CHECK(count(db, "SELECT count(*) FROM t WHERE v = 'b'") == 2);

	/* Old keys are forgotten, new ones kept. */
	CHECK(db_form_forget(db, (int64_t)hm_now() - 60) == 0);
	CHECK(db_form_forget(db, (int64_t)hm_now() + 60) == 2);
	CHECK(count(db, "SELECT count(*) FROM form_keys") == 0);
	db_form_key(NULL);
}

/* A connection that writes and closes leaves an empty log: the next
 * process opening the database has nothing to read back. */
static void test_wal_left_empty(const char *path)
{
	char wal[400];
	snprintf(wal, sizeof wal, "%s-wal", path);
	for (int i = 0; i < 20; i++) {
		sqlite3 *db = db_open(path, 0);
		CHECK(db != NULL);
		if (!db)
			return;
		CHECK(write_once(db, "x", 0) == HM_OK);
		CHECK(file_size(wal) > 0);	/* the write went to the log... */
		db_close(db);
		CHECK(file_size(wal) == 0);	/* ...which is empty after close */
	}
}

/* Two connections and a third left open (another CGI reading, say): the
 * writer that closes empties the log; it used to fall to the last
 * connection to close, which under load was seldom anyone. */
static void test_wal_emptied_by_each_writer(const char *path)
{
	char wal[400];
	snprintf(wal, sizeof wal, "%s-wal", path);
	sqlite3 *idle = db_open(path, 1), *a = db_open(path, 0), *b = db_open(path, 0);
	CHECK(idle && a && b);
	if (!idle || !a || !b)
		goto out;
	CHECK(count(idle, "SELECT count(*) FROM t") > 0);	/* it has read */
	CHECK(write_once(a, "by a", 0) == HM_OK);
	CHECK(write_once(b, "by b", 0) == HM_OK);
	CHECK(file_size(wal) > 0);
	/* b reading: a's close cannot take the log from under it... */
	sqlite3_stmt *st = db_prepare(b, "SELECT v FROM t");
	CHECK(st && sqlite3_step(st) == SQLITE_ROW);
	db_close(a);
	a = NULL;
	CHECK(file_size(wal) > 0);
	sqlite3_finalize(st);
	/* ...so b, the next writer to close, does. */
	db_close(b);
	b = NULL;
	CHECK(file_size(wal) == 0);
	CHECK(count(idle, "SELECT count(*) FROM t WHERE v IN ('by a', 'by b')") == 2);
out:
	db_close(a);
	db_close(b);
	db_close(idle);
}

int main(void)
{
	char path[300];
	int from, to;
	log_set_prog("test_db");
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(path, sizeof path, "%s/h.db", tmpdir);
	sqlite3 *db = db_create(path);
	CHECK(db != NULL);
	if (!db)
		return check_summary("db");
	CHECK(db_exec(db, "PRAGMA journal_mode=WAL") == HM_OK);
	CHECK(schema_migrate(db, &from, &to) == HM_OK && to == schema_latest());
	CHECK(db_exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)") == HM_OK);
	test_form_keys(db);
	db_close(db);
	test_wal_left_empty(path);
	test_wal_emptied_by_each_writer(path);

	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_summary("db");
}
