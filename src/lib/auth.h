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
/* 1 when a new password has PW_MIN_LEN to PW_MAX_LEN characters. Spaces
 * count like any character: passwords are never trimmed. */
int pw_length_ok(const char *pw);
/* Spends the time of one verification, so an unknown user is not told
 * apart from a wrong password by timing: one check against a fixed hash
 * made with the current parameters (pw_dummy_hash), never a new hash. */
void pw_burn(const char *pw);
extern const char pw_dummy_hash[PW_HASH_MAX];

/* Sign-in throttle (README, "Sign-in limits"). An attempt is counted
 * before any password is hashed, atomically, so parallel attempts cannot
 * slip past the limit. An address that has signed in to the account
 * before (in the last SIGNIN_KNOWN_DAYS) keeps an allowance of its own;
 * every other attempt counts against both the address and the account,
 * so strangers guessing an account cannot lock out its staff at their
 * usual counter. A right password gives the attempt back. */
#define SIGNIN_KNOWN_DAYS 90
struct signin {
	sqlite3 *rl;		/* the rate-limit store */
	int window, limit;
	time_t now;
	int known;		/* the (account, address) pair has signed in before */
	unsigned char k_known[16], k_account[16], k_addr[16];
};
/* Counts one attempt at account (a user name or a "uid:N" string) from
 * addr. 1: go ahead and check the password; 0: over the limit (answer
 * 429); -1: the store failed (answer 503). */
int signin_attempt(struct signin *s, sqlite3 *rl, const unsigned char ipkey[32],
    const char *account, const char *addr, int window, int limit, time_t now);
/* The password was right: the attempt is given back and the address is
 * remembered for the account. */
void signin_succeeded(struct signin *s);

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
/* Sets a user's password hash and ends every other session of theirs
 * (all of them when keep_token is NULL), in one transaction. */
enum hm_rc auth_set_password(sqlite3 *db, int64_t user_id, const char *pwhash,
    const char *keep_token);
/* Ends every session of a user except keep_token (may be NULL). */
enum hm_rc session_delete_user(sqlite3 *db, int64_t user_id, const char *keep_token);
void session_user_free(struct session_user *u);

#endif
