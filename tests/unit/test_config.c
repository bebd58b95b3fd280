/* Unit tests for src/lib/config.c (the operator's configuration file) and
 * the formatting helpers of src/lib/web.c that need no request. */
#include "check.h"
#include "config.h"
#include "web.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static char tmpdir[] = "/tmp/hm-test-config-XXXXXX";
static char conf_path[300];

#define REQUIRED "database = /var/lib/hallmark/hallmark.db\n" \
	"secret_key_file = /etc/hallmark/secret.key\n" \
	"templates_dir = /usr/share/hallmark/templates\n"

/* Writes text to the test's config file and loads it. */
static int load(const char *text, struct config *c, char **err)
{
	FILE *f = fopen(conf_path, "w");
	if (!f) {
		perror(conf_path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
	*err = NULL;
	return config_load(c, conf_path, err);
}

/* Loads text expecting an error whose message contains want (and, when
 * want_line is set, that too). */
static void load_fails(const char *text, const char *want, const char *want_line)
{
	struct config c;
	char *err = NULL;
	int rc = load(text, &c, &err);
	CHECK(rc == -1);
	CHECK(err != NULL);
	if (rc == 0) {
		fprintf(stderr, "  accepted: %s\n", text);
		config_free(&c);
	}
	if (err && want && !strstr(err, want))
		fprintf(stderr, "  error \"%s\" lacks \"%s\"\n", err, want);
	if (err && want)
		CHECK(strstr(err, want) != NULL);
	if (err && want_line) {
		if (!strstr(err, want_line))
			fprintf(stderr, "  error \"%s\" lacks \"%s\"\n", err, want_line);
		CHECK(strstr(err, want_line) != NULL);
	}
	/* A failed load leaves nothing to free. */
	CHECK(c.database == NULL && c.base_url == NULL && c.templates_dir == NULL);
	free(err);
}

static void test_defaults(void)
{
	struct config c;
	char *err;

	CHECK(load(REQUIRED, &c, &err) == 0);
	CHECK(err == NULL);
	CHECK_STR(c.database, "/var/lib/hallmark/hallmark.db");
	CHECK_STR(c.secret_key_file, "/etc/hallmark/secret.key");
	CHECK_STR(c.templates_dir, "/usr/share/hallmark/templates");
	CHECK_STR(c.ratelimit_database, "/var/lib/hallmark/hallmark.db.ratelimit");
	CHECK_STR(c.media_dir, "/var/lib/hallmark/hallmark.db.media");
	CHECK_STR(c.static_url, "/static");
	CHECK_STR(c.base_url, "");
	CHECK_STR(c.default_timezone, "UTC");
	CHECK_STR(c.trusted_proxy, "");
	CHECK(c.cookie_secure == -1);
	CHECK(c.ratelimit_window == 600);
	CHECK(c.ratelimit_lookups == 30);
	CHECK(c.ratelimit_login == 10);
	CHECK(c.session_idle == 8 * 3600);
	CHECK(c.session_absolute == 7 * 86400);
	CHECK(c.max_body == 256 * 1024);
	CHECK_STR(c.legacy_lookups_until, "");
	config_free(&c);
	CHECK(c.database == NULL && c.ratelimit_database == NULL && c.base_url == NULL);
	config_free(&c);	/* twice is harmless */

	/* Empty values of defaulted keys get the default too. */
	CHECK(load(REQUIRED "ratelimit_database =\nmedia_dir = \ndefault_timezone=\n", &c, &err) == 0);
	CHECK_STR(c.ratelimit_database, "/var/lib/hallmark/hallmark.db.ratelimit");
	CHECK_STR(c.media_dir, "/var/lib/hallmark/hallmark.db.media");
	CHECK_STR(c.default_timezone, "UTC");
	config_free(&c);
}

static void test_every_key(void)
{
	struct config c;
	char *err;
	const char *text =
	    "database = /srv/h/main.db\n"
	    "ratelimit_database = /srv/h/rl.db\n"
	    "media_dir = /srv/h/media\n"
	    "secret_key_file = /srv/h/key\n"
	    "templates_dir = /srv/h/templates\n"
	    "static_url = https://cdn.example.com/h\n"
	    "base_url = https://track.example.com\n"
	    "default_timezone = Europe/London\n"
	    "trusted_proxy = 10.0.0.1\n"
	    "cookie_secure = yes\n"
	    "ratelimit_window = 60\n"
	    "ratelimit_lookups = 7\n"
	    "ratelimit_login = 3\n"
	    "session_idle = 900\n"
	    "session_absolute = 86400\n"
	    "max_body = 1048576\n"
	    "legacy_lookups_until = 2027-06-30\n";

	CHECK(load(text, &c, &err) == 0);
	CHECK_STR(c.database, "/srv/h/main.db");
	CHECK_STR(c.ratelimit_database, "/srv/h/rl.db");
	CHECK_STR(c.media_dir, "/srv/h/media");
	CHECK_STR(c.secret_key_file, "/srv/h/key");
	CHECK_STR(c.templates_dir, "/srv/h/templates");
	CHECK_STR(c.static_url, "https://cdn.example.com/h");
	CHECK_STR(c.base_url, "https://track.example.com");
	CHECK_STR(c.default_timezone, "Europe/London");
	CHECK_STR(c.trusted_proxy, "10.0.0.1");
	CHECK(c.cookie_secure == 1);
	CHECK(c.ratelimit_window == 60);
	CHECK(c.ratelimit_lookups == 7);
	CHECK(c.ratelimit_login == 3);
	CHECK(c.session_idle == 900);
	CHECK(c.session_absolute == 86400);
	CHECK(c.max_body == 1048576);
	CHECK_STR(c.legacy_lookups_until, "2027-06-30");
	config_free(&c);

	/* Limits at both ends of their ranges. */
	CHECK(load(REQUIRED "ratelimit_window = 1\nsession_idle = 60\nsession_absolute = 60\n"
	    "max_body = 1024\nratelimit_lookups = 1\nratelimit_login = 1\n", &c, &err) == 0);
	CHECK(c.ratelimit_window == 1 && c.session_idle == 60 && c.session_absolute == 60);
	CHECK(c.max_body == 1024 && c.ratelimit_lookups == 1 && c.ratelimit_login == 1);
	config_free(&c);
	CHECK(load(REQUIRED "ratelimit_window = 86400\nsession_idle = 2592000\n"
	    "session_absolute = 31536000\nmax_body = 67108864\nratelimit_lookups = 1000000\n",
	    &c, &err) == 0);
	CHECK(c.ratelimit_window == 86400 && c.session_idle == 30 * 86400);
	CHECK(c.session_absolute == 365 * 86400 && c.max_body == 64L << 20);
	CHECK(c.ratelimit_lookups == 1000000);
	config_free(&c);

	/* A value may hold '=' (only the first one splits); a key given twice
	 * is read without leaking the first value. */
	CHECK(load(REQUIRED "base_url = https://x.example/?a=b\nstatic_url = /a\nstatic_url = /b\n",
	    &c, &err) == 0);
	CHECK_STR(c.base_url, "https://x.example/?a=b");
	CHECK(c.static_url != NULL);
	config_free(&c);
}

static void test_cookie_secure(void)
{
	static const struct { const char *v; int want; } cases[] = {
		{ "auto", -1 }, { "yes", 1 }, { "no", 0 },
		{ "true", 1 }, { "false", 0 }, { "1", 1 }, { "0", 0 },
	};
	struct config c;
	char *err;
	char text[512];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, REQUIRED "cookie_secure = %s\n", cases[i].v);
		int rc = load(text, &c, &err);
		CHECK(rc == 0);
		if (rc == 0) {
			CHECK(c.cookie_secure == cases[i].want);
			config_free(&c);
		}
	}
	/* An explicit "no" after "yes": the last one counts. */
	CHECK(load(REQUIRED "cookie_secure = yes\ncookie_secure = no\n", &c, &err) == 0);
	CHECK(c.cookie_secure == 0);
	config_free(&c);
	load_fails(REQUIRED "cookie_secure = maybe\n", "cookie_secure", NULL);
	load_fails(REQUIRED "cookie_secure =\n", "cookie_secure", NULL);
	load_fails(REQUIRED "cookie_secure = 2\n", "cookie_secure", NULL);
	load_fails(REQUIRED "cookie_secure = yess\n", "cookie_secure", NULL);
}

