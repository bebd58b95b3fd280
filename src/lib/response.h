/* CGI responses: status, headers (CR/LF/NUL never reach a header), the
 * security headers of DESIGN.md, body (suppressed for HEAD). */
#ifndef HM_RESPONSE_H
#define HM_RESPONSE_H

#include <stddef.h>

#include "util.h"

struct resp {
	struct buf head;
	struct buf out;		/* the finished response, until resp_flush */
	int head_only;
	int csp;		/* send the Content-Security-Policy */
	char style_hash[48];	/* base64 SHA-256 of the one inline style allowed, or "" */
};

void resp_init(struct resp *r, int head_only);
/* Adds a header; returns -1 and adds nothing when name or value holds a
 * control character. */
int resp_header(struct resp *r, const char *name, const char *value);
/* Content-Security-Policy, Referrer-Policy, Cache-Control: no-store,
 * X-Robots-Tag, nosniff, frame denial: the same for every dynamic page. */
void resp_security_headers(struct resp *r);
/* Lets this response's CSP allow exactly one inline <style> element whose
 * content is css (a shop's brand colour, made from a validated value). */
void resp_allow_style(struct resp *r, const char *css);
/* Makes the response: status, headers, Content-Type/Length and body. It
 * goes out with resp_flush, which web_free calls after the caller has
 * closed the database: lighttpd ends a CGI once its answer is complete,
 * and a CGI ended before it closed the database leaves its WAL frames for
 * every later request to read. */
void resp_finish(struct resp *r, int status, const char *ctype, const void *body, size_t n);
/* Writes the finished response to stdout (once). */
void resp_flush(struct resp *r);
void resp_free(struct resp *r);
const char *status_text(int status);

#endif
