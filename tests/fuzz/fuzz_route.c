/* libFuzzer harness for the path routing of every executable (route.h):
 * order_route, verify_route, print_route (a passport's and a job's
 * documents), media_route, and path_match against every pattern of
 * ADMIN_ROUTES and UPLOAD_ROUTES (the X-macros of src/admin/routes.h, so
 * the patterns are the ones the CGIs use).
 *
 * The input, up to its first NUL, is PATH_INFO, in an exact-size heap copy
 * so ASan sees any read past its end. Each router is compared with a plain
 * model of what its header promises:
 *   - a match consumes the whole path, nothing after a route is ignored;
 *   - ids are positive, have no leading zero (one URL per record) and are
 *     below 10^18;
 *   - the ID order_route copies is exactly the first segment;
 *   - what verify_route and media_route point at lies inside the path.
 * Build: see tests/fuzz/run.sh. */
#include "request.h"
#include "route.h"
#include "routes.h"
#include "require.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PATTERN(m, pattern, access, fn) pattern,
static const char *const patterns[] = { ADMIN_ROUTES(PATTERN) UPLOAD_ROUTES(PATTERN) };
#define NPATTERNS (sizeof patterns / sizeof patterns[0])

#define ID_LIMIT INT64_C(1000000000000000000)	/* 10^18 */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The model of path_match: the pattern's text around one '#' (the routes
 * have at most one), and between them 1-18 digits, the first not a zero. */
static int model_match(const char *pat, const char *path, int64_t *id)
{
	const char *hash = strchr(pat, '#');
	size_t plen = strlen(path);
	if (!hash)
		return strcmp(pat, path) == 0;
	require(!strchr(hash + 1, '#'));
	size_t pre = (size_t)(hash - pat), post = strlen(hash + 1);
	if (plen < pre + post + 1 || strncmp(path, pat, pre) != 0 ||
	    strcmp(path + plen - post, hash + 1) != 0)
		return 0;
	size_t nd = plen - pre - post;
	if (nd > 18 || path[pre] == '0')
		return 0;
	int64_t v = 0;
	for (size_t i = 0; i < nd; i++) {
		if (!is_digit(path[pre + i]))
			return 0;
		v = v * 10 + (path[pre + i] - '0');
	}
	*id = v;
	return 1;
}

static void check_path_match(const char *path)
{
	for (size_t i = 0; i < NPATTERNS; i++) {
		int64_t id = -1, want = -2;
		int m = path_match(patterns[i], path, &id);
		require(m == 0 || m == 1);
		require(m == model_match(patterns[i], path, &want));
		if (m && strchr(patterns[i], '#')) {
			require(id == want && id > 0 && id < ID_LIMIT);
			/* The id printed back into the pattern is the path itself. */
			char again[256];
			const char *hash = strchr(patterns[i], '#');
			snprintf(again, sizeof again, "%.*s%lld%s", (int)(hash - patterns[i]),
			    patterns[i], (long long)id, hash + 1);
			require(strcmp(again, path) == 0);
		} else if (m) {
			require(strcmp(patterns[i], path) == 0);
		}
	}
}

static void check_order(const char *path)
{
	static const struct { const char *suffix; enum order_action act; } acts[] = {
		{ "", ORDER_PAGE }, { "/messages.json", ORDER_JSON },
		{ "/messages", ORDER_MESSAGE }, { "/decision", ORDER_DECISION },
	};
	for (size_t n = 1; n <= 40; n += 13) {
		char *typed = malloc(n);
		enum order_action act = (enum order_action)-1;
		int rc = order_route(path, typed, n, &act);
		require(rc == 0 || rc == -1);

		int want = -1;
		enum order_action want_act = ORDER_PAGE;
		size_t ulen = strlen("/unsubscribe/");
		if (!strncmp(path, "/unsubscribe/", ulen)) {
			/* The unsubscribe link: one segment, the token. */
			size_t len = strlen(path + ulen);
			if (len > 0 && len < n && !strchr(path + ulen, '/')) {
				want = 0;
				want_act = ORDER_UNSUBSCRIBE;
			}
		} else if (path[0] == '/') {
			size_t len = strcspn(path + 1, "/");
			for (size_t k = 0; k < sizeof acts / sizeof acts[0]; k++)
				if (len > 0 && len < n && !strcmp(path + 1 + len, acts[k].suffix)) {
					want = 0;
					want_act = acts[k].act;
				}
		}
		require(rc == want);
		if (rc == 0 && act == ORDER_UNSUBSCRIBE) {
			require(want_act == ORDER_UNSUBSCRIBE && !strcmp(typed, path + ulen));
		} else if (rc == 0) {
			size_t len = strlen(typed);
			require(len > 0 && len < n && !strchr(typed, '/'));
			require(strncmp(typed, path + 1, len) == 0);
			require(path[1 + len] == '\0' || path[1 + len] == '/');
			require(act == want_act);
		}
		free(typed);
	}
}

