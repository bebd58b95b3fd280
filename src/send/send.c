/* hallmarkctl send: the outbox's delivery loop and the file transports
 * (send.h).
 *
 * Nothing is lost and nothing is sent twice, as far as a sender can make
 * it so: a notification is claimed (state "sending", the attempt counted)
 * in a committed transaction before a byte goes out, so no second sender
 * takes it while this one works; only after the relay or gateway has
 * accepted it is it marked sent. A sender stopped in between leaves it
 * "sending"; once the claim is OUTBOX_STALE old, the next run tries again
 * with the same Message-ID. The one window left is a stop after the relay
 * accepted and before "sent" was written: then the retry is a duplicate
 * that carries the first one's Message-ID (README, Notifications). */
#include "send.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "config.h"
#include "db.h"
#include "mail.h"
#include "mime.h"
#include "model.h"
#include "notify.h"
#include "outbound.h"
#include "utf8.h"
#include "util.h"

_Static_assert(SEND_TIMEOUT * 2 < OUTBOX_STALE, "a delivery must end well before its claim goes stale");

#define ERR_MAX 512		/* a failure's reason, as stored and printed */
#define ERR_RAW 16384		/* what a transport said, before scrub() cuts it */

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* ---- configuration ---------------------------------------------------- */

static int bad(char **why, const char *fmt, ...) HM_PRINTF(2, 3);
static int bad(char **why, const char *fmt, ...)
{
	va_list ap;
	struct buf b = {0};
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	*why = buf_detach(&b);
	return -1;
}

/* A secret file's first line, without its line end. NULL (errno set) when
 * it cannot be read. */
static char *secret_line(const char *path)
{
	char *s = read_file(path, 4096, NULL);
	if (s)
		s[strcspn(s, "\r\n")] = '\0';
	return s;
}

