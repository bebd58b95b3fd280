/* hallmarkctl: the operator's command line. Initialises an installation,
 * applies migrations, adds shops and staff, provisions the demo shop, and
 * delivers queued notifications (send: src/send/). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "accounts.h"
#include "auth.h"
#include "backup.h"
#include "config.h"
#include "ctl.h"
#include "export.h"
#include "import.h"
#include "shop.h"
#include "db.h"
#include "model.h"
#include "passport.h"
#include "ratelimit.h"
#include "messages.h"
#include "request.h"
#include "retention.h"
#include "send.h"
#include "sign.h"
#include "ctl/users.h"
#include "util.h"

static struct config cfg;

static void usage(void)
{
	fputs("usage: hallmarkctl [-c CONFIG] COMMAND\n"
	    "  init                          create the database, secret key and media directory\n"
	    "  migrate                       apply schema migrations, after a backup in\n"
	    "                                <database dir>/backups/ (waits for another migrate)\n"
	    "  backup DEST [--with-secret-key]\n"
	    "                                an online, verified backup into the new directory DEST\n"
	    "  restore SRC [--force]         check the backup SRC and restore it into an empty state\n"
	    "                                (--force: over a live one; stop the web server first)\n"
	    "  shop add SLUG NAME [TIMEZONE] add a shop (slug: a-z 0-9 -)\n"
	    "  shop list                     list shops: time zone, language, jobs, passports, users\n"
	    "  shop edit SLUG [--name NAME] [--timezone TZ] [--language LANG] [--country CC]\n"
	    "            [--email EMAIL] [--phone PHONE] [--retention-days N]\n"
	    "                                change a shop's settings\n"
	    "  user add SHOP USERNAME [NAME] [--staff]\n"
	    "                                add a shop owner (--staff: a staff member, who cannot\n"
	    "                                wipe the shop's data); password from a prompt or stdin\n"
	    "  user passwd USERNAME          set a user's password; from a prompt or stdin\n"
	    "  user list [SHOP]              list users: shop, role, enabled or disabled\n"
	    "  user disable|enable USERNAME  stop (ending their sessions) or allow their sign-in\n"
	    "  user role USERNAME owner|staff\n"
	    "  user remove USERNAME          delete a user who has no history (else: disable)\n"
	    "  fix-ownership                 (as root) give the state files to cgi_user\n"
	    "  import jobs|passports SHOP FILE.csv [--dry-run]\n"
	    "                                bring in a shop's records from its old system: every\n"
	    "                                row checked, all or nothing (see the README's columns)\n"
	    "  export SHOP --format csv|json [--out DIR]\n"
	    "                                write a shop's jobs and passports (CSV: the columns\n"
	    "                                import reads; JSON: with timelines and messages)\n"
	    "  purge                         delete what each shop's retention period lets go\n"
	    "                                (run it daily, e.g. from cron)\n"
	    "  send [--loop SECONDS]         deliver the queued notifications that are due (run it\n"
	    "                                every minute: systemd timer or cron); --loop: go on,\n"
	    "                                a round every SECONDS, until stopped\n"
	    "  demo [BASE_URL]               add the demo shop, its staff user and sample jobs\n"
	    "  passport check [--fingerprint FP | --key KEY | --key-url URL] FILE.json\n"
	    "                                check a passport record from /verify/<uid>.json offline\n"
	    "                                against the shop key you trust (exit 0 verified,\n"
	    "                                1 not verified, 3 signed but the key not checked)\n"
	    "The configuration is -c, else $" HM_CONFIG_ENV ", else " HM_DEFAULT_CONFIG ".\n"
	    "Run it as the CGI user (cgi_user, www-data by default): runuser -u www-data -- hallmarkctl ...\n",
	    stderr);
}

/* The state a CGI reads and writes: hallmarkctl must leave all of it to
 * the CGI user, or a page breaks later with nothing to say why. */
#define STATE_PATHS 9	/* with the NULL that ends them */
static void state_paths(char *out[STATE_PATHS])
{
	memset(out, 0, STATE_PATHS * sizeof *out);
	out[0] = xstrdup(cfg.database);
	out[1] = xasprintf("%s-wal", cfg.database);
	out[2] = xasprintf("%s-shm", cfg.database);
	out[3] = db_queue_path(cfg.database);
	out[4] = xstrdup(cfg.ratelimit_database);
	out[5] = xasprintf("%s-journal", cfg.ratelimit_database);
	out[6] = xstrdup(cfg.secret_key_file);
	out[7] = xstrdup(cfg.media_dir);
}

static void state_paths_free(char *p[STATE_PATHS])
{
	for (int i = 0; i < STATE_PATHS; i++)
		free(p[i]);
}

/* Gives every existing state file, and the files in media_dir, to the CGI
 * user (as root, when asked: hallmarkctl fix-ownership). */
