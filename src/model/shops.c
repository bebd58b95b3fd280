/* Shops, staff users, workflows and stages. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

/* The built-in workflows every new shop starts with. Customer labels and
 * texts are the shop's to change afterwards; while they are as written
 * here, the catalogs translate them (stage_list_in). */
struct seed_stage {
	const char *code, *label, *description, *next_step;
	int flags;
};

static const struct seed_stage repair_stages[] = {
	{"intake", NC_("stage", "Booked in"), N_("We have your piece and it is booked in."),
	    N_("A jeweller will look your piece over and work out what it needs."), 0},
	{"assessed", NC_("stage", "Assessed"), N_("Your piece has been examined at the bench."),
	    N_("We'll send you a quote for the work."), 0},
	{"quoted", NC_("stage", "Quoted"), N_("We've sent you a quote for the work."),
	    N_("Tell us if you'd like us to go ahead: call us or reply to our message."), 0},
	{"approved", NC_("stage", "Approved"), N_("You've approved the work."),
	    N_("Your piece is in the queue for the workshop."), 0},
	{"in_progress", NC_("stage", "In progress"), N_("Your jeweller is working on your piece."),
	    N_("We're finishing your piece. We'll let you know when it's ready to collect."), 0},
	{"ready", NC_("stage", "Ready for pickup"), N_("Your piece is ready."),
	    N_("Come and collect it during opening hours. Bring your slip or this tracking ID."), STAGE_READY | STAGE_NOTIFY},
	{"completed", NC_("stage", "Completed"), N_("You've collected your piece."),
	    N_("Thank you. We hope you love wearing it."), STAGE_FINAL},
	{"cancelled", NC_("stage", "Cancelled"), N_("This job was cancelled."),
	    N_("If you have questions about it, please get in touch with us."), STAGE_CANCELLED},
};

static const struct seed_stage bespoke_stages[] = {
	{"enquiry", NC_("stage", "Enquiry received"), N_("We've received your enquiry."),
	    N_("We'll be in touch to arrange a consultation."), 0},
	{"consultation", NC_("stage", "Consultation"), N_("We're talking through your ideas."),
	    N_("After the consultation we'll prepare a quote."), 0},
	{"quote", NC_("stage", "Quote"), N_("We've prepared a quote for your piece."),
	    N_("Once you accept the quote, design work begins."), 0},
	{"design", NC_("stage", "Design"), N_("Your piece is being designed."),
	    N_("We'll share the design with you for review."), 0},
	{"design_review", NC_("stage", "Design review"), N_("Your design is ready for you to review."),
	    N_("Please review the design and tell us if it's right."), STAGE_DECISION | STAGE_NOTIFY},
	{"design_approved", NC_("stage", "Design approved"), N_("You've approved the design."),
	    N_("Your piece goes into production next."), 0},
	{"production", NC_("stage", "In production"), N_("Your piece is being made."),
	    N_("When it's made, it goes through our quality check."), 0},
	{"quality_check", NC_("stage", "Quality check"), N_("We're checking every detail of your piece."),
	    N_("We'll let you know as soon as it's ready to collect."), 0},
	{"ready", NC_("stage", "Ready for pickup"), N_("Your piece is ready."),
	    N_("Come and collect it during opening hours."), STAGE_READY | STAGE_NOTIFY},
	{"collected", NC_("stage", "Collected"), N_("You've collected your piece."),
	    N_("Thank you. We hope you love it."), STAGE_FINAL},
	{"cancelled", NC_("stage", "Cancelled"), N_("This order was cancelled."),
	    N_("If you have questions about it, please get in touch with us."), STAGE_CANCELLED},
};

