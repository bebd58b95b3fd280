/* Hallmark's data: shops, staff, workflows and stages, jobs and their
 * timeline. Shared by the CGIs and hallmarkctl; no web code here. Every
 * staff-facing call takes the signed-in user's shop_id and scopes by it. */
#ifndef HM_MODEL_H
#define HM_MODEL_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "db.h"
#include "ids.h"

enum stage_flag {
	STAGE_READY = 1,
	STAGE_FINAL = 2,
	STAGE_CANCELLED = 4,
	STAGE_DECISION = 8,
	STAGE_NOTIFY = 16,	/* moving a job here notifies the customer */
};

/* May the public see this job: the one definition, for the order page,
 * the customer's own writes and the media URLs of the job's photos. The
 * job is j, its shop sh (joined), and now the SQL parameter holding the
 * request's time: a revoked or deleted job, or one finished longer ago
 * than its shop's retention period, is not there for anyone outside. */
#define JOB_PUBLIC_SQL(now) \
	"j.link_issued = 1 AND j.revoked_at IS NULL AND j.deleted_at IS NULL " \
	"AND (j.closed_at IS NULL OR j.closed_at > " now " - sh.retention_days * 86400)"

struct shop {
	int64_t id;
	char *slug, *name, *phone, *email, *address, *whatsapp, *timezone;
	char *country, *abn;	/* made-in default for passports; business number on certificates */
	/* Branding of the customer's pages: accent "" or #rrggbb, theme
	 * "auto"/"light"/"dark", review_url "" for none. */
	char *accent, *theme, *review_url;
	int powered_by;		/* show "Powered by Hallmark" */
	int retention_days;	/* finished jobs' pages resolve this long */
	int tracking_off;	/* new jobs get no customer link until it is on again */
	char *phone_country;	/* ISO 3166 code for local numbers, or "" */
	char *slip_size;	/* "80mm", "a5" or "a4" */
	char *slip_terms;	/* printed on the take-in slip */
	char *notify_email;	/* staff are told here when a customer writes */
	char *language;		/* the default language of its pages and its own wording */
	char *currency;		/* ISO 4217 code amounts are shown in, or "" */
	char *business_label;	/* what its business number is called: "abn", "vat", "company", "business" */
	char *opening_hours;	/* as staff write them, shown to customers; "" for none */
};

struct stage {
	int64_t id;
	int position;
	int flags;
	char *code, *label, *description, *next_step;
};

struct stage_list {
	struct stage *v;
	size_t n;
};

struct workflow {
	int64_t id;
	char prefix[4];
	char *name;
};

struct workflow_list {
	struct workflow *v;
	size_t n;
};

/* The editable fields of a job, as staff type them (NULL or "" = unset). */
struct job_fields {
	const char *customer_name, *customer_phone, *customer_email;
	const char *item_type, *item_description, *problem, *due_date, *internal_notes;
	int64_t quoted_cents, deposit_cents;
	int has_quoted, has_deposit;
	const char *design_brief, *invoice_url;	/* internal brief; customer-facing pay link */
	int64_t budget_cents;
	int has_budget;
	const char *notify_channel;	/* "email", "sms", "whatsapp" or "none" (NULL: none) */
	const char *language;	/* the customer's language code, or NULL/"": not recorded */
};

struct job {
	int64_t id, shop_id, workflow_id, stage_id;
	char *tracking_id;
	char *customer_name, *customer_phone, *customer_email;
	char *item_type, *item_description, *problem, *due_date, *internal_notes;
	int64_t quoted_cents, deposit_cents;
	int has_quoted, has_deposit;
	int64_t created_at, updated_at, revoked_at, deleted_at;
	struct stage stage;	/* the current stage */
	char *workflow_name;
	char prefix[4];		/* the workflow's tracking ID prefix */
	char *design_brief, *invoice_url;
	int64_t budget_cents;
	int has_budget;
	int64_t closed_at;	/* reached a final or cancelled stage; 0 while open */
	char *decision;		/* "approved", "changes" or "" (staff have moved it on) */
	int64_t decision_at;
	int unread;		/* customer messages staff have not opened */
	int64_t number;		/* the job's number in its shop (#1042) */
	int link_issued;	/* 0: booked while tracking was off; no customer link yet */
	char *notify_channel;	/* how the customer hears from the shop */
	int notify_off;		/* the customer asked for no more notifications */
	char *language;		/* the customer's language as staff recorded it, or "" */
	/* Filled by job_get_public only, so the page skips the queries for
	 * a thread or pictures it does not have. */
	int has_messages, has_pictures;
	char *stage_text_langs;	/* the languages its shop wrote stage wording in, "a,b" */
};

struct job_list {
	struct job *v;
	size_t n;
	size_t total;	/* rows matching the filter, for paging */
};

