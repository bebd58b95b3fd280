/* Unit tests for src/lib/ratelimit.c against a temporary SQLite store made
 * the way hallmarkctl init makes it (db_create + rl_migrate). */
#include "check.h"
#include "db.h"
#include "auth.h"
#include "model.h"
#include "ratelimit.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/hm-test-rl-XXXXXX";

/* Error paths log to stderr, as they should; silenced around those calls. */
#define WIN 600
#define LIMIT 5
/* The start of a window, so now .. now + WIN - 1 is one window. */
#define T0 ((time_t)1795000000 / WIN * WIN)

static void test_limits(sqlite3 *db)
{
	unsigned char a[16], b[16];
	memset(a, 0xaa, sizeof a);
	memset(b, 0xaa, sizeof b);
	b[15] = 0xab;		/* differs from a in the last byte only */

	CHECK(rl_over(db, "lookup", a, LIMIT, WIN, T0) == 0);

	/* Under the limit, then at it. rl_hit returns the window's count. */
	for (int i = 1; i <= LIMIT; i++) {
		CHECK(rl_over(db, "lookup", a, LIMIT, WIN, T0 + i) == 0);
		CHECK(rl_hit(db, "lookup", a, WIN, T0 + i) == i);
	}
	CHECK(rl_over(db, "lookup", a, LIMIT, WIN, T0 + 10) == 1);
	CHECK(rl_over(db, "lookup", a, LIMIT + 1, WIN, T0 + 10) == 0);
	CHECK(rl_over(db, "lookup", a, 1, WIN, T0 + 10) == 1);
	/* Counting goes on past the limit. */
	CHECK(rl_hit(db, "lookup", a, WIN, T0 + 11) == LIMIT + 1);
	CHECK(rl_over(db, "lookup", a, LIMIT, WIN, T0 + 11) == 1);
	/* Still the same window at its last second. */
	CHECK(rl_over(db, "lookup", a, LIMIT, WIN, T0 + WIN - 1) == 1);

	/* Another key, another scope: untouched. */
	CHECK(rl_over(db, "lookup", b, LIMIT, WIN, T0 + 12) == 0);
	CHECK(rl_over(db, "login", a, LIMIT, WIN, T0 + 12) == 0);
	CHECK(rl_over(db, "lookupx", a, LIMIT, WIN, T0 + 12) == 0);
	CHECK(rl_over(db, "", a, LIMIT, WIN, T0 + 12) == 0);
	CHECK(rl_hit(db, "lookup", b, WIN, T0 + 12) == 1);
	CHECK(rl_hit(db, "login", a, WIN, T0 + 12) == 1);
	CHECK(rl_hit(db, "login", a, WIN, T0 + 13) == 2);
	CHECK(rl_hit(db, "lookup", a, WIN, T0 + 13) == LIMIT + 2);

	/* The next window starts afresh. */
	CHECK(rl_over(db, "lookup", a, LIMIT, WIN, T0 + WIN) == 0);
	CHECK(rl_hit(db, "lookup", a, WIN, T0 + WIN) == 1);
	CHECK(rl_over(db, "lookup", a, 1, WIN, T0 + WIN + 5) == 1);
	CHECK(rl_over(db, "lookup", a, LIMIT, WIN, T0 + 5 * WIN) == 0);
	/* ... and the earlier one is still what it was when asked about. */
	CHECK(rl_over(db, "lookup", a, LIMIT, WIN, T0 + 20) == 1);

	/* rl_clear forgets this window's count for that key only. */
	CHECK(rl_hit(db, "lookup", b, WIN, T0 + 30) == 2);
	rl_clear(db, "lookup", a, WIN, T0 + 30);
	CHECK(rl_over(db, "lookup", a, LIMIT, WIN, T0 + 31) == 0);
	CHECK(rl_over(db, "lookup", a, 1, WIN, T0 + 31) == 0);
	CHECK(rl_hit(db, "lookup", a, WIN, T0 + 32) == 1);
	CHECK(rl_hit(db, "lookup", b, WIN, T0 + 33) == 3);	/* b kept */
	CHECK(rl_hit(db, "login", a, WIN, T0 + 33) == 3);	/* other scope kept */
	/* Clearing another window does not touch this one. */
	rl_clear(db, "lookup", b, WIN, T0 + 2 * WIN);
	CHECK(rl_hit(db, "lookup", b, WIN, T0 + 34) == 4);
	/* Clearing what was never counted is harmless. */
	unsigned char c[16];
	memset(c, 0x11, sizeof c);
	rl_clear(db, "lookup", c, WIN, T0);
	CHECK(rl_over(db, "lookup", c, 1, WIN, T0) == 0);
}

