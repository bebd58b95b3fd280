#include "audit.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *const audit_kind_names[AUDIT_NKINDS] = {
	[AUDIT_JOB] = "job", [AUDIT_PASSPORT] = "passport", [AUDIT_WORKFLOW] = "workflow",
	[AUDIT_SHOP] = "shop", [AUDIT_USER] = "user",
};

static int64_t actor;

void audit_actor(int64_t user_id)
{
	actor = user_id;
}

/* Each snapshot binds the object's id as ?1 and its shop as ?2, and
 * returns one JSON object of field -> value, in the order a person reads
 * the form. Money is shown as 12.50; flags as words. Never a password,
 * its hash or a tracking ID. */
static sqlite3_stmt *snapshot_stmt(sqlite3 *db, enum audit_kind k)
{
	switch (k) {
	case AUDIT_JOB:
		return db_prepare(db, "SELECT json_object('customer_name', j.customer_name, "
		    "'customer_phone', j.customer_phone, 'customer_email', j.customer_email, "
		    "'item_type', j.item_type, 'item_description', j.item_description, "
		    "'problem', j.problem, 'due_date', j.due_date, 'internal_notes', j.internal_notes, "
		    "'quoted', CASE WHEN j.quoted_cents IS NOT NULL THEN (j.quoted_cents / 100) || '.' "
		    "  || substr('0' || (j.quoted_cents % 100), -2) END, "
		    "'deposit', CASE WHEN j.deposit_cents IS NOT NULL THEN (j.deposit_cents / 100) || '.' "
		    "  || substr('0' || (j.deposit_cents % 100), -2) END, "
		    "'design_brief', j.design_brief, "
		    "'budget', CASE WHEN j.budget_cents IS NOT NULL THEN (j.budget_cents / 100) || '.' "
		    "  || substr('0' || (j.budget_cents % 100), -2) END, "
		    "'invoice_url', j.invoice_url, 'notify_channel', j.notify_channel, "
		    "'language', nullif(j.language, ''), 'stage', s.label, "
		    "'link', CASE WHEN j.revoked_at IS NULL THEN 'active' ELSE 'revoked' END, "
		    "'status', CASE WHEN j.deleted_at IS NULL THEN 'active' ELSE 'deleted' END) "
		    "FROM jobs j JOIN stages s ON s.id = j.stage_id WHERE j.id = ?1 AND j.shop_id = ?2");
	case AUDIT_PASSPORT:
		return db_prepare(db, "SELECT json_object('title', title, 'jewellery_type', jewellery_type, "
		    "'description', description, 'metal_type', metal_type, 'metal_colour', metal_colour, "
		    "'metal_purity', metal_purity, 'metal_weight', metal_weight, 'stone_type', stone_type, "
		    "'stone_shape', stone_shape, 'stone_carat', stone_carat, 'stone_colour', stone_colour, "
		    "'stone_clarity', stone_clarity, 'stone_origin', stone_origin, "
		    "'stone_certificate', stone_certificate, 'ring_size', ring_size, "
		    "'ring_setting', ring_setting, 'maker', maker, 'made_in', made_in, "
		    "'year_made', year_made, 'owner_name', owner_name, 'owner_email', owner_email, "
		    "'owner_purchase_date', owner_purchase_date, "
		    "'owner_price', CASE WHEN owner_price_cents IS NOT NULL THEN (owner_price_cents / 100) "
		    "  || '.' || substr('0' || (owner_price_cents % 100), -2) END, "
		    "'owner_public', CASE owner_public WHEN 1 THEN 'yes' ELSE 'no' END, "
		    "'visibility', CASE is_public WHEN 1 THEN 'public' ELSE 'private' END, "
		    "'lost_stolen', CASE lost_stolen WHEN 1 THEN 'yes' ELSE 'no' END, "
		    "'status', CASE WHEN deleted_at IS NULL THEN 'active' ELSE 'deleted' END, "
		    "'latest_event', (SELECT e.event_date || ' ' || e.kind || "
		    "  coalesce(': ' || e.text, '') FROM passport_events e "
		    "  WHERE e.passport_id = passports.id ORDER BY e.id DESC LIMIT 1)) "
		    "FROM passports WHERE id = ?1 AND shop_id = ?2");
	case AUDIT_WORKFLOW:
		return db_prepare(db, "SELECT CASE WHEN count(*) > 0 THEN json_group_object(k, v) END FROM ("
		    "SELECT 0 AS p, 0 AS o, 'name' AS k, name AS v FROM workflows "
		    "  WHERE id = ?1 AND shop_id = ?2 "
		    "UNION ALL SELECT 0, 1, 'prefix', prefix FROM workflows WHERE id = ?1 AND shop_id = ?2 "
		    "UNION ALL SELECT s.position, 2, 'stage ' || (s.position + 1), s.label "
		    "  FROM stages s JOIN workflows w ON w.id = s.workflow_id "
		    "  WHERE w.id = ?1 AND w.shop_id = ?2 "
		    "UNION ALL SELECT s.position, 3, 'stage ' || (s.position + 1) || ' description', "
		    "  s.description FROM stages s JOIN workflows w ON w.id = s.workflow_id "
		    "  WHERE w.id = ?1 AND w.shop_id = ?2 "
		    "UNION ALL SELECT s.position, 4, 'stage ' || (s.position + 1) || ' next step', "
		    "  s.next_step FROM stages s JOIN workflows w ON w.id = s.workflow_id "
		    "  WHERE w.id = ?1 AND w.shop_id = ?2 "
		    "UNION ALL SELECT s.position, 5, 'stage ' || (s.position + 1) || ' flags', "
		    "  trim(CASE WHEN s.flags & 1 THEN 'ready ' ELSE '' END "
		    "  || CASE WHEN s.flags & 2 THEN 'final ' ELSE '' END "
		    "  || CASE WHEN s.flags & 4 THEN 'cancelled ' ELSE '' END "
		    "  || CASE WHEN s.flags & 8 THEN 'decision ' ELSE '' END "
		    "  || CASE WHEN s.flags & 16 THEN 'notify' ELSE '' END) "
		    "  FROM stages s JOIN workflows w ON w.id = s.workflow_id "
		    "  WHERE w.id = ?1 AND w.shop_id = ?2 "
		    /* Its wording in other languages than the shop's. */
		    "UNION ALL SELECT s.position, 6, 'stage ' || (s.position + 1) || ' (' || t.lang || ')', "
		    "  t.label FROM stage_texts t JOIN stages s ON s.id = t.stage_id "
		    "  JOIN workflows w ON w.id = s.workflow_id WHERE w.id = ?1 AND w.shop_id = ?2 "
		    "UNION ALL SELECT s.position, 7, 'stage ' || (s.position + 1) || ' (' || t.lang || ') "
		    "description', t.description FROM stage_texts t JOIN stages s ON s.id = t.stage_id "
		    "  JOIN workflows w ON w.id = s.workflow_id WHERE w.id = ?1 AND w.shop_id = ?2 "
		    "UNION ALL SELECT s.position, 8, 'stage ' || (s.position + 1) || ' (' || t.lang || ') "
		    "next step', t.next_step FROM stage_texts t JOIN stages s ON s.id = t.stage_id "
		    "  JOIN workflows w ON w.id = s.workflow_id WHERE w.id = ?1 AND w.shop_id = ?2 "
		    "ORDER BY 1, 2)");
	case AUDIT_SHOP:
		return db_prepare(db, "SELECT json_patch(json_object('name', name, 'phone', phone, 'email', email, "
		    "'address', address, 'whatsapp', whatsapp, 'timezone', timezone, "
		    "'language', language, 'country', country, 'abn', abn, 'accent', accent, "
		    "'theme', theme, 'review_url', review_url, "
		    "'powered_by', CASE powered_by WHEN 1 THEN 'yes' ELSE 'no' END, "
		    "'retention_days', retention_days, "
		    "'tracking', CASE tracking_enabled WHEN 1 THEN 'on' ELSE 'off' END, "
		    "'phone_country', phone_country, 'slip_size', slip_size, 'slip_terms', slip_terms, "
		    "'notify_email', notify_email, 'currency', currency, 'business_number_label', business_label), "
		    /* The shop's own wording of its notifications, per language. */
		    "(SELECT json_group_object(k, v) FROM ("
		    "  SELECT kind || ' (' || lang || ') subject' AS k, subject AS v FROM message_texts "
		    "  WHERE shop_id = ?1 "
		    "  UNION ALL SELECT kind || ' (' || lang || ') text', body FROM message_texts "
		    "  WHERE shop_id = ?1 ORDER BY 1))) "
		    "FROM shops WHERE id = ?1 AND id = ?2");
	case AUDIT_USER:
		return db_prepare(db, "SELECT json_object('username', username, 'name', display_name, "
		    "'role', CASE is_owner WHEN 1 THEN 'owner' ELSE 'staff' END, "
		    "'status', CASE disabled WHEN 1 THEN 'disabled' ELSE 'active' END) "
		    "FROM users WHERE id = ?1 AND shop_id = ?2");
	default:
		return NULL;
	}
}

