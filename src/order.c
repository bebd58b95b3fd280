/* order.cgi: the customer's order page and the customer's own writes.
 *
 *   GET  /track/<ID>                 the page
 *   GET  /track/<ID>/messages.json   the thread, for the page's refresh
 *   POST /track/<ID>/messages        a message to the workshop
 *   POST /track/<ID>/decision        approve the design, or ask for changes
 *   GET  /track/unsubscribe/<token>  the page that stops a job's messages
 *   POST /track/unsubscribe/<token>  stopping them (its button, or RFC 8058's one-click)
 *
 * Pages open the database read-only; only the POSTs open it for writing. Failed lookups are counted per client in the rate-limit store,
 * and every kind of miss gets the same not-found response. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attachments.h"
#include "ids.h"
#include "json.h"
#include "media_url.h"
#include "messages.h"
#include "notify.h"
#include "model.h"
#include "ratelimit.h"
#include "web.h"

static const char *const decisions[] = {"approve", "changes", NULL};
static const char *const sents[] = {"message", "approved", "changes", NULL};
static const char *const confirms[] = {"1", NULL};

enum { P_BODY, P_WEBSITE, P_DECISION, P_COMMENT, P_STAGE, P_SENT, P_FK, P_ONE_CLICK,
	P_CONFIRM, P_LANG, P_NPARAMS };
static const char *const one_click[] = {"One-Click", NULL};
/* Lengths are in characters, as the page's maxlength counts them: a
 * message over the limit comes back in the box to be shortened. */
static const struct param params[P_NPARAMS] = {
	[P_BODY] = {"body", v_text, MSG_MAX_CHARS, PARAM_MULTILINE, 0, 0, NULL},
	[P_WEBSITE] = {"website", v_string, 400, 0, 0, 0, NULL},	/* the honeypot */
	[P_DECISION] = {"decision", v_choice, 16, 0, 0, 0, decisions},
	[P_COMMENT] = {"comment", v_text, MSG_MAX_CHARS, PARAM_MULTILINE, 0, 0, NULL},
	[P_STAGE] = {"stage", v_int, 20, 0, 1, INT64_MAX, NULL},
	[P_SENT] = {"sent", v_choice, 16, 0, 0, 0, sents},
	[P_FK] = {FORM_KEY_PARAM, v_token, 64, 0, 0, 0, NULL},
	/* RFC 8058's "List-Unsubscribe=One-Click", POSTed by a mail provider
	 * to the unsubscribe link */
	[P_ONE_CLICK] = {REQ_ONE_CLICK_PARAM, v_choice, 16, 0, 0, 0, one_click},
	/* The approval's "I have looked at the design" box: approving is
	 * what starts the making, so it is never one accidental tap. */
	[P_CONFIRM] = {"confirm", v_choice, 4, 0, 0, 0, confirms},
	[P_LANG] = WEB_LANG_PARAM,
};

/* What a failed POST puts back on the page. */
struct form_state {
	const char *notice;		/* a neutral note above the page */
	const char *msg_error, *draft;	/* the composer */
	const char *decision_error, *comment;	/* the decision card */
	int retry_after;
};

struct order {
	struct web w;
	sqlite3 *db;
	unsigned char ipkey[KEY_BYTES], iph[16];
	char tid[TID_MAX];
	struct job j;
	struct shop shop;
	time_t now;
	char page_path[TID_MAX + 8];	/* /track/<ID>: where the language menu leads */
};

/* The one not-found response for unknown, malformed, revoked, deleted,
 * expired and rate-limited: nothing in it depends on the request. */
static void not_found(struct web *w)
{
	struct tctx *c = tctx_new();
	tctx_set(c, "title", _("Order not found"));
	web_page(w, 404, "not_found", c);
	tctx_free(c);
}

/* Digits and a leading plus: what tel: and wa.me links accept. */
static void dial_string(const char *in, char *out, size_t n, int plus)
{
	size_t k = 0;
	for (const char *p = in; *p && k + 1 < n; p++)
		if (isdigit((unsigned char)*p) || (plus && *p == '+' && k == 0))
			out[k++] = *p;
	out[k] = '\0';
}