/* rl_hit sweeps old windows now and then (1 in 32 at random): many hits
 * must never lose the current or the previous window's count. */
static void test_sweep(sqlite3 *db)
{
	unsigned char k[16];
	time_t t = T0 + 100 * WIN;
	int ok = 1;

	memset(k, 0x42, sizeof k);
	for (int i = 1; i <= 300; i++)
		if (rl_hit(db, "sweep", k, WIN, t) != i)
			ok = 0;
	CHECK(ok);
	/* The next window's hits keep the last window's count. */
	ok = 1;
	for (int i = 1; i <= 300; i++)
		if (rl_hit(db, "sweep", k, WIN, t + WIN) != i)
			ok = 0;
	CHECK(ok);
	CHECK(rl_over(db, "sweep", k, 300, WIN, t) == 1);
	CHECK(rl_over(db, "sweep", k, 300, WIN, t + WIN) == 1);
}

/* The window length is a per-call argument, but the sweep compares window
 * numbers of every length alike: a hit with a 60-second window computes
 * win = now/60 and deletes every row with a smaller number, which is every
 * row counted with a longer window. A scope with a longer window (a day's
 * login limit beside a 10-minute lookup limit) then loses its counts at
 * random. Today every caller passes cfg.ratelimit_window, so it is latent. */
static void test_mixed_windows(sqlite3 *db)
{
	unsigned char k[16];
	time_t t = T0 + 300 * WIN;

	memset(k, 0x77, sizeof k);
	for (int i = 0; i < 5; i++)
		rl_hit(db, "per_day", k, 86400, t);
	CHECK(rl_over(db, "per_day", k, 5, 86400, t) == 1);
	/* 500 hits make a sweep all but certain (1 - (31/32)^500). */
	for (int i = 0; i < 500; i++)
		rl_hit(db, "per_minute", k, 60, t);
	CHECK(rl_over(db, "per_day", k, 5, 86400, t) == 1);
}

/* Windows of other lengths, and a key with NUL and high bytes. */
static void test_windows(sqlite3 *db)
{
	unsigned char k[16] = {0};
	k[7] = 0xff;

	CHECK(rl_hit(db, "w60", k, 60, T0) == 1);
	CHECK(rl_hit(db, "w60", k, 60, T0 + 59) == 2);
	CHECK(rl_hit(db, "w60", k, 60, T0 + 60) == 1);
	CHECK(rl_hit(db, "w1", k, 1, T0) == 1);
	CHECK(rl_hit(db, "w1", k, 1, T0 + 1) == 1);
	CHECK(rl_hit(db, "day", k, 86400, T0 / 86400 * 86400) == 1);
	CHECK(rl_hit(db, "day", k, 86400, T0 / 86400 * 86400 + 86399) == 2);

	unsigned char z[16] = {0};
	CHECK(rl_over(db, "w60", z, 1, 60, T0) == 0);	/* differs only after a NUL */
}

static void test_errors(const char *dir)
{
	char path[300];
	unsigned char k[16] = {1};

	/* A store without the table: errors, not "not over". */
	snprintf(path, sizeof path, "%s/empty.db", dir);
	sqlite3 *db = db_create(path);
	CHECK(db != NULL);
	if (db) {
		check_quiet(1);
		int over = rl_over(db, "lookup", k, 5, WIN, T0);
		int hit = rl_hit(db, "lookup", k, WIN, T0);
		rl_clear(db, "lookup", k, WIN, T0);
		check_quiet(0);
		CHECK(over == -1);
		CHECK(hit == -1);
		db_close(db);
	}
	unlink(path);

	/* rl_open never creates the store (hallmarkctl init does). */
	snprintf(path, sizeof path, "%s/absent.db", dir);
	check_quiet(1);
	db = rl_open(path);
	check_quiet(0);
	CHECK(db == NULL);
	CHECK(access(path, F_OK) == -1);
	if (db)
		db_close(db);
}

