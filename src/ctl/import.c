/* hallmarkctl import jobs|passports SHOP FILE.csv [--dry-run]: a shop's
 * records from its old system. Every row is checked (the columns as the
 * staff forms check them, then by adding it inside one transaction, each
 * row under a savepoint), every problem is reported with its line, and
 * the transaction commits only when no row had one and this is not a dry
 * run: nothing is written otherwise. Tracking IDs, identity numbers,
 * legacy NXP- codes and UUIDs are kept, so the links, QR codes and
 * certificates customers hold keep working. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "csv.h"
#include "ctl.h"
#include "db.h"
#include "fmt.h"
#include "i18n.h"
#include "ids.h"
#include "import.h"
#include "model.h"
#include "passport.h"
#include "phone.h"
#include "request.h"
#include "sign.h"
#include "util.h"

#define IMPORT_MAX_BYTES (64u << 20)

static const char *const channels[] = {"email", "sms", "whatsapp", "none", NULL};

/* The columns of each kind of file, with the rules of the staff forms'
 * fields of the same name (src/admin.c). The README's tables say the same. */
enum {
	J_TRACKING_ID, J_NUMBER, J_WORKFLOW, J_STAGE, J_CUSTOMER_NAME, J_CUSTOMER_PHONE,
	J_CUSTOMER_EMAIL, J_CUSTOMER_LANGUAGE, J_NOTIFY_CHANNEL, J_ITEM_TYPE, J_ITEM_DESCRIPTION,
	J_PROBLEM, J_DUE_DATE, J_QUOTED, J_DEPOSIT, J_INTERNAL_NOTES, J_DESIGN_BRIEF, J_BUDGET,
	J_INVOICE_URL, J_BOOKED_IN, J_STAGE_DATE, J_COUNT
};
const struct import_column import_job_columns[] = {
	[J_TRACKING_ID] = {{"tracking_id", v_string, 40, 0, 0, 0, NULL}, 0},
	[J_NUMBER] = {{"number", v_int, 9, 0, 1, 999999999, NULL}, 0},
	[J_WORKFLOW] = {{"workflow", v_string, 3, 0, 0, 0, NULL}, 0},
	[J_STAGE] = {{"stage", v_string, 80, 0, 0, 0, NULL}, 0},
	[J_CUSTOMER_NAME] = {{"customer_name", v_string, 120, 0, 0, 0, NULL}, 1},
	[J_CUSTOMER_PHONE] = {{"customer_phone", v_phone, 40, 0, 0, 0, NULL}, 0},
	[J_CUSTOMER_EMAIL] = {{"customer_email", v_email, 200, 0, 0, 0, NULL}, 0},
	[J_CUSTOMER_LANGUAGE] = {{"customer_language", v_string, 8, 0, 0, 0, NULL}, 0},
	[J_NOTIFY_CHANNEL] = {{"notify_channel", v_choice, 10, 0, 0, 0, channels}, 0},
	[J_ITEM_TYPE] = {{"item_type", v_string, 80, 0, 0, 0, NULL}, 1},
	[J_ITEM_DESCRIPTION] = {{"item_description", v_text, 2000, PARAM_MULTILINE, 0, 0, NULL}, 0},
	[J_PROBLEM] = {{"problem", v_text, 2000, PARAM_MULTILINE, 0, 0, NULL}, 0},
	[J_DUE_DATE] = {{"due_date", v_date, 10, 0, 0, 0, NULL}, 0},
	[J_QUOTED] = {{"quoted", v_money, 20, 0, 0, 0, NULL}, 0},
	[J_DEPOSIT] = {{"deposit", v_money, 20, 0, 0, 0, NULL}, 0},
	[J_INTERNAL_NOTES] = {{"internal_notes", v_text, 4000, PARAM_MULTILINE, 0, 0, NULL}, 0},
	[J_DESIGN_BRIEF] = {{"design_brief", v_text, 4000, PARAM_MULTILINE, 0, 0, NULL}, 0},
	[J_BUDGET] = {{"budget", v_money, 20, 0, 0, 0, NULL}, 0},
	[J_INVOICE_URL] = {{"invoice_url", v_url, 500, 0, 0, 0, NULL}, 0},
	[J_BOOKED_IN] = {{"booked_in", v_string, 25, 0, 0, 0, NULL}, 0},
	[J_STAGE_DATE] = {{"stage_date", v_string, 25, 0, 0, 0, NULL}, 0},
	{{NULL, NULL, 0, 0, 0, 0, NULL}, 0},
};