static void add_contact(struct tctx *c, const struct shop *s)
{
	char dial[40];
	if (*s->phone) {
		tctx_set(c, "shop_phone", s->phone);
		dial_string(s->phone, dial, sizeof dial, 1);
		tctx_set(c, "shop_tel", dial);
	}
	if (*s->whatsapp) {
		dial_string(s->whatsapp, dial, sizeof dial, 0);
		tctx_set(c, "shop_whatsapp", dial);
	}
	tctx_set(c, "shop_email", *s->email ? s->email : NULL);
	if (*s->address) {
		tctx_set(c, "shop_address", s->address);
		/* OpenStreetMap's search takes the address as typed, on any
		 * device, without an account or coordinates; its lines become
		 * the commas a search box expects. */
		struct buf q = {0};
		for (const char *p = s->address; *p; p++) {
			if (*p == '\r')
				continue;
			if (*p == '\n')
				buf_puts(&q, ", ");
			else
				buf_putc(&q, *p);
		}
		tctx_set(c, "maps_query", q.data ? q.data : "");
		buf_free(&q);
	}
	tctx_set(c, "opening_hours", s->opening_hours && *s->opening_hours ? s->opening_hours : NULL);
}

/* Signed, expiring URLs for one photo's versions, with the display size
 * (the thumbnail has the same proportions). */
static void photo_item(struct web *w, struct tctx *it, const struct attachment *a, time_t expiry)
{
	char file[ATTACH_NAME_LEN + 7];
	char *url;
	attachment_file(a, 't', file);
	url = media_url(w->master, file, expiry);
	tctx_set(it, "thumb_url", url);
	free(url);
	attachment_file(a, 'd', file);
	url = media_url(w->master, file, expiry);
	tctx_set(it, "display_url", url);
	free(url);
	tctx_set_int(it, "width", a->display_w);
	tctx_set_int(it, "height", a->display_h);
}

/* The job's public photos (list "photos"), its design proofs (list
 * "proofs", for the decision card) and the shop's logo ("shop_logo_url"),
 * from one indexed query. Every URL is signed and expires; media.cgi
 * checks the same public rule again before it sends a byte. A failed
 * query leaves the page without pictures rather than without a page. */
static void add_photos(struct web *w, sqlite3 *db, struct tctx *c, const struct job *j)
{
	struct attachment_list l = {0};
	time_t expiry = media_url_expiry(hm_now());
	size_t nphotos = 0;

	if (attachment_list_order(db, j->id, &l) != HM_OK)
		return;
	for (size_t i = 0; i < l.n; i++) {
		const struct attachment *a = &l.v[i];
		if (!strcmp(a->owner_kind, "shop")) {
			char file[ATTACH_NAME_LEN + 7];
			attachment_file(a, 't', file);
			char *url = media_url(w->master, file, expiry);
			tctx_set(c, "shop_logo_url", url);
			free(url);
		} else if (!strcmp(a->role, "proof")) {
			photo_item(w, tctx_add_item(c, "proofs"), a, expiry);
		} else {
			photo_item(w, tctx_add_item(c, "photos"), a, expiry);
			nphotos++;
		}
	}
	/* Most orders have no pictures: then the partial is not even read.
	 * Proofs appear in the decision card, at a decision stage only. */
	tctx_set_bool(c, "pictures", nphotos != 0);
	attachment_list_free(&l);
}


/* What happens next at a stage the shop wrote nothing for: "in progress",
 * unless the stage's flags say the job is ready, finished or cancelled. */
static const char *generic_next_step(int flags)
{
	if (flags & STAGE_CANCELLED)
		return _("If you have questions about this order, please get in touch with us.");
	if (flags & STAGE_FINAL)
		return _("This order is complete. Thank you.");
	if (flags & STAGE_READY)
		return _("It's ready. Please get in touch to arrange collection.");
	return _("Your order is in progress. We'll keep this page up to date.");
}

/* The shop's name, or a word that fits any kind of workshop. */
static const char *shop_label(const struct shop *s)
{
	return *s->name ? s->name : _("The workshop");
}

/* The shop's theme and brand colour. The colour reaches the page as one
 * generated style element that the CSP allows by its hash. */
