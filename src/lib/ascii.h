/* Character classes by explicit ranges rather than <ctype.h>: what the
 * request layer accepts must not depend on the locale a CGI runs under. */
#ifndef HM_ASCII_H
#define HM_ASCII_H

static inline int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static inline int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* A hex digit's value, or -1. */
static inline int hex_val(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
