/* Notification texts and the outbox (notify.h). */
#include "notify.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config.h"
#include "fmt.h"
#include "i18n.h"
#include "model.h"
#include "utf8.h"

const char *const notify_kind_name[NK_COUNT] = {
	"booked_in", "stage", "ready", "design_review", "staff_reply", "passport", "staff_alert",
};

const char *const text_var_name[TV_COUNT] = {
	"tracking_url", "tracking_id", "job_number", "customer_name", "shop_name", "item",
	"stage", "due_date", "passport_url",
};

enum notify_kind notify_kind_named(const char *name)
{
	for (int k = 0; name && k < NK_COUNT; k++)
		if (!strcmp(name, notify_kind_name[k]))
			return (enum notify_kind)k;
	return NK_COUNT;
}

/* ---- texts ------------------------------------------------------------ */

/* TRANSLATORS (for the texts below): the words in braces, such as {item}
 * and {tracking_url}, are filled in when the message is sent; keep each
 * one exactly as it is, and keep the link. */
static const struct builtin {
	const char *subject, *body;
} builtin[NK_TEXTS] = {
	[NK_BOOKED_IN] = {N_("{shop_name}: your {item} is booked in"),
	    N_("Hello {customer_name},\n\nThank you for leaving your {item} with us. You can follow "
	    "its progress here, without signing in:\n{tracking_url}\n\nYour tracking ID is "
	    "{tracking_id}. Keep this message or your slip: the link is yours alone.\n\n{shop_name}")},
	[NK_STAGE] = {N_("{shop_name}: an update on your {item}"),
	    N_("Hello {customer_name},\n\nYour {item} is now at this stage: {stage}.\n\n"
	    "See the details and message us here:\n{tracking_url}\n\n{shop_name}")},
	[NK_READY] = {N_("{shop_name}: your {item} is ready to collect"),
	    N_("Hello {customer_name},\n\nGood news: your {item} is ready to collect. Please bring "
	    "your slip or your tracking ID, {tracking_id}.\n\nHow to find us, and your order:\n"
	    "{tracking_url}\n\n{shop_name}")},
	[NK_DESIGN_REVIEW] = {N_("{shop_name}: your design is ready to review"),
	    N_("Hello {customer_name},\n\nThe design of your {item} is ready. Please have a look and "
	    "approve it, or tell us what you would like changed:\n{tracking_url}\n\n{shop_name}")},
	[NK_STAFF_REPLY] = {N_("{shop_name} replied about your {item}"),
	    N_("Hello {customer_name},\n\nWe have replied to your message about your {item}. Read it "
	    "and answer here:\n{tracking_url}\n\n{shop_name}")},
	[NK_PASSPORT] = {N_("The passport of your {item}"),
	    N_("Hello {customer_name},\n\nThe provenance passport of your {item} from {shop_name} is "
	    "here:\n{passport_url}\n\nKeep this link safe: it shows the piece's record and history, "
	    "and anyone you share it with can check that the passport is genuine.\n\n{shop_name}")},
};

void text_builtin(enum notify_kind k, const char **subject, const char **body)
{
	*subject = k < NK_TEXTS ? builtin[k].subject : "";
	*body = k < NK_TEXTS ? builtin[k].body : "";
}

enum hm_rc text_get(sqlite3 *db, int64_t shop_id, enum notify_kind k, const struct lang *l,
    const char *shop_lang, struct message_text *out)
{
	memset(out, 0, sizeof *out);
	if (k >= NK_TEXTS)
		return HM_NOTFOUND;
	if (!l)
		l = lang_source();
	/* The wording in l sorts before the default language's. */
	sqlite3_stmt *st = db_prepare(db, "SELECT subject, body, lang = ?3 FROM message_texts "
	    "WHERE shop_id = ?1 AND kind = ?2 AND lang IN (?3, ?4) ORDER BY lang = ?3 DESC LIMIT 1");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	sqlite3_bind_text(st, 2, notify_kind_name[k], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, l->code, -1, SQLITE_STATIC);
	db_bind_str(st, 4, shop_lang && *shop_lang ? shop_lang : "en");
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		out->subject = db_col_dup(st, 0);
		out->body = db_col_dup(st, 1);
		out->custom = sqlite3_column_int(st, 2);
		out->from_default = !out->custom;
	} else {
		out->subject = xstrdup(lang_get(l, NULL, builtin[k].subject));
		out->body = xstrdup(lang_get(l, NULL, builtin[k].body));
	}
	sqlite3_finalize(st);
	return s == SQLITE_ROW || s == SQLITE_DONE ? HM_OK : db_rc(db, s, "text get");
}

