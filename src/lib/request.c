/* CGI request parsing against a declared parameter table. See request.h for
 * the contract and DESIGN.md ("Declared parameters", "CGI hygiene") for why
 * it refuses so much: everything a handler reads has been through here. */
#include "request.h"
#include "ascii.h"
#include "i18n.h"
#include "multipart.h"
#include "utf8.h"
#include "util.h"

#include <sodium.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>


enum body_kind { BODY_FORM, BODY_MULTIPART, BODY_OTHER };

/* Callers may pass why == NULL when they do not log the reason. */
static int fail(const char **why, int status, const char *msg)
{
	if (why)
		*why = msg;
	return status;
}

/* Decodes s[0..n) as application/x-www-form-urlencoded into out.
 * Returns 0 on a malformed %-escape: a client that cannot encode is not
 * guessed at. */
static int form_decode(struct buf *out, const char *s, size_t n)
{
	buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi = n - i > 2 ? hex_val((unsigned char)s[i + 1]) : -1;
			int lo = n - i > 2 ? hex_val((unsigned char)s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return 0;
			c = hi << 4 | lo;
			i += 2;
		}
		buf_putc(out, (char)c);
	}
	return 1;
}

static int name_ok(const char *s, size_t n)
{
	if (n == 0 || !is_lower((unsigned char)s[0]))
		return 0;
	for (size_t i = 1; i < n; i++) {
		int c = (unsigned char)s[i];
		if (!is_lower(c) && !is_digit(c) && c != '_')
			return 0;
	}
	return 1;
}

/* A name as the request layer reads it: the one name a standard fixes
 * outside our rules (REQ_ONE_CLICK_PARAM) as ours, every other unchanged. */
static void wire_name(struct buf *name)
{
	static const char rfc8058[] = "List-Unsubscribe";
	if (name->len == sizeof rfc8058 - 1 && !memcmp(name->data, rfc8058, name->len)) {
		buf_reset(name);
		buf_puts(name, REQ_ONE_CLICK_PARAM);
	}
}

/* Why a decoded value cannot be taken at all, or NULL. Only invalid
 * UTF-8 is refused here: no browser sends it from a UTF-8 page, and it
 * could not be shown back. Control characters a person may have pasted
 * are a field error (validate_fields), not a reason to lose the form. */
static const char *value_problem(const char *val, size_t n)
{
	return utf8_valid(val, n) ? NULL : "invalid UTF-8 in value";
}

/* Index of the declared parameter called name[0..n), or nparams. */
static size_t find_param(const struct req *r, const char *name, size_t n)
{
	size_t i;
	for (i = 0; i < r->nparams; i++)
		if (strlen(r->params[i].name) == n && memcmp(r->params[i].name, name, n) == 0)
			break;
	return i;
}

/* Takes the decoded value out of val into the field, once. */
static int store_value(struct field *f, struct buf *val, const char **why)
{
	const char *problem;
	if (f->raw)
		return fail(why, 400, "duplicate parameter");
	problem = value_problem(val->data, val->len);
	if (problem)
		return fail(why, 400, problem);
	f->rawlen = val->len;
	f->raw = buf_detach(val);
	return 0;
}

/* One name=value pair (or a bare name, meaning an empty value). */
static int add_pair(struct req *r, const char *pair, size_t n, const char **why)
{
	struct buf name = {0}, val = {0};
	const char *eq = memchr(pair, '=', n);
	size_t nlen = eq ? (size_t)(eq - pair) : n;
	size_t idx;
	int status = 0;

	if (!form_decode(&name, pair, nlen) ||
	    !form_decode(&val, pair + nlen + (eq != NULL), n - nlen - (eq != NULL))) {
		status = fail(why, 400, "bad %-escape");
		goto out;
	}
	wire_name(&name);
	if (!name_ok(name.data, name.len)) {
		status = fail(why, 400, "bad parameter name");
		goto out;
	}
	idx = find_param(r, name.data, name.len);
	if (idx < r->nparams && (r->params[idx].flags & PARAM_FILE))
		status = fail(why, 400, "file parameter sent as a form value");
	else if (idx < r->nparams)
		status = store_value(&r->fields[idx], &val, why);
out:
	buf_free(&name);
	buf_free(&val);
	return status;
}

/* The most pairs a request may carry (request.h): a surface with long
 * forms (a workflow's stage rows) declares more than REQ_MAX_FIELDS. */
