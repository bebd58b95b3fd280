/* Unit tests for src/lib/media_url.c: the URL format, a known answer
 * computed independently (BLAKE2b KDF + HMAC-SHA-512-256 in Python, as
 * tests/http/test_photos.py does), and that any change to file, expiry or
 * signature, or the passing of the expiry, makes the check fail. */
#include "check.h"
#include "media_url.h"
#include "util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define FILE_D "0123456789abcdef0123456789abcdef-d.jpg"
#define FILE_T "0123456789abcdef0123456789abcdef-t.jpg"
#define KAT_SIG "Hgskn--AqYWkk-CGek_yP-bsxRKulhxO560AeWVC_D4"

static const char *const names[][2] = {
	{ FILE_D, "1" },
	{ FILE_T, "1" },
	{ "ffffffffffffffffffffffffffffffff-d.jpg", "1" },
	{ "0123456789ABCDEF0123456789abcdef-d.jpg", "" },
	{ "0123456789abcdef0123456789abcde-d.jpg", "" },
	{ "0123456789abcdef0123456789abcdef0-d.jpg", "" },
	{ "0123456789abcdef0123456789abcdef-x.jpg", "" },
	{ "0123456789abcdef0123456789abcdef-d.jpeg", "" },
	{ "0123456789abcdef0123456789abcdef-d.jpg/", "" },
	{ "0123456789abcdef0123456789abcdef_d.jpg", "" },
	{ "0123456789abcdef0123456789abcdef-d.JPG", "" },
	{ "../23456789abcdef0123456789abcdef-d.jpg", "" },
	{ "0123456789abcdef0123456789abcdef-d.jpg\n", "" },
	{ "", "" },
};

/* The signature part of a URL media_url made. */
static const char *sig_of(const char *url)
{
	const char *s = strstr(url, "&s=");
	return s ? s + 3 : "";
}

int main(void)
{
	unsigned char master[KEY_BYTES], other[KEY_BYTES];
	const time_t exp = 1700003600, now = 1700000000;
	char *url, sig[64];

	if (sodium_init() < 0)
		return 1;
	for (size_t i = 0; i < sizeof master; i++)
		master[i] = (unsigned char)i;
	memcpy(other, master, sizeof other);
	other[31] ^= 1;

	for (size_t i = 0; i < HM_NELEM(names); i++)
		CHECK(media_name_ok(names[i][0]) == (names[i][1][0] == '1'));
	CHECK(!media_name_ok(NULL));

	/* Format and known answer. */
	url = media_url(master, FILE_D, exp);
	CHECK_STR(url, "/media/" FILE_D "?e=1700003600&s=" KAT_SIG);
	snprintf(sig, sizeof sig, "%s", sig_of(url));
	free(url);
	CHECK(media_url_check(master, FILE_D, exp, sig, now) == 1);
	CHECK(media_url_check(master, FILE_D, exp, sig, exp - 1) == 1);

	/* Expired, at and after the instant. */
	CHECK(media_url_check(master, FILE_D, exp, sig, exp) == 0);
	CHECK(media_url_check(master, FILE_D, exp, sig, exp + 3600) == 0);
	/* Another file, another version of the same photo, another expiry,
	 * another key. */
	CHECK(media_url_check(master, FILE_T, exp, sig, now) == 0);
	CHECK(media_url_check(master, "1123456789abcdef0123456789abcdef-d.jpg", exp, sig, now) == 0);
	CHECK(media_url_check(master, FILE_D, exp + 1, sig, now) == 0);
	CHECK(media_url_check(master, FILE_D, exp - 3600, sig, now) == 0);
	CHECK(media_url_check(other, FILE_D, exp, sig, now) == 0);
	/* Any one character of the signature changed. */
	int all_fail = 1;
	for (size_t i = 0; sig[i]; i++) {
		char t[64];
		snprintf(t, sizeof t, "%s", sig);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		if (media_url_check(master, FILE_D, exp, t, now))
			all_fail = 0;
	}
	CHECK(all_fail);
	/* Malformed signatures. */
	CHECK(media_url_check(master, FILE_D, exp, NULL, now) == 0);
	CHECK(media_url_check(master, FILE_D, exp, "", now) == 0);
	CHECK(media_url_check(master, FILE_D, exp, KAT_SIG "A", now) == 0);
	CHECK(media_url_check(master, FILE_D, exp, "Hgskn--AqYWkk-CGek_yP-bsxRKulhxO560AeWVC_D", now) == 0);
	CHECK(media_url_check(master, FILE_D, exp, "Hgskn--AqYWkk-CGek_yP-bsxRKulhxO560AeWVC_D4=", now) == 0);
	CHECK(media_url_check(master, FILE_D, exp, "Hgskn+-AqYWkk-CGek_yP-bsxRKulhxO560AeWVC_D4", now) == 0);
	/* Last character with non-zero padding bits: the same 32 bytes are
	 * not accepted under a second spelling. */
	CHECK(media_url_check(master, FILE_D, exp, "Hgskn--AqYWkk-CGek_yP-bsxRKulhxO560AeWVC_D5", now) == 0);
	/* A bad name is never signed nor accepted. */
	CHECK(media_url(master, "../secret.key", exp) == NULL);
	CHECK(media_url_check(master, "../secret.key", exp, sig, now) == 0);

	/* Expiries: one to two hours ahead, constant within an hour. */
	time_t t0 = 1700000000 - 1700000000 % 3600;
	CHECK(media_url_expiry(t0) == t0 + 7200);
	CHECK(media_url_expiry(t0 + 1) == t0 + 7200);
	CHECK(media_url_expiry(t0 + 3599) == t0 + 7200);
	CHECK(media_url_expiry(t0 + 3600) == t0 + 10800);
	for (time_t t = t0; t < t0 + 7200; t += 97)
		CHECK(media_url_expiry(t) - t > MEDIA_URL_TTL && media_url_expiry(t) - t <= 2 * 3600);
	/* Equal URLs through the hour: pages and photos stay cacheable. */
	char *a = media_url(master, FILE_T, media_url_expiry(t0 + 10));
	char *b = media_url(master, FILE_T, media_url_expiry(t0 + 3000));
	CHECK_STR(a, b);
	free(a);
	free(b);
	return check_summary("media_url");
}