static int cmd_fix_ownership(const struct passwd *pw)
{
	char *paths[STATE_PATHS];
	int changed = 0, rc = 0;
	if (geteuid() != 0)
		return ctl_fail("fix-ownership changes owners: run it as root");
	state_paths(paths);
	for (int i = 0; paths[i]; i++) {
		/* Root works through file descriptors opened without following a
		 * link: the CGI user owns the state directory and could swap a
		 * name for a link to a system file between a check and a chown. */
		struct stat sb;
		int fd = open(paths[i], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &sb) != 0 || !(S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode))) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		if (sb.st_uid != pw->pw_uid || sb.st_gid != pw->pw_gid) {
			if (fchown(fd, pw->pw_uid, pw->pw_gid) != 0) {
				rc = ctl_fail("%s: %s", paths[i], strerror(errno));
				close(fd);
				continue;
			}
			printf("%s now belongs to %s\n", paths[i], pw->pw_name);
			changed++;
		}
		if (!S_ISDIR(sb.st_mode)) {
			close(fd);
			continue;
		}
		DIR *d = fdopendir(fd);
		if (!d)
			close(fd);
		for (struct dirent *e; d && (e = readdir(d));) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISREG(sb.st_mode) && (sb.st_uid != pw->pw_uid || sb.st_gid != pw->pw_gid)) {
				if (fchownat(dirfd(d), e->d_name, pw->pw_uid, pw->pw_gid,
				    AT_SYMLINK_NOFOLLOW) != 0)
					rc = ctl_fail("%s/%s: %s", paths[i], e->d_name, strerror(errno));
				else
					changed++;
			}
		}
		if (d)
			closedir(d);
	}
	state_paths_free(paths);
	if (rc == 0)
		printf("%d file%s given to %s\n", changed, changed == 1 ? "" : "s", pw->pw_name);
	return rc;
}

/* path, or the first file in it when it is a directory (media_dir),
 * that does not belong to uid; NULL when all do (or nothing is there). */
static char *foreign_file(const char *path, uid_t uid)
{
	struct stat sb;
	char *found = NULL;
	if (lstat(path, &sb) != 0)
		return NULL;
	if (sb.st_uid != uid)
		return xstrdup(path);
	if (!S_ISDIR(sb.st_mode))
		return NULL;
	DIR *d = opendir(path);
	for (struct dirent *e; d && !found && (e = readdir(d));) {
		char *f = xasprintf("%s/%s", path, e->d_name);
		if (e->d_name[0] != '.' && lstat(f, &sb) == 0 && sb.st_uid != uid)
			found = f;
		else
			free(f);
	}
	if (d)
		closedir(d);
	return found;
}

/* hallmarkctl runs as the CGI user (cgi_user), so what it writes stays
 * theirs: refuses clearly otherwise, and when state it would use belongs
 * to someone else. */
static int check_user(const struct passwd *pw, const char *conf)
{
	char *paths[STATE_PATHS], *dir;
	int rc = 0;
	if (geteuid() != pw->pw_uid)
		return ctl_fail("run hallmarkctl as %s, the user the web server runs Hallmark's CGIs as "
		    "(cgi_user in %s): what it writes must be theirs, or the pages cannot use it. "
		    "For example: runuser -u %s -- hallmarkctl%s%s ...", pw->pw_name, conf,
		    pw->pw_name, conf == config_path() ? "" : " -c ", conf == config_path() ? "" : conf);
	state_paths(paths);
	for (int i = 0; paths[i] && rc == 0; i++) {
		char *bad = foreign_file(paths[i], pw->pw_uid);
		if (bad)
			rc = ctl_fail("%s belongs to another user than %s: the CGIs cannot use it. As root, run: "
			    "hallmarkctl%s%s fix-ownership", bad, pw->pw_name,
			    conf == config_path() ? "" : " -c ", conf == config_path() ? "" : conf);
		free(bad);
	}
	state_paths_free(paths);
	/* SQLite keeps -wal and -shm beside the database. */
	dir = ctl_dir_of(cfg.database);
	if (rc == 0 && access(dir, W_OK) != 0)
		rc = ctl_fail("%s cannot create files in %s, where the database and its -wal and -shm files "
		    "live: as root, give the directory to it (chown %s: %s)", pw->pw_name,
		    dir, pw->pw_name, dir);
	free(dir);
	return rc;
}

/* The writers' queue beside the database (db.h), made here so that it is
 * the CGI user's like the rest of the state. */
static int make_queue(void)
{
	char *path = db_queue_path(cfg.database);
	int fd = db_queue_open(path);
	int rc = fd < 0 ? ctl_fail("cannot create %s: %s", path, strerror(errno)) : 0;
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

static int cmd_init(void)
{
	struct stat sb;
	int rc = 1;
	sqlite3 *db = NULL, *rl = NULL;

	if (stat(cfg.secret_key_file, &sb) != 0) {
		if (key_create(cfg.secret_key_file) != 0)
			return ctl_fail("cannot create secret key file: %s", strerror(errno));
		printf("created secret key %s (mode 0600)\n", cfg.secret_key_file);
	} else if (sb.st_mode & 077) {
		fprintf(stderr, "hallmarkctl: warning: %s is readable by others; chmod 600 it\n",
		    cfg.secret_key_file);
	}
	if (mkdir(cfg.media_dir, 0750) != 0 && errno != EEXIST)
		return ctl_fail("cannot create media directory: %s", strerror(errno));
	if (!(db = db_create(cfg.database)))
		goto out;
	/* WAL is a property of the file: set once here, never per request. */
	if (db_exec(db, "PRAGMA journal_mode=WAL") != HM_OK || ctl_migrate(db) != 0 ||
	    make_queue() != 0)
		goto out;
	if (!(rl = db_create(cfg.ratelimit_database)))
		goto out;
	if (db_exec(rl, RL_JOURNAL_MODE) != HM_OK || rl_migrate(rl) != 0)
		goto out;
	printf("initialised %s\n", cfg.database);
	rc = 0;
out:
	db_close(db);
	db_close(rl);
	return rc;
}

static int cmd_migrate(void)
{
	int lock = migrate_lock(&cfg);
	sqlite3 *db = lock >= 0 ? ctl_open_rw(&cfg) : NULL;
	if (!db) {
		migrate_unlock(lock);
		return 1;
	}
	int rc = migrate_backup(&cfg, db) || ctl_migrate(db) || make_queue();
	/* The rate-limit store holds only recent counts: made again when missing
	 * (an installation restored from a backup, which leaves it out). */
	sqlite3 *rl = rc == 0 ? db_create(cfg.ratelimit_database) : NULL;
	if (rc == 0 && (!rl || db_exec(rl, RL_JOURNAL_MODE) != HM_OK || rl_migrate(rl) != 0))
		rc = ctl_fail("cannot prepare the rate-limit store %s", cfg.ratelimit_database);
	db_close(rl);
	db_close(db);
	migrate_unlock(lock);
	return rc;
}

static int slug_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 40)
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789-", *s))
			return 0;
	return 1;
}

