/* UTF-8 as RFC 3629 defines it: the one check the request parser, the
 * templates' callers and the PDF printers all use. */
#ifndef HM_UTF8_H
#define HM_UTF8_H

#include <stddef.h>

/* The length (1-4) of the well-formed sequence at s[0..n), or 0: overlong
 * forms, surrogates, values past U+10FFFF and cut sequences are not. */
size_t utf8_seq(const unsigned char *s, size_t n);
/* 1 when s[0..n) is well-formed UTF-8 throughout. */
int utf8_valid(const char *s, size_t n);
/* Code points in s[0..n), which must be valid; a CR LF pair counts as one,
 * as a browser counts a line break against a field's maxlength. */
size_t utf8_chars(const char *s, size_t n);
/* 1 when c (a byte) or the code point at s is a control character: C0,
 * DEL, or C1 (U+0080 to U+009F, two bytes starting 0xC2). */
int utf8_is_control(const unsigned char *s, size_t n);

/* What utf8_clean keeps. */
#define UTF8_KEEP_LF 0x1	/* line feeds stay */
#define UTF8_KEEP_CRTAB 0x2	/* carriage returns and tabs stay */
#define UTF8_CTL_SPACE 0x4	/* other controls become a space, not U+FFFD */
/* A heap copy of s[0..n) that is valid UTF-8 without control characters
 * (but those flags keep): bad bytes become U+FFFD, controls U+FFFD or a
 * space. For showing or printing text that did not pass a validator. */
char *utf8_clean(const char *s, size_t n, unsigned flags);

#endif