struct event {
	int64_t id, at;
	char *kind, *note, *stage_label, *user_name;
	int note_public;
};

struct event_list {
	struct event *v;
	size_t n;
};

/* Shops. shop_create also gives the shop its own copies of the built-in
 * workflows. Runs inside the caller's transaction when there is one. */
enum hm_rc shop_create(sqlite3 *db, const char *slug, const char *name,
    const char *timezone, time_t now, int64_t *id);
enum hm_rc shop_get(sqlite3 *db, int64_t id, struct shop *out);
enum hm_rc shop_find_slug(sqlite3 *db, const char *slug, int64_t *id);
/* Saves the shop's settings. Turning tracking back on gives the jobs booked
 * while it was off their links (*issued says how many; may be NULL). */
enum hm_rc shop_update(sqlite3 *db, const struct shop *s, int64_t *issued);
/* The name of a shop's business number in the current language ("ABN",
 * "VAT number", "Company number", "Business number"): static storage. */
const char *shop_number_label(const struct shop *s);
void shop_free(struct shop *s);

/* Staff users. Usernames are unique across the installation; owners may
 * also wipe the shop's tracking data. */
enum hm_rc user_create(sqlite3 *db, int64_t shop_id, const char *username,
    const char *display_name, const char *pwhash, int is_owner, time_t now, int64_t *id);
/* Finds an enabled user by name; *pwhash is heap. HM_NOTFOUND if none. */
enum hm_rc user_find(sqlite3 *db, const char *username, int64_t *id, char **pwhash);
enum hm_rc user_pwhash(sqlite3 *db, int64_t id, char **pwhash);
enum hm_rc user_set_pwhash(sqlite3 *db, int64_t id, const char *pwhash);

/* Workflows and their stages, in position order. */
enum hm_rc workflow_list(sqlite3 *db, int64_t shop_id, struct workflow_list *out);
/* Every tracking ID prefix the installation uses, once each, with the name
 * of the first workflow that took it, oldest first (for /track). */
enum hm_rc workflow_prefixes(sqlite3 *db, struct workflow_list *out);
enum hm_rc workflow_find_prefix(sqlite3 *db, int64_t shop_id, const char *prefix, struct workflow *out);
enum hm_rc stage_list(sqlite3 *db, int64_t workflow_id, struct stage_list *out);
/* 1 when the shop's workflow has a stage asking the customer for a
 * decision (a commission), 0 when not or when it is not the shop's. */
int workflow_has_decision(sqlite3 *db, int64_t shop_id, int64_t workflow_id);
/* The same, worded for a customer reading l: the shop's wording in l
 * where it has one, else its own (in its default language shop_lang),
 * translated when it is a built-in text. text_langs: the languages the
 * shop has wording in, comma-separated (shops.stage_text_langs, read by
 * job_get_public), or NULL when not known; a reader of none of them needs
 * no look at stage_texts. */
struct lang;
enum hm_rc stage_list_in(sqlite3 *db, int64_t workflow_id, const struct lang *l,
    const char *shop_lang, const char *text_langs, struct stage_list *out);
/* A stage's own (default-language) text as a reader in l sees it when the
 * shop wrote nothing for l: translated by the catalog when it is a built-in
 * text, else as the shop wrote it. "" for an empty one; static storage or
 * own's. */
enum stage_text_field { STAGE_LABEL, STAGE_DESCRIPTION, STAGE_NEXT_STEP };
const char *stage_own_text(const struct lang *l, enum stage_text_field field, const char *own);
void workflow_free(struct workflow *w);
void workflow_list_free(struct workflow_list *l);
void stage_free(struct stage *s);
void stage_list_free(struct stage_list *l);
/* The percentage shown to the customer: stages reached (the current one
 * included) out of those in the tracker (cancelled ones are not). */
int stage_percent(const struct stage_list *l, const struct stage *s);

/* The workflow editor (workflows.c): a shop renames stages, edits what the
 * customer reads at each, adds and removes stages, and makes its own
 * workflows. Every call is scoped by the shop; another shop's workflow is
 * HM_NOTFOUND. */
#define WORKFLOW_MAX_STAGES 24
#define WORKFLOW_NAME_MAX 120	/* characters */
#define STAGE_LABEL_MAX 80	/* characters, as every length a form sets */
#define STAGE_TEXT_MAX 1000	/* description, next step */

/* A stage row as staff submit it. id 0 adds a stage after the last one;
 * an existing stage no row mentions keeps what it has. */
struct stage_input {
	int64_t id;
	const char *label, *description, *next_step;
	int flags;
	int remove;
};

struct workflow_input {
	const char *name;
	const char *prefix;	/* workflow_create only: tracking IDs carry it */
	const struct stage_input *stages;
	size_t n;
};

