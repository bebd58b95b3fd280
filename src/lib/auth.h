/* Staff authentication: Argon2id password hashes and database sessions. */
#ifndef HM_AUTH_H
#define HM_AUTH_H

#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "db.h"
#include "sign.h"

/* Argon2id at 64 MiB, opslimit 3 (DESIGN.md). */
#define PW_OPSLIMIT 3
#define PW_MEMLIMIT (64UL << 20)
#define PW_MIN_LEN 10
#define PW_MAX_LEN 256
#define PW_HASH_MAX crypto_pwhash_STRBYTES

int pw_hash(const char *pw, char out[PW_HASH_MAX]);
/* 0 when pw matches hash. */
int pw_verify(const char *hash, const char *pw);
int pw_needs_rehash(const char *hash);
/* Spends the time of one verification, so an unknown user is not told
 * apart from a wrong password by timing. */
void pw_burn(const char *pw);

/* The signed-in staff member behind a session. Strings are heap; free with
 * session_user_free. */
struct session_user {
	int64_t user_id;
	int64_t shop_id;
	char *username;
	char *display_name;
	char *token;	/* the cookie value, for CSRF derivation */
	int is_owner;	/* may wipe the shop's tracking data */
};

/* Starts a session; writes its cookie token. Caller holds no transaction. */
enum hm_rc session_create(sqlite3 *db, int64_t user_id, time_t now, char token[TOKEN_STR]);
/* Resolves a cookie token; HM_NOTFOUND when unknown, idle or too old. */
enum hm_rc session_lookup(sqlite3 *db, const char *token, time_t now, int idle,
    int absolute, struct session_user *out);
enum hm_rc session_delete(sqlite3 *db, const char *token);
/* Ends every session of a user except keep_token (may be NULL). */
enum hm_rc session_delete_user(sqlite3 *db, int64_t user_id, const char *keep_token);
void session_user_free(struct session_user *u);

#endif
