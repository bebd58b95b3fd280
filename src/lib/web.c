#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <unistd.h>

#include <sodium.h>

#include "util.h"

static const char fallback_500[] =
    "<!doctype html><title>Something went wrong</title>"
    "<h1>Something went wrong</h1><p>Please try again in a moment.</p>\n";

static void plain_500(struct web *w)
{
	resp_finish(&w->resp, 500, "text/html; charset=utf-8", fallback_500, sizeof fallback_500 - 1);
}

/* A POST that carries a form token has its write made idempotent: the key
 * binds the token to the path and to what was submitted, so a double
 * click or a retry of the same form finds its first write (db_begin
 * answers HM_DUPLICATE), while another form on the same page, or the same
 * form with other content, is a new write. */
static void form_key(struct web *w)
{
	size_t i = req_param_index(&w->req, FORM_KEY_PARAM);
	const char *token = req_val(&w->req, i);
	unsigned char digest[32], key[32];
	crypto_generichash_state h;
	if (w->req.method != METHOD_POST || !token || !*token)
		return;
	req_digest(&w->req, i, digest);
	crypto_generichash_init(&h, NULL, 0, sizeof key);
	crypto_generichash_update(&h, (const unsigned char *)token, strlen(token));
	crypto_generichash_update(&h, digest, sizeof digest);
	crypto_generichash_final(&h, key, sizeof key);
	db_form_key(key);
}

/* The language a public request asks for before its job or shop is known:
 * the lang parameter (remembered in a cookie), the cookie, the browser. */
static void choose_language(struct web *w, int parsed)
{
	const struct lang *cookie = NULL;
	char *c = req_cookie_get(&w->req, WEB_LANG_COOKIE);
	if (c)
		cookie = lang_find(c);
	free(c);
	w->picked = cookie;
	size_t i = parsed ? req_param_index(&w->req, "lang") : w->req.nparams;
	const struct lang *asked = i < w->req.nparams ? lang_find(req_val(&w->req, i)) : NULL;
	if (asked) {
		w->picked = asked;
		if (asked != cookie) {
			char v[128];
			snprintf(v, sizeof v, "%s=%s; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly%s",
			    WEB_LANG_COOKIE, asked->code, w->req.https ? "; Secure" : "");
			resp_header(&w->resp, "Set-Cookie", v);
		}
	}
	w->accepted = lang_accept(w->req.accept_language);
	web_language(w, NULL, NULL);
}

void web_language(struct web *w, const char *job_lang, const char *shop_lang)
{
	const struct lang *l = w->picked;
	if (!l)
		l = lang_find(job_lang);
	if (!l)
		l = w->accepted;
	if (!l)
		l = lang_find(shop_lang);
	if (!l)
		l = lang_find(w->cfg.default_language);
	lang_use(l);
}

int web_init_as(struct web *w, const char *prog, const struct param *params, size_t nparams,
    enum web_kind kind, long photo_max)
{
	char *err = NULL;
	const char *why = NULL;
	int upload = kind == WEB_STAFF_UPLOAD;