enum hm_rc text_set(sqlite3 *db, int64_t shop_id, enum notify_kind k, const char *lang,
    const char *subject, const char *body, time_t now)
{
	if (k >= NK_TEXTS)
		return HM_NOTFOUND;
	int reset = (!subject || !*subject) && (!body || !*body);
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	sqlite3_stmt *st = reset
	    ? db_prepare(db, "DELETE FROM message_texts WHERE shop_id = ?1 AND kind = ?2 "
		"AND lang = ?6")
	    : db_prepare(db, "INSERT INTO message_texts(shop_id, kind, subject, body, updated_at, "
		"lang) VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(shop_id, kind, lang) DO UPDATE "
		"SET subject = excluded.subject, body = excluded.body, "
		"updated_at = excluded.updated_at");
	if (!st) {
		db_rollback(db);
		return HM_ERR;
	}
	sqlite3_bind_int64(st, 1, shop_id);
	sqlite3_bind_text(st, 2, notify_kind_name[k], -1, SQLITE_STATIC);
	db_bind_str(st, 6, lang && *lang ? lang : "en");
	if (!reset) {
		db_bind_str(st, 3, subject);
		db_bind_str(st, 4, body);
		sqlite3_bind_int64(st, 5, (int64_t)now);
	}
	rc = db_rc(db, sqlite3_step(st), "text set");
	sqlite3_finalize(st);
	if (rc == HM_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}

void message_text_free(struct message_text *t)
{
	free(t->subject);
	free(t->body);
	memset(t, 0, sizeof *t);
}

/* The variables kind k may use: the passport's own, or the job's (any
 * for NK_COUNT, when rendering). */
int text_var_allowed(enum notify_kind k, enum text_var v)
{
	if (k == NK_COUNT)
		return 1;
	if (k == NK_PASSPORT)
		return v == TV_PASSPORT_URL || v == TV_CUSTOMER_NAME || v == TV_SHOP_NAME ||
		    v == TV_ITEM;
	return v != TV_PASSPORT_URL;
}

static int var_named(const char *s, size_t n)
{
	for (int v = 0; v < TV_COUNT; v++)
		if (strlen(text_var_name[v]) == n && !memcmp(text_var_name[v], s, n))
			return v;
	return -1;
}

/* Walks tmpl: calls out for literal text and for each {variable}. Returns
 * 0, or -1 with why at the first brace that is not one. */
static int text_walk(const char *tmpl, enum notify_kind k, const struct text_vars *vars,
    struct buf *out, unsigned *used, char *why, size_t n)
{
	const char *p = tmpl;
	while (*p) {
		const char *brace = strpbrk(p, "{}");
		if (!brace) {
			if (out)
				buf_puts(out, p);
			break;
		}
		if (out)
			buf_append(out, p, (size_t)(brace - p));
		if (brace[0] == brace[1]) {	/* {{ or }}: a brace as text */
			if (out)
				buf_putc(out, brace[0]);
			p = brace + 2;
			continue;
		}
		if (*brace == '}') {
			if (why)
				snprintf(why, n, "A \"}\" has no \"{\" before it. To show a brace, write "
				    "it twice: }}.");
			return -1;
		}
		const char *end = strchr(brace + 1, '}');
		int v = end ? var_named(brace + 1, (size_t)(end - brace - 1)) : -1;
		if (v < 0 || !text_var_allowed(k, (enum text_var)v)) {
			if (why) {
				struct buf list = {0};
				for (int i = 0; i < TV_COUNT; i++)
					if (text_var_allowed(k, (enum text_var)i))
						buf_printf(&list, "%s{%s}", list.len ? ", " : "", text_var_name[i]);
				int len = end ? (int)(end - brace + 1) : (int)strcspn(brace, " \n");
				snprintf(why, n, "%.*s is not something this message can fill in. You can "
				    "use %s (and {{ or }} for a brace).", len > 40 ? 40 : len, brace,
				    list.data);
				buf_free(&list);
			}
			return -1;
		}
		if (used)
			*used |= 1u << v;
		/* A link stays bare: a mail client must find where it ends. */
		int iso = out && vars && vars->isolate && v != TV_TRACKING_URL && v != TV_PASSPORT_URL;
		if (iso)
			buf_puts(out, "\xe2\x81\xa8");
		if (out && vars && vars->v[v])
			buf_puts(out, vars->v[v]);
		if (iso)
			buf_puts(out, "\xe2\x81\xa9");
		p = end + 1;
	}
	return 0;
}

int text_check(enum notify_kind k, const char *subject, const char *body, char *why, size_t n)
{
	unsigned used = 0;
	if (k >= NK_TEXTS) {
		snprintf(why, n, "There is no such message.");
		return -1;
	}
	if (!subject || !*subject || !body || !*body) {
		snprintf(why, n, "Write both the subject and the message.");
		return -1;
	}
	if (text_walk(subject, k, NULL, NULL, NULL, why, n) != 0 ||
	    text_walk(body, k, NULL, NULL, &used, why, n) != 0)
		return -1;
	enum text_var need = k == NK_PASSPORT ? TV_PASSPORT_URL : TV_TRACKING_URL;
	if (!(used & (1u << need))) {
		snprintf(why, n, "The message must include {%s}: it is what the customer opens.",
		    text_var_name[need]);
		return -1;
	}
	return 0;
}

void text_render(const char *tmpl, const struct text_vars *v, struct buf *out)
{
	/* A checked text always walks; one that does not (a row edited behind
	 * the form's back) is sent as written rather than lost. */
	size_t mark = out->len;
	if (text_walk(tmpl, NK_COUNT, v, out, NULL, NULL, 0) != 0) {
		out->len = mark;
		buf_puts(out, tmpl);
	}
	buf_puts(out, "");	/* terminated, even when empty */
}

/* GSM 03.38's basic set (one unit) and extension (two: escape + char). */
static const char gsm_basic[] =
    "@\xc2\xa3$\xc2\xa5\xc3\xa8\xc3\xa9\xc3\xb9\xc3\xac\xc3\xb2\xc3\x87\n\xc3\x98\xc3\xb8\r"
    "\xc3\x85\xc3\xa5\xce\x94_\xce\xa6\xce\x93\xce\x9b\xce\xa9\xce\xa0\xce\xa8\xce\xa3\xce\x98"
    "\xce\x9e\xc3\x86\xc3\xa6\xc3\x9f\xc3\x89 !\"#\xc2\xa4%&'()*+,-./0123456789:;<=>?"
    "\xc2\xa1" "ABCDEFGHIJKLMNOPQRSTUVWXYZ\xc3\x84\xc3\x96\xc3\x91\xc3\x9c\xc2\xa7\xc2\xbf"
    "abcdefghijklmnopqrstuvwxyz\xc3\xa4\xc3\xb6\xc3\xb1\xc3\xbc\xc3\xa0";
static const char gsm_ext[] = "^{}\\[~]|\xe2\x82\xac\f";

/* 1 when the character at c (len bytes) is in set. */
static int in_set(const char *set, const char *c, size_t len)
{
	size_t n = strlen(set);
	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq((const unsigned char *)set + i, n - i);
		if (l == len && !memcmp(set + i, c, len))
			return 1;
		i += l ? l : 1;
	}
	return 0;
}

