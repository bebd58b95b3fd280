/* admin.cgi: /admin/..., every staff page. The route table (admin/routes.h)
 * is the only place that decides a path's method and who may use it; the
 * library's staff gate enforces it. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "messages.h"
#include "notify.h"
#include "routes.h"

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
	[A_STAGE_ROW(n) + SR_NOTIFY] = {"stage_" #n "_notify", v_bool, 5, 0, 0, 0}, \
	[A_STAGE_ROW(n) + SR_REMOVE] = {"stage_" #n "_remove", v_bool, 5, 0, 0, 0}, \
	[A_STAGE_ROW(n) + SR_POSITION] = {"stage_" #n "_position", v_int, 2, 0, 1, WORKFLOW_MAX_STAGES}
_Static_assert(WORKFLOW_MAX_STAGES == 24, "admin_params lists STAGE_ROW(1) to STAGE_ROW(24)");

static const char *const themes[] = {"auto", "light", "dark", NULL};
static const char *const job_photo_roles[] = {"photo", "proof", NULL};
static const char *const event_kinds[] = {"serviced", "valued", "resized", "repaired", "note", NULL};
static const char *const shows[] = {"deleted", "sent", "rotated", "booked", "queued",
    "not_queued", "saved", "reset", "unchanged", "moved", "no_proof", NULL};
static const char *const sizes[] = {"t", "d", NULL};
static const char *const slip_sizes[] = {"80mm", "a5", "a4", NULL};
static const char *const channels[] = {"email", "sms", "whatsapp", "none", NULL};
static const char *const business_labels[] = {"business", "abn", "vat", "company", NULL};
static const char *const sorts[] = {"booked", "due", "number", "customer", NULL};
static const char *const user_roles[] = {"staff", "owner", NULL};
static const char *const audit_objects[] = {"job", "passport", "workflow", "shop", "user", NULL};
static const char *const message_kinds[] = {"booked_in", "stage", "ready", "design_review",
    "staff_reply", "passport", NULL};

/* Lengths are in characters, as the forms' maxlength counts them. */
const struct param admin_params[A_NPARAMS] = {
	[A_CSRF] = {"csrf", v_token, 64, 0, 0, 0},
	[A_USERNAME] = {"username", v_string, 64, 0, 0, 0},
	[A_PASSWORD] = {"password", v_secret, PW_MAX_LEN, PARAM_SECRET, 0, 0},
	[A_CURRENT_PASSWORD] = {"current_password", v_secret, PW_MAX_LEN, PARAM_SECRET, 0, 0},
	[A_NEW_PASSWORD] = {"new_password", v_secret, PW_MAX_LEN, PARAM_SECRET, 0, 0},
	[A_NEW_PASSWORD2] = {"new_password2", v_secret, PW_MAX_LEN, PARAM_SECRET, 0, 0},
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
	[A_SHOW] = {"show", v_choice, 20, 0, 0, 0, shows},
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
	[A_KIND] = {"kind", v_choice, 20, 0, 0, 0, event_kinds},
	[A_EVENT_DATE] = {"event_date", v_date, 10, 0, 0, 0},
	[A_TEXT] = {"text", v_text, 2000, PARAM_MULTILINE, 0, 0},
	[A_SIZE] = {"size", v_choice, 1, 0, 0, 0, sizes},
	[A_BODY] = {"body", v_text, MSG_MAX_CHARS, PARAM_MULTILINE, 0, 0},
	[A_DESIGN_BRIEF] = {"design_brief", v_text, 4000, PARAM_MULTILINE, 0, 0},
	[A_BUDGET] = {"budget", v_money, 20, 0, 0, 0},
	[A_INVOICE_URL] = {"invoice_url", v_url, 500, 0, 0, 0},
	[A_ACCENT] = {"accent", v_colour, 7, 0, 0, 0},
	[A_THEME] = {"theme", v_choice, 8, 0, 0, 0, themes},
	[A_REVIEW_URL] = {"review_url", v_url, 500, 0, 0, 0},
	[A_POWERED_BY] = {"powered_by", v_bool, 5, 0, 0, 0},
	[A_RETENTION_DAYS] = {"retention_days", v_int, 4, 0, 1, 3650},
	[A_CONFIRM_NAME] = {"confirm_name", v_string, 120, 0, 0, 0},
	[A_ACCENT_ON] = {"accent_on", v_bool, 5, 0, 0, 0},
	[A_ATTACHMENT] = {"attachment", v_int, 20, 0, 1, INT64_MAX},
	[A_ROLE] = {"role", v_choice, 16, 0, 0, 0, job_photo_roles},
	[A_PREFIX] = {"prefix", v_string, 3, 0, 0, 0},
	[A_FK] = {FORM_KEY_PARAM, v_token, 64, 0, 0, 0},
	[A_TRACKING_ON] = {"tracking_on", v_bool, 5, 0, 0, 0},
	[A_PHONE_COUNTRY] = {"phone_country", v_country, 2, 0, 0, 0},
	[A_SLIP_SIZE] = {"slip_size", v_choice, 4, 0, 0, 0, slip_sizes},
	[A_SLIP_TERMS] = {"slip_terms", v_text, 1000, PARAM_MULTILINE, 0, 0},
	/* A few lines ("Tue-Fri 10:00-17:30"), shown on the customer's page. */
	[A_OPENING_HOURS] = {"opening_hours", v_text, 300, PARAM_MULTILINE, 0, 0},
	[A_NOTIFY_EMAIL] = {"notify_email", v_email, 200, 0, 0, 0},
	[A_NOTIFY_CHANNEL] = {"notify_channel", v_choice, 8, 0, 0, 0, channels},
	[A_SUBJECT] = {"subject", v_string, TEXT_SUBJECT_MAX, 0, 0, 0},
	[A_MESSAGE_KIND] = {"message", v_choice, 16, 0, 0, 0, message_kinds},
	[A_PREVIEW] = {"preview", v_bool, 5, 0, 0, 0},
	[A_LANGUAGE] = {"language", v_choice, 8, 0, 0, 0, hm_lang_codes},
	/* "" (not recorded) or a code: job_form_read checks which. */
	[A_CUSTOMER_LANGUAGE] = {"customer_language", v_string, 8, 0, 0, 0},
	/* "" (none) or three letters: settings.c checks which. */
	[A_CURRENCY] = {"currency", v_string, 3, 0, 0, 0},
	[A_BUSINESS_LABEL] = {"business_label", v_choice, 8, 0, 0, 0, business_labels},
	[A_SORT] = {"sort", v_choice, 8, 0, 0, 0, sorts},
	[A_CONFIRM] = {"confirm", v_bool, 5, 0, 0, 0},
	[A_USER_ROLE] = {"user_role", v_choice, 8, 0, 0, 0, user_roles},
	[A_OBJECT] = {"object", v_choice, 10, 0, 0, 0, audit_objects},
	[A_OBJECT_ID] = {"object_id", v_int, 20, 0, 1, INT64_MAX},
	STAGE_ROW(1), STAGE_ROW(2), STAGE_ROW(3), STAGE_ROW(4), STAGE_ROW(5), STAGE_ROW(6),
	STAGE_ROW(7), STAGE_ROW(8), STAGE_ROW(9), STAGE_ROW(10), STAGE_ROW(11), STAGE_ROW(12),
	STAGE_ROW(13), STAGE_ROW(14), STAGE_ROW(15), STAGE_ROW(16), STAGE_ROW(17), STAGE_ROW(18),
	STAGE_ROW(19), STAGE_ROW(20), STAGE_ROW(21), STAGE_ROW(22), STAGE_ROW(23), STAGE_ROW(24),
};

