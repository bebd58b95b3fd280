/* Backups, restores and safe migrations (hallmarkctl backup, restore,
 * migrate: src/ctl/upgrade.c). A backup is a directory: hallmark.db (a consistent snapshot
 * taken with SQLite's online backup API while the shop works), media/ (the
 * photo files that snapshot references), secret.key only when asked for,
 * and MANIFEST (the SHA-256 of every file, README.md "Backup and restore"). */
#ifndef HM_CTL_BACKUP_H
#define HM_CTL_BACKUP_H

#include <sqlite3.h>

#include "config.h"

/* hallmarkctl backup DEST [--with-secret-key]: argv holds what follows
 * "backup". Returns the command's exit status. */
int ctl_backup(const struct config *cfg, int argc, char **argv);

/* hallmarkctl restore SRC [--force]: checks every file of the backup, then
 * restores it into cfg's (empty, or with --force live) state. */
int ctl_restore(const struct config *cfg, int argc, char **argv);

/* Makes a verified backup of cfg's installation in dest, a directory that
 * must not exist yet or be empty; with_key includes the secret key.
 * 0, or 1 with a message on stderr (and dest's partial files removed). */
int backup_make(const struct config *cfg, const char *dest, int with_key);

/* Waits until no other hallmarkctl migrates this installation, then holds
 * that place until migrate_unlock: of two migrations started together, the
 * second finds nothing left to do. A descriptor, or -1 with a message. */
int migrate_lock(const struct config *cfg);
void migrate_unlock(int fd);

/* Before migrating db (opened by the caller): when a migration is pending,
 * a backup in <database's directory>/backups/pre-migrate-<version>-<time>
 * (README.md "Upgrading"); nothing when the database is current.
 * 0, or 1 with a message: then nothing must be migrated. */
int migrate_backup(const struct config *cfg, sqlite3 *db);

#endif