static enum hm_rc seed_workflow(sqlite3 *db, int64_t shop_id, const char *prefix,
    const char *name, const struct seed_stage *s, size_t n)
{
	enum hm_rc rc = HM_ERR;
	sqlite3_stmt *st = db_prepare(db,
	    "INSERT INTO workflows(shop_id, prefix, name) VALUES(?,?,?)");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	rc = db_rc(db, sqlite3_step(st), "seed workflow");
	sqlite3_finalize(st);
	if (rc != HM_OK)
		return rc;
	int64_t wf = sqlite3_last_insert_rowid(db);
	st = db_prepare(db, "INSERT INTO stages(workflow_id, position, code, label, description, "
	    "next_step, flags) VALUES(?,?,?,?,?,?,?)");
	if (!st)
		return HM_ERR;
	for (size_t i = 0; i < n && rc == HM_OK; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, wf);
		sqlite3_bind_int(st, 2, (int)i);
		sqlite3_bind_text(st, 3, s[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, s[i].label, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, s[i].description, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, s[i].next_step, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 7, s[i].flags);
		rc = db_rc(db, sqlite3_step(st), "seed stage");
	}
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc shop_create(sqlite3 *db, const char *slug, const char *name,
    const char *timezone, time_t now, int64_t *id)
{
	enum hm_rc rc;
	sqlite3_stmt *st = db_prepare(db,
	    "INSERT INTO shops(slug, name, timezone, created_at) VALUES(?,?,?,?)");
	if (!st)
		return HM_ERR;
	db_bind_str(st, 1, slug);
	db_bind_str(st, 2, name);
	db_bind_str(st, 3, timezone && *timezone ? timezone : "UTC");
	sqlite3_bind_int64(st, 4, now);
	int s = sqlite3_step(st);
	rc = (s & 0xff) == SQLITE_CONSTRAINT ? HM_CONFLICT : db_rc(db, s, "shop create");
	sqlite3_finalize(st);
	if (rc != HM_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(db);
	rc = seed_workflow(db, *id, "RPR", "Repair", repair_stages, HM_NELEM(repair_stages));
	if (rc == HM_OK)
		rc = seed_workflow(db, *id, "BSP", "Bespoke", bespoke_stages, HM_NELEM(bespoke_stages));
	return rc;
}

enum hm_rc shop_get(sqlite3 *db, int64_t id, struct shop *out)
{
	enum hm_rc rc = HM_NOTFOUND;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT id, slug, name, phone, email, address, "
	    "whatsapp, timezone, country, abn, accent, theme, review_url, powered_by, retention_days, "
	    "tracking_enabled, phone_country, slip_size, slip_terms, notify_email, language, "
	    "currency, business_label, opening_hours FROM shops WHERE id = ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->slug = db_col_dup(st, 1);
		out->name = db_col_dup(st, 2);
		out->phone = db_col_dup(st, 3);
		out->email = db_col_dup(st, 4);
		out->address = db_col_dup(st, 5);
		out->whatsapp = db_col_dup(st, 6);
		out->timezone = db_col_dup(st, 7);
		out->country = db_col_dup(st, 8);
		out->abn = db_col_dup(st, 9);
		out->accent = db_col_dup(st, 10);
		out->theme = db_col_dup(st, 11);
		out->review_url = db_col_dup(st, 12);
		out->powered_by = sqlite3_column_int(st, 13);
		out->retention_days = sqlite3_column_int(st, 14);
		out->tracking_off = !sqlite3_column_int(st, 15);
		out->phone_country = db_col_dup(st, 16);
		out->slip_size = db_col_dup(st, 17);
		out->slip_terms = db_col_dup(st, 18);
		out->notify_email = db_col_dup(st, 19);
		out->language = db_col_dup(st, 20);
		out->currency = db_col_dup(st, 21);
		out->business_label = db_col_dup(st, 22);
		out->opening_hours = db_col_dup(st, 23);
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "shop get");
	}
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc shop_find_slug(sqlite3 *db, const char *slug, int64_t *id)
{
	enum hm_rc rc = HM_NOTFOUND;
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM shops WHERE slug = ?");
	if (!st)
		return HM_ERR;
	db_bind_str(st, 1, slug);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "shop find");
	}
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc shop_update(sqlite3 *db, const struct shop *s, int64_t *issued)
{
	if (issued)
		*issued = 0;
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	sqlite3_stmt *st = db_prepare(db, "UPDATE shops SET name = ?, phone = ?, email = ?, "
	    "address = ?, whatsapp = ?, timezone = ?, country = ?, abn = ?, accent = ?, theme = ?, "
	    "review_url = ?, powered_by = ?, retention_days = ?, tracking_enabled = ?15, "
	    "phone_country = ?16, slip_size = ?17, slip_terms = ?18, notify_email = ?19, "
	    "language = ?20, currency = ?21, business_label = ?22, opening_hours = ?23 WHERE id = ?14");
	if (!st) {
		db_rollback(db);
		return HM_ERR;
	}
	db_bind_str(st, 1, s->name);
	db_bind_text(st, 2, s->phone);
	db_bind_text(st, 3, s->email);
	db_bind_text(st, 4, s->address);
	db_bind_text(st, 5, s->whatsapp);
	db_bind_str(st, 6, s->timezone && *s->timezone ? s->timezone : "UTC");
	db_bind_str(st, 7, s->country);
	db_bind_str(st, 8, s->abn);
	db_bind_str(st, 9, s->accent);
	db_bind_str(st, 10, s->theme && *s->theme ? s->theme : "auto");
	db_bind_str(st, 11, s->review_url);
	sqlite3_bind_int(st, 12, s->powered_by ? 1 : 0);
	sqlite3_bind_int(st, 13, s->retention_days > 0 ? s->retention_days : 90);
	sqlite3_bind_int64(st, 14, s->id);
	sqlite3_bind_int(st, 15, s->tracking_off ? 0 : 1);
	db_bind_str(st, 16, s->phone_country);
	db_bind_str(st, 17, s->slip_size && *s->slip_size ? s->slip_size : "80mm");
	db_bind_str(st, 18, s->slip_terms);
	db_bind_str(st, 19, s->notify_email);
	db_bind_str(st, 20, s->language && *s->language ? s->language : "en");
	db_bind_str(st, 21, s->currency);
	db_bind_str(st, 22, s->business_label && *s->business_label ? s->business_label : "business");
	db_bind_str(st, 23, s->opening_hours);
	rc = db_rc(db, sqlite3_step(st), "shop update");
	if (rc == HM_OK && sqlite3_changes(db) == 0)
		rc = HM_NOTFOUND;
	sqlite3_finalize(st);
	/* Jobs booked while tracking was off get their links now. */
	if (rc == HM_OK && !s->tracking_off) {
		st = db_prepare(db, "UPDATE jobs SET link_issued = 1 WHERE shop_id = ? AND link_issued = 0");
		if (!st)
			rc = HM_ERR;
		else {
			sqlite3_bind_int64(st, 1, s->id);
			rc = db_rc(db, sqlite3_step(st), "shop issue links");
			if (rc == HM_OK && issued)
				*issued = sqlite3_changes(db);
			sqlite3_finalize(st);
		}
	}
	if (rc == HM_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}

void shop_free(struct shop *s)
{
	free(s->slug);
	free(s->name);
	free(s->phone);
	free(s->email);
	free(s->address);
	free(s->whatsapp);
	free(s->timezone);
	free(s->country);
	free(s->abn);
	free(s->accent);
	free(s->theme);
	free(s->review_url);
	free(s->phone_country);
	free(s->slip_size);
	free(s->slip_terms);
	free(s->notify_email);
	free(s->language);
	free(s->currency);
	free(s->business_label);
	free(s->opening_hours);
	memset(s, 0, sizeof *s);
}

enum hm_rc user_create(sqlite3 *db, int64_t shop_id, const char *username,
    const char *display_name, const char *pwhash, int is_owner, time_t now, int64_t *id)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO users(shop_id, username, display_name, "
	    "pwhash, created_at, is_owner) VALUES(?,?,?,?,?,?)");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	db_bind_str(st, 2, username);
	db_bind_str(st, 3, display_name);
	db_bind_str(st, 4, pwhash);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int(st, 6, is_owner ? 1 : 0);
	int s = sqlite3_step(st);
	enum hm_rc rc = (s & 0xff) == SQLITE_CONSTRAINT ? HM_CONFLICT : db_rc(db, s, "user create");
	if (rc == HM_OK && id)
		*id = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc user_find(sqlite3 *db, const char *username, int64_t *id, char **pwhash)
{
	enum hm_rc rc = HM_NOTFOUND;
	sqlite3_stmt *st = db_prepare(db,
	    "SELECT id, pwhash FROM users WHERE username = ? AND disabled = 0");
	if (!st)
		return HM_ERR;
	db_bind_str(st, 1, username);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*pwhash = db_col_dup(st, 1);
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "user find");
	}
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc user_pwhash(sqlite3 *db, int64_t id, char **pwhash)
{
	enum hm_rc rc = HM_NOTFOUND;
	sqlite3_stmt *st = db_prepare(db, "SELECT pwhash FROM users WHERE id = ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*pwhash = db_col_dup(st, 0);
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "user pwhash");
	}
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc user_set_pwhash(sqlite3 *db, int64_t id, const char *pwhash)
{
	sqlite3_stmt *st = db_prepare(db, "UPDATE users SET pwhash = ? WHERE id = ?");
	if (!st)
		return HM_ERR;
	db_bind_str(st, 1, pwhash);
	sqlite3_bind_int64(st, 2, id);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "user set password");
	if (rc == HM_OK && sqlite3_changes(db) == 0)
		rc = HM_NOTFOUND;
	sqlite3_finalize(st);
	return rc;
}