int sms_segments(const char *text, int *ucs2)
{
	size_t n = strlen(text), gsm = 0, units = 0;
	int all_gsm = 1;
	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq((const unsigned char *)text + i, n - i);
		if (!l)
			l = 1;
		if (in_set(gsm_basic, text + i, l))
			gsm += 1;
		else if (in_set(gsm_ext, text + i, l))
			gsm += 2;
		else
			all_gsm = 0;
		units += l == 4 ? 2 : 1;	/* UTF-16 code units */
		i += l;
	}
	*ucs2 = !all_gsm;
	size_t len = all_gsm ? gsm : units, one = all_gsm ? 160 : 70, part = all_gsm ? 153 : 67;
	if (len == 0)
		return 0;
	return len <= one ? 1 : (int)((len + part - 1) / part);
}

/* ---- queueing ---------------------------------------------------------- */

void notify_env_init(struct notify_env *e, const struct config *cfg, const char *base,
    const unsigned char *master, time_t now)
{
	memset(e, 0, sizeof *e);
	e->base = base;
	e->master = master;
	e->now = now;
	if (cfg->mail_transport && *cfg->mail_transport)
		e->channels |= NOTIFY_EMAIL;
	if (cfg->sms_transport && *cfg->sms_transport)
		e->channels |= NOTIFY_SMS;
	e->staff_lang = lang_find(cfg->staff_language);
}

/* The host part of base (scheme://host[:port]), for Message-IDs. */
static void base_host(const char *base, char *out, size_t n)
{
	const char *h = base ? strstr(base, "://") : NULL;
	h = h ? h + 3 : "hallmark.invalid";
	size_t len = strcspn(h, ":/");
	snprintf(out, n, "%.*s", (int)(len && len < n ? len : strlen("hallmark.invalid")),
	    len && len < n ? h : "hallmark.invalid");
}

struct queued {
	int64_t shop_id, job_id, passport_id;
	enum notify_kind kind;
	const char *channel, *recipient, *link, *unsubscribe;
	const char *subject, *body;
	const char *lang;
};

/* The language a job's customer reads: the one staff recorded, else the
 * shop's. */
static const struct lang *customer_lang(const char *job_lang, const char *shop_lang)
{
	const struct lang *l = lang_find(job_lang);
	if (!l)
		l = lang_find(shop_lang);
	return l ? l : lang_source();
}

