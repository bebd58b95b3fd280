/* Schema migrations, applied by hallmarkctl only (never at request time). */
#include "model.h"

#include <stdio.h>
#include <string.h>

#include "schema_sql.h"
#include "util.h"

int schema_latest(void)
{
	return migrations[HM_NELEM(migrations) - 1].version;
}

int schema_version(sqlite3 *db)
{
	int v = -1;
	sqlite3_stmt *st = db_prepare(db, "PRAGMA user_version");
	if (st && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

enum hm_rc schema_check(sqlite3 *db)
{
	int v = schema_version(db), want = schema_latest();
	if (v == want)
		return HM_OK;
	if (v < 0)
		log_err("cannot read the database's schema version: the database is not usable");
	else if (v < want)
		log_err("the database is at schema version %d, this Hallmark needs version %d: "
		    "run 'hallmarkctl migrate' as the CGI user (README.md, Upgrading)", v, want);
	else
		log_err("the database is at schema version %d, newer than this Hallmark (version %d): "
		    "install the Hallmark that migrated it, or restore the pre-migrate backup "
		    "(README.md, Upgrading)", v, want);
	return HM_BUSY;
}

/* PRAGMA user_version takes no bound parameter, so this one statement is
 * printed (a number from the embedded migrations; lint allow-list). */
static enum hm_rc set_user_version(sqlite3 *db, int v)
{
	char pragma[48];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v);
	return db_exec(db, pragma);
}

/* Runs a script of several statements, one prepared statement at a time:
 * the embedded schema migrations (lint allow-list: the text is the script). */
static enum hm_rc run_script(sqlite3 *db, const char *sql)
{
	const char *tail = sql;
	while (tail && *tail) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v3(db, tail, -1, 0, &st, &tail) != SQLITE_OK) {
			log_err("migration: %s", sqlite3_errmsg(db));
			return HM_ERR;
		}
		if (!st)
			continue;	/* trailing comment or white space */
		int s = sqlite3_step(st);
		sqlite3_finalize(st);
		if (s != SQLITE_DONE && s != SQLITE_ROW)
			return db_rc(db, s, "migration");
	}
	return HM_OK;
}

enum hm_rc schema_migrate(sqlite3 *db, int *from, int *to)
{
	enum hm_rc rc = HM_OK;
	*from = *to = schema_version(db);
	if (*from < 0)
		return HM_ERR;
	for (size_t i = 0; i < HM_NELEM(migrations) && rc == HM_OK; i++) {
		const struct migration *m = &migrations[i];
		if (m->version <= *to)
			continue;
		/* Each migration and its version bump commit together or not at all. */
		if ((rc = db_begin(db)) != HM_OK)
			break;
		/* Read again under the write lock: another migrate may have
		 * applied this one since. */
		int now = schema_version(db);
		if (now >= m->version) {
			db_rollback(db);
			*to = now;
			continue;
		}
		rc = run_script(db, m->sql);
		if (rc == HM_OK)
			rc = set_user_version(db, m->version);
		if (rc == HM_OK)
			rc = db_commit(db);
		else
			db_rollback(db);
		if (rc == HM_OK)
			*to = m->version;
		else
			log_err("migration %d was not applied: the database stays at version %d",
			    m->version, *to);
	}
	return rc;
}
