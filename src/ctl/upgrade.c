/* hallmarkctl migrate made safe (backup.h): one migration at a time, and
 * a backup of the database as it was before the first pending migration. */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "model.h"
#include "util.h"

/* The directory path is in ("." for a bare name); caller frees. */
static char *dir_of(const char *path)
{
	char *d = xstrdup(path), *slash = strrchr(d, '/');
	if (!slash) {
		free(d);
		return xstrdup(".");
	}
	*(slash == d ? slash + 1 : slash) = '\0';
	return d;
}

int migrate_lock(const struct config *cfg)
{
	/* The database's directory: no extra file to own and keep. */
	char *dir = dir_of(cfg->database);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ctl_fail("cannot open %s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		printf("another hallmarkctl migrate is running: waiting for it\n");
		fflush(stdout);
		if (flock(fd, LOCK_EX) != 0) {
			ctl_fail("cannot lock %s: %s", dir, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	free(dir);
	return fd;
}

void migrate_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* the lock goes with it */
}

int migrate_backup(const struct config *cfg, sqlite3 *db)
{
	int v = schema_version(db);
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	if (v < 0)
		return ctl_fail("cannot read the database's schema version");
	if (v >= schema_latest())
		return 0;
	char *dir = dir_of(cfg->database);
	char *backups = xasprintf("%s/backups", dir);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm);
	char *dest = xasprintf("%s/pre-migrate-%d-%s", backups, v, when);
	int rc = 1;
	if (mkdir(backups, 0700) != 0 && errno != EEXIST)
		ctl_fail("cannot create %s: %s", backups, strerror(errno));
	else if (backup_make(cfg, dest, 0) == 0) {
		printf("backup of the database at version %d written to %s\n", v, dest);
		rc = 0;
	} else
		ctl_fail("no backup, so nothing was migrated");
	free(dir);
	free(backups);
	free(dest);
	return rc;
}
