/* Internet mail, built by us and kept small: one RFC 5322 message with a
 * text/plain part and, optionally, a text/html alternative (RFC 2046),
 * UTF-8 bodies in quoted-printable (RFC 2045), RFC 2047 encoded-words for
 * non-ASCII subjects and display names, folded at 78 columns, and the
 * RFC 2369 / RFC 8058 one-click unsubscribe headers. Nothing from the data
 * can end a header line: control characters in a header value become
 * spaces before anything is encoded. Table-tested in tests/unit/test_mime.c. */
#ifndef HM_MIME_H
#define HM_MIME_H

#include <stddef.h>
#include <time.h>

#include "util.h"

struct mime_mail {
	const char *from_name;		/* From's display name, any UTF-8 (NULL or "": none) */
	const char *from;		/* From's address (and the envelope sender's) */
	const char *reply_to;		/* an address, or NULL/"": no Reply-To */
	const char *to;			/* the recipient's address */
	const char *subject;		/* any UTF-8 */
	const char *message_id;		/* "<left@right>" */
	time_t date;
	const char *list_unsubscribe;	/* an http(s) URL taking RFC 8058's one-click POST, or NULL */
	const char *text;		/* the text/plain body, UTF-8, LF or CRLF line ends */
	const char *html;		/* the text/html alternative, or NULL: text only */
};

/* Appends the whole message to out with CRLF line ends, ready for SMTP's
 * DATA or a .eml file. 0, or -1 with a sentence in *why (static) when the
 * From or To address or the Message-ID cannot be used. A Reply-To or
 * unsubscribe URL that cannot be used is left out. */
int mime_build(const struct mime_mail *m, struct buf *out, const char **why);

/* 1 when addr is an address mail can carry as it is: local@domain in
 * printable ASCII, without spaces or the characters that delimit it in a
 * header or an SMTP command (<>()[]\,;:"), at most 254 bytes. */
int mime_addr_ok(const char *addr);

/* Appends "Name: value" and CRLF: value as unstructured text (RFC 5322
 * section 3.2.5), folded at spaces; encoded-words when it is not plain
 * printable ASCII or has a word too long to fold. */
void mime_header_text(struct buf *out, const char *name, const char *value);
/* Appends "Name: display <addr>" and CRLF: display as a quoted-string,
 * or encoded-words when it is not printable ASCII (omitted when empty).
 * addr must have passed mime_addr_ok. */
void mime_header_addr(struct buf *out, const char *name, const char *display, const char *addr);

/* Appends text in quoted-printable with CRLF line ends and lines of at
 * most 76 characters. A '.' or "From " starting a line is encoded too, so
 * no relay or mailbox format can take the line for something else. */
void mime_qp(struct buf *out, const char *text);

/* RFC 5322's date of t in UTC: "Fri, 04 Dec 2026 22:45:14 +0000". */
void mime_date(time_t t, char out[40]);

#endif
