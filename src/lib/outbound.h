/* What the sender of notifications needs that touches no network: an SMS
 * gateway's request made from the operator's templates, and recipients as
 * a log may show them. Table-tested in tests/unit/test_mime.c. */
#ifndef HM_OUTBOUND_H
#define HM_OUTBOUND_H

#include <stddef.h>

#include "util.h"

/* How {to} and {text} are escaped where they go. */
enum sms_escape {
	SMS_ESC_FORM,	/* an application/x-www-form-urlencoded body: percent-encoding */
	SMS_ESC_JSON,	/* inside a JSON string: JSON escaping, without the quotes */
	SMS_ESC_URL,	/* a URL (the query of a GET): percent-encoding */
};

/* Appends tmpl with each {to} replaced by to (a number in international
 * form, "+447700900123"), {to_digits} by its digits alone
 * ("447700900123": some gateways want no plus) and {text} by text, all
 * escaped per esc. Anything else, other braces included (a JSON body's),
 * is copied as it is. */
void sms_expand(struct buf *out, const char *tmpl, const char *to, const char *text,
    enum sms_escape esc);

/* A recipient for a log line: "a***@example.com", "+44*******23". */
void recipient_redact(const char *recipient, char *out, size_t n);

#endif
