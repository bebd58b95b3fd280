#include <stdarg.h>
#include <stdio.h>

#include "ctl.h"
#include "db.h"
#include "model.h"

int ctl_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("hallmarkctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

sqlite3 *ctl_open_rw(const struct config *cfg)
{
	sqlite3 *db = db_open(cfg->database, 0);
	if (!db)
		ctl_fail("cannot open %s (run 'hallmarkctl init' first)", cfg->database);
	return db;
}

int ctl_migrate(sqlite3 *db)
{
	int from, to;
	if (schema_migrate(db, &from, &to) != HM_OK)
		return ctl_fail("migration failed");
	if (from != to)
		printf("database migrated from version %d to %d\n", from, to);
	else
		printf("database is at version %d (current)\n", to);
	return 0;
}
