/* A job's page: every field, the customer's link, the timeline, and the
 * forms that move it along, revoke its link or delete it. */
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "messages.h"
#include "notify.h"

/* What happened, before the stage it names when it names one. */
static const char *event_text(const struct event *e)
{
	if (!strcmp(e->kind, "created"))
		return _("Booked in");
	if (!strcmp(e->kind, "stage"))
		return _("Moved to");
	if (!strcmp(e->kind, "edited"))
		return _("Details edited");
	if (!strcmp(e->kind, "revoked"))
		return _("Tracking link revoked");
	if (!strcmp(e->kind, "restored_link"))
		return _("Tracking link restored");
	if (!strcmp(e->kind, "deleted"))
		return _("Job deleted");
	if (!strcmp(e->kind, "restored"))
		return _("Job restored");
	if (!strcmp(e->kind, "rotated"))
		return _("Tracking link replaced");
	if (!strcmp(e->kind, "approved"))
		return _("Customer approved the design; moved to");
	if (!strcmp(e->kind, "changes"))
		return _("Customer asked for changes; moved back to");
	return e->kind;
}

static const char *shown_notice(const char *show)
{
	if (!show)
		return NULL;
	if (!strcmp(show, "rotated"))
		return _("The job has a new tracking link. The old one no longer works: send this one "
		    "to the customer.");
	if (!strcmp(show, "saved"))
		return _("Saved.");
	if (!strcmp(show, "unchanged"))
		return _("The job is in that stage already: nothing changed, and the customer was not "
		    "sent anything.");
	if (!strcmp(show, "moved"))
		return _("Moved. The timeline and the customer's page show the new stage.");
	if (!strcmp(show, "sent"))
		return _("Reply sent. The customer sees it on their page.");
	if (!strcmp(show, "booked"))
		return _("Booked in. Print the take-in slip for the customer, or send them the link.");
	if (!strcmp(show, "queued"))
		return _("The tracking link will be sent to the customer in a moment.");
	if (!strcmp(show, "no_proof"))
		return _("Moved. This stage asks the customer to approve a design, but the job has no "
		    "design proof: add one under Photos (as a design proof) so they have something to "
		    "look at.");
	if (!strcmp(show, "not_queued"))
		return _("Nothing was sent: the customer has no email or mobile number for the way "
		    "they chose to hear from you, asked for no messages, or the job has no link.");
	return NULL;
}

/* s percent-encoded for a URL's query, appended. */
static void url_encode(struct buf *b, const char *s)
{
	esc_url(b, s, strlen(s));
}

/* The message staff send themselves (WhatsApp, their own SMS app, a
 * copy): the one the job's situation calls for, with its links. */
static void by_hand(struct staff *a, struct tctx *c, const struct job *j)
{
	enum notify_kind k = j->stage.flags & STAGE_READY ? NK_READY
	    : j->stage.flags & STAGE_DECISION ? NK_DESIGN_REVIEW : NK_BOOKED_IN;
	char *subject = NULL, *body = NULL;
	if (!a->origin)
		a->origin = web_origin(&a->w);
	if (notify_job_text(a->db, a->user.shop_id, j->id, k, a->origin, &subject, &body) != HM_OK)
		return;
	tctx_set(c, "hand_text", body);
	if (j->customer_phone && *j->customer_phone) {
		struct buf wa = {0}, sms = {0};
		char digits[24];
		size_t n = 0;
		for (const char *p = j->customer_phone; *p && n + 1 < sizeof digits; p++)
			if (*p >= '0' && *p <= '9')
				digits[n++] = *p;
		digits[n] = '\0';
		/* wa.me takes the number without + or spaces; sms: keeps the +. */
		buf_printf(&wa, "https://wa.me/%s?text=", digits);
		url_encode(&wa, body);
		buf_printf(&sms, "sms:+%s?body=", digits);
		url_encode(&sms, body);
		tctx_set(c, "whatsapp_url", wa.data);
		tctx_set(c, "sms_url", sms.data);
		buf_free(&wa);
		buf_free(&sms);
	}
	free(subject);
	free(body);
}

