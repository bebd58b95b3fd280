/* libFuzzer harness for the identifier parsers: tid_parse (what a customer
 * types or a URL carries) and uuid_parse (/verify/<uid>), plus tid_mint's
 * prefix check on the same bytes.
 *
 * The whole input, up to its first NUL, is the string typed. Beyond "no
 * crash, no leak, no UB" it asserts what callers rely on:
 *   - success writes the canonical form: PPP-XXXX-XXXX-XXXX-XXXX (Crockford)
 *     or PPP-<8 or 12 uppercase hex>; for a UUID, lowercase 8-4-4-4-12;
 *   - the canonical form parses to itself (so the redirect to it ends), and
 *     so does its lowercase;
 *   - only letters, digits, spaces, tabs and hyphens are ever accepted, and
 *     no letter or digit typed is dropped;
 *   - a UUID is accepted only as 36 characters equal to the output but for case.
 * Build: see tests/fuzz/run.sh (needs src/lib/ids.c, -lsodium). */
#include "ids.h"
#include "require.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static int in_set(char c, const char *set)
{
	return c && strchr(set, c) != NULL;
}

static void check_tid_canonical(const char *t)
{
	size_t n = strlen(t);
	require(n == 23 || n == 12 || n == 16);
	for (int i = 0; i < 3; i++)
		require(t[i] >= 'A' && t[i] <= 'Z');
	require(t[3] == '-');
	if (n == 23) {
		for (size_t i = 4; i < n; i++)
			require((i - 3) % 5 == 0 ? t[i] == '-' : in_set(t[i], crockford));
	} else {
		for (size_t i = 4; i < n; i++)
			require(in_set(t[i], "0123456789ABCDEF"));
	}
}

static void fuzz_tid(const char *in)
{
	char *out = malloc(TID_MAX), *again = malloc(TID_MAX);
	int rc = tid_parse(in, out);

	require(rc == 0 || rc == -1);
	if (rc == 0) {
		check_tid_canonical(out);

		/* Only separators are skipped: every other byte is a letter or
		 * digit that made it into the output; the prefix is three letters
		 * (any, U included) and U never appears after it. */
		size_t alnum = 0;
		for (const char *p = in; *p; p++) {
			if (*p == ' ' || *p == '\t' || *p == '-')
				continue;
			require(isascii((unsigned char)*p) && isalnum((unsigned char)*p));
			if (alnum < 3)
				require(isalpha((unsigned char)*p) &&
				    toupper((unsigned char)*p) == out[alnum]);
			else
				require(*p != 'U' && *p != 'u');
			alnum++;
		}
		size_t body = 0;
		for (const char *p = out + 4; *p; p++)
			body += *p != '-';
		require(alnum == 3 + body);

		/* Canonical is a fixed point, in either case. */
		require(tid_parse(out, again) == 0 && strcmp(again, out) == 0);
		char lower[TID_MAX];
		for (size_t i = 0; i <= strlen(out); i++)
			lower[i] = (char)tolower((unsigned char)out[i]);
		require(tid_parse(lower, again) == 0 && strcmp(again, out) == 0);
		/* Deterministic. */
		require(tid_parse(in, again) == 0 && strcmp(again, out) == 0);
	} else {
		require(tid_parse(in, again) == -1);
	}
	free(out);
	free(again);
}

static void fuzz_uuid(const char *in)
{
	char *out = malloc(37), *again = malloc(37);
	int rc = uuid_parse(in, out);

	require(rc == 0 || rc == -1);
	if (rc == 0) {
		require(strlen(in) == 36 && strlen(out) == 36);
		for (int i = 0; i < 36; i++) {
			if (i == 8 || i == 13 || i == 18 || i == 23)
				require(out[i] == '-');
			else
				require(in_set(out[i], "0123456789abcdef"));
		}
		require(strcasecmp(in, out) == 0);
		require(uuid_parse(out, again) == 0 && strcmp(again, out) == 0);
	}
	free(out);
	free(again);
}

/* Short inputs double as a prefix for tid_mint: only three A-Z letters. */
static void fuzz_mint(const char *in)
{
	char *out = malloc(TID_MAX), *again = malloc(TID_MAX);
	int good = strlen(in) == 3;
	for (int i = 0; good && i < 3; i++)
		good = in[i] >= 'A' && in[i] <= 'Z';
	int rc = tid_mint(in, out);
	require(rc == (good ? 0 : -1));
	if (rc == 0) {
		check_tid_canonical(out);
		require(strlen(out) == 23 && strncmp(out, in, 3) == 0);
		require(tid_parse(out, again) == 0 && strcmp(again, out) == 0);
	}
	free(out);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		require(sodium_init() >= 0);
		ready = 1;
	}
	/* An exact-size copy, so ASan sees any read past the terminator. */
	char *in = malloc(size + 1);
	memcpy(in, data, size);
	in[size] = '\0';

	fuzz_tid(in);
	fuzz_uuid(in);
	if (size <= 8)
		fuzz_mint(in);
	free(in);
	return 0;
}