/* The passport fields come first, in passport_field order (PF_). */
enum {
	P_UID = PF_COUNT, P_NUMBER, P_LEGACY_CODE, P_OWNER_PRICE, P_OWNER_PUBLIC, P_IS_PUBLIC,
	P_LOST_STOLEN, P_ISSUED, P_COUNT
};
const struct import_column import_passport_columns[] = {
	[PF_TITLE] = {{"title", v_string, 200, 0, 0, 0, NULL}, 1},
	[PF_JEWELLERY_TYPE] = {{"jewellery_type", v_string, 60, 0, 0, 0, NULL}, 0},
	[PF_DESCRIPTION] = {{"description", v_text, 4000, PARAM_MULTILINE, 0, 0, NULL}, 0},
	[PF_METAL_TYPE] = {{"metal_type", v_string, 80, 0, 0, 0, NULL}, 0},
	[PF_METAL_COLOUR] = {{"metal_colour", v_string, 80, 0, 0, 0, NULL}, 0},
	[PF_METAL_PURITY] = {{"metal_purity", v_string, 80, 0, 0, 0, NULL}, 0},
	[PF_METAL_WEIGHT] = {{"metal_weight", v_string, 80, 0, 0, 0, NULL}, 0},
	[PF_STONE_TYPE] = {{"stone_type", v_string, 80, 0, 0, 0, NULL}, 0},
	[PF_STONE_SHAPE] = {{"stone_shape", v_string, 80, 0, 0, 0, NULL}, 0},
	[PF_STONE_CARAT] = {{"stone_carat", v_string, 80, 0, 0, 0, NULL}, 0},
	[PF_STONE_COLOUR] = {{"stone_colour", v_string, 80, 0, 0, 0, NULL}, 0},
	[PF_STONE_CLARITY] = {{"stone_clarity", v_string, 80, 0, 0, 0, NULL}, 0},
	[PF_STONE_ORIGIN] = {{"stone_origin", v_string, 80, 0, 0, 0, NULL}, 0},
	[PF_STONE_CERTIFICATE] = {{"stone_certificate", v_string, 80, 0, 0, 0, NULL}, 0},
	[PF_RING_SIZE] = {{"ring_size", v_string, 40, 0, 0, 0, NULL}, 0},
	[PF_RING_SETTING] = {{"ring_setting", v_string, 80, 0, 0, 0, NULL}, 0},
	[PF_MAKER] = {{"maker", v_string, 120, 0, 0, 0, NULL}, 0},
	[PF_MADE_IN] = {{"made_in", v_string, 80, 0, 0, 0, NULL}, 0},
	[PF_YEAR_MADE] = {{"year_made", v_string, 20, 0, 0, 0, NULL}, 0},
	[PF_OWNER_NAME] = {{"owner_name", v_string, 120, 0, 0, 0, NULL}, 0},
	[PF_OWNER_EMAIL] = {{"owner_email", v_email, 200, 0, 0, 0, NULL}, 0},
	[PF_OWNER_PURCHASE_DATE] = {{"owner_purchase_date", v_date, 10, 0, 0, 0, NULL}, 0},
	[P_UID] = {{"uid", v_string, 36, 0, 0, 0, NULL}, 0},
	[P_NUMBER] = {{"number", v_int, 9, 0, 1, 999999999, NULL}, 0},
	[P_LEGACY_CODE] = {{"legacy_code", v_string, 16, 0, 0, 0, NULL}, 0},
	[P_OWNER_PRICE] = {{"owner_price", v_money, 20, 0, 0, 0, NULL}, 0},
	[P_OWNER_PUBLIC] = {{"owner_public", v_bool, 5, 0, 0, 0, NULL}, 0},
	[P_IS_PUBLIC] = {{"is_public", v_bool, 5, 0, 0, 0, NULL}, 0},
	[P_LOST_STOLEN] = {{"lost_stolen", v_bool, 5, 0, 0, 0, NULL}, 0},
	[P_ISSUED] = {{"issued", v_date, 10, 0, 0, 0, NULL}, 0},
	{{NULL, NULL, 0, 0, 0, 0, NULL}, 0},
};

