/* admin.cgi: /admin/..., every staff page. The table below is the only
 * place that decides method, sign-in and CSRF for a path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "messages.h"
#include "ratelimit.h"

/* The parameters of the workflow form's stage row n: declared names cannot
 * repeat, so each row's fields carry its number. */
#define STAGE_ROW(n) \
	[A_STAGE_ROW(n) + SR_ID] = {"stage_" #n "_id", v_int, 20, 0, 1, INT64_MAX}, \
	[A_STAGE_ROW(n) + SR_LABEL] = {"stage_" #n "_label", v_string, STAGE_LABEL_MAX, 0, 0, 0}, \
	[A_STAGE_ROW(n) + SR_DESCRIPTION] = {"stage_" #n "_description", v_text, STAGE_TEXT_MAX, \
	    PARAM_MULTILINE, 0, 0}, \
	[A_STAGE_ROW(n) + SR_NEXT_STEP] = {"stage_" #n "_next_step", v_text, STAGE_TEXT_MAX, \
	    PARAM_MULTILINE, 0, 0}, \
	[A_STAGE_ROW(n) + SR_READY] = {"stage_" #n "_ready", v_bool, 5, 0, 0, 0}, \
	[A_STAGE_ROW(n) + SR_FINAL] = {"stage_" #n "_final", v_bool, 5, 0, 0, 0}, \
	[A_STAGE_ROW(n) + SR_CANCELLED] = {"stage_" #n "_cancelled", v_bool, 5, 0, 0, 0}, \
	[A_STAGE_ROW(n) + SR_DECISION] = {"stage_" #n "_decision", v_bool, 5, 0, 0, 0}, \
	[A_STAGE_ROW(n) + SR_REMOVE] = {"stage_" #n "_remove", v_bool, 5, 0, 0, 0}
_Static_assert(WORKFLOW_MAX_STAGES == 24, "admin_params lists STAGE_ROW(1) to STAGE_ROW(24)");

const struct param admin_params[A_NPARAMS] = {
	[A_CSRF] = {"csrf", v_token, 64, 0, 0, 0},
	[A_USERNAME] = {"username", v_string, 64, 0, 0, 0},
	[A_PASSWORD] = {"password", v_string, PW_MAX_LEN, 0, 0, 0},
	[A_CURRENT_PASSWORD] = {"current_password", v_string, PW_MAX_LEN, 0, 0, 0},
	[A_NEW_PASSWORD] = {"new_password", v_string, PW_MAX_LEN, 0, 0, 0},
	[A_NEW_PASSWORD2] = {"new_password2", v_string, PW_MAX_LEN, 0, 0, 0},
	[A_CUSTOMER_NAME] = {"customer_name", v_string, 120, 0, 0, 0},
	[A_CUSTOMER_PHONE] = {"customer_phone", v_phone, 40, 0, 0, 0},
	[A_CUSTOMER_EMAIL] = {"customer_email", v_email, 200, 0, 0, 0},
	[A_ITEM_TYPE] = {"item_type", v_string, 80, 0, 0, 0},
	[A_ITEM_DESCRIPTION] = {"item_description", v_text, 2000, PARAM_MULTILINE, 0, 0},
	[A_PROBLEM] = {"problem", v_text, 2000, PARAM_MULTILINE, 0, 0},
	[A_DUE_DATE] = {"due_date", v_date, 10, 0, 0, 0},
	[A_INTERNAL_NOTES] = {"internal_notes", v_text, 4000, PARAM_MULTILINE, 0, 0},
	[A_QUOTED] = {"quoted", v_money, 20, 0, 0, 0},
	[A_DEPOSIT] = {"deposit", v_money, 20, 0, 0, 0},
	[A_WORKFLOW] = {"workflow", v_int, 20, 0, 1, INT64_MAX},
	[A_STAGE] = {"stage", v_int, 20, 0, 1, INT64_MAX},
	[A_NOTE] = {"note", v_text, 2000, PARAM_MULTILINE, 0, 0},
	[A_NOTE_PUBLIC] = {"note_public", v_bool, 5, 0, 0, 0},
	[A_Q] = {"q", v_string, 100, 0, 0, 0},
	[A_PAGE] = {"page", v_int, 6, 0, 1, 100000},
	[A_SHOW] = {"show", v_word, 20, 0, 0, 0},
	[A_FILTER] = {"filter", v_word, 40, 0, 0, 0},
	[A_NAME] = {"name", v_string, 120, 0, 0, 0},
	[A_PHONE] = {"phone", v_phone, 40, 0, 0, 0},
	[A_EMAIL] = {"email", v_email, 200, 0, 0, 0},
	[A_ADDRESS] = {"address", v_text, 400, PARAM_MULTILINE, 0, 0},
	[A_WHATSAPP] = {"whatsapp", v_phone, 40, 0, 0, 0},
	[A_TIMEZONE] = {"timezone", v_tzname, 64, 0, 0, 0},
	[A_COUNTRY] = {"country", v_string, 80, 0, 0, 0},
	[A_ABN] = {"abn", v_string, 40, 0, 0, 0},
	[A_PF + PF_TITLE] = {"title", v_string, 200, 0, 0, 0},
	[A_PF + PF_JEWELLERY_TYPE] = {"jewellery_type", v_string, 60, 0, 0, 0},
	[A_PF + PF_DESCRIPTION] = {"description", v_text, 4000, PARAM_MULTILINE, 0, 0},
	[A_PF + PF_METAL_TYPE] = {"metal_type", v_string, 80, 0, 0, 0},
	[A_PF + PF_METAL_COLOUR] = {"metal_colour", v_string, 80, 0, 0, 0},
	[A_PF + PF_METAL_PURITY] = {"metal_purity", v_string, 80, 0, 0, 0},
	[A_PF + PF_METAL_WEIGHT] = {"metal_weight", v_string, 80, 0, 0, 0},
	[A_PF + PF_STONE_TYPE] = {"stone_type", v_string, 80, 0, 0, 0},
	[A_PF + PF_STONE_SHAPE] = {"stone_shape", v_string, 80, 0, 0, 0},
	[A_PF + PF_STONE_CARAT] = {"stone_carat", v_string, 80, 0, 0, 0},
	[A_PF + PF_STONE_COLOUR] = {"stone_colour", v_string, 80, 0, 0, 0},
	[A_PF + PF_STONE_CLARITY] = {"stone_clarity", v_string, 80, 0, 0, 0},
	[A_PF + PF_STONE_ORIGIN] = {"stone_origin", v_string, 80, 0, 0, 0},
	[A_PF + PF_STONE_CERTIFICATE] = {"stone_certificate", v_string, 80, 0, 0, 0},
	[A_PF + PF_RING_SIZE] = {"ring_size", v_string, 40, 0, 0, 0},
	[A_PF + PF_RING_SETTING] = {"ring_setting", v_string, 80, 0, 0, 0},
	[A_PF + PF_MAKER] = {"maker", v_string, 120, 0, 0, 0},
	[A_PF + PF_MADE_IN] = {"made_in", v_string, 80, 0, 0, 0},
	[A_PF + PF_YEAR_MADE] = {"year_made", v_string, 20, 0, 0, 0},
	[A_PF + PF_OWNER_NAME] = {"owner_name", v_string, 120, 0, 0, 0},
	[A_PF + PF_OWNER_EMAIL] = {"owner_email", v_email, 200, 0, 0, 0},
	[A_PF + PF_OWNER_PURCHASE_DATE] = {"owner_purchase_date", v_date, 10, 0, 0, 0},
	[A_OWNER_PRICE] = {"owner_price", v_money, 20, 0, 0, 0},
	[A_OWNER_PUBLIC] = {"owner_public", v_bool, 5, 0, 0, 0},
	[A_IS_PUBLIC] = {"is_public", v_bool, 5, 0, 0, 0},
	[A_KIND] = {"kind", v_word, 20, 0, 0, 0},
	[A_EVENT_DATE] = {"event_date", v_date, 10, 0, 0, 0},
	[A_TEXT] = {"text", v_text, 2000, PARAM_MULTILINE, 0, 0},
	[A_SIZE] = {"size", v_word, 1, 0, 0, 0},
	[A_BODY] = {"body", v_text, 16000, PARAM_MULTILINE, 0, 0},
	[A_DESIGN_BRIEF] = {"design_brief", v_text, 4000, PARAM_MULTILINE, 0, 0},
	[A_BUDGET] = {"budget", v_money, 20, 0, 0, 0},
	[A_INVOICE_URL] = {"invoice_url", v_url, 500, 0, 0, 0},
	[A_ACCENT] = {"accent", v_string, 7, 0, 0, 0},
	[A_THEME] = {"theme", v_word, 8, 0, 0, 0},
	[A_REVIEW_URL] = {"review_url", v_url, 500, 0, 0, 0},
	[A_POWERED_BY] = {"powered_by", v_bool, 5, 0, 0, 0},
	[A_RETENTION_DAYS] = {"retention_days", v_int, 4, 0, 1, 3650},
	[A_CONFIRM_NAME] = {"confirm_name", v_string, 120, 0, 0, 0},
	[A_ACCENT_ON] = {"accent_on", v_bool, 5, 0, 0, 0},
	[A_ATTACHMENT] = {"attachment", v_int, 20, 0, 1, INT64_MAX},
	[A_ROLE] = {"role", v_word, 16, 0, 0, 0},
	[A_PREFIX] = {"prefix", v_string, 16, 0, 0, 0},
	STAGE_ROW(1), STAGE_ROW(2), STAGE_ROW(3), STAGE_ROW(4), STAGE_ROW(5), STAGE_ROW(6),
	STAGE_ROW(7), STAGE_ROW(8), STAGE_ROW(9), STAGE_ROW(10), STAGE_ROW(11), STAGE_ROW(12),
	STAGE_ROW(13), STAGE_ROW(14), STAGE_ROW(15), STAGE_ROW(16), STAGE_ROW(17), STAGE_ROW(18),
	STAGE_ROW(19), STAGE_ROW(20), STAGE_ROW(21), STAGE_ROW(22), STAGE_ROW(23), STAGE_ROW(24),
};

enum access { OPEN, SIGNED_IN };

static const struct route {
	enum method method;
	const char *pattern;	/* '#' stands for one path segment of digits */
	enum access access;
	void (*fn)(struct admin *);
} routes[] = {
	{METHOD_GET, "/login", OPEN, page_login},
	{METHOD_POST, "/login", OPEN, do_login},
	{METHOD_POST, "/logout", SIGNED_IN, do_logout},
	{METHOD_GET, "/password", SIGNED_IN, page_password},
	{METHOD_POST, "/password", SIGNED_IN, do_password},
	{METHOD_GET, "/jobs", SIGNED_IN, page_jobs},
	{METHOD_GET, "/jobs/new", SIGNED_IN, page_job_new},
	{METHOD_POST, "/jobs/new", SIGNED_IN, do_job_new},
	{METHOD_GET, "/jobs/#", SIGNED_IN, page_job},
	{METHOD_GET, "/jobs/#/edit", SIGNED_IN, page_job_edit},
	{METHOD_POST, "/jobs/#/edit", SIGNED_IN, do_job_edit},
	{METHOD_POST, "/jobs/#/stage", SIGNED_IN, do_job_stage},
	{METHOD_POST, "/jobs/#/revoke", SIGNED_IN, do_job_revoke},
	{METHOD_POST, "/jobs/#/unrevoke", SIGNED_IN, do_job_unrevoke},
	{METHOD_POST, "/jobs/#/delete", SIGNED_IN, do_job_delete},
	{METHOD_POST, "/jobs/#/undelete", SIGNED_IN, do_job_undelete},
	{METHOD_POST, "/jobs/#/rotate", SIGNED_IN, do_job_rotate},
	{METHOD_POST, "/jobs/#/message", SIGNED_IN, do_job_message},
	{METHOD_GET, "/messages", SIGNED_IN, page_messages},
	{METHOD_POST, "/jobs/#/photo", SIGNED_IN, do_job_photo},
	{METHOD_GET, "/passports", SIGNED_IN, page_passports},
	{METHOD_GET, "/passports/new", SIGNED_IN, page_passport_new},
	{METHOD_POST, "/passports/new", SIGNED_IN, do_passport_new},
	{METHOD_GET, "/passports/#", SIGNED_IN, page_passport},
	{METHOD_GET, "/passports/#/edit", SIGNED_IN, page_passport_edit},
	{METHOD_POST, "/passports/#/edit", SIGNED_IN, do_passport_edit},
	{METHOD_POST, "/passports/#/event", SIGNED_IN, do_passport_event},
	{METHOD_POST, "/passports/#/transfer", SIGNED_IN, do_passport_transfer},
	{METHOD_POST, "/passports/#/lost", SIGNED_IN, do_passport_lost},
	{METHOD_POST, "/passports/#/found", SIGNED_IN, do_passport_found},
	{METHOD_POST, "/passports/#/public", SIGNED_IN, do_passport_public},
	{METHOD_POST, "/passports/#/private", SIGNED_IN, do_passport_private},
	{METHOD_POST, "/passports/#/delete", SIGNED_IN, do_passport_delete},
	{METHOD_POST, "/passports/#/undelete", SIGNED_IN, do_passport_undelete},
	{METHOD_GET, "/photo/#", SIGNED_IN, page_photo},
	{METHOD_GET, "/settings", SIGNED_IN, page_settings},
	{METHOD_POST, "/settings", SIGNED_IN, do_settings},
	{METHOD_GET, "/danger", SIGNED_IN, page_danger},
	{METHOD_POST, "/danger", SIGNED_IN, do_danger},
	{METHOD_GET, "/workflows", SIGNED_IN, page_workflows},
	{METHOD_GET, "/workflows/new", SIGNED_IN, page_workflow_new},
	{METHOD_POST, "/workflows/new", SIGNED_IN, do_workflow_new},
	{METHOD_GET, "/workflows/#", SIGNED_IN, page_workflow},
	{METHOD_POST, "/workflows/#", SIGNED_IN, do_workflow},
};

struct tctx *admin_ctx(struct admin *a, const char *title, const char *nav)
{
	struct tctx *c = tctx_new();
	tctx_set(c, "title", title);
	if (nav) {
		char key[32];
		snprintf(key, sizeof key, "nav_%s", nav);
		tctx_set_bool(c, key, 1);
	}
	if (a->user.user_id) {
		struct shop s;
		if (shop_get(a->db, a->user.shop_id, &s) == HM_OK) {
			tctx_set(c, "shop_name", *s.name ? s.name : "Your shop");
			shop_free(&s);
		}
		tctx_set(c, "staff_name", *a->user.display_name ? a->user.display_name : a->user.username);
		int unread = msg_unread_total(a->db, a->user.shop_id);
		if (unread)
			tctx_set_int(c, "unread_total", unread);
		tctx_set_bool(c, "signed_in", 1);
	}
	tctx_set(c, "csrf", a->csrf);
	return c;
}

void admin_cookie(struct admin *a, const char *name, const char *value, int max_age)
{
	int secure = a->w.cfg.cookie_secure < 0 ? a->w.req.https : a->w.cfg.cookie_secure;
	char *v = xasprintf("%s=%s; Path=/admin; HttpOnly; SameSite=Lax; Max-Age=%d%s",
	    name, value, max_age, secure ? "; Secure" : "");
	resp_header(&a->w.resp, "Set-Cookie", v);
	free(v);
}

const char *admin_signer(const struct admin *a)
{
	return *a->user.display_name ? a->user.display_name : a->user.username;
}

void admin_paging(struct tctx *c, size_t total, int64_t page, size_t per_page)
{
	size_t pages = (total + per_page - 1) / per_page;
	tctx_set_int(c, "total", (long long)total);
	tctx_set_int(c, "page", page);
	tctx_set_int(c, "pages", (long long)(pages ? pages : 1));
	if (page > 1)
		tctx_set_int(c, "prev_page", page - 1);
	if ((size_t)page < pages)
		tctx_set_int(c, "next_page", page + 1);
}

void admin_redirect_to(struct admin *a, const char *what, int64_t id)
{
	char path[64];
	snprintf(path, sizeof path, "/admin/%s/%lld", what, (long long)id);
	web_redirect(&a->w, path);
}

void admin_rl_key(struct admin *a, const char *what, unsigned char out[16])
{
	unsigned char k[KEY_BYTES];
	key_derive(a->w.master, KEY_IP_HASH, k);
	ip_hash(k, what, out);
}

void admin_csrf_for(struct admin *a, const char *basis)
{
	unsigned char k[KEY_BYTES];
	key_derive(a->w.master, KEY_CSRF, k);
	csrf_make(k, basis, a->csrf);
}

/* The token the CSRF MAC is bound to: the session, or before sign-in the
 * short-lived login cookie (so a login form cannot be forged either). */
static const char *csrf_basis(struct admin *a)
{
	if (a->user.user_id)
		return a->user.token;
	static char login_cookie[TOKEN_STR + 1];
	char *hdr = getenv("HTTP_COOKIE");
	char *v = hdr ? req_cookie(hdr, LOGIN_COOKIE) : NULL;
	if (!v || strlen(v) != TOKEN_STR - 1) {
		free(v);
		return NULL;
	}
	snprintf(login_cookie, sizeof login_cookie, "%s", v);
	free(v);
	return login_cookie;
}

static void dispatch(struct admin *a)
{
	const struct route *r = NULL;
	const char *path = a->w.req.path_info;
	enum method m = a->w.req.method == METHOD_HEAD ? METHOD_GET : a->w.req.method;
	int path_known = 0;

	if (!*path || !strcmp(path, "/")) {
		web_redirect(&a->w, "/admin/jobs");
		return;
	}
	for (size_t i = 0; i < HM_NELEM(routes); i++) {
		if (!path_match(routes[i].pattern, path, &a->id))
			continue;
		path_known = 1;
		if (routes[i].method == m) {
			r = &routes[i];
			break;
		}
	}
	if (!r) {
		if (path_known) {
			resp_header(&a->w.resp, "Allow", m == METHOD_POST ? "GET, HEAD" : "POST");
			web_error(&a->w, 405, "Not allowed", "That page cannot be used that way.");
		} else {
			web_error(&a->w, 404, "Not found", "There is no such page.");
		}
		return;
	}
	enum hm_rc rc = session_lookup(a->db, a->w.req.session_cookie, a->now,
	    a->w.cfg.session_idle, a->w.cfg.session_absolute, &a->user);
	if (rc != HM_OK && rc != HM_NOTFOUND) {
		web_fail(&a->w, rc);
		return;
	}
	if (r->access == SIGNED_IN && !a->user.user_id) {
		if (m == METHOD_POST)
			web_error(&a->w, 403, "Please sign in again",
			    "Your session has ended, so nothing was saved. Sign in and try again.");
		else
			web_redirect(&a->w, "/admin/login");
		return;
	}
	const char *basis = csrf_basis(a);
	if (basis)
		admin_csrf_for(a, basis);
	if (m == METHOD_POST) {
		unsigned char k[KEY_BYTES];
		key_derive(a->w.master, KEY_CSRF, k);
		if (!web_same_origin(&a->w) || !basis ||
		    !csrf_check(k, basis, req_val(&a->w.req, A_CSRF))) {
			log_err("refused a POST without a valid CSRF token or from another origin");
			web_error(&a->w, 403, "That form has expired",
			    "Nothing was saved. Go back, reload the page and try again.");
			return;
		}
	}
	r->fn(a);
}

int main(void)
{
	struct admin a;
	memset(&a, 0, sizeof a);
	if (web_init(&a.w, "admin", admin_params, A_NPARAMS) != 0)
		goto out;
	a.now = hm_now();
	a.w.error_template = "admin_error";
	if (web_master(&a.w) != 0 || !(a.db = db_open(a.w.cfg.database, 0))) {
		web_error(&a.w, 500, "Something went wrong", "The shop's database is not available.");
		goto out;
	}
	dispatch(&a);
out:
	session_user_free(&a.user);
	db_close(a.db);
	web_free(&a.w);
	return 0;
}
