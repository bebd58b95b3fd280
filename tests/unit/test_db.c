/* Unit tests for src/lib/db.c: idempotent form writes (a form's key stored
 * with its write; the same form again answers HM_DUPLICATE and writes
 * nothing), work done just before a commit, write connections that
 * leave no WAL behind, and the writers' queue (two processes). */
#include "check.h"
#include "db.h"
#include "model.h"
#include "util.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/hallmark-test-db-XXXXXX";

/* nftw's visitor: the test's directory goes without a shell. */
static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

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

static enum hm_rc refuse(sqlite3 *db, void *arg)
{
	(void)db;
	++*(int *)arg;
	return HM_LIMITED;
}

static enum hm_rc count_it(sqlite3 *db, void *arg)
{
	++*(int *)arg;
	return db_exec(db, "INSERT INTO t(v) VALUES('counted')");
}

/* db_before_commit: its work is part of the write (refused, nothing of
 * the write stays, not even the form's key), and of that write only. */
static void test_before_commit(sqlite3 *db)
{
	unsigned char k[32];
	int runs = 0;
	memset(k, 3, sizeof k);
	int64_t before = count(db, "SELECT count(*) FROM t");

	db_form_key(k);
	db_before_commit(refuse, &runs);
	CHECK(write_once(db, "refused", 0) == HM_LIMITED);
	CHECK(runs == 1);
	CHECK(count(db, "SELECT count(*) FROM t") == before);
	CHECK(count(db, "SELECT count(*) FROM form_keys "
	    "WHERE key = x'0303030303030303030303030303030303030303030303030303030303030303'") == 0);
	/* Not carried over to the next write... */
	CHECK(write_once(db, "next", 0) == HM_OK);
	CHECK(runs == 1);
	CHECK(count(db, "SELECT count(*) FROM t") == before + 1);

	/* ...nor past a write that ended otherwise (rolled back). */
	runs = 0;
	db_before_commit(count_it, &runs);
	CHECK(write_once(db, "rolled back", 1) == HM_CONFLICT);
	CHECK(write_once(db, "plain", 0) == HM_OK);
	CHECK(runs == 0);
	CHECK(count(db, "SELECT count(*) FROM t WHERE v = 'counted'") == 0);

	/* Work that succeeds commits with the write. */
	db_before_commit(count_it, &runs);
	CHECK(write_once(db, "with count", 0) == HM_OK);
	CHECK(runs == 1);
	CHECK(count(db, "SELECT count(*) FROM t WHERE v IN ('with count', 'counted')") == 2);
	db_form_key(NULL);
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

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* This program's path, to run it again (under valgrind /proc/self/exe
 * would be valgrind). */
static char self[4096];

/* A writer in another process: this program again (run_child: a fresh
 * process, as SQLite wants, not a fork of one that has the database open)
 * runs db_begin on path. Its exit status: 0 when it got in and saw `rows`
 * rows of t, 10 + hm_rc when db_begin failed; its wait in ms on stdout. */
static pid_t begin_in_child(const char *path, int64_t rows, int out)
{
	char n[32];
	snprintf(n, sizeof n, "%lld", (long long)rows);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	dup2(out, 1);
	execl(self, "test_db", "--begin", path, n, (char *)NULL);
	_exit(97);
}

static int run_child(const char *path, int64_t rows)
{
	if (!freopen("/dev/null", "w", stderr))	/* its busy log is expected */
		return 96;
	sqlite3 *db = db_open(path, 0);
	if (!db)
		return 99;
	double t0 = now_s();
	enum hm_rc rc = db_begin(db);
	int ms = (int)((now_s() - t0) * 1000);
	int code = rc != HM_OK ? 10 + (int)rc
	    : count(db, "SELECT count(*) FROM t") == rows ? 0 : 3;
	if (write(1, &ms, sizeof ms) != sizeof ms)
		code = 98;
	if (rc == HM_OK)
		db_rollback(db);
	db_close(db);	/* nothing left for LeakSanitizer to fail the exit on */
	return code;
}

