/* hallmarkctl backup and restore (backup.h). The database is copied with SQLite's online backup API
 * in one step, so the copy is one consistent snapshot while the CGIs go on
 * writing; the photos copied are the ones that snapshot references. */
#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "ctl.h"
#include "db.h"
#include "model.h"
#include "passport.h"
#include "ratelimit.h"
#include "sign.h"
#include "util.h"

#define MANIFEST "MANIFEST"
#define MANIFEST_FORMAT "hallmark-backup 1"
#define DB_NAME "hallmark.db"
#define KEY_NAME "secret.key"
#define MEDIA_DIR "media"
#define SHA_HEX (crypto_hash_sha256_BYTES * 2 + 1)
/* A photo deleted for good (purge) between the snapshot and the copy of
 * its files: the snapshot is taken again, at most this many times. */
#define SNAPSHOT_TRIES 5

struct entry {
	char *name;		/* relative to the backup: hallmark.db, media/x, secret.key */
	char sha[SHA_HEX];
	int64_t size;
};

struct entries {
	struct entry *v;
	size_t n, cap;
};

static void entries_add(struct entries *e, const char *name, const char *sha, int64_t size)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->v = xrealloc(e->v, e->cap * sizeof *e->v);
	}
	e->v[e->n].name = xstrdup(name);
	snprintf(e->v[e->n].sha, SHA_HEX, "%s", sha);
	e->v[e->n].size = size;
	e->n++;
}

static void entries_free(struct entries *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i].name);
	free(e->v);
	memset(e, 0, sizeof *e);
}

/* The SHA-256 and size of src, and when dst is not NULL a copy of it in a
 * new file dst (mode), through fsync; src is never followed through a
 * symbolic link. 0, -1 with errno (ENOENT: src is not there). */
static int copy_file(const char *src, const char *dst, mode_t mode, char sha[SHA_HEX], int64_t *size)
{
	unsigned char buf[65536], h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out = -1, rc = -1, err = 0;
	int64_t total = 0;
	if (in < 0)
		return -1;
	if (dst && (out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode)) < 0)
		goto out;
	crypto_hash_sha256_init(&st);
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
		total += n;
		for (ssize_t off = 0; out >= 0 && off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				goto out;
			off += w;
		}
	}
	if (out >= 0 && fsync(out) != 0)
		goto out;
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(sha, SHA_HEX, h, sizeof h);
	*size = total;
	rc = 0;
out:
	err = errno;
	close(in);
	if (out >= 0 && close(out) != 0 && rc == 0) {
		err = errno;
		rc = -1;
	}
	sodium_memzero(buf, sizeof buf);
	errno = err;
	return rc;
}

/* The SHA-256 and size of a file as it is now; 0 or -1 with errno. */
static int hash_file(const char *path, char sha[SHA_HEX], int64_t *size)
{
	return copy_file(path, NULL, 0, sha, size);
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* 1 when dir has an entry other than . and ..; 0 when empty or absent. */
static int dir_has_files(const char *dir)
{
	DIR *d = opendir(dir);
	int found = 0;
	for (struct dirent *e; d && !found && (e = readdir(d));)
		found = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return found;
}

/* Removes what backup_make put in dest (files it names, media/, dest
 * itself when it made it), after a failure. */
static void remove_partial(const char *dest, int made_dest)
{
	char *media = xasprintf("%s/%s", dest, MEDIA_DIR);
	DIR *d = opendir(media);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *f = xasprintf("%s/%s", media, e->d_name);
		unlink(f);
		free(f);
	}
	if (d)
		closedir(d);
	rmdir(media);
	free(media);
	const char *names[] = {DB_NAME, DB_NAME "-journal", DB_NAME "-wal", DB_NAME "-shm", KEY_NAME,
	    MANIFEST, MANIFEST ".tmp"};
	for (size_t i = 0; i < HM_NELEM(names); i++) {
		char *f = xasprintf("%s/%s", dest, names[i]);
		unlink(f);
		free(f);
	}
	if (made_dest)
		rmdir(dest);
}

