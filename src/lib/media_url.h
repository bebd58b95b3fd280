/* Signed, expiring URLs for uploaded photos. media.cgi serves a file only
 * when its URL carries a MAC, under the installation's media-URL subkey,
 * over the file name and the expiry: the URL is the capability, it cannot
 * be turned into another file's or extended, and it stops working. */
#ifndef HM_MEDIA_URL_H
#define HM_MEDIA_URL_H

#include <time.h>

#include "sign.h"

/* A stored file name: 32 lowercase hex characters, "-d" (display) or "-t"
 * (thumbnail), ".jpg". */
#define MEDIA_NAME_LEN 38
/* Signed URLs live at least this long... */
#define MEDIA_URL_TTL 3600
/* ...and are cut at whole hours, so one page shows the same URLs for an
 * hour and browsers can cache both. */
#define MEDIA_URL_ROUND 3600

/* 1 when file is exactly [0-9a-f]{32}-[dt].jpg. */
int media_name_ok(const char *file);

/* The expiry to sign at time now: the next whole hour plus MEDIA_URL_TTL
 * (so between one and two hours away, the same for a whole hour). */
time_t media_url_expiry(time_t now);

/* "/media/<file>?e=<expiry>&s=<sig>": sig is base64url(crypto_auth) over
 * "media\n<file>\n<expiry>" under key_derive(master, KEY_MEDIA_URL).
 * Returns a heap string (caller frees), or NULL when file is not a stored
 * file name. */
char *media_url(const unsigned char master[KEY_BYTES], const char *file, time_t expiry);

/* 1 when sig is the signature media_url made for (file, expiry) and
 * expiry is still after now; 0 otherwise. Constant time in the MAC. */
int media_url_check(const unsigned char master[KEY_BYTES], const char *file, time_t expiry,
    const char *sig, time_t now);

#endif
