/* Settings → Message texts: the wording of each notification a shop sends,
 * with a preview (live in the page's script; the Preview button without
 * it) and the SMS segment count. A text that uses an unknown variable, a
 * brace that does not close, or lacks the link its message exists to send
 * is refused, with what was typed kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "audit.h"
#include "json.h"
#include "notify.h"

static const char *const titles[NK_TEXTS] = {
	[NK_BOOKED_IN] = N_("Booked in: sends the tracking link"),
	[NK_STAGE] = N_("Stage changed (for stages set to notify the customer)"),
	[NK_READY] = N_("Ready for pickup"),
	[NK_DESIGN_REVIEW] = N_("Design ready to review"),
	[NK_STAFF_REPLY] = N_("The workshop replied"),
	[NK_PASSPORT] = N_("Passport issued (email)"),
};

/* The values a preview shows for each variable, in the current language:
 * the one of the texts shown, as a customer reading them would get them. */
static void sample_vars(struct staff *a, const struct shop *s, struct text_vars *v,
    char *track, size_t tn, char *verify, size_t vn, char *due, size_t dn)
{
	if (!a->origin)
		a->origin = web_origin(&a->w);
	snprintf(track, tn, "%s/track/RPR-7K3M-9QXD-2HJF-T8WA", a->origin);
	snprintf(verify, vn, "%s/verify/2f1c9a4e-6b7d-4c3e-9a1b-5d8e7f6a0b2c", a->origin);
	memset(v, 0, sizeof *v);
	v->v[TV_TRACKING_URL] = track;
	v->v[TV_TRACKING_ID] = "RPR-7K3M-9QXD-2HJF-T8WA";
	v->v[TV_JOB_NUMBER] = "1042";
	v->v[TV_CUSTOMER_NAME] = "Ada Lovelace";
	/* TRANSLATORS: a sample shop name, in a message text's preview. */
	v->v[TV_SHOP_NAME] = *s->name ? s->name : _("Your jeweller");
	/* TRANSLATORS: a sample item, in a message text's preview. */
	v->v[TV_ITEM] = _("Ring");
	v->v[TV_STAGE] = C_("stage", "Ready for pickup");
	fmt_date("2026-12-12", DATE_SHORT, due, dn);
	v->v[TV_DUE_DATE] = due;
	v->v[TV_PASSPORT_URL] = verify;
}

/* The page, with kind `only` as sent (its error, what was typed, and its
 * preview when asked for); every other kind as saved. */
