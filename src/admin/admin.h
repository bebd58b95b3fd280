/* The staff surface: one route table (routes.h) names each page's method
 * and who may use it, the library's staff gate (staff.h) enforces sign-in,
 * CSRF and same-origin; each page or action lives in its own file here. */
#ifndef HM_ADMIN_H
#define HM_ADMIN_H

#include "auth.h"
#include "model.h"
#include "passport.h"
#include "staff.h"
#include "web.h"

/* One stage row of the workflow form: row n (1-based) sends stage_<n>_id,
 * stage_<n>_label, ... declared at A_STAGE_ROW(n) + SR_ID and so on. */
enum stage_row_param {
	SR_ID, SR_LABEL, SR_DESCRIPTION, SR_NEXT_STEP, SR_READY, SR_FINAL, SR_CANCELLED,
	SR_DECISION, SR_NOTIFY, SR_REMOVE, SR_POSITION, SR_COUNT
};
#define A_STAGE_ROW(n) (A_STAGE_ROWS + ((n) - 1) * SR_COUNT)

/* The surface's declared parameters; handlers read them by these indexes. */
enum admin_param {
	A_CSRF, A_USERNAME, A_PASSWORD, A_CURRENT_PASSWORD, A_NEW_PASSWORD, A_NEW_PASSWORD2,
	A_CUSTOMER_NAME, A_CUSTOMER_PHONE, A_CUSTOMER_EMAIL, A_ITEM_TYPE, A_ITEM_DESCRIPTION,
	A_PROBLEM, A_DUE_DATE, A_INTERNAL_NOTES, A_QUOTED, A_DEPOSIT, A_WORKFLOW,
	A_STAGE, A_NOTE, A_NOTE_PUBLIC, A_Q, A_PAGE, A_SHOW, A_FILTER,
	A_NAME, A_PHONE, A_EMAIL, A_ADDRESS, A_WHATSAPP, A_TIMEZONE, A_COUNTRY, A_ABN,
	/* Passport fields, in passport_field_name[] order (A_PF + PF_...). */
	A_PF,
	A_OWNER_PRICE = A_PF + PF_COUNT, A_OWNER_PUBLIC, A_IS_PUBLIC, A_KIND, A_EVENT_DATE, A_TEXT,
	A_SIZE, A_ATTACHMENT, A_ROLE,
	A_BODY, A_DESIGN_BRIEF, A_BUDGET, A_INVOICE_URL, A_ACCENT, A_THEME, A_REVIEW_URL,
	A_POWERED_BY, A_RETENTION_DAYS, A_CONFIRM_NAME, A_ACCENT_ON,
	A_PREFIX, A_FK,
	A_TRACKING_ON, A_PHONE_COUNTRY, A_SLIP_SIZE, A_SLIP_TERMS, A_NOTIFY_EMAIL, A_NOTIFY_CHANNEL,
	A_SUBJECT, A_MESSAGE_KIND, A_PREVIEW, A_LANGUAGE, A_CUSTOMER_LANGUAGE, A_OPENING_HOURS,
	A_CURRENCY, A_BUSINESS_LABEL, A_SORT, A_CONFIRM,
	A_USER_ROLE, A_OBJECT, A_OBJECT_ID,
	/* Last: the workflow form's stage rows take every index after it. */
	A_STAGE_ROWS,
	A_NPARAMS = A_STAGE_ROWS + WORKFLOW_MAX_STAGES * SR_COUNT
};
extern const struct param admin_params[A_NPARAMS];

/* A page context with what the admin layout needs: title, nav, shop name,
 * staff name, CSRF token. Caller frees. */
struct tctx *admin_ctx(struct staff *a, const char *title, const char *nav);
/* Sets page, pages, prev_page and next_page for a list's pager. */
void admin_paging(struct tctx *c, size_t total, int64_t page, size_t per_page);
/* 303 to /admin/<what>/<id>, the page of the record just changed. */
void admin_redirect_to(struct staff *a, const char *what, int64_t id);
/* What cannot be undone asks first. Unless the POST carries confirm=1,
 * renders a confirmation page whose form repeats it (the parameters in
 * carry[] as sent, and confirm=1), with Cancel back to /admin/<what>/<id>;
 * returns 1 when it did (the handler then stops), 0 when confirmed. */
int admin_confirm(struct staff *a, const char *what, const char *title, const char *question,
    const char *detail, const char *button, const int *carry, size_t ncarry);
/* 303 to /admin/<what>/<id>?show=<show>: the page says what was done. */
void admin_redirect_show(struct staff *a, const char *what, int64_t id, const char *show);
/* After a write: 303 to /admin/<what>/<id> when it was done, now or by an
 * earlier submission of the same form (HM_DUPLICATE); else the error page. */
void admin_after(struct staff *a, enum hm_rc rc, const char *what, int64_t id);
struct notify_env;
/* What this request's writes may notify with (notify.h). */
void admin_notify_env(struct staff *a, struct notify_env *e);
/* The rate-limit key for a client address or an account name. */
void admin_rl_key(struct staff *a, const char *what, unsigned char out[16]);
/* Adds list `name` to c: every shipped language but `skip` (a code, or
 * NULL), each named in itself (code, name, selected when it is `chosen`). */
void admin_languages(struct tctx *c, const char *name, const char *chosen, const char *skip);
/* Whether a job's customer link stopped working because the job was
 * finished longer ago than the shop keeps finished jobs (retention). */
int admin_link_expired(const struct job *j, const struct shop *s, time_t now);
/* The shop's default language (English when it names none shipped). */
const struct lang *admin_shop_lang(const struct shop *s);

