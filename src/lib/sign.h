/* The installation's secret key and what is derived from it: keyed IP
 * hashes, session tokens, CSRF tokens. All primitives are libsodium's. */
#ifndef HM_SIGN_H
#define HM_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define KEY_BYTES 32
#define TOKEN_BYTES 32
#define TOKEN_STR 44	/* 43 base64url characters + NUL */

/* Subkeys, one per purpose, so no key is ever used for two things. */
enum key_purpose {
	KEY_IP_HASH = 1,
	KEY_CSRF = 2,
	KEY_MEDIA_URL = 3,
	KEY_SHOP_SIGNING = 4,
	KEY_UNSUBSCRIBE = 5,
};

/* Reads the secret key file (64 hex characters). Returns 0 or -1 (logged). */
int key_load(const char *path, unsigned char master[KEY_BYTES]);
/* Writes a new random key file with mode 0600; fails if it exists. */
int key_create(const char *path);
void key_derive(const unsigned char master[KEY_BYTES], enum key_purpose p,
    unsigned char out[KEY_BYTES]);

/* A new random token in base64url, and the hash stored in its place. */
void token_new(char out[TOKEN_STR], unsigned char hash[32]);
/* Hashes a presented token; -1 when it is not a well-formed token. */
int token_hash(const char *token, unsigned char hash[32]);

/* CSRF token bound to the session token: MAC under the CSRF subkey. */
void csrf_make(const unsigned char key[KEY_BYTES], const char *session_token,
    char out[TOKEN_STR]);
/* 1 when given is the CSRF token for session_token (constant time). */
int csrf_check(const unsigned char key[KEY_BYTES], const char *session_token,
    const char *given);

/* A shop's passport signing key as people compare it: the first 16 bytes
 * (128 bits) of the Ed25519 public key in hex, in eight groups of four.
 * Certificates printed before this form showed the first four groups. */
#define KEY_FINGERPRINT_STR 40
void key_fingerprint(const unsigned char pk[32], char out[KEY_FINGERPRINT_STR]);

/* Keyed 16-byte hash of a client address: IPs are never stored in clear. */
void ip_hash(const unsigned char key[KEY_BYTES], const char *ip, unsigned char out[16]);

#endif
