/* SQLite helpers: opens with the pragmas every connection needs, prepared
 * statements only, BEGIN IMMEDIATE in a writers' queue with a bounded wait. */
#ifndef HM_DB_H
#define HM_DB_H

#include <sqlite3.h>
#include <stdint.h>

/* Result of a model call, mapped by the web layer to a status:
 * HM_OK, HM_NOTFOUND 404, HM_BUSY 503 + Retry-After, HM_CONFLICT (stale
 * state, shown to the person), HM_ERR 500, HM_DUPLICATE (this form was
 * written already: answer as the first submission was answered),
 * HM_LIMITED 429 (the write would pass a rate limit: nothing was written). */
enum hm_rc { HM_OK = 0, HM_NOTFOUND, HM_BUSY, HM_CONFLICT, HM_ERR, HM_DUPLICATE, HM_LIMITED };

#define DB_BUSY_TIMEOUT_MS 3000

/* Opens path read-only or read-write (never creating it: hallmarkctl init
 * does that). Sets busy_timeout and foreign_keys. NULL on failure (logged). */
sqlite3 *db_open(const char *path, int readonly);
/* Opens read-write, creating the file (hallmarkctl only). */
sqlite3 *db_create(const char *path);
/* Closes (NULL is fine); a connection that wrote first empties the WAL,
 * unless another connection is using it. */
void db_close(sqlite3 *db);

/* Prepares one statement; logs and returns NULL on failure. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);

/* BEGIN IMMEDIATE, after waiting in the writers' queue (at most
 * DB_BUSY_TIMEOUT_MS, then HM_BUSY) and retrying a few times beyond
 * busy_timeout. With a form key set (db_form_key) it answers HM_DUPLICATE,
 * having written nothing, when that form was written before. */
enum hm_rc db_begin(sqlite3 *db);
/* COMMIT; the first commit after db_form_key stores the key (and the
 * db_form_result) in the same transaction as the write it marks. On
 * failure the transaction is rolled back. */
enum hm_rc db_commit(sqlite3 *db);
void db_rollback(sqlite3 *db);
/* Runs fn(db, arg) inside the next write transaction, just before it
 * commits (a count kept with the write: ratelimit.h rl_msg_hit); a result
 * other than HM_OK rolls the write back and is db_commit's. Applies to one
 * transaction, whatever its end; NULL clears it. */
void db_before_commit(enum hm_rc (*fn)(sqlite3 *db, void *arg), void *arg);
/* Runs at_begin(db, arg) as the next write transaction begins (after its
 * form key is checked) and at_commit(db, arg) just before it commits: the
 * audit trail's before and after (src/model/audit.h). A result other than
 * HM_OK rolls the write back and is db_begin's or db_commit's. Applies to
 * one transaction, whatever its end; NULLs clear it. */
void db_watch(enum hm_rc (*at_begin)(sqlite3 *db, void *arg),
    enum hm_rc (*at_commit)(sqlite3 *db, void *arg), void *arg);

/* The writers' queue: an empty file beside the database that writers lock
 * in turn (flock) from before BEGIN IMMEDIATE to the end of the write.
 * hallmarkctl init creates it; db_begin creates it when it is missing, and
 * when it cannot open it, logs that and leaves the waiting to SQLite. */
/* "<database>-writers"; caller frees. */
char *db_queue_path(const char *database);
/* Opens (creating, 0600, never through a symlink) the queue file at path;
 * a file descriptor, or -1 with errno. */
int db_queue_open(const char *path);

/* Idempotent forms (DESIGN.md: a retry never writes twice). A CGI handles
 * one request: the key of its form, if it carried one, applies to the
 * request's first write transaction. NULL clears it. */
void db_form_key(const unsigned char key[32]);
/* What the write made (a new job's id, say), stored with the key so a
 * repeated submission can be sent where the first one went. */
void db_form_result(int64_t id);
/* After HM_DUPLICATE: the id the first submission stored (0 if none). */
int64_t db_form_prior(void);
/* HM_DUPLICATE when the form was written already, HM_OK when not (or no
 * key is set): lets costly work (a photo) be skipped before the write. */
enum hm_rc db_form_seen(sqlite3 *db);
/* Form keys are kept this long (hallmarkctl purge forgets older ones). */
#define FORM_KEY_DAYS 7
/* Forgets form keys older than the cutoff; returns how many, or -1. */
int db_form_forget(sqlite3 *db, int64_t before);

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
