/* CGI request parsing against a declared parameter table (kcgi-style).
 * Structural errors (bad names, duplicates, bad escapes, invalid UTF-8,
 * bad length or body) reject the whole request before any handler runs: no
 * browser sends them. What a person can type wrong (a value too long, a
 * control character pasted in, a date that is not one) only marks that
 * field FIELD_INVALID, with what was typed kept, so the form comes back
 * with everything on it and the problem named. */
#ifndef HM_REQUEST_H
#define HM_REQUEST_H

#include <stddef.h>
#include <stdint.h>

enum method { METHOD_GET, METHOD_HEAD, METHOD_POST };

enum field_state { FIELD_ABSENT = 0, FIELD_OK, FIELD_INVALID };

/* Why a field is FIELD_INVALID. */
enum field_error {
	FERR_NONE = 0,
	FERR_FORMAT,		/* its validator refused it */
	FERR_TOO_LONG,		/* more characters than the parameter allows */
	FERR_CONTROL,		/* a control character where none may be */
};

struct field {
	enum field_state state;
	enum field_error error;	/* when FIELD_INVALID */
	char *raw;	/* the value as received (decoded, valid UTF-8), NUL-terminated */
	size_t rawlen;
	size_t chars;	/* characters in raw, a CR LF counted once */
	char *val;	/* validated, normalised value when FIELD_OK */
	char *shown;	/* FERR_CONTROL only: raw with the controls replaced */
	int64_t ival;	/* integer form (ints, money in cents, bools, dates as yyyymmdd) */
};

struct param;
/* A validator inspects f->raw/f->rawlen and, when it accepts, sets f->val
 * (heap, owned by the field) and possibly f->ival, returning 1; else 0.
 * The parser has already checked length and control characters. */
typedef int (*validator_fn)(struct field *f, const struct param *p);

#define PARAM_MULTILINE 0x1	/* CR, LF and TAB allowed in the value */
/* A file field of a multipart/form-data body: it arrives in r->uploads, not
 * in r->fields, and maxlen (0: no limit but the body's) caps its bytes with
 * 413. A surface that declares no file field refuses multipart with 415. */
#define PARAM_FILE 0x2
/* A password: never trimmed, never shown back on a form, never part of a
 * form's idempotency digest. */
#define PARAM_SECRET 0x4

struct param {
	const char *name;	/* [a-z][a-z0-9_]* */
	validator_fn valid;
	/* Characters (code points; a line break counts one) the value may
	 * have: 0 means 256. The forms' maxlength attributes are set from this
	 * very number (web_page's max_<name>), so the two cannot disagree.
	 * For PARAM_FILE, bytes. */
	size_t maxlen;
	unsigned flags;
	int64_t min, max;	/* for v_int; ignored elsewhere */
	const char *const *choices;	/* for v_choice: NULL-terminated */
};

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
	const char *accept_language; /* HTTP_ACCEPT_LANGUAGE or NULL */
	int https;		/* HTTPS=on (or the proxy said so) */
	char *cookie_header;	/* HTTP_COOKIE (heap copy) or NULL */
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
#define REQ_DEFAULT_MAXLEN 256
#define REQ_COOKIE_NAME "hm_session"
/* RFC 8058's one-click unsubscribe POSTs "List-Unsubscribe=One-Click", a
 * name outside ours: it is read as this one. A surface that declares it
 * also takes the multipart body of the RFC's own example. */
#define REQ_ONE_CLICK_PARAM "list_unsubscribe"

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
 * parameter (or REQ_ONE_CLICK_PARAM); their text parts obey the same rules
 * as form fields. */
int req_parse_data(struct req *r, const char *query, size_t qlen,
    const char *content_type, const char *body, size_t bodylen,
    const char **why);

/* Checks one value that came from no request (a row of a file hallmarkctl
 * imports) as a form's field is checked against p: valid UTF-8, control
 * characters, length in characters, then p's validator. FERR_NONE with the
 * normalised value in *val (heap, the caller's) and *ival, else why not. */
enum field_error req_check_value(const struct param *p, const char *s, char **val, int64_t *ival);

/* Finds cookie `name` in a Cookie header; returns a heap copy or NULL. */
char *req_cookie(const char *header, const char *name);
/* Cookie `name` of this request (heap copy) or NULL. */
char *req_cookie_get(const struct req *r, const char *name);

/* The field's validated value when FIELD_OK, else NULL. */
const char *req_val(const struct req *r, size_t idx);
/* The field's integer when FIELD_OK, else dflt. */
int64_t req_int(const struct req *r, size_t idx, int64_t dflt);
/* 1 when the field was sent but failed a check. */
int req_invalid(const struct req *r, size_t idx);
/* 1 when the field was sent at all, valid or not. */
int req_present(const struct req *r, size_t idx);
/* Why the field is invalid (FERR_NONE when it is not). */
enum field_error req_error(const struct req *r, size_t idx);
/* What to put back in the form: the validated value, or what was typed
 * (control characters replaced) when it failed; NULL when absent and
 * always for PARAM_SECRET. Owned by r. */
const char *req_shown(const struct req *r, size_t idx);
/* The characters the parameter allows (its maxlen, or the default). */
size_t req_maxlen(const struct req *r, size_t idx);
/* A sentence for the person about an invalid field, in buf (n bytes):
 * too long and control characters have their own; a value its validator
 * refused gets `invalid` (or a general one). NULL when the field is fine. */
const char *req_message(const struct req *r, size_t idx, const char *invalid, char *buf,
    size_t n);
/* The file sent for PARAM_FILE parameter idx, or NULL. Owned by r. */
const struct upload *req_upload(const struct req *r, size_t idx);
/* The index of the parameter called name, or r->nparams. */
size_t req_param_index(const struct req *r, const char *name);
/* A 32-byte digest of what the person submitted: the path and, in table
 * order, every sent field but secrets (and `skip`, which may be
 * r->nparams), and every uploaded file. Two submissions of the same form
 * with the same content digest alike; anything else differs. */
void req_digest(const struct req *r, size_t skip, unsigned char out[32]);

void req_free(struct req *r);

#include "validate.h"

#endif
