/* A strict multipart/form-data parser (RFC 7578 over RFC 2046) for a body
 * already in memory. It refuses rather than guesses: no preamble, no
 * transport padding, no folded or over-long header lines, a closing
 * delimiter required. Parts point into the body; nothing is copied but the
 * names. request.c feeds the parts through the declared-parameter rules. */
#ifndef HM_MULTIPART_H
#define HM_MULTIPART_H

#include <stddef.h>

#define MP_MAX_BOUNDARY 70	/* RFC 2046 section 5.1.1 */
#define MP_MAX_PARTS 64		/* the same as REQ_MAX_FIELDS */
#define MP_MAX_HEADER_LINE 1024	/* bytes of one part header line, CRLF excluded */
#define MP_MAX_HEADERS 8	/* header lines per part */

struct mp_part {
	char *name;		/* Content-Disposition name (heap, non-empty, no control characters) */
	char *filename;		/* its filename parameter (heap), or NULL when absent; may be "" */
	char *content_type;	/* the part's Content-Type as sent (heap), or NULL; never trusted */
	const char *data;	/* the part's content, pointing into the body */
	size_t len;
};

struct mp_parts {
	struct mp_part *v;
	size_t n;
};

/* Finds the boundary parameter of a multipart/form-data Content-Type
 * (quoted or not) and checks it is 1-70 RFC 2046 characters. Writes it,
 * NUL-terminated, to out. Returns 0, or -1 with *why (static) set. */
int mp_boundary(const char *content_type, char out[MP_MAX_BOUNDARY + 1], const char **why);

/* Splits body[0..len) into parts. Returns 0 with out filled (free with
 * mp_parts_free; data pointers stay valid as long as body does), or -1
 * with out empty and *why (static) saying what was wrong. */
int mp_parse(const char *body, size_t len, const char *boundary, struct mp_parts *out,
    const char **why);

void mp_parts_free(struct mp_parts *p);

#endif