static void add_branding(struct order *o, struct tctx *c)
{
	const struct shop *s = &o->shop;
	tctx_set_bool(c, "theme_dark", !strcmp(s->theme, "dark"));
	tctx_set_bool(c, "theme_light", !strcmp(s->theme, "light"));
	tctx_set_bool(c, "powered_by", s->powered_by);
	if (strlen(s->accent) == 7 && s->accent[0] == '#') {
		unsigned v = (unsigned)strtoul(s->accent + 1, NULL, 16);
		/* Relative luminance, roughly: dark text on light colours. */
		unsigned lum = ((v >> 16) * 299 + ((v >> 8) & 0xff) * 587 + (v & 0xff) * 114) / 1000;
		char *css = xasprintf(":root{--brand:%s;--brand-hover:%s;--brand-ink:%s;"
		    "--brand-soft:color-mix(in srgb,%s 14%%,var(--card))}",
		    s->accent, s->accent, lum > 150 ? "#1a150d" : "#fff", s->accent);
		resp_allow_style(&o->w.resp, css);
		tctx_set(c, "brand_css", css);
		free(css);
	}
}

static void add_thread(struct tctx *c, const struct message_list *m, const struct shop *s)
{
	char when[64], iso[21];
	for (size_t i = 0; i < m->n; i++) {
		struct tctx *it = tctx_add_item(c, "messages");
		fmt_time(m->v[i].at, s->timezone, when, sizeof when);
		tctx_set(it, "when", when);
		fmt_iso(m->v[i].at, iso);
		tctx_set(it, "when_iso", iso);
		tctx_set(it, "who", m->v[i].from_customer ? C_("message author", "You") : shop_label(s));
		tctx_set_bool(it, "from_customer", m->v[i].from_customer);
		tctx_set(it, "body", m->v[i].body);
	}
}

static const char *sent_notice(const char *sent)
{
	if (!sent)
		return NULL;
	if (!strcmp(sent, "message"))
		return _("Message sent. The workshop will reply here.");
	if (!strcmp(sent, "approved"))
		return _("Thank you: you approved the design. We'll start making it.");
	if (!strcmp(sent, "changes"))
		return _("Thank you: we've passed your changes to the workshop.");
	return NULL;
}

/* A span of time in the countdown's short units ("2 d 4 h 13 min"), to
 * the minute: the page's script carries it on to the second. */
static void countdown_text(time_t left, char *out, size_t n)
{
	long long mins = (long long)left / 60, days = mins / 1440, hours = mins % 1440 / 60;
	char d[32], h[32], m[32];
	/* Each unit is a catalog phrase with %s where the number goes. */
	char num[24];
	snprintf(num, sizeof num, "%lld", days);
	snprintf(d, sizeof d, C_("countdown", "%s d"), num);
	snprintf(num, sizeof num, "%lld", hours);
	snprintf(h, sizeof h, C_("countdown", "%s h"), num);
	snprintf(num, sizeof num, "%lld", mins % 60);
	snprintf(m, sizeof m, C_("countdown", "%s min"), num);
	if (days)
		snprintf(out, n, "%s %s", d, h);
	else if (hours)
		snprintf(out, n, "%s %s", h, m);
	else
		snprintf(out, n, "%s", m);
}

/* The one-line answer at the top of the page: where the order stands. */
static void add_status_summary(struct order *o, struct tctx *c, const struct event_list *events,
    int cancelled, int ready, int final, time_t until)
{
	const struct job *j = &o->j;
	const char *tz = o->shop.timezone;
	const struct event *last = events->n ? &events->v[events->n - 1] : NULL;
	char day[64];
	/* The job reached its stage at its newest public event: every move
	 * writes one. */
	fmt_day(last ? last->at : j->created_at, tz, day, sizeof day);
	if (cancelled) {
		const char *reason = last && last->note_public && !strcmp(last->kind, "stage")
		    ? last->note : NULL;
		if (reason) {
			/* TRANSLATORS: the order page's status line; %s is the shop's reason. */
			tctx_setf(c, "status_summary", _("Cancelled: %s"), reason);
			tctx_set(c, "cancel_reason", reason);
		} else {
			tctx_set(c, "status_summary", _("Cancelled"));
		}
	} else if (j->stage.flags & STAGE_DECISION) {
		tctx_set(c, "status_summary", _("Your approval is needed"));
	} else if (final) {
		/* TRANSLATORS: the order page's status line; %s is a date. */
		tctx_setf(c, "status_summary", _("Completed on %s"), day);
	} else if (ready) {
		/* TRANSLATORS: the order page's status line; %s is a date. */
		tctx_setf(c, "status_summary", _("Ready to collect since %s"), day);
	} else if (*j->due_date) {
		char due[64];
		fmt_date(j->due_date, DATE_SHORT, due, sizeof due);
		/* TRANSLATORS: the order page's status line; %s is the estimated date. */
		tctx_setf(c, "status_summary", _("In progress · ready by %s"), due);
		if (until > o->now) {
			char left[96];
			countdown_text(until - o->now, left, sizeof left);
			tctx_set_int(c, "due_until", (long long)until);
			/* TRANSLATORS: the time left before the estimated date: "3 d 4 h to go". */
			tctx_setf(c, "countdown", _("%s to go"), left);
			/* The page's script counts down to the second in the same words. */
			tctx_set(c, "countdown_template", _("%s to go"));
			tctx_set(c, "unit_d", C_("countdown", "%s d"));
			tctx_set(c, "unit_h", C_("countdown", "%s h"));
			tctx_set(c, "unit_min", C_("countdown", "%s min"));
			tctx_set(c, "unit_s", C_("countdown", "%s s"));
		}
	} else {
		tctx_set(c, "status_summary", _("In progress"));
	}
}