/* One row being checked: the values of its columns and what is wrong. */
struct row {
	const char *file;
	size_t line;
	int bad;
	char *val[CSV_MAX_FIELDS];	/* by column index; NULL when absent or empty */
	int64_t ival[CSV_MAX_FIELDS];
};

static void row_problem(struct row *r, const char *column, const char *fmt, ...) HM_PRINTF(3, 4);
static void row_problem(struct row *r, const char *column, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%zu: ", r->file, r->line);
	if (column)
		fprintf(stderr, "%s: ", column);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	r->bad++;
}

static void row_free(struct row *r, size_t ncols)
{
	for (size_t i = 0; i < ncols; i++) {
		free(r->val[i]);
		r->val[i] = NULL;
		r->ival[i] = 0;
	}
	r->bad = 0;
}

/* What a value needs to look like, for a message about one that does not. */
static const char *format_of(const struct param *p)
{
	if (p->valid == v_email)
		return "an email address";
	if (p->valid == v_phone)
		return "a phone number (digits, spaces and + - ( ) .)";
	if (p->valid == v_date)
		return "a date like 2026-12-24";
	if (p->valid == v_money)
		return "an amount like 120 or 120.50";
	if (p->valid == v_url)
		return "a full link starting with https://";
	if (p->valid == v_bool)
		return "yes or no";
	if (p->valid == v_int)
		return "a whole number from 1 to 999999999";
	if (p->valid == v_choice)
		return "email, sms, whatsapp or none";
	return "text";
}

/* Checks each value of the record against its column. */
static void read_values(struct row *r, const struct import_column *cols, const int *map,
    const struct csv_record *rec)
{
	for (size_t i = 0; i < rec->n; i++) {
		const struct param *p = &cols[map[i]].p;
		enum field_error e = FERR_NONE;
		if (*rec->v[i])
			e = req_check_value(p, rec->v[i], &r->val[map[i]], &r->ival[map[i]]);
		switch (e) {
		case FERR_NONE:
			if (r->val[map[i]] && !*r->val[map[i]]) {	/* spaces alone: empty */
				free(r->val[map[i]]);
				r->val[map[i]] = NULL;
			}
			if (cols[map[i]].required && !r->val[map[i]])
				row_problem(r, p->name, "required, and empty");
			break;
		case FERR_TOO_LONG:
			row_problem(r, p->name, "longer than %zu characters", p->maxlen);
			break;
		case FERR_CONTROL:
			row_problem(r, p->name, "holds a control character%s",
			    p->flags & PARAM_MULTILINE ? "" : " or a line break");
			break;
		default:
			row_problem(r, p->name, "not %s: '%s'", format_of(p), rec->v[i]);
			break;
		}
	}
}

/* The header row: every name a column of ours, none twice, the required
 * ones all there. map[i] is the column of field i. */
static int read_header(const char *file, const struct csv_record *h,
    const struct import_column *cols, int *map)
{
	int bad = 0;
	for (size_t i = 0; i < h->n; i++) {
		char *name = str_trim(xstrdup(h->v[i]));
		for (char *p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		map[i] = -1;
		for (size_t c = 0; cols[c].p.name; c++)
			if (!strcmp(name, cols[c].p.name))
				map[i] = (int)c;
		for (size_t j = 0; j < i && map[i] >= 0; j++)
			if (map[j] == map[i]) {
				fprintf(stderr, "%s:%zu: the column %s comes twice\n", file, h->line, name);
				bad++;
			}
		if (map[i] < 0) {
			fprintf(stderr, "%s:%zu: unknown column '%s' (see the README's import tables)\n",
			    file, h->line, name);
			bad++;
		}
		free(name);
	}
	for (size_t c = 0; cols[c].p.name; c++) {
		int found = 0;
		for (size_t i = 0; i < h->n; i++)
			found |= map[i] == (int)c;
		if (cols[c].required && !found) {
			fprintf(stderr, "%s:%zu: the required column %s is missing\n", file, h->line,
			    cols[c].p.name);
			bad++;
		}
	}
	return bad;
}

/* "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" or the same with T and Z: UTC. */
static int parse_when(const char *s, time_t *out)
{
	char date[11];
	int h = 0, m = 0, sec = 0, n = 0;
	if (strlen(s) < 10)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!iso_date_ok(date))
		return -1;
	const char *t = s + 10;
	if (*t) {
		if ((*t != ' ' && *t != 'T') || sscanf(t + 1, "%2d:%2d%n", &h, &m, &n) != 2)
			return -1;
		t += 1 + n;
		if (*t == ':') {
			if (sscanf(t + 1, "%2d%n", &sec, &n) != 1)
				return -1;
			t += 1 + n;
		}
		if (*t == 'Z')
			t++;
		if (*t || h > 23 || m > 59 || sec > 60 || h < 0 || m < 0 || sec < 0)
			return -1;
	}
	struct tm tm = {.tm_hour = h, .tm_min = m, .tm_sec = sec};
	sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}

