/* multipart/form-data, strictly. See multipart.h for what is refused and
 * why: every byte a handler sees has been through a rule here or in
 * request.c, and a body that does not end with its closing delimiter is
 * a broken upload, not a shorter one. */
#include "multipart.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -1;
}

static int is_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 7230 tchar: header names, parameter names, unquoted tokens. */
static int is_tchar(int c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 2046 bchars: what a boundary may hold (space not last). */
static int is_bchar(int c)
{
	return is_alnum(c) || (c && strchr("'()+_,-./:=? ", c));
}

static int is_ws(int c)
{
	return c == ' ' || c == '\t';
}

/* Control characters other than TAB; header values may carry UTF-8
 * (browsers send file names raw), so bytes >= 0x80 pass here and are
 * checked as UTF-8 by request.c. */
static int is_ctl(int c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* One parameter value at *pp (end e): a quoted string or a token. A quoted
 * string ends at the next '"'; a backslash is an ordinary character, as
 * browsers send it (the HTML standard percent-encodes '"', CR and LF in
 * names instead of escaping). Returns a heap copy and advances *pp. */
static char *param_value(const char **pp, const char *e, int (*ok)(int))
{
	const char *p = *pp, *s;
	if (p < e && *p == '"') {
		s = ++p;
		while (p < e && *p != '"') {
			if (is_ctl((unsigned char)*p) || *p == '\t')
				return NULL;
			p++;
		}
		if (p == e)
			return NULL;
		*pp = p + 1;
		return xstrndup(s, (size_t)(p - s));
	}
	s = p;
	while (p < e && ok((unsigned char)*p))
		p++;
	if (p == s)
		return NULL;
	*pp = p;
	return xstrndup(s, (size_t)(p - s));
}

static int bchar_not_space(int c)
{
	return c != ' ' && is_bchar(c);
}

static int boundary_ok(const char *b)
{
	size_t n = strlen(b);
	if (n == 0 || n > MP_MAX_BOUNDARY || b[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_bchar((unsigned char)b[i]))
			return 0;
	return 1;
}

int mp_boundary(const char *ct, char out[MP_MAX_BOUNDARY + 1], const char **why)
{
	static const char type[] = "multipart/form-data";
	const char *p, *e;
	char *found = NULL;
	int rc = -1;

	out[0] = '\0';
	if (!ct)
		return fail(why, "no Content-Type");
	p = ct;
	e = ct + strlen(ct);
	while (p < e && is_ws((unsigned char)*p))
		p++;
	if ((size_t)(e - p) < sizeof type - 1 || strncasecmp(p, type, sizeof type - 1) != 0)
		return fail(why, "not multipart/form-data");
	p += sizeof type - 1;
	for (;;) {
		const char *ns;
		size_t nlen;
		char *val;
		while (p < e && is_ws((unsigned char)*p))
			p++;
		if (p == e)
			break;
		if (*p++ != ';') {
			fail(why, "malformed Content-Type parameters");
			goto out;
		}
		while (p < e && is_ws((unsigned char)*p))
			p++;
		if (p == e)
			break;	/* a trailing ';' */
		for (ns = p; p < e && is_tchar((unsigned char)*p); p++)
			;
		nlen = (size_t)(p - ns);
		if (nlen == 0 || p == e || *p != '=') {
			fail(why, "malformed Content-Type parameters");
			goto out;
		}
		p++;
		int is_boundary = nlen == 8 && strncasecmp(ns, "boundary", 8) == 0;
		val = param_value(&p, e, is_boundary ? bchar_not_space : is_tchar);
		if (!val) {
			fail(why, "malformed Content-Type parameters");
			goto out;
		}
		if (!is_boundary) {
			free(val);
			continue;
		}
		if (found) {
			free(val);
			fail(why, "two boundary parameters");
			goto out;
		}
		found = val;
	}
	if (!found) {
		fail(why, "multipart without a boundary");
		goto out;
	}
	if (!boundary_ok(found)) {
		fail(why, "bad multipart boundary");
		goto out;
	}
	memcpy(out, found, strlen(found) + 1);
	rc = 0;
out:
	free(found);
	return rc;
}

static void part_free(struct mp_part *pt)
{
	free(pt->name);
	free(pt->filename);
	free(pt->content_type);
	memset(pt, 0, sizeof *pt);
}

void mp_parts_free(struct mp_parts *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		part_free(&ps->v[i]);
	free(ps->v);
	ps->v = NULL;
	ps->n = 0;
}

/* Content-Disposition: form-data; name="..."[; filename="..."].
 * Other parameters are ignored, filename* included (RFC 7578 section 4.2
 * tells senders not to use it). */
static int parse_disposition(struct mp_part *pt, const char *p, const char *e,
    const char **why)
{
	static const char fd[] = "form-data";
	if ((size_t)(e - p) < sizeof fd - 1 || strncasecmp(p, fd, sizeof fd - 1) != 0 ||
	    (p + sizeof fd - 1 < e && !is_ws((unsigned char)p[sizeof fd - 1]) &&
	     p[sizeof fd - 1] != ';'))
		return fail(why, "part is not form-data");
	p += sizeof fd - 1;
	for (;;) {
		const char *ns;
		size_t nlen;
		char *val, **slot = NULL;
		while (p < e && is_ws((unsigned char)*p))
			p++;
		if (p == e)
			break;
		if (*p++ != ';')
			return fail(why, "malformed Content-Disposition");
		while (p < e && is_ws((unsigned char)*p))
			p++;
		for (ns = p; p < e && is_tchar((unsigned char)*p); p++)
			;
		nlen = (size_t)(p - ns);
		while (p < e && is_ws((unsigned char)*p))
			p++;
		if (nlen == 0 || p == e || *p != '=')
			return fail(why, "malformed Content-Disposition");
		p++;
		while (p < e && is_ws((unsigned char)*p))
			p++;
		if (!(val = param_value(&p, e, is_tchar)))
			return fail(why, "malformed Content-Disposition");
		if (nlen == 4 && strncasecmp(ns, "name", 4) == 0)
			slot = &pt->name;
		else if (nlen == 8 && strncasecmp(ns, "filename", 8) == 0)
			slot = &pt->filename;
		if (!slot) {
			free(val);
			continue;
		}
		if (*slot) {
			free(val);
			return fail(why, "repeated Content-Disposition parameter");
		}
		*slot = val;
	}
	if (!pt->name || !*pt->name)
		return fail(why, "part without a name");
	return 0;
}

static int header_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

/* One header line [p, e) of a part (CRLF excluded). */
static int parse_header(struct mp_part *pt, const char *p, const char *e,
    int *have_disposition, const char **why)
{
	const char *ns = p, *v;
	size_t nlen;
	if (is_ws((unsigned char)*p))
		return fail(why, "folded part header");
	for (const char *c = p; c < e; c++)
		if (is_ctl((unsigned char)*c))
			return fail(why, "control character in part header");
	while (p < e && is_tchar((unsigned char)*p))
		p++;
	nlen = (size_t)(p - ns);
	if (nlen == 0 || p == e || *p != ':')
		return fail(why, "malformed part header");
	v = p + 1;
	while (v < e && is_ws((unsigned char)*v))
		v++;
	while (e > v && is_ws((unsigned char)e[-1]))
		e--;
	if (header_is(ns, nlen, "Content-Disposition")) {
		if (*have_disposition)
			return fail(why, "repeated Content-Disposition");
		*have_disposition = 1;
		return parse_disposition(pt, v, e, why);
	}
	if (header_is(ns, nlen, "Content-Type")) {
		if (pt->content_type)
			return fail(why, "repeated part Content-Type");
		pt->content_type = xstrndup(v, (size_t)(e - v));
		return 0;
	}
	if (header_is(ns, nlen, "Content-Transfer-Encoding")) {
		/* Deprecated by RFC 7578; only the identity encodings mean
		 * what a browser would mean. */
		size_t n = (size_t)(e - v);
		if (!header_is(v, n, "binary") && !header_is(v, n, "8bit") && !header_is(v, n, "7bit"))
			return fail(why, "unsupported Content-Transfer-Encoding");
		return 0;
	}
	return 0;	/* other headers are ignored (RFC 7578 section 4.8) */
}

/* The header block of a part starting at *pp; leaves *pp at its content. */
static int parse_headers(struct mp_part *pt, const char **pp, const char *end,
    const char **why)
{
	const char *p = *pp;
	int have_disposition = 0;
	for (int lines = 0;; lines++) {
		size_t room = (size_t)(end - p);
		size_t scan = room < MP_MAX_HEADER_LINE + 2 ? room : MP_MAX_HEADER_LINE + 2;
		const char *crlf = memmem(p, scan, "\r\n", 2);
		int rc;
		if (!crlf)
			return fail(why, scan < room ? "part header line too long"
			    : "body ends inside part headers");
		if (crlf == p) {
			p += 2;
			break;
		}
		if (lines == MP_MAX_HEADERS)
			return fail(why, "too many part headers");
		rc = parse_header(pt, p, crlf, &have_disposition, why);
		if (rc)
			return rc;
		p = crlf + 2;
	}
	if (!have_disposition)
		return fail(why, "part without Content-Disposition");
	*pp = p;
	return 0;
}

int mp_parse(const char *body, size_t len, const char *boundary, struct mp_parts *out,
    const char **why)
{
	char delim[MP_MAX_BOUNDARY + 5];
	size_t dlen;
	const char *end = body + len, *p;
	size_t cap = 0;

	memset(out, 0, sizeof *out);
	if (!boundary || !boundary_ok(boundary))
		return fail(why, "bad multipart boundary");
	/* delim is CRLF "--" boundary; the body's first one has no CRLF. */
	dlen = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	if (!body || len < dlen - 2 || memcmp(body, delim + 2, dlen - 2) != 0)
		return fail(why, "multipart body does not start with its boundary");
	p = body + dlen - 2;
	for (;;) {
		struct mp_part pt;
		const char *next;
		/* After a delimiter: "--" closes, CRLF opens a part. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
			p += 2;
			if (p == end || (end - p == 2 && p[0] == '\r' && p[1] == '\n'))
				return 0;
			fail(why, "data after the closing boundary");
			goto bad;
		}
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			fail(why, end - p < 2 ? "multipart body truncated (no closing boundary)"
			    : "junk after a boundary");
			goto bad;
		}
		p += 2;
		if (out->n == MP_MAX_PARTS) {
			fail(why, "too many parts");
			goto bad;
		}
		memset(&pt, 0, sizeof pt);
		if (parse_headers(&pt, &p, end, why) != 0) {
			part_free(&pt);
			goto bad;
		}
		next = memmem(p, (size_t)(end - p), delim, dlen);
		if (!next) {
			part_free(&pt);
			fail(why, "multipart body truncated (no closing boundary)");
			goto bad;
		}
		pt.data = p;
		pt.len = (size_t)(next - p);
		if (out->n == cap) {
			cap = cap ? cap * 2 : 4;
			out->v = xrealloc(out->v, cap * sizeof *out->v);
		}
		out->v[out->n++] = pt;
		p = next + dlen;
	}
bad:
	mp_parts_free(out);
	return -1;
}
