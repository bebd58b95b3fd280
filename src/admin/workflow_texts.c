/* A workflow's wording in another language than the shop's default: each
 * stage's name, what it means and what happens next as customers reading
 * that language see them. A field left empty falls back to the stage's
 * own wording (translated by the catalog while it is the built-in text),
 * shown in its place as the placeholder. Saving writes every row at once
 * (stage_wordings_save); a refused save comes back with what was typed. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "audit.h"

static const size_t text_param[3] = {SR_LABEL, SR_DESCRIPTION, SR_NEXT_STEP};
static const char *const text_key[3] = {"label", "description", "next_step"};

/* The language the page is about: the one asked for, else the first that
 * is not the shop's default; NULL when Hallmark has no other. */
static const struct lang *page_lang(struct staff *a, const struct shop *shop)
{
	const struct lang *l = lang_find(req_val(&a->w.req, A_LANGUAGE));
	if (l)
		return l;
	for (size_t i = 0; hm_langs[i]; i++)
		if (hm_langs[i] != admin_shop_lang(shop))
			return hm_langs[i];
	return NULL;
}

/* The rows as typed, when a refused save comes back (rows[n - 1] is stage
 * row n of the form); NULL for the page as saved. */
struct typed {
	struct stage_wording_input rows[WORKFLOW_MAX_STAGES];
	size_t n;
	struct workflow_refusal why;
	char msg[512];
};

static void texts_page(struct staff *a, int status, const struct workflow *w,
    const struct shop *shop, const struct lang *l, const struct typed *t)
{
	struct stage_wording_list sw = {0};
	char action[64], title[200];
	enum hm_rc rc = stage_wordings(a->db, a->user.shop_id, w->id, l, &sw);
	if (rc != HM_OK) {
		web_fail(&a->w, rc);
		return;
	}
	snprintf(title, sizeof title, _("%1$s: wording in %2$s"), w->name, lang_name(l));
	struct tctx *c = admin_ctx(a, title, "workflows");
	tctx_set_int(c, "id", w->id);
	tctx_set(c, "workflow_name", w->name);
	snprintf(action, sizeof action, "/admin/workflows/%lld/texts", (long long)w->id);
	tctx_set(c, "action", action);
	tctx_set(c, "text_lang", l->code);
	tctx_set(c, "text_lang_name", lang_name(l));
	tctx_set(c, "shop_lang_name", lang_name(admin_shop_lang(shop)));
	admin_languages(c, "languages", l->code, admin_shop_lang(shop)->code);
	tctx_set_int(c, "max_stage_label", (long long)admin_params[A_STAGE_ROW(1) + SR_LABEL].maxlen);
	tctx_set_int(c, "max_stage_description",
	    (long long)admin_params[A_STAGE_ROW(1) + SR_DESCRIPTION].maxlen);
	tctx_set_int(c, "max_stage_next_step",
	    (long long)admin_params[A_STAGE_ROW(1) + SR_NEXT_STEP].maxlen);
	const char *show = req_val(&a->w.req, A_SHOW);
	if (!t && show && !strcmp(show, "saved"))
		tctx_set(c, "done", _("Saved. Customers reading this language see it straight away."));
	if (t && t->why.message) {
		tctx_set(c, "error", t->why.message);
		if (t->why.row)
			tctx_setf(c, "error_where", _("See stage %zu below."), t->why.row);
	}
	for (size_t i = 0; i < sw.n && i < WORKFLOW_MAX_STAGES; i++) {
		const struct stage_wording *s = &sw.v[i];
		struct tctx *it = tctx_add_item(c, "rows");
		/* The form's row i + 1 is stage i: what was typed for it, if
		 * anything came back, else what is saved. */
		const struct stage_wording_input *typed = t && i < t->n && t->rows[i].id == s->stage_id
		    ? &t->rows[i] : NULL;
		tctx_set_int(it, "n", (long long)(i + 1));
		tctx_set_int(it, "stage_id", s->stage_id);
		tctx_set(it, "code", s->code);
		tctx_set(it, "own_label", stage_own_text(lang_current(), STAGE_LABEL, s->own[0]));
		for (int k = 0; k < 3; k++) {
			char key[32];
			tctx_set(it, text_key[k], typed ? typed->text[k] : s->text[k]);
			snprintf(key, sizeof key, "fallback_%s", text_key[k]);
			tctx_set(it, key, s->fallback[k]);
		}
		if (t && t->why.message && t->why.row == i + 1) {
			tctx_set(it, "row_error", t->why.message);
			tctx_set_bool(it, "e_label", t->why.field && !strcmp(t->why.field, "label"));
			tctx_set_bool(it, "e_description", t->why.field &&
			    !strcmp(t->why.field, "description"));
			tctx_set_bool(it, "e_next_step", t->why.field && !strcmp(t->why.field, "next_step"));
		}
	}
	web_page(&a->w, status, "admin_workflow_texts", c);
	tctx_free(c);
	stage_wording_list_free(&sw);
}

