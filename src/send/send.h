/* hallmarkctl send: delivers the notification outbox (DESIGN.md,
 * Architecture: no CGI talks to the network; this does). One notification
 * at a time: claimed and committed (outbox_claim), handed to its channel's
 * transport, then recorded (outbox_finish). Linked into hallmarkctl alone,
 * the one executable with libcurl. */
#ifndef HM_SEND_H
#define HM_SEND_H

#include <stddef.h>

struct config;

/* Delivers every due notification, then returns; with loop > 0, goes on
 * forever, loop seconds between rounds, until SIGINT or SIGTERM (a
 * notification being sent is finished first). Prints one line per
 * notification. Returns the exit status: 0 when everything due was
 * attempted (failures are recorded on the rows), 1 when the configuration
 * or the database is broken. */
int send_main(const struct config *cfg, int loop);

/* What the transports need, checked and loaded once (send.c). */
struct sender {
	const struct config *cfg;
	char *smtp_url;		/* smtp_url, with the EHLO domain as its path */
	char *smtp_password;	/* from smtp_password_file, or NULL */
	char *sms_auth;		/* the header line from sms_auth_file, or NULL */
};

/* Seconds one delivery may take, all in: well inside OUTBOX_STALE, so a
 * sender that is still working never has its claim taken over. */
#define SEND_TIMEOUT 60
#define SEND_CONNECT_TIMEOUT 15

/* Hands msg[0..len) to the SMTP relay for rcpt. 0 when the relay accepted
 * it; -1 with a sentence in err (n bytes). smtp.c */
int smtp_send(const struct sender *s, const char *rcpt, const char *msg, size_t len,
    char *err, size_t n);
/* Sends text to the number to through the HTTP gateway. 0 on a 2xx
 * answer; -1 with a sentence in err (n bytes): the status and the first
 * line of the answer, or what went wrong on the way. sms.c */
int sms_http_send(const struct sender *s, const char *to, const char *text, char *err, size_t n);

#endif
