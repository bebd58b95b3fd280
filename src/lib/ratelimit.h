/* Per-client rate limits in a small SQLite store of its own, so public
 * pages can keep the main database read-only. Fixed windows; keys are
 * keyed hashes (sign.h ip_hash), never addresses in clear. */
#ifndef HM_RATELIMIT_H
#define HM_RATELIMIT_H

#include <sqlite3.h>
#include <time.h>

/* Opens the store read-write (it is created by hallmarkctl init). */
sqlite3 *rl_open(const char *path);
/* Creates the store's tables if missing (hallmarkctl init/migrate). */
int rl_migrate(sqlite3 *db);
/* The store's journal mode, set by hallmarkctl init/migrate: it is read on
 * every public lookup and written only on misses, so a rollback journal
 * (no -wal/-shm files to map, create or delete) is the cheaper mode. */
#define RL_JOURNAL_MODE "PRAGMA journal_mode=DELETE"

/* Attaches the store to a read-only connection as schema "rl", so a page
 * that only reads can check limits without a second connection. */
int rl_attach(sqlite3 *db, const char *path);

/* 1 when (scope, key) has reached limit in the current window, 0 when not,
 * -1 on error. Reads only: db is the store, or a connection it is
 * attached to. */
int rl_over(sqlite3 *db, const char *scope, const unsigned char key[16],
    int limit, int window, time_t now);
/* Counts one event; returns the window's new count, or -1 on error. */
int rl_hit(sqlite3 *db, const char *scope, const unsigned char key[16],
    int window, time_t now);
/* rl_hit on the store at path, opened for just this write: pages that
 * count only misses keep the store read-only (attached) otherwise. */
int rl_hit_store(const char *path, const char *scope, const unsigned char key[16],
    int window, time_t now);
/* Forgets a key's count in the current window (after a good login). */
void rl_clear(sqlite3 *db, const char *scope, const unsigned char key[16],
    int window, time_t now);
/* Takes back one event counted by rl_hit in the current window (a sign-in
 * that turned out right is not an attempt against the limit). */
void rl_unhit(sqlite3 *db, const char *scope, const unsigned char key[16],
    int window, time_t now);

/* A customer's own writes (messages, design answers) are counted in the
 * main database (message_hits, schema 008) inside the write's own
 * transaction, not in the store: rl_msg_hit from a db_before_commit hook,
 * so only a write that commits counts and writes racing each other are
 * counted in turn. rl_msg_over: as rl_over, read before writing. */
int rl_msg_over(sqlite3 *db, const char *scope, const unsigned char key[16],
    int limit, int window, time_t now);
/* Counts one write; returns the window's new count, or -1 on error. */
int rl_msg_hit(sqlite3 *db, const char *scope, const unsigned char key[16],
    int window, time_t now);
/* Forgets the counts of windows that ended before the cutoff (hallmarkctl
 * purge); returns how many rows, or -1. */
int rl_msg_forget(sqlite3 *db, time_t before);
/* Counts older than this are of no window any limit still looks at. */
#define RL_FORGET_AFTER (2 * 86400)

/* Keys remembered until a time: the (account, address) pairs that have
 * signed in, which keep an allowance of their own (auth's sign-in rule).
 * rl_known: 1 when key is remembered at now, 0 when not, -1 on error. */
int rl_known(sqlite3 *db, const unsigned char key[16], time_t now);
void rl_remember(sqlite3 *db, const unsigned char key[16], time_t until);

#endif
