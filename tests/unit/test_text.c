/* Unit tests for src/lib/utf8.c (the one UTF-8 check), src/lib/route.c
 * (every executable's routing) and the request layer's newer parts:
 * v_secret, v_choice, v_colour, req_digest. */
#include "check.h"
#include "phone.h"
#include "request.h"
#include "route.h"
#include "utf8.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* ---- utf8 ---- */

static const struct {
	const char *s;
	size_t n;	/* 0: strlen */
	size_t seq;	/* utf8_seq at s[0] */
} seqs[] = {
	{ "a", 0, 1 }, { "\x7f", 0, 1 },
	{ "\xc3\xa9", 0, 2 }, { "\xc2\x80", 0, 2 }, { "\xdf\xbf", 0, 2 },
	{ "\xc0\xaf", 0, 0 }, { "\xc1\xbf", 0, 0 },		/* overlong */
	{ "\xe2\x82\xac", 0, 3 }, { "\xe0\xa0\x80", 0, 3 },
	{ "\xe0\x80\xaf", 0, 0 },				/* overlong */
	{ "\xed\x9f\xbf", 0, 3 }, { "\xed\xa0\x80", 0, 0 },	/* surrogate */
	{ "\xf0\x9f\x92\x8d", 0, 4 }, { "\xf4\x8f\xbf\xbf", 0, 4 },
	{ "\xf4\x90\x80\x80", 0, 0 }, { "\xf5\x80\x80\x80", 0, 0 },	/* past U+10FFFF */
	{ "\xf0\x9f\x92", 0, 0 }, { "\xe2\x82", 0, 0 },	/* cut */
	{ "\xc3\xa9", 1, 0 },				/* cut by n */
	{ "\x80", 0, 0 }, { "\xff", 0, 0 }, { "\xc3\x28", 0, 0 },
};

static void test_utf8(void)
{
	for (size_t i = 0; i < HM_NELEM(seqs); i++) {
		size_t n = seqs[i].n ? seqs[i].n : strlen(seqs[i].s);
		size_t got = utf8_seq((const unsigned char *)seqs[i].s, n);
		if (got != seqs[i].seq)
			fprintf(stderr, "utf8_seq row %zu: got %zu\n", i, got);
		CHECK(got == seqs[i].seq);
		CHECK(utf8_valid(seqs[i].s, n) == (seqs[i].seq == n));
	}
	CHECK(utf8_seq((const unsigned char *)"", 0) == 0);
	CHECK(utf8_valid("", 0));

	/* Characters as a form's maxlength counts them. */
	CHECK(utf8_chars("", 0) == 0);
	CHECK(utf8_chars("abc", 3) == 3);
	CHECK(utf8_chars("\xc3\xa9t\xc3\xa9", 5) == 3);
	CHECK(utf8_chars("\xf0\x9f\x92\x8d", 4) == 1);
	CHECK(utf8_chars("a\r\nb", 4) == 3);	/* a line break counts one */
	CHECK(utf8_chars("a\rb\nc", 5) == 5);
	CHECK(utf8_chars("\r\n\r\n", 4) == 2);

	CHECK(utf8_is_control((const unsigned char *)"\x01", 1));
	CHECK(utf8_is_control((const unsigned char *)"\x7f", 1));
	CHECK(utf8_is_control((const unsigned char *)"\xc2\x85", 2));
	CHECK(!utf8_is_control((const unsigned char *)"\xc2\xa0", 2));
	CHECK(!utf8_is_control((const unsigned char *)" ", 1));

	struct {
		const char *in;
		unsigned flags;
		const char *want;
	} cleans[] = {
		{ "plain", 0, "plain" },
		{ "a\x01" "b", 0, "a\xef\xbf\xbd" "b" },
		{ "a\x01" "b", UTF8_CTL_SPACE, "a b" },
		{ "l1\nl2\tx", 0, "l1\xef\xbf\xbdl2\xef\xbf\xbdx" },
		{ "l1\nl2\tx", UTF8_KEEP_LF | UTF8_CTL_SPACE, "l1\nl2 x" },
		{ "l1\r\nl2\tx", UTF8_KEEP_LF | UTF8_KEEP_CRTAB, "l1\r\nl2\tx" },
		{ "bad\xff\xc3", UTF8_CTL_SPACE, "bad\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xc2\x85x", 0, "\xef\xbf\xbdx" },
		{ "Zo\xc3\xab", 0, "Zo\xc3\xab" },
	};
	for (size_t i = 0; i < HM_NELEM(cleans); i++) {
		char *got = utf8_clean(cleans[i].in, strlen(cleans[i].in), cleans[i].flags);
		CHECK_STR(got, cleans[i].want);
		CHECK(utf8_valid(got, strlen(got)));
		free(got);
	}
}

/* ---- route ---- */