/* The shop's newest object of a kind: inside the write transaction that
 * made it, the one just made. */
static sqlite3_stmt *newest_stmt(sqlite3 *db, enum audit_kind k)
{
	switch (k) {
	case AUDIT_JOB:
		return db_prepare(db, "SELECT max(id) FROM jobs WHERE shop_id = ?1");
	case AUDIT_PASSPORT:
		return db_prepare(db, "SELECT max(id) FROM passports WHERE shop_id = ?1");
	case AUDIT_WORKFLOW:
		return db_prepare(db, "SELECT max(id) FROM workflows WHERE shop_id = ?1");
	case AUDIT_USER:
		return db_prepare(db, "SELECT max(id) FROM users WHERE shop_id = ?1");
	default:
		return NULL;
	}
}

char *audit_snapshot(sqlite3 *db, enum audit_kind k, int64_t shop_id, int64_t id)
{
	sqlite3_stmt *st = snapshot_stmt(db, k);
	char *out = NULL;
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, shop_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		out = db_col_dup(st, 0);
	sqlite3_finalize(st);
	return out;
}

/* The fields whose values differ between ?7 (before) and ?8 (after), in
 * the order of the after snapshot, one row each. */
#define AUDIT_WHO \
	"coalesce((SELECT CASE WHEN display_name <> '' THEN display_name ELSE username END " \
	"FROM users WHERE id = ?3), 'hallmarkctl')"