static int tz_ok(const char *tz)
{
	struct param p = {.name = "tz"};
	int ok = v_accepts(v_tzname, &p, tz);
	if (ok) {
		char *path = xasprintf("/usr/share/zoneinfo/%s", tz);
		ok = access(path, R_OK) == 0;
		free(path);
	}
	return ok;
}

static enum hm_rc new_shop_key(sqlite3 *db, int64_t shop_id)
{
	unsigned char master[KEY_BYTES];
	if (key_load(cfg.secret_key_file, master) != 0)
		return HM_ERR;
	enum hm_rc rc = shop_key_ensure(db, shop_id, master, time(NULL));
	sodium_memzero(master, sizeof master);
	return rc;
}

static int cmd_shop_add(const char *slug, const char *name, const char *tz)
{
	int64_t id;
	if (!slug_ok(slug))
		return ctl_fail("bad shop slug '%s': use 2-40 of a-z, 0-9 and -", slug);
	if (tz && !tz_ok(tz))
		return ctl_fail("unknown time zone '%s'", tz);
	sqlite3 *db = ctl_open_rw(&cfg);
	if (!db)
		return 1;
	enum hm_rc rc = db_begin(db);
	if (rc == HM_OK)
		rc = shop_create(db, slug, name, tz ? tz : cfg.default_timezone, time(NULL), &id);
	/* The shop's passport signing key is made with the shop. */
	if (rc == HM_OK)
		rc = new_shop_key(db, id);
	if (rc == HM_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	db_close(db);
	if (rc == HM_CONFLICT)
		return ctl_fail("a shop called '%s' exists already", slug);
	if (rc != HM_OK)
		return ctl_fail("could not add shop '%s'", slug);
	printf("added shop %s\n", slug);
	return 0;
}

/* Reads a password from the terminal (twice, without echo) or one line of
 * stdin, never from argv where other users could see it. */
static char *read_password(void)
{
	char a[PW_MAX_LEN + 2], b[PW_MAX_LEN + 2];
	int tty = isatty(STDIN_FILENO);
	struct termios old, noecho;

	if (tty) {
		tcgetattr(STDIN_FILENO, &old);
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &noecho);
		fputs("New password: ", stderr);
	}
	char *ok = fgets(a, sizeof a, stdin);
	if (ok && tty) {
		fputs("\nAgain: ", stderr);
		ok = fgets(b, sizeof b, stdin);
	}
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!ok)
		return NULL;
	a[strcspn(a, "\r\n")] = '\0';
	if (tty) {
		b[strcspn(b, "\r\n")] = '\0';
		if (strcmp(a, b)) {
			fputs("hallmarkctl: the passwords differ\n", stderr);
			return NULL;
		}
	}
	char *pw = xstrdup(a);
	sodium_memzero(a, sizeof a);
	sodium_memzero(b, sizeof b);
	return pw;
}

static int password_ok(const char *pw)
{
	if (!pw_length_ok(pw)) {
		fprintf(stderr, "hallmarkctl: a password needs %d to %d characters\n", PW_MIN_LEN, PW_MAX_LEN);
		return 0;
	}
	return 1;
}

static int cmd_user_add(const char *shop, const char *username, const char *name, int owner)
{
	char hash[PW_HASH_MAX];
	int64_t shop_id;
	int rc = 1;
	sqlite3 *db = NULL;
	char *pw = NULL;

	if (!slug_ok(username))
		return ctl_fail("bad username '%s': use 2-40 of a-z, 0-9 and -", username);
	if (!(db = ctl_open_rw(&cfg)))
		return 1;
	if (shop_find_slug(db, shop, &shop_id) != HM_OK) {
		rc = ctl_fail("no shop called '%s'", shop);
		goto out;
	}
	if (!(pw = read_password()) || !password_ok(pw))
		goto out;
	if (pw_hash(pw, hash) != 0) {
		rc = ctl_fail("hashing failed (out of memory?)");
		goto out;
	}
	int64_t new_id;
	enum hm_rc r = user_add(db, shop_id, username, name ? name : username, hash, owner,
	    time(NULL), &new_id);
	if (r == HM_CONFLICT)
		rc = ctl_fail("a user called '%s' exists already", username);
	else if (r != HM_OK)
		rc = ctl_fail("could not add user '%s'", username);
	else {
		printf("added %s %s to shop %s\n", owner ? "owner" : "staff user", username, shop);
		rc = 0;
	}
out:
	if (pw) {
		sodium_memzero(pw, strlen(pw));
		free(pw);
	}
	db_close(db);
	return rc;
}

/* SHOP USERNAME [NAME] [--staff], --staff last. */
static int user_add_args(int n, char **v)
{
	int staff = !strcmp(v[n - 1], "--staff");
	if (staff)
		n--;
	if (n < 2 || n > 3) {
		usage();
		return 2;
	}
	return cmd_user_add(v[0], v[1], n == 3 ? v[2] : NULL, !staff);
}