static void workflow_row(sqlite3_stmt *st, struct workflow *w)
{
	w->id = sqlite3_column_int64(st, 0);
	snprintf(w->prefix, sizeof w->prefix, "%s", db_col_str(st, 1));
	w->name = db_col_dup(st, 2);
}

enum hm_rc workflow_list(sqlite3 *db, int64_t shop_id, struct workflow_list *out)
{
	int s;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db,
	    "SELECT id, prefix, name FROM workflows WHERE shop_id = ? ORDER BY id");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		workflow_row(st, &out->v[out->n++]);
	}
	sqlite3_finalize(st);
	return db_rc(db, s, "workflow list");
}

enum hm_rc workflow_prefixes(sqlite3 *db, struct workflow_list *out)
{
	int s;
	memset(out, 0, sizeof *out);
	/* A bare column beside min() comes from the row min() picked. */
	sqlite3_stmt *st = db_prepare(db, "SELECT min(id), prefix, name FROM workflows "
	    "GROUP BY prefix ORDER BY min(id)");
	if (!st)
		return HM_ERR;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		workflow_row(st, &out->v[out->n++]);
	}
	sqlite3_finalize(st);
	return db_rc(db, s, "workflow prefixes");
}

enum hm_rc workflow_find_prefix(sqlite3 *db, int64_t shop_id, const char *prefix, struct workflow *out)
{
	enum hm_rc rc = HM_NOTFOUND;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db,
	    "SELECT id, prefix, name FROM workflows WHERE shop_id = ? AND prefix = ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	db_bind_str(st, 2, prefix);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		workflow_row(st, out);
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "workflow find");
	}
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc stage_list(sqlite3 *db, int64_t workflow_id, struct stage_list *out)
{
	int s;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT id, position, flags, code, label, description, "
	    "next_step FROM stages WHERE workflow_id = ? ORDER BY position");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, workflow_id);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		struct stage *g = &out->v[out->n++];
		g->id = sqlite3_column_int64(st, 0);
		g->position = sqlite3_column_int(st, 1);
		g->flags = sqlite3_column_int(st, 2);
		g->code = db_col_dup(st, 3);
		g->label = db_col_dup(st, 4);
		g->description = db_col_dup(st, 5);
		g->next_step = db_col_dup(st, 6);
	}
	sqlite3_finalize(st);
	return db_rc(db, s, "stage list");
}