static void test_errors(void)
{
	/* Unknown keys, named with their line (a typo must not go unnoticed). */
	load_fails(REQUIRED "ratelimit_lookup = 5\n", "ratelimit_lookup", "line 4");
	load_fails("database = /x\nbogus = 1\n", "bogus", "line 2");
	load_fails("Database = /x\n", "Database", "line 1");
	load_fails(REQUIRED "[section]\n", NULL, "line 4");
	load_fails(REQUIRED "just some words\n", NULL, "line 4");
	load_fails(REQUIRED "# comment\n  # indented comment\nnope = 1\n", "nope", "line 6");
	/* Blank lines count as lines too: an operator goes by the editor's
	 * line numbers. strtok_r skips empty lines, so this says "line 1". */
	{
		struct config c;
		char *err;
		int rc = load("\n\n\nbogus = 1\n", &c, &err);
		CHECK(rc == -1);
		CHECK(err && strstr(err, "line 4"));
		if (rc == 0)
			config_free(&c);
		free(err);
	}

	/* Bad numbers and numbers out of range. */
	static const char *const bad[] = {
		"ratelimit_window = abc", "ratelimit_window = 10x", "ratelimit_window = ",
		"ratelimit_window = 1.5", "ratelimit_window = 0x10", "ratelimit_window = 1 0",
		"ratelimit_window = 0", "ratelimit_window = -1", "ratelimit_window = 86401",
		"ratelimit_window = 99999999999999999999",
		"ratelimit_lookups = 0", "ratelimit_lookups = 1000001",
		"ratelimit_login = 0", "ratelimit_login = -5",
		"session_idle = 59", "session_idle = 2592001",
		"session_absolute = 59", "session_absolute = 31536001",
		"max_body = 1023", "max_body = 67108865", "max_body = 4294967296",
		"max_body = 9223372036854775807", "max_body = -9223372036854775808",
	};
	char text[512];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char key[64];
		snprintf(text, sizeof text, REQUIRED "%s\n", bad[i]);
		snprintf(key, sizeof key, "%.*s", (int)strcspn(bad[i], " "), bad[i]);
		load_fails(text, key, NULL);
	}

	/* The legacy-lookup sunset is a date or nothing. */
	load_fails(REQUIRED "legacy_lookups_until = soon\n", "legacy_lookups_until", NULL);
	load_fails(REQUIRED "legacy_lookups_until = 2027-13-01\n", "legacy_lookups_until", NULL);
	load_fails(REQUIRED "legacy_lookups_until = 2027-06-00\n", "legacy_lookups_until", NULL);
	load_fails(REQUIRED "legacy_lookups_until = 2027-6-30\n", "legacy_lookups_until", NULL);
	load_fails(REQUIRED "legacy_lookups_until = 30/06/2027\n", "legacy_lookups_until", NULL);
	load_fails(REQUIRED "legacy_lookups_until = 2027-06-30x\n", "legacy_lookups_until", NULL);
	{
		struct config c;
		char *err;
		CHECK(load(REQUIRED "legacy_lookups_until =\n", &c, &err) == 0);
		CHECK_STR(c.legacy_lookups_until, "");
		config_free(&c);
	}

	/* Required keys, missing or empty. */
	load_fails("", "required", NULL);
	load_fails("# nothing but a comment\n", "required", NULL);
	load_fails("secret_key_file = /k\ntemplates_dir = /t\n", "required", NULL);
	load_fails("database = /d\ntemplates_dir = /t\n", "required", NULL);
	load_fails("database = /d\nsecret_key_file = /k\n", "required", NULL);
	load_fails("database =\nsecret_key_file = /k\ntemplates_dir = /t\n", "required", NULL);
	load_fails("database = /d\nsecret_key_file = # gone\ntemplates_dir = /t\n", "required", NULL);

	/* A file that is not there names itself. */
	struct config c;
	char *err = NULL;
	char missing[400];
	snprintf(missing, sizeof missing, "%s/absent.conf", tmpdir);
	CHECK(config_load(&c, missing, &err) == -1);
	CHECK(err && strstr(err, missing));
	free(err);
}