	memset(w, 0, sizeof *w);
#ifdef __SANITIZE_ADDRESS__
	/* lighttpd sends SIGTERM once it has the whole answer; the leak check
	 * runs at exit, after that, so a sanitizer build holds the signal off
	 * until the process has reported and ended. */
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
#endif
	/* Staff error pages lead back into the staff pages, including the
	 * ones sent here for a request that could not be parsed. */
	if (kind != WEB_PUBLIC)
		w->error_template = "admin_error";
	log_set_prog(prog);
	resp_init(&w->resp, 0);
	resp_security_headers(&w->resp);
	/* A CGI running as root would write files the CGI user cannot read
	 * later and would hand every bug full power: the web server must run
	 * the CGIs as the CGI user (README, Installing for real). */
	if (geteuid() == 0) {
		log_err("refusing to run as root: run the web server's CGIs as the CGI user "
		    "(server.username in lighttpd, User in Apache)");
		plain_500(w);
		return -1;
	}
	if (sodium_init() < 0) {
		log_err("libsodium failed to initialise");
		plain_500(w);
		return -1;
	}
	if (config_load(&w->cfg, NULL, &err) != 0) {
		log_err("%s", err);
		free(err);
		plain_500(w);
		return -1;
	}
	long limit = upload ? w->cfg.max_upload : w->cfg.max_body;
	int status = req_parse(&w->req, params, nparams, (size_t)limit, w->cfg.trusted_proxy, &why);
	w->resp.head_only = w->req.method == METHOD_HEAD;
	w->public = kind == WEB_PUBLIC;
	if (w->public)
		choose_language(w, status == 0);
	else
		lang_use(lang_find(w->cfg.staff_language));
	if (!status) {
		form_key(w);
		return 0;
	}
	log_err("rejected request: %s", why ? why : "malformed");
	if (status == 405)
		resp_header(&w->resp, "Allow", upload ? "POST" : "GET, HEAD, POST");
	if (status == 413) {
		char msg[512];
		snprintf(msg, sizeof msg, upload
		    ? _("Photos can be up to %ld MB. Nothing was saved: choose a smaller photo.")
		    : _("What you sent is larger than this page accepts (%ld KB). Nothing was saved."),
		    upload ? (photo_max < limit ? photo_max : limit) >> 20 : limit >> 10);
		web_error(w, 413, upload ? _("That photo is too large") : _("That was too large"), msg);
	} else if (status == 415) {
		web_error(w, 415, _("That kind of upload is not accepted"),
		    _("Nothing was saved. Go back, reload the page and try again."));
	} else {
		web_error(w, status, _("That request was not understood"),
		    _("Nothing was saved. Go back, reload the page and try again."));
	}
	return -1;
}

int web_init(struct web *w, const char *prog, const struct param *params, size_t nparams)
{
	return web_init_as(w, prog, params, nparams, WEB_PUBLIC, 0);
}

void web_free(struct web *w)
{
	resp_flush(&w->resp);
	req_free(&w->req);
	resp_free(&w->resp);
	config_free(&w->cfg);
	sodium_memzero(w->master, sizeof w->master);
}

int web_master(struct web *w)
{
	if (!w->have_master && key_load(w->cfg.secret_key_file, w->master) == 0)
		w->have_master = 1;
	return w->have_master ? 0 : -1;
}

/* The limits of the surface's declared fields, as the templates' maxlength
 * attributes read them: max_<name>. */
static void set_limits(const struct web *w, struct tctx *ctx)
{
	char key[80];
	for (size_t i = 0; i < w->req.nparams; i++) {
		const struct param *p = &w->req.params[i];
		if (p->flags & PARAM_FILE)
			continue;
		snprintf(key, sizeof key, "max_%s", p->name);
		tctx_set_int(ctx, key, (long long)req_maxlen(&w->req, i));
	}
}

/* The page's lang and dir, its Content-Language, and on public pages the
 * language menu: each language named in itself, linking to this page in
 * it. */
static void set_language(struct web *w, struct tctx *ctx)
{
	const struct lang *cur = lang_current();
	tctx_set(ctx, "lang", cur->code);
	tctx_set(ctx, "dir", lang_rtl(cur) ? "rtl" : "ltr");
	resp_header(&w->resp, "Content-Language", cur->code);
	if (!w->public)
		return;
	resp_header(&w->resp, "Vary", "Accept-Language, Cookie");
	tctx_set(ctx, "lang_path", w->lang_path ? w->lang_path : "");
	for (size_t i = 0; hm_langs[i]; i++) {
		struct tctx *it = tctx_add_item(ctx, "languages");
		tctx_set(it, "code", hm_langs[i]->code);
		tctx_set(it, "name", lang_name(hm_langs[i]));
		tctx_set_bool(it, "current", hm_langs[i] == cur);
	}
}

