/* Retention purge and the shop wipe. */
#include "retention.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "util.h"

/* The jobs that go, as a subquery over ?1: now for the purge, the shop for
 * a wipe. */
#define PURGE_JOBS "SELECT j.id FROM jobs j JOIN shops sh ON sh.id = j.shop_id " \
	"WHERE j.closed_at <= ?1 - sh.retention_days * 86400 " \
	"OR j.deleted_at <= ?1 - sh.retention_days * 86400"
#define WIPE_JOBS "SELECT id FROM jobs WHERE shop_id = ?1"
/* Their photos; the purge also takes every photo staff deleted. */
#define PURGE_PHOTOS "owner_kind = 'job' AND owner_id IN (" PURGE_JOBS ") " \
	"OR deleted_at IS NOT NULL"
#define WIPE_PHOTOS "owner_kind = 'job' AND owner_id IN (" WIPE_JOBS ")"

/* The statements of a purge or a wipe, in the order they run, each over ?1. */
enum { S_NAMES, S_PHOTOS, S_MESSAGES, S_EVENTS, S_NOTIFICATIONS, S_AUDIT, S_JOBS, S_COUNT };

static enum hm_rc run(sqlite3 *db, sqlite3_stmt *st, int64_t arg, long *changes)
{
	sqlite3_bind_int64(st, 1, arg);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "purge");
	if (rc == HM_OK && changes)
		*changes = sqlite3_changes(db);
	return rc;
}

static enum hm_rc collect(sqlite3 *db, sqlite3_stmt *st, int64_t arg, struct purge_result *out)
{
	int s;
	sqlite3_bind_int64(st, 1, arg);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->names = xrealloc(out->names, (out->nnames + 1) * sizeof *out->names);
		out->names[out->nnames++] = db_col_dup(st, 0);
	}
	return db_rc(db, s, "purge names");
}

/* Runs the statements (prepared by the caller, NULL where that failed) in
 * one transaction and finalizes them. A wipe (of shop arg) leaves a row in
 * the shop's audit trail saying who deleted how many jobs: the jobs' own
 * rows go with them, so the trail never keeps a customer's details longer
 * than the job. */
static enum hm_rc remove_jobs(sqlite3 *db, sqlite3_stmt *st[S_COUNT], int64_t arg, int wipe,
    struct purge_result *out)
{
	enum hm_rc rc = HM_OK;
	memset(out, 0, sizeof *out);
	for (int i = 0; i < S_COUNT; i++)
		if (!st[i])
			rc = HM_ERR;
	if (rc == HM_OK)
		rc = db_begin(db);
	if (rc == HM_OK) {
		if ((rc = collect(db, st[S_NAMES], arg, out)) == HM_OK &&
		    (rc = run(db, st[S_PHOTOS], arg, &out->photos)) == HM_OK &&
		    (rc = run(db, st[S_MESSAGES], arg, &out->messages)) == HM_OK &&
		    (rc = run(db, st[S_EVENTS], arg, NULL)) == HM_OK &&
		    (rc = run(db, st[S_NOTIFICATIONS], arg, NULL)) == HM_OK &&
		    (rc = run(db, st[S_AUDIT], arg, NULL)) == HM_OK &&
		    (rc = run(db, st[S_JOBS], arg, &out->jobs)) == HM_OK) {
			if (wipe) {
				char n[24];
				snprintf(n, sizeof n, "%ld", out->jobs);
				rc = audit_note(db, AUDIT_SHOP, arg, arg, "shop.wipe", "jobs", n, "0", hm_now());
			}
			if (rc == HM_OK)
				rc = db_commit(db);
		}
		if (rc != HM_OK) {
			db_rollback(db);
			purge_result_free(out);
		}
	}
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st[i]);
	return rc;
}

enum hm_rc retention_purge(sqlite3 *db, time_t now, struct purge_result *out)
{
	sqlite3_stmt *st[S_COUNT] = {
		[S_NAMES] = db_prepare(db, "SELECT stored_name FROM attachments WHERE " PURGE_PHOTOS),
		[S_PHOTOS] = db_prepare(db, "DELETE FROM attachments WHERE " PURGE_PHOTOS),
		[S_MESSAGES] = db_prepare(db, "DELETE FROM messages WHERE job_id IN (" PURGE_JOBS ")"),
		[S_EVENTS] = db_prepare(db, "DELETE FROM job_events WHERE job_id IN (" PURGE_JOBS ")"),
		/* What was sent to the customer (their address, their link). */
		[S_NOTIFICATIONS] = db_prepare(db, "DELETE FROM notifications WHERE job_id IN (" PURGE_JOBS ")"),
		[S_AUDIT] = db_prepare(db, "DELETE FROM audit WHERE object_kind = 'job' AND object_id IN ("
		    PURGE_JOBS ")"),
		[S_JOBS] = db_prepare(db, "DELETE FROM jobs WHERE id IN (" PURGE_JOBS ")"),
	};
	return remove_jobs(db, st, (int64_t)now, 0, out);
}

enum hm_rc shop_wipe(sqlite3 *db, int64_t shop_id, struct purge_result *out)
{
	sqlite3_stmt *st[S_COUNT] = {
		[S_NAMES] = db_prepare(db, "SELECT stored_name FROM attachments WHERE " WIPE_PHOTOS),
		[S_PHOTOS] = db_prepare(db, "DELETE FROM attachments WHERE " WIPE_PHOTOS),
		[S_MESSAGES] = db_prepare(db, "DELETE FROM messages WHERE job_id IN (" WIPE_JOBS ")"),
		[S_EVENTS] = db_prepare(db, "DELETE FROM job_events WHERE job_id IN (" WIPE_JOBS ")"),
		/* What was sent to the customer (their address, their link). */
		[S_NOTIFICATIONS] = db_prepare(db, "DELETE FROM notifications WHERE job_id IN (" WIPE_JOBS ")"),
		[S_AUDIT] = db_prepare(db, "DELETE FROM audit WHERE object_kind = 'job' AND object_id IN ("
		    WIPE_JOBS ")"),
		[S_JOBS] = db_prepare(db, "DELETE FROM jobs WHERE id IN (" WIPE_JOBS ")"),
	};
	return remove_jobs(db, st, shop_id, 1, out);
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
