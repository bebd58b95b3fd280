/* Small helpers shared by every executable: allocation that aborts on failure,
 * a growable byte buffer, logging to the web server's error log. */
#ifndef HM_UTIL_H
#define HM_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define HM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define HM_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failure is not recoverable in a CGI: these abort instead of
 * returning NULL. The caller owns and frees what they return. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) HM_PRINTF(1, 2);

/* Growable NUL-terminated byte buffer. Zero-initialise, free with buf_free. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) HM_PRINTF(2, 3);
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) HM_PRINTF(2, 0);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Hands the buffer's string to the caller (never NULL) and empties the buffer. */
char *buf_detach(struct buf *b);

/* Logs one line to stderr, prefixed with the program name. Never pass
 * tracking IDs, tokens or passwords: see ids.h for a redacted form. */
void log_err(const char *fmt, ...) HM_PRINTF(1, 2);
/* One line for an event the operator may want to find later, to stderr
 * (a CGI's goes to the web server's error log): "<program>: <event>:
 * <details>". The events: "sign-in", "sign-in failed", "lock-out",
 * "purge", "backup", "restore", "migration", "import", "export",
 * "notification failed". The
 * details name users, shops and counts, never a tracking ID, token,
 * password, cookie or form key. */
void log_event(const char *event, const char *fmt, ...) HM_PRINTF(2, 3);
void log_set_prog(const char *name);

/* Current time; HALLMARK_FAKE_NOW in the environment overrides it for tests
 * only when the binary is built with -DHM_TESTING. */
time_t hm_now(void);

/* Reads a whole small file into a NUL-terminated string (caller frees).
 * Returns NULL (errno set) on error or when larger than max. */
char *read_file(const char *path, size_t max, size_t *lenp);
/* Reads dir/name, a regular file of at most max bytes, without following
 * a symbolic link at the last step (name is the caller's own file name,
 * never a path). Returns a NUL-terminated heap copy, or NULL with errno:
 * from open (ENOENT…), EINVAL (not a regular file), EFBIG (over max), EIO
 * (it shrank while being read). */
char *read_file_at(const char *dir, const char *name, size_t max, size_t *lenp);

/* Base64url without padding (sodium's URLSAFE_NO_PADDING). */
void b64url_encode(const unsigned char *in, size_t n, char *out, size_t outsz);
/* Returns decoded length, or -1 when not valid base64url or too long. */
int b64url_decode(const char *in, unsigned char *out, size_t outsz);

/* Trims leading and trailing ASCII white space in place; returns s. */
char *str_trim(char *s);
/* 1 when s is exactly YYYY-MM-DD and a real calendar day. */
int iso_date_ok(const char *s);

#endif