const char *stage_own_text(const struct lang *l, enum stage_text_field field, const char *own)
{
	if (!own || !*own)
		return "";
	return lang_get(l, field == STAGE_LABEL ? "stage" : NULL, own);
}

/* 1 when code is one of the comma-separated list. */
static int in_list(const char *list, const char *code)
{
	size_t n = strlen(code);
	for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		if (strcspn(p, ",") == n && !strncmp(p, code, n))
			return 1;
	}
	return 0;
}

enum hm_rc stage_list_in(sqlite3 *db, int64_t workflow_id, const struct lang *l,
    const char *shop_lang, const char *text_langs, struct stage_list *out)
{
	int s;
	memset(out, 0, sizeof *out);
	/* A shop's own wording is in its default language: a reader of that
	 * language, or of one the shop wrote nothing in, needs no other (and
	 * the busiest page skips the join). */
	int own = (shop_lang && !strcmp(l->code, shop_lang)) ||
	    (text_langs && !in_list(text_langs, l->code));
	sqlite3_stmt *st = own
	    ? db_prepare(db, "SELECT id, position, flags, code, label, description, next_step "
		"FROM stages WHERE workflow_id = ?1 ORDER BY position")
	    : db_prepare(db, "SELECT s.id, s.position, s.flags, s.code, s.label, s.description, "
		"s.next_step, t.label, t.description, t.next_step FROM stages s "
		"LEFT JOIN stage_texts t ON t.stage_id = s.id AND t.lang = ?2 "
		"WHERE s.workflow_id = ?1 ORDER BY s.position");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, workflow_id);
	if (!own)
		sqlite3_bind_text(st, 2, l->code, -1, SQLITE_STATIC);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		struct stage *g = &out->v[out->n++];
		g->id = sqlite3_column_int64(st, 0);
		g->position = sqlite3_column_int(st, 1);
		g->flags = sqlite3_column_int(st, 2);
		g->code = db_col_dup(st, 3);
		/* The shop's wording in l, else its own (default-language)
		 * wording, which the catalog translates when it is built in. */
		const char *in_l = own ? "" : db_col_str(st, 7);
		g->label = xstrdup(*in_l ? in_l : stage_own_text(l, STAGE_LABEL, db_col_str(st, 4)));
		in_l = own ? "" : db_col_str(st, 8);
		g->description = xstrdup(*in_l ? in_l
		    : stage_own_text(l, STAGE_DESCRIPTION, db_col_str(st, 5)));
		in_l = own ? "" : db_col_str(st, 9);
		g->next_step = xstrdup(*in_l ? in_l
		    : stage_own_text(l, STAGE_NEXT_STEP, db_col_str(st, 6)));
	}
	sqlite3_finalize(st);
	return db_rc(db, s, "stage list");
}

int stage_percent(const struct stage_list *l, const struct stage *cur)
{
	int n = 0, at = -1;
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].flags & STAGE_CANCELLED)
			continue;
		if (l->v[i].id == cur->id)
			at = n;
		n++;
	}
	/* Booking in is a step done: a new job is 1/7 of the way, not 0%. */
	if (at < 0 || n < 1)
		return 0;
	return (100 * (at + 1) + n / 2) / n;
}

void workflow_free(struct workflow *w)
{
	free(w->name);
	memset(w, 0, sizeof *w);
}

void workflow_list_free(struct workflow_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		workflow_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void stage_free(struct stage *s)
{
	free(s->code);
	free(s->label);
	free(s->description);
	free(s->next_step);
	memset(s, 0, sizeof *s);
}

void stage_list_free(struct stage_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		stage_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

const char *shop_number_label(const struct shop *s)
{
	const char *k = s->business_label ? s->business_label : "";
	if (!strcmp(k, "abn"))
		/* TRANSLATORS: Australian Business Number, as printed beside it. */
		return _("ABN");
	if (!strcmp(k, "vat"))
		return _("VAT number");
	if (!strcmp(k, "company"))
		return _("Company number");
	return _("Business number");
}
