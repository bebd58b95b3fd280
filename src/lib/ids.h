/* Identifiers: tracking IDs (the customer's access token) and UUIDs. */
#ifndef HM_IDS_H
#define HM_IDS_H

#include <stddef.h>

/* "RPR-7K3M-9QXD-2HJF-T8WA" is 23 characters; room for the NUL and slack. */
#define TID_MAX 32
#define TID_PREFIX_LEN 3

/* Mints a new tracking ID for a three-letter workflow prefix (A-Z) from 80
 * random bits, formatted in groups of four. Returns 0, or -1 on a bad prefix. */
int tid_mint(const char *prefix, char out[TID_MAX]);

/* Normalises what a customer typed: case-insensitive, spaces and hyphens
 * ignored, Crockford O->0 and I/L->1. Accepts the current form (prefix + 16
 * Crockford characters) and the legacy form (prefix + 8 or 12 hex digits).
 * Writes the canonical form (as stored and as in URLs). Returns 0 or -1. */
int tid_parse(const char *in, char out[TID_MAX]);

/* A random UUID v4, lowercase, 36 characters plus NUL. */
void uuid_v4(char out[37]);
/* Checks and lowercases a UUID (any version, hyphenated). Returns 0 or -1. */
int uuid_parse(const char *in, char out[37]);

#endif