static const struct route {
	enum method method;
	const char *pattern;	/* '#' stands for one path segment of digits */
	enum staff_access access;
	void (*fn)(struct staff *);
} routes[] = {
#define ROUTE(m, pattern, access, fn) {m, pattern, access, fn},
	ADMIN_ROUTES(ROUTE)
#undef ROUTE
};

struct tctx *admin_ctx(struct staff *a, const char *title, const char *nav)
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
			tctx_set(c, "shop_name", *s.name ? s.name : _("Your shop"));
			tctx_set_bool(c, "tracking_off", s.tracking_off);
			shop_free(&s);
		}
		tctx_set(c, "staff_name", *a->user.display_name ? a->user.display_name : a->user.username);
		int unread = msg_unread_total(a->db, a->user.shop_id);
		if (unread)
			tctx_set_int(c, "unread_total", unread);
		tctx_set_bool(c, "signed_in", 1);
		tctx_set_bool(c, "is_owner", a->user.is_owner);
	}
	tctx_set(c, "csrf", a->csrf);
	tctx_set_bool(c, "admin_js", 1);
	return c;
}

const char *admin_signer(const struct staff *a)
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

void admin_redirect_to(struct staff *a, const char *what, int64_t id)
{
	char path[64];
	snprintf(path, sizeof path, "/admin/%s/%lld", what, (long long)id);
	web_redirect(&a->w, path);
}