static int exists(sqlite3 *db, sqlite3_stmt *st)
{
	int found = st && sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	(void)db;
	return found;
}

/* ---- jobs ------------------------------------------------------------ */

struct job_ctx {
	sqlite3 *db;
	struct shop shop;
	struct workflow_list wl;
	struct stage_list *stages;	/* per workflow in wl */
	size_t dflt;			/* the workflow a row naming none goes to */
	time_t now;
	char phone[PHONE_MAX];
};

static int job_row(struct job_ctx *j, struct row *r)
{
	struct job_fields f = {0};
	struct job_kept k = {.booked_at = j->now, .stage_at = j->now};
	char tid[TID_MAX];
	size_t w = j->dflt;

	if (r->val[J_WORKFLOW]) {
		for (w = 0; w < j->wl.n && strcasecmp(j->wl.v[w].prefix, r->val[J_WORKFLOW]); w++)
			;
		if (w == j->wl.n) {
			struct buf have = {0};
			for (size_t i = 0; i < j->wl.n; i++)
				buf_printf(&have, "%s%s", i ? ", " : "", j->wl.v[i].prefix);
			row_problem(r, "workflow", "the shop has no workflow '%s' (it has %s)",
			    r->val[J_WORKFLOW], have.data ? have.data : "none");
			buf_free(&have);
			return -1;
		}
	}
	const struct stage_list *sl = &j->stages[w];
	if (r->val[J_STAGE]) {
		size_t s;
		for (s = 0; s < sl->n && strcasecmp(sl->v[s].label, r->val[J_STAGE]) &&
		    strcasecmp(sl->v[s].code, r->val[J_STAGE]); s++)
			;
		if (s == sl->n)
			row_problem(r, "stage", "the workflow %s has no stage '%s'", j->wl.v[w].prefix,
			    r->val[J_STAGE]);
		else
			k.stage_id = sl->v[s].id;
	}
	if (r->val[J_TRACKING_ID]) {
		if (tid_parse(r->val[J_TRACKING_ID], tid) != 0) {
			row_problem(r, "tracking_id", "not a tracking ID: '%s' (three letters, then 16 "
			    "characters, or 8 or 12 hex digits: RPR-A1B2C3D4)", r->val[J_TRACKING_ID]);
		} else {
			k.tracking_id = tid;
			sqlite3_stmt *st = db_prepare(j->db, "SELECT 1 FROM jobs WHERE tracking_id = ?");
			if (st)
				db_bind_str(st, 1, tid);
			if (exists(j->db, st))
				row_problem(r, "tracking_id", "another job has this tracking ID already "
				    "(in this file or in the installation)");
		}
	}
	if (r->val[J_NUMBER]) {
		k.number = r->ival[J_NUMBER];
		sqlite3_stmt *st = db_prepare(j->db, "SELECT 1 FROM jobs WHERE shop_id = ? AND number = ?");
		if (st) {
			sqlite3_bind_int64(st, 1, j->shop.id);
			sqlite3_bind_int64(st, 2, k.number);
		}
		if (exists(j->db, st))
			row_problem(r, "number", "the shop has a job #%lld already", (long long)k.number);
	}
	f.customer_name = r->val[J_CUSTOMER_NAME];
	if (r->val[J_CUSTOMER_PHONE]) {
		const struct phone_country *pc = phone_country_or_zone(j->shop.phone_country,
		    j->shop.timezone);
		if (phone_normalise(r->val[J_CUSTOMER_PHONE], pc, j->phone) == 0)
			f.customer_phone = j->phone;
		else
			row_problem(r, "customer_phone", pc ? "not a phone number we can use: '%s'"
			    : "'%s': give it with its country code (+44 ...), or set the shop's country "
			    "(Settings) so local numbers can be read", r->val[J_CUSTOMER_PHONE]);
	}
	f.customer_email = r->val[J_CUSTOMER_EMAIL];
	f.language = "";
	if (r->val[J_CUSTOMER_LANGUAGE]) {
		const struct lang *l = lang_find(r->val[J_CUSTOMER_LANGUAGE]);
		if (l && !strcmp(l->code, r->val[J_CUSTOMER_LANGUAGE]))
			f.language = l->code;
		else
			row_problem(r, "customer_language", "not a language Hallmark has: '%s' "
			    "(en, ar, de, es, fr, it)", r->val[J_CUSTOMER_LANGUAGE]);
	}
	f.notify_channel = r->val[J_NOTIFY_CHANNEL] ? r->val[J_NOTIFY_CHANNEL] : "none";
	if (!strcmp(f.notify_channel, "email") && !f.customer_email)
		row_problem(r, "notify_channel", "email needs the customer's email address");
	if ((!strcmp(f.notify_channel, "sms") || !strcmp(f.notify_channel, "whatsapp")) &&
	    !r->val[J_CUSTOMER_PHONE])
		row_problem(r, "notify_channel", "%s needs the customer's phone number", f.notify_channel);
	f.item_type = r->val[J_ITEM_TYPE];
	f.item_description = r->val[J_ITEM_DESCRIPTION];
	f.problem = r->val[J_PROBLEM];
	f.due_date = r->val[J_DUE_DATE];
	f.internal_notes = r->val[J_INTERNAL_NOTES];
	f.has_quoted = r->val[J_QUOTED] != NULL;
	f.quoted_cents = r->ival[J_QUOTED];
	f.has_deposit = r->val[J_DEPOSIT] != NULL;
	f.deposit_cents = r->ival[J_DEPOSIT];
	f.design_brief = r->val[J_DESIGN_BRIEF];
	f.has_budget = r->val[J_BUDGET] != NULL;
	f.budget_cents = r->ival[J_BUDGET];
	f.invoice_url = r->val[J_INVOICE_URL];
	if (r->val[J_BOOKED_IN] && parse_when(r->val[J_BOOKED_IN], &k.booked_at) != 0)
		row_problem(r, "booked_in", "not a date like 2024-03-01 or 2024-03-01 14:30 (UTC): '%s'",
		    r->val[J_BOOKED_IN]);
	k.stage_at = k.booked_at > j->now ? k.booked_at : j->now;
	if (r->val[J_STAGE_DATE] && parse_when(r->val[J_STAGE_DATE], &k.stage_at) != 0)
		row_problem(r, "stage_date", "not a date like 2024-03-01 or 2024-03-01 14:30 (UTC): '%s'",
		    r->val[J_STAGE_DATE]);
	else if (k.stage_at < k.booked_at)
		row_problem(r, "stage_date", "before booked_in");
	if (r->bad)
		return -1;
	int64_t id;
	enum hm_rc rc = job_import(j->db, j->shop.id, j->wl.v[w].id, &f, &k, j->now, &id);
	if (rc != HM_OK) {
		row_problem(r, NULL, "could not be added (%s)", rc == HM_BUSY ? "database busy"
		    : "the database refused it: see the message above");
		return -1;
	}
	return 0;
}