/* tel: and mailto: for the customer's details. */
static void contact_links(struct tctx *c, const struct job *j)
{
	if (j->customer_phone && *j->customer_phone) {
		char dial[24];
		size_t n = 0;
		for (const char *p = j->customer_phone; *p && n + 1 < sizeof dial; p++)
			if ((*p >= '0' && *p <= '9') || (*p == '+' && n == 0))
				dial[n++] = *p;
		dial[n] = '\0';
		tctx_setf(c, "tel_url", "tel:%s", dial);
	}
	if (j->customer_email && *j->customer_email)
		tctx_setf(c, "mailto_url", "mailto:%s", j->customer_email);
}

static void add_thread(struct tctx *c, const struct message_list *m, const char *tz)
{
	char when[64];
	for (size_t i = 0; i < m->n; i++) {
		struct tctx *it = tctx_add_item(c, "messages");
		fmt_time(m->v[i].at, tz, when, sizeof when);
		tctx_set(it, "when", when);
		tctx_set(it, "who", m->v[i].from_customer ? _("Customer") : m->v[i].user_name);
		tctx_set_bool(it, "from_customer", m->v[i].from_customer);
		tctx_set_bool(it, "unread", m->v[i].unread);
		tctx_set(it, "body", m->v[i].body);
	}
}

void page_job(struct staff *a)
{
	page_job_with(a, 200, NULL, NULL);
}