static void texts_page(struct staff *a, int status, enum notify_kind only, const char *error,
    const char *done, int preview)
{
	const struct req *r = &a->w.req;
	struct shop shop = {0};
	struct text_vars v;
	char track[300], verify[300], due[64];
	struct tctx *c = admin_ctx(a, _("Message texts"), "settings");
	tctx_set(c, "done", only == NK_COUNT ? done : NULL);
	if (shop_get(a->db, a->user.shop_id, &shop) != HM_OK) {
		web_fail(&a->w, HM_ERR);
		goto out;
	}
	/* The texts in one language at a time: the shop's default unless
	 * staff picked another. */
	const struct lang *l = lang_find(req_val(r, A_LANGUAGE));
	if (!l)
		l = lang_find(shop.language);
	if (!l)
		l = lang_source();
	tctx_set(c, "text_lang", l->code);
	tctx_set(c, "text_lang_name", lang_name(l));
	tctx_set_bool(c, "default_lang", !strcmp(l->code, shop.language));
	tctx_set(c, "shop_lang_name", lang_name(lang_find(shop.language) ? lang_find(shop.language)
	    : lang_source()));
	for (size_t i = 0; hm_langs[i]; i++) {
		struct tctx *it = tctx_add_item(c, "languages");
		tctx_set(it, "code", hm_langs[i]->code);
		tctx_set(it, "name", lang_name(hm_langs[i]));
		tctx_set_bool(it, "selected", hm_langs[i] == l);
	}
	const struct lang *staff_lang = lang_use(l);
	sample_vars(a, &shop, &v, track, sizeof track, verify, sizeof verify, due, sizeof due);
	lang_use(staff_lang);
	struct buf sample = {0};
	buf_putc(&sample, '{');
	for (int i = 0; i < TV_COUNT; i++) {
		buf_printf(&sample, "%s\"%s\":", i ? "," : "", text_var_name[i]);
		json_str(&sample, v.v[i] ? v.v[i] : "");
	}
	buf_putc(&sample, '}');
	tctx_set(c, "sample", sample.data);
	buf_free(&sample);
	for (int k = 0; k < NK_TEXTS; k++) {
		struct message_text t = {0};
		struct tctx *it = tctx_add_item(c, "texts");
		const char *subject, *body;
		if (text_get(a->db, a->user.shop_id, (enum notify_kind)k, l, shop.language, &t) != HM_OK)
			continue;
		subject = t.subject;
		body = t.body;
		if ((enum notify_kind)k == only) {
			subject = req_shown(r, A_SUBJECT) ? req_shown(r, A_SUBJECT) : "";
			body = req_shown(r, A_BODY) ? req_shown(r, A_BODY) : "";
			tctx_set(it, "error", error);
			tctx_set(it, "done", done);
		}
		tctx_set(it, "kind", notify_kind_name[k]);
		tctx_set(it, "title", _(titles[k]));
		tctx_set(it, "subject", subject);
		tctx_set(it, "body", body);
		tctx_set_bool(it, "custom", t.custom);
		tctx_set_bool(it, "from_default", t.from_default);
		tctx_set_bool(it, "sms", k != NK_PASSPORT);
		struct buf vars = {0};
		for (int i = 0; i < TV_COUNT; i++)
			if (text_var_allowed((enum notify_kind)k, (enum text_var)i))
				buf_printf(&vars, "%s{%s}", vars.len ? " " : "", text_var_name[i]);
		tctx_set(it, "vars", vars.data);
		buf_free(&vars);
		if ((enum notify_kind)k == only && preview && !error) {
			struct buf ps = {0}, pb = {0};
			int ucs2 = 0;
			text_render(subject, &v, &ps);
			text_render(body, &v, &pb);
			tctx_set(it, "preview_subject", ps.data);
			tctx_set(it, "preview_body", pb.data);
			int n = sms_segments(pb.data, &ucs2);
			if (ucs2)
				tctx_setf(it, "preview_sms", P_("As a text message: %d part (some characters "
				    "need Unicode: 70 characters a part).", "As a text message: %d parts (some "
				    "characters need Unicode: 70 characters a part).", (unsigned long)n), n);
			else
				tctx_setf(it, "preview_sms", P_("As a text message: %d part.",
				    "As a text message: %d parts.", (unsigned long)n), n);
			buf_free(&ps);
			buf_free(&pb);
		}
		message_text_free(&t);
	}
	web_page(&a->w, status, "admin_message_texts", c);
out:
	shop_free(&shop);
	tctx_free(c);
}

void page_message_texts(struct staff *a)
{
	const char *show = req_val(&a->w.req, A_SHOW);
	texts_page(a, 200, NK_COUNT, NULL, show && !strcmp(show, "saved") ? _("Saved.")
	    : show && !strcmp(show, "reset") ? _("The built-in text is back.") : NULL, 0);
}

void do_message_text(struct staff *a)
{
	const struct req *r = &a->w.req;
	enum notify_kind k = notify_kind_named(req_val(r, A_MESSAGE_KIND));
	const char *subject = req_val(r, A_SUBJECT), *body = req_val(r, A_BODY);
	char why[400];
	if (k >= NK_TEXTS) {
		web_error(&a->w, 400, _("That message was not understood"),
		    _("Go back, reload the page and try again. Nothing was saved."));
		return;
	}
	if (req_message(r, A_SUBJECT, NULL, why, sizeof why) ||
	    req_message(r, A_BODY, NULL, why, sizeof why)) {
		texts_page(a, 422, k, why, NULL, 0);
		return;
	}
	int reset = (!subject || !*subject) && (!body || !*body);
	if (!reset && text_check(k, subject, body, why, sizeof why) != 0) {
		texts_page(a, 422, k, why, NULL, 0);
		return;
	}
	if (req_int(r, A_PREVIEW, 0)) {
		texts_page(a, 200, k, NULL, NULL, 1);
		return;
	}
	const struct lang *l = lang_find(req_val(r, A_LANGUAGE));
	if (!l) {
		struct shop shop = {0};
		if (shop_get(a->db, a->user.shop_id, &shop) == HM_OK)
			l = lang_find(shop.language);
		shop_free(&shop);
	}
	if (!l)
		l = lang_source();
	audit_watch(AUDIT_SHOP, a->user.shop_id, a->user.shop_id, "settings.messages", 0);
	enum hm_rc rc = text_set(a->db, a->user.shop_id, k, l->code, subject, body, a->now);
	if (rc != HM_OK && rc != HM_DUPLICATE) {
		web_fail(&a->w, rc);
		return;
	}
	char path[128];
	snprintf(path, sizeof path, "/admin/settings/messages?language=%s&show=%s#%s", l->code,
	    reset ? "reset" : "saved", notify_kind_name[k]);
	web_redirect(&a->w, path);
}
