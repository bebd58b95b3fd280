/* Notifications: the texts a shop sends its customers (built-in wording or
 * the shop's own, with {variables}), and the outbox they wait in. A
 * notification is queued in the same transaction as the change that
 * causes it; hallmarkctl send delivers it. No CGI ever talks to a mail
 * relay or an SMS gateway (DESIGN.md, Architecture). */
#ifndef HM_NOTIFY_H
#define HM_NOTIFY_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "db.h"
#include "sign.h"
#include "util.h"

/* What a notification says. The customer's kinds have texts a shop can
 * reword (message_texts); staff alerts have a fixed one. */
enum notify_kind {
	NK_BOOKED_IN,		/* sends the tracking link */
	NK_STAGE,		/* moved to a stage flagged to notify */
	NK_READY,		/* ... a ready-for-pickup stage */
	NK_DESIGN_REVIEW,	/* ... a stage asking for the customer's decision */
	NK_STAFF_REPLY,		/* the workshop answered on the thread */
	NK_PASSPORT,		/* the piece's passport */
	NK_TEXTS,		/* the kinds above have texts */
	NK_STAFF_ALERT = NK_TEXTS,	/* to the shop: a customer wrote or decided */
	NK_COUNT
};
/* "booked_in", "stage", ..., "staff_alert". */
extern const char *const notify_kind_name[NK_COUNT];
/* The kind called name, or NK_COUNT. */
enum notify_kind notify_kind_named(const char *name);

/* The variables a text may use, as {name}. */
enum text_var {
	TV_TRACKING_URL, TV_TRACKING_ID, TV_JOB_NUMBER, TV_CUSTOMER_NAME, TV_SHOP_NAME,
	TV_ITEM, TV_STAGE, TV_DUE_DATE, TV_PASSPORT_URL, TV_COUNT
};
extern const char *const text_var_name[TV_COUNT];

struct text_vars {
	const char *v[TV_COUNT];	/* NULL renders as "" */
	/* For a right-to-left text: each value but the links is isolated
	 * (U+2068 … U+2069) so an ID or a Latin name keeps its own direction. */
	int isolate;
};

#define TEXT_SUBJECT_MAX 200	/* characters */
#define TEXT_BODY_MAX 2000

struct message_text {
	char *subject, *body;
	int custom;		/* the shop's own wording in the language asked for */
	int from_default;	/* ... else its wording in its default language */
};

struct lang;
/* The text of kind k (< NK_TEXTS) for a customer reading l: the shop's
 * wording in l, else its wording in its default language shop_lang, else
 * the built-in text in l. */
enum hm_rc text_get(sqlite3 *db, int64_t shop_id, enum notify_kind k, const struct lang *l,
    const char *shop_lang, struct message_text *out);
/* The built-in text of kind k in English (static strings; the catalogs
 * translate them). */
void text_builtin(enum notify_kind k, const char **subject, const char **body);
/* Saves the shop's wording of k in language lang; an empty subject and
 * body remove it (back to the fallback). Check it with text_check first. */
enum hm_rc text_set(sqlite3 *db, int64_t shop_id, enum notify_kind k, const char *lang,
    const char *subject, const char *body, time_t now);
void message_text_free(struct message_text *t);
/* 1 when a text of kind k may use v (NK_COUNT: any). */
int text_var_allowed(enum notify_kind k, enum text_var v);
/* Checks a shop's wording: only the variables kind k knows, braces that
 * close, and the link the kind exists to send. 0, or -1 with a sentence
 * for staff in why (n bytes). */
int text_check(enum notify_kind k, const char *subject, const char *body, char *why, size_t n);
/* Appends tmpl with each {name} replaced by its value; {{ and }} stand
 * for braces. The values are text and are never looked into again. */
void text_render(const char *tmpl, const struct text_vars *v, struct buf *out);
/* The SMS segments text needs: GSM 03.38 when every character is in it
 * (160 a message, 153 a part), else UCS-2 (70, 67). *ucs2 says which. */
int sms_segments(const char *text, int *ucs2);

/* What the installation can deliver, where links point, and the key that
 * signs unsubscribe links. */
#define NOTIFY_EMAIL 0x1
#define NOTIFY_SMS 0x2
struct notify_env {
	const char *base;	/* scheme://host of the installation, no slash */
	unsigned channels;	/* NOTIFY_EMAIL | NOTIFY_SMS it can deliver */
	const unsigned char *master;	/* the installation's secret key */
	time_t now;
	const struct lang *staff_lang;	/* what alerts to the shop are written in */
};