static void render(struct order *o, int status, const struct form_state *fs)
{
	const struct job *j = &o->j;
	const struct shop *shop = &o->shop;
	struct stage_list stages = {0};
	struct event_list events = {0};
	struct message_list thread = {0};
	struct tctx *c = tctx_new();
	char when[64];
	enum hm_rc rc;

	if ((rc = stage_list_in(o->db, j->workflow_id, lang_current(), shop->language,
	    j->stage_text_langs ? j->stage_text_langs : "", &stages)) != HM_OK ||
	    (rc = job_events_public(o->db, j->id, &stages, &events)) != HM_OK ||
	    (j->has_messages && (rc = msg_list(o->db, j->id, &thread)) != HM_OK)) {
		web_fail(&o->w, rc);
		goto out;
	}
	const char *tz = shop->timezone;
	/* The current stage as worded for this customer. */
	const struct stage *cur = &j->stage;
	for (size_t i = 0; i < stages.n; i++)
		if (stages.v[i].id == j->stage.id)
			cur = &stages.v[i];
	int cancelled = (j->stage.flags & STAGE_CANCELLED) != 0;
	int final = (j->stage.flags & STAGE_FINAL) != 0;
	int ready = (j->stage.flags & STAGE_READY) != 0;
	int done = ready || final;
	tctx_set(c, "shop_name", shop_label(shop));
	/* TRANSLATORS: the order page's title: the item, its stage, the shop. */
	tctx_setf(c, "title", _("%1$s: %2$s · %3$s"), j->item_type, cur->label, shop_label(shop));
	tctx_set(c, "tracking_id", j->tracking_id);
	tctx_set(c, "item_type", j->item_type);
	tctx_set(c, "item_description", j->item_description);
	tctx_set(c, "problem", j->problem);
	char iso[21];
	fmt_day(j->created_at, tz, when, sizeof when);
	tctx_set(c, "booked_in", when);
	fmt_iso(j->created_at, iso);
	tctx_set(c, "booked_in_iso", iso);
	/* The countdown is for work still to come. */
	time_t until = *j->due_date && !done && !cancelled ? day_end(j->due_date, tz) : 0;
	add_status_summary(o, c, &events, cancelled, ready, final, until);
	/* Last updated: the newest thing the customer can see, from what the
	 * page has read anyway. */
	time_t updated = j->created_at;
	if (events.n && events.v[events.n - 1].at > updated)
		updated = events.v[events.n - 1].at;
	if (thread.n && thread.v[thread.n - 1].at > updated)
		updated = thread.v[thread.n - 1].at;
	fmt_time(updated, tz, when, sizeof when);
	tctx_set(c, "updated", when);
	fmt_iso(updated, iso);
	tctx_set(c, "updated_iso", iso);
	/* Nothing is left to pay on a finished or cancelled order. */
	tctx_set(c, "invoice_url", *j->invoice_url && !final && !cancelled ? j->invoice_url : NULL);
	tctx_set(c, "stage_label", cur->label);
	tctx_set(c, "stage_description", *cur->description ? cur->description
	    : cancelled ? _("This order was cancelled.") : NULL);
	tctx_set(c, "next_step", *cur->next_step ? cur->next_step
	    : generic_next_step(j->stage.flags));
	tctx_set(c, "accent", cancelled ? "cancelled" : done ? "done" : "progress");
	tctx_set_bool(c, "cancelled", cancelled);
	tctx_set_bool(c, "ready", ready);
	if (final && *shop->review_url)
		tctx_set(c, "review_url", shop->review_url);
	if (j->stage.flags & STAGE_DECISION) {
		tctx_set_bool(c, "decision", 1);
		tctx_set_int(c, "decision_stage", j->stage.id);
	}
	for (size_t i = 0; i < stages.n; i++) {
		const struct stage *s = &stages.v[i];
		if (s->flags & STAGE_CANCELLED)
			continue;
		struct tctx *it = tctx_add_item(c, "stages");
		tctx_set(it, "label", s->label);
		tctx_set(it, "description", *s->description ? s->description : NULL);
		/* Ready or final, there is nothing left to wait for: done, for now. */
		int current = s->id == j->stage.id;
		int is_done = s->position < j->stage.position ||
		    (current && (s->flags & (STAGE_FINAL | STAGE_READY)));
		tctx_set(it, "state", is_done ? "done" : current ? "current" : "future");
		tctx_set_bool(it, "is_done", is_done);
		tctx_set_bool(it, "is_current", current);
	}
	/* Newest first: the customer wants to know what happened last. */
	for (size_t i = events.n; i-- > 0;) {
		const struct event *e = &events.v[i];
		struct tctx *it = tctx_add_item(c, "events");
		fmt_time(e->at, tz, when, sizeof when);
		tctx_set(it, "when", when);
		fmt_iso(e->at, iso);
		tctx_set(it, "when_iso", iso);
		tctx_set(it, "label", e->stage_label);
		/* A decision's note is ours, stored in English (job_decide). */
		int ours = !strcmp(e->kind, "approved") || !strcmp(e->kind, "changes");
		tctx_set(it, "note", ours ? _(e->note) : e->note);
	}
	add_thread(c, &thread, shop);
	tctx_set_bool(c, "order_js", 1);
	tctx_set(c, "notice", fs->notice);
	tctx_set(c, "msg_error", fs->msg_error);
	tctx_set(c, "draft", fs->draft);
	tctx_set(c, "decision_error", fs->decision_error);
	tctx_set(c, "comment", fs->comment);
	add_contact(c, shop);
	if (j->has_pictures)
		add_photos(&o->w, o->db, c, j);
	add_branding(o, c);
	if (fs->retry_after) {
		char ra[16];
		snprintf(ra, sizeof ra, "%d", fs->retry_after);
		resp_header(&o->w.resp, "Retry-After", ra);
	}
	web_page(&o->w, status, "order", c);
out:
	tctx_free(c);
	stage_list_free(&stages);
	event_list_free(&events);
	msg_list_free(&thread);
}

