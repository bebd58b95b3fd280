/* libFuzzer harness for the request parser: req_parse_data, the validators
 * it runs, and req_cookie.
 *
 * Input layout (text-friendly, so seeds are readable files):
 *   byte 0            picks the Content-Type from ctypes[] (modulo)
 *   up to first '\n'  the query string, also used as a Cookie header
 *   the rest          the body, also fed to every validator as-is
 * Beyond "no crash, no leak, no UB" it asserts what the parser promises
 * handlers, so a regression that lets bad bytes through fails loudly. */
#include "request.h"
#include "util.h"
#include "fields.h"
#include "require.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ctypes[] = {
	NULL,
	"",
	"application/x-www-form-urlencoded",
	"application/x-www-form-urlencoded; charset=UTF-8",
	" APPLICATION/X-WWW-FORM-URLENCODED ;charset=utf-8",
	"multipart/form-data; boundary=x",
	"text/plain",
	"application/x-www-form-urlencodedx",
};

static const struct param params[] = {
	{ .name = "s", .valid = v_string },
	{ .name = "notes", .valid = v_text, .maxlen = 2000, .flags = PARAM_MULTILINE },
	{ .name = "n", .valid = v_int, .min = -50, .max = 5000 },
	{ .name = "big", .valid = v_int },
	{ .name = "b", .valid = v_bool },
	{ .name = "d", .valid = v_date },
	{ .name = "e", .valid = v_email },
	{ .name = "p", .valid = v_phone },
	{ .name = "m", .valid = v_money },
	{ .name = "t", .valid = v_token, .maxlen = 64 },
	{ .name = "w", .valid = v_word, .maxlen = 8 },
	{ .name = "tz", .valid = v_tzname },
	{ .name = "ml", .valid = v_string, .flags = PARAM_MULTILINE },
	{ .name = "x_1", .valid = NULL },
	{ .name = "pw", .valid = v_secret, .flags = PARAM_SECRET },
};
#define NPARAMS (sizeof params / sizeof params[0])

static void check_fields(const struct req *r)
{
	for (size_t i = 0; i < NPARAMS; i++)
		check_field(r, i);
	require(req_val(r, NPARAMS) == NULL && req_int(r, NPARAMS, 3) == 3);
}

static void fuzz_parse(const char *query, size_t qlen, const char *ctype,
    const char *body, size_t bodylen)
{
	struct req r = { .params = params, .nparams = NPARAMS };
	const char *why = NULL;
	int st;
	r.fields = xcalloc(NPARAMS, sizeof *r.fields);
	st = req_parse_data(&r, query, qlen, ctype, body, bodylen, &why);
	require(st == 0 || st == 400 || st == 415);
	require((st == 0) == (why == NULL));
	if (st == 0)
		check_fields(&r);
	req_free(&r);
}

/* Validators must cope with anything, NUL bytes included, when called
 * outside the parser. */
static void fuzz_validators(const char *data, size_t n)
{
	for (size_t i = 0; i < NPARAMS; i++) {
		struct field f = { .raw = xstrndup(data, n), .rawlen = n };
		if (params[i].valid && params[i].valid(&f, &params[i]))
			require(f.val != NULL);
		free(f.raw);
		free(f.val);
	}
}

static void fuzz_cookie(const char *header)
{
	char *v = req_cookie(header, REQ_COOKIE_NAME);
	if (v)
		require(!has_ctl(v, strlen(v), 0));
	free(v);
	v = req_cookie(header, "a");
	free(v);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nl, *ctype;
	char *query, *body, *cookie;
	size_t qlen, bodylen;
	if (size == 0)
		return 0;
	ctype = ctypes[data[0] % (sizeof ctypes / sizeof ctypes[0])];
	in++;
	size--;
	nl = memchr(in, '\n', size);
	qlen = nl ? (size_t)(nl - in) : size;
	bodylen = nl ? size - qlen - 1 : 0;
	/* Exact-size heap copies so ASan sees any read past either part. */
	query = xmalloc(qlen);
	memcpy(query, in, qlen);
	body = xmalloc(bodylen);
	memcpy(body, in + qlen + (nl != NULL), bodylen);
	cookie = xstrndup(in, qlen);

	fuzz_parse(qlen ? query : NULL, qlen, ctype, bodylen ? body : NULL, bodylen);
	fuzz_validators(body, bodylen);
	fuzz_cookie(cookie);

	free(query);
	free(body);
	free(cookie);
	return 0;
}