static int cmd_purge(void)
{
	struct purge_result r = {0};
	sqlite3 *db = ctl_open_rw(&cfg);
	if (!db)
		return 1;
	/* schema_check says what to run: the purge's SQL is this version's. */
	if (schema_check(db) != HM_OK) {
		db_close(db);
		return 1;
	}
	enum hm_rc rc = retention_purge(db, time(NULL), &r);
	/* A form's key only has to outlive its retries. */
	if (rc == HM_OK && db_form_forget(db, (int64_t)time(NULL) - FORM_KEY_DAYS * 86400) < 0)
		rc = HM_ERR;
	/* Nor a customer's message count its window. */
	if (rc == HM_OK && rl_msg_forget(db, time(NULL) - RL_FORGET_AFTER) < 0)
		rc = HM_ERR;
	db_close(db);
	if (rc != HM_OK) {
		log_event("purge", "failed; nothing was deleted");
		return ctl_fail("purge failed%s; nothing was deleted", rc == HM_BUSY ? " (database busy)" : "");
	}
	int left = purge_unlink(cfg.media_dir, &r);
	log_event("purge", "%ld job%s, %ld message%s, %ld photo%s deleted", r.jobs, r.jobs == 1 ? "" : "s",
	    r.messages, r.messages == 1 ? "" : "s", r.photos, r.photos == 1 ? "" : "s");
	printf("purged %ld job%s, %ld message%s, %ld photo%s\n", r.jobs, r.jobs == 1 ? "" : "s",
	    r.messages, r.messages == 1 ? "" : "s", r.photos, r.photos == 1 ? "" : "s");
	purge_result_free(&r);
	if (left)
		return ctl_fail("%d photo file%s could not be removed (see above)", left, left == 1 ? "" : "s");
	return 0;
}

/* send [--loop SECONDS]: see src/send/send.h. */
static int cmd_send(const char *loop)
{
	char *end = NULL;
	long secs = loop ? strtol(loop, &end, 10) : 0;
	if (loop && (end == loop || *end || secs < 1 || secs > 3600))
		return ctl_fail("--loop takes the seconds between rounds, 1 to 3600");
	return send_main(&cfg, (int)secs);
}

static int cmd_user_passwd(const char *username)
{
	char hash[PW_HASH_MAX];
	char *old = NULL, *pw = NULL;
	int64_t id;
	int rc = 1;
	sqlite3 *db = ctl_open_rw(&cfg);
	if (!db)
		return 1;
	if (user_find(db, username, &id, &old) != HM_OK) {
		rc = ctl_fail("no user called '%s'", username);
		goto out;
	}
	if (!(pw = read_password()) || !password_ok(pw))
		goto out;
	if (pw_hash(pw, hash) != 0 || user_reset_password(db, 0, id, hash, NULL) != HM_OK) {
		rc = ctl_fail("could not set the password of '%s'", username);
		goto out;
	}
	printf("password changed for %s; their sessions were ended\n", username);
	rc = 0;
out:
	free(old);
	if (pw) {
		sodium_memzero(pw, strlen(pw));
		free(pw);
	}
	db_close(db);
	return rc;
}

/* The demo shop: sample repairs in every stage, with timeline notes. */
static const struct demo_job {
	const char *customer, *phone, *item, *desc, *problem;
	int stage;	/* position in the repair workflow */
	int days_ago;
	const char *public_note, *private_note;
} demo_jobs[] = {
	{"Amelia Hart", "+447700900101", "Ring", "18ct yellow gold engagement ring, round solitaire",
	    "Resize from size L to N", 0, 0, NULL, NULL},
	{"Oliver Grant", "+447700900102", "Necklace", "Silver curb chain, 20 inch",
	    "Broken link near the clasp", 1, 2, "Link and clasp both need replacing.", "Chain is plated, not solid."},
	{"Isla Bennett", "+447700900103", "Earrings", "Pair of gold hoops",
	    "One hinge loose", 2, 3, "Quote sent by message.", NULL},
	{"Noah Patel", "+447700900104", "Watch", "Stainless steel dress watch",
	    "New battery and a pressure test", 3, 4, NULL, "Customer approved by phone."},
	{"Sophia Turner", "+447700900105", "Ring", "Platinum band with channel-set sapphires",
	    "Re-tip two claws and polish", 4, 6, "Claws re-tipped; polishing next.", "Used platinum solder."},
	{"Jack Morgan", "+447700900106", "Bracelet", "Rose gold bangle",
	    "Remove a dent and re-polish", 4, 5, "Dent removed.", NULL},
	{"Mia Collins", "+447700900107", "Ring", "White gold eternity ring",
	    "Rhodium plating", 5, 8, "All done. Ready when you are.", "Paid in full."},
	{"Harry Evans", "+447700900108", "Brooch", "Victorian silver brooch",
	    "Replace the pin", 5, 7, "Your brooch has a new pin and is ready.", NULL},
	{"Ava Robinson", "+447700900109", "Necklace", "Pearl strand, 18 inch",
	    "Restring with knots between pearls", 6, 14, "Collected. Thank you!", NULL},
	{"George Walker", "+447700900110", "Ring", "Signet ring, 9ct gold",
	    "Engrave initials G.W.", 6, 20, NULL, NULL},
	{"Emily Wright", "+447700900111", "Watch", "Vintage mechanical watch",
	    "Full service", 7, 10, "Cancelled at your request. No charge.", "Parts unavailable."},
	{"Leo Thompson", "+447700900112", "Pendant", "Gold locket",
	    "Hinge repair and clean", 2, 1, NULL, "Check the glass too."},
};