static int job_ctx_open(struct job_ctx *j)
{
	if (shop_get(j->db, j->shop.id, &j->shop) != HM_OK ||
	    workflow_list(j->db, j->shop.id, &j->wl) != HM_OK || !j->wl.n)
		return ctl_fail("cannot read the shop's workflows");
	j->stages = xcalloc(j->wl.n, sizeof *j->stages);
	for (size_t i = 0; i < j->wl.n; i++) {
		if (stage_list(j->db, j->wl.v[i].id, &j->stages[i]) != HM_OK)
			return ctl_fail("cannot read the shop's workflows");
		if (!strcmp(j->wl.v[i].prefix, "RPR"))
			j->dflt = i;
	}
	return 0;
}

static void job_ctx_free(struct job_ctx *j)
{
	for (size_t i = 0; j->stages && i < j->wl.n; i++)
		stage_list_free(&j->stages[i]);
	free(j->stages);
	workflow_list_free(&j->wl);
	shop_free(&j->shop);
}

/* ---- passports ---------------------------------------------------------- */

struct passport_ctx {
	sqlite3 *db;
	int64_t shop_id;
	unsigned char master[KEY_BYTES];
	time_t now;
	char today[11];
};

/* NXP-XXXXXX as its old certificates print it, in any case, with or
 * without the hyphen: the form /verify looks up (six letters or digits). */