int admin_confirm(struct staff *a, const char *what, const char *title, const char *question,
    const char *detail, const char *button, const int *carry, size_t ncarry)
{
	const struct req *r = &a->w.req;
	if (req_int(r, A_CONFIRM, 0) == 1)
		return 0;
	/* Only about a record of the shop's own: another's is not found. */
	enum hm_rc rc;
	if (!strcmp(what, "jobs")) {
		struct job j;
		rc = job_get(a->db, a->user.shop_id, a->id, &j);
		job_free(&j);
	} else {
		struct passport_full pf;
		rc = passport_get(a->db, a->user.shop_id, a->id, &pf);
		passport_full_free(&pf);
	}
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return 1;
	}
	struct tctx *c = admin_ctx(a, title, what);
	char path[96];
	snprintf(path, sizeof path, "/admin%s", r->path_info);
	tctx_set(c, "action", path);
	snprintf(path, sizeof path, "/admin/%s/%lld", what, (long long)a->id);
	tctx_set(c, "cancel", path);
	tctx_set(c, "question", question);
	tctx_set(c, "detail", detail);
	tctx_set(c, "button", button);
	for (size_t i = 0; i < ncarry; i++) {
		if (!req_present(r, (size_t)carry[i]))
			continue;
		struct tctx *it = tctx_add_item(c, "carry");
		tctx_set(it, "name", admin_params[carry[i]].name);
		tctx_set(it, "value", req_shown(r, (size_t)carry[i]));
	}
	web_page(&a->w, 200, "admin_confirm", c);
	tctx_free(c);
	return 1;
}

void admin_redirect_show(struct staff *a, const char *what, int64_t id, const char *show)
{
	char path[96];
	snprintf(path, sizeof path, "/admin/%s/%lld?show=%s", what, (long long)id, show);
	web_redirect(&a->w, path);
}

void admin_after(struct staff *a, enum hm_rc rc, const char *what, int64_t id)
{
	if (rc == HM_OK || rc == HM_DUPLICATE)
		admin_redirect_to(a, what, id);
	else
		web_fail(&a->w, rc);
}

void admin_notify_env(struct staff *a, struct notify_env *e)
{
	if (!a->origin)
		a->origin = web_origin(&a->w);
	notify_env_init(e, &a->w.cfg, *a->origin ? a->origin : NULL, a->w.master, a->now);
}

void admin_languages(struct tctx *c, const char *name, const char *chosen, const char *skip)
{
	for (size_t i = 0; hm_langs[i]; i++) {
		if (skip && !strcmp(skip, hm_langs[i]->code))
			continue;
		struct tctx *it = tctx_add_item(c, name);
		tctx_set(it, "code", hm_langs[i]->code);
		tctx_set(it, "name", lang_name(hm_langs[i]));
		tctx_set_bool(it, "selected", chosen && !strcmp(chosen, hm_langs[i]->code));
	}
}

int admin_link_expired(const struct job *j, const struct shop *s, time_t now)
{
	/* The same rule as JOB_PUBLIC_SQL. */
	return j->closed_at && j->link_issued &&
	    j->closed_at <= (int64_t)now - (int64_t)s->retention_days * 86400;
}

const struct lang *admin_shop_lang(const struct shop *s)
{
	const struct lang *l = lang_find(s->language);
	return l ? l : lang_source();
}

void admin_rl_key(struct staff *a, const char *what, unsigned char out[16])
{
	unsigned char k[KEY_BYTES];
	key_derive(a->w.master, KEY_IP_HASH, k);
	ip_hash(k, what, out);
}

static void dispatch(struct staff *a)
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
			web_error(&a->w, 405, _("Not allowed"), _("That page cannot be used that way."));
		} else {
			web_error(&a->w, 404, _("Not found"), _("There is no such page."));
		}
		return;
	}
	if (staff_gate(a, m, r->access) != 0)
		return;
	r->fn(a);
}

int main(void)
{
	struct staff a;
	if (staff_begin(&a, "admin", admin_params, A_NPARAMS, 0, 0) == 0)
		dispatch(&a);
	staff_end(&a);
	return 0;
}