/* Why an edit was refused: a sentence for staff, the row it is about
 * (1-based index into stages; 0 for the workflow's own fields) and the
 * field ("name", "prefix", "label", "description", "next_step", "flags",
 * "remove" or "stages"). */
struct workflow_refusal {
	const char *message;	/* static, in the current language (i18n.h) */
	size_t row;
	const char *field;
};

struct workflow_summary {
	int64_t id;
	char prefix[4];
	char *name;
	int stages;
	int64_t jobs;		/* not deleted */
};

struct workflow_summary_list {
	struct workflow_summary *v;
	size_t n;
};

/* What stops a stage being removed: jobs in it now, and jobs whose
 * timeline names it (deleted jobs count: their rows remain). */
struct stage_use {
	int64_t jobs_in, jobs_through;
};

/* One of the shop's workflows; HM_NOTFOUND for another shop's. */
enum hm_rc workflow_get(sqlite3 *db, int64_t shop_id, int64_t id, struct workflow *out);
/* The shop's workflows with their stage and job counts, oldest first. */
enum hm_rc workflow_summaries(sqlite3 *db, int64_t shop_id, struct workflow_summary_list *out);
void workflow_summary_list_free(struct workflow_summary_list *l);
/* Fills out[i] (caller's array of l->n) for each stage l->v[i] of one of
 * the shop's workflows. */
enum hm_rc stage_usage(sqlite3 *db, int64_t shop_id, int64_t workflow_id,
    const struct stage_list *l, struct stage_use *out);
/* Creates a workflow with its stages in one BEGIN IMMEDIATE transaction.
 * Bad input is HM_CONFLICT with *why filled, and nothing is written. */
enum hm_rc workflow_create(sqlite3 *db, int64_t shop_id, const struct workflow_input *in,
    int64_t *id, struct workflow_refusal *why);
/* Renames a workflow and updates, adds and removes its stages, all or
 * nothing, like workflow_create. in->prefix is ignored. */
enum hm_rc workflow_update(sqlite3 *db, int64_t shop_id, int64_t id,
    const struct workflow_input *in, time_t now, struct workflow_refusal *why);

/* A shop's wording of its stages in a language other than its default
 * (stage_texts), for the workflow page's "wording in another language":
 * each stage of the workflow in order, its own (default-language) texts,
 * what the shop wrote for the language ("" where nothing: that field
 * falls back), and what a customer reading the language sees when a field
 * is left empty (stage_own_text). */
struct stage_wording {
	int64_t stage_id;
	char *code;
	char *own[3];		/* label, description, next step: the stage's own */
	char *text[3];		/* the shop's wording in the language, or "" */
	char *fallback[3];	/* shown instead of an empty text[] */
};

struct stage_wording_list {
	struct stage_wording *v;
	size_t n;
};

/* A row of the wording form: one of the workflow's stages and its wording
 * in the language (NULL or "": none, the field falls back). */
struct stage_wording_input {
	int64_t id;
	const char *text[3];	/* label, description, next step */
};

/* The wording in l (never the shop's default language: that is the
 * stages' own, which workflow_update edits) of the shop's workflow. */
enum hm_rc stage_wordings(sqlite3 *db, int64_t shop_id, int64_t workflow_id,
    const struct lang *l, struct stage_wording_list *out);
void stage_wording_list_free(struct stage_wording_list *l);
/* Saves the rows' wording in l in one BEGIN IMMEDIATE transaction, all or
 * nothing: a row left empty removes the stage's wording in l, a stage no
 * row mentions keeps its own. Bad input (a stage not in the workflow, a
 * text too long, two stages customers could not tell apart, l being the
 * shop's default language) is HM_CONFLICT with *why filled (row = the
 * input row) and nothing written. */
enum hm_rc stage_wordings_save(sqlite3 *db, int64_t shop_id, int64_t workflow_id,
    const struct lang *l, const struct stage_wording_input *rows, size_t n,
    struct workflow_refusal *why);

/* Jobs. job_create runs its own BEGIN IMMEDIATE transaction, mints the
 * tracking ID, puts the job in its workflow's first stage and records a
 * "created" event. */
struct notify_env;
enum hm_rc job_create(sqlite3 *db, int64_t shop_id, int64_t workflow_id,
    const struct job_fields *f, int64_t user_id, time_t now, const struct notify_env *env,
    int64_t *id);
/* What a job brought in from another system keeps (hallmarkctl import):
 * its tracking ID (the current or the legacy 8/12-hex form, canonical as
 * tid_parse writes it; NULL: a new one is minted), its number (0: the
 * shop's next), its stage (0: the workflow's first), when it was booked in
 * and when it reached that stage. */
struct job_kept {
	const char *tracking_id;
	int64_t number, stage_id;
	time_t booked_at, stage_at;
};
/* Adds such a job inside the caller's transaction, with its timeline
 * (booked in; moved to its stage), its link issued, and no notification.
 * HM_NOTFOUND when the workflow or stage is not the shop's; a tracking ID
 * or number already used is a constraint failure (HM_ERR). */