static int demo_jobs_add(sqlite3 *db, int64_t shop_id, int64_t user_id, int64_t wf,
    const struct stage_list *stages)
{
	time_t now = time(NULL);
	for (size_t i = 0; i < HM_NELEM(demo_jobs); i++) {
		const struct demo_job *d = &demo_jobs[i];
		struct job_fields f = {
			.customer_name = d->customer, .customer_phone = d->phone,
			/* Half hear by WhatsApp, sent by hand from the job page. */
			.notify_channel = i % 2 ? "whatsapp" : "none",
			.item_type = d->item, .item_description = d->desc, .problem = d->problem,
			.quoted_cents = 4500 + 1000 * (int64_t)i, .has_quoted = d->stage >= 2,
			.deposit_cents = 1000, .has_deposit = d->stage >= 3,
			.internal_notes = "Demo job.",
			/* Two customers read another language: their pages and
			 * messages are in it. */
			.language = i == 0 ? "es" : i == 3 ? "ar" : "",
		};
		char due[11];
		time_t created = now - (time_t)d->days_ago * 86400 - 3600;
		time_t due_t = created + 10 * 86400;
		struct tm tm;
		gmtime_r(&due_t, &tm);
		strftime(due, sizeof due, "%Y-%m-%d", &tm);
		f.due_date = d->stage < 5 ? due : NULL;
		int64_t id;
		if (job_create(db, shop_id, wf, &f, user_id, created, NULL, &id) != HM_OK)
			return -1;
		/* Walk the job through each stage up to its own, as the workshop
		 * would; a cancelled job goes straight there. The private note
		 * rides on the move before last, the public one on the last. */
		int cancelled = (stages->v[d->stage].flags & STAGE_CANCELLED) != 0;
		time_t t = created;
		for (int s = cancelled ? d->stage : 1; s <= d->stage; s++) {
			int last = s == d->stage;
			const char *note = last ? d->public_note : s == d->stage - 1 ? d->private_note : NULL;
			t += d->days_ago > 0 ? 5 * 3600 : 60;
			if (job_set_stage(db, shop_id, id, stages->v[s].id, note, last, user_id, t, NULL) != HM_OK)
				return -1;
		}
	}
	return 0;
}

/* Two bespoke commissions: one waiting for the customer's design decision,
 * with a conversation on its thread, and one the customer approved. */
static int demo_bespoke_add(sqlite3 *db, int64_t shop_id, int64_t user_id)
{
	struct workflow wf = {0};
	struct stage_list st = {0};
	time_t now = time(NULL);
	int rc = -1;
	static const struct {
		const char *customer, *item, *desc, *brief;
		int stage, days_ago;
		int64_t budget;
	} jobs[] = {
		{"Charlotte Reed", "Engagement ring", "Oval sapphire with a diamond halo, platinum",
		    "Oval Ceylon sapphire about 1.5ct, pavé halo, slim knife-edge band.", 4, 21, 480000},
		{"Henry Ashford", "Signet ring", "18ct yellow gold signet with family crest",
		    "Crest from the customer's sketch, hand-engraved, size R.", 6, 30, 220000},
	};
	if (workflow_find_prefix(db, shop_id, "BSP", &wf) != HM_OK ||
	    stage_list(db, wf.id, &st) != HM_OK)
		goto out;
	for (size_t i = 0; i < HM_NELEM(jobs); i++) {
		struct job_fields f = {
			.customer_name = jobs[i].customer, .item_type = jobs[i].item,
			.item_description = jobs[i].desc, .design_brief = jobs[i].brief,
			.budget_cents = jobs[i].budget, .has_budget = 1,
		};
		time_t t = now - (time_t)jobs[i].days_ago * 86400;
		int64_t id;
		if (job_create(db, shop_id, wf.id, &f, user_id, t, NULL, &id) != HM_OK)
			goto out;
		for (int s = 1; s <= jobs[i].stage && (size_t)s < st.n; s++) {
			t += 2 * 86400;
			const char *note = st.v[s].flags & STAGE_DECISION
			    ? "Your design is ready: have a look at the drawings and tell us what you think."
			    : NULL;
			if (job_set_stage(db, shop_id, id, st.v[s].id, note, 1, user_id, t, NULL) != HM_OK)
				goto out;
		}
		if (msg_insert(db, id, 1, 0, "Hello! Could the band be a little thinner than "
		    "on my old ring? Thank you.", t + 3600) != HM_OK ||
		    msg_insert(db, id, 0, user_id, "Of course: we'll take it down to 1.8 mm. "
		    "The design reflects that.", t + 7200) != HM_OK)
			goto out;
	}
	rc = 0;
out:
	workflow_free(&wf);
	stage_list_free(&st);
	return rc;
}

