/* The operator's view of staff accounts. Changes go through the same model
 * calls as the owners' pages (accounts.h), so they end sessions, keep history
 * and land in the shop's audit trail (by "hallmarkctl") the same way. The
 * operator may leave a shop without an enabled owner (to lock out a
 * stolen account, say); the command then says so and how to undo it. */
#include <stdio.h>
#include <string.h>

#include "users.h"

#include "accounts.h"
#include "ctl.h"
#include "db.h"
#include "model.h"

static const char *const subs[] = {"list", "disable", "enable", "role", "remove", NULL};

int ctl_user_handles(const char *sub)
{
	for (size_t i = 0; subs[i]; i++)
		if (!strcmp(sub, subs[i]))
			return 1;
	return 0;
}

static int usage(void)
{
	fputs("usage: hallmarkctl user list [SHOP]\n"
	    "       hallmarkctl user disable USERNAME\n"
	    "       hallmarkctl user enable USERNAME\n"
	    "       hallmarkctl user role USERNAME owner|staff\n"
	    "       hallmarkctl user remove USERNAME\n", stderr);
	return 2;
}

static int list(sqlite3 *db, const char *shop)
{
	int64_t shop_id = 0;
	struct user_list l;
	if (shop && shop_find_slug(db, shop, &shop_id) != HM_OK)
		return ctl_fail("no shop called '%s' (see hallmarkctl shop list)", shop);
	if (user_list(db, shop_id, &l) != HM_OK)
		return ctl_fail("could not read the users");
	printf("%-24s %-20s %-6s %-9s %s\n", "USERNAME", "SHOP", "ROLE", "STATUS", "NAME");
	for (size_t i = 0; i < l.n; i++)
		printf("%-24s %-20s %-6s %-9s %s\n", l.v[i].username, l.v[i].shop_slug,
		    l.v[i].is_owner ? "owner" : "staff", l.v[i].disabled ? "disabled" : "active",
		    l.v[i].display_name);
	user_list_free(&l);
	return 0;
}

static int ownerless_note(const struct user_row *u, int left)
{
	if (left == 0)
		fprintf(stderr, "hallmarkctl: note: shop %s has no enabled owner now; nobody can change "
		    "its settings or staff accounts until one is made with "
		    "'hallmarkctl user role USERNAME owner' (or 'user enable')\n", u->shop_slug);
	return 0;
}

static int change(sqlite3 *db, const struct user_row *u, const char *sub, const char *role)
{
	int owner = -1, disabled = -1, left = -1;
	if (!strcmp(sub, "disable"))
		disabled = 1;
	else if (!strcmp(sub, "enable"))
		disabled = 0;
	else if (!strcmp(role, "owner") || !strcmp(role, "staff"))
		owner = !strcmp(role, "owner");
	else
		return ctl_fail("a role is 'owner' or 'staff', not '%s'", role);
	if ((disabled >= 0 && u->disabled == disabled) || (owner >= 0 && u->is_owner == owner)) {
		printf("%s is %s already\n", u->username, disabled == 1 ? "disabled"
		    : disabled == 0 ? "enabled" : owner ? "an owner" : "staff");
		return 0;
	}
	enum hm_rc rc = user_change(db, u->shop_id, u->id, NULL, owner, disabled, 1, &left);
	if (rc != HM_OK)
		return ctl_fail("could not change '%s'%s", u->username,
		    rc == HM_BUSY ? " (database busy: try again)" : "");
	if (disabled == 1)
		printf("disabled %s; their sessions were ended\n", u->username);
	else if (disabled == 0)
		printf("enabled %s\n", u->username);
	else
		printf("%s is now %s\n", u->username, owner ? "an owner" : "staff");
	return ownerless_note(u, left);
}

static int remove_user(sqlite3 *db, const struct user_row *u)
{
	int left = -1;
	enum hm_rc rc = user_remove(db, u->shop_id, u->id, &left);
	if (rc == HM_CONFLICT)
		return ctl_fail("'%s' booked in or moved jobs, wrote messages or added to passports, "
		    "and that history names them: disable the account instead "
		    "(hallmarkctl user disable %s)", u->username, u->username);
	if (rc != HM_OK)
		return ctl_fail("could not remove '%s'%s", u->username,
		    rc == HM_BUSY ? " (database busy: try again)" : "");
	printf("removed %s\n", u->username);
	return u->is_owner && !u->disabled ? ownerless_note(u, left) : 0;
}

int ctl_user(const struct config *cfg, const char *sub, int argc, char **argv)
{
	int want = !strcmp(sub, "list") ? -1 : !strcmp(sub, "role") ? 2 : 1;
	if ((want < 0 && argc > 1) || (want >= 0 && argc != want))
		return usage();
	sqlite3 *db = ctl_open_rw(cfg);
	if (!db)
		return 1;
	int rc;
	struct user_row u = {0};
	if (want < 0) {
		rc = list(db, argc ? argv[0] : NULL);
	} else if (user_by_name(db, argv[0], &u) != HM_OK) {
		rc = ctl_fail("no user called '%s' (see hallmarkctl user list)", argv[0]);
	} else if (!strcmp(sub, "remove")) {
		rc = remove_user(db, &u);
	} else {
		rc = change(db, &u, sub, want == 2 ? argv[1] : "");
	}
	user_row_free(&u);
	db_close(db);
	return rc;
}
