/* Unit tests for src/lib/request.c: validators, form parsing, cookies and
 * req_parse driven through a real CGI environment and stdin pipe. */
#include "check.h"
#include "request.h"
#include "util.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- validators ---- */

struct vcase {
	validator_fn fn;
	const char *in;
	int ok;
	const char *val;	/* expected f->val when ok */
	int64_t ival;
	int64_t min, max;	/* for v_int */
};

#define BIG_CENTS INT64_C(1000000000000)

static const struct vcase vcases[] = {
	{ v_string, "hello", 1, "hello", 0, 0, 0 },
	{ v_string, "  padded\t ", 1, "padded", 0, 0, 0 },
	{ v_string, "", 1, "", 0, 0, 0 },
	{ v_string, "   ", 1, "", 0, 0, 0 },
	{ v_string, "caf\xc3\xa9 au lait", 1, "caf\xc3\xa9 au lait", 0, 0, 0 },
	{ v_string, "two\nlines", 0, NULL, 0, 0, 0 },
	{ v_string, "trailing newline\r\n", 1, "trailing newline", 0, 0, 0 },

	{ v_text, "a\r\nb\rc\nd", 1, "a\nb\nc\nd", 0, 0, 0 },
	{ v_text, "\r\n  body \r\n\r\n", 1, "body", 0, 0, 0 },
	{ v_text, "tab\there", 1, "tab\there", 0, 0, 0 },
	{ v_text, "\r\r\n", 1, "", 0, 0, 0 },
	{ v_text, "", 1, "", 0, 0, 0 },

	{ v_int, "42", 1, "42", 42, 0, 0 },
	{ v_int, "-7", 1, "-7", -7, 0, 0 },
	{ v_int, "007", 1, "7", 7, 0, 0 },
	{ v_int, " 12 ", 1, "12", 12, 0, 0 },
	{ v_int, "-0", 1, "0", 0, 0, 0 },
	{ v_int, "9223372036854775807", 1, "9223372036854775807", INT64_MAX, 0, 0 },
	{ v_int, "-9223372036854775808", 1, "-9223372036854775808", INT64_MIN, 0, 0 },
	{ v_int, "9223372036854775808", 0, NULL, 0, 0, 0 },
	{ v_int, "-9223372036854775809", 0, NULL, 0, 0, 0 },
	{ v_int, "99999999999999999999999", 0, NULL, 0, 0, 0 },
	{ v_int, "", 0, NULL, 0, 0, 0 },
	{ v_int, "-", 0, NULL, 0, 0, 0 },
	{ v_int, "+5", 0, NULL, 0, 0, 0 },
	{ v_int, "1.5", 0, NULL, 0, 0, 0 },
	{ v_int, "1e3", 0, NULL, 0, 0, 0 },
	{ v_int, "0x10", 0, NULL, 0, 0, 0 },
	{ v_int, "1 2", 0, NULL, 0, 0, 0 },
	{ v_int, "--1", 0, NULL, 0, 0, 0 },
	{ v_int, "1", 1, "1", 1, 1, 10 },
	{ v_int, "10", 1, "10", 10, 1, 10 },
	{ v_int, "0", 0, NULL, 0, 1, 10 },
	{ v_int, "11", 0, NULL, 0, 1, 10 },
	{ v_int, "-5", 1, "-5", -5, -10, -1 },
	{ v_int, "0", 1, "0", 0, 0, 5 },

	{ v_bool, "1", 1, "1", 1, 0, 0 },
	{ v_bool, "on", 1, "1", 1, 0, 0 },
	{ v_bool, "YES", 1, "1", 1, 0, 0 },
	{ v_bool, "True", 1, "1", 1, 0, 0 },
	{ v_bool, "0", 1, "0", 0, 0, 0 },
	{ v_bool, "off", 1, "0", 0, 0, 0 },
	{ v_bool, "No", 1, "0", 0, 0, 0 },
	{ v_bool, "FALSE", 1, "0", 0, 0, 0 },
	{ v_bool, "", 1, "0", 0, 0, 0 },
	{ v_bool, "2", 0, NULL, 0, 0, 0 },
	{ v_bool, "y", 0, NULL, 0, 0, 0 },
	{ v_bool, "truee", 0, NULL, 0, 0, 0 },
	{ v_bool, "onn", 0, NULL, 0, 0, 0 },

	{ v_date, "2024-02-29", 1, "2024-02-29", 20240229, 0, 0 },
	{ v_date, "2000-02-29", 1, "2000-02-29", 20000229, 0, 0 },
	{ v_date, "1900-01-01", 1, "1900-01-01", 19000101, 0, 0 },
	{ v_date, "2999-12-31", 1, "2999-12-31", 29991231, 0, 0 },
	{ v_date, "", 1, "", 0, 0, 0 },
	{ v_date, "2023-02-29", 0, NULL, 0, 0, 0 },
	{ v_date, "1900-02-29", 0, NULL, 0, 0, 0 },
	{ v_date, "2024-04-31", 0, NULL, 0, 0, 0 },
	{ v_date, "2024-13-01", 0, NULL, 0, 0, 0 },
	{ v_date, "2024-00-10", 0, NULL, 0, 0, 0 },
	{ v_date, "2024-01-00", 0, NULL, 0, 0, 0 },
	{ v_date, "1899-12-31", 0, NULL, 0, 0, 0 },
	{ v_date, "3000-01-01", 0, NULL, 0, 0, 0 },
	{ v_date, "2024-1-05", 0, NULL, 0, 0, 0 },
	{ v_date, "2024/01/05", 0, NULL, 0, 0, 0 },
	{ v_date, "05-01-2024", 0, NULL, 0, 0, 0 },
	{ v_date, "2024-01-05T10", 0, NULL, 0, 0, 0 },
	{ v_date, "2024-+1-05", 0, NULL, 0, 0, 0 },
	{ v_date, "abcd-ef-gh", 0, NULL, 0, 0, 0 },

	{ v_url, "https://pay.example.com/inv/42?x=1&y=2", 1, "https://pay.example.com/inv/42?x=1&y=2", 0, 0, 0 },
	{ v_url, "  http://example.com ", 1, "http://example.com", 0, 0, 0 },
	{ v_url, "", 1, "", 0, 0, 0 },
	{ v_url, "javascript:alert(1)", 0, NULL, 0, 0, 0 },
	{ v_url, "https://", 0, NULL, 0, 0, 0 },
	{ v_url, "https:///path", 0, NULL, 0, 0, 0 },
	{ v_url, "https://@evil.example", 0, NULL, 0, 0, 0 },
	{ v_url, "https://a.example/\"onmouseover=x", 0, NULL, 0, 0, 0 },
	{ v_url, "https://a.example/<b>", 0, NULL, 0, 0, 0 },
	{ v_url, "https://a.example/a b", 0, NULL, 0, 0, 0 },
	{ v_url, "ftp://a.example/", 0, NULL, 0, 0, 0 },
	{ v_url, "//a.example/", 0, NULL, 0, 0, 0 },
	{ v_url, "https://caf\xc3\xa9.example/", 0, NULL, 0, 0, 0 },
	{ v_email, "ann@example.com", 1, "ann@example.com", 0, 0, 0 },
	{ v_email, "Ann.Lee@Example.COM", 1, "Ann.Lee@example.com", 0, 0, 0 },
	{ v_email, "  a+tag@mail.example.org ", 1, "a+tag@mail.example.org", 0, 0, 0 },
	{ v_email, "", 1, "", 0, 0, 0 },
	{ v_email, "ann", 0, NULL, 0, 0, 0 },
	{ v_email, "@example.com", 0, NULL, 0, 0, 0 },
	{ v_email, "ann@", 0, NULL, 0, 0, 0 },
	{ v_email, "ann@localhost", 0, NULL, 0, 0, 0 },
	{ v_email, "a@b@example.com", 0, NULL, 0, 0, 0 },
	{ v_email, "ann lee@example.com", 0, NULL, 0, 0, 0 },
	{ v_email, "ann@exa mple.com", 0, NULL, 0, 0, 0 },
	{ v_email, "ann@.example.com", 0, NULL, 0, 0, 0 },
	{ v_email, "ann@example.com.", 0, NULL, 0, 0, 0 },
	{ v_email, "ann@example..com", 0, NULL, 0, 0, 0 },

	{ v_phone, "+44 (0)20 7946-0958", 1, "+44 (0)20 7946-0958", 0, 0, 0 },
	{ v_phone, "555.1234", 1, "555.1234", 0, 0, 0 },
	{ v_phone, "123", 1, "123", 0, 0, 0 },
	{ v_phone, "", 1, "", 0, 0, 0 },
	{ v_phone, "12", 0, NULL, 0, 0, 0 },
	{ v_phone, "+-()", 0, NULL, 0, 0, 0 },
	{ v_phone, "555-CALL-NOW", 0, NULL, 0, 0, 0 },
	{ v_phone, "123#4", 0, NULL, 0, 0, 0 },

	{ v_money, "1234", 1, "1234.00", 123400, 0, 0 },
	{ v_money, "1,234.50", 1, "1234.50", 123450, 0, 0 },
	{ v_money, "1,234,567.8", 1, "1234567.80", 123456780, 0, 0 },
	{ v_money, "0.05", 1, "0.05", 5, 0, 0 },
	{ v_money, "0", 1, "0.00", 0, 0, 0 },
	{ v_money, " 12.3 ", 1, "12.30", 1230, 0, 0 },
	{ v_money, "", 1, "", 0, 0, 0 },
	{ v_money, "10000000000", 1, "10000000000.00", BIG_CENTS, 0, 0 },
	{ v_money, "10,000,000,000.00", 1, "10000000000.00", BIG_CENTS, 0, 0 },
	{ v_money, "10000000000.01", 0, NULL, 0, 0, 0 },
	{ v_money, "99999999999999999999999", 0, NULL, 0, 0, 0 },
	{ v_money, "-5", 0, NULL, 0, 0, 0 },
	{ v_money, "5.", 0, NULL, 0, 0, 0 },
	{ v_money, ".5", 0, NULL, 0, 0, 0 },
	{ v_money, "5.123", 0, NULL, 0, 0, 0 },
	{ v_money, "1,23", 0, NULL, 0, 0, 0 },
	{ v_money, "1234,567", 0, NULL, 0, 0, 0 },
	{ v_money, ",123", 0, NULL, 0, 0, 0 },
	{ v_money, "1,,234", 0, NULL, 0, 0, 0 },
	{ v_money, "1,234,", 0, NULL, 0, 0, 0 },
	{ v_money, "1.2.3", 0, NULL, 0, 0, 0 },
	{ v_money, "$5", 0, NULL, 0, 0, 0 },
	{ v_money, "5 00", 0, NULL, 0, 0, 0 },

	{ v_token, "aZ09_-", 1, "aZ09_-", 0, 0, 0 },
	{ v_token, "", 0, NULL, 0, 0, 0 },
	{ v_token, "abc=", 0, NULL, 0, 0, 0 },
	{ v_token, "ab+/", 0, NULL, 0, 0, 0 },
	{ v_token, " abc", 0, NULL, 0, 0, 0 },

	{ v_word, "in_progress2", 1, "in_progress2", 0, 0, 0 },
	{ v_word, "", 0, NULL, 0, 0, 0 },
	{ v_word, "Ready", 0, NULL, 0, 0, 0 },
	{ v_word, "a-b", 0, NULL, 0, 0, 0 },
	{ v_word, "a b", 0, NULL, 0, 0, 0 },

	{ v_tzname, "Europe/London", 1, "Europe/London", 0, 0, 0 },
	{ v_tzname, "America/Argentina/Buenos_Aires", 1, "America/Argentina/Buenos_Aires", 0, 0, 0 },
	{ v_tzname, "Etc/GMT+5", 1, "Etc/GMT+5", 0, 0, 0 },
	{ v_tzname, "America/Port-au-Prince", 1, "America/Port-au-Prince", 0, 0, 0 },
	{ v_tzname, "UTC", 1, "UTC", 0, 0, 0 },
	{ v_tzname, "", 0, NULL, 0, 0, 0 },
	{ v_tzname, "/etc/passwd", 0, NULL, 0, 0, 0 },
	{ v_tzname, "Europe/../../etc", 0, NULL, 0, 0, 0 },
	{ v_tzname, "Europe//London", 0, NULL, 0, 0, 0 },
	{ v_tzname, "Europe/", 0, NULL, 0, 0, 0 },
	{ v_tzname, "Europe/Lon don", 0, NULL, 0, 0, 0 },
	{ v_tzname, "Europe\\London", 0, NULL, 0, 0, 0 },
	{ v_tzname, "A234567890123456789012345678901234567890123456789012345678901234", 1,
	  "A234567890123456789012345678901234567890123456789012345678901234", 0, 0, 0 },
	{ v_tzname, "A2345678901234567890123456789012345678901234567890123456789012345", 0,
	  NULL, 0, 0, 0 },
};