/* A message text rendered, for a queued notification (caller frees). */
static char *render(const char *tmpl, const struct text_vars *v)
{
	struct buf b = {0};
	text_render(tmpl, v, &b);
	return buf_detach(&b);
}

static enum hm_rc enqueue(sqlite3 *db, const struct queued *q, const struct notify_env *env)
{
	unsigned char rnd[16];
	char hex[33], host[128];
	enum hm_rc rc = HM_ERR;
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	base_host(env->base, host, sizeof host);
	char *mid = xasprintf("<%s@%s>", hex, host);
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO notifications(shop_id, job_id, passport_id, "
	    "kind, channel, recipient, subject, body, link, unsubscribe, message_id, next_at, "
	    "created_at, lang) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13)");
	if (st) {
		sqlite3_bind_int64(st, 1, q->shop_id);
		if (q->job_id)
			sqlite3_bind_int64(st, 2, q->job_id);
		if (q->passport_id)
			sqlite3_bind_int64(st, 3, q->passport_id);
		sqlite3_bind_text(st, 4, notify_kind_name[q->kind], -1, SQLITE_STATIC);
		db_bind_str(st, 5, q->channel);
		db_bind_str(st, 6, q->recipient);
		db_bind_str(st, 7, q->subject);
		db_bind_str(st, 8, q->body);
		db_bind_str(st, 9, q->link);
		db_bind_str(st, 10, q->unsubscribe);
		db_bind_str(st, 11, mid);
		sqlite3_bind_int64(st, 12, (int64_t)env->now);
		db_bind_str(st, 13, q->lang ? q->lang : "en");
		rc = db_rc(db, sqlite3_step(st), "notification insert");
		sqlite3_finalize(st);
	}
	free(mid);
	return rc;
}

/* The recipient of a job's notification on its customer's channel, or
 * NULL when there is nothing to send. */
static const char *job_recipient(const char *channel, const char *email, const char *phone,
    const struct notify_env *env)
{
	if (!strcmp(channel, "email") && (env->channels & NOTIFY_EMAIL) && *email)
		return email;
	if (!strcmp(channel, "sms") && (env->channels & NOTIFY_SMS) && *phone)
		return phone;
	return NULL;
}

/* A job's variables, from a row of JOB_TEXT_SQL. url, number and due are
 * the caller's buffers the values point into. */
#define JOB_TEXT_SQL "SELECT j.shop_id, j.number, j.tracking_id, j.customer_name, " \
	"coalesce(j.customer_email, ''), coalesce(j.customer_phone, ''), j.item_type, " \
	"coalesce(j.due_date, ''), j.notify_channel, j.notify_off, s.label, sh.name, " \
	"j.language, sh.language, coalesce(nullif(t.label, ''), '') " \
	"FROM jobs j JOIN stages s ON s.id = j.stage_id JOIN shops sh ON sh.id = j.shop_id " \
	"LEFT JOIN stage_texts t ON t.stage_id = s.id AND t.lang = " \
	"coalesce(nullif(j.language, ''), sh.language) "

/* Fills v from a row of JOB_TEXT_SQL, in the current language (the
 * customer's). url, number, due and stage are the caller's buffers the
 * values point into. */
static void job_vars(sqlite3_stmt *st, const char *url, char number[24], char due[64],
    struct text_vars *v)
{
	snprintf(number, 24, "%lld", (long long)sqlite3_column_int64(st, 1));
	fmt_date(db_col_str(st, 7), DATE_SHORT, due, 64);
	memset(v, 0, sizeof *v);
	v->v[TV_TRACKING_URL] = url;
	v->v[TV_TRACKING_ID] = db_col_str(st, 2);
	v->v[TV_JOB_NUMBER] = number;
	v->v[TV_CUSTOMER_NAME] = db_col_str(st, 3);
	v->v[TV_SHOP_NAME] = db_col_str(st, 11);
	v->v[TV_ITEM] = db_col_str(st, 6);
	/* The stage as the order page words it (stage_list_in). */
	v->v[TV_STAGE] = *db_col_str(st, 14) ? db_col_str(st, 14)
	    : lang_get(lang_current(), "stage", db_col_str(st, 10));
	v->v[TV_DUE_DATE] = due;
	v->isolate = lang_rtl(lang_current());
}