/* The thread as JSON for the page's 30-second refresh. */
static void thread_json(struct order *o)
{
	struct message_list m = {0};
	struct buf b = {0};
	char when[64];
	enum hm_rc rc = msg_list(o->db, o->j.id, &m);
	if (rc != HM_OK) {
		web_fail(&o->w, rc);
		return;
	}
	buf_puts(&b, "{\"messages\":[");
	for (size_t i = 0; i < m.n; i++) {
		fmt_time(m.v[i].at, o->shop.timezone, when, sizeof when);
		buf_printf(&b, "%s{\"id\":%" PRId64 ",\"from_customer\":%s,\"who\":", i ? "," : "",
		    m.v[i].id, m.v[i].from_customer ? "true" : "false");
		json_str(&b, m.v[i].from_customer ? C_("message author", "You")
		    : shop_label(&o->shop));
		buf_puts(&b, ",\"when\":");
		json_str(&b, when);
		char iso[21];
		fmt_iso(m.v[i].at, iso);
		buf_printf(&b, ",\"at\":\"%s\"", iso);
		buf_puts(&b, ",\"body\":");
		json_str(&b, m.v[i].body);
		buf_puts(&b, "}");
	}
	buf_puts(&b, "]}");
	resp_finish(&o->w.resp, 200, "application/json; charset=utf-8", b.data, b.len);
	buf_free(&b);
	msg_list_free(&m);
}

/* Counts a failed lookup against the client, then answers not found. */
static void miss(struct order *o)
{
	rl_hit_store(o->w.cfg.ratelimit_database, "lookup", o->iph, o->w.cfg.ratelimit_window, o->now);
	not_found(&o->w);
}

/* 303 back to the page, with what happened for the notice, scrolled to
 * the notice itself: the person sees at once that it worked. */
