#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <unistd.h>

#include "util.h"

static int db_setup(sqlite3 *db, int readonly)
{
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db, 1);
	/* Defensive mode stops writable_schema tricks from a tampered file. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	/* A read-only connection has no writes for foreign keys to check. */
	if (readonly)
		return 0;
	return db_exec(db, "PRAGMA foreign_keys=ON") == HM_OK ? 0 : -1;
}

/* Every program of ours uses SQLite from one thread: its mutexes and its
 * memory statistics are work for nothing (they were 8% of an order page's
 * instructions). Settable only before SQLite first initialises; a program
 * that used SQLite already keeps its defaults, which are merely slower. */
static void configure_once(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static sqlite3 *open_flags(const char *path, int flags)
{
	sqlite3 *db = NULL;
	configure_once();
	int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		log_err("database open failed: %s", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	/* The last writer to close would otherwise delete -wal and -shm, and
	 * the next reader (a public page) would pay to create them again. */
	if (!(flags & SQLITE_OPEN_READONLY)) {
		int one = 1;
		sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	}
	if (db_setup(db, (flags & SQLITE_OPEN_READONLY) != 0) != 0) {
		sqlite3_close(db);
		return NULL;
	}
	/* A kept WAL must not keep its old frames: every CGI is usually the
	 * only connection, so each one rebuilds the WAL's index from the whole
	 * file when it opens. With a size limit, the writer that closes last
	 * checkpoints and truncates the log to nothing, and a log restarted
	 * after a checkpoint is cut back to what it holds: costs stay flat as
	 * history grows (DESIGN.md, Data). The limit is per connection. */
	if (!(flags & SQLITE_OPEN_READONLY) && db_exec(db, "PRAGMA journal_size_limit = 0") != HM_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

sqlite3 *db_open(const char *path, int readonly)
{
	return open_flags(path, readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
}

sqlite3 *db_create(const char *path)
{
	return open_flags(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
}

static void queue_leave(sqlite3 *db);

void db_close(sqlite3 *db)
{
	if (!db)
		return;
	/* A connection that wrote leaves the log empty when nobody else is
	 * using it, without waiting (no busy handler): if someone is, they
	 * close later and try in turn. Otherwise only the last connection to
	 * close would, and overlapping writers leave the log full: every
	 * public page then rebuilds its index from all of it. */
	if (!sqlite3_db_readonly(db, "main") && sqlite3_total_changes(db) > 0 &&
	    sqlite3_get_autocommit(db)) {
		sqlite3_busy_handler(db, NULL, NULL);
		(void)sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	}
	queue_leave(db);	/* an unfinished transaction ends with it */
	if (sqlite3_close(db) != SQLITE_OK)
		log_err("database close: %s", sqlite3_errmsg(db));
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(db, sql, -1, 0, &st, NULL);
	if (rc != SQLITE_OK) {
		log_err("prepare failed: %s", sqlite3_errmsg(db));
		return NULL;
	}
	return st;
}

enum hm_rc db_rc(sqlite3 *db, int rc, const char *where)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return HM_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		log_err("%s: database busy", where);
		return HM_BUSY;
	default:
		log_err("%s: %s", where, sqlite3_errmsg(db));
		return HM_ERR;
	}
}

enum hm_rc db_exec(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	if (!st)
		return HM_ERR;
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return db_rc(db, rc, "exec");
}

/* The request's form key (db_form_key): set until the write it marks has
 * committed. A CGI serves one request, so one slot is all there is. */
static struct {
	int set;
	unsigned char key[32];
	int64_t result;		/* db_form_result, stored with the key */
	int64_t prior;		/* the first submission's result, after HM_DUPLICATE */
} form;

void db_form_key(const unsigned char key[32])
{
	memset(&form, 0, sizeof form);
	if (key) {
		memcpy(form.key, key, sizeof form.key);
		form.set = 1;
	}
}

void db_form_result(int64_t id)
{
	form.result = id;
}

int64_t db_form_prior(void)
{
	return form.prior;
}

/* HM_DUPLICATE (with form.prior) when the key is stored, HM_OK when not. */
static enum hm_rc form_lookup(sqlite3 *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT result FROM form_keys WHERE key = ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_blob(st, 1, form.key, sizeof form.key, SQLITE_STATIC);
	int s = sqlite3_step(st);
	enum hm_rc rc = s == SQLITE_ROW ? HM_DUPLICATE : db_rc(db, s, "form key lookup");
	if (s == SQLITE_ROW)
		form.prior = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc db_form_seen(sqlite3 *db)
{
	return form.set ? form_lookup(db) : HM_OK;
}

int db_form_forget(sqlite3 *db, int64_t before)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM form_keys WHERE at < ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, before);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "form key forget");
	sqlite3_finalize(st);
	return rc == HM_OK ? sqlite3_changes(db) : -1;
}

/* The writers' queue. Writers take an flock on "<database>-writers" from
 * before BEGIN IMMEDIATE to COMMIT or ROLLBACK. SQLite's busy handler
 * polls, sleeping 1, 2, 5 ... up to 100 ms between tries: under
 * contention the write lock sits free while its waiters sleep, and the
 * newest waiter (sleeping least) overtakes the oldest, so 40 writers got
 * a few dozen writes/s and waits of seconds, some ending in 503. The
 * kernel wakes a waiter the moment the lock is released. A few slots: one
 * per database a process writes (a CGI writes one). */
static struct queue {
	char *path;
	int fd;
	pid_t pid;		/* who opened it: a child forked later opens its own */
	sqlite3 *holder;	/* whose transaction holds the lock */
} queues[4];

static volatile sig_atomic_t queue_timed_out;

static void queue_alarm(int sig)
{
	(void)sig;
	queue_timed_out = 1;
}

/* The slot for db's queue file, opening (creating) it on first use; NULL
 * when there is none to use (an in-memory database, or a file that cannot
 * be opened: then SQLite's own waiting decides, as before the queue). */
static struct queue *queue_of(sqlite3 *db)
{
	const char *f = sqlite3_db_filename(db, "main");
	struct queue *q = NULL;
	if (!f || !*f)
		return NULL;
	char *path = db_queue_path(f);
	for (size_t i = 0; i < sizeof queues / sizeof *queues; i++) {
		/* An flock belongs to the open file, which a fork shares:
		 * through the parent's descriptor a child would be let in
		 * while the parent writes, and could unlock the parent's. */
		if (queues[i].path && queues[i].pid != getpid()) {
			close(queues[i].fd);
			free(queues[i].path);
			memset(&queues[i], 0, sizeof queues[i]);
		}
		if (queues[i].path && !strcmp(queues[i].path, path)) {
			free(path);
			return &queues[i];
		}
		if (!queues[i].path && !q)
			q = &queues[i];
	}
	int fd = q ? db_queue_open(path) : -1;
	if (fd < 0) {
		if (q)
			log_err("writers' queue %s: %s (writers wait in SQLite's busy handler instead)",
			    path, strerror(errno));
		free(path);
		return NULL;
	}
	q->path = path;
	q->fd = fd;
	q->pid = getpid();
	return q;
}

/* 0 when db's transaction may begin (first in the queue, or no queue to
 * use), -1 after DB_BUSY_TIMEOUT_MS in the queue. */
static int queue_enter(sqlite3 *db)
{
	struct queue *q = queue_of(db);
	/* Another connection of this process holding it: the lock is ours
	 * already, SQLite decides between the two. */
	if (!q || q->holder)
		return 0;
	struct sigaction sa, old_sa;
	/* Again every 50 ms after the deadline, should the first alarm come
	 * before flock has started to wait. */
	struct itimerval t = {{0, 50000},
	    {DB_BUSY_TIMEOUT_MS / 1000, DB_BUSY_TIMEOUT_MS % 1000 * 1000}};
	struct itimerval old_t;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = queue_alarm;	/* no SA_RESTART: the alarm ends flock's wait */
	sigemptyset(&sa.sa_mask);
	queue_timed_out = 0;
	sigaction(SIGALRM, &sa, &old_sa);
	setitimer(ITIMER_REAL, &t, &old_t);
	int rc;
	while ((rc = flock(q->fd, LOCK_EX)) != 0 && errno == EINTR && !queue_timed_out)
		;	/* another signal: wait on */
	int err = errno;
	setitimer(ITIMER_REAL, &old_t, NULL);	/* none: Hallmark sets no other timer */
	sigaction(SIGALRM, &old_sa, NULL);
	if (rc == 0) {
		q->holder = db;
		return 0;
	}
	if (err == EINTR)
		return -1;
	log_err("writers' queue %s: %s", q->path, strerror(err));
	return 0;
}

/* Lets the next writer in, if db's transaction held the queue. */
static void queue_leave(sqlite3 *db)
{
	for (size_t i = 0; i < sizeof queues / sizeof *queues; i++)
		if (queues[i].path && queues[i].holder == db && queues[i].pid == getpid()) {
			flock(queues[i].fd, LOCK_UN);
			queues[i].holder = NULL;
		}
}

char *db_queue_path(const char *database)
{
	return xasprintf("%s-writers", database);
}

int db_queue_open(const char *path)
{
	return open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
}

/* Work for the request's next write transaction, run just before it
 * commits (db_before_commit). */
static struct {
	enum hm_rc (*fn)(sqlite3 *db, void *arg);
	void *arg;
} before_commit;

void db_before_commit(enum hm_rc (*fn)(sqlite3 *db, void *arg), void *arg)
{
	before_commit.fn = fn;
	before_commit.arg = arg;
}

/* What watches the request's next write transaction (db_watch). */
static struct {
	enum hm_rc (*at_begin)(sqlite3 *db, void *arg);
	enum hm_rc (*at_commit)(sqlite3 *db, void *arg);
	void *arg;
} watch;

void db_watch(enum hm_rc (*at_begin)(sqlite3 *db, void *arg),
    enum hm_rc (*at_commit)(sqlite3 *db, void *arg), void *arg)
{
	watch.at_begin = at_begin;
	watch.at_commit = at_commit;
	watch.arg = arg;
}

/* The end of a transaction db_begin opened, or failed to open. */
static void txn_end(sqlite3 *db)
{
	queue_leave(db);
	before_commit.fn = NULL;
	watch.at_begin = watch.at_commit = NULL;
}

enum hm_rc db_begin(sqlite3 *db)
{
	if (queue_enter(db) != 0) {
		log_err("begin: database busy (writers' queue)");
		txn_end(db);
		return HM_BUSY;
	}
	/* busy_timeout already waits; a few more tries ride out a long
	 * checkpoint without hanging the request for long. */
	for (int i = 0; i < 3; i++) {
		sqlite3_stmt *st = db_prepare(db, "BEGIN IMMEDIATE");
		if (!st) {
			txn_end(db);
			return HM_ERR;
		}
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE) {
			/* Checked under the write lock: of two identical
			 * submissions racing, the second sees the first. */
			enum hm_rc f = form.set ? form_lookup(db) : HM_OK;
			if (f == HM_OK && watch.at_begin)
				f = watch.at_begin(db, watch.arg);
			if (f != HM_OK)
				db_rollback(db);
			return f;
		}
		if ((rc & 0xff) != SQLITE_BUSY) {
			txn_end(db);
			return db_rc(db, rc, "begin");
		}
		usleep(50000);
	}
	txn_end(db);
	log_err("begin: database busy");
	return HM_BUSY;
}

/* Stores the form key inside the transaction it marks. */
static enum hm_rc form_store(sqlite3 *db)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO form_keys(key, at, result) VALUES(?, ?, ?)");
	if (!st)
		return HM_ERR;
	sqlite3_bind_blob(st, 1, form.key, sizeof form.key, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)hm_now());
	sqlite3_bind_int64(st, 3, form.result);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "form key store");
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc db_commit(sqlite3 *db)
{
	enum hm_rc rc = form.set ? form_store(db) : HM_OK;
	if (rc == HM_OK && before_commit.fn)
		rc = before_commit.fn(db, before_commit.arg);
	if (rc == HM_OK && watch.at_commit)
		rc = watch.at_commit(db, watch.arg);
	if (rc == HM_OK)
		rc = db_exec(db, "COMMIT");
	if (rc != HM_OK)
		db_rollback(db);
	else
		form.set = 0;	/* the key marks this write only */
	txn_end(db);
	return rc;
}

void db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		db_exec(db, "ROLLBACK");
	txn_end(db);
}

int db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

int db_bind_str(sqlite3_stmt *st, int idx, const char *s)
{
	return sqlite3_bind_text(st, idx, s ? s : "", -1, SQLITE_TRANSIENT);
}

char *db_col_dup(sqlite3_stmt *st, int col)
{
	return xstrdup(db_col_str(st, col));
}

const char *db_col_str(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}