enum hm_rc job_import(sqlite3 *db, int64_t shop_id, int64_t workflow_id, const struct job_fields *f,
    const struct job_kept *k, time_t now, int64_t *id);
/* A job of the shop, deleted or not. */
enum hm_rc job_get(sqlite3 *db, int64_t shop_id, int64_t id, struct job *out);
/* The job behind a public tracking ID: HM_NOTFOUND unless it exists, is not
 * revoked, not deleted and not past its shop's retention period. Fills
 * only what the customer may see (never the customer's details, prices or
 * notes), and the shop's contact details and branding. */
enum hm_rc job_get_public(sqlite3 *db, const char *tracking_id, time_t now, struct job *out,
    struct shop *shop);
/* Gives a job a new tracking ID (same prefix) in tid; the old one stops
 * resolving at once. */
enum hm_rc job_rotate(sqlite3 *db, int64_t shop_id, int64_t id, int64_t user_id, time_t now,
    char tid[TID_MAX]);
/* The customer's design decision, from the public page: in one BEGIN
 * IMMEDIATE transaction the job must still be public and at
 * expected_stage, a needs-decision stage. Approve moves it to the next
 * stage, changes to the one before with the comment on the thread.
 * HM_CONFLICT when the page was stale
 * (nothing changes); *outcome "approved"/"changes" on success. */
enum hm_rc job_decide(sqlite3 *db, const char *tracking_id, int64_t expected_stage, int approve,
    const char *comment, time_t now, const struct notify_env *env, int64_t *job_id,
    const char **outcome);
/* What the job list shows: every field may be NULL/0. q matches a
 * tracking ID (normalised), the job number ("1042", "#1042") or part of
 * the customer's name, email, the item or its description; phone (the
 * search in international form, when it reads as a number) matches the
 * customer's phone, and so do the search's digits when there are four or
 * more. sort: "booked" (newest first, the default), "due" (soonest first,
 * none last), "number" (highest first) or "customer" (A to Z). */
struct job_query {
	const char *stage_code, *q, *phone, *sort;
	int show_deleted;	/* only deleted jobs, else only the others */
};
/* A page of the shop's jobs and how many match in all. */
enum hm_rc job_list(sqlite3 *db, int64_t shop_id, const struct job_query *jq, size_t offset,
    size_t limit, struct job_list *out);
enum hm_rc job_update(sqlite3 *db, int64_t shop_id, int64_t id, const struct job_fields *f,
    int64_t user_id, time_t now);
/* Moves a job to any stage of its workflow, with an optional note; a stage
 * flagged STAGE_NOTIFY queues the customer's notification (env may be NULL).
 * HM_CONFLICT, with nothing written, when the job is in that stage already. */
enum hm_rc job_set_stage(sqlite3 *db, int64_t shop_id, int64_t id, int64_t stage_id,
    const char *note, int note_public, int64_t user_id, time_t now, const struct notify_env *env);
/* *missing 1 when the job of the shop is at a stage asking the customer
 * for a decision and has no design proof for them to look at. */
enum hm_rc job_decision_without_proof(sqlite3 *db, int64_t shop_id, int64_t id, int *missing);
/* Revokes (on=1) or restores the tracking link; deletes (on=1) or restores the job. */
enum hm_rc job_set_revoked(sqlite3 *db, int64_t shop_id, int64_t id, int on, int64_t user_id, time_t now);
enum hm_rc job_set_deleted(sqlite3 *db, int64_t shop_id, int64_t id, int on, int64_t user_id, time_t now);
/* The job's whole timeline for staff, oldest first. */
enum hm_rc job_events(sqlite3 *db, int64_t job_id, struct event_list *out);
/* What the customer sees of it: bookings and stage moves, public notes
 * only, stage labels taken from the workflow's stages already loaded (a
 * join-free query for the busiest page). */
enum hm_rc job_events_public(sqlite3 *db, int64_t job_id, const struct stage_list *stages,
    struct event_list *out);
void job_free(struct job *j);
void job_list_free(struct job_list *l);
void event_list_free(struct event_list *l);

/* Applies schema/NNN_*.sql migrations newer than PRAGMA user_version. */
enum hm_rc schema_migrate(sqlite3 *db, int *from, int *to);
int schema_latest(void);
/* The database's schema version (PRAGMA user_version), or -1. */
int schema_version(sqlite3 *db);
/* For a CGI, after opening the database: HM_OK when it is at the schema
 * this program was built for. Otherwise logs one line naming both versions
 * and what the operator must run, and returns HM_BUSY (a 503: a page of
 * the wrong schema could be a wrong page). One read of the file's header. */
enum hm_rc schema_check(sqlite3 *db);

#endif