/* "ok", or the first problem PRAGMA integrity_check reports (heap). */
static char *integrity(sqlite3 *db)
{
	sqlite3_stmt *st = db_prepare(db, "PRAGMA integrity_check");
	char *res = NULL;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		res = db_col_dup(st, 0);
	else
		res = xasprintf("%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return res;
}

/* Copies the live database into path in one step of the online backup
 * API: one read transaction, so one consistent moment, while writers go on
 * (WAL). The copy is made a plain single file (journal_mode DELETE). */
static int snapshot(const char *database, const char *path)
{
	sqlite3 *src = db_open(database, 1), *dst = NULL;
	int rc = -1;
	if (!src)
		return ctl_fail("cannot open %s", database);
	unlink(path);
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		ctl_fail("cannot create %s: %s", path, dst ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		ctl_fail("backup of %s: %s", database, sqlite3_errmsg(dst));
		goto out;
	}
	int s;
	/* -1: every page in one step, under one read lock. Busy or locked
	 * only while a checkpoint or recovery holds the file: wait and redo. */
	for (int i = 0; (s = sqlite3_backup_step(b, -1)) != SQLITE_DONE && i < 50; i++) {
		if ((s & 0xff) != SQLITE_BUSY && (s & 0xff) != SQLITE_LOCKED)
			break;
		usleep(100000);
	}
	sqlite3_backup_finish(b);
	if (s != SQLITE_DONE) {
		ctl_fail("backup of %s: %s", database, sqlite3_errstr(s));
		goto out;
	}
	sqlite3_close(dst);
	dst = NULL;
	/* The copy's header still says WAL, as the live file's does: opened
	 * again, it is turned into a plain file that reads without -wal or
	 * -shm (and a backup directory holds nothing else). */
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK ||
	    db_exec(dst, "PRAGMA journal_mode=DELETE") != HM_OK || chmod(path, 0600) != 0) {
		ctl_fail("backup of %s: cannot make the copy a single file", database);
		goto out;
	}
	rc = 0;
out:
	if (dst && sqlite3_close(dst) != SQLITE_OK)
		rc = ctl_fail("backup of %s: cannot close the copy", database);
	db_close(src);
	return rc;
}

/* 1 when db has the table (a backup may be older than it), 0, -1. */
static int has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM sqlite_schema "
	    "WHERE type = 'table' AND name = ?");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int has = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	return has;
}

/* The photo files the database references (stored_name-d.jpg, -t.jpg of
 * every attachments row, deleted ones too until purge removes them). */
static int referenced_media(sqlite3 *db, struct entries *names)
{
	int has = has_table(db, "attachments");
	if (has <= 0)
		return has;	/* 0: a database older than photos */
	sqlite3_stmt *st = db_prepare(db, "SELECT stored_name FROM attachments ORDER BY stored_name");
	if (!st)
		return -1;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *n = db_col_str(st, 0);
		char *d = xasprintf("%s-d.jpg", n), *t = xasprintf("%s-t.jpg", n);
		entries_add(names, d, "", 0);
		entries_add(names, t, "", 0);
		free(d);
		free(t);
	}
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? 0 : -1;
}

/* Copies the media a snapshot references into files; the ones not in
 * media_dir go into missing. 0, or -1 on an error (reported). */
static int copy_media(const struct config *cfg, const char *dest, const char *snap,
    struct entries *files, struct entries *missing)
{
	struct entries names = {0};
	sqlite3 *db = db_open(snap, 1);
	int rc = -1;
	if (!db || referenced_media(db, &names) != 0) {
		ctl_fail("%s: cannot read the photos it references", snap);
		goto out;
	}
	for (size_t i = 0; i < names.n; i++) {
		char *src = xasprintf("%s/%s", cfg->media_dir, names.v[i].name);
		char *dst = xasprintf("%s/%s/%s", dest, MEDIA_DIR, names.v[i].name);
		char *rel = xasprintf("%s/%s", MEDIA_DIR, names.v[i].name);
		char sha[SHA_HEX];
		int64_t size = 0;
		int c = copy_file(src, dst, 0600, sha, &size);
		int err = errno;
		if (c == 0)
			entries_add(files, rel, sha, size);
		else if (err == ENOENT)
			entries_add(missing, rel, "", 0);
		else
			ctl_fail("cannot copy %s to %s: %s", src, dst, strerror(err));
		free(src);
		free(dst);
		free(rel);
		if (c != 0 && err != ENOENT)
			goto out;
	}
	rc = 0;
out:
	db_close(db);
	entries_free(&names);
	return rc;
}