static void back_to_page(struct order *o, const char *sent)
{
	char path[TID_MAX + 64];
	snprintf(path, sizeof path, "/track/%s?sent=%s#notice", o->tid, sent);
	web_redirect(&o->w, path);
}

/* The answer to a write over a limit: 429, the text kept. */
static void limited(struct order *o, struct form_state *fs)
{
	const struct config *cfg = &o->w.cfg;
	const char *why = _("You've sent a lot in a short time. Please wait a few minutes and "
	    "send again: your text is still here.");
	if (fs->comment)
		fs->decision_error = why;
	else
		fs->msg_error = why;
	fs->retry_after = cfg->ratelimit_window;
	render(o, 429, fs);
}

/* 1 when the client may write again (per address, and per job for
 * messages); on 0 the page has been answered with 429. */
static int write_allowed(struct order *o, unsigned char jobkey[16], struct form_state *fs)
{
	const struct config *cfg = &o->w.cfg;
	int over = rl_msg_over(o->db, "message", o->iph, cfg->ratelimit_messages,
	    cfg->ratelimit_window, o->now);
	if (!over && jobkey)
		over = rl_msg_over(o->db, "message-job", jobkey, cfg->ratelimit_job_messages,
		    cfg->ratelimit_window, o->now);
	if (!over)
		return 1;
	limited(o, fs);
	return 0;
}

/* A write counts itself, in its own transaction (db_before_commit): only
 * a write that commits counts, and of writes racing past write_allowed,
 * those the limit has no room for are not made (HM_LIMITED). */
struct write_count {
	const struct order *o;
	const unsigned char *jobkey;	/* a message's job; NULL for a decision */
};

static enum hm_rc count_write(sqlite3 *db, void *arg)
{
	const struct write_count *c = arg;
	const struct config *cfg = &c->o->w.cfg;
	int n = rl_msg_hit(db, "message", c->o->iph, cfg->ratelimit_window, c->o->now);
	int nj = c->jobkey && n >= 0 ? rl_msg_hit(db, "message-job", c->jobkey,
	    cfg->ratelimit_window, c->o->now) : 0;
	if (n < 0 || nj < 0)
		return HM_ERR;
	if (n > cfg->ratelimit_messages || (c->jobkey && nj > cfg->ratelimit_job_messages))
		return HM_LIMITED;
	return HM_OK;
}

static void post_message(struct order *o)
{
	const struct req *r = &o->w.req;
	struct form_state fs = {0};
	unsigned char jobkey[16];
	char jk[40], why[512];

	fs.draft = req_shown(r, P_BODY);
	/* A bot fills every field; a person never sees this one. It is told
	 * "sent" and nothing is stored. */
	if (req_present(r, P_WEBSITE) && (!req_val(r, P_WEBSITE) || *req_val(r, P_WEBSITE))) {
		back_to_page(o, "message");
		return;
	}
	if (req_invalid(r, P_BODY) || !msg_body_ok(req_val(r, P_BODY))) {
		fs.msg_error = req_message(r, P_BODY, NULL, why, sizeof why)
		    ? why : _("Write your message first.");
		render(o, 422, &fs);
		return;
	}
	snprintf(jk, sizeof jk, "job:%" PRId64, o->j.id);
	ip_hash(o->ipkey, jk, jobkey);
	if (!write_allowed(o, jobkey, &fs))
		return;
	struct notify_env env;
	char *origin = web_origin(&o->w);
	notify_env_init(&env, &o->w.cfg, *origin ? origin : NULL, o->w.master, o->now);
	struct write_count wc = {o, jobkey};
	db_before_commit(count_write, &wc);
	enum hm_rc rc = msg_post_customer(o->db, o->tid, req_val(r, P_BODY), o->now, &env);
	free(origin);
	if (rc == HM_NOTFOUND) {
		miss(o);
		return;
	}
	if (rc == HM_DUPLICATE) {
		/* Sent already (a double click, or a retry after a lost answer). */
		back_to_page(o, "message");
		return;
	}
	if (rc == HM_LIMITED) {
		limited(o, &fs);
		return;
	}
	if (rc != HM_OK) {
		fs.msg_error = _("Your message could not be sent just now. Please try again: "
		    "your text is still here.");
		fs.retry_after = rc == HM_BUSY ? 5 : 0;
		render(o, rc == HM_BUSY ? 503 : 500, &fs);
		return;
	}
	back_to_page(o, "message");
}

