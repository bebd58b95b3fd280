/* hallmarkctl shop list | edit: what an operator sees and changes of the
 * installation's shops without signing in to each. Every value is checked
 * as the Settings page checks it; a bad one changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "ctl.h"
#include "db.h"
#include "i18n.h"
#include "model.h"
#include "request.h"
#include "shop.h"
#include "util.h"

int ctl_shop_list(const struct config *cfg)
{
	sqlite3 *db = ctl_open_rw(cfg);
	int s, n = 0;
	if (!db)
		return 1;
	sqlite3_stmt *st = db_prepare(db, "SELECT slug, name, timezone, language, "
	    "(SELECT count(*) FROM jobs WHERE shop_id = shops.id AND deleted_at IS NULL), "
	    "(SELECT count(*) FROM jobs WHERE shop_id = shops.id AND deleted_at IS NULL "
	    " AND closed_at IS NULL), "
	    "(SELECT count(*) FROM passports WHERE shop_id = shops.id AND deleted_at IS NULL), "
	    "(SELECT count(*) FROM users WHERE shop_id = shops.id AND disabled = 0) "
	    "FROM shops ORDER BY slug");
	if (!st) {
		db_close(db);
		return ctl_fail("cannot read the shops");
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (!n++)
			printf("%-20s %-30s %-20s %-4s %7s %7s %9s %5s\n", "SLUG", "NAME", "TIMEZONE", "LANG",
			    "JOBS", "OPEN", "PASSPORTS", "USERS");
		printf("%-20s %-30s %-20s %-4s %7d %7d %9d %5d\n", db_col_str(st, 0), db_col_str(st, 1),
		    db_col_str(st, 2), db_col_str(st, 3), sqlite3_column_int(st, 4),
		    sqlite3_column_int(st, 5), sqlite3_column_int(st, 6), sqlite3_column_int(st, 7));
	}
	sqlite3_finalize(st);
	db_close(db);
	if (s != SQLITE_DONE)
		return ctl_fail("cannot read the shops");
	if (!n)
		printf("no shops yet: hallmarkctl shop add SLUG NAME [TIMEZONE]\n");
	return 0;
}

/* The options of shop edit, with the Settings page's rules (src/admin.c). */
enum { O_NAME, O_TIMEZONE, O_LANGUAGE, O_COUNTRY, O_EMAIL, O_PHONE, O_RETENTION, O_COUNT };
static const struct {
	const char *option;
	struct param p;
	const char *expect;
} options[O_COUNT] = {
	[O_NAME] = {"--name", {"name", v_string, 120, 0, 0, 0, NULL}, "the shop's name, up to 120 characters"},
	[O_TIMEZONE] = {"--timezone", {"timezone", v_tzname, 64, 0, 0, 0, NULL},
	    "a time zone such as Europe/London"},
	[O_LANGUAGE] = {"--language", {"language", v_string, 8, 0, 0, 0, NULL},
	    "one of Hallmark's languages: en, ar, de, es, fr, it"},
	[O_COUNTRY] = {"--country", {"country", v_country, 2, 0, 0, 0, NULL},
	    "the two-letter code of the country local phone numbers belong to, such as GB"},
	[O_EMAIL] = {"--email", {"email", v_email, 200, 0, 0, 0, NULL}, "an email address"},
	[O_PHONE] = {"--phone", {"phone", v_phone, 40, 0, 0, 0, NULL},
	    "a phone number (digits, spaces and + - ( ) .)"},
	[O_RETENTION] = {"--retention-days", {"retention_days", v_int, 4, 0, 1, 3650, NULL},
	    "how many days a finished job's page keeps working, 1 to 3650"},
};