static size_t max_pairs(const struct req *r)
{
	return r->nparams > REQ_MAX_FIELDS ? r->nparams : REQ_MAX_FIELDS;
}

/* Parses s[0..n) as a form; *npairs counts pairs across query and body so
 * splitting a flood between the two does not get round the limit. */
static int parse_form(struct req *r, const char *s, size_t n, size_t *npairs,
    const char **why)
{
	size_t i = 0;
	while (i < n) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - s) : n;
		if (end > i) {
			int status;
			if (++*npairs > max_pairs(r))
				return fail(why, 400, "too many parameters");
			status = add_pair(r, s + i, end - i, why);
			if (status)
				return status;
		}
		i = end + 1;
	}
	return 0;
}

static int type_is(const char *s, size_t n, const char *type)
{
	return strlen(type) == n && strncasecmp(s, type, n) == 0;
}

/* Classifies a Content-Type by its media type; parameters such as
 * "; charset=UTF-8" are allowed and ignored (values must be UTF-8 anyway). */
static enum body_kind body_kind(const char *ct)
{
	size_t n;
	const char *rest;
	if (!ct)
		return BODY_OTHER;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	n = strcspn(ct, "; \t");
	for (rest = ct + n; *rest == ' ' || *rest == '\t'; rest++)
		;
	if (*rest && *rest != ';')
		return BODY_OTHER;
	if (type_is(ct, n, "application/x-www-form-urlencoded"))
		return BODY_FORM;
	if (type_is(ct, n, "multipart/form-data"))
		return BODY_MULTIPART;
	return BODY_OTHER;
}

/* Multipart is accepted only by a surface that takes files, or RFC 8058's
 * one-click POST: everywhere else it is a body type nobody's forms send. */
static int accepts_multipart(const struct req *r)
{
	for (size_t i = 0; i < r->nparams; i++)
		if ((r->params[i].flags & PARAM_FILE) || !strcmp(r->params[i].name, REQ_ONE_CLICK_PARAM))
			return 1;
	return 0;
}

/* A file part's name or type: valid UTF-8 without control characters. */
static const char *label_problem(const char *s)
{
	size_t n = strlen(s);
	const unsigned char *p = (const unsigned char *)s;
	if (!utf8_valid(s, n))
		return "invalid UTF-8 in value";
	for (size_t i = 0; i < n; i += utf8_seq(p + i, n - i))
		if (utf8_is_control(p + i, n - i))
			return "control character in value";
	return NULL;
}

static int add_upload(struct req *r, size_t idx, struct mp_part *pt, const char **why)
{
	const struct param *p = &r->params[idx];
	const char *problem;
	struct upload *u;
	for (size_t i = 0; i < r->nuploads; i++)
		if (r->uploads[i].param == idx)
			return fail(why, 400, "duplicate parameter");
	if (p->maxlen && pt->len > p->maxlen)
		return fail(why, 413, "file too large");
	/* The name is a label shown to staff at most; the type is the
	 * client's claim. Neither may carry control characters. */
	problem = label_problem(pt->filename);
	if (!problem && pt->content_type)
		problem = label_problem(pt->content_type);
	if (problem)
		return fail(why, 400, problem);
	r->uploads = xrealloc(r->uploads, (r->nuploads + 1) * sizeof *r->uploads);
	u = &r->uploads[r->nuploads++];
	u->param = idx;
	u->filename = pt->filename;
	u->content_type = pt->content_type ? pt->content_type : xstrdup("");
	u->data = pt->data;
	u->len = pt->len;
	pt->filename = pt->content_type = NULL;
	return 0;
}

/* Text parts go through the very checks a urlencoded field does; a part
 * with a filename is a file and must be for a PARAM_FILE parameter, and a
 * PARAM_FILE parameter takes nothing else. */