void web_page(struct web *w, int status, const char *tmpl, struct tctx *ctx)
{
	struct buf out = {0};
	char *err = NULL;
	char fk[TOKEN_STR];
	unsigned char unused[32];
	tctx_set(ctx, "static_url", w->cfg.static_url);
	set_language(w, ctx);
	token_new(fk, unused);
	tctx_set(ctx, "fk", fk);
	set_limits(w, ctx);
	if (tmpl_render(w->cfg.templates_dir, tmpl, ctx, &out, &err) != 0) {
		log_err("template %s: %s", tmpl, err ? err : "failed");
		free(err);
		buf_free(&out);
		plain_500(w);
		return;
	}
	resp_finish(&w->resp, status, "text/html; charset=utf-8", out.data, out.len);
	buf_free(&out);
}

void web_error(struct web *w, int status, const char *title, const char *message)
{
	struct tctx *c = tctx_new();
	tctx_set(c, "title", title);
	tctx_set(c, "message", message);
	tctx_set_int(c, "status", status);
	web_page(w, status, w->error_template ? w->error_template : "error", c);
	tctx_free(c);
}

void web_busy(struct web *w)
{
	resp_header(&w->resp, "Retry-After", "2");
	web_error(w, 503, _("Busy for a moment"),
	    _("Nothing was saved. Please try again in a few seconds."));
}

void web_fail(struct web *w, enum hm_rc rc)
{
	switch (rc) {
	case HM_BUSY:
		web_busy(w);
		break;
	case HM_NOTFOUND:
		web_error(w, 404, _("Not found"), _("There is nothing here. It may have been deleted."));
		break;
	case HM_CONFLICT:
		web_error(w, 409, _("That changed in the meantime"),
		    _("Someone else changed this first. Nothing was saved: reload the page and try again."));
		break;
	case HM_DUPLICATE:
		web_error(w, 409, _("That was saved already"),
		    _("This form was sent twice; the first one was saved, so nothing was added again."));
		break;
	case HM_LIMITED:
		web_error(w, 429, _("Too many at once"),
		    _("Nothing was saved. Please wait a few minutes and try again."));
		break;
	default:
		web_error(w, 500, _("Something went wrong"), w->public
		    ? _("Nothing was saved. Please try again in a moment.")
		    : _("Nothing was saved. Please try again; if it keeps happening, tell your administrator."));
	}
}

void web_redirect(struct web *w, const char *path)
{
	if (path[0] != '/' || path[1] == '/' || path[1] == '\\') {
		log_err("refused an off-site redirect");
		path = "/";
	}
	if (resp_header(&w->resp, "Location", path) != 0) {
		web_error(w, 400, _("That request was not understood"), _("Please go back and try again."));
		return;
	}
	resp_finish(&w->resp, 303, NULL, "", 0);
}

static int host_ok(const char *h)
{
	if (!*h || strlen(h) > 255)
		return 0;
	for (; *h; h++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]", *h))
			return 0;
	return 1;
}

char *web_origin(const struct web *w)
{
	const char *b = w->cfg.base_url;
	if (*b) {
		/* base_url may carry a path; the origin is scheme://authority. */
		const char *p = strstr(b, "://");
		const char *slash = p ? strchr(p + 3, '/') : NULL;
		return slash ? xstrndup(b, (size_t)(slash - b)) : xstrdup(b);
	}
	if (!host_ok(w->req.host))
		return xstrdup("");
	return xasprintf("%s://%s", w->req.https ? "https" : "http", w->req.host);
}

int web_same_origin(const struct web *w)
{
	char *want = web_origin(w);
	int ok = 1;
	size_t n = strlen(want);
	const char *sfs = w->req.sec_fetch_site;

	if (sfs && strcmp(sfs, "same-origin") && strcmp(sfs, "none"))
		ok = 0;
	else if (w->req.origin)
		ok = n && !strcasecmp(w->req.origin, want);
	else if (w->req.referer)
		ok = n && !strncasecmp(w->req.referer, want, n) &&
		    (w->req.referer[n] == '/' || w->req.referer[n] == '\0');
	free(want);
	return ok;
}
