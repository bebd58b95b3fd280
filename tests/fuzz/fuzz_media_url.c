/* libFuzzer harness for the signed media URLs, media_url_check (media_url.h),
 * the only thing between media.cgi and any stored photo.
 *
 * Byte 0 picks the mode (its low bit):
 *   0  random: bytes 1-8 the expiry, 9-16 now (little-endian), then the
 *      file name, '\n', the signature, each in an exact-size heap copy. A
 *      check that passes must be for a stored file name, not yet expired,
 *      with exactly the signature media_url makes.
 *   1  mutation: bytes 1-16 make a stored file name (hex), byte 17 its
 *      kind, bytes 18-25 the expiry, byte 26 how far now is from it; the
 *      URL media_url signs for them is then mutated by the rest, three
 *      bytes per edit (file byte, signature byte, truncation, insertion,
 *      expiry shift, case flip). The check must pass exactly when nothing
 *      changed and the expiry is after now, and never under another key.
 * Build: see tests/fuzz/run.sh. */
#include "media_url.h"
#include "util.h"
#include "require.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUF 96

static unsigned char master[KEY_BYTES], other[KEY_BYTES];

static int64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return (int64_t)v;
}

/* The signature media_url puts in its URL for (file, expiry), or NULL. */
static char *signature(const unsigned char key[KEY_BYTES], const char *file, time_t expiry)
{
	char *url = media_url(key, file, expiry), *sig = NULL;
	if (url) {
		char want[BUF];
		snprintf(want, sizeof want, "/media/%s?e=%" PRId64 "&s=", file, (int64_t)expiry);
		require(!strncmp(url, want, strlen(want)));
		sig = xstrdup(url + strlen(want));
		require(strlen(sig) == 43);
		free(url);
	}
	return sig;
}

/* media_url_check on exact-size heap copies of file and sig. */
static int check(const unsigned char key[KEY_BYTES], const char *file, size_t flen,
    time_t expiry, const char *sig, size_t slen, time_t now)
{
	char *f = xstrndup(file, flen), *s = xstrndup(sig, slen);
	int ok = media_url_check(key, f, expiry, s, now);
	require(ok == 0 || ok == 1);
	free(f);
	free(s);
	return ok;
}

static void random_mode(const uint8_t *data, size_t size)
{
	if (size < 16)
		return;
	time_t expiry = (time_t)le64(data), now = (time_t)le64(data + 8);
	const char *rest = (const char *)data + 16;
	size_t n = size - 16;
	const char *nl = memchr(rest, '\n', n);
	size_t flen = nl ? (size_t)(nl - rest) : n;
	const char *sig = nl ? nl + 1 : "";
	size_t slen = nl ? n - flen - 1 : 0;

	if (!check(master, rest, flen, expiry, sig, slen, now))
		return;
	char *f = xstrndup(rest, flen), *s = xstrndup(sig, slen);
	char *want = signature(master, f, expiry);
	require(media_name_ok(f) && expiry > now);
	require(want && !strcmp(want, s));
	free(want);
	free(f);
	free(s);
}

static void mutation_mode(const uint8_t *data, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char file[BUF], sig[BUF], mfile[BUF], msig[BUF];
	if (size < 27)
		return;
	for (int i = 0; i < 16; i++) {
		file[2 * i] = hex[data[i] >> 4];
		file[2 * i + 1] = hex[data[i] & 15];
	}
	snprintf(file + 32, sizeof file - 32, "-%c.jpg", data[16] & 1 ? 't' : 'd');
	require(media_name_ok(file));
	int64_t e = le64(data + 17);
	/* Keep the arithmetic below from overflowing. */
	e %= INT64_C(1) << 60;
	time_t expiry = (time_t)e, mexp = expiry;
	time_t now = expiry + (int8_t)data[25];
	char *s = signature(master, file, expiry);
	require(s);
	snprintf(sig, sizeof sig, "%s", s);
	free(s);

	/* The genuine URL passes until it expires, and only under its key. */
	require(check(master, file, strlen(file), expiry, sig, strlen(sig), now) == (expiry > now));
	require(!check(other, file, strlen(file), expiry, sig, strlen(sig), expiry - 1));

	size_t flen = strlen(file), slen = strlen(sig);
	memcpy(mfile, file, flen + 1);
	memcpy(msig, sig, slen + 1);
	for (size_t i = 26; i + 3 <= size; i += 3) {
		uint8_t op = data[i] % 7, at = data[i + 1], v = data[i + 2];
		switch (op) {
		case 0:		/* overwrite a byte of the name */
			if (flen)
				mfile[at % flen] = (char)v;
			break;
		case 1:		/* overwrite a byte of the signature */
			if (slen)
				msig[at % slen] = (char)v;
			break;
		case 2:		/* cut the signature */
			slen = at % (slen + 1);
			break;
		case 3:		/* append to the signature */
			if (slen + 1 < BUF)
				msig[slen++] = (char)v;
			break;
		case 4:		/* insert into the name */
			if (flen + 1 < BUF) {
				size_t k = at % (flen + 1);
				memmove(mfile + k + 1, mfile + k, flen - k);
				mfile[k] = (char)v;
				flen++;
			}
			break;
		case 5:		/* move the expiry */
			mexp += (int8_t)v;
			break;
		case 6:		/* flip the case of a signature letter */
			if (slen)
				msig[at % slen] ^= 0x20;
			break;
		}
	}
	/* Strings end at a NUL, as they would coming out of a query string. */
	flen = strnlen(mfile, flen);
	slen = strnlen(msig, slen);
	int same = flen == strlen(file) && !memcmp(mfile, file, flen) && mexp == expiry &&
	    slen == strlen(sig) && !memcmp(msig, sig, slen);
	require(check(master, mfile, flen, mexp, msig, slen, now) == (same && expiry > now));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		require(sodium_init() >= 0);
		for (size_t i = 0; i < KEY_BYTES; i++)
			master[i] = (unsigned char)(i * 7 + 1);
		memcpy(other, master, sizeof other);
		other[0] ^= 0x80;
		ready = 1;
	}
	if (size == 0)
		return 0;
	if (data[0] & 1)
		mutation_mode(data + 1, size - 1);
	else
		random_mode(data + 1, size - 1);
	return 0;
}