static void post_decision(struct order *o)
{
	const struct req *r = &o->w.req;
	struct form_state fs = {0};
	const char *d = req_val(r, P_DECISION), *outcome = NULL;
	const char *comment = req_val(r, P_COMMENT);
	int64_t job_id = 0;
	char why[512];

	fs.comment = req_shown(r, P_COMMENT) ? req_shown(r, P_COMMENT) : "";
	if (!d || !req_val(r, P_STAGE)) {
		web_error(&o->w, 400, _("Something was missing"),
		    _("Please go back to your order page and approve the design or request changes."));
		return;
	}
	int approve = !strcmp(d, "approve");
	if (approve && !req_val(r, P_CONFIRM)) {
		fs.decision_error = _("Tick the box to confirm you have looked at the design, then "
		    "approve it.");
		render(o, 422, &fs);
		return;
	}
	if (!approve && (req_invalid(r, P_COMMENT) || !msg_body_ok(comment))) {
		fs.decision_error = req_message(r, P_COMMENT, NULL, why, sizeof why)
		    ? why : _("Tell us what you'd like changed, so the workshop can get it right.");
		render(o, 422, &fs);
		return;
	}
	if (!write_allowed(o, NULL, &fs))
		return;
	struct notify_env env;
	char *origin = web_origin(&o->w);
	notify_env_init(&env, &o->w.cfg, *origin ? origin : NULL, o->w.master, o->now);
	struct write_count wc = {o, NULL};
	db_before_commit(count_write, &wc);
	enum hm_rc rc = job_decide(o->db, o->tid, req_int(r, P_STAGE, 0), approve,
	    approve ? NULL : comment, o->now, &env, &job_id, &outcome);
	free(origin);
	if (rc == HM_NOTFOUND) {
		miss(o);
		return;
	}
	if (rc == HM_LIMITED) {
		limited(o, &fs);
		return;
	}
	if (rc == HM_DUPLICATE) {
		back_to_page(o, approve ? "approved" : "changes");
		return;
	}
	if (rc == HM_CONFLICT) {
		/* A second click or a stale page: show where things stand now. */
		struct job fresh;
		struct shop fresh_shop;
		if (job_get_public(o->db, o->tid, o->now, &fresh, &fresh_shop) != HM_OK) {
			not_found(&o->w);
			return;
		}
		job_free(&o->j);
		shop_free(&o->shop);
		o->j = fresh;
		o->shop = fresh_shop;
		fs.notice = _("This design review has already been answered, so nothing was changed. "
		    "Here is where your order stands now.");
		fs.comment = NULL;
		render(o, 409, &fs);
		return;
	}
	if (rc != HM_OK) {
		fs.decision_error = _("Your answer could not be saved just now. Please try again.");
		fs.retry_after = rc == HM_BUSY ? 5 : 0;
		render(o, rc == HM_BUSY ? 503 : 500, &fs);
		return;
	}
	back_to_page(o, outcome);
}

/* /track/unsubscribe/<token>: the page and its one button (GET), and
 * stopping the job's messages (POST: the button, or a mail provider's
 * one-click POST). The token names the job (it is not the tracking ID);
 * one we did not make, or for a job that is gone, is an ordinary miss. */
static void unsubscribe(struct order *o, const char *token)
{
	int64_t job = notify_unsubscribe_job(o->w.master, token), shop_id = 0;
	int off = 0;
	char lang[8] = "";
	enum hm_rc rc = job ? notify_unsubscribe_info(o->db, job, &shop_id, &off, lang)
	    : HM_NOTFOUND;
	if (rc == HM_OK)
		rc = shop_get(o->db, shop_id, &o->shop);
	if (rc == HM_OK)
		web_language(&o->w, lang, o->shop.language);
	if (rc == HM_OK && o->w.req.method == METHOD_POST && !off) {
		rc = notify_opt_out(o->db, job);
		if (rc == HM_DUPLICATE)
			rc = HM_OK;	/* the same button pressed twice */
		off = rc == HM_OK;
	}
	if (rc == HM_NOTFOUND) {
		miss(o);
		return;
	}
	if (rc != HM_OK) {
		web_fail(&o->w, rc);
		return;
	}
	struct tctx *c = tctx_new();
	tctx_set(c, "shop_name", shop_label(&o->shop));
	tctx_setf(c, "title", "%s · %s", off ? _("Messages stopped") : _("Stop messages"),
	    shop_label(&o->shop));
	tctx_set(c, "token", token);
	tctx_set_bool(c, "done", off);
	add_branding(o, c);
	web_page(&o->w, 200, "unsubscribe", c);
	tctx_free(c);
}

