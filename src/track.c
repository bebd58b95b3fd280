/* track.cgi: /track, the lookup form. Normalises what the customer typed
 * and redirects to the canonical order page; never touches the database,
 * so it can tell nobody whether an ID exists. */
#include <stdio.h>
#include <string.h>

#include "ids.h"
#include "web.h"

enum { P_ID, P_LANG };
static const struct param params[] = {
	[P_ID] = {"id", v_string, 64, 0, 0, 0, NULL},
	[P_LANG] = WEB_LANG_PARAM,
};

int main(void)
{
	struct web w;
	char tid[TID_MAX];

	if (web_init(&w, "track", params, HM_NELEM(params)) != 0)
		goto out;
	if (w.req.method == METHOD_POST || w.req.path_info[0]) {
		web_error(&w, w.req.method == METHOD_POST ? 405 : 404, _("Not found"),
		    _("There is nothing here. Check the link and try again."));
		goto out;
	}
	const char *typed = req_val(&w.req, P_ID);
	if (typed && tid_parse(typed, tid) == 0) {
		char path[TID_MAX + 16];
		snprintf(path, sizeof path, "/track/%s", tid);
		web_redirect(&w, path);
		goto out;
	}
	struct tctx *c = tctx_new();
	tctx_set(c, "title", _("Track your order"));
	if (typed && *typed) {
		tctx_set(c, "typed", typed);
		tctx_set_bool(c, "bad_id", 1);
	} else if (req_invalid(&w.req, P_ID)) {
		tctx_set_bool(c, "bad_id", 1);
	}
	web_page(&w, 200, "track", c);
	tctx_free(c);
out:
	web_free(&w);
	return 0;
}