enum hm_rc notify_job(sqlite3 *db, int64_t job_id, enum notify_kind k, const struct notify_env *env)
{
	struct message_text t = {0};
	struct text_vars v;
	char number[24], due[64], token[NOTIFY_TOKEN_STR];
	char *url = NULL, *unsub = NULL;
	enum hm_rc rc;
	if (!env || !env->base || k >= NK_TEXTS || k == NK_PASSPORT)
		return HM_OK;
	sqlite3_stmt *st = db_prepare(db, JOB_TEXT_SQL "WHERE j.id = ?1 AND " JOB_PUBLIC_SQL("?2"));
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, (int64_t)env->now);
	int s = sqlite3_step(st);
	if (s != SQLITE_ROW) {
		rc = s == SQLITE_DONE ? HM_OK : db_rc(db, s, "notify job");
		goto out;
	}
	const char *to = job_recipient(db_col_str(st, 8), db_col_str(st, 4), db_col_str(st, 5), env);
	if (!to || sqlite3_column_int(st, 9)) {
		rc = HM_OK;	/* by hand, none, no address, or opted out */
		goto out;
	}
	int64_t shop_id = sqlite3_column_int64(st, 0);
	/* Written in the customer's language, whatever the page that
	 * caused it is in. */
	const struct lang *l = customer_lang(db_col_str(st, 12), db_col_str(st, 13));
	if ((rc = text_get(db, shop_id, k, l, db_col_str(st, 13), &t)) != HM_OK)
		goto out;
	url = xasprintf("%s/track/%s", env->base, db_col_str(st, 2));
	if (!strcmp(db_col_str(st, 8), "email") && env->master) {
		notify_unsubscribe_token(env->master, job_id, token);
		unsub = xasprintf("%s/track/unsubscribe/%s", env->base, token);
	}
	const struct lang *prev = lang_use(l);
	job_vars(st, url, number, due, &v);
	lang_use(prev);
	char *subject = render(t.subject, &v), *body = render(t.body, &v);
	struct queued q = {
		.shop_id = shop_id, .job_id = job_id, .kind = k, .channel = db_col_str(st, 8),
		.recipient = to, .link = url, .unsubscribe = unsub, .subject = subject, .body = body,
		.lang = l->code,
	};
	rc = enqueue(db, &q, env);
	free(subject);
	free(body);
out:
	sqlite3_finalize(st);
	message_text_free(&t);
	free(url);
	free(unsub);
	return rc;
}

enum hm_rc notify_job_text(sqlite3 *db, int64_t shop_id, int64_t job_id, enum notify_kind k,
    const char *base, char **subject, char **body)
{
	struct message_text t = {0};
	struct text_vars v;
	char number[24], due[64];
	char *url = NULL;
	enum hm_rc rc;
	*subject = *body = NULL;
	if (k >= NK_TEXTS || k == NK_PASSPORT)
		return HM_NOTFOUND;
	sqlite3_stmt *st = db_prepare(db, JOB_TEXT_SQL "WHERE j.id = ?1 AND j.shop_id = ?2 "
	    "AND j.link_issued = 1 AND j.revoked_at IS NULL AND j.deleted_at IS NULL");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, shop_id);
	int s = sqlite3_step(st);
	if (s != SQLITE_ROW) {
		rc = s == SQLITE_DONE ? HM_NOTFOUND : db_rc(db, s, "job text");
		goto out;
	}
	const struct lang *l = customer_lang(db_col_str(st, 12), db_col_str(st, 13));
	if ((rc = text_get(db, shop_id, k, l, db_col_str(st, 13), &t)) != HM_OK)
		goto out;
	url = xasprintf("%s/track/%s", base ? base : "", db_col_str(st, 2));
	const struct lang *prev = lang_use(l);
	job_vars(st, url, number, due, &v);
	lang_use(prev);
	*subject = render(t.subject, &v);
	*body = render(t.body, &v);
out:
	sqlite3_finalize(st);
	message_text_free(&t);
	free(url);
	return rc;
}

enum hm_rc notify_passport(sqlite3 *db, int64_t passport_id, const struct notify_env *env)
{
	struct message_text t = {0};
	char *url = NULL;
	enum hm_rc rc;
	if (!env || !env->base || !(env->channels & NOTIFY_EMAIL))
		return HM_OK;
	/* A private or deleted passport's link would show "not found". */
	sqlite3_stmt *st = db_prepare(db, "SELECT p.shop_id, p.public_uid, p.title, "
	    "coalesce(p.owner_name, ''), coalesce(p.owner_email, ''), sh.name, sh.language "
	    "FROM passports p "
	    "JOIN shops sh ON sh.id = p.shop_id WHERE p.id = ? AND p.is_public = 1 "
	    "AND p.deleted_at IS NULL");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, passport_id);
	int s = sqlite3_step(st);
	if (s != SQLITE_ROW || !*db_col_str(st, 4)) {
		rc = s == SQLITE_ROW || s == SQLITE_DONE ? HM_OK : db_rc(db, s, "notify passport");
		goto out;
	}
	int64_t shop_id = sqlite3_column_int64(st, 0);
	/* The owner's language is not recorded: the shop's. */
	const struct lang *l = customer_lang(NULL, db_col_str(st, 6));
	if ((rc = text_get(db, shop_id, NK_PASSPORT, l, db_col_str(st, 6), &t)) != HM_OK)
		goto out;
	url = xasprintf("%s/verify/%s", env->base, db_col_str(st, 1));
	struct text_vars v = {{
		[TV_PASSPORT_URL] = url, [TV_CUSTOMER_NAME] = db_col_str(st, 3),
		[TV_SHOP_NAME] = db_col_str(st, 5), [TV_ITEM] = db_col_str(st, 2),
	}, lang_rtl(l)};
	char *subject = render(t.subject, &v), *body = render(t.body, &v);
	struct queued q = {
		.shop_id = shop_id, .passport_id = passport_id, .kind = NK_PASSPORT,
		.channel = "email", .recipient = db_col_str(st, 4), .link = url,
		.subject = subject, .body = body, .lang = l->code,
	};
	rc = enqueue(db, &q, env);
	free(subject);
	free(body);