static void test_syntax(void)
{
	struct config c;
	char *err;
	const char *text =
	    "# Hallmark configuration\n"
	    "\n"
	    "   # indented comment\n"
	    "\t\n"
	    "database=/d.db\n"
	    "  secret_key_file   =   /k   \n"
	    "\ttemplates_dir\t=\t/t\t\n"
	    "default_timezone = Asia/Tokyo # where the shop is\n"
	    "trusted_proxy = 127.0.0.1#no space before the comment\n"
	    "session_idle = 3600   # one hour\n"
	    "\n\n";

	CHECK(load(text, &c, &err) == 0);
	if (err)
		fprintf(stderr, "  %s\n", err);
	CHECK_STR(c.database, "/d.db");
	CHECK_STR(c.secret_key_file, "/k");
	CHECK_STR(c.templates_dir, "/t");
	CHECK_STR(c.default_timezone, "Asia/Tokyo");
	CHECK_STR(c.trusted_proxy, "127.0.0.1");
	CHECK(c.session_idle == 3600);
	config_free(&c);

	/* CRLF line endings (a file edited on Windows) and no final newline. */
	CHECK(load("database = /d.db\r\nsecret_key_file = /k\r\ntemplates_dir = /t\r\n"
	    "ratelimit_window = 120\r\nbase_url = https://a.example/\r\ncookie_secure = no", &c, &err) == 0);
	CHECK_STR(c.database, "/d.db");
	CHECK(c.ratelimit_window == 120);
	CHECK_STR(c.base_url, "https://a.example");
	CHECK(c.cookie_secure == 0);
	config_free(&c);

	/* Trailing slashes come off base_url, however many. */
	static const struct { const char *in, *want; } urls[] = {
		{ "https://track.example.com/", "https://track.example.com" },
		{ "https://track.example.com///", "https://track.example.com" },
		{ "https://track.example.com", "https://track.example.com" },
		{ "http://127.0.0.1:8080/", "http://127.0.0.1:8080" },
		{ "/", "" },
		{ "", "" },
	};
	char t[512];
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		snprintf(t, sizeof t, REQUIRED "base_url = %s\n", urls[i].in);
		CHECK(load(t, &c, &err) == 0);
		CHECK_STR(c.base_url, urls[i].want);
		config_free(&c);
	}

	/* HALLMARK_CONFIG names the file when no path is given. */
	CHECK(load(REQUIRED "ratelimit_login = 4\n", &c, &err) == 0);
	config_free(&c);
	setenv(HM_CONFIG_ENV, conf_path, 1);
	CHECK_STR(config_path(), conf_path);
	err = NULL;
	CHECK(config_load(&c, NULL, &err) == 0);
	CHECK(c.ratelimit_login == 4);
	config_free(&c);
	setenv(HM_CONFIG_ENV, "", 1);
	CHECK(strcmp(config_path(), "") != 0 && strcmp(config_path(), conf_path) != 0);
	unsetenv(HM_CONFIG_ENV);
	CHECK(strcmp(config_path(), conf_path) != 0);

	/* A file larger than any configuration is refused, not half read. */
	FILE *f = fopen(conf_path, "w");
	fputs(REQUIRED, f);
	for (int i = 0; i < 5000; i++)
		fputs("# padding padding padding\n", f);
	fclose(f);
	err = NULL;
	CHECK(config_load(&c, conf_path, &err) == -1);
	free(err);
}