/* Two passports: a sold ring with its history, and a piece in stock. */
static int demo_passports_add(sqlite3 *db, int64_t shop_id, int64_t user_id)
{
	unsigned char master[KEY_BYTES];
	int64_t id;
	int rc = -1;
	if (key_load(cfg.secret_key_file, master) != 0)
		return -1;
	struct passport_input ring = {.is_public = 1, .has_owner_price = 1, .owner_price_cents = 840000};
	ring.f[PF_TITLE] = "Oval Sapphire Halo Ring";
	ring.f[PF_JEWELLERY_TYPE] = "Ring";
	ring.f[PF_DESCRIPTION] = "A Ceylon sapphire in a halo of round brilliant diamonds.";
	ring.f[PF_METAL_TYPE] = "Platinum";
	ring.f[PF_METAL_PURITY] = "950";
	ring.f[PF_METAL_WEIGHT] = "5.1 g";
	ring.f[PF_STONE_TYPE] = "Sapphire";
	ring.f[PF_STONE_SHAPE] = "Oval";
	ring.f[PF_STONE_CARAT] = "2.03";
	ring.f[PF_STONE_COLOUR] = "Royal blue";
	ring.f[PF_STONE_ORIGIN] = "Sri Lanka";
	ring.f[PF_STONE_CERTIFICATE] = "GIA 1234567890";
	ring.f[PF_RING_SIZE] = "M";
	ring.f[PF_RING_SETTING] = "Halo, four claws";
	ring.f[PF_MAKER] = "Hartley & Daughters";
	ring.f[PF_MADE_IN] = "England";
	ring.f[PF_YEAR_MADE] = "2024";
	ring.f[PF_OWNER_NAME] = "Zoë Ångström";
	ring.f[PF_OWNER_EMAIL] = "zoe@example.com";
	ring.f[PF_OWNER_PURCHASE_DATE] = "2024-06-14";
	struct passport_input brooch = {.is_public = 1};
	brooch.f[PF_TITLE] = "Art Deco Onyx Brooch";
	brooch.f[PF_JEWELLERY_TYPE] = "Brooch";
	brooch.f[PF_METAL_TYPE] = "White gold";
	brooch.f[PF_METAL_PURITY] = "18ct";
	brooch.f[PF_MADE_IN] = "France";
	brooch.f[PF_YEAR_MADE] = "c. 1925";
	time_t now = time(NULL);
	if (passport_create(db, shop_id, &ring, "Demo Staff", master, user_id, now, "2024-06-14", NULL, &id) != HM_OK ||
	    passport_add_event(db, shop_id, id, "serviced", "2025-06-20", "Claws checked and re-tipped; cleaned.",
		"Demo Staff", master, user_id, now) != HM_OK ||
	    passport_add_event(db, shop_id, id, "valued", "2025-06-20", "Insurance valuation on file.",
		"Demo Staff", master, user_id, now) != HM_OK ||
	    passport_create(db, shop_id, &brooch, "Demo Staff", master, user_id, now, "2026-01-10", NULL, &id) != HM_OK)
		goto out;
	rc = 0;
out:
	sodium_memzero(master, sizeof master);
	return rc;
}

static int cmd_demo(const char *base_url)
{
	unsigned char rnd[12];
	char pw[24], hash[PW_HASH_MAX];
	int64_t shop_id, user_id;
	struct workflow wf = {0};
	struct stage_list stages = {0};
	int rc = 1;
	sqlite3 *db = ctl_open_rw(&cfg);

	if (!db)
		return 1;
	if (shop_find_slug(db, "demo", &shop_id) == HM_OK) {
		printf("the demo shop exists already\n");
		rc = 0;
		goto out;
	}
	randombytes_buf(rnd, sizeof rnd);
	b64url_encode(rnd, sizeof rnd, pw, sizeof pw);
	if (pw_hash(pw, hash) != 0 || db_begin(db) != HM_OK)
		goto out;
	struct shop s = {
		.name = "Hartley & Daughters Jewellers", .phone = "+44 20 7946 0321",
		.email = "workshop@hartley.example", .address = "12 Hatton Garden, London EC1N 8AN",
		.whatsapp = "+44 7700 900321", .timezone = "Europe/London",
		.country = "England", .abn = "GB 123 4567 89",
		.theme = "auto", .review_url = "https://www.google.com/search?q=Hartley+%26+Daughters",
		.powered_by = 1, .retention_days = 90, .phone_country = "GB", .slip_size = "80mm",
		.slip_terms = "We keep uncollected items for 90 days. Estimates are free; work starts "
		    "once you approve the quote.",
		.notify_email = "workshop@hartley.example", .currency = "GBP", .business_label = "vat",
	};
	if (shop_create(db, "demo", s.name, s.timezone, time(NULL), &shop_id) != HM_OK ||
	    new_shop_key(db, shop_id) != HM_OK ||
	    user_create(db, shop_id, "demo", "Demo Staff", hash, 1, time(NULL), &user_id) != HM_OK ||
	    db_commit(db) != HM_OK)
		goto rollback;
	s.id = shop_id;
	if (shop_update(db, &s, NULL) != HM_OK)
		goto out;
	if (workflow_find_prefix(db, shop_id, "RPR", &wf) != HM_OK ||
	    stage_list(db, wf.id, &stages) != HM_OK ||
	    demo_jobs_add(db, shop_id, user_id, wf.id, &stages) != 0 ||
	    demo_bespoke_add(db, shop_id, user_id) != 0 ||
	    demo_passports_add(db, shop_id, user_id) != 0)
		goto out;
	printf("demo shop ready\n");
	printf("staff login: %s/admin/login\n", base_url);
	printf("  username:  demo\n  password:  %s\n", pw);
	sqlite3_stmt *st = db_prepare(db, "SELECT j.tracking_id, s.label FROM jobs j JOIN stages s "
	    "ON s.id = j.stage_id WHERE j.shop_id = ? ORDER BY s.position, j.id");
	if (st) {
		sqlite3_bind_int64(st, 1, shop_id);
		printf("customer tracking pages:\n");
		while (sqlite3_step(st) == SQLITE_ROW)
			printf("  %-18s %s/track/%s\n", db_col_str(st, 1), base_url, db_col_str(st, 0));
		sqlite3_finalize(st);
	}
	st = db_prepare(db, "SELECT public_uid, title FROM passports WHERE shop_id = ? ORDER BY id");
	if (st) {
		sqlite3_bind_int64(st, 1, shop_id);
		printf("passports:\n");
		while (sqlite3_step(st) == SQLITE_ROW)
			printf("  %-26s %s/verify/%s\n", db_col_str(st, 1), base_url, db_col_str(st, 0));
		sqlite3_finalize(st);
	}
	rc = 0;
	goto out;
rollback:
	db_rollback(db);
	fputs("hallmarkctl: could not create the demo shop\n", stderr);
out:
	sodium_memzero(pw, sizeof pw);
	workflow_free(&wf);
	stage_list_free(&stages);
	db_close(db);
	return rc;
}

