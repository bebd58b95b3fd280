#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

void csv_init(struct csv *c, const char *data, size_t len)
{
	c->p = data;
	c->end = data + len;
	c->line = 1;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		c->p += 3;
}

void csv_record_free(struct csv_record *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

/* After a fault: on to the start of the next line, so the records after
 * a bad one are still read. */
static void skip_line(struct csv *c)
{
	while (c->p < c->end && *c->p != '\n')
		c->p++;
	if (c->p < c->end) {
		c->p++;
		c->line++;
	}
}

static int fail(struct csv *c, struct csv_record *r, const char **why, const char *what)
{
	*why = what;
	csv_record_free(r);
	skip_line(c);
	return -1;
}

int csv_next(struct csv *c, struct csv_record *r, const char **why)
{
	struct buf f = {0};
	csv_record_free(r);
	*why = NULL;
	/* Blank lines separate nothing. */
	while (c->p < c->end && (*c->p == '\n' || (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n'))) {
		c->p += *c->p == '\r' ? 2 : 1;
		c->line++;
	}
	if (c->p >= c->end)
		return 0;
	r->line = c->line;
	for (;;) {
		/* One field. */
		buf_reset(&f);
		if (c->p < c->end && *c->p == '"') {
			c->p++;
			for (;;) {
				if (c->p >= c->end) {
					buf_free(&f);
					*why = "a quoted field is not closed (a \" is missing)";
					csv_record_free(r);
					return -1;
				}
				char ch = *c->p++;
				if (ch == '"') {
					if (c->p < c->end && *c->p == '"') {
						c->p++;
						buf_putc(&f, '"');
						continue;
					}
					break;
				}
				if (ch == '\n')
					c->line++;
				buf_putc(&f, ch);
				if (f.len > CSV_MAX_FIELD) {
					buf_free(&f);
					return fail(c, r, why, "a field is longer than 65536 bytes");
				}
			}
			if (c->p < c->end && *c->p != ',' && *c->p != '\n' &&
			    !(*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')) {
				buf_free(&f);
				return fail(c, r, why, "text after a closing quote (write a quote inside a "
				    "quoted field as \"\")");
			}
		} else {
			while (c->p < c->end && *c->p != ',' && *c->p != '\n' &&
			    !(*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')) {
				if (*c->p == '"' || *c->p == '\r') {
					buf_free(&f);
					return fail(c, r, why, *c->p == '"'
					    ? "a quote inside a field that does not start with one (quote the "
					    "whole field and double the quote)"
					    : "a carriage return inside a field that is not quoted");
				}
				buf_putc(&f, *c->p++);
				if (f.len > CSV_MAX_FIELD) {
					buf_free(&f);
					return fail(c, r, why, "a field is longer than 65536 bytes");
				}
			}
		}
		if (memchr(f.data ? f.data : "", '\0', f.len) || !utf8_valid(f.data ? f.data : "", f.len)) {
			buf_free(&f);
			return fail(c, r, why, "a field is not UTF-8 text (save the file as CSV UTF-8)");
		}
		if (r->n == CSV_MAX_FIELDS) {
			buf_free(&f);
			return fail(c, r, why, "more than 200 fields in a record");
		}
		r->v = xrealloc(r->v, (r->n + 1) * sizeof *r->v);
		r->v[r->n++] = buf_detach(&f);
		if (c->p >= c->end)
			break;
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		/* The end of the record: LF or CRLF. */
		c->p += *c->p == '\r' ? 2 : 1;
		c->line++;
		break;
	}
	buf_free(&f);
	return 1;
}

void csv_put(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	/* A byte order mark unquoted at the start of a file would be skipped. */
	if (!strpbrk(s, ",\"\r\n") && !(n && (s[0] == ' ' || s[n - 1] == ' ')) &&
	    strncmp(s, "\xef\xbb\xbf", 3)) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}