/* ---- web.c formatting ---- */

static void test_fmt_money(void)
{
	static const struct { int64_t cents; const char *want; } cases[] = {
		{ 0, "0.00" }, { 5, "0.05" }, { 10, "0.10" }, { 99, "0.99" },
		{ 100, "1.00" }, { 101, "1.01" }, { 123456, "1234.56" },
		{ 100000000, "1000000.00" },
		{ -5, "-0.05" }, { -99, "-0.99" }, { -100, "-1.00" }, { -123456, "-1234.56" },
		{ INT64_MAX, "92233720368547758.07" },
		{ INT64_MIN, "-92233720368547758.08" },
	};
	char out[64];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fmt_money(cases[i].cents, out, sizeof out);
		CHECK_STR(out, cases[i].want);
	}
	/* A short buffer truncates and stays terminated. */
	memset(out, 'x', sizeof out);
	fmt_money(123456, out, 5);
	CHECK_STR(out, "1234");
}

static void test_fmt_date(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "2026-11-24", "Tue 24 Nov 2026" },
		{ "2026-01-05", "Mon 5 Jan 2026" },
		{ "2024-02-29", "Thu 29 Feb 2024" },
		{ "2000-03-01", "Wed 1 Mar 2000" },
		{ "2026-12-31", "Thu 31 Dec 2026" },
		/* not dates: copied as they are (escaping is the template's job) */
		{ "", "" },
		{ "soon", "soon" },
		{ "next Tuesday", "next Tuesday" },
		{ "2026-11-24x", "2026-11-24x" },
		{ "2026-11-24T10:00", "2026-11-24T10:00" },
		{ "2026-13-01", "2026-13-01" },
		{ "2026-00-10", "2026-00-10" },
		{ "2026-11-00", "2026-11-00" },
		{ "2026-11-32", "2026-11-32" },
		{ "24/11/2026", "24/11/2026" },
		{ "<b>2026</b>", "<b>2026</b>" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
	};
	char out[64];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fmt_date(cases[i].in, DATE_SHORT, out, sizeof out);
		CHECK_STR(out, cases[i].want);
	}
	fmt_date(NULL, DATE_SHORT, out, sizeof out);
	CHECK_STR(out, "");
	/* Truncation keeps the buffer terminated. */
	fmt_date("a long string that does not fit", DATE_SHORT, out, 8);
	CHECK_STR(out, "a long ");
	fmt_date("2026-11-24", DATE_SHORT, out, 8);
	CHECK(strlen(out) < 8);

	/* Days a month does not have are not dates either; strptime takes
	 * them and timegm rolls them into the next month. */
	fmt_date("2026-02-30", DATE_SHORT, out, sizeof out);
	CHECK(strcmp(out, "2026-02-30") == 0);	/* says "Mon 2 Mar 2026" */
	fmt_date("2026-04-31", DATE_SHORT, out, sizeof out);
	CHECK(strcmp(out, "2026-04-31") == 0);	/* says "Fri 1 May 2026" */

	/* The certificates' long form, from the same formatter. */
	fmt_date("2026-11-24", DATE_LONG, out, sizeof out);
	CHECK_STR(out, "24 November 2026");
	fmt_date("2024-02-29", DATE_LONG, out, sizeof out);
	CHECK_STR(out, "29 February 2024");
	fmt_date("c. 1925", DATE_LONG, out, sizeof out);
	CHECK_STR(out, "c. 1925");
}