/* The sign-in rule (auth.h): attempts counted before any password is
 * checked; a known (account, address) pair has its own allowance; a right
 * password gives its attempt back and makes the pair known. */
static void test_signin(sqlite3 *db)
{
	unsigned char ipkey[32];
	struct signin s;
	time_t t = T0 + 500 * WIN;
	memset(ipkey, 7, sizeof ipkey);
	/* A stranger's guesses: 3 checked, then refused. */
	for (int i = 0; i < 3; i++)
		CHECK(signin_attempt(&s, db, ipkey, "Staff", "203.0.113.9", WIN, 3, t) == 1);
	CHECK(signin_attempt(&s, db, ipkey, "staff", "203.0.113.9", WIN, 3, t) == 0);
	/* Another stranger: the account's allowance for strangers is spent. */
	CHECK(signin_attempt(&s, db, ipkey, "staff", "198.51.100.1", WIN, 3, t) == 0);
	/* Another account from a fresh address is not affected. */
	CHECK(signin_attempt(&s, db, ipkey, "owner", "198.51.100.2", WIN, 3, t) == 1);
	signin_succeeded(&s);
	/* Right answers give their attempt back: any number of them. */
	for (int i = 0; i < 6; i++) {
		CHECK(signin_attempt(&s, db, ipkey, "owner", "198.51.100.2", WIN, 3, t) == 1);
		CHECK(s.known);
		signin_succeeded(&s);
	}
	/* A pair that signed in before keeps its allowance while strangers
	 * exhaust the account's. */
	CHECK(signin_attempt(&s, db, ipkey, "staff", "192.0.2.50", WIN, 3, t + WIN) == 1);
	signin_succeeded(&s);
	for (int i = 0; i < 3; i++)
		CHECK(signin_attempt(&s, db, ipkey, "staff", "203.0.113.9", WIN, 3, t + WIN) == 1);
	CHECK(signin_attempt(&s, db, ipkey, "staff", "203.0.113.10", WIN, 3, t + WIN) == 0);
	CHECK(signin_attempt(&s, db, ipkey, "staff", "192.0.2.50", WIN, 3, t + WIN) == 1);
	CHECK(s.known);
	/* ...but guessing from the known address has a limit too. */
	CHECK(signin_attempt(&s, db, ipkey, "staff", "192.0.2.50", WIN, 3, t + WIN) == 1);
	CHECK(signin_attempt(&s, db, ipkey, "staff", "192.0.2.50", WIN, 3, t + WIN) == 1);
	CHECK(signin_attempt(&s, db, ipkey, "staff", "192.0.2.50", WIN, 3, t + WIN) == 0);
	/* Remembered for SIGNIN_KNOWN_DAYS, not for ever. */
	time_t later = t + WIN + (time_t)SIGNIN_KNOWN_DAYS * 86400 + 10;
	CHECK(signin_attempt(&s, db, ipkey, "staff", "192.0.2.50", WIN, 3, later) == 1);
	CHECK(!s.known);
}

/* A customer's writes are counted in the main database (message_hits),
 * beside the store attached as "rl" the way order.cgi attaches it: the two
 * keep their counts apart, whatever the scope. */