static int legacy_code_norm(const char *in, char out[16])
{
	size_t n = 0;
	char body[8];
	if (strncasecmp(in, "NXP", 3))
		return -1;
	for (const char *p = in + 3; *p; p++) {
		if (*p == '-' && p == in + 3)
			continue;
		if (!isalnum((unsigned char)*p) || n == 6)
			return -1;
		body[n++] = (char)toupper((unsigned char)*p);
	}
	if (n != 6)
		return -1;
	body[6] = '\0';
	snprintf(out, 16, "NXP-%s", body);
	return 0;
}

static int passport_row(struct passport_ctx *c, struct row *r)
{
	struct passport_input in = {.is_public = 1};
	struct passport_kept k = {.issued = c->today, .created_at = c->now};
	char uid[37], code[16];
	sqlite3_stmt *st;

	for (int i = 0; i < PF_COUNT; i++)
		in.f[i] = r->val[i];
	in.has_owner_price = r->val[P_OWNER_PRICE] != NULL;
	in.owner_price_cents = r->ival[P_OWNER_PRICE];
	in.owner_public = r->val[P_OWNER_PUBLIC] && r->ival[P_OWNER_PUBLIC];
	if (r->val[P_IS_PUBLIC])
		in.is_public = r->ival[P_IS_PUBLIC] != 0;
	k.lost_stolen = r->val[P_LOST_STOLEN] && r->ival[P_LOST_STOLEN];
	if (r->val[P_ISSUED]) {
		k.issued = r->val[P_ISSUED];
		parse_when(k.issued, &k.created_at);
	}
	if (r->val[P_UID]) {
		if (uuid_parse(r->val[P_UID], uid) != 0) {
			row_problem(r, "uid", "not a passport ID (a UUID like "
			    "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60): '%s'", r->val[P_UID]);
		} else {
			k.uid = uid;
			st = db_prepare(c->db, "SELECT 1 FROM passports WHERE public_uid = ?");
			if (st)
				db_bind_str(st, 1, uid);
			if (exists(c->db, st))
				row_problem(r, "uid", "another passport has this ID already");
		}
	}
	if (r->val[P_NUMBER]) {
		k.number = r->ival[P_NUMBER];
		st = db_prepare(c->db, "SELECT 1 FROM passports WHERE identity_number = ?");
		if (st)
			sqlite3_bind_int64(st, 1, k.number);
		if (exists(c->db, st))
			row_problem(r, "number", "another passport has the identity number %lld already",
			    (long long)k.number);
	}
	if (r->val[P_LEGACY_CODE]) {
		if (legacy_code_norm(r->val[P_LEGACY_CODE], code) != 0) {
			row_problem(r, "legacy_code", "not a legacy code like NXP-4F7K2Q: '%s'",
			    r->val[P_LEGACY_CODE]);
		} else {
			k.legacy_code = code;
			st = db_prepare(c->db, "SELECT 1 FROM passports WHERE legacy_code = ?");
			if (st)
				db_bind_str(st, 1, code);
			if (exists(c->db, st))
				row_problem(r, "legacy_code", "another passport has the code %s already", code);
		}
	}
	if (r->bad)
		return -1;
	int64_t id;
	enum hm_rc rc = passport_import(c->db, c->shop_id, &in, &k, "hallmarkctl import", c->master,
	    c->now, &id);
	if (rc != HM_OK) {
		row_problem(r, NULL, "could not be added (%s)", rc == HM_BUSY ? "database busy"
		    : "the database refused it: see the message above");
		return -1;
	}
	return 0;
}

/* ---- the command -------------------------------------------------------- */

