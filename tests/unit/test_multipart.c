/* Unit tests for src/lib/multipart.c and the multipart branch of
 * req_parse_data: boundaries, well-formed and malformed bodies, limits,
 * and that text parts obey the declared-parameter rules. */
#include "check.h"
#include "multipart.h"
#include "request.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* ---- mp_boundary ---- */

struct bcase {
	const char *ct;
	const char *want;	/* NULL: refused */
};

static const struct bcase bcases[] = {
	{ "multipart/form-data; boundary=abc", "abc" },
	{ "multipart/form-data;boundary=abc", "abc" },
	{ "MULTIPART/Form-Data; BOUNDARY=abc", "abc" },
	{ "  multipart/form-data ; boundary=abc ", "abc" },
	{ "multipart/form-data; boundary=\"abc def\"", "abc def" },
	{ "multipart/form-data; boundary=\"a'()+_,-./:=?\"", "a'()+_,-./:=?" },
	{ "multipart/form-data; charset=utf-8; boundary=x", "x" },
	{ "multipart/form-data; boundary=x; charset=\"utf-8\"", "x" },
	{ "multipart/form-data; boundary=x;", "x" },
	{ "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
	  "----WebKitFormBoundary7MA4YWxkTrZu0gW" },
	{ "multipart/form-data; boundary=----=_Part_0_1", "----=_Part_0_1" },
	{ "multipart/form-data; boundary="
	  "1234567890123456789012345678901234567890123456789012345678901234567890",
	  "1234567890123456789012345678901234567890123456789012345678901234567890" },
	{ "multipart/form-data; boundary="
	  "12345678901234567890123456789012345678901234567890123456789012345678901", NULL },
	{ "multipart/form-data", NULL },
	{ "multipart/form-data;", NULL },
	{ "multipart/form-data; boundary=", NULL },
	{ "multipart/form-data; boundary=\"\"", NULL },
	{ "multipart/form-data; boundary=\"abc \"", NULL },
	{ "multipart/form-data; boundary=\"abc", NULL },
	{ "multipart/form-data; boundary=a\"b", NULL },
	{ "multipart/form-data; boundary=a b", NULL },
	{ "multipart/form-data; boundary=a;boundary=b", NULL },
	{ "multipart/form-data; boundary=\"a*b\"", NULL },
	{ "multipart/form-data; boundary=a\tb", NULL },
	{ "multipart/form-data; =x", NULL },
	{ "multipart/form-data; boundary", NULL },
	{ "multipart/form-data boundary=x", NULL },
	{ "multipart/form-dataX; boundary=x", NULL },
	{ "multipart/mixed; boundary=x", NULL },
	{ "application/x-www-form-urlencoded", NULL },
	{ "", NULL },
	{ NULL, NULL },
};

static void test_boundary(void)
{
	for (size_t i = 0; i < HM_NELEM(bcases); i++) {
		char b[MP_MAX_BOUNDARY + 1];
		const char *why = NULL;
		int rc = mp_boundary(bcases[i].ct, b, &why);
		if ((rc == 0) != (bcases[i].want != NULL))
			fprintf(stderr, "boundary row %zu: got %d (%s)\n", i, rc, why ? why : "");
		CHECK((rc == 0) == (bcases[i].want != NULL));
		if (bcases[i].want && rc == 0)
			CHECK_STR(b, bcases[i].want);
		else
			CHECK(rc == -1 && why != NULL && b[0] == '\0');
	}
}

/* ---- mp_parse ---- */

#define CD "Content-Disposition: form-data; "
#define MAXP 4
#define NULBODY "--b\r\n" CD "name=\"f\"; filename=\"\"\r\n\r\n\0\1\0\r\n--b--\r\n"

struct pcase {
	const char *body;
	size_t len;		/* 0: strlen */
	int ok;
	size_t nparts;
	struct {
		const char *name, *filename, *ctype, *data;
		size_t len;	/* 0: strlen(data) */
	} want[MAXP];
};

