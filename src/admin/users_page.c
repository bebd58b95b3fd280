/* Staff accounts, managed by the shop's owners (the route table lets
 * nobody else in): add one with a password the owner types and tells the
 * person (Hallmark sends no email a set-password link could travel in),
 * set a new password, change the name or the role, disable and enable.
 * A shop always keeps an owner who can sign in: the model refuses a change
 * that would leave none. Disabling signs the person out at once. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "accounts.h"

/* What a refused form says: a sentence at the top and beside each field. */
struct user_errors {
	const char *error, *e_username, *e_name, *e_password;
};

static const char *saved_notice(const char *show)
{
	if (!show)
		return NULL;
	if (!strcmp(show, "saved"))
		return _("Saved.");
	if (!strcmp(show, "reset"))
		return _("The new password is set, and every sign-in of the account was ended.");
	if (!strcmp(show, "booked"))
		return _("The account was added. Tell them their username and password in person; "
		    "they can change the password under Password once signed in.");
	return NULL;
}

static void set_errors(struct tctx *c, const struct user_errors *e)
{
	if (!e)
		return;
	tctx_set(c, "error", e->error);
	tctx_set(c, "e_username", e->e_username);
	tctx_set(c, "e_name", e->e_name);
	tctx_set(c, "e_password", e->e_password);
}

static void roles(struct tctx *c, const char *chosen)
{
	static const struct { const char *code, *name; } r[] = {
		{"staff", N_("Staff")},
		{"owner", N_("Owner")},
	};
	for (size_t i = 0; i < HM_NELEM(r); i++) {
		struct tctx *it = tctx_add_item(c, "roles");
		tctx_set(it, "code", r[i].code);
		tctx_set(it, "name", _(r[i].name));
		tctx_set_bool(it, "selected", chosen && !strcmp(chosen, r[i].code));
	}
}

static void users_page(struct staff *a, int status, const struct user_errors *e)
{
	struct user_list l;
	enum hm_rc rc = user_list(a->db, a->user.shop_id, &l);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	struct tctx *c = admin_ctx(a, _("Staff accounts"), "settings");
	for (size_t i = 0; i < l.n; i++) {
		struct tctx *it = tctx_add_item(c, "users");
		tctx_set_int(it, "id", l.v[i].id);
		tctx_set(it, "username", l.v[i].username);
		tctx_set(it, "name", l.v[i].display_name);
		tctx_set(it, "role", l.v[i].is_owner ? _("Owner") : _("Staff"));
		tctx_set_bool(it, "disabled", l.v[i].disabled);
		tctx_set_bool(it, "me", l.v[i].id == a->user.user_id);
	}
	const struct req *r = &a->w.req;
	tctx_set(c, "f_username", e ? req_shown(r, A_USERNAME) : NULL);
	tctx_set(c, "f_name", e ? req_shown(r, A_NAME) : NULL);
	roles(c, e ? req_val(r, A_USER_ROLE) : "staff");
	tctx_set_int(c, "min_len", PW_MIN_LEN);
	set_errors(c, e);
	web_page(&a->w, status, "admin_users", c);
	tctx_free(c);
	user_list_free(&l);
}

void page_users(struct staff *a)
{
	users_page(a, 200, NULL);
}

static void user_page(struct staff *a, int status, const struct user_errors *e)
{
	struct user_row u;
	enum hm_rc rc = user_get(a->db, a->user.shop_id, a->id, &u);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	struct tctx *c = admin_ctx(a, u.username, "settings");
	const struct req *r = &a->w.req;
	char when[64];
	struct shop s;
	if (shop_get(a->db, a->user.shop_id, &s) == HM_OK) {
		fmt_time(u.created_at, s.timezone, when, sizeof when);
		tctx_set(c, "created", when);
		shop_free(&s);
	}
	tctx_set_int(c, "id", u.id);
	tctx_set(c, "username", u.username);
	tctx_set(c, "name", u.display_name);
	tctx_set(c, "role", u.is_owner ? _("Owner") : _("Staff"));
	tctx_set_bool(c, "disabled", u.disabled);
	tctx_set_bool(c, "me", u.id == a->user.user_id);
	tctx_set(c, "f_name", e && req_present(r, A_NAME) ? req_shown(r, A_NAME) : u.display_name);
	roles(c, e && req_val(r, A_USER_ROLE) ? req_val(r, A_USER_ROLE) : u.is_owner ? "owner" : "staff");
	tctx_set_int(c, "min_len", PW_MIN_LEN);
	tctx_set(c, "notice", e ? NULL : saved_notice(req_val(r, A_SHOW)));
	set_errors(c, e);
	web_page(&a->w, status, "admin_user", c);
	tctx_free(c);
	user_row_free(&u);
}

void page_user(struct staff *a)
{
	user_page(a, 200, NULL);
}

static void to_user(struct staff *a, int64_t id, const char *show)
{
	char path[96];
	snprintf(path, sizeof path, "/admin/users/%lld?show=%s", (long long)id, show);
	web_redirect(&a->w, path);
}

