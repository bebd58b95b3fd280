/* RFC 4180 CSV, as an operator's spreadsheet exports it, for hallmarkctl
 * import: fields separated by commas, records by CRLF or LF, a field in
 * double quotes may hold commas, line breaks and doubled quotes. The input
 * is untrusted: it must be UTF-8 with no NUL, and fields and records are
 * bounded. Table-tested in tests/unit/test_csv.c, fuzzed by
 * tests/fuzz/fuzz_csv.c. */
#ifndef HM_CSV_H
#define HM_CSV_H

#include <stddef.h>

#define CSV_MAX_FIELD 65536	/* bytes in one field */
#define CSV_MAX_FIELDS 200	/* fields in one record */

struct csv {
	const char *p, *end;
	size_t line;		/* the line the parser is at, from 1 */
};

struct csv_record {
	char **v;		/* n fields, each NUL-terminated (heap, owned by the record) */
	size_t n;
	size_t line;		/* the line the record starts on */
};

/* Starts reading len bytes of data (not copied: keep it while reading). A
 * UTF-8 byte order mark at the start is skipped. */
void csv_init(struct csv *c, const char *data, size_t len);

/* Reads the next record into r (its earlier contents freed). Blank lines
 * are skipped. Returns 1 for a record, 0 at the end, -1 for a malformed
 * record: *why (static) says what is wrong and r->line where it starts; the
 * parser has then moved to the line after the fault, so reading on finds
 * the records after it. */
int csv_next(struct csv *c, struct csv_record *r, const char **why);

void csv_record_free(struct csv_record *r);

/* Appends s to b as one CSV field, quoted when it holds a comma, a quote,
 * CR or LF, starts or ends with a space or starts with a byte order mark; written as stored otherwise, so
 * csv_next reads back exactly s. */
struct buf;
void csv_put(struct buf *b, const char *s);

#endif