static int parse_multipart(struct req *r, const char *content_type, const char *body,
    size_t bodylen, size_t *npairs, const char **why)
{
	char boundary[MP_MAX_BOUNDARY + 1];
	struct mp_parts parts = {0};
	struct buf val = {0}, name = {0};
	int status = 0;

	if (!accepts_multipart(r))
		return fail(why, 415, "multipart body on a surface that takes no files");
	if (mp_boundary(content_type, boundary, why) != 0 ||
	    mp_parse(body, bodylen, boundary, &parts, why) != 0)
		return 400;
	for (size_t i = 0; i < parts.n && status == 0; i++) {
		struct mp_part *pt = &parts.v[i];
		size_t idx;
		if (++*npairs > max_pairs(r)) {
			status = fail(why, 400, "too many parameters");
			break;
		}
		buf_reset(&name);
		buf_puts(&name, pt->name);
		wire_name(&name);
		if (!name_ok(name.data, name.len)) {
			status = fail(why, 400, "bad parameter name");
			break;
		}
		idx = find_param(r, name.data, name.len);
		if (idx == r->nparams)
			continue;
		if ((r->params[idx].flags & PARAM_FILE) != 0) {
			if (!pt->filename)
				status = fail(why, 400, "file parameter sent as a form value");
			else
				status = add_upload(r, idx, pt, why);
			continue;
		}
		if (pt->filename) {
			status = fail(why, 400, "file sent for a form value");
			break;
		}
		buf_reset(&val);
		buf_append(&val, pt->data, pt->len);
		status = store_value(&r->fields[idx], &val, why);
	}
	buf_free(&val);
	buf_free(&name);
	mp_parts_free(&parts);
	return status;
}

static int parse_body(struct req *r, const char *content_type, const char *body,
    size_t bodylen, size_t *npairs, const char **why)
{
	/* An empty body carries no fields whatever it claims to be. */
	if (bodylen == 0)
		return 0;
	switch (body_kind(content_type)) {
	case BODY_FORM:
		return parse_form(r, body, bodylen, npairs, why);
	case BODY_MULTIPART:
		return parse_multipart(r, content_type, body, bodylen, npairs, why);
	case BODY_OTHER:
		break;
	}
	return fail(why, 415, "unsupported content type");
}

/* 1 when the value holds a control character the parameter does not
 * allow (multi-line fields take CR, LF and TAB). */
static int has_control(const struct field *f, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)f->raw;
	for (size_t i = 0; i < f->rawlen; i += utf8_seq(s + i, f->rawlen - i)) {
		if (!utf8_is_control(s + i, f->rawlen - i))
			continue;
		if ((flags & PARAM_MULTILINE) && (s[i] == '\r' || s[i] == '\n' || s[i] == '\t'))
			continue;
		return 1;
	}
	return 0;
}

static void invalid(struct field *f, enum field_error e)
{
	free(f->val);
	f->val = NULL;
	f->ival = 0;
	f->state = FIELD_INVALID;
	f->error = e;
}

/* Every sent field is checked in the same order: control characters,
 * then length in characters, then its validator. */
static void validate_fields(struct req *r)
{
	for (size_t i = 0; i < r->nparams; i++) {
		struct field *f = &r->fields[i];
		const struct param *p = &r->params[i];
		/* A table entry without a validator gets the safest plain one. */
		validator_fn valid = p->valid ? p->valid : v_string;
		size_t max = p->maxlen ? p->maxlen : REQ_DEFAULT_MAXLEN;
		if (!f->raw)
			continue;
		f->chars = utf8_chars(f->raw, f->rawlen);
		if (has_control(f, p->flags)) {
			invalid(f, FERR_CONTROL);
			f->shown = utf8_clean(f->raw, f->rawlen,
			    (p->flags & PARAM_MULTILINE) ? UTF8_KEEP_LF | UTF8_KEEP_CRTAB : 0);
		} else if (f->chars > max) {
			invalid(f, FERR_TOO_LONG);
		} else if (valid(f, p) && f->val) {
			f->state = FIELD_OK;
		} else {
			invalid(f, FERR_FORMAT);
		}
	}
}

enum field_error req_check_value(const struct param *p, const char *s, char **val, int64_t *ival)
{
	struct field f = {.raw = (char *)s, .rawlen = strlen(s)};
	validator_fn valid = p->valid ? p->valid : v_string;
	size_t max = p->maxlen ? p->maxlen : REQ_DEFAULT_MAXLEN;
	enum field_error e = FERR_NONE;
	*val = NULL;
	*ival = 0;
	if (!utf8_valid(f.raw, f.rawlen) || has_control(&f, p->flags))
		e = FERR_CONTROL;
	else if (utf8_chars(f.raw, f.rawlen) > max)
		e = FERR_TOO_LONG;
	else if (!valid(&f, p) || !f.val)
		e = FERR_FORMAT;
	if (e == FERR_NONE) {
		*val = f.val;
		*ival = f.ival;
	} else {
		free(f.val);
	}
	return e;
}

