/* The request/response frame every CGI shares: configuration, parsing,
 * branded pages, errors, redirects. */
#ifndef HM_WEB_H
#define HM_WEB_H

#include "config.h"
#include "db.h"
#include "fmt.h"
#include "i18n.h"
#include "request.h"
#include "response.h"
#include "route.h"
#include "sign.h"
#include "template.h"

struct web {
	struct config cfg;
	struct req req;
	struct resp resp;
	unsigned char master[KEY_BYTES];
	int have_master;
	const char *error_template;	/* for web_error; NULL: the public "error" */
	/* A public page's language (web_language): what the customer picked
	 * (the lang parameter or cookie) and what the browser asks for. */
	int public;
	const struct lang *picked, *accepted;
	const char *lang_path;	/* where the language menu's links go; NULL: here */
};

/* Who a surface serves: its error pages, and how large a body it takes. */
enum web_kind {
	WEB_PUBLIC,		/* customers: the public error page, max_body */
	WEB_STAFF,		/* staff: the staff error page (with the way back), max_body */
	WEB_STAFF_UPLOAD,	/* staff photo uploads: max_upload */
};

/* The name every form's idempotency token travels under: web_page puts a
 * fresh one in each page (as {{fk}}), and a POST that carries one has its
 * write stored with a key made of it and what was submitted (db.h). */
#define FORM_KEY_PARAM "fk"

/* The language menu's parameter, which a public surface declares with
 * WEB_LANG_PARAM, and the cookie that remembers the choice (and nothing
 * else). */
#define WEB_LANG_PARAM {"lang", v_choice, 8, 0, 0, 0, hm_lang_codes}
#define WEB_LANG_COOKIE "hm_lang"

/* Loads the configuration and parses the request against params. Returns
 * 0 to go on; -1 when a response (error page) was already sent. The
 * process refuses to serve as root (the CGIs run as the CGI user). */
int web_init(struct web *w, const char *prog, const struct param *params, size_t nparams);
/* The same for a surface of kind; photo_max is the size a 413 page names
 * for WEB_STAFF_UPLOAD. */
int web_init_as(struct web *w, const char *prog, const struct param *params, size_t nparams,
    enum web_kind kind, long photo_max);
void web_free(struct web *w);

/* Makes a public page's language current: the customer's pick, else
 * job_lang (recorded at book-in), else the browser's Accept-Language,
 * else shop_lang, else default_language. web_init has already chosen
 * without the job and the shop, which is what a not-found page uses. */
void web_language(struct web *w, const char *job_lang, const char *shop_lang);

/* Loads the secret key on first use; -1 (logged) when it cannot. */
int web_master(struct web *w);

/* Adds what every page's layout uses (static_url, a fresh form token fk,
 * max_<name> for each declared parameter, the maxlength forms show, and
 * the language: lang, dir, the menu's list languages) and renders tmpl,
 * with Content-Language. A template failure becomes a plain 500. Takes no
 * ownership of ctx. */
void web_page(struct web *w, int status, const char *tmpl, struct tctx *ctx);
/* A branded error page with an escaped title and message. */
void web_error(struct web *w, int status, const char *title, const char *message);
/* 503 with Retry-After: the database is busy; nothing was written. */
void web_busy(struct web *w);
/* Maps a model result that is not HM_OK to its page. */
void web_fail(struct web *w, enum hm_rc rc);
/* 303 See Other to a same-site path (must start with '/'). */
void web_redirect(struct web *w, const char *path);

/* scheme://host[:port] of this installation: base_url, else from Host. */
char *web_origin(const struct web *w);
/* 1 when a state-changing request comes from our own pages' origin. */
int web_same_origin(const struct web *w);

#endif