/* Now in UTC: 2026-12-05T01:50:00Z, or compact (20261205T015000Z) for a
 * directory name. */
static void utc_stamp(char *out, size_t n, int compact)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	if (compact)
		strftime(out, n, "%Y%m%dT%H%M%SZ", &tm);
	else
		strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int write_manifest(const char *dest, int version, const struct entries *files,
    const struct entries *missing)
{
	char when[32];
	char *tmp = xasprintf("%s/%s.tmp", dest, MANIFEST), *path = xasprintf("%s/%s", dest, MANIFEST);
	int rc = -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		ctl_fail("cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	utc_stamp(when, sizeof when, 0);
	fprintf(f, "%s\nschema %d\ncreated %s\n", MANIFEST_FORMAT, version, when);
	for (size_t i = 0; i < files->n; i++)
		fprintf(f, "file %s %lld %s\n", files->v[i].sha, (long long)files->v[i].size,
		    files->v[i].name);
	/* Photos the database names that the installation had lost already:
	 * said, so that a restore says it too. */
	for (size_t i = 0; i < missing->n; i++)
		fprintf(f, "missing %s\n", missing->v[i].name);
	/* A manifest cut short loses its end line: a truncated backup is
	 * refused rather than restored without the files it lost. */
	fprintf(f, "end %zu\n", files->n);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		ctl_fail("cannot write %s: %s", tmp, strerror(errno));
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		ctl_fail("cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	rc = sync_dir(dest);
out:
	free(tmp);
	free(path);
	return rc;
}

/* A file name the manifest may list: hallmark.db, secret.key, or a plain
 * name under media/ (never a path that leaves the backup). */
static int entry_name_ok(const char *n)
{
	if (!strcmp(n, DB_NAME) || !strcmp(n, KEY_NAME))
		return 1;
	if (strncmp(n, MEDIA_DIR "/", sizeof MEDIA_DIR))
		return 0;
	const char *base = n + sizeof MEDIA_DIR;
	if (!*base || *base == '.')
		return 0;
	for (const char *p = base; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789-_.", *p))
			return 0;
	return 1;
}

/* Reads and checks src's manifest, then every file it lists (size and
 * SHA-256), then the database's integrity. Fills files, *version and
 * *missing (photos the installation had lost before the backup).
 * 0, or 1 with a message naming what is wrong. */
static int backup_check(const char *src, struct entries *files, int *version, size_t *missing)
{
	char *path = xasprintf("%s/%s", src, MANIFEST);
	char *text = read_file(path, 64L << 20, NULL), *save = NULL;
	int rc = 1, ended = 0, lineno = 0, have_db = 0;
	*version = -1;
	*missing = 0;
	if (!text) {
		rc = ctl_fail("%s: %s: not a Hallmark backup (its manifest is missing or unreadable)",
		    path, strerror(errno));
		goto out;
	}
	size_t len = strlen(text);
	if (len == 0 || text[len - 1] != '\n') {
		rc = ctl_fail("%s: ends in the middle of a line: the manifest is truncated, so the backup "
		    "may lack files (refused)", path);
		goto out;
	}
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char sha[SHA_HEX], name[256];
		long long size;
		size_t count;
		int n = 0;
		lineno++;
		if (ended) {
			rc = ctl_fail("%s: line %d: text after the end line", path, lineno);
			goto out;
		}
		if (lineno == 1) {
			if (strcmp(line, MANIFEST_FORMAT)) {
				rc = ctl_fail("%s: not a Hallmark backup manifest (it must begin \"%s\")",
				    path, MANIFEST_FORMAT);
				goto out;
			}
		} else if (sscanf(line, "schema %d%n", version, &n) == 1 && !line[n]) {
			;
		} else if (!strncmp(line, "created ", 8)) {
			;
		} else if (sscanf(line, "file %64[0-9a-f] %lld %255s%n", sha, &size, name, &n) == 3 &&
		    !line[n] && strlen(sha) == SHA_HEX - 1 && size >= 0 && entry_name_ok(name)) {
			entries_add(files, name, sha, size);
			have_db |= !strcmp(name, DB_NAME);
		} else if (sscanf(line, "missing %255s%n", name, &n) == 1 && !line[n] &&
		    entry_name_ok(name)) {
			(*missing)++;
		} else if (sscanf(line, "end %zu%n", &count, &n) == 1 && !line[n]) {
			if (count != files->n) {
				rc = ctl_fail("%s: lists %zu files but its end line says %zu: the manifest "
				    "is damaged", path, files->n, count);
				goto out;
			}
			ended = 1;
		} else {
			rc = ctl_fail("%s: line %d is not part of a Hallmark manifest: the manifest is damaged",
			    path, lineno);
			goto out;
		}
	}
	if (!ended) {
		rc = ctl_fail("%s: no end line: the manifest is truncated, so the backup may lack files "
		    "(refused)", path);
		goto out;
	}
	if (!have_db || *version < 1) {
		rc = ctl_fail("%s: names no database or no schema version: the manifest is damaged", path);
		goto out;
	}
	for (size_t i = 0; i < files->n; i++) {
		char *f = xasprintf("%s/%s", src, files->v[i].name), sha[SHA_HEX];
		int64_t size;
		if (hash_file(f, sha, &size) != 0)
			ctl_fail("%s: %s: the backup is incomplete (refused)", f, strerror(errno));
		else if (size != files->v[i].size)
			ctl_fail("%s: %lld bytes, but the manifest says %lld: the file is %s (refused)", f,
			    (long long)size, (long long)files->v[i].size,
			    size < files->v[i].size ? "truncated" : "damaged");
		else if (strcmp(sha, files->v[i].sha))
			ctl_fail("%s: its SHA-256 checksum does not match the manifest: the file is damaged "
			    "(refused)", f);
		else {
			free(f);
			continue;
		}
		free(f);
		goto out;
	}
	free(path);
	path = xasprintf("%s/%s", src, DB_NAME);
	sqlite3 *db = db_open(path, 1);
	char *ok = db ? integrity(db) : NULL;
	int v = db ? schema_version(db) : -1;
	db_close(db);
	if (!ok || strcmp(ok, "ok"))
		ctl_fail("%s: the database fails SQLite's integrity check (%s): refused", path,
		    ok ? ok : "cannot open it");
	else if (v != *version)
		ctl_fail("%s: the database is at schema version %d, the manifest says %d: refused",
		    path, v, *version);
	else
		rc = 0;
	free(ok);
out:
	free(text);
	free(path);
	return rc;
}

int backup_make(const struct config *cfg, const char *dest, int with_key)
{
	struct entries files = {0};
	struct stat sb;
	int made_dest = 0, rc = 1, version = -1;
	char *snap = xasprintf("%s/%s", dest, DB_NAME), *media = xasprintf("%s/%s", dest, MEDIA_DIR);
	struct entries missing = {0}, before = {0};

	if (lstat(dest, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode) || dir_has_files(dest)) {
			rc = ctl_fail("%s exists and is not an empty directory: give a new one", dest);
			goto out_nopartial;
		}
		/* Someone else who can write in it could put a link where the
		 * photos or the database are about to be written. */
		if (sb.st_uid != geteuid() || (sb.st_mode & 022)) {
			rc = ctl_fail("%s belongs to another user or others can write in it: give a new "
			    "directory (backup makes it, mode 0700)", dest);
			goto out_nopartial;
		}
	} else if (mkdir(dest, 0700) != 0) {
		rc = ctl_fail("cannot create %s: %s", dest, strerror(errno));
		goto out_nopartial;
	} else {
		made_dest = 1;
	}
	if (mkdir(media, 0700) != 0) {
		ctl_fail("cannot create %s: %s", media, strerror(errno));
		goto out;
	}
	for (int tries = 1;; tries++) {
		entries_free(&files);
		entries_free(&before);
		before = missing;
		memset(&missing, 0, sizeof missing);
		if (snapshot(cfg->database, snap) != 0)
			goto out;
		if (copy_media(cfg, dest, snap, &files, &missing) != 0)
			goto out;
		/* A photo purged since the snapshot (its row deleted, then its
		 * files) is not in the next snapshot. One that a newer snapshot
		 * still names was not there before: the installation lost it. */
		int raced = 0;
		for (size_t i = 0; i < missing.n && !raced; i++) {
			raced = 1;
			for (size_t j = 0; j < before.n && raced; j++)
				raced = strcmp(missing.v[i].name, before.v[j].name) != 0;
		}
		if (!raced || tries == SNAPSHOT_TRIES)
			break;
		remove_partial(dest, 0);
		if (mkdir(media, 0700) != 0) {
			ctl_fail("cannot create %s: %s", media, strerror(errno));
			goto out;
		}
	}
	char sha[SHA_HEX];
	int64_t size;
	sqlite3 *db = db_open(snap, 1);
	version = db ? schema_version(db) : -1;
	db_close(db);
	if (version < 1 || hash_file(snap, sha, &size) != 0) {
		ctl_fail("%s: cannot read the copy back", snap);
		goto out;
	}
	entries_add(&files, DB_NAME, sha, size);
	if (with_key) {
		char *dst = xasprintf("%s/%s", dest, KEY_NAME);
		int c = copy_file(cfg->secret_key_file, dst, 0600, sha, &size);
		if (c != 0)
			ctl_fail("cannot copy the secret key %s: %s", cfg->secret_key_file, strerror(errno));
		else
			entries_add(&files, KEY_NAME, sha, size);
		free(dst);
		if (c != 0)
			goto out;
	}
	if (sync_dir(media) != 0 || write_manifest(dest, version, &files, &missing) != 0)
		goto out;
	/* Verified as restore will check it: every file read back against
	 * the manifest, and the database's integrity. */
	struct entries check = {0};
	int v;
	size_t lost;
	rc = backup_check(dest, &check, &v, &lost);
	entries_free(&check);
	for (size_t i = 0; rc == 0 && i < missing.n; i++)
		fprintf(stderr, "hallmarkctl: warning: %s/%s is named by the database but missing from "
		    "the installation: the backup records it as missing\n", cfg->media_dir,
		    missing.v[i].name + sizeof MEDIA_DIR);
out:
	if (rc != 0)
		remove_partial(dest, made_dest);
	if (rc == 0)
		log_event("backup", "%zu files written to %s and verified%s", files.n, dest,
		    with_key ? ", the secret key among them" : "");
	else
		log_event("backup", "to %s failed; nothing was kept", dest);
out_nopartial:
	entries_free(&missing);
	entries_free(&before);
	free(snap);
	free(media);
	entries_free(&files);
	return rc;
}

int ctl_backup(const struct config *cfg, int argc, char **argv)
{
	const char *dest = NULL;
	int with_key = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--with-secret-key"))
			with_key = 1;
		else if (!dest && argv[i][0] != '-')
			dest = argv[i];
		else
			return ctl_fail("usage: hallmarkctl backup DEST [--with-secret-key]");
	}
	if (!dest)
		return ctl_fail("usage: hallmarkctl backup DEST [--with-secret-key]");
	if (backup_make(cfg, dest, with_key) != 0)
		return 1;
	printf("backup written to %s and verified%s\n", dest, with_key ? " (with the secret key: "
	    "keep it as safe as the server)" : " (without the secret key: keep a copy of it apart)");
	return 0;
}

