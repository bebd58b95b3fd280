/* order.cgi: /track/<ID>, the customer's order page. Read-only on the main
 * database; failed lookups are counted per client in the rate-limit store,
 * and every kind of miss gets the same not-found response. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attachments.h"
#include "ids.h"
#include "media_url.h"
#include "model.h"
#include "ratelimit.h"
#include "web.h"

static const struct param params[] = {
	{"_", v_string, 1, 0, 0, 0},	/* the page takes no parameters */
};

/* The one not-found response for unknown, malformed, revoked, deleted and
 * rate-limited: nothing in it depends on the request. */
static void not_found(struct web *w)
{
	struct tctx *c = tctx_new();
	tctx_set(c, "title", "Order not found");
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
	tctx_set(c, "shop_address", *s->address ? s->address : NULL);
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
	size_t nproofs = 0, nphotos = 0;

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
			nproofs++;
		} else {
			photo_item(w, tctx_add_item(c, "photos"), a, expiry);
			nphotos++;
		}
	}
	/* Until the decision card renders {{#each proofs}} itself, the proofs
	 * have a card of their own while the stage asks for a decision. */
	int show_proofs = nproofs && (j->stage.flags & STAGE_DECISION);
	tctx_set_bool(c, "show_proofs", show_proofs);
	/* Most orders have no pictures: then the partial is not even read. */
	tctx_set_bool(c, "pictures", nphotos || show_proofs);
	attachment_list_free(&l);
}

static void render(struct web *w, sqlite3 *db, const struct job *j, const struct shop *shop)
{
	struct stage_list stages = {0};
	struct event_list events = {0};
	struct tctx *c = tctx_new();
	char when[64];
	enum hm_rc rc;

	if ((rc = stage_list(db, j->workflow_id, &stages)) != HM_OK ||
	    (rc = job_events_public(db, j->id, &stages, &events)) != HM_OK) {
		web_fail(w, rc);
		goto out;
	}
	const char *tz = shop->timezone;
	int cancelled = (j->stage.flags & STAGE_CANCELLED) != 0;
	int done = (j->stage.flags & (STAGE_READY | STAGE_FINAL)) != 0;
	tctx_set(c, "shop_name", *shop->name ? shop->name : "Your jeweller");
	tctx_setf(c, "title", "%s: %s · %s", j->item_type, j->stage.label,
	    *shop->name ? shop->name : "Your jeweller");
	tctx_set(c, "tracking_id", j->tracking_id);
	tctx_set(c, "item_type", j->item_type);
	tctx_set(c, "item_description", j->item_description);
	tctx_set(c, "problem", j->problem);
	fmt_time(j->created_at, tz, when, sizeof when);
	tctx_set(c, "booked_in", when);
	if (*j->due_date) {
		fmt_date(j->due_date, when, sizeof when);
		tctx_set(c, "due_date", when);
	}
	tctx_set(c, "stage_label", j->stage.label);
	tctx_set(c, "stage_description", j->stage.description);
	tctx_set(c, "next_step", *j->stage.next_step ? j->stage.next_step
	    : "Your piece is in progress. We'll keep this page up to date.");
	tctx_set(c, "accent", cancelled ? "cancelled" : done ? "done" : "progress");
	tctx_set_bool(c, "cancelled", cancelled);
	tctx_set_int(c, "percent", stage_percent(&stages, &j->stage));
	for (size_t i = 0; i < stages.n; i++) {
		const struct stage *s = &stages.v[i];
		if (s->flags & STAGE_CANCELLED)
			continue;
		struct tctx *it = tctx_add_item(c, "stages");
		tctx_set(it, "label", s->label);
		/* At the final stage there is nothing left to wait for: it is done. */
		int current = s->id == j->stage.id;
		int is_done = s->position < j->stage.position || (current && (s->flags & STAGE_FINAL));
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
		tctx_set(it, "label", e->stage_label);
		tctx_set(it, "note", e->note);
	}
	add_contact(c, shop);
	add_photos(w, db, c, j);
	web_page(w, 200, "order", c);
out:
	tctx_free(c);
	stage_list_free(&stages);
	event_list_free(&events);
}

/* Counts a failed lookup against the client, then answers not found. */
static void miss(struct web *w, const unsigned char iph[16])
{
	rl_hit_store(w->cfg.ratelimit_database, "lookup", iph, w->cfg.ratelimit_window, hm_now());
	not_found(w);
}

int main(void)
{
	struct web w;
	unsigned char ipkey[KEY_BYTES], iph[16];
	char tid[TID_MAX];
	sqlite3 *db = NULL;
	struct job j = {0};
	struct shop shop = {0};

	if (web_init(&w, "order", params, HM_NELEM(params)) != 0)
		goto out;
	if (w.req.method == METHOD_POST) {
		resp_header(&w.resp, "Allow", "GET, HEAD");
		web_error(&w, 405, "Not allowed", "This page can only be viewed.");
		goto out;
	}
	if (web_master(&w) != 0) {
		web_error(&w, 500, "Something went wrong", "Please try again in a moment.");
		goto out;
	}
	/* One read-only connection serves the limit check and the page; the
	 * store is opened for writing only when a miss must be counted. */
	if (!(db = db_open(w.cfg.database, 1)) || rl_attach(db, w.cfg.ratelimit_database) != 0) {
		web_busy(&w);
		goto out;
	}
	key_derive(w.master, KEY_IP_HASH, ipkey);
	ip_hash(ipkey, w.req.remote_addr, iph);
	int over = rl_over(db, "lookup", iph, w.cfg.ratelimit_lookups, w.cfg.ratelimit_window, hm_now());
	if (over != 0) {
		if (over < 0)
			log_err("rate-limit store unreadable; refusing lookups");
		not_found(&w);
		goto out;
	}
	const char *path = w.req.path_info;
	if (path[0] != '/' || tid_parse(path + 1, tid) != 0 || strchr(path + 1, '/')) {
		miss(&w, iph);
		goto out;
	}
	if (strcmp(path + 1, tid)) {
		/* Decided by syntax alone, so it says nothing about existence. */
		char canon[TID_MAX + 16];
		snprintf(canon, sizeof canon, "/track/%s", tid);
		web_redirect(&w, canon);
		goto out;
	}
	enum hm_rc rc = job_get_public(db, tid, &j, &shop);
	if (rc == HM_NOTFOUND) {
		miss(&w, iph);
		goto out;
	}
	if (rc != HM_OK) {
		web_fail(&w, rc);
		goto out;
	}
	render(&w, db, &j, &shop);
out:
	job_free(&j);
	shop_free(&shop);
	db_close(db);
	web_free(&w);
	return 0;
}