/* The two password fields: NULL when they make a password, else why not. */
static const char *password_problem(struct staff *a, char *buf, size_t n)
{
	const char *p1 = req_val(&a->w.req, A_NEW_PASSWORD), *p2 = req_val(&a->w.req, A_NEW_PASSWORD2);
	if (req_invalid(&a->w.req, A_NEW_PASSWORD) || req_invalid(&a->w.req, A_NEW_PASSWORD2))
		return req_message(&a->w.req, req_invalid(&a->w.req, A_NEW_PASSWORD) ? A_NEW_PASSWORD
		    : A_NEW_PASSWORD2, NULL, buf, n);
	if (!p1 || !*p1 || !p2 || !*p2)
		return _("Type the password twice.");
	if (!pw_length_ok(p1)) {
		snprintf(buf, n, P_("A password needs at least %d character.",
		    "A password needs at least %d characters.", PW_MIN_LEN), PW_MIN_LEN);
		return buf;
	}
	if (strcmp(p1, p2))
		return _("The two passwords differ.");
	return NULL;
}

/* The name field: NULL when it can be saved, else why not. */
static const char *name_problem(struct staff *a, char *buf, size_t n)
{
	if (req_invalid(&a->w.req, A_NAME))
		return req_message(&a->w.req, A_NAME, NULL, buf, n);
	return NULL;
}

static const char *const fix_below = N_("Nothing was saved: please correct what is marked below.");
static const char *const last_owner = N_("Nothing was changed: the shop needs at least one owner "
    "who can sign in. Make someone else an owner first.");

void do_user_new(struct staff *a)
{
	const struct req *r = &a->w.req;
	const char *username = req_val(r, A_USERNAME), *name = req_val(r, A_NAME);
	char b1[256], b2[256], b3[256], hash[PW_HASH_MAX];
	struct user_errors e = {0};

	if (req_invalid(r, A_USERNAME))
		e.e_username = req_message(r, A_USERNAME, NULL, b1, sizeof b1);
	else if (!username || !*username)
		e.e_username = _("Type a username.");
	else if (!username_ok(username))
		e.e_username = _("Use 2 to 40 lowercase letters (a to z), digits and hyphens.");
	e.e_name = name_problem(a, b2, sizeof b2);
	e.e_password = password_problem(a, b3, sizeof b3);
	if (!e.e_username && !e.e_name && !e.e_password && !req_val(r, A_USER_ROLE))
		e.error = _("Choose a role.");
	if (e.e_username || e.e_name || e.e_password || e.error) {
		if (!e.error)
			e.error = _(fix_below);
		users_page(a, 422, &e);
		return;
	}
	/* Sent twice: the first one added the account (and hashing again
	 * would only cost time). */
	if (db_form_seen(a->db) == HM_DUPLICATE) {
		to_user(a, db_form_prior(), "booked");
		return;
	}
	if (pw_hash(req_val(r, A_NEW_PASSWORD), hash) != 0) {
		web_fail(&a->w, HM_ERR);
		return;
	}
	int64_t id = 0;
	enum hm_rc rc = user_add(a->db, a->user.shop_id, username, name && *name ? name : username,
	    hash, !strcmp(req_val(r, A_USER_ROLE), "owner"), a->now, &id);
	sodium_memzero(hash, sizeof hash);
	if (rc == HM_CONFLICT) {
		e.error = _(fix_below);
		e.e_username = _("That username is taken. Choose another.");
		users_page(a, 422, &e);
	} else if (rc == HM_OK || rc == HM_DUPLICATE) {
		to_user(a, rc == HM_OK ? id : db_form_prior(), "booked");
	} else {
		web_fail(&a->w, rc);
	}
}

/* After a change: the account's page, or the page again saying why not. */
static void after_change(struct staff *a, enum hm_rc rc, const char *show)
{
	if (rc == HM_OK || rc == HM_DUPLICATE) {
		to_user(a, a->id, show);
	} else if (rc == HM_CONFLICT) {
		struct user_errors e = {.error = _(last_owner)};
		user_page(a, 422, &e);
	} else {
		web_fail(&a->w, rc);
	}
}

void do_user_edit(struct staff *a)
{
	const struct req *r = &a->w.req;
	char b[256];
	struct user_errors e = {0};
	if ((e.e_name = name_problem(a, b, sizeof b)) || !req_val(r, A_USER_ROLE)) {
		e.error = e.e_name ? _(fix_below) : _("Choose a role.");
		user_page(a, 422, &e);
		return;
	}
	const char *name = req_val(r, A_NAME);
	after_change(a, user_change(a->db, a->user.shop_id, a->id, name && *name ? name : NULL,
	    !strcmp(req_val(r, A_USER_ROLE), "owner"), -1, 0, NULL), "saved");
}

void do_user_password(struct staff *a)
{
	char b[256], hash[PW_HASH_MAX];
	struct user_errors e = {0};
	if ((e.e_password = password_problem(a, b, sizeof b))) {
		e.error = _(fix_below);
		user_page(a, 422, &e);
		return;
	}
	if (db_form_seen(a->db) == HM_DUPLICATE) {
		to_user(a, a->id, "reset");
		return;
	}
	if (pw_hash(req_val(&a->w.req, A_NEW_PASSWORD), hash) != 0) {
		web_fail(&a->w, HM_ERR);
		return;
	}
	/* An owner setting their own password here stays signed in here. */
	enum hm_rc rc = user_reset_password(a->db, a->user.shop_id, a->id, hash,
	    a->id == a->user.user_id ? a->user.token : NULL);
	sodium_memzero(hash, sizeof hash);
	after_change(a, rc, "reset");
}

static void set_disabled(struct staff *a, int on)
{
	after_change(a, user_change(a->db, a->user.shop_id, a->id, NULL, -1, on, 0, NULL), "saved");
}

void do_user_disable(struct staff *a)
{
	set_disabled(a, 1);
}

void do_user_enable(struct staff *a)
{
	set_disabled(a, 0);
}