static void test_order_route(void)
{
	static const struct {
		const char *path;
		int ok;
		enum order_action act;
		const char *typed;
	} cases[] = {
		{ "/RPR-7K3M", 1, ORDER_PAGE, "RPR-7K3M" },
		{ "/rpr 7k3m", 1, ORDER_PAGE, "rpr 7k3m" },
		{ "/X/messages.json", 1, ORDER_JSON, "X" },
		{ "/X/messages", 1, ORDER_MESSAGE, "X" },
		{ "/X/decision", 1, ORDER_DECISION, "X" },
		{ "/unsubscribe/AAAAAAAAAAAQ1kZ", 1, ORDER_UNSUBSCRIBE, "AAAAAAAAAAAQ1kZ" },
		{ "/unsubscribe/messages", 1, ORDER_UNSUBSCRIBE, "messages" },
		{ "/unsubscribe", 1, ORDER_PAGE, "unsubscribe" },
		{ "/unsubscribe/", 0, ORDER_PAGE, NULL },
		{ "/unsubscribe/a/b", 0, ORDER_PAGE, NULL },
		{ "/unsubscribe/a/", 0, ORDER_PAGE, NULL },
		{ "/unsubscribe//", 0, ORDER_PAGE, NULL },
		{ "/Unsubscribe/x", 0, ORDER_PAGE, NULL },
		{ "/X/messages/", 0, ORDER_PAGE, NULL },
		{ "/X/", 0, ORDER_PAGE, NULL },
		{ "/X/other", 0, ORDER_PAGE, NULL },
		{ "/X/decisionx", 0, ORDER_PAGE, NULL },
		{ "//messages", 0, ORDER_PAGE, NULL },
		{ "/", 0, ORDER_PAGE, NULL },
		{ "", 0, ORDER_PAGE, NULL },
		{ "X", 0, ORDER_PAGE, NULL },
	};
	char typed[16];
	for (size_t i = 0; i < HM_NELEM(cases); i++) {
		enum order_action act = ORDER_PAGE;
		int ok = order_route(cases[i].path, typed, sizeof typed, &act) == 0;
		CHECK(ok == cases[i].ok);
		if (ok && cases[i].ok) {
			CHECK(act == cases[i].act);
			CHECK_STR(typed, cases[i].typed);
		}
	}
	/* An ID as long as the buffer is refused, not cut. */
	CHECK(order_route("/0123456789ABCDEF", typed, sizeof typed, &(enum order_action){0}) != 0);
	CHECK(order_route("/0123456789ABCDE", typed, sizeof typed, &(enum order_action){0}) == 0);
	CHECK(order_route("/unsubscribe/0123456789ABCDEF", typed, sizeof typed,
	    &(enum order_action){0}) != 0);
	CHECK(order_route("/unsubscribe/0123456789ABCDE", typed, sizeof typed,
	    &(enum order_action){0}) == 0);
}

static void test_verify_route(void)
{
	static const struct {
		const char *path;
		enum verify_action act;
		const char *arg;
	} cases[] = {
		{ "", VERIFY_FORM, NULL },
		{ "/", VERIFY_BAD, NULL },
		{ "/abc", VERIFY_PAGE, "abc" },
		{ "/abc.json", VERIFY_JSON, "abc" },
		{ "/.json", VERIFY_PAGE, ".json" },
		{ "/a/b", VERIFY_BAD, NULL },
		{ "/key/demo", VERIFY_KEY, "demo" },
		{ "/key/", VERIFY_BAD, NULL },
		{ "/key/a/b", VERIFY_BAD, NULL },
		{ "/key", VERIFY_PAGE, "key" },
		{ "x", VERIFY_BAD, NULL },
	};
	for (size_t i = 0; i < HM_NELEM(cases); i++) {
		const char *arg;
		size_t len;
		enum verify_action a = verify_route(cases[i].path, &arg, &len);
		CHECK(a == cases[i].act);
		if (a == cases[i].act && cases[i].arg)
			CHECK(len == strlen(cases[i].arg) && !strncmp(arg, cases[i].arg, len));
	}
}