static int child_result(pid_t pid, int in, int *ms)
{
	int status = -1;
	*ms = -1;
	if (read(in, ms, sizeof *ms) != sizeof *ms)
		*ms = -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The writers' queue, between processes: a writer waits in it while
 * another writes and goes in when that one commits; one that never lets
 * go leaves the waiter HM_BUSY at the deadline, not for ever. */
static void test_queue(const char *dir)
{
	char path[300], qpath[320];
	int p[2], ms;
	snprintf(path, sizeof path, "%s/q.db", dir);
	snprintf(qpath, sizeof qpath, "%s-writers", path);
	sqlite3 *db = db_create(path);
	CHECK(db != NULL);
	if (!db || pipe(p) != 0)
		return;
	CHECK(db_exec(db, "PRAGMA journal_mode=WAL") == HM_OK);
	CHECK(db_exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)") == HM_OK);

	/* Created by the first write, for its owner alone, whatever the umask. */
	CHECK(access(qpath, F_OK) != 0);
	mode_t mask = umask(0);
	CHECK(db_begin(db) == HM_OK);
	umask(mask);
	struct stat sb;
	CHECK(lstat(qpath, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 07777) == 0600);
	CHECK(db_exec(db, "INSERT INTO t(v) VALUES('first')") == HM_OK);

	/* We hold the queue: the child waits, and gets in when we commit,
	 * seeing what we wrote. */
	pid_t kid = begin_in_child(path, 1, p[1]);
	usleep(400 * 1000);
	CHECK(db_commit(db) == HM_OK);
	CHECK(child_result(kid, p[0], &ms) == 0);
	CHECK(ms >= 300 && ms < DB_BUSY_TIMEOUT_MS);

	/* A holder that never lets go (here a bare flock: SQLite's own lock
	 * is free, so only the queue can hold the child back). */
	int fd = open(qpath, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0 && flock(fd, LOCK_EX) == 0);
	kid = begin_in_child(path, 1, p[1]);
	CHECK(child_result(kid, p[0], &ms) == 10 + HM_BUSY);
	CHECK(ms >= DB_BUSY_TIMEOUT_MS - 50 && ms < DB_BUSY_TIMEOUT_MS + 1500);
	close(fd);
	/* Let go, the queue is free again. */
	kid = begin_in_child(path, 1, p[1]);
	CHECK(child_result(kid, p[0], &ms) == 0);
	CHECK(ms >= 0 && ms < 1000);

	/* A queue file that cannot be opened (here a symlink, never
	 * followed): writes go on, waiting in SQLite alone. */
	db_close(db);
	char other[300], target[320];
	snprintf(other, sizeof other, "%s/s.db", dir);
	snprintf(qpath, sizeof qpath, "%s-writers", other);
	snprintf(target, sizeof target, "%s/elsewhere", dir);
	CHECK(symlink(target, qpath) == 0);
	db = db_create(other);
	CHECK(db != NULL);
	if (db) {
		check_quiet(1);
		enum hm_rc b = db_begin(db);
		check_quiet(0);
		CHECK(b == HM_OK);
		CHECK(db_exec(db, "CREATE TABLE t(v TEXT)") == HM_OK);
		CHECK(db_commit(db) == HM_OK);
		CHECK(access(target, F_OK) != 0);
	}
	db_close(db);
	close(p[0]);
	close(p[1]);
}

int main(int argc, char **argv)
{
	char path[300];
	int from, to;
	if (argc == 4 && !strcmp(argv[1], "--begin"))
		return run_child(argv[2], atoll(argv[3]));
	if (!realpath(argv[0], self))
		return 1;
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
	test_before_commit(db);
	db_close(db);
	test_wal_left_empty(path);
	test_wal_emptied_by_each_writer(path);
	test_queue(tmpdir);

	if (nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_summary("db");
}