int req_parse_data(struct req *r, const char *query, size_t qlen,
    const char *content_type, const char *body, size_t bodylen,
    const char **why)
{
	size_t npairs = 0;
	int status;
	if (qlen > REQ_MAX_QUERY)
		return fail(why, 400, "query string too long");
	status = parse_form(r, query, qlen, &npairs, why);
	if (status == 0)
		status = parse_body(r, content_type, body, bodylen, &npairs, why);
	if (status == 0)
		validate_fields(r);
	return status;
}

static void trim_span(const char **s, const char **e)
{
	while (*s < *e && is_space((unsigned char)**s))
		(*s)++;
	while (*e > *s && is_space((unsigned char)(*e)[-1]))
		(*e)--;
}

/* Unwraps a quoted cookie value; one holding a control character (C0, DEL
 * or C1, as in fields) is treated as absent so it can never be carried on
 * into a header or log. */
static char *cookie_value(const char *s, const char *e)
{
	if (e - s >= 2 && *s == '"' && e[-1] == '"') {
		s++;
		e--;
	}
	for (const char *c = s; c < e; c++)
		if (utf8_is_control((const unsigned char *)c, (size_t)(e - c)))
			return NULL;
	return xstrndup(s, (size_t)(e - s));
}

/* Pairs split on ';' with names and values trimmed (RFC 6265 section 5.2).
 * The first pair with the name wins, as in most servers. */
char *req_cookie(const char *header, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = header;
	while (p && *p) {
		const char *end = p + strcspn(p, ";");
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (eq) {
			const char *ns = p, *ne = eq, *vs = eq + 1, *ve = end;
			trim_span(&ns, &ne);
			if ((size_t)(ne - ns) == nlen && memcmp(ns, name, nlen) == 0) {
				trim_span(&vs, &ve);
				return cookie_value(vs, ve);
			}
		}
		p = *end ? end + 1 : end;
	}
	return NULL;
}

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v ? v : dflt;
}

static int parse_method(struct req *r, const char **why)
{
	const char *m = env_or("REQUEST_METHOD", "");
	if (strcmp(m, "GET") == 0)
		r->method = METHOD_GET;
	else if (strcmp(m, "HEAD") == 0)
		r->method = METHOD_HEAD;
	else if (strcmp(m, "POST") == 0)
		r->method = METHOD_POST;
	else
		return fail(why, 405, "method not allowed");
	return 0;
}

/* The proxy appends the address it saw, so only the right-most entry of
 * X-Forwarded-For is trustworthy: anything left of it came from the client.
 * Returns the address in canonical form (one rate-limit bucket per client
 * however it is spelt), or NULL when the entry is not an IP address. */
static char *forwarded_client(const char *xff)
{
	char tmp[INET6_ADDRSTRLEN + 8], out[INET6_ADDRSTRLEN];
	struct in6_addr bin;
	const char *last;
	size_t n;
	int af;
	if (!xff)
		return NULL;
	last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	n = strlen(last);
	if (n >= sizeof tmp)
		return NULL;
	memcpy(tmp, last, n + 1);
	str_trim(tmp);
	af = strchr(tmp, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(af, tmp, &bin) != 1 || !inet_ntop(af, &bin, out, sizeof out))
		return NULL;
	return xstrdup(out);
}

/* X-Forwarded-* are believed only from the configured proxy; from anyone
 * else they are client-written text. */
static void apply_trusted_proxy(struct req *r, const char *trusted_proxy)
{
	const char *proto;
	if (!trusted_proxy || !*trusted_proxy || strcmp(r->remote_addr, trusted_proxy) != 0)
		return;
	proto = getenv("HTTP_X_FORWARDED_PROTO");
	r->https = proto && strcasecmp(proto, "https") == 0;
	r->forwarded_addr = forwarded_client(getenv("HTTP_X_FORWARDED_FOR"));
	if (r->forwarded_addr)
		r->remote_addr = r->forwarded_addr;
	else
		log_err("request from the trusted proxy without a usable X-Forwarded-For; "
		    "using the proxy's address");
}

/* HTTP_PROXY is deliberately never read: it is the client's "Proxy:"
 * header (httpoxy), not configuration. */
