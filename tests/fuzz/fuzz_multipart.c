/* libFuzzer harness for the multipart/form-data parser, alone and through
 * req_parse_data with a table that takes files.
 *
 * Input layout (text-friendly, so seeds are readable files):
 *   up to the first '\n'  the Content-Type header value
 *   the rest              the body
 * Beyond "no crash, no leak, no UB" it asserts what the parsers promise:
 * parts lie inside the body, names are non-empty and free of control
 * characters, a refusal says why, and fields and uploads that reach a
 * handler obey their declared rules. */
#include "multipart.h"
#include "request.h"
#include "util.h"
#include "fields.h"
#include "require.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct param params[] = {
	{ .name = "csrf", .valid = v_token, .maxlen = 64 },
	{ .name = "role", .valid = v_word, .maxlen = 16 },
	{ .name = "is_public", .valid = v_bool, .maxlen = 5 },	/* upload.cgi's job checkbox */
	{ .name = "n", .valid = v_int, .min = 1, .max = 1000 },
	{ .name = "notes", .valid = v_text, .maxlen = 200, .flags = PARAM_MULTILINE },
	{ .name = "photo", .maxlen = 4096, .flags = PARAM_FILE },
	{ .name = "doc", .flags = PARAM_FILE },
};
#define NPARAMS (sizeof params / sizeof params[0])

/* The multipart layer refuses C0 controls and DEL in what it returns;
 * request.c then holds names to the table and labels to valid UTF-8
 * without C1 controls either (has_ctl). */
static int has_c0(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int has_ctl_but_tab(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 1;
	return 0;
}

static void fuzz_parts(const char *ctype, const char *body, size_t len)
{
	char boundary[MP_MAX_BOUNDARY + 1];
	struct mp_parts ps;
	const char *why = NULL;
	if (mp_boundary(ctype, boundary, &why) != 0) {
		require(why != NULL && boundary[0] == '\0');
		return;
	}
	require(strlen(boundary) >= 1 && strlen(boundary) <= MP_MAX_BOUNDARY);
	why = NULL;
	if (mp_parse(body, len, boundary, &ps, &why) != 0) {
		require(why != NULL && ps.n == 0 && ps.v == NULL);
		return;
	}
	require(ps.n <= MP_MAX_PARTS);
	for (size_t i = 0; i < ps.n; i++) {
		const struct mp_part *p = &ps.v[i];
		require(p->name && *p->name && !has_c0(p->name));
		require(!p->filename || !has_c0(p->filename));
		/* A header value may hold a TAB (RFC 9110); request.c refuses it. */
		require(!p->content_type || !has_ctl_but_tab(p->content_type));
		require(p->data >= body && p->len <= len && p->data + p->len <= body + len);
	}
	mp_parts_free(&ps);
}

static void fuzz_request(const char *ctype, const char *body, size_t len)
{
	struct req r = { .params = params, .nparams = NPARAMS };
	const char *why = NULL;
	int st;
	r.fields = xcalloc(NPARAMS, sizeof *r.fields);
	st = req_parse_data(&r, NULL, 0, ctype, body, len, &why);
	require(st == 0 || st == 400 || st == 413 || st == 415);
	require((st == 0) == (why == NULL));
	if (st == 0) {
		for (size_t i = 0; i < NPARAMS; i++) {
			const struct field *f = &r.fields[i];
			if (params[i].flags & PARAM_FILE)
				require(f->state == FIELD_ABSENT && !f->raw);
			else
				check_field(&r, i);
		}
		for (size_t i = 0; i < r.nuploads; i++) {
			const struct upload *u = &r.uploads[i];
			require(u->param < NPARAMS && (params[u->param].flags & PARAM_FILE));
			require(req_upload(&r, u->param) == u);
			require(!params[u->param].maxlen || u->len <= params[u->param].maxlen);
			require(u->data >= body && u->data + u->len <= body + len);
			require(u->filename && !has_ctl(u->filename, strlen(u->filename), 0));
			require(u->content_type && !has_ctl(u->content_type, strlen(u->content_type), 0));
		}
	}
	req_free(&r);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	size_t clen = nl ? (size_t)(nl - in) : size;
	size_t blen = nl ? size - clen - 1 : 0;
	/* Exact-size heap copies so ASan sees any read past either part. */
	char *ctype = xstrndup(in, clen);
	char *body = xmalloc(blen);
	memcpy(body, in + clen + (nl != NULL), blen);

	fuzz_parts(ctype, body, blen);
	fuzz_request(ctype, blen ? body : NULL, blen);

	free(ctype);
	free(body);
	return 0;
}