static void test_print_route_and_match(void)
{
	int64_t id = 0;
	enum print_file f;
	CHECK(print_route("/42/qr.png", &id, &f) == 0 && id == 42 && f == PRINT_QR_PNG);
	CHECK(print_route("/7/certificate.pdf", &id, &f) == 0 && id == 7 && f == PRINT_CERTIFICATE);
	CHECK(print_route("/042/qr.png", &id, &f) != 0);
	CHECK(print_route("/0/qr.png", &id, &f) != 0);
	CHECK(print_route("/42/qr.png/", &id, &f) != 0);
	CHECK(print_route("/42", &id, &f) != 0);
	CHECK(print_route("/1234567890123456789/qr.png", &id, &f) != 0);
	CHECK(print_route("/123456789012345678/qr.png", &id, &f) == 0 && id == 123456789012345678);
	CHECK(print_route("/100/certificate.pdf", &id, &f) == 0 && id == 100 && f == PRINT_CERTIFICATE);
	/* A job's documents. */
	CHECK(print_route("/job/42/slip.pdf", &id, &f) == 0 && id == 42 && f == PRINT_JOB_SLIP);
	CHECK(print_route("/job/9/tag.pdf", &id, &f) == 0 && id == 9 && f == PRINT_JOB_TAG);
	CHECK(print_route("/job/10/qr.png", &id, &f) == 0 && id == 10 && f == PRINT_JOB_QR_PNG);
	CHECK(print_route("/job/042/slip.pdf", &id, &f) != 0);
	CHECK(print_route("/job/0/tag.pdf", &id, &f) != 0);
	CHECK(print_route("/job/42/slip.pdf/", &id, &f) != 0);
	CHECK(print_route("/job/42/certificate.pdf", &id, &f) != 0);
	CHECK(print_route("/job/42", &id, &f) != 0);
	CHECK(print_route("/job//slip.pdf", &id, &f) != 0);
	CHECK(print_route("/job/x/slip.pdf", &id, &f) != 0);
	CHECK(print_route("/jobs/42/slip.pdf", &id, &f) != 0);
	CHECK(print_route("/42/slip.pdf", &id, &f) != 0);
	CHECK(print_route("/42/tag.pdf", &id, &f) != 0);
	CHECK(print_route("job/42/slip.pdf", &id, &f) != 0);
	CHECK(print_route("/job/42/SLIP.pdf", &id, &f) != 0);
	CHECK(print_route("/job/1234567890123456789/slip.pdf", &id, &f) != 0);
	CHECK(print_route("", &id, &f) != 0);
	CHECK(print_route("/", &id, &f) != 0);
	CHECK(media_route("/x") && !strcmp(media_route("/x"), "x"));
	CHECK(media_route("x") == NULL);

	CHECK(path_match("/jobs/#", "/jobs/12", &id) && id == 12);
	CHECK(!path_match("/jobs/#", "/jobs/12/", &id));
	CHECK(!path_match("/jobs/#", "/jobs/", &id));
	CHECK(!path_match("/jobs/#", "/jobs/1x", &id));
	CHECK(path_match("/jobs/#/edit", "/jobs/3/edit", &id) && id == 3);
	CHECK(!path_match("/jobs/#", "/jobs/1234567890123456789", &id));
	CHECK(path_match("/jobs/#", "/jobs/999999999999999999", &id) && id == 999999999999999999);
	CHECK(!path_match("/jobs/#", "/jobs/0", &id));
	CHECK(!path_match("/jobs/#/edit", "/jobs/012/edit", &id));
	CHECK(path_match("/jobs", "/jobs", &id));
	CHECK(!path_match("/jobs", "/jobsx", &id));
}

/* ---- validators added with the typed re-show ---- */

static int run_one(validator_fn fn, const struct param *p, const char *in, char **val)
{
	struct field f = { .raw = xstrdup(in), .rawlen = strlen(in) };
	int ok = fn(&f, p);
	*val = f.val;
	free(f.raw);
	return ok;
}

static void test_validators(void)
{
	static const char *const themes[] = { "auto", "light", "dark", NULL };
	struct param choice = { .name = "theme", .valid = v_choice, .choices = themes };
	struct param plain = { .name = "x" };
	char *v;

	CHECK(run_one(v_secret, &plain, "  spaced  ", &v) && !strcmp(v, "  spaced  "));
	free(v);
	CHECK(run_one(v_secret, &plain, "", &v) && !strcmp(v, ""));
	free(v);

	CHECK(run_one(v_choice, &choice, "dark", &v) && !strcmp(v, "dark"));
	free(v);
	CHECK(!run_one(v_choice, &choice, "Dark", &v) && !v);
	CHECK(!run_one(v_choice, &choice, " dark", &v) && !v);
	CHECK(!run_one(v_choice, &choice, "", &v) && !v);
	CHECK(!run_one(v_choice, &plain, "dark", &v) && !v);	/* no list: nothing allowed */

	CHECK(run_one(v_colour, &plain, "#1F5FA3", &v) && !strcmp(v, "#1f5fa3"));
	free(v);
	CHECK(run_one(v_colour, &plain, "", &v) && !strcmp(v, ""));
	free(v);
	const char *bad[] = { "1f5fa3", "#1f5fa", "#1f5fa3a", "#1g5fa3", "red", "#1f5fa3;}" };
	for (size_t i = 0; i < HM_NELEM(bad); i++) {
		CHECK(!run_one(v_colour, &plain, bad[i], &v));
		CHECK(v == NULL);
	}
}

