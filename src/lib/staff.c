#include "staff.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "i18n.h"
#include "model.h"
#include "util.h"

int staff_begin(struct staff *s, const char *prog, const struct param *params, size_t nparams,
    int upload, long photo_max)
{
	memset(s, 0, sizeof *s);
	if (web_init_as(&s->w, prog, params, nparams, upload ? WEB_STAFF_UPLOAD : WEB_STAFF,
	    photo_max) != 0)
		return -1;
	s->now = hm_now();
	if (web_master(&s->w) != 0 || !(s->db = db_open(s->w.cfg.database, 0))) {
		web_error(&s->w, 500, _("Something went wrong"), _("The shop's database is not available."));
		return -1;
	}
	if (schema_check(s->db) != HM_OK) {
		web_busy(&s->w);
		return -1;
	}
	return 0;
}

void staff_csrf_for(struct staff *s, const char *basis)
{
	unsigned char k[KEY_BYTES];
	key_derive(s->w.master, KEY_CSRF, k);
	csrf_make(k, basis, s->csrf);
	sodium_memzero(k, sizeof k);
}

void staff_cookie(struct staff *s, const char *name, const char *value, int max_age)
{
	int secure = s->w.cfg.cookie_secure < 0 ? s->w.req.https : s->w.cfg.cookie_secure;
	char *v = xasprintf("%s=%s; Path=/admin; HttpOnly; SameSite=Lax; Max-Age=%d%s",
	    name, value, max_age, secure ? "; Secure" : "");
	resp_header(&s->w.resp, "Set-Cookie", v);
	free(v);
}

/* What the CSRF token is bound to: the session, or before sign-in the
 * short-lived sign-in cookie. Heap; NULL when there is neither. */
static char *csrf_basis(struct staff *s)
{
	if (s->user.user_id)
		return xstrdup(s->user.token);
	char *v = req_cookie_get(&s->w.req, STAFF_LOGIN_COOKIE);
	if (v && strlen(v) != TOKEN_STR - 1) {
		free(v);
		v = NULL;
	}
	return v;
}

static int csrf_ok(struct staff *s, const char *basis)
{
	unsigned char k[KEY_BYTES];
	const char *given = req_val(&s->w.req, req_param_index(&s->w.req, "csrf"));
	key_derive(s->w.master, KEY_CSRF, k);
	int ok = basis && csrf_check(k, basis, given);
	sodium_memzero(k, sizeof k);
	return ok;
}

int staff_gate(struct staff *s, enum method m, enum staff_access access)
{
	enum hm_rc rc = session_lookup(s->db, s->w.req.session_cookie, s->now,
	    s->w.cfg.session_idle, s->w.cfg.session_absolute, &s->user);
	if (rc != HM_OK && rc != HM_NOTFOUND) {
		web_fail(&s->w, rc);
		return -1;
	}
	if (access == STAFF_SIGNED_IN && !s->user.user_id) {
		if (m == METHOD_POST)
			web_error(&s->w, 403, _("Please sign in again"),
			    _("Your session has ended, so nothing was saved. Sign in and try again."));
		else
			web_redirect(&s->w, "/admin/login");
		return -1;
	}
	char *basis = csrf_basis(s);
	if (basis)
		staff_csrf_for(s, basis);
	int refused = m == METHOD_POST && (!web_same_origin(&s->w) || !csrf_ok(s, basis));
	free(basis);
	if (refused) {
		/* Whatever the form carried must not be written: its key goes. */
		db_form_key(NULL);
		log_err("refused a POST without a valid CSRF token or from another origin");
		web_error(&s->w, 403, _("That form has expired"),
		    _("Nothing was saved. Go back, reload the page and try again."));
		return -1;
	}
	return 0;
}

void staff_end(struct staff *s)
{
	session_user_free(&s->user);
	free(s->origin);
	s->origin = NULL;
	db_close(s->db);
	s->db = NULL;
	web_free(&s->w);
}