static void secret_free(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

/* A directory the file transport writes into: made when missing. */
static int dir_ready(const char *key, const char *dir, char **why)
{
	if (!*dir)
		return bad(why, "%s is empty: the file transport needs a directory", key);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		return bad(why, "%s %s: %s", key, dir, strerror(errno));
	if (access(dir, W_OK | X_OK) != 0)
		return bad(why, "%s %s: %s", key, dir, strerror(errno));
	return 0;
}

static int url_scheme(const char *u, const char *const *schemes)
{
	for (; *schemes; schemes++)
		if (!strncmp(u, *schemes, strlen(*schemes)) && u[strlen(*schemes)])
			return 1;
	return 0;
}

/* Checks what the configured transports need and loads their secrets.
 * 0, or -1 with a sentence for the operator in *why (caller frees). */
static int sender_init(struct sender *s, const struct config *cfg, char **why)
{
	static const char *const smtp_schemes[] = {"smtp://", "smtps://", NULL};
	static const char *const http_schemes[] = {"http://", "https://", NULL};
	memset(s, 0, sizeof *s);
	s->cfg = cfg;
	if (*cfg->mail_transport && !mime_addr_ok(cfg->mail_from))
		return bad(why, "mail_from must be the address messages come from, such as "
		    "tracking@example.com (it is \"%s\")", cfg->mail_from);
	if (!strcmp(cfg->mail_transport, "smtp")) {
		if (!url_scheme(cfg->smtp_url, smtp_schemes))
			return bad(why, "smtp_url must be smtp://HOST:587 (STARTTLS) or smtps://HOST:465 "
			    "(TLS)");
		/* The path of an SMTP URL is the name we greet the relay with. */
		const char *host = strstr(cfg->smtp_url, "://") + 3;
		if (strchr(host, '/'))
			s->smtp_url = xstrdup(cfg->smtp_url);
		else
			s->smtp_url = xasprintf("%s/%s", cfg->smtp_url, strchr(cfg->mail_from, '@') + 1);
		if (*cfg->smtp_user) {
			if (!*cfg->smtp_password_file)
				return bad(why, "smtp_user is set: smtp_password_file must name the file "
				    "holding its password");
			if (!(s->smtp_password = secret_line(cfg->smtp_password_file)))
				return bad(why, "smtp_password_file %s: %s", cfg->smtp_password_file,
				    strerror(errno));
		}
	} else if (!strcmp(cfg->mail_transport, "file")) {
		if (dir_ready("mail_dir", cfg->mail_dir, why) != 0)
			return -1;
	}
	if (!strcmp(cfg->sms_transport, "http")) {
		if (!url_scheme(cfg->sms_url, http_schemes))
			return bad(why, "sms_url must be the gateway's http:// or https:// address");
		if (strcmp(cfg->sms_method, "GET") && !*cfg->sms_body)
			return bad(why, "sms_method is POST: sms_body must say what to send, with {to} "
			    "and {text}");
		if (*cfg->sms_auth_file) {
			if (!(s->sms_auth = secret_line(cfg->sms_auth_file)))
				return bad(why, "sms_auth_file %s: %s", cfg->sms_auth_file, strerror(errno));
			/* One header, "Name: value": nothing else can ride along. */
			size_t name = strspn(s->sms_auth, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
			    "vwxyz0123456789-");
			int ok = name && s->sms_auth[name] == ':';
			for (const unsigned char *c = (const unsigned char *)s->sms_auth; ok && *c; c++)
				ok = *c >= ' ' && *c != 0x7f;
			if (!ok)
				return bad(why, "sms_auth_file %s must hold one header line, such as "
				    "\"Authorization: Basic ...\"", cfg->sms_auth_file);
		}
	} else if (!strcmp(cfg->sms_transport, "file")) {
		if (dir_ready("sms_dir", cfg->sms_dir, why) != 0)
			return -1;
	}
	return 0;
}

static void sender_free(struct sender *s)
{
	free(s->smtp_url);
	secret_free(s->smtp_password);
	secret_free(s->sms_auth);
	memset(s, 0, sizeof *s);
}

/* ---- the file transport ----------------------------------------------- */

/* Writes data as dir/<time>-<id>.ext all at once: a reader sees the whole
 * file or none (written beside it under a dot name, then renamed). */
static int file_put(const char *dir, time_t now, int64_t id, const char *ext, const char *data,
    size_t len, char *err, size_t n)
{
	char stamp[32];
	struct tm tm;
	int rc = -1;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	char *path = xasprintf("%s/%s-%lld.%s", dir, stamp, (long long)id, ext);
	char *tmp = xasprintf("%s/.%s-%lld.%s.tmp", dir, stamp, (long long)id, ext);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0)
		goto fail;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0)
		goto fail;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);	/* the rename itself, on disk */
		close(dfd);
	}
	rc = 0;
	goto out;
fail:
	snprintf(err, n, "could not write to %s: %s", dir, strerror(errno));
	unlink(tmp);
out:
	free(path);
	free(tmp);
	return rc;
}

/* ---- one notification ------------------------------------------------- */

static int deliver_email(const struct sender *s, const struct notification *n, time_t now,
    char *err, size_t errn)
{
	const struct config *cfg = s->cfg;
	struct buf msg = {0};
	char *why = NULL;
	int rc = -1;
	if (!*cfg->mail_transport) {
		snprintf(err, errn, "this installation sends no email now (mail_transport is not set)");
		return -1;
	}
	if (mail_compose(n, cfg->mail_from, cfg->templates_dir, now, &msg, &why) != 0) {
		snprintf(err, errn, "%s", why);
		goto out;
	}
	if (!strcmp(cfg->mail_transport, "file"))
		rc = file_put(cfg->mail_dir, now, n->id, "eml", msg.data, msg.len, err, errn);
	else
		rc = smtp_send(s, n->recipient, msg.data, msg.len, err, errn);
out:
	free(why);
	buf_free(&msg);
	return rc;
}

static int deliver_sms(const struct sender *s, const struct notification *n, time_t now,
    char *err, size_t errn)
{
	const struct config *cfg = s->cfg;
	if (!*cfg->sms_transport) {
		snprintf(err, errn, "this installation sends no text messages now (sms_transport is "
		    "not set)");
		return -1;
	}
	if (strcmp(cfg->sms_transport, "file"))
		return sms_http_send(s, n->recipient, n->body, err, errn);
	char date[40];
	int ucs2 = 0, parts = sms_segments(n->body, &ucs2);
	mime_date(now, date);
	char *text = xasprintf("To: %s\nDate: %s\nParts: %d (%s)\n\n%s\n", n->recipient, date, parts,
	    ucs2 ? "UCS-2" : "GSM 03.38", n->body);
	int rc = file_put(cfg->sms_dir, now, n->id, "txt", text, strlen(text), err, errn);
	free(text);
	return rc;
}