int main(void)
{
	struct order o;
	char typed[64];
	enum order_action act = ORDER_PAGE;

	memset(&o, 0, sizeof o);
	if (web_init(&o.w, "order", params, P_NPARAMS) != 0)
		goto out;
	o.now = hm_now();
	if (web_master(&o.w) != 0) {
		web_error(&o.w, 500, _("Something went wrong"), _("Please try again in a moment."));
		goto out;
	}
	int bad_path = order_route(o.w.req.path_info, typed, sizeof typed, &act) != 0;
	int unsub = !bad_path && act == ORDER_UNSUBSCRIBE;
	int writes = !bad_path && (act == ORDER_MESSAGE || act == ORDER_DECISION ||
	    (unsub && o.w.req.method == METHOD_POST));
	if (!bad_path && !unsub && writes != (o.w.req.method == METHOD_POST)) {
		resp_header(&o.w.resp, "Allow", writes ? "POST" : "GET, HEAD");
		web_error(&o.w, 405, _("Not allowed"), writes ? _("This address only takes a form sent from your order page.")
		    : _("This page can only be viewed."));
		goto out;
	}
	/* The one-click POST comes from a mail provider, without an Origin:
	 * the unsubscribe token alone is what it must get right. */
	if (writes && !unsub && !web_same_origin(&o.w)) {
		web_error(&o.w, 403, _("Please use your order page"),
		    _("For your safety, messages and answers can only be sent from your order page."));
		goto out;
	}
	/* One connection serves the limit check and the page; it is opened
	 * for writing only for the customer's own writes, and the store only
	 * when a miss must be counted. */
	if (!(o.db = db_open(o.w.cfg.database, !writes)) || schema_check(o.db) != HM_OK ||
	    rl_attach(o.db, o.w.cfg.ratelimit_database) != 0) {
		web_busy(&o.w);
		goto out;
	}
	key_derive(o.w.master, KEY_IP_HASH, o.ipkey);
	ip_hash(o.ipkey, o.w.req.remote_addr, o.iph);
	int over = rl_over(o.db, "lookup", o.iph, o.w.cfg.ratelimit_lookups,
	    o.w.cfg.ratelimit_window, o.now);
	if (over != 0) {
		if (over < 0)
			log_err("rate-limit store unreadable; refusing lookups");
		not_found(&o.w);
		goto out;
	}
	if (unsub) {
		unsubscribe(&o, typed);
		goto out;
	}
	if (bad_path || tid_parse(typed, o.tid) != 0) {
		miss(&o);
		goto out;
	}
	if (strcmp(typed, o.tid)) {
		/* Decided by syntax alone, so it says nothing about existence. */
		if (act == ORDER_PAGE) {
			char canon[TID_MAX + 16];
			snprintf(canon, sizeof canon, "/track/%s", o.tid);
			web_redirect(&o.w, canon);
		} else {
			miss(&o);
		}
		goto out;
	}
	enum hm_rc rc = job_get_public(o.db, o.tid, o.now, &o.j, &o.shop);
	if (rc == HM_NOTFOUND) {
		miss(&o);
		goto out;
	}
	if (rc != HM_OK) {
		web_fail(&o.w, rc);
		goto out;
	}
	web_language(&o.w, o.j.language, o.shop.language);
	/* A page answering a POST still switches language on the order page. */
	snprintf(o.page_path, sizeof o.page_path, "/track/%s", o.tid);
	o.w.lang_path = o.page_path;
	switch (act) {
	case ORDER_PAGE: {
		struct form_state fs = {.notice = sent_notice(req_val(&o.w.req, P_SENT))};
		render(&o, 200, &fs);
		break;
	}
	case ORDER_JSON:
		thread_json(&o);
		break;
	case ORDER_MESSAGE:
		post_message(&o);
		break;
	case ORDER_DECISION:
		post_decision(&o);
		break;
	case ORDER_UNSUBSCRIBE:
		break;	/* answered above */
	}
out:
	job_free(&o.j);
	shop_free(&o.shop);
	db_close(o.db);
	web_free(&o.w);
	return 0;
}
