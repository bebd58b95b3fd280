/* SMS gateway requests and redacted recipients (outbound.h). */
#include "outbound.h"

#include <stdio.h>
#include <string.h>

#include "json.h"

/* RFC 3986's unreserved characters stay; every other byte is %XX, the
 * form that both a URL and a form body read back unchanged. */
static void percent(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			buf_putc(out, (char)*p);
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[*p >> 4]);
			buf_putc(out, hex[*p & 15]);
		}
	}
}

static void escaped(struct buf *out, const char *s, enum sms_escape esc)
{
	if (esc != SMS_ESC_JSON) {
		percent(out, s);
		return;
	}
	struct buf q = {0};
	json_str(&q, s);
	buf_append(out, q.data + 1, q.len - 2);	/* the template has the quotes */
	buf_free(&q);
}

void sms_expand(struct buf *out, const char *tmpl, const char *to, const char *text,
    enum sms_escape esc)
{
	char digits[64];
	size_t k = 0;
	for (const char *p = to; *p && k + 1 < sizeof digits; p++)
		if (*p >= '0' && *p <= '9')
			digits[k++] = *p;
	digits[k] = '\0';
	static const char *const names[] = {"{to}", "{to_digits}", "{text}"};
	const char *values[] = {to, digits, text};
	for (const char *p = tmpl; *p;) {
		const char *brace = strchr(p, '{');
		if (!brace) {
			buf_puts(out, p);
			break;
		}
		buf_append(out, p, (size_t)(brace - p));
		size_t i;
		for (i = 0; i < HM_NELEM(names); i++)
			if (!strncmp(brace, names[i], strlen(names[i])))
				break;
		if (i == HM_NELEM(names)) {
			buf_putc(out, '{');
			p = brace + 1;
			continue;
		}
		escaped(out, values[i], esc);
		p = brace + strlen(names[i]);
	}
	buf_puts(out, "");	/* terminated, even when empty */
}

void recipient_redact(const char *r, char *out, size_t n)
{
	const char *at = r ? strchr(r, '@') : NULL;
	size_t len = r ? strlen(r) : 0;
	if (!n)
		return;
	if (at && at != r)
		snprintf(out, n, "%c***%s", r[0], at);
	else if (at)
		snprintf(out, n, "***%s", at);
	else if (len >= 7)
		snprintf(out, n, "%.3s%.*s%s", r, (int)(len - 5), "********************", r + len - 2);
	else
		snprintf(out, n, "***");
}
