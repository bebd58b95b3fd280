/* libFuzzer harness for the CSV reader (src/lib/csv.c) that hallmarkctl
 * import runs over an operator's file. The whole input is the file. Beyond
 * "no crash, no leak, no UB" it asserts what the importer relies on:
 *   - every field read is valid UTF-8 without NUL, at most CSV_MAX_FIELD
 *     bytes, at most CSV_MAX_FIELDS to a record;
 *   - reading always ends, record line numbers never go back and never
 *     pass the lines the input has;
 *   - a record written back with csv_put reads back the same fields.
 * Build: see tests/fuzz/run.sh. */
#include "csv.h"
#include "require.h"
#include "utf8.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct csv_record *r)
{
	struct buf b = {0};
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			buf_putc(&b, ',');
		csv_put(&b, r->v[i]);
	}
	buf_putc(&b, '\n');
	struct csv c;
	struct csv_record back = {0};
	const char *why;
	csv_init(&c, b.data, b.len);
	/* A record of one empty field is a blank line, which is skipped. */
	int rc = csv_next(&c, &back, &why);
	if (r->n == 1 && !*r->v[0]) {
		require(rc == 0);
	} else {
		require(rc == 1 && back.n == r->n);
		for (size_t i = 0; i < r->n; i++)
			require(strcmp(back.v[i], r->v[i]) == 0);
		require(csv_next(&c, &back, &why) == 0);
	}
	csv_record_free(&back);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so ASan sees any read past the end. */
	char *in = malloc(size ? size : 1);
	memcpy(in, data, size);
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += in[i] == '\n';
	struct csv c;
	struct csv_record r = {0};
	const char *why;
	size_t last = 0, rounds = 0;
	int rc;
	csv_init(&c, in, size);
	while ((rc = csv_next(&c, &r, &why)) != 0) {
		require(rounds++ <= size);
		require(r.line >= last && r.line <= lines);
		last = r.line;
		if (rc < 0) {
			require(why && *why && r.n == 0);
			continue;
		}
		require(r.n >= 1 && r.n <= CSV_MAX_FIELDS);
		for (size_t i = 0; i < r.n; i++) {
			size_t n = strlen(r.v[i]);
			require(n <= CSV_MAX_FIELD && utf8_valid(r.v[i], n));
		}
		round_trip(&r);
	}
	csv_record_free(&r);
	free(in);
	return 0;
}