int ctl_import(const struct config *cfg, int argc, char **argv)
{
	const char *what = NULL, *shop = NULL, *file = NULL;
	int dry = 0, rc = 1, header_bad = 0, map[CSV_MAX_FIELDS];
	size_t rows = 0, bad_rows = 0;
	char *data = NULL;
	sqlite3 *db = NULL;
	struct csv csv;
	struct csv_record rec = {0};
	struct row row = {0};
	struct job_ctx jc = {0};
	struct passport_ctx pc = {0};
	const char *why;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run"))
			dry = 1;
		else if (!what)
			what = argv[i];
		else if (!shop)
			shop = argv[i];
		else if (!file)
			file = argv[i];
		else
			return ctl_fail("import: one file at a time");
	}
	if (!file || (strcmp(what, "jobs") && strcmp(what, "passports")))
		return ctl_fail("usage: hallmarkctl import jobs|passports SHOP FILE.csv [--dry-run]");
	int jobs = !strcmp(what, "jobs");
	const struct import_column *cols = jobs ? import_job_columns : import_passport_columns;
	size_t ncols = jobs ? J_COUNT : P_COUNT;
	size_t len;
	if (!(data = read_file(file, IMPORT_MAX_BYTES, &len)))
		return ctl_fail("%s: cannot read it (or it is over 64 MB)", file);
	if (!(db = ctl_open_rw(cfg)))
		goto out;
	int64_t shop_id;
	if (shop_find_slug(db, shop, &shop_id) != HM_OK) {
		rc = ctl_fail("no shop called '%s' (hallmarkctl shop list)", shop);
		goto out;
	}
	csv_init(&csv, data, len);
	int got = csv_next(&csv, &rec, &why);
	if (got <= 0) {
		rc = ctl_fail("%s: %s", file, got == 0 ? "empty: the first line names the columns"
		    : why);
		goto out;
	}
	if ((header_bad = read_header(file, &rec, cols, map)) != 0) {
		rc = ctl_fail("%s: the header row has %d problem%s; nothing was imported", file,
		    header_bad, header_bad == 1 ? "" : "s");
		goto out;
	}
	size_t nfields = rec.n;
	if (db_begin(db) != HM_OK) {
		rc = ctl_fail("the database is busy; nothing was imported");
		goto out;
	}
	jc.db = pc.db = db;
	jc.shop.id = pc.shop_id = shop_id;
	jc.now = pc.now = time(NULL);
	today_iso(pc.now, "UTC", pc.today);
	if (jobs ? job_ctx_open(&jc) != 0 : key_load(cfg->secret_key_file, pc.master) != 0) {
		if (!jobs)
			ctl_fail("cannot read the secret key %s", cfg->secret_key_file);
		db_rollback(db);
		goto out_txn;
	}
	row.file = file;
	while ((got = csv_next(&csv, &rec, &why)) != 0) {
		rows++;
		row.line = rec.line;
		if (got < 0) {
			row_problem(&row, NULL, "%s", why);
		} else if (rec.n != nfields) {
			row_problem(&row, NULL, "%zu field%s where the header has %zu", rec.n,
			    rec.n == 1 ? "" : "s", nfields);
		} else {
			/* Every check runs, so a row's problems are all reported at
			 * once; a row with any is not added, and one the database
			 * refuses leaves nothing behind. */
			read_values(&row, cols, map, &rec);
			if (db_exec(db, "SAVEPOINT import_row") != HM_OK) {
				row_problem(&row, NULL, "could not be added (database error)");
			} else {
				int bad = jobs ? job_row(&jc, &row) : passport_row(&pc, &row);
				if (bad)
					db_exec(db, "ROLLBACK TO import_row");
				db_exec(db, "RELEASE import_row");
			}
		}
		bad_rows += row.bad != 0;
		row_free(&row, ncols);
	}
	if (bad_rows || dry) {
		db_rollback(db);
		if (bad_rows)
			rc = ctl_fail("%s: %zu of %zu row%s %s problems (above); nothing was imported",
			    file, bad_rows, rows, rows == 1 ? "" : "s", bad_rows == 1 ? "has" : "have");
		else {
			printf("%s: all %zu %s rows are good; nothing was written (dry run)\n", file, rows,
			    what);
			rc = 0;
		}
	} else if (db_commit(db) != HM_OK) {
		rc = ctl_fail("%s: the import could not be committed; nothing was imported", file);
	} else {
		printf("imported %zu %s into %s from %s\n", rows, rows == 1 ? (jobs ? "job" : "passport")
		    : what, shop, file);
		log_event("import", "%zu %s into shop %s", rows, what, shop);
		if (!jobs && !*cfg->legacy_lookups_until)
			printf("note: /verify takes identity numbers and NXP- codes only while "
			    "legacy_lookups_until (hallmark.conf) is a date to come; it is not set\n");
		rc = 0;
	}
out_txn:
	sodium_memzero(pc.master, sizeof pc.master);
	job_ctx_free(&jc);
out:
	csv_record_free(&rec);
	row_free(&row, ncols);
	db_close(db);
	free(data);
	return rc;
}
