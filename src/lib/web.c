#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "util.h"

static const char fallback_500[] =
    "<!doctype html><title>Something went wrong</title>"
    "<h1>Something went wrong</h1><p>Please try again in a moment.</p>\n";

static void plain_500(struct web *w)
{
	resp_finish(&w->resp, 500, "text/html; charset=utf-8", fallback_500, sizeof fallback_500 - 1);
}

static int init(struct web *w, const char *prog, const struct param *params, size_t nparams,
    int upload, long photo_max)
{
	char *err = NULL;
	const char *why = NULL;
	const char *m = getenv("REQUEST_METHOD");

	memset(w, 0, sizeof *w);
	/* Only staff upload: their error pages lead back into the staff pages,
	 * including the ones sent here for a body too large or cut short. */
	if (upload)
		w->error_template = "admin_error";
	log_set_prog(prog);
	if (sodium_init() < 0) {
		log_err("libsodium failed to initialise");
		resp_init(&w->resp, 0);
		plain_500(w);
		return -1;
	}
	resp_init(&w->resp, m && !strcmp(m, "HEAD"));
	resp_security_headers(&w->resp);
	if (config_load(&w->cfg, NULL, &err) != 0) {
		log_err("%s", err);
		free(err);
		plain_500(w);
		return -1;
	}
	long limit = upload ? w->cfg.max_upload : w->cfg.max_body;
	int status = req_parse(&w->req, params, nparams, (size_t)limit, w->cfg.trusted_proxy, &why);
	if (!status)
		return 0;
	log_err("rejected request: %s", why ? why : "malformed");
	if (status == 405)
		resp_header(&w->resp, "Allow", upload ? "POST" : "GET, HEAD, POST");
	if (status == 413) {
		char msg[160];
		snprintf(msg, sizeof msg, upload
		    ? "Photos can be up to %ld MB. Nothing was saved: choose a smaller photo."
		    : "What you sent is larger than this page accepts (%ld KB). Nothing was saved.",
		    upload ? (photo_max < limit ? photo_max : limit) >> 20 : limit >> 10);
		web_error(w, 413, upload ? "That photo is too large" : "That was too large", msg);
	} else if (status == 415) {
		web_error(w, 415, "That kind of upload is not accepted",
		    "Nothing was saved. Go back, reload the page and try again.");
	} else {
		web_error(w, status, "That request was not understood",
		    "Nothing was saved. Go back, reload the page and try again.");
	}
	return -1;
}

int web_init(struct web *w, const char *prog, const struct param *params, size_t nparams)
{
	return init(w, prog, params, nparams, 0, 0);
}

int web_init_upload(struct web *w, const char *prog, const struct param *params, size_t nparams,
    long photo_max)
{
	return init(w, prog, params, nparams, 1, photo_max);
}

int path_match(const char *pat, const char *path, int64_t *id)
{
	while (*pat) {
		if (*pat == '#') {
			int64_t v = 0;
			int n = 0;
			while (*path >= '0' && *path <= '9' && n < 18)
				v = v * 10 + (*path++ - '0'), n++;
			if (n == 0 || (*path >= '0' && *path <= '9'))
				return 0;
			*id = v;
			pat++;
			continue;
		}
		if (*pat++ != *path++)
			return 0;
	}
	return *path == '\0';
}

void web_free(struct web *w)
{
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

void web_page(struct web *w, int status, const char *tmpl, struct tctx *ctx)
{
	struct buf out = {0};
	char *err = NULL;
	tctx_set(ctx, "static_url", w->cfg.static_url);
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
	web_error(w, 503, "Busy for a moment",
	    "Nothing was saved. Please try again in a few seconds.");
}

void web_fail(struct web *w, enum hm_rc rc)
{
	switch (rc) {
	case HM_BUSY:
		web_busy(w);
		break;
	case HM_NOTFOUND:
		web_error(w, 404, "Not found", "There is nothing here. It may have been deleted.");
		break;
	case HM_CONFLICT:
		web_error(w, 409, "That changed in the meantime",
		    "Someone else changed this first. Nothing was saved: reload the page and try again.");
		break;
	default:
		web_error(w, 500, "Something went wrong",
		    "Nothing was saved. Please try again; if it keeps happening, tell your administrator.");
	}
}

void web_redirect(struct web *w, const char *path)
{
	if (path[0] != '/' || path[1] == '/' || path[1] == '\\') {
		log_err("refused an off-site redirect");
		path = "/";
	}
	if (resp_header(&w->resp, "Location", path) != 0) {
		web_error(w, 400, "That request was not understood", "Please go back and try again.");
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

static void use_tz(const char *tz)
{
	static char current[80];
	if (!tz || !*tz)
		tz = "UTC";
	if (strcmp(current, tz)) {
		snprintf(current, sizeof current, "%s", tz);
		setenv("TZ", current, 1);
		tzset();
	}
}

void fmt_time(time_t t, const char *tz, char *out, size_t n)
{
	struct tm tm;
	use_tz(tz);
	if (!localtime_r(&t, &tm) || !strftime(out, n, "%-d %b %Y, %H:%M", &tm))
		snprintf(out, n, "?");
}

void fmt_date(const char *iso, char *out, size_t n)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	/* Anything but a real date is shown as it was stored, never "fixed". */
	if (!iso || !iso_date_ok(iso) || !strptime(iso, "%Y-%m-%d", &tm)) {
		snprintf(out, n, "%s", iso ? iso : "");
		return;
	}
	tm.tm_hour = 12;
	time_t t = timegm(&tm);
	if (!gmtime_r(&t, &tm) || !strftime(out, n, "%a %-d %b %Y", &tm))
		snprintf(out, n, "%s", iso);
}

time_t day_end(const char *iso, const char *tz)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!iso || !iso_date_ok(iso) || !strptime(iso, "%Y-%m-%d", &tm))
		return 0;
	use_tz(tz);
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	return t == (time_t)-1 ? 0 : t;
}

void today_iso(time_t now, const char *tz, char out[11])
{
	struct tm tm;
	use_tz(tz);
	if (!localtime_r(&now, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(out, 11, "1970-01-01");
}

void fmt_money(int64_t cents, char *out, size_t n)
{
	snprintf(out, n, "%s%lld.%02lld", cents < 0 ? "-" : "",
	    (long long)llabs(cents / 100), (long long)llabs(cents % 100));
}