int ctl_shop_edit(const struct config *cfg, int argc, char **argv)
{
	char *val[O_COUNT] = {0};
	int64_t ival[O_COUNT] = {0};
	struct shop s = {0};
	int64_t id;
	int rc = 1, given = 0;
	sqlite3 *db = NULL;

	if (argc < 1 || argv[0][0] == '-')
		return ctl_fail("usage: hallmarkctl shop edit SLUG [--name NAME] [--timezone TZ] "
		    "[--language LANG] [--country CC] [--email EMAIL] [--phone PHONE] [--retention-days N]");
	for (int i = 1; i < argc; i++) {
		int o;
		for (o = 0; o < O_COUNT && strcmp(argv[i], options[o].option); o++)
			;
		if (o == O_COUNT) {
			rc = ctl_fail("shop edit: unknown option '%s'", argv[i]);
			goto out;
		}
		if (i + 1 >= argc) {
			rc = ctl_fail("shop edit: %s needs a value: %s", argv[i], options[o].expect);
			goto out;
		}
		if (val[o]) {
			rc = ctl_fail("shop edit: %s is given twice", argv[i]);
			goto out;
		}
		const char *v = argv[++i];
		if (req_check_value(&options[o].p, v, &val[o], &ival[o]) != FERR_NONE ||
		    (o == O_NAME && !*val[o])) {
			rc = ctl_fail("shop edit: %s '%s': give %s", options[o].option, v, options[o].expect);
			goto out;
		}
		given++;
	}
	if (!given) {
		rc = ctl_fail("shop edit: nothing to change (give --name, --timezone, --language, "
		    "--country, --email, --phone or --retention-days)");
		goto out;
	}
	if (val[O_TIMEZONE]) {
		char *path = xasprintf("/usr/share/zoneinfo/%s", val[O_TIMEZONE]);
		int ok = access(path, R_OK) == 0;
		free(path);
		if (!ok) {
			rc = ctl_fail("shop edit: unknown time zone '%s'", val[O_TIMEZONE]);
			goto out;
		}
	}
	if (val[O_LANGUAGE]) {
		const struct lang *l = lang_find(val[O_LANGUAGE]);
		if (!l || strcmp(l->code, val[O_LANGUAGE])) {
			rc = ctl_fail("shop edit: --language '%s': give %s", val[O_LANGUAGE],
			    options[O_LANGUAGE].expect);
			goto out;
		}
	}
	if (!(db = ctl_open_rw(cfg)))
		goto out;
	if (shop_find_slug(db, argv[0], &id) != HM_OK || shop_get(db, id, &s) != HM_OK) {
		rc = ctl_fail("no shop called '%s' (hallmarkctl shop list)", argv[0]);
		goto out;
	}
	/* The rest of the shop's settings stay as they are. */
	struct shop e = s;
	if (val[O_NAME])
		e.name = val[O_NAME];
	if (val[O_TIMEZONE])
		e.timezone = val[O_TIMEZONE];
	if (val[O_LANGUAGE])
		e.language = val[O_LANGUAGE];
	if (val[O_COUNTRY])
		e.phone_country = val[O_COUNTRY];
	if (val[O_EMAIL])
		e.email = val[O_EMAIL];
	if (val[O_PHONE])
		e.phone = val[O_PHONE];
	if (val[O_RETENTION])
		e.retention_days = (int)ival[O_RETENTION];
	/* In the shop's audit trail, by "hallmarkctl", like the Settings page. */
	audit_watch(AUDIT_SHOP, id, id, "settings", 0);
	enum hm_rc r = shop_update(db, &e, NULL);
	if (r != HM_OK) {
		rc = ctl_fail("could not change shop '%s'%s", argv[0], r == HM_BUSY ? " (database busy)" : "");
		goto out;
	}
	printf("shop %s changed:", argv[0]);
	for (int o = 0; o < O_COUNT; o++)
		if (val[o])
			printf(" %s %s", options[o].p.name, val[o]);
	printf("\n");
	rc = 0;
out:
	for (int o = 0; o < O_COUNT; o++)
		free(val[o]);
	shop_free(&s);
	db_close(db);
	return rc;
}