/* The master key a restore will leave in place: the backup's, else the
 * one already at secret_key_file. It must open every shop's sealed
 * signing key, or every passport and link of the restored shop breaks. */
static int key_fits(const struct config *cfg, const char *src, int backup_has_key)
{
	unsigned char master[KEY_BYTES];
	char *key = backup_has_key ? xasprintf("%s/%s", src, KEY_NAME) : xstrdup(cfg->secret_key_file);
	char *dbp = xasprintf("%s/%s", src, DB_NAME);
	sqlite3 *db = NULL;
	int rc = 1;
	if (key_load(key, master) != 0) {
		rc = backup_has_key ? ctl_fail("%s: not a Hallmark secret key", key)
		    : ctl_fail("the backup holds no secret key and %s cannot be read: put the "
		    "installation's secret key there first (or restore a backup made with "
		    "--with-secret-key)", key);
		goto out;
	}
	if (!(db = db_open(dbp, 1)))
		goto out;
	int keys = has_table(db, "shop_keys");
	if (keys <= 0) {
		rc = keys < 0;	/* a database older than signing keys has none to open */
		goto out;
	}
	sqlite3_stmt *st = db_prepare(db, "SELECT shop_id FROM shop_keys ORDER BY shop_id");
	int s = SQLITE_DONE;
	while (st && (s = sqlite3_step(st)) == SQLITE_ROW) {
		unsigned char pk[32];
		if (shop_key_public(db, sqlite3_column_int64(st, 0), master, pk) != HM_OK) {
			ctl_fail("the secret key %s does not open the shops' signing keys in this backup: "
			    "it is another installation's key (refused)", key);
			s = SQLITE_ERROR;
			break;
		}
	}
	sqlite3_finalize(st);
	rc = st && s == SQLITE_DONE ? 0 : 1;
out:
	sodium_memzero(master, sizeof master);
	db_close(db);
	free(key);
	free(dbp);
	return rc;
}

