/* track.cgi: /track, the lookup form. Normalises what the customer typed
 * and redirects to the canonical order page without looking it up, so it
 * can tell nobody whether an ID exists. The database is read only for the
 * tiles that explain the installation's ID prefixes. */
#include <stdio.h>
#include <string.h>

#include "ids.h"
#include "model.h"
#include "web.h"

/* A tile for every prefix in use: the built-in ones in the reader's
 * language, a shop's own under its workflow's name. A database that
 * cannot be read leaves the built-in two. */
static void add_tiles(struct web *w, struct tctx *c)
{
	struct workflow_list l = {0};
	sqlite3 *db = db_open(w->cfg.database, 1);
	int listed = db && workflow_prefixes(db, &l) == HM_OK;
	static const char *const builtin[] = {"RPR", "BSP"};
	for (size_t i = 0; !listed && i < HM_NELEM(builtin); i++) {
		struct tctx *it = tctx_add_item(c, "tiles");
		tctx_set(it, "prefix", builtin[i]);
		tctx_set_bool(it, builtin[i][0] == 'R' ? "is_rpr" : "is_bsp", 1);
	}
	for (size_t i = 0; listed && i < l.n; i++) {
		struct tctx *it = tctx_add_item(c, "tiles");
		tctx_set(it, "prefix", l.v[i].prefix);
		if (!strcmp(l.v[i].prefix, "RPR"))
			tctx_set_bool(it, "is_rpr", 1);
		else if (!strcmp(l.v[i].prefix, "BSP"))
			tctx_set_bool(it, "is_bsp", 1);
		else
			tctx_set(it, "name", l.v[i].name);
	}
	workflow_list_free(&l);
	db_close(db);
}

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
	add_tiles(&w, c);
	web_page(&w, 200, "track", c);
	tctx_free(c);
out:
	web_free(&w);
	return 0;
}
