/* hallmarkctl export SHOP --format csv|json [--out DIR]: a shop's jobs and
 * passports, because a shop owns its data. CSV writes the columns import
 * reads (import.h), so a file goes out of one installation and into
 * another; JSON has everything else too: timelines, messages, passport
 * histories and earlier owners. Files are written whole (a temporary file
 * renamed) and readable by their owner only: they hold customers' details. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "csv.h"
#include "ctl.h"
#include "db.h"
#include "export.h"
#include "fmt.h"
#include "import.h"
#include "model.h"
#include "passport.h"
#include "util.h"

/* UTC, as import's booked_in and stage_date read it. */
static void when(int64_t t, char out[20])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

static int write_whole(const char *dir, const char *name, const struct buf *b)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *tmp = xasprintf("%s/.%s.tmp", dir, name);
	int rc = 0, ok = 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		ok = write(fd, b->data ? b->data : "", b->len) == (ssize_t)b->len && fsync(fd) == 0;
		ok = close(fd) == 0 && ok && rename(tmp, path) == 0;
	}
	if (!ok) {
		rc = ctl_fail("cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
	} else {
		printf("wrote %s\n", path);
		log_event("export", "wrote %s", path);
	}
	free(path);
	free(tmp);
	return rc;
}

/* ---- jobs ---------------------------------------------------------------- */

/* The columns of import_job_columns, in its order, then what only JSON has. */
#define EXPORT_JOBS_SQL \
	"SELECT CASE WHEN j.link_issued = 1 AND j.revoked_at IS NULL THEN j.tracking_id ELSE '' END, " \
	"j.number, w.prefix, s.label, j.customer_name, j.customer_phone, j.customer_email, " \
	"j.language, j.notify_channel, j.item_type, j.item_description, j.problem, j.due_date, " \
	"j.quoted_cents, j.deposit_cents, j.internal_notes, j.design_brief, j.budget_cents, " \
	"j.invoice_url, j.created_at, " \
	"coalesce((SELECT max(e.at) FROM job_events e WHERE e.job_id = j.id AND e.stage_id = j.stage_id), " \
	" j.created_at), " \
	"j.id, j.tracking_id, j.deleted_at, j.revoked_at, j.closed_at, j.updated_at, j.decision, " \
	"j.notify_off, j.link_issued " \
	"FROM jobs j JOIN workflows w ON w.id = j.workflow_id JOIN stages s ON s.id = j.stage_id " \
	"WHERE j.shop_id = ?1 AND (?2 OR j.deleted_at IS NULL) ORDER BY j.number, j.id"

enum { JC_QUOTED = 13, JC_DEPOSIT = 14, JC_BUDGET = 17, JC_BOOKED = 19, JC_STAGE_AT = 20,
    JC_ID = 21, JC_TID, JC_DELETED, JC_REVOKED, JC_CLOSED, JC_UPDATED, JC_DECISION,
    JC_NOTIFY_OFF, JC_LINK };

/* Column c of the row as the CSV column (and JSON member) writes it. */
static char *job_value(sqlite3_stmt *st, int c)
{
	char s[32];
	if (sqlite3_column_type(st, c) == SQLITE_NULL)
		return xstrdup("");
	switch (c) {
	case JC_QUOTED: case JC_DEPOSIT: case JC_BUDGET:
		fmt_money(sqlite3_column_int64(st, c), s, sizeof s);
		return xstrdup(s);
	case JC_BOOKED: case JC_STAGE_AT:
		when(sqlite3_column_int64(st, c), s);
		return xstrdup(s);
	default:
		return xstrdup(db_col_str(st, c));
	}
}

static json_t *opt_time(sqlite3_stmt *st, int c)
{
	char s[20];
	if (sqlite3_column_type(st, c) == SQLITE_NULL || !sqlite3_column_int64(st, c))
		return json_null();
	when(sqlite3_column_int64(st, c), s);
	return json_string(s);
}