static void test_validators(void)
{
	for (size_t i = 0; i < HM_NELEM(vcases); i++) {
		const struct vcase *c = &vcases[i];
		struct param p = { .name = "x", .valid = c->fn, .min = c->min, .max = c->max };
		struct field f = { .raw = xstrdup(c->in), .rawlen = strlen(c->in) };
		int ok = c->fn(&f, &p);
		if (ok != c->ok)
			fprintf(stderr, "validator row %zu (\"%s\")\n", i, c->in);
		CHECK(ok == c->ok);
		if (ok && c->ok) {
			CHECK_STR(f.val, c->val);
			CHECK(f.ival == c->ival);
		}
		free(f.raw);
		free(f.val);
	}
}

/* A NUL inside raw never gets past the parser, but a direct caller of a
 * validator must not have it silently truncated. */
static void test_validator_nul(void)
{
	static const validator_fn all[] = { v_string, v_text, v_int, v_bool, v_date,
	    v_email, v_phone, v_money, v_token, v_word, v_tzname };
	for (size_t i = 0; i < HM_NELEM(all); i++) {
		struct param p = { .name = "x", .valid = all[i] };
		struct field f = { .raw = xstrndup("12\0" "3", 4), .rawlen = 4 };
		CHECK(all[i](&f, &p) == 0);
		CHECK(f.val == NULL);
		free(f.raw);
	}
}