out:
	sqlite3_finalize(st);
	message_text_free(&t);
	free(url);
	return rc;
}

enum hm_rc notify_staff(sqlite3 *db, int64_t job_id, const char *what, const char *text,
    const struct notify_env *env)
{
	enum hm_rc rc;
	char *url = NULL, *subject = NULL, *body = NULL;
	if (!env || !env->base || !(env->channels & NOTIFY_EMAIL))
		return HM_OK;
	sqlite3_stmt *st = db_prepare(db, "SELECT j.shop_id, j.number, j.item_type, j.customer_name, "
	    "sh.notify_email, sh.name FROM jobs j JOIN shops sh ON sh.id = j.shop_id WHERE j.id = ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, job_id);
	int s = sqlite3_step(st);
	if (s != SQLITE_ROW || !*db_col_str(st, 4)) {
		rc = s == SQLITE_ROW || s == SQLITE_DONE ? HM_OK : db_rc(db, s, "notify staff");
		goto out;
	}
	/* Written for the shop, in the staff pages' language, whoever's
	 * request caused it: the staff page, never the customer's link. */
	const struct lang *prev = lang_use(env->staff_lang);
	url = xasprintf("%s/admin/jobs/%" PRId64, env->base, job_id);
	/* TRANSLATORS: an alert to the shop: the job's number, its item, what
	 * the customer did. */
	subject = xasprintf(_("Job #%1$lld (%2$s): %3$s"), (long long)sqlite3_column_int64(st, 1),
	    db_col_str(st, 2), _(what));
	body = xasprintf("%s\n\n%s%s%s%s\n%s\n", subject, text && *text ? "\"" : "",
	    text && *text ? text : "", text && *text ? "\"\n\n" : "", _("Open the job:"), url);
	struct queued q = {
		.shop_id = sqlite3_column_int64(st, 0), .job_id = job_id, .kind = NK_STAFF_ALERT,
		.channel = "email", .recipient = db_col_str(st, 4), .link = url,
		.subject = subject, .body = body, .lang = lang_current()->code,
	};
	lang_use(prev);
	rc = enqueue(db, &q, env);
out:
	sqlite3_finalize(st);
	free(url);
	free(subject);
	free(body);
	return rc;
}

enum hm_rc notify_send_now(sqlite3 *db, int64_t shop_id, int64_t job_id, int64_t passport_id,
    enum notify_kind k, const struct notify_env *env, int *queued)
{
	*queued = 0;
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	/* The record must be the shop's: never trust the form for that. */
	sqlite3_stmt *st = job_id
	    ? db_prepare(db, "SELECT 1 FROM jobs WHERE id = ?1 AND shop_id = ?2")
	    : db_prepare(db, "SELECT 1 FROM passports WHERE id = ?1 AND shop_id = ?2");
	if (!st) {
		db_rollback(db);
		return HM_ERR;
	}
	sqlite3_bind_int64(st, 1, job_id ? job_id : passport_id);
	sqlite3_bind_int64(st, 2, shop_id);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	rc = s == SQLITE_ROW ? HM_OK : s == SQLITE_DONE ? HM_NOTFOUND : db_rc(db, s, "send now");
	int before = sqlite3_total_changes(db);
	if (rc == HM_OK)
		rc = job_id ? notify_job(db, job_id, k, env) : notify_passport(db, passport_id, env);
	if (rc == HM_OK) {
		*queued = sqlite3_total_changes(db) != before;
		return db_commit(db);
	}
	db_rollback(db);
	return rc;
}

/* ---- unsubscribing ---------------------------------------------------- */

#define TOKEN_MAC 16

static void token_mac(const unsigned char master[KEY_BYTES], int64_t job_id,
    unsigned char mac[TOKEN_MAC])
{
	unsigned char k[KEY_BYTES], id[8];
	key_derive(master, KEY_UNSUBSCRIBE, k);
	for (int i = 0; i < 8; i++)
		id[i] = (unsigned char)((uint64_t)job_id >> (56 - 8 * i));
	crypto_generichash(mac, TOKEN_MAC, id, sizeof id, k, sizeof k);
	sodium_memzero(k, sizeof k);
}

void notify_unsubscribe_token(const unsigned char master[KEY_BYTES], int64_t job_id,
    char out[NOTIFY_TOKEN_STR])
{
	unsigned char raw[8 + TOKEN_MAC];
	for (int i = 0; i < 8; i++)
		raw[i] = (unsigned char)((uint64_t)job_id >> (56 - 8 * i));
	token_mac(master, job_id, raw + 8);
	b64url_encode(raw, sizeof raw, out, NOTIFY_TOKEN_STR);
}

int64_t notify_unsubscribe_job(const unsigned char master[KEY_BYTES], const char *token)
{
	unsigned char raw[8 + TOKEN_MAC + 1], mac[TOKEN_MAC];
	if (!token || b64url_decode(token, raw, sizeof raw) != 8 + TOKEN_MAC)
		return 0;
	uint64_t id = 0;
	for (int i = 0; i < 8; i++)
		id = id << 8 | raw[i];
	if (id == 0 || id > INT64_MAX)
		return 0;
	token_mac(master, (int64_t)id, mac);
	return sodium_memcmp(mac, raw + 8, TOKEN_MAC) == 0 ? (int64_t)id : 0;
}

enum hm_rc notify_unsubscribe_info(sqlite3 *db, int64_t job_id, int64_t *shop_id, int *off,
    char lang[8])
{
	sqlite3_stmt *st = db_prepare(db, "SELECT shop_id, notify_off, language FROM jobs "
	    "WHERE id = ? AND deleted_at IS NULL");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, job_id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*shop_id = sqlite3_column_int64(st, 0);
		*off = sqlite3_column_int(st, 1);
		snprintf(lang, 8, "%s", db_col_str(st, 2));
	}
	sqlite3_finalize(st);
	return s == SQLITE_ROW ? HM_OK : s == SQLITE_DONE ? HM_NOTFOUND
	    : db_rc(db, s, "unsubscribe info");
}

