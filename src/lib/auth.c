#include "auth.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "ratelimit.h"
#include "utf8.h"
#include "util.h"

int pw_hash(const char *pw, char out[PW_HASH_MAX])
{
	return crypto_pwhash_str(out, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT);
}

int pw_verify(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw));
}

int pw_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, PW_OPSLIMIT, PW_MEMLIMIT) != 0;
}

/* The hash of a random password nobody knows, made once with the current
 * parameters: verifying against it costs exactly what verifying a real
 * account's hash does, in every process, with nothing computed first.
 * tests/unit/test_sign.c fails when PW_OPSLIMIT or PW_MEMLIMIT change
 * without it (make a new one with crypto_pwhash_str). */
const char pw_dummy_hash[PW_HASH_MAX] =
    "$argon2id$v=19$m=65536,t=3,p=1$G9SiligHAuuAKKr7ZsWo3g$IYl9aVipDjcR9ubNo6kkZKZqi+NQrApH+XoTUkfpU+o";

int pw_length_ok(const char *pw)
{
	size_t n = pw ? utf8_chars(pw, strlen(pw)) : 0;
	return n >= PW_MIN_LEN && n <= PW_MAX_LEN;
}

void pw_burn(const char *pw)
{
	(void)pw_verify(pw_dummy_hash, pw);
}

enum hm_rc session_create(sqlite3 *db, int64_t user_id, time_t now, char token[TOKEN_STR])
{
	unsigned char hash[32];
	enum hm_rc rc = HM_ERR;
	sqlite3_stmt *st = db_prepare(db,
	    "INSERT INTO sessions(token_hash, user_id, created_at, seen_at) VALUES(?,?,?,?)");
	if (!st)
		return HM_ERR;
	token_new(token, hash);
	sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, now);
	rc = db_rc(db, sqlite3_step(st), "session create");
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc session_lookup(sqlite3 *db, const char *token, time_t now, int idle,
    int absolute, struct session_user *out)
{
	unsigned char hash[32];
	sqlite3_stmt *st = NULL;
	enum hm_rc rc = HM_NOTFOUND;
	int64_t seen = 0;

	memset(out, 0, sizeof *out);
	if (!token || token_hash(token, hash) != 0)
		return HM_NOTFOUND;
	st = db_prepare(db,
	    "SELECT u.id, u.shop_id, u.username, u.display_name, s.seen_at, u.is_owner "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.token_hash = ? AND u.disabled = 0 AND s.seen_at > ? AND s.created_at > ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (int64_t)now - idle);
	sqlite3_bind_int64(st, 3, (int64_t)now - absolute);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		out->user_id = sqlite3_column_int64(st, 0);
		out->shop_id = sqlite3_column_int64(st, 1);
		out->username = db_col_dup(st, 2);
		out->display_name = db_col_dup(st, 3);
		out->token = xstrdup(token);
		seen = sqlite3_column_int64(st, 4);
		out->is_owner = sqlite3_column_int(st, 5);
		rc = HM_OK;
	} else if (s != SQLITE_DONE) {
		rc = db_rc(db, s, "session lookup");
	}
	sqlite3_finalize(st);
	/* Touch the idle clock at most once a minute: a write per page view
	 * would serialise every staff request on the database lock. */
	if (rc == HM_OK && now - seen > 60) {
		st = db_prepare(db, "UPDATE sessions SET seen_at = ? WHERE token_hash = ?");
		if (st) {
			sqlite3_bind_int64(st, 1, now);
			sqlite3_bind_blob(st, 2, hash, sizeof hash, SQLITE_TRANSIENT);
			(void)db_rc(db, sqlite3_step(st), "session touch");
			sqlite3_finalize(st);
		}
	}
	return rc;
}

enum hm_rc session_delete(sqlite3 *db, const char *token)
{
	unsigned char hash[32];
	if (!token || token_hash(token, hash) != 0)
		return HM_OK;
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM sessions WHERE token_hash = ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_TRANSIENT);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "session delete");
	sqlite3_finalize(st);
	return rc;
}

enum hm_rc session_delete_user(sqlite3 *db, int64_t user_id, const char *keep_token)
{
	unsigned char hash[32] = {0};
	if (keep_token && token_hash(keep_token, hash) != 0)
		memset(hash, 0, sizeof hash);
	sqlite3_stmt *st = db_prepare(db,
	    "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?");
	if (!st)
		return HM_ERR;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_blob(st, 2, hash, sizeof hash, SQLITE_TRANSIENT);
	enum hm_rc rc = db_rc(db, sqlite3_step(st), "session delete user");
	sqlite3_finalize(st);
	return rc;
}

void session_user_free(struct session_user *u)
{
	free(u->username);
	free(u->display_name);
	free(u->token);
	memset(u, 0, sizeof *u);
}

/* One keyed hash per purpose, with a separator no account or address
 * contains, so no two strings collide. */
static void keyed(const unsigned char ipkey[32], const char *a, const char *b, const char *c,
    unsigned char out[16])
{
	char *s = xasprintf("%s\n%s\n%s", a, b ? b : "", c ? c : "");
	ip_hash(ipkey, s, out);
	free(s);
}

int signin_attempt(struct signin *s, sqlite3 *rl, const unsigned char ipkey[32],
    const char *account, const char *addr, int window, int limit, time_t now)
{
	char *acct = xstrdup(account);
	for (char *p = acct; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	memset(s, 0, sizeof *s);
	s->rl = rl;
	s->window = window;
	s->limit = limit;
	s->now = now;
	keyed(ipkey, "signin-known", acct, addr, s->k_known);
	keyed(ipkey, "signin-account", acct, NULL, s->k_account);
	keyed(ipkey, "signin-address", addr, NULL, s->k_addr);
	free(acct);
	/* Both counts in one transaction: parallel attempts are counted in
	 * one order for the address and the account alike, so exactly the
	 * first `limit` of them go ahead. (Not db_begin: the store has no
	 * form keys.) */
	if (db_exec(rl, "BEGIN IMMEDIATE") != HM_OK)
		return -1;
	int go = -1;
	s->known = rl_known(rl, s->k_known, now);
	if (s->known > 0) {
		int n = rl_hit(rl, "login_known", s->k_known, window, now);
		go = n < 0 ? -1 : n <= limit;
	} else if (s->known == 0) {
		int na = rl_hit(rl, "login_ip", s->k_addr, window, now);
		int nu = rl_hit(rl, "login_user", s->k_account, window, now);
		go = na < 0 || nu < 0 ? -1 : na <= limit && nu <= limit;
	}
	if (go < 0 || db_exec(rl, "COMMIT") != HM_OK) {
		db_rollback(rl);
		return -1;
	}
	return go;
}

void signin_succeeded(struct signin *s)
{
	if (s->known) {
		rl_unhit(s->rl, "login_known", s->k_known, s->window, s->now);
	} else {
		rl_unhit(s->rl, "login_ip", s->k_addr, s->window, s->now);
		rl_unhit(s->rl, "login_user", s->k_account, s->window, s->now);
	}
	rl_remember(s->rl, s->k_known, s->now + (time_t)SIGNIN_KNOWN_DAYS * 86400);
}

enum hm_rc auth_set_password(sqlite3 *db, int64_t user_id, const char *pwhash,
    const char *keep_token)
{
	enum hm_rc rc = db_begin(db);
	if (rc != HM_OK)
		return rc;
	if ((rc = user_set_pwhash(db, user_id, pwhash)) == HM_OK &&
	    (rc = session_delete_user(db, user_id, keep_token)) == HM_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}
