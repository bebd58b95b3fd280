/* What the request parser promises a handler about each declared field,
 * checked by fuzz_request.c and fuzz_multipart.c after a successful parse.
 * What a person typed wrong
 * (too long, a control character, a bad format) is kept, marked invalid,
 * so the form can come back with it; nothing with a control character
 * ever reaches a handler's value or the form shown back. */
#ifndef HM_FUZZ_FIELDS_H
#define HM_FUZZ_FIELDS_H

#include <string.h>

#include "request.h"
#include "require.h"

/* A C0 control, DEL, or a C1 control (U+0080 to U+009F, 0xC2 0x80-0x9F
 * in UTF-8); multiline lets CR, LF and TAB through. */
static int has_ctl(const char *s, size_t n, int multiline)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (multiline && (c == '\r' || c == '\n' || c == '\t'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return 1;
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return 1;
	}
	return 0;
}

static void check_field(const struct req *r, size_t i)
{
	const struct field *f = &r->fields[i];
	const struct param *p = &r->params[i];
	size_t max = p->maxlen ? p->maxlen : REQ_DEFAULT_MAXLEN;
	int ml = (p->flags & PARAM_MULTILINE) != 0;
	const char *shown = req_shown(r, i);

	switch (f->state) {
	case FIELD_ABSENT:
		require(!f->raw && !f->val && !shown);
		require(req_val(r, i) == NULL && !req_invalid(r, i) && !req_present(r, i));
		return;
	case FIELD_OK:
		require(f->error == FERR_NONE && f->val && req_val(r, i) == f->val);
		require(!has_ctl(f->val, strlen(f->val), ml));
		require(f->raw && strlen(f->raw) == f->rawlen && f->chars <= max);
		require(!has_ctl(f->raw, f->rawlen, ml));
		break;
	case FIELD_INVALID:
		require(!f->val && f->raw && req_invalid(r, i));
		require(req_val(r, i) == NULL && req_int(r, i, 7) == 7);
		if (f->error == FERR_CONTROL) {
			require(has_ctl(f->raw, f->rawlen, ml));
		} else {
			require(!has_ctl(f->raw, f->rawlen, ml) && strlen(f->raw) == f->rawlen);
			require(f->error == FERR_TOO_LONG ? f->chars > max
			    : f->error == FERR_FORMAT && f->chars <= max);
		}
		break;
	default:
		require(0);
	}
	require(req_present(r, i));
	if (p->flags & PARAM_SECRET)
		require(!shown);
	else
		require(shown && !has_ctl(shown, strlen(shown), ml));
}

#endif