/* Copies src over dst through a temporary file beside it and a rename. */
static int put_file(const char *src, const char *dst, mode_t mode)
{
	char *tmp = xasprintf("%s.restore-tmp", dst), sha[SHA_HEX];
	int64_t size;
	int rc = copy_file(src, tmp, mode, sha, &size);
	if (rc == 0 && rename(tmp, dst) != 0)
		rc = -1;
	if (rc != 0) {
		ctl_fail("cannot write %s: %s", dst, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* The live database: WAL mode (as hallmarkctl init sets it), its writers'
 * queue, and an empty rate-limit store (not in a backup: it holds only
 * recent counts of hashed addresses). */
static int finish_state(const struct config *cfg)
{
	sqlite3 *db = db_open(cfg->database, 0), *rl = NULL;
	int rc = 1;
	if (!db || db_exec(db, "PRAGMA journal_mode=WAL") != HM_OK) {
		ctl_fail("cannot open the restored database %s", cfg->database);
		goto out;
	}
	char *q = db_queue_path(cfg->database);
	int fd = db_queue_open(q);
	if (fd < 0)
		ctl_fail("cannot create %s: %s", q, strerror(errno));
	else
		close(fd);
	free(q);
	if (fd < 0)
		goto out;
	if (!(rl = db_create(cfg->ratelimit_database)) || db_exec(rl, RL_JOURNAL_MODE) != HM_OK ||
	    rl_migrate(rl) != 0) {
		ctl_fail("cannot prepare the rate-limit store %s", cfg->ratelimit_database);
		goto out;
	}
	rc = 0;
out:
	db_close(rl);
	db_close(db);
	return rc;
}

int ctl_restore(const struct config *cfg, int argc, char **argv)
{
	const char *src = NULL;
	int force = 0, rc = 1, version, has_key = 0, queue = -1;
	char *db_from = NULL, *db_tmp = NULL;
	size_t lost = 0;
	struct entries files = {0};
	struct stat sb;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (!src && argv[i][0] != '-')
			src = argv[i];
		else
			return ctl_fail("usage: hallmarkctl restore SRC [--force]");
	}
	if (!src)
		return ctl_fail("usage: hallmarkctl restore SRC [--force]");
	/* Everything is checked before anything is written. */
	if (backup_check(src, &files, &version, &lost) != 0)
		goto out;
	if (version > schema_latest()) {
		ctl_fail("%s was made by a newer Hallmark (schema version %d; this one knows %d): "
		    "install that version first", src, version, schema_latest());
		goto out;
	}
	for (size_t i = 0; i < files.n; i++)
		has_key |= !strcmp(files.v[i].name, KEY_NAME);
	char *wal = xasprintf("%s-wal", cfg->database);
	int live = stat(cfg->database, &sb) == 0 || stat(wal, &sb) == 0 || dir_has_files(cfg->media_dir);
	free(wal);
	if (live && !force) {
		ctl_fail("%s or %s holds an installation's data: restore refuses to overwrite it. To "
		    "replace it with the backup, stop the web server and run again with --force",
		    cfg->database, cfg->media_dir);
		goto out;
	}
	if (has_key && force == 0 && stat(cfg->secret_key_file, &sb) == 0) {
		char *bk = xasprintf("%s/%s", src, KEY_NAME), a[SHA_HEX], b[SHA_HEX];
		int64_t n;
		int same = hash_file(bk, a, &n) == 0 && hash_file(cfg->secret_key_file, b, &n) == 0 &&
		    !strcmp(a, b);
		free(bk);
		if (!same) {
			ctl_fail("%s holds another secret key than the backup's: restore refuses to "
			    "replace it without --force", cfg->secret_key_file);
			goto out;
		}
	}
	if (key_fits(cfg, src, has_key) != 0)
		goto out;
	if (mkdir(cfg->media_dir, 0750) != 0 && errno != EEXIST) {
		ctl_fail("cannot create %s: %s", cfg->media_dir, strerror(errno));
		goto out;
	}
	/* The new database is copied beside the live one before anything live
	 * changes: a copy that fails (a full disk) leaves the installation as
	 * it was, its log included. What follows cannot fail for want of room. */
	char sha[SHA_HEX];
	int64_t size;
	db_from = xasprintf("%s/%s", src, DB_NAME);
	db_tmp = xasprintf("%s.restore-tmp", cfg->database);
	if (copy_file(db_from, db_tmp, 0640, sha, &size) != 0) {
		ctl_fail("cannot write %s: %s", db_tmp, strerror(errno));
		unlink(db_tmp);
		goto out;
	}
	/* Photos first, the database last: the database never names a file
	 * that is not there yet. */
	for (size_t i = 0; i < files.n; i++) {
		if (strncmp(files.v[i].name, MEDIA_DIR "/", sizeof MEDIA_DIR))
			continue;
		char *from = xasprintf("%s/%s", src, files.v[i].name);
		char *to = xasprintf("%s/%s", cfg->media_dir, files.v[i].name + sizeof MEDIA_DIR);
		int c = put_file(from, to, 0640);
		free(from);
		free(to);
		if (c != 0)
			goto out;
	}
	if (sync_dir(cfg->media_dir) != 0) {
		ctl_fail("cannot sync %s: %s", cfg->media_dir, strerror(errno));
		goto out;
	}
	/* No write may land in the old database from here on: writers queue
	 * on this lock (db.h) and wait for the new one. */
	char *q = db_queue_path(cfg->database);
	queue = db_queue_open(q);
	if (queue < 0 || flock(queue, LOCK_EX) != 0) {
		ctl_fail("cannot lock %s: %s", q, strerror(errno));
		free(q);
		goto out;
	}
	free(q);
	if (has_key) {
		char *from = xasprintf("%s/%s", src, KEY_NAME);
		int c = put_file(from, cfg->secret_key_file, 0600);
		free(from);
		if (c != 0)
			goto out;
	}
	/* The old database's log and index must not be applied to the new
	 * file: they go before it takes the old one's place. */
	const char *suffixes[] = {"-wal", "-shm", "-journal"};
	for (size_t i = 0; i < HM_NELEM(suffixes); i++) {
		char *f = xasprintf("%s%s", cfg->database, suffixes[i]);
		if (unlink(f) != 0 && errno != ENOENT) {
			ctl_fail("cannot remove %s: %s", f, strerror(errno));
			free(f);
			goto out;
		}
		free(f);
	}
	char *dir = ctl_dir_of(cfg->database);
	int c = rename(db_tmp, cfg->database);
	if (c != 0)
		ctl_fail("cannot put %s in place: %s", cfg->database, strerror(errno));
	else
		c = sync_dir(dir);
	free(dir);
	if (c != 0 || finish_state(cfg) != 0)
		goto out;
	printf("restored %s into %s and %s%s\n", src, cfg->database, cfg->media_dir,
	    has_key ? ", with its secret key" : "");
	log_event("restore", "%s restored, schema version %d%s", src, version,
	    has_key ? ", with its secret key" : "");
	if (lost)
		printf("the backup records %zu photo file%s that the installation had lost before it "
		    "was made (see \"missing\" in its MANIFEST)\n", lost, lost == 1 ? "" : "s");
	if (version < schema_latest())
		printf("the backup's database is at schema version %d: run 'hallmarkctl migrate' "
		    "before serving it\n", version);
	rc = 0;
out:
	if (rc != 0 && db_tmp)
		unlink(db_tmp);
	if (queue >= 0)
		close(queue);
	free(db_from);
	free(db_tmp);
	entries_free(&files);
	return rc;
}