#define SUMMER ((time_t)1782907200)	/* 2026-07-01 12:00:00 UTC */
#define WINTER ((time_t)1768478400)	/* 2026-01-15 12:00:00 UTC */
#define LATE   ((time_t)1795563000)	/* 2026-11-24 23:30:00 UTC */
#define SPRING ((time_t)1774745940)	/* 2026-03-29 00:59:00 UTC, a minute before BST */

static void test_fmt_time(void)
{
	char out[64];

	fmt_time(SUMMER, "Europe/London", out, sizeof out);
	CHECK_STR(out, "1 Jul 2026, 13:00");
	fmt_time(WINTER, "Europe/London", out, sizeof out);
	CHECK_STR(out, "15 Jan 2026, 12:00");
	fmt_time(WINTER, "Asia/Tokyo", out, sizeof out);
	CHECK_STR(out, "15 Jan 2026, 21:00");
	fmt_time(SUMMER, "Asia/Tokyo", out, sizeof out);
	CHECK_STR(out, "1 Jul 2026, 21:00");
	/* Back and forth: the zone is switched, not stuck on the first. */
	fmt_time(SUMMER, "Europe/London", out, sizeof out);
	CHECK_STR(out, "1 Jul 2026, 13:00");
	fmt_time(SUMMER, "UTC", out, sizeof out);
	CHECK_STR(out, "1 Jul 2026, 12:00");
	fmt_time(SUMMER, NULL, out, sizeof out);
	CHECK_STR(out, "1 Jul 2026, 12:00");
	fmt_time(SUMMER, "", out, sizeof out);
	CHECK_STR(out, "1 Jul 2026, 12:00");
	fmt_time(LATE, "America/New_York", out, sizeof out);
	CHECK_STR(out, "24 Nov 2026, 18:30");
	/* Across the spring change. */
	fmt_time(SPRING, "Europe/London", out, sizeof out);
	CHECK_STR(out, "29 Mar 2026, 00:59");
	fmt_time(SPRING + 60, "Europe/London", out, sizeof out);
	CHECK_STR(out, "29 Mar 2026, 02:00");
	/* An unknown zone still prints something; a tiny buffer prints "?". */
	fmt_time(SUMMER, "Not/A_Zone", out, sizeof out);
	CHECK(out[0] != '\0');
	fmt_time(SUMMER, "UTC", out, 5);
	CHECK_STR(out, "?");
}

