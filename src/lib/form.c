#include "form.h"
#include "i18n.h"

#include <stdio.h>

int form_check(const struct req *r, const struct form_field *ff, size_t n, struct tctx *c,
    const char *summary)
{
	char key[80], msg[512];
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		const char *say = req_message(r, ff[i].param, ff[i].invalid, msg, sizeof msg);
		const char *v = req_val(r, ff[i].param);
		if (!say && ff[i].required && (!v || !*v))
			say = _("This is required.");
		if (!say)
			continue;
		snprintf(key, sizeof key, "e_%s", r->params[ff[i].param].name);
		tctx_set(c, key, say);
		bad++;
	}
	if (bad && summary)
		tctx_set(c, "error", summary);
	return bad;
}

void form_refill(const struct req *r, const struct form_field *ff, size_t n, struct tctx *c)
{
	char key[80];
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof key, "f_%s", r->params[ff[i].param].name);
		tctx_set(c, key, req_shown(r, ff[i].param));
	}
}
