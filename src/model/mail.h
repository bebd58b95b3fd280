/* A notification as an email: the row's subject and text, an HTML
 * alternative rendered from templates/email.html, and the headers (mime.h).
 * What SMTP sends and what the file transport writes are the same bytes. */
#ifndef HM_MAIL_H
#define HM_MAIL_H

#include <time.h>

#include "notify.h"
#include "util.h"

/* Appends the message of email notification n, sent from the address
 * from at now, to out. 0, or -1 with a sentence for staff in *why (caller
 * frees): an address mail cannot carry, or the HTML template missing. */
int mail_compose(const struct notification *n, const char *from, const char *templates_dir,
    time_t now, struct buf *out, char **why);

/* The text part of n: its body, and the way to stop messages when the
 * notification has an unsubscribe link. Caller frees. */
char *mail_text(const struct notification *n);

#endif
