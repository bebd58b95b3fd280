/* Change one's own password. Other sessions of the user end with it. The
 * current password is checked under the same kind of limit as sign-in:
 * counted before it is hashed, so a stolen session cannot guess it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "ratelimit.h"

#define SCOPE "password"

static void password_form(struct staff *a, int status, const char *error, const char *done)
{
	struct tctx *c = admin_ctx(a, _("Change password"), "password");
	tctx_set(c, "error", error);
	tctx_set(c, "done", done);
	tctx_set_int(c, "min_len", PW_MIN_LEN);
	web_page(&a->w, status, "admin_password", c);
	tctx_free(c);
}

void page_password(struct staff *a)
{
	password_form(a, 200, NULL, NULL);
}

void do_password(struct staff *a)
{
	const char *cur = req_val(&a->w.req, A_CURRENT_PASSWORD);
	const char *n1 = req_val(&a->w.req, A_NEW_PASSWORD);
	const char *n2 = req_val(&a->w.req, A_NEW_PASSWORD2);
	const int win = a->w.cfg.ratelimit_window;
	unsigned char key[16];
	char *hash = NULL, who[40];
	char fresh[PW_HASH_MAX];
	sqlite3 *rl = NULL;
	enum hm_rc rc;

	if (!cur || !*cur || !n1 || !*n1 || !n2 || !*n2) {
		password_form(a, 422, _("Fill in all three fields."), NULL);
		goto out;
	}
	if (!pw_length_ok(n1)) {
		char why[160];
		snprintf(why, sizeof why, P_("The new password needs at least %d character.",
		    "The new password needs at least %d characters.", PW_MIN_LEN), PW_MIN_LEN);
		password_form(a, 422, why, NULL);
		goto out;
	}
	if (strcmp(n1, n2)) {
		password_form(a, 422, _("The two new passwords differ."), NULL);
		goto out;
	}
	/* Sent twice: the first one changed it, and the current password
	 * typed is now the old one. */
	if (db_form_seen(a->db) == HM_DUPLICATE) {
		password_form(a, 200, NULL, _("Your password was changed. Other sign-ins were ended."));
		goto out;
	}
	snprintf(who, sizeof who, "uid:%" PRId64, a->user.user_id);
	admin_rl_key(a, who, key);
	int n = (rl = rl_open(a->w.cfg.ratelimit_database)) ? rl_hit(rl, SCOPE, key, win, a->now) : -1;
	if (n < 0) {
		web_busy(&a->w);
		goto out;
	}
	if (n > a->w.cfg.ratelimit_login) {
		char retry[16];
		snprintf(retry, sizeof retry, "%d", win);
		resp_header(&a->w.resp, "Retry-After", retry);
		password_form(a, 429, _("Too many attempts. Wait a few minutes, then try again."), NULL);
		goto out;
	}
	if ((rc = user_pwhash(a->db, a->user.user_id, &hash)) != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	if (pw_verify(hash, cur) != 0) {
		password_form(a, 422, _("Your current password is not right."), NULL);
		goto out;
	}
	rl_unhit(rl, SCOPE, key, win, a->now);
	if (pw_hash(n1, fresh) != 0) {
		web_fail(&a->w, HM_ERR);
		goto out;
	}
	rc = auth_set_password(a->db, a->user.user_id, fresh, a->user.token);
	if (rc != HM_OK && rc != HM_DUPLICATE) {
		web_fail(&a->w, rc);
		goto out;
	}
	password_form(a, 200, NULL, _("Your password was changed. Other sign-ins were ended."));
out:
	free(hash);
	db_close(rl);
}
