/* Unit tests for src/lib/sign.c (secret key file, subkeys, session tokens,
 * CSRF tokens, keyed IP hashes) and the password half of src/lib/auth.c. */
#include "auth.h"
#include "check.h"
#include "sign.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/hm-test-sign-XXXXXX";

/* A path in the test's directory; each call has its own storage, kept
 * until the test ends (paths are few). */
static const char *tmp_path(const char *name)
{
	static char p[32][256];
	static int next;
	char *s = p[next++ % 32];
	snprintf(s, sizeof p[0], "%s/%s", tmpdir, name);
	return s;
}


static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

/* key_load logs its refusals to stderr, as it should; the tests silence
 * that around the calls so only their own failures show. */
static int is_b64url(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

/* ---- key_create / key_load ---- */

static void test_key_file(void)
{
	const char *path = tmp_path("secret.key");
	unsigned char master[KEY_BYTES], again[KEY_BYTES];
	struct stat st;
	char text[200] = "";

	CHECK(key_create(path) == 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	if (f) {
		size_t n = fread(text, 1, sizeof text - 1, f);
		text[n] = '\0';
		fclose(f);
	}
	CHECK(strlen(text) == 65 && text[64] == '\n');
	CHECK(strspn(text, "0123456789abcdef") == 64);

	/* Loading gives back exactly the bytes in the file. */
	unsigned char want[KEY_BYTES];
	size_t bin = 0;
	CHECK(sodium_hex2bin(want, sizeof want, text, 64, NULL, &bin, NULL) == 0 && bin == 32);
	CHECK(key_load(path, master) == 0);
	CHECK(memcmp(master, want, KEY_BYTES) == 0);
	CHECK(key_load(path, again) == 0 && memcmp(master, again, KEY_BYTES) == 0);

	/* Never overwrites: an existing key (or anything else) stays as it was. */
	CHECK(key_create(path) == -1);
	CHECK(key_load(path, again) == 0 && memcmp(master, again, KEY_BYTES) == 0);
	const char *other = tmp_path("not-a-key");
	write_text(other, "precious\n");
	CHECK(key_create(other) == -1);
	/* ... not even through a symlink to a file that does not exist yet. */
	const char *target = tmp_path("link-target");
	const char *link = tmp_path("link");
	CHECK(symlink(target, link) == 0);
	CHECK(key_create(link) == -1);
	CHECK(access(target, F_OK) == -1);
	unlink(link);
	CHECK(key_create(tmp_path("no-such-dir/secret.key")) == -1);

	/* Two keys differ. */
	const char *second = tmp_path("second.key");
	CHECK(key_create(second) == 0);
	CHECK(key_load(second, again) == 0 && memcmp(master, again, KEY_BYTES) != 0);
	unlink(second);

	/* The file is created 0600 whatever the umask lets through. */
	mode_t old = umask(0);
	const char *third = tmp_path("third.key");
	CHECK(key_create(third) == 0);
	CHECK(stat(third, &st) == 0 && (st.st_mode & 07777) == 0600);
	umask(old);
	unlink(third);
	unlink(other);
	unlink(path);
}

struct kcase {
	const char *text;
	int ok;
};

#define HEX64 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static const struct kcase kcases[] = {
	{ HEX64 "\n", 1 },
	{ HEX64, 1 },
	{ "  " HEX64 "  \n\n", 1 },
	{ "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF\r\n", 1 },
	{ "", 0 },
	{ "\n", 0 },
	{ "00112233445566778899aabbccddeeff00112233445566778899aabbccddee\n", 0 },	/* 62 */
	{ "00112233445566778899aabbccddeeff00112233445566778899aabbccddeef\n", 0 },	/* 63 */
	{ HEX64 "0\n", 0 },									/* 65 */
	{ HEX64 "00\n", 0 },									/* 66 */
	{ HEX64 HEX64 "\n", 0 },
	{ "g0112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", 0 },
	{ "00112233445566778899aabbccddeeff00112233445566778899aabbccddeefz\n", 0 },
	{ "00112233445566778899aabbccddeeff 00112233445566778899aabbccddeeff\n", 0 },
	{ "0011223344556677:8899aabbccddeeff00112233445566778899aabbccddeeff\n", 0 },
	{ "ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=\n", 0 },	/* base64 of it */
};

static void test_key_load(void)
{
	unsigned char master[KEY_BYTES];
	const char *path = tmp_path("case.key");

	for (size_t i = 0; i < sizeof kcases / sizeof kcases[0]; i++) {
		write_text(path, kcases[i].text);
		check_quiet(1);
		int rc = key_load(path, master);
		check_quiet(0);
		if ((rc == 0) != kcases[i].ok)
			fprintf(stderr, "  key case %zu: key_load returned %d\n", i, rc);
		CHECK((rc == 0) == kcases[i].ok);
		if (kcases[i].ok && rc == 0)
			CHECK(master[0] == 0x00 && master[1] == 0x11 && master[15] == 0xff &&
			    master[31] == 0xff);
	}
	unlink(path);
	check_quiet(1);
	int missing = key_load(tmp_path("missing.key"), master);
	int dir = key_load(tmpdir, master);
	check_quiet(0);
	CHECK(missing == -1);
	CHECK(dir == -1);	/* a directory */
	/* A file far larger than a key is refused without reading it all. */
	char big[1024];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	write_text(path, big);
	check_quiet(1);
	int rc = key_load(path, master);
	check_quiet(0);
	CHECK(rc == -1);
	unlink(path);
}

/* ---- key_derive ---- */

static void test_key_derive(void)
{
	unsigned char m1[KEY_BYTES], m2[KEY_BYTES];
	unsigned char a[KEY_BYTES], b[KEY_BYTES], c[KEY_BYTES], d[KEY_BYTES];
	static const enum key_purpose all[] = { KEY_IP_HASH, KEY_CSRF, KEY_MEDIA_URL, KEY_SHOP_SIGNING };
	unsigned char sub[4][KEY_BYTES];

	randombytes_buf(m1, sizeof m1);
	randombytes_buf(m2, sizeof m2);
	key_derive(m1, KEY_CSRF, a);
	key_derive(m1, KEY_CSRF, b);
	CHECK(memcmp(a, b, KEY_BYTES) == 0);		/* deterministic */
	CHECK(memcmp(a, m1, KEY_BYTES) != 0);		/* not the master */
	key_derive(m2, KEY_CSRF, c);
	CHECK(memcmp(a, c, KEY_BYTES) != 0);		/* depends on the master */
	key_derive(m1, KEY_IP_HASH, d);
	CHECK(memcmp(a, d, KEY_BYTES) != 0);

	int same = 0;
	for (int i = 0; i < 4; i++)
		key_derive(m1, all[i], sub[i]);
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			same += memcmp(sub[i], sub[j], KEY_BYTES) == 0;
	CHECK(same == 0);

	/* A fixed vector, so a change of context string or KDF (which would
	 * silently invalidate every stored IP hash and CSRF token) is noticed. */
	unsigned char zero[KEY_BYTES] = {0}, want[KEY_BYTES];
	key_derive(zero, KEY_CSRF, a);
	crypto_kdf_derive_from_key(want, KEY_BYTES, 2, "hallmark", zero);
	CHECK(memcmp(a, want, KEY_BYTES) == 0);
}

/* ---- token_new / token_hash ---- */

static void test_tokens(void)
{
	char t1[TOKEN_STR], t2[TOKEN_STR];
	unsigned char h1[32], h2[32], h[32];

	token_new(t1, h1);
	token_new(t2, h2);
	CHECK(strlen(t1) == 43 && strlen(t2) == 43);
	CHECK(is_b64url(t1) && is_b64url(t2));
	CHECK(strcmp(t1, t2) != 0);
	CHECK(memcmp(h1, h2, 32) != 0);

	/* The stored hash is what token_hash gives for the presented token,
	 * every time. */
	CHECK(token_hash(t1, h) == 0 && memcmp(h, h1, 32) == 0);
	CHECK(token_hash(t1, h) == 0 && memcmp(h, h1, 32) == 0);
	CHECK(token_hash(t2, h) == 0 && memcmp(h, h2, 32) == 0);
	/* The hash is not the token's bytes. */
	unsigned char raw[33];
	size_t rawlen = 0;
	CHECK(sodium_base642bin(raw, sizeof raw, t1, 43, NULL, &rawlen, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 && rawlen == 32);
	CHECK(memcmp(raw, h1, 32) != 0);

	/* Malformed tokens. */
	char bad[128];
	CHECK(token_hash("", h) == -1);
	memcpy(bad, t1, 42);
	bad[42] = '\0';
	CHECK(token_hash(bad, h) == -1);			/* 42 */
	snprintf(bad, sizeof bad, "%sA", t1);
	CHECK(token_hash(bad, h) == -1);			/* 44 */
	snprintf(bad, sizeof bad, "%s=", t1);
	CHECK(token_hash(bad, h) == -1);			/* padded */
	snprintf(bad, sizeof bad, "%s%s", t1, t1);
	CHECK(token_hash(bad, h) == -1);
	static const char badc[] = "+/=.!~ \t\n%";
	int accepted = 0;
	for (const char *c = badc; *c; c++)
		for (int pos = 0; pos < 43; pos += 7) {
			snprintf(bad, sizeof bad, "%s", t1);
			bad[pos] = *c;
			accepted += token_hash(bad, h) != -1;
		}
	CHECK(accepted == 0);
	/* Bytes 0x80-0xff: libsodium 1.0.18 decodes every one of them as '_'
	 * (63) in the URL-safe variant (a signed-char slip), so b64url_decode
	 * must check the alphabet itself. */
	int high = 0;
	for (int c = 0x80; c <= 0xff; c++)
		for (int pos = 0; pos < 43; pos += 7) {
			snprintf(bad, sizeof bad, "%s", t1);
			bad[pos] = (char)c;
			high += token_hash(bad, h) != -1;
		}
	CHECK(high == 0);
	/* Standard base64 is not accepted: these bytes encode as "++++////...". */
	char std[TOKEN_STR + 1];
	unsigned char plusslash[32];
	for (int i = 0; i < 32; i++)
		plusslash[i] = (unsigned char[]){ 0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff }[i % 6];
	sodium_bin2base64(std, sizeof std, plusslash, 32, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	CHECK(strlen(std) == 43 && strchr(std, '+') && strchr(std, '/'));
	CHECK(token_hash(std, h) == -1);
	/* 43 characters whose last one carries stray low bits: not a token. */
	snprintf(bad, sizeof bad, "%s", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	CHECK(token_hash(bad, h) == 0);
	bad[42] = 'B';
	CHECK(token_hash(bad, h) == -1);
}

/* ---- csrf_make / csrf_check ---- */

static void test_csrf(void)
{
	unsigned char master[KEY_BYTES], k[KEY_BYTES], k2[KEY_BYTES];
	char sa[TOKEN_STR], sb[TOKEN_STR], ca[TOKEN_STR], cb[TOKEN_STR], c2[TOKEN_STR];
	unsigned char h[32];
	char bad[128];

	randombytes_buf(master, sizeof master);
	key_derive(master, KEY_CSRF, k);
	key_derive(master, KEY_IP_HASH, k2);
	token_new(sa, h);
	token_new(sb, h);

	csrf_make(k, sa, ca);
	csrf_make(k, sb, cb);
	CHECK(strlen(ca) == 43 && is_b64url(ca));
	CHECK(strcmp(ca, cb) != 0);
	char again[TOKEN_STR];
	csrf_make(k, sa, again);
	CHECK_STR(again, ca);					/* deterministic */

	CHECK(csrf_check(k, sa, ca) == 1);
	CHECK(csrf_check(k, sb, cb) == 1);
	CHECK(csrf_check(k, sb, ca) == 0);			/* another session's */
	CHECK(csrf_check(k, sa, cb) == 0);
	CHECK(csrf_check(k, sa, sa) == 0);			/* the session token itself */
	CHECK(csrf_check(k, sa, "") == 0);
	CHECK(csrf_check(k, sa, NULL) == 0);
	CHECK(csrf_check(k, NULL, ca) == 0);
	CHECK(csrf_check(k, "", ca) == 0);

	/* Any one character changed, at every position, is refused. */
	int accepted = 0;
	for (int pos = 0; pos < 43; pos++) {
		snprintf(bad, sizeof bad, "%s", ca);
		bad[pos] = bad[pos] == 'A' ? 'B' : 'A';
		accepted += csrf_check(k, sa, bad);
		snprintf(bad, sizeof bad, "%s", ca);
		bad[pos] = bad[pos] == '_' ? '-' : '_';
		accepted += csrf_check(k, sa, bad);
	}
	CHECK(accepted == 0);

	memcpy(bad, ca, 42);
	bad[42] = '\0';
	CHECK(csrf_check(k, sa, bad) == 0);			/* 42 */
	snprintf(bad, sizeof bad, "%sA", ca);
	CHECK(csrf_check(k, sa, bad) == 0);			/* 44 */
	snprintf(bad, sizeof bad, "%s=", ca);
	CHECK(csrf_check(k, sa, bad) == 0);
	snprintf(bad, sizeof bad, " %s", ca);
	CHECK(csrf_check(k, sa, bad) == 0);
	snprintf(bad, sizeof bad, "%s%s", ca, ca);
	CHECK(csrf_check(k, sa, bad) == 0);

	/* Made with another key (another installation, or the wrong subkey). */
	csrf_make(k2, sa, c2);
	CHECK(strcmp(c2, ca) != 0);
	CHECK(csrf_check(k, sa, c2) == 0);
	CHECK(csrf_check(k2, sa, c2) == 1);
	CHECK(csrf_check(k2, sa, ca) == 0);

	/* A high byte in place of a '_' (see test_tokens): find a CSRF token
	 * with a '_' in it (about every other one has). */
	for (int i = 0; i < 200; i++) {
		char *u;
		token_new(sa, h);
		csrf_make(k, sa, ca);
		if (!(u = strchr(ca, '_')))
			continue;
		*u = (char)0xff;
		CHECK(csrf_check(k, sa, ca) == 0);
		break;
	}
}

/* ---- ip_hash ---- */

static void test_ip_hash(void)
{
	unsigned char k1[KEY_BYTES], k2[KEY_BYTES], a[16], b[16], c[16];

	randombytes_buf(k1, sizeof k1);
	randombytes_buf(k2, sizeof k2);
	ip_hash(k1, "192.0.2.7", a);
	ip_hash(k1, "192.0.2.7", b);
	CHECK(memcmp(a, b, 16) == 0);
	ip_hash(k2, "192.0.2.7", c);
	CHECK(memcmp(a, c, 16) != 0);				/* keyed */
	ip_hash(k1, "192.0.2.8", c);
	CHECK(memcmp(a, c, 16) != 0);
	ip_hash(k1, "2001:db8::1", b);
	ip_hash(k1, "2001:db8::1", c);
	CHECK(memcmp(b, c, 16) == 0 && memcmp(a, b, 16) != 0);
	/* Not the unkeyed hash of the address. */
	crypto_generichash(c, 16, (const unsigned char *)"192.0.2.7", 9, NULL, 0);
	CHECK(memcmp(a, c, 16) != 0);
	ip_hash(k1, "", c);
	CHECK(memcmp(a, c, 16) != 0);
}

/* ---- pw_hash / pw_verify / pw_needs_rehash (each hash ~50 ms, 64 MiB) ---- */

static void test_passwords(void)
{
	char hash[PW_HASH_MAX], weak[PW_HASH_MAX];
	const char *pw = "correct horse battery staple";

	CHECK(pw_hash(pw, hash) == 0);
	CHECK(strncmp(hash, "$argon2id$", 10) == 0);
	CHECK(strstr(hash, "m=65536") != NULL && strstr(hash, "t=3") != NULL);
	CHECK(pw_verify(hash, pw) == 0);
	CHECK(pw_verify(hash, "correct horse battery stapl") != 0);
	CHECK(pw_verify(hash, "Correct horse battery staple") != 0);
	CHECK(pw_verify(hash, "") != 0);
	CHECK(pw_needs_rehash(hash) == 0);

	/* Made with weaker parameters: still verifies, but asks for a rehash. */
	CHECK(crypto_pwhash_str(weak, pw, strlen(pw), 2, PW_MEMLIMIT) == 0);
	CHECK(pw_verify(weak, pw) == 0);
	CHECK(pw_needs_rehash(weak) == 1);

	/* Garbage in the hash column never verifies and always wants a rehash. */
	CHECK(pw_verify("", pw) != 0);
	CHECK(pw_verify("$argon2id$v=19$m=65536,t=3,p=1$garbage", pw) != 0);
	CHECK(pw_needs_rehash("") == 1);
	CHECK(pw_needs_rehash("not a hash") == 1);
}

/* The fixed hash pw_burn checks against must have the parameters every
 * real hash gets, or an unknown user would answer faster (or slower). */
static void test_dummy_hash(void)
{
	CHECK(strlen(pw_dummy_hash) > 0 && strlen(pw_dummy_hash) < PW_HASH_MAX);
	CHECK(!pw_needs_rehash(pw_dummy_hash));
	CHECK(pw_verify(pw_dummy_hash, "anything at all") != 0);
	CHECK(pw_length_ok("0123456789"));
	CHECK(!pw_length_ok("012345678"));
	CHECK(pw_length_ok("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"));
	CHECK(!pw_length_ok("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"));	/* 10 bytes, 5 characters */
	CHECK(pw_length_ok("  spaces  "));
}

static void test_fingerprint(void)
{
	unsigned char pk[32];
	char fp[KEY_FINGERPRINT_STR];
	for (int i = 0; i < 32; i++)
		pk[i] = (unsigned char)(i * 17);
	key_fingerprint(pk, fp);
	CHECK_STR(fp, "0011 2233 4455 6677 8899 aabb ccdd eeff");
}

int main(void)
{
	if (sodium_init() < 0 || !mkdtemp(tmpdir))
		return 1;
	test_dummy_hash();
	test_fingerprint();
	test_key_file();
	test_key_load();
	test_key_derive();
	test_tokens();
	test_csrf();
	test_ip_hash();
	test_passwords();
	rmdir(tmpdir);
	return check_summary("sign");
}
