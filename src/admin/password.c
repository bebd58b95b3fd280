/* Change one's own password. Other sessions of the user end with it. */
#include <stdlib.h>
#include <string.h>

#include "admin.h"

static void password_form(struct admin *a, int status, const char *error, const char *done)
{
	struct tctx *c = admin_ctx(a, "Change password", "password");
	tctx_set(c, "error", error);
	tctx_set(c, "done", done);
	tctx_set_int(c, "min_len", PW_MIN_LEN);
	web_page(&a->w, status, "admin_password", c);
	tctx_free(c);
}

void page_password(struct admin *a)
{
	password_form(a, 200, NULL, NULL);
}

void do_password(struct admin *a)
{
	const char *cur = req_val(&a->w.req, A_CURRENT_PASSWORD);
	const char *n1 = req_val(&a->w.req, A_NEW_PASSWORD);
	const char *n2 = req_val(&a->w.req, A_NEW_PASSWORD2);
	char *hash = NULL;
	char fresh[PW_HASH_MAX];
	enum hm_rc rc;

	if (!cur || !n1 || !n2) {
		password_form(a, 422, "Fill in all three fields.", NULL);
		goto out;
	}
	if (strlen(n1) < PW_MIN_LEN) {
		password_form(a, 422, "The new password is too short.", NULL);
		goto out;
	}
	if (strcmp(n1, n2)) {
		password_form(a, 422, "The two new passwords differ.", NULL);
		goto out;
	}
	if ((rc = user_pwhash(a->db, a->user.user_id, &hash)) != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	if (pw_verify(hash, cur) != 0) {
		password_form(a, 422, "Your current password is not right.", NULL);
		goto out;
	}
	if (pw_hash(n1, fresh) != 0) {
		web_fail(&a->w, HM_ERR);
		goto out;
	}
	if ((rc = user_set_pwhash(a->db, a->user.user_id, fresh)) != HM_OK ||
	    (rc = session_delete_user(a->db, a->user.user_id, a->user.token)) != HM_OK) {
		web_fail(&a->w, rc);
		goto out;
	}
	password_form(a, 200, NULL, "Your password was changed. Other sign-ins were ended.");
out:
	free(hash);
}