/* ?1 to ?6 of an audit row: where, when, who, what and on what. */
static void bind_row(sqlite3_stmt *st, enum audit_kind k, int64_t shop_id, int64_t id,
    const char *action, time_t now)
{
	sqlite3_bind_int64(st, 1, shop_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, actor);
	db_bind_str(st, 4, action);
	db_bind_str(st, 5, audit_kind_names[k]);
	sqlite3_bind_int64(st, 6, id);
}

static enum hm_rc insert_diff(sqlite3 *db, enum audit_kind k, int64_t shop_id, int64_t id,
    const char *action, const char *before, const char *after, time_t now, int *rows)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO audit(shop_id, at, user_id, user_name, action, "
	    "object_kind, object_id, field, old_value, new_value) "
	    "SELECT ?1, ?2, nullif(?3, 0), " AUDIT_WHO ", ?4, ?5, ?6, k.key, b.value, a.value "
	    "FROM (SELECT key, min(ord) AS ord FROM (SELECT key, id AS ord FROM json_each(?8) "
	    "  UNION ALL SELECT key, 1000000 + id FROM json_each(?7)) GROUP BY key) k "
	    "LEFT JOIN json_each(?7) b ON b.key = k.key LEFT JOIN json_each(?8) a ON a.key = k.key "
	    "WHERE b.value IS NOT a.value ORDER BY k.ord");
	if (!st)
		return HM_ERR;
	bind_row(st, k, shop_id, id, action, now);
	db_bind_str(st, 7, before ? before : "{}");
	db_bind_str(st, 8, after ? after : "{}");
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "audit diff");
	*rows = rc == HM_OK ? sqlite3_changes(db) : 0;
	sqlite3_finalize(st);
	return rc;
}

/* One row with no field: an action, with what it made (new) if anything. */
static enum hm_rc insert_action(sqlite3 *db, enum audit_kind k, int64_t shop_id, int64_t id,
    const char *action, const char *made, time_t now)
{
	return audit_note(db, k, shop_id, id, action, NULL, NULL, made, now);
}

/* What a new object is called in its row: its name, title or username. */
static char *made_name(sqlite3 *db, enum audit_kind k, int64_t shop_id, int64_t id)
{
	char *snap = audit_snapshot(db, k, shop_id, id);
	char *out = NULL;
	sqlite3_stmt *st = snap ? db_prepare(db, "SELECT coalesce(json_extract(?1, '$.title'), "
	    "json_extract(?1, '$.username'), json_extract(?1, '$.name'), "
	    "json_extract(?1, '$.item_type'))") : NULL;
	if (st) {
		db_bind_str(st, 1, snap);
		if (sqlite3_step(st) == SQLITE_ROW)
			out = db_col_dup(st, 0);
		sqlite3_finalize(st);
	}
	free(snap);
	return out;
}