static void test_message_counts(const char *dir, const char *store)
{
	char path[300];
	unsigned char a[16], b[16];
	int from, to;
	memset(a, 0x31, sizeof a);
	memset(b, 0x32, sizeof b);
	snprintf(path, sizeof path, "%s/main.db", dir);
	sqlite3 *db = db_create(path);
	CHECK(db != NULL);
	if (!db)
		return;
	CHECK(schema_migrate(db, &from, &to) == HM_OK);
	CHECK(rl_attach(db, store) == 0);

	CHECK(rl_msg_over(db, "message", a, 2, WIN, T0) == 0);
	CHECK(rl_msg_hit(db, "message", a, WIN, T0) == 1);
	CHECK(rl_msg_over(db, "message", a, 2, WIN, T0 + 1) == 0);
	CHECK(rl_msg_hit(db, "message", a, WIN, T0 + 1) == 2);
	CHECK(rl_msg_over(db, "message", a, 2, WIN, T0 + 2) == 1);
	CHECK(rl_msg_over(db, "message", a, 3, WIN, T0 + 2) == 0);
	/* Another key, another scope, the next window: their own counts. */
	CHECK(rl_msg_over(db, "message", b, 1, WIN, T0 + 2) == 0);
	CHECK(rl_msg_over(db, "message-job", a, 1, WIN, T0 + 2) == 0);
	CHECK(rl_msg_hit(db, "message-job", a, WIN, T0 + 2) == 1);
	CHECK(rl_msg_over(db, "message", a, 1, WIN, T0 + WIN) == 0);
	CHECK(rl_msg_hit(db, "message", a, WIN, T0 + WIN) == 1);
	/* Not in the store, and the store's counts are not here. */
	CHECK(rl_over(db, "message", a, 1, WIN, T0 + 2) == 0);
	CHECK(rl_hit(db, "lookup", a, WIN, T0 + 3) >= 1);
	CHECK(rl_msg_over(db, "lookup", a, 1, WIN, T0 + 3) == 0);

	/* Forgetting: windows that ended before the cutoff go, the rest stay. */
	CHECK(rl_msg_forget(db, T0 + WIN) == 2);
	CHECK(rl_msg_over(db, "message", a, 2, WIN, T0) == 0);
	CHECK(rl_msg_over(db, "message", a, 1, WIN, T0 + WIN) == 1);
	CHECK(rl_msg_forget(db, T0 + WIN) == 0);
	db_close(db);

	/* A database not migrated yet: errors (write_allowed refuses), not
	 * "not over". */
	snprintf(path, sizeof path, "%s/old.db", dir);
	db = db_create(path);
	CHECK(db != NULL);
	if (db) {
		check_quiet(1);
		int over = rl_msg_over(db, "message", a, 5, WIN, T0);
		int hit = rl_msg_hit(db, "message", a, WIN, T0);
		int gone = rl_msg_forget(db, T0);
		check_quiet(0);
		CHECK(over == -1 && hit == -1 && gone == -1);
		db_close(db);
	}
	unlink(path);
	snprintf(path, sizeof path, "%s/main.db", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/main.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/main.db-shm", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/main.db-writers", dir);
	unlink(path);
}

int main(void)
{
	char path[300];
	sqlite3 *db;

	if (sodium_init() < 0 || !mkdtemp(tmpdir))
		return 1;
	snprintf(path, sizeof path, "%s/rl.db", tmpdir);
	db = db_create(path);
	CHECK(db != NULL);
	if (!db)
		return check_summary("ratelimit");
	CHECK(rl_migrate(db) == 0);
	CHECK(rl_migrate(db) == 0);	/* applying it again is harmless */

	test_limits(db);
	test_windows(db);
	test_sweep(db);		/* late: its sweeps forget the windows above */
	test_mixed_windows(db);
	test_signin(db);

	/* What one connection counted, the next one (another CGI) sees. */
	unsigned char a[16];
	time_t t = T0 + 200 * WIN;
	memset(a, 0x5a, sizeof a);
	CHECK(rl_hit(db, "reopen", a, WIN, t) == 1);
	db_close(db);
	db = rl_open(path);
	CHECK(db != NULL);
	if (db) {
		CHECK(rl_over(db, "reopen", a, 1, WIN, t + 1) == 1);
		CHECK(rl_hit(db, "reopen", a, WIN, t + 2) == 2);
		db_close(db);
	}

	test_errors(tmpdir);
	test_message_counts(tmpdir, path);
	unlink(path);
	rmdir(tmpdir);
	return check_summary("ratelimit");
}