static json_t *job_history(sqlite3 *db, int64_t id)
{
	json_t *a = json_array();
	sqlite3_stmt *st = db_prepare(db, "SELECT e.at, e.kind, s.label, e.note, e.note_public, "
	    "u.username FROM job_events e LEFT JOIN stages s ON s.id = e.stage_id LEFT JOIN users u "
	    "ON u.id = e.user_id WHERE e.job_id = ? ORDER BY e.at, e.id");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		json_t *e = json_object();
		json_object_set_new(e, "at", opt_time(st, 0));
		json_object_set_new(e, "kind", json_string(db_col_str(st, 1)));
		json_object_set_new(e, "stage", sqlite3_column_type(st, 2) == SQLITE_NULL ? json_null()
		    : json_string(db_col_str(st, 2)));
		json_object_set_new(e, "note", json_string(db_col_str(st, 3)));
		json_object_set_new(e, "note_public", json_boolean(sqlite3_column_int(st, 4)));
		json_object_set_new(e, "by", sqlite3_column_type(st, 5) == SQLITE_NULL ? json_null()
		    : json_string(db_col_str(st, 5)));
		json_array_append_new(a, e);
	}
	sqlite3_finalize(st);
	return a;
}

static json_t *job_messages(sqlite3 *db, int64_t id)
{
	json_t *a = json_array();
	sqlite3_stmt *st = db_prepare(db, "SELECT m.at, m.author, u.username, m.body, m.read_at "
	    "FROM messages m LEFT JOIN users u ON u.id = m.user_id WHERE m.job_id = ? ORDER BY m.at, m.id");
	if (st)
		sqlite3_bind_int64(st, 1, id);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		json_t *m = json_object();
		json_object_set_new(m, "at", opt_time(st, 0));
		json_object_set_new(m, "author", json_string(db_col_str(st, 1)));
		json_object_set_new(m, "by", sqlite3_column_type(st, 2) == SQLITE_NULL ? json_null()
		    : json_string(db_col_str(st, 2)));
		json_object_set_new(m, "body", json_string(db_col_str(st, 3)));
		json_object_set_new(m, "read_at", opt_time(st, 4));
		json_array_append_new(a, m);
	}
	sqlite3_finalize(st);
	return a;
}

static int export_jobs(sqlite3 *db, int64_t shop_id, struct buf *csv, json_t *out)
{
	size_t ncols = 0;
	while (import_job_columns[ncols].p.name)
		ncols++;
	if (csv) {
		for (size_t i = 0; i < ncols; i++) {
			if (i)
				buf_putc(csv, ',');
			buf_puts(csv, import_job_columns[i].p.name);
		}
		buf_puts(csv, "\r\n");
	}
	sqlite3_stmt *st = db_prepare(db, EXPORT_JOBS_SQL);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, shop_id);
	sqlite3_bind_int(st, 2, out != NULL);
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *j = out ? json_object() : NULL;
		for (size_t i = 0; i < ncols; i++) {
			char *v = job_value(st, (int)i);
			if (csv) {
				if (i)
					buf_putc(csv, ',');
				csv_put(csv, v);
			}
			if (j && i > 0)	/* JSON names the tracking ID as it is, below */
				json_object_set_new(j, import_job_columns[i].p.name,
				    i == 1 ? json_integer(sqlite3_column_int64(st, 1)) : json_string(v));
			free(v);
		}
		if (csv)
			buf_puts(csv, "\r\n");
		if (j) {
			int64_t id = sqlite3_column_int64(st, JC_ID);
			json_object_set_new(j, "tracking_id", json_string(db_col_str(st, JC_TID)));
			json_object_set_new(j, "link_issued", json_boolean(sqlite3_column_int(st, JC_LINK)));
			json_object_set_new(j, "revoked_at", opt_time(st, JC_REVOKED));
			json_object_set_new(j, "deleted_at", opt_time(st, JC_DELETED));
			json_object_set_new(j, "closed_at", opt_time(st, JC_CLOSED));
			json_object_set_new(j, "updated_at", opt_time(st, JC_UPDATED));
			json_object_set_new(j, "decision", json_string(db_col_str(st, JC_DECISION)));
			json_object_set_new(j, "unsubscribed", json_boolean(sqlite3_column_int(st, JC_NOTIFY_OFF)));
			json_object_set_new(j, "history", job_history(db, id));
			json_object_set_new(j, "messages", job_messages(db, id));
			json_array_append_new(out, j);
		}
	}
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? 0 : -1;
}

