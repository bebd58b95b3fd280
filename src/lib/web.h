/* The request/response frame every CGI shares: configuration, parsing,
 * branded pages, errors, redirects. */
#ifndef HM_WEB_H
#define HM_WEB_H

#include "config.h"
#include "db.h"
#include "request.h"
#include "response.h"
#include "sign.h"
#include "template.h"

struct web {
	struct config cfg;
	struct req req;
	struct resp resp;
	unsigned char master[KEY_BYTES];
	int have_master;
	const char *error_template;	/* for web_error; NULL: the public "error" */
};

/* Loads the configuration and parses the request against params. Returns 0
 * to go on; -1 when a response (error page) was already sent. */
int web_init(struct web *w, const char *prog, const struct param *params, size_t nparams);
/* The same for a surface that takes photo uploads (staff only): the body
 * may be up to max_upload bytes instead of max_body; photo_max is the size
 * the 413 page names; errors use the staff pages' admin_error template. */
int web_init_upload(struct web *w, const char *prog, const struct param *params, size_t nparams,
    long photo_max);
void web_free(struct web *w);

/* Loads the secret key on first use; -1 (logged) when it cannot. */
int web_master(struct web *w);

/* Adds what every page's layout uses (static_url) and renders tmpl. A
 * template failure becomes a plain 500. Takes no ownership of ctx. */
void web_page(struct web *w, int status, const char *tmpl, struct tctx *ctx);
/* A branded error page with an escaped title and message. */
void web_error(struct web *w, int status, const char *title, const char *message);
/* 503 with Retry-After: the database is busy; nothing was written. */
void web_busy(struct web *w);
/* Maps a model result that is not HM_OK to its page. */
void web_fail(struct web *w, enum hm_rc rc);
/* 303 See Other to a same-site path (must start with '/'). */
void web_redirect(struct web *w, const char *path);

/* Matches a whole PATH_INFO against a route pattern in which '#' stands
 * for one segment of 1-18 digits (stored in *id). 1 on a match. */
int path_match(const char *pattern, const char *path, int64_t *id);

/* scheme://host[:port] of this installation: base_url, else from Host. */
char *web_origin(const struct web *w);
/* 1 when a state-changing request comes from our own pages' origin. */
int web_same_origin(const struct web *w);

/* Formats a UTC instant in a time zone: "22 Nov 2026, 14:05". */
void fmt_time(time_t t, const char *tz, char *out, size_t n);
/* Formats "2026-11-24" as "Tue 24 Nov 2026"; copies anything else. */
void fmt_date(const char *iso, char *out, size_t n);
/* The last second of a YYYY-MM-DD day in a time zone, as UTC seconds;
 * 0 when iso is not a date. */
time_t day_end(const char *iso, const char *tz);
/* Today's date in a time zone as YYYY-MM-DD. */
void today_iso(time_t now, const char *tz, char out[11]);
/* Formats cents as "1234.50". */
void fmt_money(int64_t cents, char *out, size_t n);

#endif