/* Decodes a base64 string of exactly n bytes. */
static int b64_exact(const char *s, unsigned char *out, size_t n)
{
	size_t len = 0;
	if (!s || sodium_base642bin(out, n, s, strlen(s), NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || len != n)
		return -1;
	return 0;
}

static int b64_field(json_t *root, const char *name, unsigned char *out, size_t n)
{
	return b64_exact(json_string_value(json_object_get(root, name)), out, n);
}

/* The key a hallmark-shop-key-v1 document (/verify/key/<shop>) names. */
static int key_from_json(json_t *doc, unsigned char pk[32])
{
	const char *format = json_string_value(json_object_get(doc, "format"));
	if (!format || strcmp(format, "hallmark-shop-key-v1"))
		return -1;
	return b64_field(json_object_get(doc, "issuer"), "public_key", pk, 32);
}

static size_t fetch_write(char *p, size_t size, size_t n, void *closure)
{
	struct buf *b = closure;
	if (b->len + size * n > 65536)
		return 0;	/* a key document is a few hundred bytes */
	buf_append(b, p, size * n);
	return size * n;
}

/* Fetches the shop's key from its published address (http or https only,
 * no redirects: the address the shop gave is the one that counts). */
static int key_from_url(const char *url, unsigned char pk[32])
{
	struct buf b = {0};
	json_error_t jerr;
	long status = 0;
	int rc = -1;
	CURL *c = curl_easy_init();
	if (!c)
		return ctl_fail("cannot start libcurl");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fetch_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	CURLcode cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (cc != CURLE_OK || status != 200) {
		ctl_fail("%s: %s", url, cc != CURLE_OK ? curl_easy_strerror(cc) : "not a shop's key (HTTP status)");
		goto out;
	}
	json_t *doc = json_loadb(b.data ? b.data : "", b.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc || key_from_json(doc, pk) != 0)
		ctl_fail("%s: not a Hallmark shop key", url);
	else
		rc = 0;
	json_decref(doc);
out:
	buf_free(&b);
	return rc;
}

/* --key: the key in base64, or a file holding it or a shop key document. */
static int key_from_arg(const char *arg, unsigned char pk[32])
{
	json_error_t jerr;
	if (b64_exact(arg, pk, 32) == 0)
		return 0;
	char *text = read_file(arg, 65536, NULL);
	if (!text)
		return ctl_fail("--key %s: neither a public key nor a readable file", arg);
	str_trim(text);
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	int rc = doc ? key_from_json(doc, pk) : b64_exact(text, pk, 32);
	json_decref(doc);
	free(text);
	return rc == 0 ? 0 : ctl_fail("--key %s: no Hallmark shop key in it", arg);
}

/* The hex digits of a fingerprint as typed, lower case; spaces, colons and
 * hyphens ignored. NULL when anything else is in it or it is too short to
 * trust (fewer than the 16 digits older certificates printed). */
static char *fingerprint_arg(const char *in)
{
	struct buf b = {0};
	for (const char *p = in; *p; p++) {
		if (*p == ' ' || *p == ':' || *p == '-')
			continue;
		if (!strchr("0123456789abcdefABCDEF", *p)) {
			buf_free(&b);
			return NULL;
		}
		buf_putc(&b, (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p));
	}
	if (b.len < 16 || b.len > 32) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Checks a /verify/<uid>.json record without the database or the server:
 * the Ed25519 signature over "content" with the key inside the record,
 * then that key against the one the person trusts. A record altered and
 * re-signed with someone else's key passes the first check and fails the
 * second; without a trusted key the answer says so and is not success.
 * Exits 0 verified, 1 not verified, 3 signed but the key unchecked. */
static int cmd_passport_check(int argc, char **argv)
{
	json_error_t jerr;
	unsigned char pk[32], sig[64], trusted[32];
	char fp[KEY_FINGERPRINT_STR], hex[33];
	const char *path = NULL, *opt_fp = NULL, *opt_key = NULL, *opt_url = NULL;
	char *want_fp = NULL;
	int rc = 1, have_trusted = 0;
	json_t *root = NULL;

	for (int i = 0; i < argc; i++) {
		const char **slot = !strcmp(argv[i], "--fingerprint") ? &opt_fp
		    : !strcmp(argv[i], "--key") ? &opt_key : !strcmp(argv[i], "--key-url") ? &opt_url
		    : NULL;
		if (slot && i + 1 < argc && !*slot)
			*slot = argv[++i];
		else if (!slot && !path && argv[i][0] != '-')
			path = argv[i];
		else {
			usage();
			return 2;
		}
	}
	if (!path || (!!opt_fp + !!opt_key + !!opt_url) > 1) {
		usage();
		return 2;
	}
	if (opt_fp && !(want_fp = fingerprint_arg(opt_fp)))
		return ctl_fail("--fingerprint: give the hex digits of the shop's key fingerprint "
		    "(at least 16, as printed on a certificate)");
	if ((opt_key && key_from_arg(opt_key, trusted) != 0) ||
	    (opt_url && key_from_url(opt_url, trusted) != 0))
		goto out;
	have_trusted = opt_key || opt_url;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		rc = ctl_fail("%s: line %d: %s", path, jerr.line, jerr.text);
		goto out;
	}
	const char *format = json_string_value(json_object_get(root, "format"));
	const char *content = json_string_value(json_object_get(root, "content"));
	json_t *issuer = json_object_get(root, "issuer");
	if (!format || strcmp(format, "hallmark-passport-v1")) {
		rc = ctl_fail("%s: not a hallmark-passport-v1 record", path);
		goto out;
	}
	if (!content || !json_is_object(issuer) || b64_field(issuer, "public_key", pk, sizeof pk) != 0 ||
	    b64_field(root, "signature", sig, sizeof sig) != 0) {
		rc = ctl_fail("%s: content, issuer.public_key or signature missing or malformed", path);
		goto out;
	}
	/* The record's content must name the uid it claims to be. */
	const char *uid = json_string_value(json_object_get(root, "uid"));
	char *line = uid ? xasprintf("\nuid %s\n", uid) : NULL;
	int names_uid = line && strstr(content, line);
	free(line);
	if (crypto_sign_verify_detached(sig, (const unsigned char *)content,
	    json_string_length(json_object_get(root, "content")), pk) != 0 || !names_uid) {
		printf("NOT VERIFIED: the signature does not match the content\n");
		goto out;
	}
	key_fingerprint(pk, fp);
	sodium_bin2hex(hex, sizeof hex, pk, 16);
	const char *name = json_string_value(json_object_get(issuer, "name"));
	if (have_trusted && sodium_memcmp(pk, trusted, 32) != 0) {
		char tfp[KEY_FINGERPRINT_STR];
		key_fingerprint(trusted, tfp);
		printf("NOT VERIFIED: the record is signed with key %s, not with the key you trust "
		    "(%s): it was not signed by the shop that key belongs to\n", fp, tfp);
		goto out;
	}
	if (want_fp && strncmp(hex, want_fp, strlen(want_fp)) != 0) {
		printf("NOT VERIFIED: the record is signed with key %s, which does not match the "
		    "fingerprint you gave: it was not signed by that shop\n", fp);
		goto out;
	}
	if (!have_trusted && !want_fp) {
		printf("SIGNED, KEY NOT CHECKED: passport %s is signed with key %s, which calls itself "
		    "\"%s\". Anyone can make a key and sign a record: compare this fingerprint with the "
		    "one on the certificate and the one the shop publishes, or run again with "
		    "--fingerprint, --key or --key-url.\n", uid, fp, name ? name : "?");
		rc = 3;
		goto out;
	}
	printf("verified: passport %s signed by %s with key %s, the key you trust%s\n", uid,
	    name ? name : "?", fp, want_fp && strlen(want_fp) < 32
	    ? " (matched on the short fingerprint of an older certificate)" : "");
	rc = 0;
out:
	free(want_fp);
	json_decref(root);
	return rc;
}

int main(int argc, char **argv)
{
	const char *conf = NULL;
	char *err = NULL;
	int rc = 1;

	log_set_prog("hallmarkctl");
	if (sodium_init() < 0)
		return ctl_fail("libsodium failed to initialise");
	if (argc > 2 && !strcmp(argv[1], "-c")) {
		conf = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage();
		return argc < 2 ? 2 : 0;
	}
	/* Checking a passport record needs no installation at all. */
	if (argc >= 4 && !strcmp(argv[1], "passport") && !strcmp(argv[2], "check"))
		return cmd_passport_check(argc - 3, argv + 3);
	if (config_load(&cfg, conf, &err) != 0) {
		fprintf(stderr, "hallmarkctl: %s\n", err);
		free(err);
		return 1;
	}
	const char *c = argv[1], *sub = argc > 2 ? argv[2] : "";
	struct passwd *pw = getpwnam(cfg.cgi_user);
	if (!pw) {
		rc = ctl_fail("cgi_user %s: no such user (set cgi_user in %s)", cfg.cgi_user,
		    conf ? conf : config_path());
		goto out;
	}
	if (!strcmp(c, "fix-ownership") && argc == 2) {
		rc = cmd_fix_ownership(pw);
		goto out;
	}
	if (check_user(pw, conf ? conf : config_path()) != 0)
		goto out;
	if (!strcmp(c, "init") && argc == 2)
		rc = cmd_init();
	else if (!strcmp(c, "migrate") && argc == 2)
		rc = cmd_migrate();
	else if (!strcmp(c, "backup") && argc >= 3)
		rc = ctl_backup(&cfg, argc - 2, argv + 2);
	else if (!strcmp(c, "restore") && argc >= 3)
		rc = ctl_restore(&cfg, argc - 2, argv + 2);
	else if (!strcmp(c, "shop") && !strcmp(sub, "add") && (argc == 5 || argc == 6))
		rc = cmd_shop_add(argv[3], argv[4], argc == 6 ? argv[5] : NULL);
	else if (!strcmp(c, "shop") && !strcmp(sub, "list") && argc == 3)
		rc = ctl_shop_list(&cfg);
	else if (!strcmp(c, "shop") && !strcmp(sub, "edit") && argc >= 4)
		rc = ctl_shop_edit(&cfg, argc - 3, argv + 3);
	else if (!strcmp(c, "user") && !strcmp(sub, "add") && argc >= 5 && argc <= 7)
		rc = user_add_args(argc - 3, argv + 3);
	else if (!strcmp(c, "user") && !strcmp(sub, "passwd") && argc == 4)
		rc = cmd_user_passwd(argv[3]);
	else if (!strcmp(c, "export") && argc >= 3)
		rc = ctl_export(&cfg, argc - 2, argv + 2);
	else if (!strcmp(c, "import") && argc >= 5)
		rc = ctl_import(&cfg, argc - 2, argv + 2);
	else if (!strcmp(c, "user") && ctl_user_handles(sub))
		rc = ctl_user(&cfg, sub, argc - 3, argv + 3);
	else if (!strcmp(c, "purge") && argc == 2)
		rc = cmd_purge();
	else if (!strcmp(c, "send") && (argc == 2 || (argc == 4 && !strcmp(sub, "--loop"))))
		rc = cmd_send(argc == 4 ? argv[3] : NULL);
	else if (!strcmp(c, "demo") && argc <= 3)
		rc = cmd_demo(argc == 3 ? argv[2] : (*cfg.base_url ? cfg.base_url : "http://127.0.0.1:8080"));
	else {
		usage();
		rc = 2;
	}
out:
	config_free(&cfg);
	return rc;
}