/* ---- passports --------------------------------------------------------- */

static const char *yes(int on)
{
	return on ? "yes" : "no";
}

/* A passport's value for column c of import_passport_columns (by name). */
static char *passport_value(const struct passport_full *pf, const char *issued, const char *name)
{
	const struct passport *p = &pf->p;
	char s[32];
	for (int i = 0; i < PF_COUNT; i++)
		if (!strcmp(name, passport_field_name[i]))
			return xstrdup(p->f[i] ? p->f[i] : "");
	if (!strcmp(name, "uid"))
		return xstrdup(p->public_uid);
	if (!strcmp(name, "number"))
		return xasprintf("%lld", (long long)p->identity_number);
	if (!strcmp(name, "legacy_code"))
		return xstrdup(p->legacy_code ? p->legacy_code : "");
	if (!strcmp(name, "owner_price")) {
		if (!p->has_owner_price)
			return xstrdup("");
		fmt_money(p->owner_price_cents, s, sizeof s);
		return xstrdup(s);
	}
	if (!strcmp(name, "owner_public"))
		return xstrdup(yes(p->owner_public));
	if (!strcmp(name, "is_public"))
		return xstrdup(yes(p->is_public));
	if (!strcmp(name, "lost_stolen"))
		return xstrdup(yes(p->lost_stolen));
	if (!strcmp(name, "issued"))
		return xstrdup(issued);
	return xstrdup("");
}

static int export_passports(sqlite3 *db, int64_t shop_id, struct buf *csv, json_t *out)
{
	const struct import_column *cols = import_passport_columns;
	int rc = 0;
	if (csv) {
		for (size_t i = 0; cols[i].p.name; i++) {
			if (i)
				buf_putc(csv, ',');
			buf_puts(csv, cols[i].p.name);
		}
		buf_puts(csv, "\r\n");
	}
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM passports WHERE shop_id = ?1 "
	    "AND (?2 OR deleted_at IS NULL) ORDER BY identity_number");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, shop_id);
	sqlite3_bind_int(st, 2, out != NULL);
	int s;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		struct passport_full pf;
		if (passport_get(db, shop_id, sqlite3_column_int64(st, 0), &pf) != HM_OK) {
			rc = -1;
			break;
		}
		const char *issued = "";
		for (size_t i = 0; i < pf.nev; i++)
			if (!strcmp(pf.ev[i].kind, "created")) {
				issued = pf.ev[i].event_date;
				break;
			}
		json_t *p = out ? json_object() : NULL;
		for (size_t i = 0; cols[i].p.name; i++) {
			char *v = passport_value(&pf, issued, cols[i].p.name);
			if (csv) {
				if (i)
					buf_putc(csv, ',');
				csv_put(csv, v);
			}
			if (p) {
				json_t *jv = !strcmp(cols[i].p.name, "number") ? json_integer(pf.p.identity_number)
				    : cols[i].p.valid == v_bool ? json_boolean(!strcmp(v, "yes"))
				    : json_string(v);
				json_object_set_new(p, cols[i].p.name, jv);
			}
			free(v);
		}
		if (csv)
			buf_puts(csv, "\r\n");
		if (p) {
			char t[20];
			json_t *ev = json_array(), *own = json_array();
			for (size_t i = 0; i < pf.nev; i++)
				json_array_append_new(ev, json_pack("{s:s, s:s, s:s}", "date", pf.ev[i].event_date,
				    "kind", pf.ev[i].kind, "text", pf.ev[i].text ? pf.ev[i].text : ""));
			for (size_t i = 0; i < pf.nown; i++) {
				json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}",
				    "name", pf.own[i].name ? pf.own[i].name : "",
				    "email", pf.own[i].email ? pf.own[i].email : "",
				    "from", pf.own[i].purchase_date ? pf.own[i].purchase_date : "",
				    "until", pf.own[i].until_date ? pf.own[i].until_date : "",
				    "public", pf.own[i].is_public);
				if (pf.own[i].has_price) {
					fmt_money(pf.own[i].price_cents, t, sizeof t);
					json_object_set_new(o, "price", json_string(t));
				}
				json_array_append_new(own, o);
			}
			json_object_set_new(p, "history", ev);
			json_object_set_new(p, "previous_owners", own);
			when(pf.p.updated_at, t);
			json_object_set_new(p, "updated_at", json_string(t));
			if (pf.p.deleted_at)
				when(pf.p.deleted_at, t);
			json_object_set_new(p, "deleted_at", pf.p.deleted_at ? json_string(t) : json_null());
			json_array_append_new(out, p);
		}
		passport_full_free(&pf);
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	return rc;
}

