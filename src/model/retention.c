/* Retention purge and the shop wipe. */
#include "retention.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* The jobs that go, as a subquery over ?1 (now for the purge, the shop for
 * a wipe). Fixed text, never request data. */
static const char purge_jobs[] = "SELECT j.id FROM jobs j JOIN shops sh ON sh.id = j.shop_id "
    "WHERE j.closed_at <= ?1 - sh.retention_days * 86400 "
    "OR j.deleted_at <= ?1 - sh.retention_days * 86400";
static const char wipe_jobs[] = "SELECT id FROM jobs WHERE shop_id = ?1";

static enum hm_rc run(sqlite3 *db, const char *sql, int64_t arg, long *changes)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, arg);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "purge");
	sqlite3_finalize(st);
	if (rc == HM_OK && changes)
		*changes = sqlite3_changes(db);
	return rc;
}

static enum hm_rc collect(sqlite3 *db, const char *sql, int64_t arg, struct purge_result *out)
{
	int s;
	sqlite3_stmt *st = db_prepare(db, sql);
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, arg);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->names = xrealloc(out->names, (out->nnames + 1) * sizeof *out->names);
		out->names[out->nnames++] = db_col_dup(st, 0);
	}
	sqlite3_finalize(st);
	return db_rc(db, s, "purge names");
}

static enum hm_rc remove_jobs(sqlite3 *db, const char *doomed, int64_t arg, int deleted_photos,
    struct purge_result *out)
{
	enum hm_rc rc = db_begin(db);
	char *photos = NULL, *names = NULL, *msgs = NULL, *events = NULL, *jobs = NULL;
	memset(out, 0, sizeof *out);
	if (rc != HM_OK)
		return rc;
	photos = xasprintf("owner_kind = 'job' AND owner_id IN (%s)%s", doomed,
	    deleted_photos ? " OR deleted_at IS NOT NULL" : "");
	names = xasprintf("SELECT stored_name FROM attachments WHERE %s", photos);
	char *del_photos = xasprintf("DELETE FROM attachments WHERE %s", photos);
	msgs = xasprintf("DELETE FROM messages WHERE job_id IN (%s)", doomed);
	events = xasprintf("DELETE FROM job_events WHERE job_id IN (%s)", doomed);
	jobs = xasprintf("DELETE FROM jobs WHERE id IN (%s)", doomed);
	if ((rc = collect(db, names, arg, out)) == HM_OK &&
	    (rc = run(db, del_photos, arg, &out->photos)) == HM_OK &&
	    (rc = run(db, msgs, arg, &out->messages)) == HM_OK &&
	    (rc = run(db, events, arg, NULL)) == HM_OK &&
	    (rc = run(db, jobs, arg, &out->jobs)) == HM_OK)
		rc = db_commit(db);
	if (rc != HM_OK) {
		db_rollback(db);
		purge_result_free(out);
	}
	free(photos);
	free(names);
	free(del_photos);
	free(msgs);
	free(events);
	free(jobs);
	return rc;
}

enum hm_rc retention_purge(sqlite3 *db, time_t now, struct purge_result *out)
{
	return remove_jobs(db, purge_jobs, (int64_t)now, 1, out);
}

enum hm_rc shop_wipe(sqlite3 *db, int64_t shop_id, struct purge_result *out)
{
	return remove_jobs(db, wipe_jobs, shop_id, 0, out);
}

int purge_unlink(const char *media_dir, const struct purge_result *r)
{
	int failed = 0;
	for (size_t i = 0; i < r->nnames; i++) {
		for (const char *k = "dt"; *k; k++) {
			char *path = xasprintf("%s/%s-%c.jpg", media_dir, r->names[i], *k);
			if (unlink(path) != 0 && errno != ENOENT) {
				log_err("purge: cannot remove a photo file: %s", strerror(errno));
				failed++;
			}
			free(path);
		}
	}
	return failed;
}

void purge_result_free(struct purge_result *r)
{
	for (size_t i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	memset(r, 0, sizeof *r);
}
