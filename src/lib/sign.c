#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "util.h"

int key_load(const char *path, unsigned char master[KEY_BYTES])
{
	size_t len = 0, bin = 0;
	int rc = -1;
	char *text = read_file(path, 256, &len);
	if (!text) {
		log_err("cannot read secret key file: %s", strerror(errno));
		return -1;
	}
	str_trim(text);
	if (sodium_hex2bin(master, KEY_BYTES, text, strlen(text), NULL, &bin, NULL) != 0 ||
	    bin != KEY_BYTES || strlen(text) != 2 * KEY_BYTES)
		log_err("secret key file is not 64 hex characters");
	else
		rc = 0;
	sodium_memzero(text, len);
	free(text);
	return rc;
}

int key_create(const char *path)
{
	unsigned char k[KEY_BYTES];
	char hex[2 * KEY_BYTES + 2];
	int rc = -1;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	randombytes_buf(k, sizeof k);
	sodium_bin2hex(hex, sizeof hex, k, sizeof k);
	hex[2 * KEY_BYTES] = '\n';
	hex[2 * KEY_BYTES + 1] = '\0';
	if (write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex) && fsync(fd) == 0)
		rc = 0;
	close(fd);
	sodium_memzero(k, sizeof k);
	sodium_memzero(hex, sizeof hex);
	return rc;
}

void key_derive(const unsigned char master[KEY_BYTES], enum key_purpose p,
    unsigned char out[KEY_BYTES])
{
	crypto_kdf_derive_from_key(out, KEY_BYTES, (uint64_t)p, "hallmark", master);
}

void token_new(char out[TOKEN_STR], unsigned char hash[32])
{
	unsigned char raw[TOKEN_BYTES];
	randombytes_buf(raw, sizeof raw);
	b64url_encode(raw, sizeof raw, out, TOKEN_STR);
	crypto_generichash(hash, 32, raw, sizeof raw, NULL, 0);
	sodium_memzero(raw, sizeof raw);
}

int token_hash(const char *token, unsigned char hash[32])
{
	unsigned char raw[TOKEN_BYTES + 1];
	if (strlen(token) != TOKEN_STR - 1 || b64url_decode(token, raw, sizeof raw) != TOKEN_BYTES)
		return -1;
	crypto_generichash(hash, 32, raw, TOKEN_BYTES, NULL, 0);
	sodium_memzero(raw, sizeof raw);
	return 0;
}

void csrf_make(const unsigned char key[KEY_BYTES], const char *session_token,
    char out[TOKEN_STR])
{
	unsigned char mac[crypto_auth_BYTES];
	crypto_auth(mac, (const unsigned char *)session_token, strlen(session_token), key);
	b64url_encode(mac, sizeof mac, out, TOKEN_STR);
}

int csrf_check(const unsigned char key[KEY_BYTES], const char *session_token,
    const char *given)
{
	unsigned char mac[crypto_auth_BYTES + 1];
	if (!session_token || !given || strlen(given) != TOKEN_STR - 1 ||
	    b64url_decode(given, mac, sizeof mac) != crypto_auth_BYTES)
		return 0;
	return crypto_auth_verify(mac, (const unsigned char *)session_token,
	    strlen(session_token), key) == 0;
}

void ip_hash(const unsigned char key[KEY_BYTES], const char *ip, unsigned char out[16])
{
	crypto_generichash(out, 16, (const unsigned char *)ip, strlen(ip), key, KEY_BYTES);
}

void key_fingerprint(const unsigned char pk[32], char out[KEY_FINGERPRINT_STR])
{
	char hex[33];
	size_t k = 0;
	sodium_bin2hex(hex, sizeof hex, pk, 16);
	for (size_t i = 0; i < 32; i++) {
		if (i && i % 4 == 0)
			out[k++] = ' ';
		out[k++] = hex[i];
	}
	out[k] = '\0';
}