enum hm_rc notify_opt_out(sqlite3 *db, int64_t job_id)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	sqlite3_stmt *st = db_prepare(db, "UPDATE jobs SET notify_off = 1 WHERE id = ?");
	if (!st) {
		db_rollback(db);
		return HM_ERR;
	}
	sqlite3_bind_int64(st, 1, job_id);
	rc = db_rc(db, sqlite3_step(st), "notify opt out");
	if (rc == HM_OK && sqlite3_changes(db) == 0)
		rc = HM_NOTFOUND;
	sqlite3_finalize(st);
	/* What was queued and not yet sent is not sent either. */
	if (rc == HM_OK) {
		st = db_prepare(db, "UPDATE notifications SET state = 'failed', "
		    "last_error = 'The customer unsubscribed.' WHERE job_id = ? AND state = 'queued'");
		if (!st)
			rc = HM_ERR;
		else {
			sqlite3_bind_int64(st, 1, job_id);
			rc = db_rc(db, sqlite3_step(st), "notify opt out");
			sqlite3_finalize(st);
		}
	}
	if (rc == HM_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}

/* ---- reading and sending ---------------------------------------------- */

#define N_COLS "n.id, n.shop_id, coalesce(n.job_id, 0), coalesce(n.passport_id, 0), n.kind, " \
	"n.channel, n.recipient, n.subject, n.body, n.link, n.unsubscribe, n.message_id, n.state, " \
	"coalesce(n.last_error, ''), n.attempts, n.next_at, n.created_at, coalesce(n.sent_at, 0), " \
	"sh.name, sh.email, n.lang "

static void n_row(sqlite3_stmt *st, struct notification *n)
{
	memset(n, 0, sizeof *n);
	n->id = sqlite3_column_int64(st, 0);
	n->shop_id = sqlite3_column_int64(st, 1);
	n->job_id = sqlite3_column_int64(st, 2);
	n->passport_id = sqlite3_column_int64(st, 3);
	n->kind = db_col_dup(st, 4);
	n->channel = db_col_dup(st, 5);
	n->recipient = db_col_dup(st, 6);
	n->subject = db_col_dup(st, 7);
	n->body = db_col_dup(st, 8);
	n->link = db_col_dup(st, 9);
	n->unsubscribe = db_col_dup(st, 10);
	n->message_id = db_col_dup(st, 11);
	n->state = db_col_dup(st, 12);
	n->last_error = db_col_dup(st, 13);
	n->attempts = sqlite3_column_int(st, 14);
	n->next_at = sqlite3_column_int64(st, 15);
	n->created_at = sqlite3_column_int64(st, 16);
	n->sent_at = sqlite3_column_int64(st, 17);
	n->shop_name = db_col_dup(st, 18);
	n->shop_email = db_col_dup(st, 19);
	n->lang = db_col_dup(st, 20);
}