/* ---- the command -------------------------------------------------------- */

int ctl_export(const struct config *cfg, int argc, char **argv)
{
	const char *slug = NULL, *format = NULL, *dir = ".";
	struct buf jobs = {0}, passports = {0};
	struct shop shop = {0};
	json_t *root = NULL;
	int64_t shop_id;
	int rc = 1;
	struct stat sb;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			dir = argv[++i];
		else if (!slug && argv[i][0] != '-')
			slug = argv[i];
		else
			return ctl_fail("usage: hallmarkctl export SHOP --format csv|json [--out DIR]");
	}
	if (!slug || !format || (strcmp(format, "csv") && strcmp(format, "json")))
		return ctl_fail("usage: hallmarkctl export SHOP --format csv|json [--out DIR]");
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return ctl_fail("--out %s: not a directory", dir);
	sqlite3 *db = ctl_open_rw(cfg);
	if (!db)
		return 1;
	if (shop_find_slug(db, slug, &shop_id) != HM_OK || shop_get(db, shop_id, &shop) != HM_OK) {
		rc = ctl_fail("no shop called '%s' (hallmarkctl shop list)", slug);
		goto out;
	}
	/* One read transaction: the jobs and passports of one moment. */
	if (db_exec(db, "BEGIN") != HM_OK) {
		rc = ctl_fail("cannot read the database");
		goto out;
	}
	if (!strcmp(format, "csv")) {
		int bad = export_jobs(db, shop_id, &jobs, NULL) || export_passports(db, shop_id, &passports, NULL);
		db_exec(db, "COMMIT");
		if (bad) {
			rc = ctl_fail("cannot read the shop's records");
			goto out;
		}
		char *jn = xasprintf("%s-jobs.csv", slug), *pn = xasprintf("%s-passports.csv", slug);
		rc = write_whole(dir, jn, &jobs) || write_whole(dir, pn, &passports);
		free(jn);
		free(pn);
		goto out;
	}
	char now[20];
	when(time(NULL), now);
	root = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s}}",
	    "format", "hallmark-export-v1", "exported_at", now, "shop",
	    "slug", shop.slug, "name", shop.name, "timezone", shop.timezone,
	    "language", shop.language, "email", shop.email ? shop.email : "",
	    "phone", shop.phone ? shop.phone : "", "address", shop.address ? shop.address : "");
	json_t *ja = json_array(), *pa = json_array();
	json_object_set_new(root, "jobs", ja);
	json_object_set_new(root, "passports", pa);
	int bad = export_jobs(db, shop_id, NULL, ja) || export_passports(db, shop_id, NULL, pa);
	db_exec(db, "COMMIT");
	if (bad) {
		rc = ctl_fail("cannot read the shop's records");
		goto out;
	}
	char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!text) {
		rc = ctl_fail("cannot write the shop's records as JSON (out of memory)");
		goto out;
	}
	struct buf b = {0};
	buf_puts(&b, text);
	buf_putc(&b, '\n');
	free(text);
	char *name = xasprintf("%s.json", slug);
	rc = write_whole(dir, name, &b);
	free(name);
	buf_free(&b);
out:
	json_decref(root);
	buf_free(&jobs);
	buf_free(&passports);
	shop_free(&shop);
	db_close(db);
	return rc;
}
