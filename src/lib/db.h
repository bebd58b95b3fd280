/* SQLite helpers: opens with the pragmas every connection needs, prepared
 * statements only, BEGIN IMMEDIATE with a bounded retry. */
#ifndef HM_DB_H
#define HM_DB_H

#include <sqlite3.h>
#include <stdint.h>

/* Result of a model call, mapped by the web layer to a status:
 * HM_OK, HM_NOTFOUND 404, HM_BUSY 503 + Retry-After, HM_CONFLICT (stale
 * state, shown to the person), HM_ERR 500. */
enum hm_rc { HM_OK = 0, HM_NOTFOUND, HM_BUSY, HM_CONFLICT, HM_ERR };

#define DB_BUSY_TIMEOUT_MS 3000

/* Opens path read-only or read-write (never creating it: hallmarkctl init
 * does that). Sets busy_timeout and foreign_keys. NULL on failure (logged). */
sqlite3 *db_open(const char *path, int readonly);
/* Opens read-write, creating the file (hallmarkctl only). */
sqlite3 *db_create(const char *path);
void db_close(sqlite3 *db);

/* Prepares one statement; logs and returns NULL on failure. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);

/* BEGIN IMMEDIATE, retrying a few times beyond busy_timeout. */
enum hm_rc db_begin(sqlite3 *db);
enum hm_rc db_commit(sqlite3 *db);
void db_rollback(sqlite3 *db);
/* Runs a statement that takes no parameters and returns no rows. */
enum hm_rc db_exec(sqlite3 *db, const char *sql);

/* Maps an SQLite result code to hm_rc (BUSY/LOCKED -> HM_BUSY), logging
 * errors with where (never with bound values). */
enum hm_rc db_rc(sqlite3 *db, int rc, const char *where);

/* Binds text; NULL or "" binds NULL so absent fields stay NULL. */
int db_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* Binds text exactly (an empty string stays empty). */
int db_bind_str(sqlite3_stmt *st, int idx, const char *s);
/* Column text as a heap copy ("" for NULL); caller frees. */
char *db_col_dup(sqlite3_stmt *st, int col);
/* Column text or "" (valid until the next step/finalize). */
const char *db_col_str(sqlite3_stmt *st, int col);

#endif