static void test_today_iso(void)
{
	char d[11];

	today_iso(LATE, "UTC", d);
	CHECK_STR(d, "2026-11-24");
	today_iso(LATE, "Asia/Tokyo", d);
	CHECK_STR(d, "2026-11-25");
	today_iso(LATE, "Europe/London", d);
	CHECK_STR(d, "2026-11-24");
	today_iso(LATE, "America/Los_Angeles", d);
	CHECK_STR(d, "2026-11-24");
	today_iso(LATE, "Pacific/Kiritimati", d);
	CHECK_STR(d, "2026-11-25");
	today_iso(LATE, NULL, d);
	CHECK_STR(d, "2026-11-24");
	today_iso(SUMMER, "Europe/London", d);
	CHECK_STR(d, "2026-07-01");
	today_iso((time_t)1767225600 - 1, "UTC", d);	/* 2025-12-31 23:59:59 */
	CHECK_STR(d, "2025-12-31");
	today_iso((time_t)1767225600 - 1, "Europe/Berlin", d);
	CHECK_STR(d, "2026-01-01");
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(conf_path, sizeof conf_path, "%s/hallmark.conf", tmpdir);
	test_defaults();
	test_every_key();
	test_cookie_secure();
	test_errors();
	test_syntax();
	test_fmt_money();
	test_fmt_date();
	test_fmt_time();
	test_today_iso();
	unlink(conf_path);
	rmdir(tmpdir);
	return check_summary("config");
}