enum hm_rc audit_record(sqlite3 *db, enum audit_kind k, int64_t shop_id, int64_t id,
    const char *action, const char *before, int always, time_t now)
{
	if (!before) {
		char *made = made_name(db, k, shop_id, id);
		enum hm_rc rc = insert_action(db, k, shop_id, id, action, made, now);
		free(made);
		return rc;
	}
	char *after = audit_snapshot(db, k, shop_id, id);
	int rows = 0;
	enum hm_rc rc = insert_diff(db, k, shop_id, id, action, before, after, now, &rows);
	free(after);
	if (rc == HM_OK && rows == 0 && always)
		rc = insert_action(db, k, shop_id, id, action, NULL, now);
	return rc;
}

/* The request's one watched change (audit_watch). */
static struct {
	enum audit_kind k;
	int64_t shop_id, id;
	const char *action;
	int always;
	char *before;
} watched;

static enum hm_rc watch_begin(sqlite3 *db, void *arg)
{
	(void)arg;
	free(watched.before);
	watched.before = watched.id ? audit_snapshot(db, watched.k, watched.shop_id, watched.id) : NULL;
	return HM_OK;
}

static enum hm_rc watch_commit(sqlite3 *db, void *arg)
{
	(void)arg;
	enum hm_rc rc = HM_OK;
	int64_t id = watched.id;
	sqlite3_stmt *st = id ? NULL : newest_stmt(db, watched.k);
	if (st) {
		sqlite3_bind_int64(st, 1, watched.shop_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	/* A change to an object that was not there (another shop's) has
	 * been refused by the model already; nothing to record. */
	if (id && (watched.before || !watched.id))
		rc = audit_record(db, watched.k, watched.shop_id, id, watched.action, watched.before,
		    watched.always, hm_now());
	free(watched.before);
	watched.before = NULL;
	return rc;
}

void audit_watch(enum audit_kind k, int64_t shop_id, int64_t id, const char *action, int always)
{
	free(watched.before);
	watched.k = k;
	watched.shop_id = shop_id;
	watched.id = id;
	watched.action = action;
	watched.always = always;
	watched.before = NULL;
	db_watch(watch_begin, watch_commit, NULL);
}

enum hm_rc audit_note(sqlite3 *db, enum audit_kind k, int64_t shop_id, int64_t id,
    const char *action, const char *field, const char *old_v, const char *new_v, time_t now)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO audit(shop_id, at, user_id, user_name, action, "
	    "object_kind, object_id, field, old_value, new_value) "
	    "VALUES(?1, ?2, nullif(?3, 0), " AUDIT_WHO ", ?4, ?5, ?6, ?7, ?8, ?9)");
	if (!st)
		return HM_ERR;
	bind_row(st, k, shop_id, id, action, now);
	db_bind_text(st, 7, field);
	db_bind_text(st, 8, old_v);
	db_bind_text(st, 9, new_v);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "audit note");
	sqlite3_finalize(st);
	return rc;
}

/* What one photo is, as staff name it; NULL when it is deleted or not
 * the owner's (or on error). Heap. */
static char *photo_state(sqlite3 *db, enum audit_kind k, int64_t shop_id, int64_t owner_id,
    int64_t photo_id)
{
	char *out = NULL;
	sqlite3_stmt *st = db_prepare(db, "SELECT CASE role WHEN 'proof' THEN 'design proof' "
	    "WHEN 'photo' THEN CASE is_public WHEN 1 THEN 'photo the customer sees' "
	    "  ELSE 'private photo' END "
	    "WHEN 'primary' THEN 'main photo' WHEN 'gallery' THEN 'gallery photo' "
	    "WHEN 'logo' THEN 'logo' ELSE role END "
	    "FROM attachments WHERE id = ?1 AND shop_id = ?2 AND owner_kind = ?3 AND owner_id = ?4 "
	    "AND deleted_at IS NULL");
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, photo_id);
	sqlite3_bind_int64(st, 2, shop_id);
	db_bind_str(st, 3, audit_kind_names[k]);
	sqlite3_bind_int64(st, 4, owner_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = db_col_dup(st, 0);
	sqlite3_finalize(st);
	return out;
}

/* The request's one watched photo (audit_watch_photo). */
static struct {
	enum audit_kind k;
	int64_t shop_id, owner_id, photo_id;
	const char *action;
	char *before;
} photo;

static enum hm_rc photo_begin(sqlite3 *db, void *arg)
{
	(void)arg;
	free(photo.before);
	photo.before = photo.photo_id ? photo_state(db, photo.k, photo.shop_id, photo.owner_id,
	    photo.photo_id) : NULL;
	return HM_OK;
}