static void read_env(struct req *r, const char *trusted_proxy)
{
	const char *https = getenv("HTTPS");
	r->path_info = env_or("PATH_INFO", "");
	r->script_name = env_or("SCRIPT_NAME", "");
	r->host = env_or("HTTP_HOST", "");
	r->origin = getenv("HTTP_ORIGIN");
	r->referer = getenv("HTTP_REFERER");
	r->sec_fetch_site = getenv("HTTP_SEC_FETCH_SITE");
	r->accept_language = getenv("HTTP_ACCEPT_LANGUAGE");
	r->https = https && (strcasecmp(https, "on") == 0 || strcmp(https, "1") == 0);
	r->remote_addr = env_or("REMOTE_ADDR", "");
	r->cookie_header = getenv("HTTP_COOKIE") ? xstrdup(getenv("HTTP_COOKIE")) : NULL;
	r->session_cookie = req_cookie(r->cookie_header, REQ_COOKIE_NAME);
	if (r->session_cookie && !*r->session_cookie) {
		/* An emptied cookie is what logging out leaves behind. */
		free(r->session_cookie);
		r->session_cookie = NULL;
	}
	apply_trusted_proxy(r, trusted_proxy);
}

/* CONTENT_LENGTH must be plain decimal; it is compared with max_body
 * without overflowing, before a byte of the body is read. */
static int body_length(size_t max_body, size_t *lenp, const char **why)
{
	const char *cl = getenv("CONTENT_LENGTH");
	size_t n = 0;
	if (!cl || !*cl)
		return fail(why, 411, "POST without Content-Length");
	if (cl[strspn(cl, "0123456789")] != '\0')
		return fail(why, 400, "malformed Content-Length");
	for (; *cl; cl++) {
		size_t d = (size_t)(*cl - '0');
		if (d > max_body || n > (max_body - d) / 10)
			return fail(why, 413, "body too large");
		n = n * 10 + d;
	}
	*lenp = n;
	return 0;
}

/* Reads exactly len bytes of stdin: never more, because what follows is
 * not ours, and a short body is a broken request, not a smaller form. */
static int read_body(size_t len, char **bodyp, const char **why)
{
	char *body = xmalloc(len);
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(STDIN_FILENO, body + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(body);
			return fail(why, 400, n == 0 ? "body shorter than Content-Length"
			    : "error reading body");
		}
		got += (size_t)n;
	}
	*bodyp = body;
	return 0;
}

int req_parse(struct req *r, const struct param *params, size_t nparams,
    size_t max_body, const char *trusted_proxy, const char **why)
{
	const char *query = env_or("QUERY_STRING", "");
	const char *content_type = NULL;
	char *body = NULL;
	size_t bodylen = 0;
	int status;

	memset(r, 0, sizeof *r);
	r->params = params;
	r->nparams = nparams;
	r->fields = xcalloc(nparams, sizeof *r->fields);
	read_env(r, trusted_proxy);
	status = parse_method(r, why);
	if (status)
		goto out;
	/* GET and HEAD bodies are never read: nothing may act on them. */
	if (r->method == METHOD_POST) {
		status = body_length(max_body, &bodylen, why);
		if (status == 0)
			status = read_body(bodylen, &body, why);
		if (status)
			goto out;
		content_type = getenv("CONTENT_TYPE");
	}
	status = req_parse_data(r, query, strlen(query), content_type, body, bodylen, why);
	if (r->nuploads) {
		r->body = body;	/* the uploads point into it */
		body = NULL;
	}
out:
	free(body);
	return status;
}

static const struct field *field_at(const struct req *r, size_t idx)
{
	if (!r || !r->fields || idx >= r->nparams)
		return NULL;
	return &r->fields[idx];
}

const char *req_val(const struct req *r, size_t idx)
{
	const struct field *f = field_at(r, idx);
	return f && f->state == FIELD_OK ? f->val : NULL;
}

int64_t req_int(const struct req *r, size_t idx, int64_t dflt)
{
	const struct field *f = field_at(r, idx);
	return f && f->state == FIELD_OK ? f->ival : dflt;
}

int req_invalid(const struct req *r, size_t idx)
{
	const struct field *f = field_at(r, idx);
	return f && f->state == FIELD_INVALID;
}