static void check_verify(const char *path)
{
	const char *arg = (const char *)1;
	size_t len = 99;
	size_t plen = strlen(path);
	enum verify_action a = verify_route(path, &arg, &len), want;
	if (plen == 0)
		want = VERIFY_FORM;
	else if (path[0] != '/' || plen == 1)
		want = VERIFY_BAD;
	else if (!strncmp(path, "/key/", 5))
		want = plen > 5 && !strchr(path + 5, '/') ? VERIFY_KEY : VERIFY_BAD;
	else if (strchr(path + 1, '/'))
		want = VERIFY_BAD;
	else if (plen > 6 && !strcmp(path + plen - 5, ".json"))
		want = VERIFY_JSON;
	else
		want = VERIFY_PAGE;
	require(a == want);
	switch (a) {
	case VERIFY_FORM:
		require(plen == 0 && !arg && len == 0);
		return;
	case VERIFY_BAD:
		require(plen > 0);
		return;
	case VERIFY_KEY:
		require(!strncmp(path, "/key/", 5) && arg == path + 5 && len == plen - 5 && len > 0);
		require(!memchr(arg, '/', len));
		return;
	case VERIFY_JSON:
		require(arg == path + 1 && len + 6 == plen && len > 0);
		require(!strcmp(arg + len, ".json"));
		break;
	case VERIFY_PAGE:
		require(arg == path + 1 && len + 1 == plen && len > 0);
		break;
	default:
		require(0);
	}
	require(path[0] == '/' && strncmp(path, "/key/", 5) != 0);
	require(!strchr(path + 1, '/'));
}

static void check_print(const char *path)
{
	static const struct {
		const char *pattern;
		enum print_file what;
	} files[] = {
		{"/#/qr.png", PRINT_QR_PNG}, {"/#/certificate.pdf", PRINT_CERTIFICATE},
		{"/job/#/slip.pdf", PRINT_JOB_SLIP}, {"/job/#/tag.pdf", PRINT_JOB_TAG},
		{"/job/#/qr.png", PRINT_JOB_QR_PNG},
	};
	int64_t id = -1;
	enum print_file what = (enum print_file)-1;
	int64_t want = 0;
	size_t k = 0;
	int rc = print_route(path, &id, &what);
	require(rc == 0 || rc == -1);
	while (k < sizeof files / sizeof files[0] && !model_match(files[k].pattern, path, &want))
		k++;
	require((rc == 0) == (k < sizeof files / sizeof files[0]));
	if (rc != 0)
		return;
	require(id == want);
	require(id > 0 && id < ID_LIMIT);
	require(what == files[k].what);
	/* The id printed back into the pattern is the path itself. */
	char again[64];
	const char *hash = strchr(files[k].pattern, '#');
	snprintf(again, sizeof again, "%.*s%lld%s", (int)(hash - files[k].pattern),
	    files[k].pattern, (long long)id, hash + 1);
	require(strcmp(again, path) == 0);
}

static void check_media(const char *path)
{
	const char *f = media_route(path);
	require(f == (path[0] == '/' ? path + 1 : NULL));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *)data, size);
	char *path = malloc(n + 1);
	memcpy(path, data, n);
	path[n] = '\0';
	check_path_match(path);
	check_order(path);
	check_verify(path);
	check_print(path);
	check_media(path);
	free(path);
	return 0;
}
