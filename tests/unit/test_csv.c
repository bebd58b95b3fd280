/* Unit tests for src/lib/csv.c: RFC 4180 as spreadsheets write it, and the
 * faults an operator's file may have (each reported on its own line, the
 * records after it still read). */
#include "check.h"
#include "csv.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Each case: the input, and what reading it gives, one entry per record:
 * its line, then its fields joined by '|' (or "!" for a fault). */
static const struct {
	const char *in;
	const char *want;	/* "line:f1|f2;line:f1;..." */
} cases[] = {
	{"", ""},
	{"a,b,c\n", "1:a|b|c"},
	{"a,b,c", "1:a|b|c"},
	{"a,b\r\nc,d\r\n", "1:a|b;2:c|d"},
	{"a,,c\n,\n", "1:a||c;2:|"},
	{"\"a,b\",c\n", "1:a,b|c"},
	{"\"say \"\"hi\"\"\",x\n", "1:say \"hi\"|x"},
	{"\"two\nlines\",x\nnext,y\n", "1:two\nlines|x;3:next|y"},
	{"\"crlf\r\ninside\",x\r\n", "1:crlf\r\ninside|x"},
	{"\"\"\n", "1:"},
	{"a\n\n\r\nb\n", "1:a;4:b"},
	{"\xef\xbb\xbfname,qty\n", "1:name|qty"},
	{"Zo\xc3\xab,\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\n", "1:Zo\xc3\xab|\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a"},
	{" spaced , kept \n", "1: spaced | kept "},
	/* Faults: reported on the record's line, reading goes on after it. */
	{"ok\nab\"c,d\nfine\n", "1:ok;2:!;3:fine"},
	{"\"ab\"c,d\nfine\n", "1:!;2:fine"},
	{"a,\"never closed\nb\n", "1:!"},
	{"bad\xff,x\ngood\n", "1:!;2:good"},
	{"a\rb\nc\n", "1:!;2:c"},
	{"nul\0x\nc\n", "1:!;2:c"},
};

static char *read_all(const char *in, size_t len)
{
	struct csv c;
	struct csv_record r = {0};
	struct buf out = {0};
	const char *why;
	int rc;
	csv_init(&c, in, len);
	while ((rc = csv_next(&c, &r, &why)) != 0) {
		if (out.len)
			buf_putc(&out, ';');
		buf_printf(&out, "%zu:", r.line);
		if (rc < 0) {
			CHECK(why != NULL && *why);
			buf_putc(&out, '!');
			continue;
		}
		for (size_t i = 0; i < r.n; i++) {
			if (i)
				buf_putc(&out, '|');
			buf_puts(&out, r.v[i]);
		}
	}
	csv_record_free(&r);
	return buf_detach(&out);
}

static size_t input_len(size_t i)
{
	/* One case holds a NUL: its length runs to the real end. */
	if (strstr(cases[i].in, "nul") == cases[i].in)
		return sizeof "nul\0x\nc\n" - 1;
	return strlen(cases[i].in);
}

static void test_cases(void)
{
	for (size_t i = 0; i < HM_NELEM(cases); i++) {
		char *got = read_all(cases[i].in, input_len(i));
		if (strcmp(got, cases[i].want))
			fprintf(stderr, "case %zu\n", i);
		CHECK_STR(got, cases[i].want);
		free(got);
	}
}

static void test_limits(void)
{
	/* A field over the limit, and too many fields, are faults. */
	size_t n = CSV_MAX_FIELD + 10;
	char *big = xmalloc(n + 8);
	memset(big, 'x', n);
	memcpy(big + n, "\nok\n", 5);
	char *got = read_all(big, strlen(big));
	CHECK_STR(got, "1:!;2:ok");
	free(got);
	free(big);
	struct buf many = {0};
	for (int i = 0; i < CSV_MAX_FIELDS + 1; i++)
		buf_puts(&many, "a,");
	buf_puts(&many, "a\nok\n");
	got = read_all(many.data, many.len);
	CHECK_STR(got, "1:!;2:ok");
	free(got);
	buf_free(&many);
}

/* What csv_put writes, csv_next reads back unchanged. */
static void test_round_trip(void)
{
	static const char *const values[] = {
		"plain", "", "with,comma", "with \"quotes\"", "two\nlines", "cr\r\nlf",
		" leading", "trailing ", "=SUM(A1)", "Zo\xc3\xab", "\"", "\xef\xbb\xbfmark",
	};
	struct buf b = {0};
	/* A byte order mark first in the file must not be read as the file's. */
	csv_put(&b, "\xef\xbb\xbf");
	buf_putc(&b, ',');
	for (size_t i = 0; i < HM_NELEM(values); i++) {
		if (i)
			buf_putc(&b, ',');
		csv_put(&b, values[i]);
	}
	buf_puts(&b, "\r\n");
	struct csv c;
	struct csv_record r = {0};
	const char *why;
	csv_init(&c, b.data, b.len);
	CHECK(csv_next(&c, &r, &why) == 1);
	CHECK(r.n == HM_NELEM(values) + 1);
	CHECK_STR(r.n ? r.v[0] : NULL, "\xef\xbb\xbf");
	for (size_t i = 1; i < r.n && i <= HM_NELEM(values); i++)
		CHECK_STR(r.v[i], values[i - 1]);
	CHECK(csv_next(&c, &r, &why) == 0);
	csv_record_free(&r);
	buf_free(&b);
}

int main(void)
{
	test_cases();
	test_limits();
	test_round_trip();
	return check_summary("test_csv");
}
