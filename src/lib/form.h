/* Forms that come back with everything the person typed: each field's
 * problem as a sentence (e_<name>) and its value as typed (f_<name>), from
 * the request layer's validated fields. */
#ifndef HM_FORM_H
#define HM_FORM_H

#include <stddef.h>

#include "request.h"
#include "template.h"

struct form_field {
	size_t param;		/* index in the surface's parameter table */
	int required;		/* an empty value is a problem */
	const char *invalid;	/* the sentence when its validator refuses it */
};

/* Sets e_<name> in c for each field with a problem, and "error" to summary
 * when there is any. Returns the number of problems. */
int form_check(const struct req *r, const struct form_field *ff, size_t n, struct tctx *c,
    const char *summary);
/* Sets f_<name> in c to what was typed for each field (never a secret). */
void form_refill(const struct req *r, const struct form_field *ff, size_t n, struct tctx *c);

#endif