/* The workflow and the shop, or the error page. */
static int load(struct staff *a, struct workflow *w, struct shop *shop)
{
	enum hm_rc rc;
	if ((rc = workflow_get(a->db, a->user.shop_id, a->id, w)) != HM_OK ||
	    (rc = shop_get(a->db, a->user.shop_id, shop)) != HM_OK) {
		web_fail(&a->w, rc);
		return -1;
	}
	return 0;
}

void page_workflow_texts(struct staff *a)
{
	struct workflow w = {0};
	struct shop shop = {0};
	if (load(a, &w, &shop) != 0)
		goto out;
	const struct lang *l = page_lang(a, &shop);
	if (!l || l == admin_shop_lang(&shop)) {
		/* The default language's wording is the stages' own. */
		admin_redirect_to(a, "workflows", w.id);
		goto out;
	}
	texts_page(a, 200, &w, &shop, l, NULL);
out:
	workflow_free(&w);
	shop_free(&shop);
}

/* The first problem the request layer found in the rows, as the model
 * would say it. */
static int read_rows(struct staff *a, struct typed *t)
{
	const struct req *r = &a->w.req;
	int rc = 0;
	t->n = 0;
	for (size_t n = 1; n <= WORKFLOW_MAX_STAGES; n++) {
		struct stage_wording_input *row = &t->rows[n - 1];
		memset(row, 0, sizeof *row);
		if (!req_present(r, A_STAGE_ROW(n) + SR_ID))
			continue;
		row->id = req_int(r, A_STAGE_ROW(n) + SR_ID, 0);
		for (int k = 0; k < 3; k++) {
			size_t idx = A_STAGE_ROW(n) + text_param[k];
			row->text[k] = req_shown(r, idx);
			if (req_invalid(r, idx) && !t->why.message) {
				t->why.message = req_message(r, idx, NULL, t->msg, sizeof t->msg);
				t->why.row = n;
				t->why.field = text_key[k];
				rc = -1;
			}
		}
		if (req_invalid(r, A_STAGE_ROW(n) + SR_ID) && !t->why.message) {
			t->why.message = _("This workflow changed since the page was loaded. Reload the "
			    "page and make your changes again.");
			t->why.row = n;
			t->why.field = "stages";
			rc = -1;
		}
		t->n = n;
	}
	return rc;
}

void do_workflow_texts(struct staff *a)
{
	struct workflow w = {0};
	struct shop shop = {0};
	struct typed t;
	if (load(a, &w, &shop) != 0)
		goto out;
	const struct lang *l = lang_find(req_val(&a->w.req, A_LANGUAGE));
	if (!l) {
		web_error(&a->w, 400, _("That form was not understood"),
		    _("Go back, reload the page and try again. Nothing was saved."));
		goto out;
	}
	memset(&t, 0, sizeof t);
	if (read_rows(a, &t) != 0) {
		texts_page(a, 422, &w, &shop, l, &t);
		goto out;
	}
	/* Rows are sent in the page's order; the model finds each by id. */
	struct stage_wording_input rows[WORKFLOW_MAX_STAGES];
	size_t n = 0;
	for (size_t i = 0; i < t.n; i++)
		if (t.rows[i].id)
			rows[n++] = t.rows[i];
	audit_watch(AUDIT_WORKFLOW, a->user.shop_id, w.id, "workflow.texts", 0);
	enum hm_rc rc = stage_wordings_save(a->db, a->user.shop_id, w.id, l, rows, n, &t.why);
	if (rc == HM_CONFLICT && t.why.message) {
		/* The model counts the rows it was given; the page, its own. */
		for (size_t i = 0, k = 0; i < t.n && t.why.row; i++)
			if (t.rows[i].id && ++k == t.why.row) {
				t.why.row = i + 1;
				break;
			}
		texts_page(a, 422, &w, &shop, l, &t);
		goto out;
	}
	if (rc != HM_OK && rc != HM_DUPLICATE) {
		web_fail(&a->w, rc);
		goto out;
	}
	char path[96];
	snprintf(path, sizeof path, "/admin/workflows/%lld/texts?language=%s&show=saved",
	    (long long)w.id, l->code);
	web_redirect(&a->w, path);
out:
	workflow_free(&w);
	shop_free(&shop);
}
