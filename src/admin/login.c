/* Sign-in and sign-out. Each attempt is counted before any password is
 * hashed (auth.h, signin_attempt); unknown users and wrong passwords get
 * the same answer in the same time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "ratelimit.h"

static void login_form(struct staff *a, int status, const char *error, const char *username)
{
	char token[TOKEN_STR];
	unsigned char unused[32];

	/* A fresh login cookie each time the form is shown binds its CSRF token. */
	token_new(token, unused);
	staff_cookie(a, STAFF_LOGIN_COOKIE, token, 3600);
	staff_csrf_for(a, token);
	struct tctx *c = admin_ctx(a, _("Sign in"), NULL);
	tctx_set(c, "error", error);
	tctx_set(c, "username", username);
	web_page(&a->w, status, "admin_login", c);
	tctx_free(c);
}

void page_login(struct staff *a)
{
	if (a->user.user_id) {
		web_redirect(&a->w, "/admin/jobs");
		return;
	}
	login_form(a, 200, NULL, NULL);
}

void do_login(struct staff *a)
{
	const char *username = req_val(&a->w.req, A_USERNAME);
	const char *password = req_val(&a->w.req, A_PASSWORD);
	const int win = a->w.cfg.ratelimit_window;
	unsigned char ipkey[KEY_BYTES];
	struct signin si;
	char *hash = NULL;
	char token[TOKEN_STR];
	int64_t uid = 0;
	sqlite3 *rl = NULL;

	if (!username || !*username || !password || !*password) {
		login_form(a, 200, _("Enter your username and password."), req_shown(&a->w.req, A_USERNAME));
		goto out;
	}
	if (!(rl = rl_open(a->w.cfg.ratelimit_database))) {
		web_busy(&a->w);
		goto out;
	}
	key_derive(a->w.master, KEY_IP_HASH, ipkey);
	int go = signin_attempt(&si, rl, ipkey, username, a->w.req.remote_addr, win,
	    a->w.cfg.ratelimit_login, a->now);
	sodium_memzero(ipkey, sizeof ipkey);
	if (go < 0) {
		web_busy(&a->w);
		goto out;
	}
	if (!go) {
		char retry[16];
		snprintf(retry, sizeof retry, "%d", win);
		resp_header(&a->w.resp, "Retry-After", retry);
		log_event("lock-out", "sign-in refused: too many attempts for the account or from the address");
		login_form(a, 429, _("Too many attempts. Wait a few minutes, then try again."), username);
		goto out;
	}
	enum hm_rc rc = user_find(a->db, username, &uid, &hash);
	if (rc != HM_OK && rc != HM_NOTFOUND) {
		web_fail(&a->w, rc);
		goto out;
	}
	if (rc == HM_NOTFOUND)
		pw_burn(password);
	if (rc == HM_NOTFOUND || pw_verify(hash, password) != 0) {
		/* Only a user that exists is named: what was typed as an unknown
		 * name may be a password typed in the wrong box. */
		if (rc == HM_NOTFOUND)
			log_event("sign-in failed", "unknown user");
		else
			log_event("sign-in failed", "user %s: wrong password", username);
		login_form(a, 200, _("That username and password do not match."), username);
		goto out;
	}
	signin_succeeded(&si);
	if (pw_needs_rehash(hash)) {
		char fresh[PW_HASH_MAX];
		if (pw_hash(password, fresh) == 0)
			(void)user_set_pwhash(a->db, uid, fresh);
	}
	/* A new token at every sign-in: a planted session never survives it. */
	(void)session_delete(a->db, a->w.req.session_cookie);
	if ((rc = session_create(a->db, uid, a->now, token)) != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	log_event("sign-in", "user %s", username);
	staff_cookie(a, REQ_COOKIE_NAME, token, a->w.cfg.session_absolute);
	staff_cookie(a, STAFF_LOGIN_COOKIE, "", 0);
	web_redirect(&a->w, "/admin/jobs");
out:
	free(hash);
	db_close(rl);
}

void do_logout(struct staff *a)
{
	enum hm_rc rc = session_delete(a->db, a->user.token);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	staff_cookie(a, REQ_COOKIE_NAME, "", 0);
	web_redirect(&a->w, "/admin/login");
}