struct config;
/* The environment of a request or a command: what cfg can deliver (its
 * mail and SMS transports), base and master. */
void notify_env_init(struct notify_env *e, const struct config *cfg, const char *base,
    const unsigned char *master, time_t now);

/* Queues kind k about a job for its customer, inside the caller's
 * transaction, on the channel the customer chose. Nothing is queued (and
 * HM_OK returned) when the job has no customer link, the customer chose
 * WhatsApp by hand or none, opted out, gave no address for the channel,
 * or the installation cannot deliver it. env NULL queues nothing. */
enum hm_rc notify_job(sqlite3 *db, int64_t job_id, enum notify_kind k, const struct notify_env *env);
/* The text kind k about a job would have (for staff to send by hand:
 * WhatsApp, their own SMS app, a copy): subject and body, heap. Scoped by
 * shop; HM_NOTFOUND when the job has no customer link. */
enum hm_rc notify_job_text(sqlite3 *db, int64_t shop_id, int64_t job_id, enum notify_kind k,
    const char *base, char **subject, char **body);
/* The passport email to its owner, if it has an email address. */
enum hm_rc notify_passport(sqlite3 *db, int64_t passport_id, const struct notify_env *env);
/* Tells the shop (its notify_email) that the customer of job_id wrote or
 * decided: what says which, text is their words (may be NULL). */
enum hm_rc notify_staff(sqlite3 *db, int64_t job_id, const char *what, const char *text,
    const struct notify_env *env);

/* Staff's "send again": queues kind k about the shop's job (or the
 * passport email, for passport_id) in a transaction of its own. *queued
 * says whether anything was queued (0: nothing to send it by). */
enum hm_rc notify_send_now(sqlite3 *db, int64_t shop_id, int64_t job_id, int64_t passport_id,
    enum notify_kind k, const struct notify_env *env, int *queued);

/* The token of a job's unsubscribe link (/track/unsubscribe/<token>):
 * the job's id and a MAC, not the tracking ID. NOTIFY_TOKEN_STR bytes. */
#define NOTIFY_TOKEN_STR 48
void notify_unsubscribe_token(const unsigned char master[KEY_BYTES], int64_t job_id,
    char out[NOTIFY_TOKEN_STR]);
/* The job a token names, or 0 when it is not one we made. */
int64_t notify_unsubscribe_job(const unsigned char master[KEY_BYTES], const char *token);
/* What the unsubscribe page needs about job_id: its shop, whether its
 * customer has stopped messages already, and the customer's language ("" when
 * not recorded). HM_NOTFOUND when the job is gone. */
enum hm_rc notify_unsubscribe_info(sqlite3 *db, int64_t job_id, int64_t *shop_id, int *off,
    char lang[8]);
/* Stops notifications about a job (the customer's unsubscribe). */
enum hm_rc notify_opt_out(sqlite3 *db, int64_t job_id);

struct notification {
	int64_t id, shop_id, job_id, passport_id;
	char *kind, *channel, *recipient, *subject, *body, *link, *unsubscribe, *message_id;
	char *state, *last_error;
	int attempts;
	int64_t next_at, created_at, sent_at;
	char *shop_name, *shop_email;	/* From's name and Reply-To, for the sender */
	char *lang;		/* the language it is written in */
};
struct notification_list {
	struct notification *v;
	size_t n;
};
/* A job's (job_id) or a passport's notifications, newest first, scoped
 * by shop. */
enum hm_rc notification_list(sqlite3 *db, int64_t shop_id, int64_t job_id, int64_t passport_id,
    struct notification_list *out);
void notification_free(struct notification *n);
void notification_list_free(struct notification_list *l);

/* For the sender. Claims the next due notification (queued and due, or
 * left "sending" by a sender that was stopped), marks it sending and
 * counts the attempt, committed before anything is sent. HM_NOTFOUND when
 * none is due. */
#define OUTBOX_STALE 300	/* seconds a claim lasts before another sender may retry */
#define OUTBOX_MAX_ATTEMPTS 8
enum hm_rc outbox_claim(sqlite3 *db, time_t now, struct notification *out);
/* Records the outcome: sent (error NULL), or failed with error: retried
 * later with a growing delay, or given up after OUTBOX_MAX_ATTEMPTS. */
enum hm_rc outbox_finish(sqlite3 *db, const struct notification *n, const char *error,
    time_t now);
/* The delay before attempt n+1, after n failed attempts. */
int64_t outbox_backoff(int attempts);

#endif