static enum hm_rc photo_commit(sqlite3 *db, void *arg)
{
	(void)arg;
	enum hm_rc rc = HM_OK;
	int64_t id = photo.photo_id;
	sqlite3_stmt *st = id ? NULL : db_prepare(db, "SELECT max(id) FROM attachments "
	    "WHERE shop_id = ?1 AND owner_kind = ?2 AND owner_id = ?3");
	if (st) {
		sqlite3_bind_int64(st, 1, photo.shop_id);
		db_bind_str(st, 2, audit_kind_names[photo.k]);
		sqlite3_bind_int64(st, 3, photo.owner_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	char *after = id ? photo_state(db, photo.k, photo.shop_id, photo.owner_id, id) : NULL;
	int same = photo.before && after ? !strcmp(photo.before, after) : photo.before == after;
	if (!same)
		rc = audit_note(db, photo.k, photo.shop_id, photo.owner_id, photo.action, "photo",
		    photo.before, after, hm_now());
	free(after);
	free(photo.before);
	photo.before = NULL;
	return rc;
}

void audit_watch_photo(enum audit_kind k, int64_t shop_id, int64_t owner_id, int64_t photo_id,
    const char *action)
{
	free(photo.before);
	photo.k = k;
	photo.shop_id = shop_id;
	photo.owner_id = owner_id;
	photo.photo_id = photo_id;
	photo.action = action;
	photo.before = NULL;
	db_watch(photo_begin, photo_commit, NULL);
}

enum hm_rc audit_list(sqlite3 *db, int64_t shop_id, enum audit_kind kind, int64_t id,
    size_t offset, size_t limit, struct audit_list *out)
{
	enum hm_rc rc = HM_OK;
	const char *kname = kind < AUDIT_NKINDS ? audit_kind_names[kind] : NULL;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM audit WHERE shop_id = ?1 "
	    "AND (?2 IS NULL OR (object_kind = ?2 AND object_id = ?3))");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	db_bind_text(st, 2, kname);
	sqlite3_bind_int64(st, 3, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		out->total = (size_t)sqlite3_column_int64(st, 0);
	else
		rc = db_rc(db, s, "audit count");
	sqlite3_finalize(st);
	if (rc != HM_OK)
		return rc;
	st = db_prepare(db, "SELECT a.id, a.at, a.object_id, a.user_name, a.action, a.object_kind, "
	    "a.field, a.old_value, a.new_value, CASE a.object_kind "
	    "  WHEN 'job' THEN (SELECT '#' || j.number FROM jobs j WHERE j.id = a.object_id "
	    "    AND j.shop_id = a.shop_id) "
	    "  WHEN 'passport' THEN (SELECT p.title FROM passports p WHERE p.id = a.object_id "
	    "    AND p.shop_id = a.shop_id) "
	    "  WHEN 'workflow' THEN (SELECT w.name FROM workflows w WHERE w.id = a.object_id "
	    "    AND w.shop_id = a.shop_id) "
	    "  WHEN 'user' THEN (SELECT u.username FROM users u WHERE u.id = a.object_id "
	    "    AND u.shop_id = a.shop_id) END "
	    "FROM audit a WHERE a.shop_id = ?1 AND (?2 IS NULL OR (a.object_kind = ?2 "
	    "AND a.object_id = ?3)) ORDER BY a.id DESC LIMIT ?4 OFFSET ?5");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, shop_id);
	db_bind_text(st, 2, kname);
	sqlite3_bind_int64(st, 3, id);
	sqlite3_bind_int64(st, 4, (int64_t)limit);
	sqlite3_bind_int64(st, 5, (int64_t)offset);
	size_t cap = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->v = xrealloc(out->v, cap * sizeof *out->v);
		}
		struct audit_row *r = &out->v[out->n++];
		r->id = sqlite3_column_int64(st, 0);
		r->at = sqlite3_column_int64(st, 1);
		r->object_id = sqlite3_column_int64(st, 2);
		r->user_name = db_col_dup(st, 3);
		r->action = db_col_dup(st, 4);
		r->kind = db_col_dup(st, 5);
		r->field = db_col_dup(st, 6);
		r->old_value = db_col_dup(st, 7);
		r->new_value = db_col_dup(st, 8);
		r->object_label = db_col_dup(st, 9);
	}
	if (s != SQLITE_DONE)
		rc = db_rc(db, s, "audit list");
	sqlite3_finalize(st);
	if (rc != HM_OK)
		audit_list_free(out);
	return rc;
}

void audit_list_free(struct audit_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct audit_row *r = &l->v[i];
		free(r->user_name);
		free(r->action);
		free(r->kind);
		free(r->field);
		free(r->old_value);
		free(r->new_value);
		free(r->object_label);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}