static void replace_all(struct buf *b, const char *needle, const char *with)
{
	if (!needle || strlen(needle) < 6 || !b->data)
		return;
	struct buf out = {0};
	const char *p = b->data, *hit;
	while ((hit = strstr(p, needle))) {
		buf_append(&out, p, (size_t)(hit - p));
		buf_puts(&out, with);
		p = hit + strlen(needle);
	}
	buf_puts(&out, p);
	buf_free(b);
	*b = out;
}

/* The secret's longest proper prefix (of at least 4 characters) that the
 * text ends with, replaced: what a gateway, curl or the answer's cap cut
 * off in the middle of a link or an ID. */
static void replace_tail(struct buf *b, const char *secret, const char *with)
{
	if (!secret || !b->data)
		return;
	size_t sl = strlen(secret);
	for (size_t k = sl - 1; k >= 4 && k < sl; k--) {
		if (k <= b->len && !memcmp(b->data + b->len - k, secret, k)) {
			b->len -= k;
			b->data[b->len] = '\0';
			buf_puts(b, with);
			return;
		}
	}
}

/* A failure's reason as staff and logs may see it, from what the
 * transport said (raw, whole): one line of text of at most n - 1 bytes,
 * the links and the tracking ID and unsubscribe token in them replaced (a
 * gateway may quote the message back), the recipient redacted. Scrubbed
 * before it is cut, so no cut leaves part of an ID behind. */
static void scrub(const char *raw, char *err, size_t n, const struct notification *no)
{
	struct buf b = {0};
	char who[128];
	const char *slash;
	const char *id = no->link && (slash = strrchr(no->link, '/')) ? slash + 1 : NULL;
	const char *token = no->unsubscribe && (slash = strrchr(no->unsubscribe, '/')) ? slash + 1 : NULL;
	buf_puts(&b, raw);
	replace_all(&b, no->link, "[link]");
	replace_all(&b, no->unsubscribe, "[link]");
	replace_all(&b, id, "[ID]");
	replace_all(&b, token, "[token]");
	recipient_redact(no->recipient, who, sizeof who);
	replace_all(&b, no->recipient, who);
	replace_tail(&b, no->link, "[link]");
	replace_tail(&b, no->unsubscribe, "[link]");
	replace_tail(&b, id, "[ID]");
	replace_tail(&b, token, "[token]");
	replace_tail(&b, no->recipient, who);
	char *clean = utf8_clean(b.data ? b.data : "", b.len, UTF8_CTL_SPACE);
	/* Cut on a character's boundary. */
	size_t len = strlen(clean), keep = 0;
	while (keep < len && keep < n - 1) {
		size_t l = utf8_seq((const unsigned char *)clean + keep, len - keep);
		if (!l || keep + l > n - 1)
			break;
		keep += l;
	}
	memcpy(err, clean, keep);
	err[keep] = '\0';
	free(clean);
	buf_free(&b);
}

/* outbox_finish, retried while the database is busy: a message that went
 * out must be marked sent, or the next run would send it again. */
static enum hm_rc finish(sqlite3 *db, const struct notification *n, const char *error, time_t now)
{
	enum hm_rc rc = HM_BUSY;
	for (int i = 0; i < 20 && rc == HM_BUSY; i++) {
		if (i)
			sleep(1);
		rc = outbox_finish(db, n, error, now);
	}
	return rc;
}

static void report(const struct notification *n, const char *error)
{
	char who[128];
	recipient_redact(n->recipient, who, sizeof who);
	printf("notification %lld %s %s %s: ", (long long)n->id, n->kind, n->channel, who);
	if (!error)
		printf("sent\n");
	else if (n->attempts >= OUTBOX_MAX_ATTEMPTS)
		printf("gave up after %d attempts: %s\n", n->attempts, error);
	else
		printf("failed (attempt %d of %d, next in %lld s): %s\n", n->attempts,
		    OUTBOX_MAX_ATTEMPTS, (long long)outbox_backoff(n->attempts), error);
	fflush(stdout);
	/* The operator's log has every failure too (error is scrubbed). */
	if (error)
		log_event("notification failed", "notification %lld %s %s %s, attempt %d of %d%s: %s",
		    (long long)n->id, n->kind, n->channel, who, n->attempts, OUTBOX_MAX_ATTEMPTS,
		    n->attempts >= OUTBOX_MAX_ATTEMPTS ? ", given up" : "", error);
}