static const struct pcase pcases[] = {
	/* Well-formed. */
	{ "--b\r\n" CD "name=\"a\"\r\n\r\nhello\r\n--b--\r\n", 0, 1, 1,
	  { { "a", NULL, NULL, "hello", 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n\r\nhello\r\n--b--", 0, 1, 1,
	  { { "a", NULL, NULL, "hello", 0 } } },
	{ "--b\r\n" CD "name=a\r\n\r\n\r\n--b--\r\n", 0, 1, 1,
	  { { "a", NULL, NULL, "", 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n\r\none\r\n--b\r\n" CD "name=\"f\"; filename=\"p.jpg\"\r\n"
	  "Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\r\n-\r\n--b--\r\n", 0, 1, 2,
	  { { "a", NULL, NULL, "one", 0 }, { "f", "p.jpg", "image/jpeg", "\xff\xd8\xff\r\n-", 0 } } },
	/* Content that looks like, but is not, the delimiter. */
	{ "--b\r\n" CD "name=\"a\"\r\n\r\n--b\r\n-b\r\n--bb\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--bnd\r\n" CD "name=\"a\"\r\n\r\nx--bnd\r\n\n--bnd\r--bn\r\n--bnd--\r\n", 0, 1, 1,
	  { { "a", NULL, NULL, "x--bnd\r\n\n--bnd\r--bn", 0 } } },
	/* Binary content with NUL bytes is kept whole. */
	{ NULBODY, sizeof NULBODY - 1, 1, 1,
	  { { "f", "", NULL, "\0\1\0", 3 } } },
	/* Header names are case-insensitive, parameter order free, white
	 * space around '=' and ';' tolerated, other headers and params ignored. */
	{ "--b\r\ncontent-disposition:FORM-DATA ;filename=\"x y.png\" ; NAME = \"a\"; x=1\r\n"
	  "X-Other: 1\r\ncontent-type:  text/plain  \r\nContent-Transfer-Encoding: binary\r\n\r\n"
	  "v\r\n--b--\r\n", 0, 1, 1, { { "a", "x y.png", "text/plain", "v", 0 } } },
	/* filename* is ignored (RFC 7578 section 4.2); a backslash is literal. */
	{ "--b\r\n" CD "name=\"a\"; filename*=UTF-8''x.jpg; filename=\"C:\\x.jpg\"\r\n\r\nv\r\n--b--\r\n",
	  0, 1, 1, { { "a", "C:\\x.jpg", NULL, "v", 0 } } },
	/* UTF-8 in a file name passes here (request.c checks it). */
	{ "--b\r\n" CD "name=\"a\"; filename=\"caf\xc3\xa9.jpg\"\r\n\r\nv\r\n--b--\r\n", 0, 1, 1,
	  { { "a", "caf\xc3\xa9.jpg", NULL, "v", 0 } } },
	/* No parts at all. */
	{ "--b--\r\n", 0, 1, 0, { { 0 } } },
	{ "--b--", 0, 1, 0, { { 0 } } },

	/* Malformed: framing. */
	{ "", 0, 0, 0, { { 0 } } },
	{ "--b", 0, 0, 0, { { 0 } } },
	{ "--b\r\n", 0, 0, 0, { { 0 } } },
	{ "preamble\r\n--b\r\n" CD "name=\"a\"\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "\r\n--b\r\n" CD "name=\"a\"\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b \r\n" CD "name=\"a\"\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\n" CD "name=\"a\"\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--c\r\n" CD "name=\"a\"\r\n\r\nv\r\n--c--\r\n", 0, 0, 0, { { 0 } } },
	/* Truncated: no closing delimiter, or cut inside one. */
	{ "--b\r\n" CD "name=\"a\"\r\n\r\nv", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n\r\nv\r\n--b", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n\r\nv\r\n--b-", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n\r\nv\r\n--b\r", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n\r\nv\r\n--b\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n\r\nv\n--b--\r\n", 0, 0, 0, { { 0 } } },
	/* After the closing delimiter: CRLF or nothing. */
	{ "--b\r\n" CD "name=\"a\"\r\n\r\nv\r\n--b--\r\nepilogue", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n\r\nv\r\n--b-- \r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n\r\nv\r\n--b--\r\n\r\n", 0, 0, 0, { { 0 } } },
	/* Transport padding and junk after a delimiter. */
	{ "--b \r\n" CD "name=\"a\"\r\n\r\nv\r\n--b--", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n\r\nv\r\n--bx\r\n--b--", 0, 0, 0, { { 0 } } },

	/* Malformed: headers. */
	{ "--b\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "filename=\"x\"\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"\"\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"; name=\"b\"\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"; filename=\"x\"; filename=\"y\"\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n" CD "name=\"a\"\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\nContent-Disposition: form-datax; name=\"a\"\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\nContent-Disposition: form-data name=\"a\"\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n folded\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\nNo-Colon\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\n: empty name\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\x01\"\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\nX: 1\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\rX: 1\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\nContent-Type: a\r\nContent-Type: b\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\nContent-Transfer-Encoding: base64\r\n\r\ndg==\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"; bad\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\";\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\" x\r\n\r\nv\r\n--b--\r\n", 0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\nX:1\r\nX:2\r\nX:3\r\nX:4\r\nX:5\r\nX:6\r\nX:7\r\nX:8\r\n\r\nv\r\n--b--\r\n",
	  0, 0, 0, { { 0 } } },
	{ "--b\r\n" CD "name=\"a\"\r\nX:1\r\nX:2\r\nX:3\r\nX:4\r\nX:5\r\nX:6\r\nX:7\r\n\r\nv\r\n--b--\r\n",
	  0, 1, 1, { { "a", NULL, NULL, "v", 0 } } },
};

static void test_parse_table(void)
{
	for (size_t i = 0; i < HM_NELEM(pcases); i++) {
		const struct pcase *c = &pcases[i];
		size_t len = c->len ? c->len : strlen(c->body);
		/* An exact-size copy, so a read past the end is caught under ASan. */
		char *body = xmalloc(len);
		struct mp_parts ps;
		const char *why = NULL;
		memcpy(body, c->body, len);
		int rc = mp_parse(body, len, "b", &ps, &why);
		if (strncmp(c->body, "--bnd", 5) == 0) {
			mp_parts_free(&ps);
			rc = mp_parse(body, len, "bnd", &ps, &why);
		}
		if ((rc == 0) != c->ok)
			fprintf(stderr, "parse row %zu: got %d (%s)\n", i, rc, why ? why : "");
		CHECK((rc == 0) == c->ok);
		if (rc != 0) {
			CHECK(why != NULL && ps.n == 0 && ps.v == NULL);
		} else {
			CHECK(ps.n == c->nparts);
			for (size_t k = 0; k < ps.n && k < MAXP; k++) {
				size_t wl = c->want[k].len ? c->want[k].len : strlen(c->want[k].data);
				CHECK_STR(ps.v[k].name, c->want[k].name);
				CHECK_STR(ps.v[k].filename, c->want[k].filename);
				CHECK_STR(ps.v[k].content_type, c->want[k].ctype);
				CHECK(ps.v[k].len == wl && memcmp(ps.v[k].data, c->want[k].data, wl) == 0);
				CHECK(ps.v[k].data >= body && ps.v[k].data + ps.v[k].len <= body + len);
			}
		}
		mp_parts_free(&ps);
		free(body);
	}
}

static void test_parse_limits(void)
{
	struct buf b = {0};
	struct mp_parts ps;
	const char *why;
	char line[MP_MAX_HEADER_LINE + 8];

	/* MP_MAX_PARTS parts pass, one more does not. */
	for (int i = 0; i < MP_MAX_PARTS; i++)
		buf_printf(&b, "--b\r\n" CD "name=\"p%d\"\r\n\r\n%d\r\n", i, i);
	buf_puts(&b, "--b--\r\n");
	CHECK(mp_parse(b.data, b.len, "b", &ps, &why) == 0 && ps.n == MP_MAX_PARTS);
	mp_parts_free(&ps);
	buf_reset(&b);
	for (int i = 0; i <= MP_MAX_PARTS; i++)
		buf_printf(&b, "--b\r\n" CD "name=\"p%d\"\r\n\r\n%d\r\n", i, i);
	buf_puts(&b, "--b--\r\n");
	CHECK(mp_parse(b.data, b.len, "b", &ps, &why) == -1 && ps.n == 0);
	CHECK_STR(why, "too many parts");

	/* A header line of exactly MP_MAX_HEADER_LINE bytes passes; one more does not. */
	for (int extra = 0; extra <= 1; extra++) {
		size_t n = MP_MAX_HEADER_LINE + (size_t)extra;
		memset(line, 'x', sizeof line);
		memcpy(line, "X-Pad: ", 7);
		line[n] = '\0';
		buf_reset(&b);
		buf_printf(&b, "--b\r\n" CD "name=\"a\"\r\n%s\r\n\r\nv\r\n--b--\r\n", line);
		int rc = mp_parse(b.data, b.len, "b", &ps, &why);
		CHECK(extra ? rc == -1 : rc == 0);
		if (extra)
			CHECK_STR(why, "part header line too long");
		mp_parts_free(&ps);
	}

	/* Every prefix of a good body is refused: a cut upload never parses. */
	buf_reset(&b);
	buf_puts(&b, "--b\r\n" CD "name=\"a\"\r\n\r\none\r\n--b\r\n" CD "name=\"f\"; filename=\"x\"\r\n"
	    "Content-Type: image/png\r\n\r\n\x89PNG\r\n--b--\r\n");
	int all_refused = 1;
	for (size_t n = 0; n + 2 < b.len; n++) {
		char *cut = xmalloc(n ? n : 1);
		memcpy(cut, b.data, n);
		if (mp_parse(cut, n, "b", &ps, &why) == 0)
			all_refused = 0;
		mp_parts_free(&ps);
		free(cut);
	}
	CHECK(all_refused);
	CHECK(mp_parse(b.data, b.len - 2, "b", &ps, &why) == 0 && ps.n == 2);
	mp_parts_free(&ps);
	CHECK(mp_parse(b.data, b.len, "b", &ps, &why) == 0 && ps.n == 2);
	mp_parts_free(&ps);

	/* A bad boundary argument is refused outright. */
	CHECK(mp_parse(b.data, b.len, "", &ps, &why) == -1);
	CHECK(mp_parse(b.data, b.len, NULL, &ps, &why) == -1);
	CHECK(mp_parse(b.data, b.len, "b*", &ps, &why) == -1);
	CHECK(mp_parse(NULL, 0, "b", &ps, &why) == -1);
	buf_free(&b);
}

/* ---- through req_parse_data ---- */

enum { P_NAME, P_NOTES, P_QTY, P_PHOTO, P_DOC, NP };
static const struct param ptab[NP] = {
	[P_NAME] = { "name", v_string, 10, 0, 0, 0 },
	[P_NOTES] = { "notes", v_text, 100, PARAM_MULTILINE, 0, 0 },
	[P_QTY] = { "qty", v_int, 5, 0, 1, 99 },
	[P_PHOTO] = { "photo", NULL, 16, PARAM_FILE, 0, 0 },
	[P_DOC] = { "doc", NULL, 0, PARAM_FILE, 0, 0 },
};
/* The same without file fields: a form surface. */
static const struct param ftab[3] = {
	{ "name", v_string, 10, 0, 0, 0, NULL },
	{ "notes", v_text, 100, PARAM_MULTILINE, 0, 0, NULL },
	{ "qty", v_int, 5, 0, 1, 99, NULL },
};

#define MP "multipart/form-data; boundary=b"
#define PART(n, v) "--b\r\n" CD "name=\"" n "\"\r\n\r\n" v "\r\n"
#define FILEPART(n, f, v) "--b\r\n" CD "name=\"" n "\"; filename=\"" f "\"\r\n" \
	"Content-Type: application/octet-stream\r\n\r\n" v "\r\n"
#define END "--b--\r\n"

struct rcase {
	const char *query, *ctype, *body;
	int status;
	const char *want[NP];	/* field values; for files the data; "!x": invalid with raw x */
	const char *filename;	/* of photo, when want[P_PHOTO] */
};

static const struct rcase rcases[] = {
	{ "", MP, PART("name", "Ann") PART("qty", "3") END, 0, { "Ann", NULL, "3", NULL, NULL }, NULL },
	{ "qty=4", MP, PART("name", " Ann ") FILEPART("photo", "p.jpg", "JPEGDATA") END, 0,
	  { "Ann", NULL, "4", "JPEGDATA", NULL }, "p.jpg" },
	{ "", MP, FILEPART("photo", "", "") END, 0, { NULL, NULL, NULL, "", NULL }, "" },
	{ "", MP, PART("notes", "one\r\ntwo") END, 0, { NULL, "one\ntwo", NULL, NULL, NULL }, NULL },
	{ "", MP, PART("qty", "300") END, 0, { NULL, NULL, "!300", NULL, NULL }, NULL },
	/* Unknown names are dropped, files included. */
	{ "", MP, PART("other", "x") FILEPART("other2", "a", "zz") END, 0,
	  { NULL, NULL, NULL, NULL, NULL }, NULL },
	/* Empty bodies carry nothing. */
	{ "", MP, "", 0, { NULL, NULL, NULL, NULL, NULL }, NULL },
	{ "", MP, END, 0, { NULL, NULL, NULL, NULL, NULL }, NULL },
	/* The rules of form fields hold for text parts: what a person can
	 * type wrong marks the field ("^": a control character, "#": too
	 * long), what no browser sends refuses the request. */
	{ "", MP, PART("name", "a\nb") END, 0, { "^a\nb", NULL, NULL, NULL, NULL }, NULL },
	{ "", MP, PART("name", "a\x01") END, 0, { "^a\x01", NULL, NULL, NULL, NULL }, NULL },
	{ "", MP, PART("name", "a\xc2\x85") END, 0, { "^a\xc2\x85", NULL, NULL, NULL, NULL }, NULL },
	{ "", MP, PART("name", "\xff") END, 400, { 0 }, NULL },
	{ "", MP, PART("name", "12345678901") END, 0, { "#12345678901", NULL, NULL, NULL, NULL }, NULL },
	{ "", MP, PART("notes", "a\x1b") END, 0, { NULL, "^a\x1b", NULL, NULL, NULL }, NULL },
	{ "", MP, PART("name", "a") PART("name", "b") END, 400, { 0 }, NULL },
	{ "name=a", MP, PART("name", "b") END, 400, { 0 }, NULL },
	{ "", MP, PART("Name", "a") END, 400, { 0 }, NULL },
	{ "", MP, PART("_charset_", "UTF-8") END, 400, { 0 }, NULL },
	{ "", MP, PART("na me", "a") END, 400, { 0 }, NULL },
	/* Files go only to file fields, and file fields take only files. */
	{ "", MP, FILEPART("name", "x", "a") END, 400, { 0 }, NULL },
	{ "", MP, PART("photo", "not a file") END, 400, { 0 }, NULL },
	{ "photo=x", MP, END, 400, { 0 }, NULL },
	{ "", MP, FILEPART("photo", "a", "1") FILEPART("photo", "b", "2") END, 400, { 0 }, NULL },
	{ "", MP, FILEPART("photo", "a\x01", "1") END, 400, { 0 }, NULL },
	{ "", MP, FILEPART("photo", "\xc3(", "1") END, 400, { 0 }, NULL },
	{ "", MP, "--b\r\n" CD "name=\"photo\"; filename=\"a\"\r\nContent-Type: x\x7f\r\n\r\n1\r\n" END,
	  400, { 0 }, NULL },
	/* A file over its parameter's maxlen is 413; maxlen 0 means no cap. */
	{ "", MP, FILEPART("photo", "a", "12345678901234567") END, 413, { 0 }, NULL },
	{ "", MP, FILEPART("photo", "a", "1234567890123456") END, 0,
	  { NULL, NULL, NULL, "1234567890123456", NULL }, "a" },
	{ "", MP, FILEPART("doc", "d", "1234567890123456789012345") END, 0,
	  { NULL, NULL, NULL, NULL, "1234567890123456789012345" }, NULL },
	/* Malformed bodies and boundaries are 400. */
	{ "", MP, PART("name", "a"), 400, { 0 }, NULL },
	{ "", MP, "--b\r\n" CD "name=\"name\"\r\n\r\na", 400, { 0 }, NULL },
	{ "", "multipart/form-data", PART("name", "a") END, 400, { 0 }, NULL },
	{ "", "multipart/form-data; boundary=\"\"", PART("name", "a") END, 400, { 0 }, NULL },
	{ "", "multipart/form-data; boundary=c", PART("name", "a") END, 400, { 0 }, NULL },
};

static int run(struct req *r, const struct param *tab, size_t n, const char *query,
    const char *ctype, const char *body, size_t blen, const char **why)
{
	memset(r, 0, sizeof *r);
	r->params = tab;
	r->nparams = n;
	r->fields = xcalloc(n, sizeof *r->fields);
	*why = NULL;
	return req_parse_data(r, query, strlen(query), ctype, body, blen, why);
}

static void test_request_table(void)
{
	for (size_t i = 0; i < HM_NELEM(rcases); i++) {
		const struct rcase *c = &rcases[i];
		struct req r;
		const char *why;
		size_t blen = strlen(c->body);
		char *body = xmalloc(blen ? blen : 1);
		memcpy(body, c->body, blen);
		int st = run(&r, ptab, NP, c->query, c->ctype, body, blen, &why);
		if (st != c->status)
			fprintf(stderr, "request row %zu: got %d (%s)\n", i, st, why ? why : "");
		CHECK(st == c->status);
		CHECK(st == 0 ? why == NULL : why != NULL);
		for (size_t k = 0; st == 0 && k < NP; k++) {
			const char *want = c->want[k];
			if (ptab[k].flags & PARAM_FILE) {
				const struct upload *u = req_upload(&r, k);
				CHECK(r.fields[k].state == FIELD_ABSENT);
				if (!want) {
					CHECK(u == NULL);
					continue;
				}
				CHECK(u && u->len == strlen(want) && memcmp(u->data, want, u->len) == 0);
				CHECK(u && u->data >= body && u->data + u->len <= body + blen);
				if (u && k == P_PHOTO) {
					CHECK_STR(u->filename, c->filename);
					CHECK_STR(u->content_type, "application/octet-stream");
				}
			} else if (!want) {
				CHECK(r.fields[k].state == FIELD_ABSENT);
			} else if (want[0] == '!' || want[0] == '#' || want[0] == '^') {
				CHECK(req_invalid(&r, k));
				CHECK(req_error(&r, k) == (want[0] == '!' ? FERR_FORMAT
				    : want[0] == '#' ? FERR_TOO_LONG : FERR_CONTROL));
				CHECK_STR(r.fields[k].raw, want + 1);
			} else {
				CHECK_STR(req_val(&r, k), want);
			}
		}
		req_free(&r);
		free(body);
	}
}

static void test_request_other(void)
{
	struct req r;
	const char *why;
	const char *body = PART("name", "a") END;

	/* A surface without file fields refuses multipart as before. */
	CHECK(run(&r, ftab, 3, "", MP, body, strlen(body), &why) == 415);
	req_free(&r);
	/* Parts count towards REQ_MAX_FIELDS together with the query. */
	struct buf b = {0}, q = {0};
	for (int i = 0; i < 10; i++)
		buf_printf(&q, "%sx%d=1", i ? "&" : "", i);
	for (int i = 0; i < REQ_MAX_FIELDS - 10; i++)
		buf_printf(&b, PART("y%d", "1"), i);
	buf_puts(&b, END);
	CHECK(run(&r, ptab, NP, q.data, MP, b.data, b.len, &why) == 0);
	req_free(&r);
	buf_printf(&q, "&x10=1");
	CHECK(run(&r, ptab, NP, q.data, MP, b.data, b.len, &why) == 400);
	CHECK_STR(why, "too many parameters");
	req_free(&r);
	buf_free(&b);
	buf_free(&q);
	/* req_upload out of range or on a text field is NULL. */
	CHECK(run(&r, ptab, NP, "", MP, body, strlen(body), &why) == 0);
	CHECK(req_upload(&r, P_NAME) == NULL && req_upload(&r, NP + 5) == NULL);
	CHECK(req_upload(NULL, P_PHOTO) == NULL);
	req_free(&r);
}

int main(void)
{
	test_boundary();
	test_parse_table();
	test_parse_limits();
	test_request_table();
	test_request_other();
	return check_summary("multipart");
}