/* Two submissions digest alike exactly when path and content agree. */
static void test_digest(void)
{
	static const struct param tab[] = {
		{ .name = "a" }, { .name = "b" }, { .name = "pw", .valid = v_secret, .flags = PARAM_SECRET },
		{ .name = "fk", .valid = v_token },
	};
	struct {
		const char *path, *query;
	} sub[] = {
		{ "/x", "a=1&b=2&fk=T" },
		{ "/x", "b=2&a=1&fk=T" },		/* same content, other order */
		{ "/x", "a=1&b=2&fk=U&pw=secret" },	/* fk and secrets left out */
		{ "/y", "a=1&b=2&fk=T" },		/* another path */
		{ "/x", "a=12&fk=T" },			/* another split of the same bytes */
		{ "/x", "a=1&b=3&fk=T" },
		{ "/x", "a=1&fk=T" },
	};
	unsigned char d[HM_NELEM(sub)][32];
	for (size_t i = 0; i < HM_NELEM(sub); i++) {
		struct req r;
		const char *why;
		memset(&r, 0, sizeof r);
		r.params = tab;
		r.nparams = HM_NELEM(tab);
		r.fields = xcalloc(r.nparams, sizeof *r.fields);
		r.path_info = sub[i].path;
		r.script_name = "/admin";
		CHECK(req_parse_data(&r, sub[i].query, strlen(sub[i].query), NULL, NULL, 0, &why) == 0);
		req_digest(&r, req_param_index(&r, "fk"), d[i]);
		req_free(&r);
	}
	CHECK(memcmp(d[0], d[1], 32) == 0);
	CHECK(memcmp(d[0], d[2], 32) == 0);
	for (size_t i = 3; i < HM_NELEM(sub); i++)
		CHECK(memcmp(d[0], d[i], 32) != 0);
	CHECK(memcmp(d[4], d[6], 32) != 0);
}

/* ---- phone numbers ---- */

static void test_phone(void)
{
	static const struct {
		const char *typed, *country, *want;	/* want NULL: refused */
	} cases[] = {
		{ "07700 900101", "GB", "+447700900101" },
		{ "(0)7700-900.101", "gb", "+447700900101" },
		{ "+44 7700 900101", "GB", "+447700900101" },
		{ "+44 7700 900101", NULL, "+447700900101" },
		{ "0044 7700 900101", "FR", "+447700900101" },
		{ "06 12 34 56 78", "FR", "+33612345678" },
		{ "06 1234 5678", "IT", "+390612345678" },	/* Italy keeps its 0 */
		{ "(415) 555-0132", "US", "+14155550132" },
		{ "1 415 555 0132", "US", "+14155550132" },
		{ "0412 345 678", "AU", "+61412345678" },
		{ "050 123 4567", "AE", "+971501234567" },
		{ "07700 900101", NULL, NULL },		/* local, and no country to read it by */
		{ "07700 900101", "XX", NULL },
		{ "12345", "GB", NULL },
		{ "+1234567890123456", NULL, NULL },	/* 16 digits */
		{ "+0 7700 900101", NULL, NULL },
		{ "07700 CALL ME", "GB", NULL },
		{ "+44+7700", "GB", NULL },
		{ "", "GB", NULL },
	};
	char out[PHONE_MAX];
	for (size_t i = 0; i < HM_NELEM(cases); i++) {
		int rc = phone_normalise(cases[i].typed, phone_country(cases[i].country), out);
		if (cases[i].want) {
			CHECK(rc == 0);
			CHECK_STR(rc == 0 ? out : NULL, cases[i].want);
		} else {
			if (rc == 0)
				fprintf(stderr, "phone row %zu accepted as %s\n", i, out);
			CHECK(rc != 0);
		}
	}
	CHECK(phone_country("gb") && !strcmp(phone_country("gb")->code, "44"));
	CHECK(phone_country_of_zone("Europe/London") == phone_country("GB"));
	CHECK(phone_country_of_zone("America/New_York") == phone_country("US"));
	CHECK(phone_country_of_zone("Europe/Rome") == phone_country("IT"));
	CHECK(phone_country_of_zone("UTC") == NULL);
	CHECK(phone_country_of_zone("") == NULL && phone_country_of_zone(NULL) == NULL);
	CHECK(phone_country("") == NULL && phone_country(NULL) == NULL);
	for (size_t i = 1; i < phone_ncountries; i++)
		CHECK(strcmp(phone_countries[i - 1].iso, phone_countries[i].iso) < 0);
}

int main(void)
{
	log_set_prog("test_text");
	test_utf8();
	test_order_route();
	test_verify_route();
	test_print_route_and_match();
	test_validators();
	test_digest();
	test_phone();
	return check_summary("text");
}
