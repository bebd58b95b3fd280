/* Per-client rate limits in a small SQLite store of its own, so public
 * pages can keep the main database read-only. Fixed windows; keys are
 * keyed hashes (sign.h ip_hash), never addresses in clear. */
#ifndef HM_RATELIMIT_H
#define HM_RATELIMIT_H

#include <sqlite3.h>
#include <time.h>

/* Opens the store read-write (it is created by hallmarkctl init). */
sqlite3 *rl_open(const char *path);
/* The store's schema, applied by hallmarkctl init/migrate. */
extern const char rl_schema[];

/* 1 when (scope, key) has reached limit in the current window, 0 when not,
 * -1 on error. Reads only. */
int rl_over(sqlite3 *db, const char *scope, const unsigned char key[16],
    int limit, int window, time_t now);
/* Counts one event; returns the window's new count, or -1 on error. */
int rl_hit(sqlite3 *db, const char *scope, const unsigned char key[16],
    int window, time_t now);
/* Forgets a key's count in the current window (after a good login). */
void rl_clear(sqlite3 *db, const char *scope, const unsigned char key[16],
    int window, time_t now);

#endif
