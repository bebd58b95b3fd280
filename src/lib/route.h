/* Path routing of every executable, in one place so it is fuzzed whole
 * (tests/fuzz/fuzz_route.c). PATH_INFO is always matched whole: nothing
 * after a route's end is ignored. */
#ifndef HM_ROUTE_H
#define HM_ROUTE_H

#include <stddef.h>
#include <stdint.h>

/* Matches a whole PATH_INFO against a pattern in which '#' stands for one
 * segment of 1-18 digits without a leading zero (stored in *id, so it is
 * positive and each record has one URL). 1 on a match. */
int path_match(const char *pattern, const char *path, int64_t *id);

/* order.cgi: /track/<ID>[/messages.json|/messages|/decision], and
 * /track/unsubscribe/<token> (the link in a job's emails). */
enum order_action { ORDER_PAGE, ORDER_JSON, ORDER_MESSAGE, ORDER_DECISION, ORDER_UNSUBSCRIBE };
/* Copies the ID as typed (or the unsubscribe token) into typed (n bytes).
 * 0, or -1 for any other path. */
int order_route(const char *path, char *typed, size_t n, enum order_action *act);

/* verify.cgi: /verify, /verify/<uid or legacy code>[.json], /verify/key/<shop>. */
enum verify_action { VERIFY_FORM, VERIFY_PAGE, VERIFY_JSON, VERIFY_KEY, VERIFY_BAD };
/* *arg points into path: the ID (without ".json") or the shop's slug; *len
 * is its length. */
enum verify_action verify_route(const char *path, const char **arg, size_t *len);

/* print.cgi: /admin/print/<passport id>/{qr.png,certificate.pdf} and
 * /admin/print/job/<job id>/{slip.pdf,tag.pdf,qr.png}; ids without a
 * leading zero, so each document has one URL. 0, or -1 for any other path. */
enum print_file {
	PRINT_QR_PNG, PRINT_CERTIFICATE,			/* a passport's */
	PRINT_JOB_SLIP, PRINT_JOB_TAG, PRINT_JOB_QR_PNG,	/* a job's */
};
int print_route(const char *path, int64_t *id, enum print_file *what);

/* media.cgi: /media/<file>; the file name, or NULL. */
const char *media_route(const char *path);

#endif