/* Claims and delivers due notifications until none is due (or a stop is
 * asked for). 0, or -1 when the database failed. */
static int run_round(const struct sender *s)
{
	int rc = 0;
	sqlite3 *db = db_open(s->cfg->database, 0);
	if (!db) {
		fprintf(stderr, "hallmarkctl: cannot open %s\n", s->cfg->database);
		return -1;
	}
	/* Installed but not yet migrated (or the other way round): one clear
	 * line saying what to run, not an SQL error per notification. */
	if (schema_check(db) != HM_OK) {
		db_close(db);
		return -1;
	}
	while (!stopping) {
		struct notification n;
		char err[ERR_MAX] = "", raw[ERR_RAW] = "";
		time_t now = hm_now();
		enum hm_rc c = outbox_claim(db, now, &n);
		if (c == HM_NOTFOUND)
			break;
		if (c != HM_OK) {
			fprintf(stderr, "hallmarkctl: send: could not claim a notification%s\n",
			    c == HM_BUSY ? " (database busy)" : "");
			rc = -1;
			break;
		}
		int ok = !strcmp(n.channel, "email") ? deliver_email(s, &n, now, raw, sizeof raw)
		    : !strcmp(n.channel, "sms") ? deliver_sms(s, &n, now, raw, sizeof raw)
		    : (snprintf(raw, sizeof raw, "unknown channel"), -1);
		if (ok != 0) {
			if (!*raw)
				snprintf(raw, sizeof raw, "failed for a reason nobody said");
			scrub(raw, err, sizeof err, &n);
		}
		enum hm_rc f = finish(db, &n, ok == 0 ? NULL : err, hm_now());
		report(&n, ok == 0 ? NULL : err);
		if (f != HM_OK) {
			/* Left "sending": tried again once the claim is stale. */
			fprintf(stderr, "hallmarkctl: send: could not record the outcome of notification "
			    "%lld; it will be tried again in %d s\n", (long long)n.id, OUTBOX_STALE);
			rc = -1;
		}
		notification_free(&n);
		if (rc)
			break;
	}
	db_close(db);
	return rc;
}

int send_main(const struct config *cfg, int loop)
{
	struct sender s;
	char *why = NULL;
	int rc = 1;
	struct sigaction sa = {.sa_handler = on_stop};
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a stop cuts the sleep between rounds short. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sender_init(&s, cfg, &why) != 0) {
		fprintf(stderr, "hallmarkctl: send: %s\n", why);
		free(why);
		sender_free(&s);
		return 1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "hallmarkctl: send: libcurl failed to initialise\n");
		sender_free(&s);
		return 1;
	}
	if (loop) {
		printf("hallmarkctl send: delivering every %d s (email: %s%s%s; text messages: %s%s%s)\n",
		    loop, *cfg->mail_transport ? cfg->mail_transport : "off",
		    !strcmp(cfg->mail_transport, "file") ? " to " : "",
		    !strcmp(cfg->mail_transport, "file") ? cfg->mail_dir : "",
		    *cfg->sms_transport ? cfg->sms_transport : "off",
		    !strcmp(cfg->sms_transport, "file") ? " to " : "",
		    !strcmp(cfg->sms_transport, "file") ? cfg->sms_dir : "");
		fflush(stdout);
	}
	for (;;) {
		int r = run_round(&s);
		if (!loop) {
			rc = r == 0 ? 0 : 1;
			break;
		}
		/* A busy or briefly broken database is tried again next round. */
		struct timespec ts = {.tv_sec = loop};
		while (!stopping && nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		if (stopping) {
			rc = 0;
			break;
		}
	}
	curl_global_cleanup();
	sender_free(&s);
	return rc;
}