void page_job_with(struct staff *a, int status, const char *error_key, const char *error)
{
	const struct req *r = &a->w.req;
	struct job j = {0};
	struct shop shop = {0};
	struct stage_list stages = {0};
	struct event_list events = {0};
	struct message_list thread = {0};
	char when[64], money[48];
	struct tctx *c = NULL;
	enum hm_rc rc;

	if ((rc = job_get(a->db, a->user.shop_id, a->id, &j)) != HM_OK ||
	    (rc = shop_get(a->db, a->user.shop_id, &shop)) != HM_OK ||
	    (rc = stage_list(a->db, j.workflow_id, &stages)) != HM_OK ||
	    (rc = job_events(a->db, j.id, &events)) != HM_OK ||
	    (rc = msg_list(a->db, j.id, &thread)) != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	/* Opening the job is reading its thread; the list above still marks
	 * what was new. A failure here only leaves them unread. */
	if (j.unread)
		msg_mark_read(a->db, a->user.shop_id, j.id, a->now);
	char title[160];
	snprintf(title, sizeof title, "#%lld %s", (long long)j.number, j.item_type);
	c = admin_ctx(a, title, "jobs");
	tctx_set(c, "notice", shown_notice(req_val(&a->w.req, A_SHOW)));
	if (error_key)
		tctx_set(c, error_key, error);
	/* A form that came back: what was typed, as typed. */
	tctx_set(c, "draft", req_shown(r, A_BODY));
	tctx_set(c, "f_note", req_shown(r, A_NOTE));
	tctx_set_bool(c, "f_note_public", req_int(r, A_NOTE_PUBLIC, 0) == 1);
	add_thread(c, &thread, shop.timezone);
	if (!strcmp(j.decision, "approved"))
		tctx_set(c, "decision", _("The customer approved the design on their page."));
	else if (!strcmp(j.decision, "changes"))
		tctx_set(c, "decision", _("The customer asked for changes to the design: see their "
		    "message below."));
	if (j.has_budget) {
		fmt_price(j.budget_cents, shop.currency, money, sizeof money);
		tctx_set(c, "budget", money);
	}
	tctx_set_int(c, "id", j.id);
	tctx_set(c, "tracking_id", j.tracking_id);
	char *origin = web_origin(&a->w);
	char *link = xasprintf("%s/track/%s", origin, j.tracking_id);
	tctx_set(c, "tracking_url", link);
	free(link);
	free(origin);
	/* The language the customer's page and messages are in: the one
	 * recorded, else the shop's default (notify.c, web_language). */
	const struct lang *cl = lang_find(j.language);
	if (cl && !strcmp(cl->code, j.language))
		tctx_set(c, "customer_lang_name", lang_name(cl));
	tctx_set(c, "shop_lang_name", lang_name(admin_shop_lang(&shop)));
	tctx_set(c, "workflow_name", j.workflow_name);
	tctx_set(c, "stage_label", stage_own_text(lang_current(), STAGE_LABEL, j.stage.label));
	tctx_set(c, "accent", j.stage.flags & STAGE_CANCELLED ? "cancelled"
	    : j.stage.flags & (STAGE_READY | STAGE_FINAL) ? "done" : "progress");
	tctx_set_int(c, "percent", stage_percent(&stages, &j.stage));
	job_form_fill(c, &j);
	if (j.has_quoted) {
		fmt_price(j.quoted_cents, shop.currency, money, sizeof money);
		tctx_set(c, "quoted", money);
	}
	if (j.has_deposit) {
		fmt_price(j.deposit_cents, shop.currency, money, sizeof money);
		tctx_set(c, "deposit", money);
	}
	fmt_time(j.created_at, shop.timezone, when, sizeof when);
	tctx_set(c, "booked_in", when);
	if (*j.due_date) {
		fmt_date(j.due_date, DATE_SHORT, when, sizeof when);
		tctx_set(c, "due_date", when);
	}
	tctx_set_bool(c, "revoked", j.revoked_at != 0);
	if (admin_link_expired(&j, &shop, a->now))
		tctx_set_int(c, "expired_after", shop.retention_days);
	tctx_set_bool(c, "deleted", j.deleted_at != 0);
	tctx_set_int(c, "number", j.number);
	tctx_set_bool(c, "link_issued", j.link_issued);
	/* The slip carries the customer's link only while there is one. */
	tctx_set_bool(c, "slip_has_link", j.link_issued && !j.revoked_at && !j.deleted_at);
	tctx_set_bool(c, "tracking_off", shop.tracking_off);
	tctx_set_bool(c, "notify_off", j.notify_off);
	contact_links(c, &j);
	{
		struct notify_env env;
		admin_notify_env(a, &env);
		int auto_channel = (!strcmp(j.notify_channel, "email") && (env.channels & NOTIFY_EMAIL))
		    || (!strcmp(j.notify_channel, "sms") && (env.channels & NOTIFY_SMS));
		tctx_set_bool(c, "can_resend", auto_channel && j.link_issued && !j.revoked_at &&
		    !j.deleted_at && !j.notify_off);
		tctx_set(c, "channel_label", !strcmp(j.notify_channel, "email") ? _("Email")
		    : !strcmp(j.notify_channel, "sms") ? _("Text message")
		    : !strcmp(j.notify_channel, "whatsapp") ? _("WhatsApp, sent by you") : _("No messages"));
	}
	if (j.link_issued && !j.revoked_at && !j.deleted_at)
		by_hand(a, c, &j);
	notifications_fill(a, c, j.id, 0);
	for (size_t i = 0; i < stages.n; i++) {
		struct tctx *it = tctx_add_item(c, "stages");
		tctx_set_int(it, "id", stages.v[i].id);
		tctx_set(it, "label", stage_own_text(lang_current(), STAGE_LABEL, stages.v[i].label));
		tctx_set_bool(it, "current", stages.v[i].id == j.stage_id);
	}
	for (size_t i = events.n; i-- > 0;) {
		const struct event *e = &events.v[i];
		struct tctx *it = tctx_add_item(c, "events");
		fmt_time(e->at, shop.timezone, when, sizeof when);
		tctx_set(it, "when", when);
		tctx_set(it, "what", event_text(e));
		/* Only stage moves name a stage: "Booked in" says it already. */
		if (!strcmp(e->kind, "stage") || !strcmp(e->kind, "approved") ||
		    !strcmp(e->kind, "changes"))
			tctx_set(it, "moved_to", stage_own_text(lang_current(), STAGE_LABEL, e->stage_label));
		tctx_set(it, "note", e->note);
		tctx_set_bool(it, "note_public", e->note_public);
		tctx_set(it, "by", e->user_name);
	}
	job_photos_fill(a, c, &j);
	web_page(&a->w, status, "admin_job", c);
out:
	tctx_free(c);
	msg_list_free(&thread);
	job_free(&j);
	shop_free(&shop);
	stage_list_free(&stages);
	event_list_free(&events);
}