/* Job form helpers shared by book-in and edit (job_form.c). */
/* Whether jobs of the workflow take a design brief and budget: those with
 * a stage that asks the customer's decision (a design review), as
 * bespoke commissions have; 0 for a workflow that is not the shop's. */
int job_form_commission(struct staff *a, int64_t workflow_id);
int job_form_read(struct staff *a, struct job_fields *f, struct tctx *errors);
void job_form_fill(struct tctx *c, const struct job *j);
void job_form_refill(struct staff *a, struct tctx *c);
/* The customer-channel choice of the form: which the installation can
 * deliver, and which is chosen. */
void job_form_channels(struct staff *a, struct tctx *c, const char *chosen);
/* The customer's-language choice of the form: "not recorded" (the shop's
 * default) and every language; chosen is a code or "". */
void job_form_languages(struct staff *a, struct tctx *c, const char *chosen);

/* The workflow form shared by new and edit (workflow_form.c). Strings
 * point into the request or the caller's data. */
struct workflow_form {
	int64_t id;		/* 0: a new workflow */
	const char *name, *prefix;
	struct stage_input rows[WORKFLOW_MAX_STAGES];
	size_t n;		/* rows filled in or sent */
	size_t blank;		/* empty rows to offer after them */
	struct workflow_refusal why;	/* why.message is NULL unless refused */
	char msg[512];			/* why.message when the request layer wrote it */
};
/* Reads the name, prefix and stage rows as sent; -1 with f->why set when
 * a value fails its validator. */
int workflow_form_read(struct staff *a, struct workflow_form *f);
/* Renders the form (admin_workflow_form) with f's rows, their codes and
 * how many jobs use them, and f->why's message when set. */
void workflow_form_show(struct staff *a, int status, const struct workflow_form *f);

/* Pages and actions. */
void page_login(struct staff *a);
void do_login(struct staff *a);
void do_logout(struct staff *a);
void page_password(struct staff *a);
void do_password(struct staff *a);
void page_jobs(struct staff *a);
void page_job_new(struct staff *a);
void do_job_new(struct staff *a);
void page_job(struct staff *a);
/* The job page with a status and an error (under error_key: msg_error for
 * the reply composer, stage_error for the stage form); what the request
 * typed into the page's forms comes back in them. */
void page_job_with(struct staff *a, int status, const char *error_key, const char *error);
void page_job_edit(struct staff *a);
void do_job_edit(struct staff *a);
void do_job_stage(struct staff *a);
void do_job_revoke(struct staff *a);
void do_job_unrevoke(struct staff *a);
void do_job_delete(struct staff *a);
void do_job_undelete(struct staff *a);
void do_job_rotate(struct staff *a);
void do_job_message(struct staff *a);
void page_messages(struct staff *a);
void page_danger(struct staff *a);
void do_danger(struct staff *a);
void page_passports(struct staff *a);
void page_passport_new(struct staff *a);
void do_passport_new(struct staff *a);
void page_passport(struct staff *a);
/* The passport page with a status and an error (event_error or
 * transfer_error); what the request typed comes back in its form. */
void page_passport_with(struct staff *a, int status, const char *error_key, const char *error);
void page_passport_edit(struct staff *a);
void do_passport_edit(struct staff *a);
void do_passport_event(struct staff *a);
void do_passport_transfer(struct staff *a);
void do_passport_lost(struct staff *a);
void do_passport_found(struct staff *a);
void do_passport_public(struct staff *a);
void do_passport_private(struct staff *a);
void do_passport_delete(struct staff *a);
void do_passport_undelete(struct staff *a);
void do_passport_primary(struct staff *a);
/* Passport form helpers (passport_form.c). */
int passport_form_read(struct staff *a, struct passport_input *in, struct tctx *errors);
void passport_form_fill(struct tctx *c, const struct passport *p);
void passport_form_refill(struct staff *a, struct tctx *c);
/* The signer's name recorded with each signature. */
const char *admin_signer(const struct staff *a);
void page_photo(struct staff *a);
void page_settings(struct staff *a);
void do_settings(struct staff *a);
void page_message_texts(struct staff *a);
void do_message_text(struct staff *a);
void page_workflows(struct staff *a);
void page_workflow_new(struct staff *a);
void do_workflow_new(struct staff *a);
void page_workflow(struct staff *a);
void do_workflow(struct staff *a);
void page_workflow_texts(struct staff *a);
void do_workflow_texts(struct staff *a);
/* Staff accounts, for the shop's owners (users_page.c), and the audit
 * trail every staff member can read (audit_page.c). */
void page_users(struct staff *a);
void do_user_new(struct staff *a);
void page_user(struct staff *a);
void do_user_edit(struct staff *a);
void do_user_password(struct staff *a);
void do_user_disable(struct staff *a);
void do_user_enable(struct staff *a);
void page_audit(struct staff *a);
/* Job photos and the shop logo: the pages' sections (job_photos.c,
 * settings_logo.c) and the visibility/role change (job_photo.c). */
void job_photos_fill(struct staff *a, struct tctx *c, const struct job *j);
void settings_logo_fill(struct staff *a, struct tctx *c);
void do_job_photo(struct staff *a);
/* The outbox as staff see it (notifications.c): the list "notifications"
 * of a job (or a passport), and "send again". */
void notifications_fill(struct staff *a, struct tctx *c, int64_t job_id, int64_t passport_id);
void do_job_notify(struct staff *a);
void do_passport_notify(struct staff *a);

#endif
