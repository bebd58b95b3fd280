/* The one gate of every /admin executable (admin.cgi, upload.cgi,
 * print.cgi): the staff error page for a request that cannot be parsed,
 * the database, the session, and for a POST the same-origin check and the
 * CSRF token, in that order and nowhere else. */
#ifndef HM_STAFF_H
#define HM_STAFF_H

#include "auth.h"
#include "web.h"

/* Who may use a page. */
enum staff_access {
	STAFF_OPEN,		/* anyone (the sign-in page) */
	STAFF_SIGNED_IN,	/* a signed-in staff member */
	STAFF_OWNER,		/* a signed-in owner of the shop: settings, workflows,
				 * message texts, the danger zone, staff accounts */
};

/* The cookie that binds the sign-in form's CSRF token before there is a
 * session, so a sign-in cannot be forged either. */
#define STAFF_LOGIN_COOKIE "hm_login"

struct staff {
	struct web w;
	sqlite3 *db;			/* read-write */
	struct session_user user;	/* signed in when user.user_id != 0 */
	char csrf[TOKEN_STR];		/* for forms on the page being built ("" when none) */
	int64_t id;			/* the number in the path, e.g. /jobs/42 */
	time_t now;
	char *origin;			/* web_origin, once asked for (freed by staff_end) */
};

/* Loads the configuration, parses the request against params (which must
 * declare "csrf") with errors on the staff error page, and opens the
 * database. upload: the body may be max_upload bytes; photo_max is what
 * its 413 page names. 0 to go on; -1 when a response was sent. */
int staff_begin(struct staff *s, const char *prog, const struct param *params, size_t nparams,
    int upload, long photo_max);
/* The gate for a route taking method m (GET for HEAD): the session; for a
 * signed-in page, a GET without one goes to the sign-in page and a POST is
 * refused; for a POST, the origin and the CSRF token; for an owner's page,
 * a staff member gets the staff error page (403). Fills s->user and
 * s->csrf, and names the user as the author of the request's changes
 * (audit_actor). 0 to go on; -1 when a response was sent. */
int staff_gate(struct staff *s, enum method m, enum staff_access access);
/* Binds s->csrf to basis (a session or sign-in cookie token). */
void staff_csrf_for(struct staff *s, const char *basis);
/* Sets a cookie with the installation's attributes: Path=/admin,
 * HttpOnly, SameSite=Lax, Secure when served over HTTPS (cookie_secure). */
void staff_cookie(struct staff *s, const char *name, const char *value, int max_age);
void staff_end(struct staff *s);

#endif