int req_present(const struct req *r, size_t idx)
{
	const struct field *f = field_at(r, idx);
	return f && f->state != FIELD_ABSENT;
}

enum field_error req_error(const struct req *r, size_t idx)
{
	const struct field *f = field_at(r, idx);
	return f && f->state == FIELD_INVALID ? f->error : FERR_NONE;
}

const char *req_shown(const struct req *r, size_t idx)
{
	const struct field *f = field_at(r, idx);
	if (!f || (r->params[idx].flags & PARAM_SECRET))
		return NULL;
	if (f->state == FIELD_OK)
		return f->val;
	if (f->state == FIELD_INVALID)
		return f->shown ? f->shown : f->raw;
	return NULL;
}

size_t req_maxlen(const struct req *r, size_t idx)
{
	if (!r || idx >= r->nparams)
		return REQ_DEFAULT_MAXLEN;
	return r->params[idx].maxlen ? r->params[idx].maxlen : REQ_DEFAULT_MAXLEN;
}

const char *req_message(const struct req *r, size_t idx, const char *invalid_msg, char *buf,
    size_t n)
{
	const struct field *f = field_at(r, idx);
	if (!f || f->state != FIELD_INVALID || n == 0)
		return NULL;
	switch (f->error) {
	case FERR_TOO_LONG: {
		/* 2000 as "2,000" (or "2.000"): how people write the numbers
		 * they are told. */
		char max[32], has[32];
		size_t limit = req_maxlen(r, idx);
		lang_number(lang_current(), (long long)limit, max, sizeof max);
		lang_number(lang_current(), (long long)f->chars, has, sizeof has);
		snprintf(buf, n, P_("This can be up to %1$s character; it has %2$s. Please shorten it.",
		    "This can be up to %1$s characters; it has %2$s. Please shorten it.", limit),
		    max, has);
		break;
	}
	case FERR_CONTROL:
		snprintf(buf, n, "%s", _("This holds characters that cannot be saved (shown as "
		    "\xef\xbf\xbd). Please remove them."));
		break;
	default:
		snprintf(buf, n, "%s", invalid_msg ? invalid_msg : _("That value is not allowed."));
	}
	return buf;
}

size_t req_param_index(const struct req *r, const char *name)
{
	return find_param(r, name, strlen(name));
}

char *req_cookie_get(const struct req *r, const char *name)
{
	return r && r->cookie_header ? req_cookie(r->cookie_header, name) : NULL;
}

/* Lengths go in first, so ("ab","c") and ("a","bc") never digest alike. */
static void digest_part(crypto_generichash_state *h, const void *p, size_t n)
{
	uint64_t len = n;
	crypto_generichash_update(h, (const unsigned char *)&len, sizeof len);
	crypto_generichash_update(h, p, n);
}

void req_digest(const struct req *r, size_t skip, unsigned char out[32])
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	digest_part(&h, r->script_name ? r->script_name : "", r->script_name ? strlen(r->script_name) : 0);
	digest_part(&h, r->path_info, strlen(r->path_info));
	for (size_t i = 0; i < r->nparams; i++) {
		const struct field *f = &r->fields[i];
		if (i == skip || !f->raw || (r->params[i].flags & PARAM_SECRET))
			continue;
		digest_part(&h, &i, sizeof i);
		digest_part(&h, f->raw, f->rawlen);
	}
	for (size_t i = 0; i < r->nuploads; i++) {
		digest_part(&h, &r->uploads[i].param, sizeof r->uploads[i].param);
		digest_part(&h, r->uploads[i].data, r->uploads[i].len);
	}
	crypto_generichash_final(&h, out, 32);
}

const struct upload *req_upload(const struct req *r, size_t idx)
{
	for (size_t i = 0; r && i < r->nuploads; i++)
		if (r->uploads[i].param == idx)
			return &r->uploads[i];
	return NULL;
}

void req_free(struct req *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->fields && i < r->nparams; i++) {
		free(r->fields[i].raw);
		free(r->fields[i].val);
		free(r->fields[i].shown);
	}
	free(r->fields);
	for (size_t i = 0; r->uploads && i < r->nuploads; i++) {
		free(r->uploads[i].filename);
		free(r->uploads[i].content_type);
	}
	free(r->uploads);
	free(r->body);
	free(r->session_cookie);
	free(r->cookie_header);
	free(r->forwarded_addr);
	memset(r, 0, sizeof *r);
}

