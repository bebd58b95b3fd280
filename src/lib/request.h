/* CGI request parsing against a declared parameter table (kcgi-style).
 * Structural errors (bad names, duplicates, control characters, bad length)
 * reject the whole request before any handler runs; a value that fails its
 * validator only marks that field FIELD_INVALID so forms can re-show it. */
#ifndef HM_REQUEST_H
#define HM_REQUEST_H

#include <stddef.h>
#include <stdint.h>

enum method { METHOD_GET, METHOD_HEAD, METHOD_POST };

enum field_state { FIELD_ABSENT = 0, FIELD_OK, FIELD_INVALID };

struct field {
	enum field_state state;
	char *raw;	/* the value as received (decoded), NUL-terminated */
	size_t rawlen;
	char *val;	/* validated, normalised value when FIELD_OK */
	int64_t ival;	/* integer form (ints, money in cents, bools, dates as yyyymmdd) */
};

struct param;
/* A validator inspects f->raw/f->rawlen and, when it accepts, sets f->val
 * (heap, owned by the field) and possibly f->ival, returning 1; else 0. */
typedef int (*validator_fn)(struct field *f, const struct param *p);

#define PARAM_MULTILINE 0x1	/* CR, LF and TAB allowed in the value */
/* A file field of a multipart/form-data body: it arrives in r->uploads, not
 * in r->fields, and maxlen (0: no limit but the body's) caps its bytes with
 * 413. A surface that declares no file field refuses multipart with 415. */
#define PARAM_FILE 0x2

struct param {
	const char *name;	/* [a-z][a-z0-9_]* */
	validator_fn valid;
	size_t maxlen;		/* bytes of the decoded value; 0 means 256 */
	unsigned flags;
	int64_t min, max;	/* for v_int; ignored elsewhere */
};

/* Validators (table-tested in tests/unit/test_request.c). */
int v_string(struct field *f, const struct param *p); /* one line, trimmed, may be empty */
int v_text(struct field *f, const struct param *p);   /* multi-line, CRLF->LF, trimmed */
int v_int(struct field *f, const struct param *p);    /* decimal in [min,max] */
int v_bool(struct field *f, const struct param *p);   /* "1","on","yes","true" -> 1; "0","off","no","false","" -> 0 */
int v_date(struct field *f, const struct param *p);   /* YYYY-MM-DD, a real date, or empty */
int v_email(struct field *f, const struct param *p);  /* local@domain, or empty */
int v_phone(struct field *f, const struct param *p);
int v_url(struct field *f, const struct param *p);    /* http(s)://host..., printable ASCII, no quotes or <>; or empty */  /* digits, spaces, + - ( ) . ; or empty */
int v_money(struct field *f, const struct param *p);  /* "1234", "1,234.50" -> cents in ival; or empty */
int v_token(struct field *f, const struct param *p);  /* base64url characters only */
int v_word(struct field *f, const struct param *p);   /* [a-z0-9_]+ (codes, stage names) */
int v_tzname(struct field *f, const struct param *p); /* IANA zone name shape, e.g. Europe/London */

/* A file part of a multipart body, for a declared PARAM_FILE parameter. */
struct upload {
	size_t param;		/* index of its parameter in the table */
	char *filename;		/* as the client named it (heap, valid UTF-8, no
				 * control characters, may be ""): a label, never a path */
	char *content_type;	/* as the client declared it (heap, may be ""): never trusted */
	const char *data;	/* the bytes, inside the request body */
	size_t len;
};

struct req {
	enum method method;
	const char *path_info;	/* "" when absent; never NULL */
	const char *script_name;
	const char *remote_addr; /* client address after trusted-proxy handling */
	const char *host;	/* HTTP_HOST or "" */
	const char *origin;	/* HTTP_ORIGIN or NULL */
	const char *referer;	/* HTTP_REFERER or NULL */
	const char *sec_fetch_site; /* HTTP_SEC_FETCH_SITE or NULL */
	int https;		/* HTTPS=on (or the proxy said so) */
	char *session_cookie;	/* value of the hm_session cookie, or NULL */
	char *forwarded_addr;	/* heap; what remote_addr points to when a trusted proxy named the client */

	const struct param *params;
	size_t nparams;
	struct field *fields;	/* nparams entries, same order as params */
	struct upload *uploads;	/* file parts, in the order received */
	size_t nuploads;
	char *body;		/* heap; kept by req_parse while uploads point into it */
};

/* Limits the parser enforces. A request carries at most REQ_MAX_FIELDS
 * pairs, or as many as its surface declares parameters when that is more:
 * each may come once, so an honest form never sends more than that. */
#define REQ_MAX_QUERY 4096
#define REQ_MAX_FIELDS 64
#define REQ_COOKIE_NAME "hm_session"

/* Parses the CGI environment and, for POST, exactly CONTENT_LENGTH bytes of
 * stdin (never more). max_body bounds the body, per surface: forms use the
 * configured max_body, upload.cgi its own larger limit. trusted_proxy may be NULL.
 * Returns 0, or an HTTP status to answer with: 400 malformed, 405 method,
 * 411 POST without length, 413 too large, 415 unsupported body type.
 * On error *why (static string) says why, for the log. */
int req_parse(struct req *r, const struct param *params, size_t nparams,
    size_t max_body, const char *trusted_proxy, const char **why);

/* The pure part of req_parse, used by it and by the fuzzer: parses a query
 * string and an optional body of the given content type into r->fields
 * (and r->uploads, whose data point into body: keep body while they are
 * used). r->params/nparams must be set and r->fields allocated (zeroed).
 * Multipart bodies are parsed only when the table declares a PARAM_FILE
 * parameter; their text parts obey the same rules as form fields. */
int req_parse_data(struct req *r, const char *query, size_t qlen,
    const char *content_type, const char *body, size_t bodylen,
    const char **why);

/* Finds cookie `name` in a Cookie header; returns a heap copy or NULL. */
char *req_cookie(const char *header, const char *name);

/* The field's validated value when FIELD_OK, else NULL. */
const char *req_val(const struct req *r, size_t idx);
/* The field's integer when FIELD_OK, else dflt. */
int64_t req_int(const struct req *r, size_t idx, int64_t dflt);
/* 1 when the field was sent but failed its validator. */
int req_invalid(const struct req *r, size_t idx);
/* The file sent for PARAM_FILE parameter idx, or NULL. Owned by r. */
const struct upload *req_upload(const struct req *r, size_t idx);

void req_free(struct req *r);

#endif