/* ---- req_parse_data ---- */

enum { P_NAME, P_NOTES, P_QTY, P_SHORT, P_WHEN, NP };

static const struct param ptab[NP] = {
	[P_NAME] = { .name = "name", .valid = v_string },
	[P_NOTES] = { .name = "notes", .valid = v_text, .maxlen = 1000, .flags = PARAM_MULTILINE },
	[P_QTY] = { .name = "qty", .valid = v_int, .min = 1, .max = 100 },
	[P_SHORT] = { .name = "short", .valid = v_string, .maxlen = 5 },
	[P_WHEN] = { .name = "when_2", .valid = v_date },
};

#define FORM "application/x-www-form-urlencoded"

struct pcase {
	const char *query;
	const char *ctype;
	const char *body;
	size_t bodylen;		/* 0: strlen(body) */
	int status;
	/* Per field when status is 0: NULL absent, else val; invalid as
	 * "!raw" (refused by its validator), "#raw" (too long) or "^raw" (a
	 * control character). */
	const char *want[NP];
};

static const struct pcase pcases[] = {
	{ "", NULL, NULL, 0, 0, { 0 } },
	{ "name=Ann+Lee", NULL, NULL, 0, 0, { [P_NAME] = "Ann Lee" } },
	{ "name=%41nn%20Lee%2b1", NULL, NULL, 0, 0, { [P_NAME] = "Ann Lee+1" } },
	{ "name=caf%C3%A9", NULL, NULL, 0, 0, { [P_NAME] = "caf\xc3\xa9" } },
	{ "name=caf\xc3\xa9", NULL, NULL, 0, 0, { [P_NAME] = "caf\xc3\xa9" } },
	{ "name=%F0%9F%92%8D", NULL, NULL, 0, 0, { [P_NAME] = "\xf0\x9f\x92\x8d" } },
	{ "name=a=b", NULL, NULL, 0, 0, { [P_NAME] = "a=b" } },
	{ "name", NULL, NULL, 0, 0, { [P_NAME] = "" } },
	{ "name=", NULL, NULL, 0, 0, { [P_NAME] = "" } },
	{ "&&name=A&&qty=5&", NULL, NULL, 0, 0, { [P_NAME] = "A", [P_QTY] = "5" } },
	{ "&&&", NULL, NULL, 0, 0, { 0 } },
	{ "other=1&name=A&zz_9=%41", NULL, NULL, 0, 0, { [P_NAME] = "A" } },
	{ "na%6De=Z", NULL, NULL, 0, 0, { [P_NAME] = "Z" } },
	{ "when_2=2024-02-29", NULL, NULL, 0, 0, { [P_WHEN] = "2024-02-29" } },
	/* Validator failures mark the field, not the request. */
	{ "qty=abc&name=A", NULL, NULL, 0, 0, { [P_NAME] = "A", [P_QTY] = "!abc" } },
	{ "qty=0", NULL, NULL, 0, 0, { [P_QTY] = "!0" } },
	{ "qty=101", NULL, NULL, 0, 0, { [P_QTY] = "!101" } },
	{ "qty=100", NULL, NULL, 0, 0, { [P_QTY] = "100" } },
	{ "qty", NULL, NULL, 0, 0, { [P_QTY] = "!" } },
	{ "when_2=2023-02-29", NULL, NULL, 0, 0, { [P_WHEN] = "!2023-02-29" } },
	/* Bad escapes. */
	{ "name=%4", NULL, NULL, 0, 400, { 0 } },
	{ "name=%", NULL, NULL, 0, 400, { 0 } },
	{ "name=%zz", NULL, NULL, 0, 400, { 0 } },
	{ "name=a%2", NULL, NULL, 0, 400, { 0 } },
	{ "name=%%41", NULL, NULL, 0, 400, { 0 } },
	{ "unknown=%g0", NULL, NULL, 0, 400, { 0 } },
	{ "na%m=1", NULL, NULL, 0, 400, { 0 } },
	/* Names. */
	{ "Name=A", NULL, NULL, 0, 400, { 0 } },
	{ "1a=A", NULL, NULL, 0, 400, { 0 } },
	{ "_a=A", NULL, NULL, 0, 400, { 0 } },
	{ "a-b=1", NULL, NULL, 0, 400, { 0 } },
	{ "a.b=1", NULL, NULL, 0, 400, { 0 } },
	{ "a[]=1", NULL, NULL, 0, 400, { 0 } },
	{ "=x", NULL, NULL, 0, 400, { 0 } },
	{ "a+b=1", NULL, NULL, 0, 400, { 0 } },
	{ "name%00=1", NULL, NULL, 0, 400, { 0 } },
	/* Duplicates, in one part or across query and body. */
	{ "name=A&name=B", NULL, NULL, 0, 400, { 0 } },
	{ "name=A&name=A", NULL, NULL, 0, 400, { 0 } },
	{ "name&name", NULL, NULL, 0, 400, { 0 } },
	{ "name=A", FORM, "name=B", 0, 400, { 0 } },
	{ "other=1&other=2", NULL, NULL, 0, 0, { 0 } },
	/* Control characters (CR, LF and TAB only in multi-line fields) are
	 * the field's problem, not the request's: the form comes back. */
	{ "name=a%0Ab", NULL, NULL, 0, 0, { [P_NAME] = "^a\nb" } },
	{ "name=a%0Db", NULL, NULL, 0, 0, { [P_NAME] = "^a\rb" } },
	{ "name=a%09b", NULL, NULL, 0, 0, { [P_NAME] = "^a\tb" } },
	{ "name=a%00b&qty=2", NULL, NULL, 0, 0, { [P_NAME] = "^a", [P_QTY] = "2" } },
	{ "name=a%7Fb", NULL, NULL, 0, 0, { [P_NAME] = "^a\x7f" "b" } },
	{ "name=a%1Bb", NULL, NULL, 0, 0, { [P_NAME] = "^a\x1b" "b" } },
	{ "name=a%C2%85b", NULL, NULL, 0, 0, { [P_NAME] = "^a\xc2\x85" "b" } },
	{ "name=a%C2%A0b", NULL, NULL, 0, 0, { [P_NAME] = "a\xc2\xa0" "b" } },
	{ "notes=+one%0D%0Atwo%0Dthree%0A%09four+", NULL, NULL, 0, 0,
	  { [P_NOTES] = "one\ntwo\nthree\n\tfour" } },
	{ "notes=a%00", NULL, NULL, 0, 0, { [P_NOTES] = "^a" } },
	{ "notes=a%1B", NULL, NULL, 0, 0, { [P_NOTES] = "^a\x1b" } },
	{ "notes=a%0B", NULL, NULL, 0, 0, { [P_NOTES] = "^a\x0b" } },
	{ "notes=a%7F", NULL, NULL, 0, 0, { [P_NOTES] = "^a\x7f" } },
	/* Length in characters, as a form's maxlength counts them; over it,
	 * the field comes back as typed. */
	{ "short=12345", NULL, NULL, 0, 0, { [P_SHORT] = "12345" } },
	{ "short=123456", NULL, NULL, 0, 0, { [P_SHORT] = "#123456" } },
	{ "short=%31%32%33%34%35", NULL, NULL, 0, 0, { [P_SHORT] = "12345" } },
	{ "short=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9", NULL, NULL, 0, 0,
	  { [P_SHORT] = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" } },
	{ "short=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9", NULL, NULL, 0, 0,
	  { [P_SHORT] = "#\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" } },
	{ "short=%F0%9F%92%8D%F0%9F%92%8D%F0%9F%92%8D%F0%9F%92%8D%F0%9F%92%8D", NULL, NULL, 0, 0,
	  { [P_SHORT] = "\xf0\x9f\x92\x8d\xf0\x9f\x92\x8d\xf0\x9f\x92\x8d\xf0\x9f\x92\x8d"
	    "\xf0\x9f\x92\x8d" } },
	/* Invalid UTF-8. */
	{ "name=%C3", NULL, NULL, 0, 400, { 0 } },
	{ "name=%C3%28", NULL, NULL, 0, 400, { 0 } },
	{ "name=%C0%AF", NULL, NULL, 0, 400, { 0 } },
	{ "name=%E0%80%AF", NULL, NULL, 0, 400, { 0 } },
	{ "name=%ED%A0%80", NULL, NULL, 0, 400, { 0 } },
	{ "name=%F4%90%80%80", NULL, NULL, 0, 400, { 0 } },
	{ "name=%F0%9F%92", NULL, NULL, 0, 400, { 0 } },
	{ "name=%FF", NULL, NULL, 0, 400, { 0 } },
	{ "name=%80", NULL, NULL, 0, 400, { 0 } },
	{ "name=\xff", NULL, NULL, 0, 400, { 0 } },
	/* Bodies. */
	{ "", FORM, "name=Ann+Lee&qty=3", 0, 0, { [P_NAME] = "Ann Lee", [P_QTY] = "3" } },
	{ "qty=3", FORM "; charset=UTF-8", "name=B", 0, 0, { [P_NAME] = "B", [P_QTY] = "3" } },
	{ "", "APPLICATION/X-WWW-Form-Urlencoded", "name=B", 0, 0, { [P_NAME] = "B" } },
	{ "", " " FORM " ;charset=utf-8", "name=B", 0, 0, { [P_NAME] = "B" } },
	{ "", FORM, "name=a\0b", 8, 0, { [P_NAME] = "^a" } },
	{ "", FORM, "na\0e=x", 6, 400, { 0 } },
	{ "", FORM, "name=\xc3", 0, 400, { 0 } },
	{ "", FORM, "notes=a%0D%0Ab", 0, 0, { [P_NOTES] = "a\nb" } },
	{ "", FORM, "notes=a\r\nb", 0, 0, { [P_NOTES] = "a\nb" } },
	{ "", FORM, "name=a\nb", 0, 0, { [P_NAME] = "^a\nb" } },
	{ "", FORM "x", "name=A", 0, 415, { 0 } },
	{ "", FORM " x", "name=A", 0, 415, { 0 } },
	{ "", "text/plain", "name=A", 0, 415, { 0 } },
	{ "", "application/json", "{}", 0, 415, { 0 } },
	{ "", NULL, "name=A", 0, 415, { 0 } },
	{ "", "", "name=A", 0, 415, { 0 } },
	{ "", "multipart/form-data; boundary=x", "--x--\r\n", 0, 415, { 0 } },
	{ "name=A", NULL, "", 0, 0, { [P_NAME] = "A" } },
	{ "name=A", "application/json", "", 0, 0, { [P_NAME] = "A" } },
};

/* Checks one field against a want[] entry. */
static void check_field(const struct req *r, size_t i, const char *want)
{
	const struct field *f = &r->fields[i];
	char msg[200];
	if (!want) {
		CHECK(f->state == FIELD_ABSENT);
		CHECK(req_val(r, i) == NULL);
		CHECK(!req_invalid(r, i) && !req_present(r, i));
		CHECK(req_shown(r, i) == NULL);
		CHECK(req_message(r, i, "x", msg, sizeof msg) == NULL);
	} else if (want[0] == '!' || want[0] == '#' || want[0] == '^') {
		enum field_error e = want[0] == '!' ? FERR_FORMAT : want[0] == '#' ? FERR_TOO_LONG
		    : FERR_CONTROL;
		CHECK(f->state == FIELD_INVALID);
		CHECK(req_invalid(r, i) && req_present(r, i));
		CHECK(req_error(r, i) == e);
		CHECK(req_val(r, i) == NULL);
		CHECK(req_int(r, i, -99) == -99);
		/* What was typed, for the form to show again: a NUL ends it. */
		CHECK(strncmp(f->raw, want + 1, strlen(want + 1)) == 0);
		CHECK(req_message(r, i, "bad", msg, sizeof msg) != NULL);
		if (e == FERR_FORMAT) {
			CHECK_STR(msg, "bad");
			CHECK_STR(req_shown(r, i), f->raw);
		} else if (e == FERR_TOO_LONG) {
			CHECK(strstr(msg, "characters") != NULL);
			CHECK_STR(req_shown(r, i), f->raw);
		} else {
			/* Shown with each control character replaced, so the page
			 * stays valid and the person sees where it was. */
			const char *shown = req_shown(r, i);
			CHECK(shown && strstr(shown, "\xef\xbf\xbd") != NULL);
			for (const char *p = shown; p && *p; p++)
				CHECK((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\r' || *p == '\t');
		}
	} else {
		CHECK(f->state == FIELD_OK);
		CHECK(!req_invalid(r, i) && req_present(r, i));
		CHECK(req_error(r, i) == FERR_NONE);
		CHECK_STR(req_val(r, i), want);
		CHECK_STR(req_shown(r, i), want);
	}
}

static int run_parse(struct req *r, const char *query, size_t qlen, const char *ctype,
    const char *body, size_t bodylen, const char **why)
{
	memset(r, 0, sizeof *r);
	r->params = ptab;
	r->nparams = NP;
	r->fields = xcalloc(NP, sizeof *r->fields);
	*why = NULL;
	return req_parse_data(r, query, qlen, ctype, body, bodylen, why);
}

static void test_parse_table(void)
{
	for (size_t i = 0; i < HM_NELEM(pcases); i++) {
		const struct pcase *c = &pcases[i];
		struct req r;
		const char *why;
		size_t blen = c->body ? (c->bodylen ? c->bodylen : strlen(c->body)) : 0;
		int st = run_parse(&r, c->query, strlen(c->query), c->ctype, c->body, blen, &why);
		if (st != c->status)
			fprintf(stderr, "parse row %zu (\"%s\"): got %d (%s)\n", i, c->query, st,
			    why ? why : "");
		CHECK(st == c->status);
		CHECK(st == 0 ? why == NULL : why != NULL);
		for (size_t k = 0; st == 0 && c->status == 0 && k < NP; k++)
			check_field(&r, k, c->want[k]);
		if (st == 0 && c->want[P_QTY] && c->want[P_QTY][0] != '!')
			CHECK(req_int(&r, P_QTY, -1) == strtoll(c->want[P_QTY], NULL, 10));
		req_free(&r);
	}
}

/* RFC 8058's one-click unsubscribe: "List-Unsubscribe" (not a name of
 * ours) is read as REQ_ONE_CLICK_PARAM, urlencoded or multipart, on the
 * surface that declares it; elsewhere it is an unknown name, dropped, and
 * multipart stays refused. */
static void test_one_click(void)
{
	static const char *const one[] = {"One-Click", NULL};
	static const struct param utab[] = {
		{ .name = "fk", .valid = v_token, .maxlen = 64 },
		{ .name = REQ_ONE_CLICK_PARAM, .valid = v_choice, .maxlen = 16, .choices = one },
	};
	static const char rfc_example[] = "--FormBoundaryjWmhtjORrn\r\n"
	    "Content-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n"
	    "One-Click\r\n--FormBoundaryjWmhtjORrn--\r\n";
	static const struct {
		const char *ctype, *body;
		int status;
		const char *want;
	} cases[] = {
		{ FORM, "List-Unsubscribe=One-Click", 0, "One-Click" },
		{ FORM, "list_unsubscribe=One-Click", 0, "One-Click" },
		{ "multipart/form-data; boundary=FormBoundaryjWmhtjORrn", rfc_example, 0, "One-Click" },
		{ FORM, "List-Unsubscribe=One-Click&list_unsubscribe=One-Click", 400, NULL },
		{ FORM, "list-unsubscribe=One-Click", 400, NULL },
		{ FORM, "LIST-UNSUBSCRIBE=One-Click", 400, NULL },
		{ FORM, "List-Unsubscribe=Other", 0, "!" },
		{ FORM, "fk=abc", 0, NULL },
	};
	for (size_t i = 0; i < HM_NELEM(cases); i++) {
		struct req r;
		const char *why = NULL;
		memset(&r, 0, sizeof r);
		r.params = utab;
		r.nparams = HM_NELEM(utab);
		r.fields = xcalloc(r.nparams, sizeof *r.fields);
		int st = req_parse_data(&r, "", 0, cases[i].ctype, cases[i].body,
		    strlen(cases[i].body), &why);
		if (st != cases[i].status)
			fprintf(stderr, "one-click row %zu: got %d (%s)\n", i, st, why ? why : "");
		CHECK(st == cases[i].status);
		if (st == 0 && cases[i].want && cases[i].want[0] == '!')
			CHECK(req_invalid(&r, 1));
		else if (st == 0)
			CHECK_STR(req_val(&r, 1), cases[i].want);
		req_free(&r);
	}
	/* Elsewhere: dropped as unknown; multipart still refused. */
	struct req r;
	const char *why;
	CHECK(run_parse(&r, "", 0, FORM, "List-Unsubscribe=One-Click&name=A", 33, &why) == 0);
	CHECK_STR(req_val(&r, P_NAME), "A");
	req_free(&r);
	CHECK(run_parse(&r, "", 0, "multipart/form-data; boundary=FormBoundaryjWmhtjORrn",
	    rfc_example, strlen(rfc_example), &why) == 415);
	req_free(&r);
}

/* Builds "name=xxx...&" style strings of repeated pairs. */
static char *repeat_pairs(size_t n, const char *prefix)
{
	struct buf b = {0};
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s%zu=1", i ? "&" : "", prefix, i);
	return buf_detach(&b);
}

static void test_parse_limits(void)
{
	struct req r;
	const char *why;
	struct buf b = {0};
	char *s;

	/* REQ_MAX_FIELDS pairs, counted across query and body. */
	s = repeat_pairs(REQ_MAX_FIELDS, "x");
	CHECK(run_parse(&r, s, strlen(s), NULL, NULL, 0, &why) == 0);
	req_free(&r);
	free(s);
	s = repeat_pairs(REQ_MAX_FIELDS + 1, "x");
	CHECK(run_parse(&r, s, strlen(s), NULL, NULL, 0, &why) == 400);
	req_free(&r);
	CHECK(run_parse(&r, "", 0, FORM, s, strlen(s), &why) == 400);
	req_free(&r);
	free(s);
	{
		char *q = repeat_pairs(40, "q"), *body = repeat_pairs(REQ_MAX_FIELDS - 40 + 1, "b");
		CHECK(run_parse(&r, q, strlen(q), FORM, body, strlen(body), &why) == 400);
		req_free(&r);
		free(q);
		free(body);
	}
	/* Empty pairs are not counted. */
	s = repeat_pairs(REQ_MAX_FIELDS, "x");
	buf_puts(&b, s);
	for (int i = 0; i < 100; i++)
		buf_putc(&b, '&');
	CHECK(run_parse(&r, b.data, b.len, NULL, NULL, 0, &why) == 0);
	req_free(&r);
	buf_free(&b);
	free(s);

	/* Query string length. */
	buf_puts(&b, "name=");
	while (b.len < REQ_MAX_QUERY)
		buf_putc(&b, 'a');
	/* A value over its 256 characters is the field's problem. */
	CHECK(run_parse(&r, b.data, b.len, NULL, NULL, 0, &why) == 0);
	CHECK(req_error(&r, P_NAME) == FERR_TOO_LONG);
	req_free(&r);
	buf_reset(&b);
	buf_puts(&b, "other=");
	while (b.len < REQ_MAX_QUERY)
		buf_putc(&b, 'a');
	CHECK(run_parse(&r, b.data, b.len, NULL, NULL, 0, &why) == 0);
	req_free(&r);
	buf_putc(&b, 'a');
	CHECK(run_parse(&r, b.data, b.len, NULL, NULL, 0, &why) == 400);
	req_free(&r);
	buf_free(&b);

	/* Default maxlen is 256 characters. */
	buf_puts(&b, "name=");
	for (int i = 0; i < 256; i++)
		buf_putc(&b, 'a');
	CHECK(run_parse(&r, b.data, b.len, NULL, NULL, 0, &why) == 0);
	CHECK(req_val(&r, P_NAME) && strlen(req_val(&r, P_NAME)) == 256);
	req_free(&r);
	buf_putc(&b, 'a');
	CHECK(run_parse(&r, b.data, b.len, NULL, NULL, 0, &why) == 0);
	CHECK(req_error(&r, P_NAME) == FERR_TOO_LONG && req_maxlen(&r, P_NAME) == 256);
	CHECK(req_shown(&r, P_NAME) && strlen(req_shown(&r, P_NAME)) == 257);
	req_free(&r);
	buf_free(&b);

	/* A NULL query with zero length is allowed. */
	CHECK(run_parse(&r, NULL, 0, NULL, NULL, 0, &why) == 0);
	req_free(&r);
}

/* A surface that declares more parameters than REQ_MAX_FIELDS (the staff
 * surface's workflow form) may receive each of them once, and no more. */
static void test_parse_limit_follows_table(void)
{
	enum { NBIG = REQ_MAX_FIELDS + 40 };
	static char names[NBIG][16];
	static struct param big[NBIG];
	struct req r;
	const char *why;
	struct buf b = {0};

	for (size_t i = 0; i < NBIG; i++) {
		snprintf(names[i], sizeof names[i], "f%zu", i);
		big[i] = (struct param){ .name = names[i], .valid = v_string };
	}
	for (size_t i = 0; i < NBIG; i++)
		buf_printf(&b, "%sf%zu=x", i ? "&" : "", i);
	memset(&r, 0, sizeof r);
	r.params = big;
	r.nparams = NBIG;
	r.fields = xcalloc(NBIG, sizeof *r.fields);
	CHECK(req_parse_data(&r, "", 0, FORM, b.data, b.len, &why) == 0);
	CHECK(req_val(&r, NBIG - 1) && !strcmp(req_val(&r, NBIG - 1), "x"));
	req_free(&r);
	buf_puts(&b, "&unknown=1");
	memset(&r, 0, sizeof r);
	r.params = big;
	r.nparams = NBIG;
	r.fields = xcalloc(NBIG, sizeof *r.fields);
	CHECK(req_parse_data(&r, "", 0, FORM, b.data, b.len, &why) == 400);
	req_free(&r);
	buf_free(&b);
}

static void test_accessors(void)
{
	struct req r;
	const char *why;
	CHECK(run_parse(&r, "qty=7", 5, NULL, NULL, 0, &why) == 0);
	CHECK(req_int(&r, P_QTY, -1) == 7);
	CHECK(req_int(&r, P_NAME, -1) == -1);
	CHECK(req_val(&r, NP) == NULL);
	CHECK(req_int(&r, NP + 5, 3) == 3);
	CHECK(!req_invalid(&r, NP));
	req_free(&r);
	req_free(&r); /* safe twice */
	CHECK(r.fields == NULL);
}

/* ---- cookies ---- */

struct ccase {
	const char *header;
	const char *want;
};

static const struct ccase ccases[] = {
	{ "hm_session=abc", "abc" },
	{ "a=1; hm_session=abc; b=2", "abc" },
	{ "a=1;hm_session=abc", "abc" },
	{ "  hm_session = abc  ; x=y", "abc" },
	{ "a=1; ; hm_session=z", "z" },
	{ "hm_session=\"quoted-v\"", "quoted-v" },
	{ "hm_session=\"", "\"" },
	{ "hm_session=a=b", "a=b" },
	{ "hm_session=1; hm_session=2", "1" },
	{ "hm_sessionx=1; hm_session=2", "2" },
	{ "xhm_session=1", NULL },
	{ "hm_session_x=1", NULL },
	{ "HM_SESSION=1", NULL },
	{ "hm_session", NULL },
	{ "hm_session;a=1", NULL },
	{ "hm_session=", "" },
	{ "hm_session=a\x01" "b", NULL },
	{ "hm_session=a\x7f", NULL },
	/* C1 controls (U+0085 NEL, U+009B CSI) are controls here as in fields. */
	{ "hm_session=a\xc2\x85" "b", NULL },
	{ "hm_session=\xc2\x9b" "31m", NULL },
	{ "hm_session=caf\xc3\xa9", "caf\xc3\xa9" },
	{ "", NULL },
	{ ";;;", NULL },
	{ NULL, NULL },
};

static void test_cookies(void)
{
	for (size_t i = 0; i < HM_NELEM(ccases); i++) {
		char *v = req_cookie(ccases[i].header, REQ_COOKIE_NAME);
		CHECK_STR(v, ccases[i].want);
		free(v);
	}
}

/* ---- req_parse through the CGI environment ---- */

static const char *const cgi_vars[] = {
	"REQUEST_METHOD", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH", "PATH_INFO",
	"SCRIPT_NAME", "HTTP_HOST", "HTTP_ORIGIN", "HTTP_REFERER", "HTTP_SEC_FETCH_SITE",
	"HTTPS", "HTTP_COOKIE", "REMOTE_ADDR", "HTTP_X_FORWARDED_FOR",
	"HTTP_X_FORWARDED_PROTO", "HTTP_PROXY",
};

struct rcase {
	const char *method, *query, *ctype, *clen, *body;
	size_t max_body;
	const char *remote, *xff, *xproto, *https, *proxy;
	int status;
	const char *want_name;	/* P_NAME when status is 0 */
	const char *want_addr;
	int want_https;
	const char *left;	/* what req_parse must leave unread on stdin */
};

#define BODY_100 "other=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct rcase rcases[] = {
	/* method  query     ctype  clen  body  max  remote xff xproto https proxy  status name addr https left */
	{ "GET", "name=Q", NULL, NULL, "", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  0, "Q", "192.0.2.1", 0, "" },
	{ "HEAD", "name=Q", NULL, NULL, "", 100, "192.0.2.1", NULL, NULL, "on", NULL,
	  0, "Q", "192.0.2.1", 1, "" },
	/* A body on GET is neither read nor parsed. */
	{ "GET", "", FORM, "6", "name=B", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  0, NULL, "192.0.2.1", 0, "name=B" },
	{ "POST", "qty=2", FORM, "6", "name=B", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  0, "B", "192.0.2.1", 0, "" },
	/* Never read past CONTENT_LENGTH. */
	{ "POST", "", FORM, "6", "name=BEXTRA", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  0, "B", "192.0.2.1", 0, "EXTRA" },
	{ "POST", "", NULL, "0", "", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  0, NULL, "192.0.2.1", 0, "" },
	{ "POST", "", FORM, "100", BODY_100, 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  0, NULL, "192.0.2.1", 0, "" },
	{ "POST", "", FORM, "20", "name=short", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  400, NULL, NULL, 0, "" },
	{ "POST", "", FORM, "100", BODY_100, 99, "192.0.2.1", NULL, NULL, NULL, NULL,
	  413, NULL, NULL, 0, BODY_100 },
	{ "POST", "", FORM, "99999999999999999999999999", "name=B", 100, "192.0.2.1", NULL,
	  NULL, NULL, NULL, 413, NULL, NULL, 0, "name=B" },
	{ "POST", "", FORM, NULL, "name=B", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  411, NULL, NULL, 0, "name=B" },
	{ "POST", "", FORM, "", "name=B", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  411, NULL, NULL, 0, "name=B" },
	{ "POST", "", FORM, "6 ", "name=B", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  400, NULL, NULL, 0, "name=B" },
	{ "POST", "", FORM, "+6", "name=B", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  400, NULL, NULL, 0, "name=B" },
	{ "POST", "", FORM, "-1", "name=B", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  400, NULL, NULL, 0, "name=B" },
	{ "POST", "", FORM, "0x6", "name=B", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  400, NULL, NULL, 0, "name=B" },
	{ "POST", "", "multipart/form-data; boundary=b", "7", "--b--\r\n", 100, "192.0.2.1",
	  NULL, NULL, NULL, NULL, 415, NULL, NULL, 0, "" },
	{ "POST", "", "text/plain", "6", "name=B", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  415, NULL, NULL, 0, "" },
	{ "PUT", "", FORM, "6", "name=B", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  405, NULL, NULL, 0, "name=B" },
	{ "get", "", NULL, NULL, "", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  405, NULL, NULL, 0, "" },
	{ "OPTIONS", "", NULL, NULL, "", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  405, NULL, NULL, 0, "" },
	{ NULL, "", NULL, NULL, "", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  405, NULL, NULL, 0, "" },
	{ "GET", "name=a%80", NULL, NULL, "", 100, "192.0.2.1", NULL, NULL, NULL, NULL,
	  400, NULL, NULL, 0, "" },
	/* HTTPS spellings. */
	{ "GET", "", NULL, NULL, "", 100, "192.0.2.1", NULL, NULL, "1", NULL,
	  0, NULL, "192.0.2.1", 1, "" },
	{ "GET", "", NULL, NULL, "", 100, "192.0.2.1", NULL, NULL, "off", NULL,
	  0, NULL, "192.0.2.1", 0, "" },
	/* Trusted proxy off: X-Forwarded-* are ignored. */
	{ "GET", "", NULL, NULL, "", 100, "10.0.0.1", "203.0.113.9", "https", NULL, NULL,
	  0, NULL, "10.0.0.1", 0, "" },
	{ "GET", "", NULL, NULL, "", 100, "10.0.0.1", "203.0.113.9", "https", NULL, "",
	  0, NULL, "10.0.0.1", 0, "" },
	/* Trusted proxy configured but the request came from elsewhere. */
	{ "GET", "", NULL, NULL, "", 100, "10.0.0.2", "203.0.113.9", "https", "on", "10.0.0.1",
	  0, NULL, "10.0.0.2", 1, "" },
	{ "GET", "", NULL, NULL, "", 100, "10.0.0.10", "203.0.113.9", "https", NULL, "10.0.0.1",
	  0, NULL, "10.0.0.10", 0, "" },
	/* Trusted proxy on: right-most X-Forwarded-For entry, proto from the proxy. */
	{ "GET", "", NULL, NULL, "", 100, "10.0.0.1", "198.51.100.7, 203.0.113.9 ", "https",
	  NULL, "10.0.0.1", 0, NULL, "203.0.113.9", 1, "" },
	{ "GET", "", NULL, NULL, "", 100, "10.0.0.1", "203.0.113.9", "http", "on", "10.0.0.1",
	  0, NULL, "203.0.113.9", 0, "" },
	{ "GET", "", NULL, NULL, "", 100, "10.0.0.1", "2001:DB8::0001", NULL, NULL, "10.0.0.1",
	  0, NULL, "2001:db8::1", 0, "" },
	{ "GET", "", NULL, NULL, "", 100, "10.0.0.1", NULL, "https", NULL, "10.0.0.1",
	  0, NULL, "10.0.0.1", 1, "" },
	{ "GET", "", NULL, NULL, "", 100, "10.0.0.1", "203.0.113.9, unknown", NULL, NULL,
	  "10.0.0.1", 0, NULL, "10.0.0.1", 0, "" },
	{ "GET", "", NULL, NULL, "", 100, "10.0.0.1", "203.0.113.9,", NULL, NULL,
	  "10.0.0.1", 0, NULL, "10.0.0.1", 0, "" },
};

static void set_or_unset(const char *name, const char *val)
{
	if (val)
		setenv(name, val, 1);
	else
		unsetenv(name);
}

/* Puts body on stdin through a pipe whose write end is closed, so a
 * short body reads as EOF. */
static void feed_stdin(const char *body)
{
	int fds[2];
	size_t n = strlen(body);
	if (pipe(fds) != 0 || (size_t)write(fds[1], body, n) != n) {
		perror("pipe");
		exit(2);
	}
	close(fds[1]);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);
}

static char *drain_stdin(void)
{
	struct buf b = {0};
	char chunk[256];
	ssize_t n;
	while ((n = read(STDIN_FILENO, chunk, sizeof chunk)) > 0)
		buf_append(&b, chunk, (size_t)n);
	return buf_detach(&b);
}

static void test_req_parse(void)
{
	int saved = dup(STDIN_FILENO);
	for (size_t i = 0; i < HM_NELEM(rcases); i++) {
		const struct rcase *c = &rcases[i];
		struct req r;
		const char *why = NULL;
		char *left;
		int st;
		for (size_t k = 0; k < HM_NELEM(cgi_vars); k++)
			unsetenv(cgi_vars[k]);
		set_or_unset("REQUEST_METHOD", c->method);
		set_or_unset("QUERY_STRING", c->query);
		set_or_unset("CONTENT_TYPE", c->ctype);
		set_or_unset("CONTENT_LENGTH", c->clen);
		set_or_unset("REMOTE_ADDR", c->remote);
		set_or_unset("HTTP_X_FORWARDED_FOR", c->xff);
		set_or_unset("HTTP_X_FORWARDED_PROTO", c->xproto);
		set_or_unset("HTTPS", c->https);
		feed_stdin(c->body);
		st = req_parse(&r, ptab, NP, c->max_body, c->proxy, &why);
		if (st != c->status)
			fprintf(stderr, "req_parse row %zu: got %d (%s)\n", i, st, why ? why : "");
		CHECK(st == c->status);
		CHECK(st == 0 || why != NULL);
		CHECK(r.path_info && r.path_info[0] == '\0');
		CHECK(r.host && r.host[0] == '\0');
		if (st == 0) {
			CHECK_STR(req_val(&r, P_NAME), c->want_name);
			CHECK_STR(r.remote_addr, c->want_addr);
			CHECK(r.https == c->want_https);
		}
		left = drain_stdin();
		CHECK_STR(left, c->left);
		free(left);
		req_free(&r);
	}
	dup2(saved, STDIN_FILENO);
	close(saved);
}

/* The other request headers are copied through as given. */
static void test_req_env(void)
{
	struct req r;
	const char *why = NULL;
	int saved = dup(STDIN_FILENO);
	for (size_t k = 0; k < HM_NELEM(cgi_vars); k++)
		unsetenv(cgi_vars[k]);
	setenv("REQUEST_METHOD", "GET", 1);
	setenv("PATH_INFO", "/RPR-7K3M", 1);
	setenv("SCRIPT_NAME", "/track", 1);
	setenv("HTTP_HOST", "shop.example", 1);
	setenv("HTTP_ORIGIN", "https://shop.example", 1);
	setenv("HTTP_REFERER", "https://shop.example/track", 1);
	setenv("HTTP_SEC_FETCH_SITE", "same-origin", 1);
	setenv("HTTP_COOKIE", "theme=dark; hm_session=s3ss10n_-", 1);
	setenv("HTTP_PROXY", "http://evil.example:8080", 1);
	feed_stdin("");
	CHECK(req_parse(&r, ptab, NP, 100, NULL, &why) == 0);
	CHECK(r.method == METHOD_GET);
	CHECK_STR(r.path_info, "/RPR-7K3M");
	CHECK_STR(r.script_name, "/track");
	CHECK_STR(r.host, "shop.example");
	CHECK_STR(r.origin, "https://shop.example");
	CHECK_STR(r.referer, "https://shop.example/track");
	CHECK_STR(r.sec_fetch_site, "same-origin");
	CHECK_STR(r.session_cookie, "s3ss10n_-");
	CHECK_STR(r.remote_addr, "");
	req_free(&r);

	/* An emptied session cookie means no session. */
	setenv("HTTP_COOKIE", "hm_session=; theme=dark", 1);
	unsetenv("HTTP_ORIGIN");
	CHECK(req_parse(&r, ptab, NP, 100, NULL, &why) == 0);
	CHECK(r.session_cookie == NULL);
	CHECK(r.origin == NULL);
	req_free(&r);

	/* A body arriving in pieces is still read whole. */
	setenv("REQUEST_METHOD", "POST", 1);
	setenv("CONTENT_TYPE", FORM, 1);
	setenv("CONTENT_LENGTH", "12", 1);
	{
		int fds[2];
		pid_t pid;
		CHECK(pipe(fds) == 0);
		pid = fork();
		if (pid == 0) {
			close(fds[0]);
			if (write(fds[1], "name=", 5) != 5)
				_exit(1);
			usleep(20000);
			if (write(fds[1], "Ann&q", 5) != 5)
				_exit(1);
			usleep(20000);
			if (write(fds[1], "=1", 2) != 2)
				_exit(1);
			_exit(0);
		}
		close(fds[1]);
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		CHECK(req_parse(&r, ptab, NP, 100, NULL, &why) == 0);
		CHECK_STR(req_val(&r, P_NAME), "Ann");
		req_free(&r);
		CHECK(waitpid(pid, NULL, 0) == pid);
	}
	dup2(saved, STDIN_FILENO);
	close(saved);
}

/* req_check_value: a value from no request (a row hallmarkctl imports)
 * gets exactly a form field's checks. */
static void test_check_value(void)
{
	static const struct param name = {"customer_name", v_string, 8, 0, 0, 0, NULL};
	static const struct param notes = {"notes", v_text, 20, PARAM_MULTILINE, 0, 0, NULL};
	static const struct param money = {"quoted", v_money, 20, 0, 0, 0, NULL};
	static const struct param mail = {"email", v_email, 200, 0, 0, 0, NULL};
	static const struct {
		const struct param *p;
		const char *in;
		enum field_error want;
		const char *val;
		int64_t ival;
	} cases[] = {
		{&name, "  Zoë ", FERR_NONE, "Zoë", 0},
		{&name, "Zoë Ångström", FERR_TOO_LONG, NULL, 0},
		{&name, "a\nb", FERR_CONTROL, NULL, 0},
		{&name, "a\xff" "b", FERR_CONTROL, NULL, 0},
		{&notes, "two\r\nlines", FERR_NONE, "two\nlines", 0},
		{&notes, "bell\a", FERR_CONTROL, NULL, 0},
		{&money, "1,250.5", FERR_NONE, "1250.50", 125050},
		{&money, "12x", FERR_FORMAT, NULL, 0},
		{&mail, "ada@example.com", FERR_NONE, "ada@example.com", 0},
		{&mail, "not-an-email", FERR_FORMAT, NULL, 0},
	};
	for (size_t i = 0; i < HM_NELEM(cases); i++) {
		char *val = (char *)"unset";
		int64_t ival = -1;
		enum field_error e = req_check_value(cases[i].p, cases[i].in, &val, &ival);
		CHECK(e == cases[i].want);
		CHECK_STR(val, cases[i].val);
		if (e == FERR_NONE)
			CHECK(ival == cases[i].ival);
		free(val);
	}
}

int main(void)
{
	log_set_prog("test_request");
	test_validators();
	test_validator_nul();
	test_parse_table();
	test_one_click();
	test_parse_limits();
	test_parse_limit_follows_table();
	test_accessors();
	test_cookies();
	test_req_parse();
	test_req_env();
	test_check_value();
	return check_summary("request");
}
