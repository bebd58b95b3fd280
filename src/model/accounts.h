/* Staff accounts as their owners and the operator manage them: the
 * /admin/users pages and `hallmarkctl user ...`. Every change is recorded
 * in the audit trail in its own transaction (audit.h). Sign-in itself is
 * in model.h (user_find) and auth.h. */
#ifndef HM_ACCOUNTS_H
#define HM_ACCOUNTS_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "db.h"

/* One account. Strings are heap; free with user_row_free. */
struct user_row {
	int64_t id, shop_id, created_at;
	char *username, *display_name, *shop_slug;
	int is_owner, disabled;
};

struct user_list {
	struct user_row *v;
	size_t n;
};

/* A shop's accounts (every shop's when shop_id is 0), by shop and name. */
enum hm_rc user_list(sqlite3 *db, int64_t shop_id, struct user_list *out);
/* One account of the shop (of any shop when shop_id is 0). */
enum hm_rc user_get(sqlite3 *db, int64_t shop_id, int64_t id, struct user_row *out);
/* An account by name, enabled or not. */
enum hm_rc user_by_name(sqlite3 *db, const char *username, struct user_row *out);
void user_row_free(struct user_row *u);
void user_list_free(struct user_list *l);

/* 1 when s is a username new accounts may take: 2 to 40 of a-z, 0-9 and
 * '-' (the names hallmarkctl has always taken). */
int username_ok(const char *s);

/* Adds an account to the shop in one transaction with its audit row (and
 * the request's form key). HM_CONFLICT: the username is taken. */
enum hm_rc user_add(sqlite3 *db, int64_t shop_id, const char *username, const char *name,
    const char *pwhash, int is_owner, time_t now, int64_t *id);

/* Changes an account's name (NULL: kept), role (is_owner -1: kept) and
 * state (disabled -1: kept). Disabling ends every session of the account
 * at once. HM_CONFLICT, with nothing changed, when the shop would be left
 * with no enabled owner, unless allow_ownerless (the operator may lock a
 * shop's last owner out). *owners_left (may be NULL): the shop's enabled
 * owners afterwards. */
enum hm_rc user_change(sqlite3 *db, int64_t shop_id, int64_t id, const char *name, int is_owner,
    int disabled, int allow_ownerless, int *owners_left);

/* Sets an account's password hash and ends its sessions but keep_token
 * (may be NULL), with an audit row that holds no password. shop_id 0:
 * the account may be in any shop (hallmarkctl). */
enum hm_rc user_reset_password(sqlite3 *db, int64_t shop_id, int64_t id, const char *pwhash,
    const char *keep_token);

/* Deletes an account that has no history. HM_CONFLICT, with nothing
 * deleted, when it booked in or moved a job, wrote a message or added to a
 * passport's history (disable it instead: its name stays on that history).
 * *owners_left as for user_change. */
enum hm_rc user_remove(sqlite3 *db, int64_t shop_id, int64_t id, int *owners_left);

#endif
