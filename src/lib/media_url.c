#include "media_url.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "util.h"

#define SIG_STR 44	/* 43 base64url characters of a 32-byte MAC, and the NUL */

int media_name_ok(const char *file)
{
	if (!file || strlen(file) != MEDIA_NAME_LEN)
		return 0;
	for (int i = 0; i < 32; i++)
		if (!((file[i] >= '0' && file[i] <= '9') || (file[i] >= 'a' && file[i] <= 'f')))
			return 0;
	return file[32] == '-' && (file[33] == 'd' || file[33] == 't') &&
	    strcmp(file + 34, ".jpg") == 0;
}

time_t media_url_expiry(time_t now)
{
	if (now < 0)
		now = 0;
	return now - now % MEDIA_URL_ROUND + MEDIA_URL_ROUND + MEDIA_URL_TTL;
}

/* The MAC of "media\n<file>\n<expiry>": the label keeps these MACs apart
 * from anything else the subkey might ever sign. */
static void media_mac(const unsigned char master[KEY_BYTES], const char *file, time_t expiry,
    unsigned char mac[crypto_auth_BYTES])
{
	unsigned char key[KEY_BYTES];
	char msg[MEDIA_NAME_LEN + 40];
	int n = snprintf(msg, sizeof msg, "media\n%s\n%" PRId64, file, (int64_t)expiry);
	key_derive(master, KEY_MEDIA_URL, key);
	crypto_auth(mac, (const unsigned char *)msg, (size_t)n, key);
	sodium_memzero(key, sizeof key);
}

char *media_url(const unsigned char master[KEY_BYTES], const char *file, time_t expiry)
{
	unsigned char mac[crypto_auth_BYTES];
	char sig[SIG_STR];
	if (!media_name_ok(file)) {
		log_err("media_url: not a stored file name");
		return NULL;
	}
	media_mac(master, file, expiry, mac);
	b64url_encode(mac, sizeof mac, sig, sizeof sig);
	return xasprintf("/media/%s?e=%" PRId64 "&s=%s", file, (int64_t)expiry, sig);
}

int media_url_check(const unsigned char master[KEY_BYTES], const char *file, time_t expiry,
    const char *sig, time_t now)
{
	unsigned char want[crypto_auth_BYTES], given[crypto_auth_BYTES + 1];
	int ok;
	/* Only well-formed names are ever signed, so nothing else needs a MAC
	 * computed; the shape check leaks nothing a valid URL would not. */
	if (!media_name_ok(file) || !sig || strlen(sig) != SIG_STR - 1 ||
	    b64url_decode(sig, given, sizeof given) != crypto_auth_BYTES)
		return 0;
	media_mac(master, file, expiry, want);
	ok = sodium_memcmp(want, given, sizeof want) == 0;
	return ok && expiry > now;
}
