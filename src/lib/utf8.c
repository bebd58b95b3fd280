#include "utf8.h"

#include "util.h"

#define REPLACEMENT "\xef\xbf\xbd"

size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;
	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		lo = s[0] == 0xe0 ? 0xa0 : 0x80;
		hi = s[0] == 0xed ? 0x9f : 0xbf;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		lo = s[0] == 0xf0 ? 0x90 : 0x80;
		hi = s[0] == 0xf4 ? 0x8f : 0xbf;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq(p + i, n - i);
		if (!len)
			return 0;
		i += len;
	}
	return 1;
}

size_t utf8_chars(const char *s, size_t n)
{
	size_t chars = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xc0) == 0x80)
			continue;	/* a continuation byte */
		if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;	/* counted with its LF */
		chars++;
	}
	return chars;
}

int utf8_is_control(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (s[0] < 0x20 || s[0] == 0x7f)
		return 1;
	return n >= 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

char *utf8_clean(const char *s, size_t n, unsigned flags)
{
	struct buf b = {0};
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t len = utf8_seq(p + i, n - i);
		if (!len) {
			buf_puts(&b, REPLACEMENT);
			i++;
			continue;
		}
		if (utf8_is_control(p + i, len)) {
			int keep = (p[i] == '\n' && (flags & UTF8_KEEP_LF)) ||
			    ((p[i] == '\r' || p[i] == '\t') && (flags & UTF8_KEEP_CRTAB));
			if (keep)
				buf_putc(&b, (char)p[i]);
			else
				buf_puts(&b, (flags & UTF8_CTL_SPACE) ? " " : REPLACEMENT);
		} else {
			buf_append(&b, p + i, len);
		}
		i += len;
	}
	return buf_detach(&b);
}