enum hm_rc notification_list(sqlite3 *db, int64_t shop_id, int64_t job_id, int64_t passport_id,
    struct notification_list *out)
{
	int s;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = job_id
	    ? db_prepare(db, "SELECT " N_COLS "FROM notifications n JOIN shops sh ON sh.id = n.shop_id "
		"WHERE n.shop_id = ?1 AND n.job_id = ?2 AND n.kind <> 'staff_alert' "
		"ORDER BY n.created_at DESC, n.id DESC")
	    : db_prepare(db, "SELECT " N_COLS "FROM notifications n JOIN shops sh ON sh.id = n.shop_id "
		"WHERE n.shop_id = ?1 AND n.passport_id = ?2 ORDER BY n.created_at DESC, n.id DESC");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	sqlite3_bind_int64(st, 2, job_id ? job_id : passport_id);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		n_row(st, &out->v[out->n++]);
	}
	sqlite3_finalize(st);
	enum hm_rc rc = db_rc(db, s, "notification list");
	if (rc != HM_OK)
		notification_list_free(out);
	return rc;
}

void notification_free(struct notification *n)
{
	free(n->lang);
	free(n->kind);
	free(n->channel);
	free(n->recipient);
	free(n->subject);
	free(n->body);
	free(n->link);
	free(n->unsubscribe);
	free(n->message_id);
	free(n->state);
	free(n->last_error);
	free(n->shop_name);
	free(n->shop_email);
	memset(n, 0, sizeof *n);
}

void notification_list_free(struct notification_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		notification_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

enum hm_rc outbox_claim(sqlite3 *db, time_t now, struct notification *out)
{
	memset(out, 0, sizeof *out);
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	/* A row left "sending" by a sender that was stopped mid-send is tried
	 * again once its claim is old, with the same Message-ID. */
	sqlite3_stmt *st = db_prepare(db, "SELECT " N_COLS "FROM notifications n "
	    "JOIN shops sh ON sh.id = n.shop_id WHERE (n.state = 'queued' AND n.next_at <= ?1) "
	    "OR (n.state = 'sending' AND n.next_at <= ?1 - ?2) ORDER BY n.next_at, n.id LIMIT 1");
	if (!st) {
		db_rollback(db);
		return HM_ERR;
	}
	sqlite3_bind_int64(st, 1, (int64_t)now);
	sqlite3_bind_int64(st, 2, OUTBOX_STALE);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		n_row(st, out);
	rc = s == SQLITE_ROW ? HM_OK : s == SQLITE_DONE ? HM_NOTFOUND : db_rc(db, s, "outbox claim");
	sqlite3_finalize(st);
	if (rc == HM_OK) {
		st = db_prepare(db, "UPDATE notifications SET state = 'sending', attempts = attempts + 1, "
		    "next_at = ?1 WHERE id = ?2");
		if (!st)
			rc = HM_ERR;
		else {
			sqlite3_bind_int64(st, 1, (int64_t)now);
			sqlite3_bind_int64(st, 2, out->id);
			rc = db_rc(db, sqlite3_step(st), "outbox claim");
			sqlite3_finalize(st);
		}
		out->attempts++;
	}
	if (rc == HM_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	if (rc != HM_OK)
		notification_free(out);
	return rc;
}

int64_t outbox_backoff(int attempts)
{
	int64_t d = 60;
	for (int i = 1; i < attempts && d < 6 * 3600; i++)
		d *= 2;
	return d < 6 * 3600 ? d : 6 * 3600;
}

enum hm_rc outbox_finish(sqlite3 *db, const struct notification *n, const char *error, time_t now)
{
	int give_up = error && n->attempts >= OUTBOX_MAX_ATTEMPTS;
	sqlite3_stmt *st = !error
	    ? db_prepare(db, "UPDATE notifications SET state = 'sent', sent_at = ?1, last_error = NULL "
		"WHERE id = ?2")
	    : db_prepare(db, "UPDATE notifications SET state = ?3, next_at = ?1 + ?4, last_error = ?5 "
		"WHERE id = ?2");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, (int64_t)now);
	sqlite3_bind_int64(st, 2, n->id);
	if (error) {
		sqlite3_bind_text(st, 3, give_up ? "failed" : "queued", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, outbox_backoff(n->attempts));
		db_bind_str(st, 5, error);
	}
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "outbox finish");
	sqlite3_finalize(st);
	return rc;
}
