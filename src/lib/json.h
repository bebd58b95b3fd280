/* Writing JSON strings. Only output: parsing untrusted JSON is left to a
 * library (jansson, in hallmarkctl). */
#ifndef HM_JSON_H
#define HM_JSON_H

#include "util.h"

/* Appends s as a quoted JSON string: quote, backslash and control
 * characters escaped; UTF-8 passes through. */
void json_str(struct buf *b, const char *s);

#endif
