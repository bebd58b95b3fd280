/* Validators of declared parameters. Each sees the decoded value in
 * f->raw and, when it accepts, hands f->val (heap) and f->ival over. They
 * guard against a NUL inside raw themselves because tests and other
 * callers (hallmarkctl) use them outside the parser. */
#include "ascii.h"
#include "phone.h"
#include "request.h"
#include "util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MONEY_MAX_CENTS INT64_C(1000000000000)
#define TZNAME_MAX 64

static int accept_val(struct field *f, char *val, int64_t ival)
{
	free(f->val);
	f->val = val;
	f->ival = ival;
	return 1;
}

/* A heap copy of the raw value, or NULL when it holds a NUL byte. */
static char *raw_copy(const struct field *f)
{
	if (!f->raw || memchr(f->raw, '\0', f->rawlen))
		return NULL;
	return xstrndup(f->raw, f->rawlen);
}

/* Fields typed by people get surrounding white space forgiven. */
static char *raw_trimmed(const struct field *f)
{
	char *s = raw_copy(f);
	return s ? str_trim(s) : NULL;
}

int v_string(struct field *f, const struct param *p)
{
	char *s = raw_trimmed(f);
	(void)p;
	/* One line even if a table wrongly marks the field multi-line. */
	if (!s || strpbrk(s, "\r\n")) {
		free(s);
		return 0;
	}
	return accept_val(f, s, 0);
}

int v_text(struct field *f, const struct param *p)
{
	char *s = raw_copy(f);
	size_t j = 0;
	(void)p;
	if (!s)
		return 0;
	/* Browsers send CRLF; old Macs and some pastes send a lone CR. */
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\r') {
			s[j++] = '\n';
			if (s[i + 1] == '\n')
				i++;
		} else {
			s[j++] = s[i];
		}
	}
	s[j] = '\0';
	return accept_val(f, str_trim(s), 0);
}

/* Decimal with an optional '-', no overflow: the negative side is
 * accumulated separately so INT64_MIN itself parses. */
static int parse_int64(const char *s, int64_t *out)
{
	int neg = *s == '-';
	int64_t v = 0;
	s += neg;
	if (!*s)
		return 0;
	for (; *s; s++) {
		int d = *s - '0';
		if (!is_digit((unsigned char)*s))
			return 0;
		if (neg ? v < (INT64_MIN + d) / 10 : v > (INT64_MAX - d) / 10)
			return 0;
		v = neg ? v * 10 - d : v * 10 + d;
	}
	*out = v;
	return 1;
}

int v_int(struct field *f, const struct param *p)
{
	char *s = raw_trimmed(f);
	int64_t v = 0;
	int ok = 0;
	if (!s || !parse_int64(s, &v))
		goto out;
	if (p && (p->min || p->max) && (v < p->min || v > p->max))
		goto out;
	ok = accept_val(f, xasprintf("%" PRId64, v), v);
out:
	free(s);
	return ok;
}

int v_bool(struct field *f, const struct param *p)
{
	static const char *const yes[] = { "1", "on", "yes", "true" };
	static const char *const no[] = { "0", "off", "no", "false", "" };
	char *s = raw_trimmed(f);
	int ok = 0;
	(void)p;
	if (!s)
		return 0;
	for (size_t i = 0; !ok && i < HM_NELEM(yes); i++)
		if (strcasecmp(s, yes[i]) == 0)
			ok = accept_val(f, xstrdup("1"), 1);
	for (size_t i = 0; !ok && i < HM_NELEM(no); i++)
		if (strcasecmp(s, no[i]) == 0)
			ok = accept_val(f, xstrdup("0"), 0);
	free(s);
	return ok;
}

/* The value of n decimal digits at s, or -1. */
static int digits_val(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

int v_date(struct field *f, const struct param *p)
{
	char *s = raw_trimmed(f);
	int y, m, d, ok = 0;
	(void)p;
	if (!s)
		return 0;
	if (!*s) {
		ok = accept_val(f, s, 0);
		s = NULL;
		goto out;
	}
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		goto out;
	y = digits_val(s, 4);
	m = digits_val(s + 5, 2);
	d = digits_val(s + 8, 2);
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		goto out;
	ok = accept_val(f, s, (int64_t)y * 10000 + m * 100 + d);
	s = NULL;
out:
	free(s);
	return ok;
}

/* Enough to catch typos, not RFC 5322: the only real check of an address
 * is mail arriving. */
static int email_ok(char *s)
{
	char *at = strchr(s, '@'), *dom;
	if (!at || at == s || strchr(at + 1, '@'))
		return 0;
	for (char *c = s; *c; c++)
		if (is_space((unsigned char)*c))
			return 0;
	dom = at + 1;
	if (!strchr(dom, '.') || *dom == '.' || dom[strlen(dom) - 1] == '.' || strstr(dom, ".."))
		return 0;
	/* Domains are case-insensitive; local parts need not be. */
	for (char *c = dom; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return 1;
}

int v_email(struct field *f, const struct param *p)
{
	char *s = raw_trimmed(f);
	(void)p;
	if (!s || (*s && !email_ok(s))) {
		free(s);
		return 0;
	}
	return accept_val(f, s, 0);
}

/* An absolute http(s) link for a customer to follow: a host, and nothing
 * that could break out of an attribute or hide a second URL. */
static int url_ok(const char *s)
{
	const char *host;
	if (!strncmp(s, "https://", 8))
		host = s + 8;
	else if (!strncmp(s, "http://", 7))
		host = s + 7;
	else
		return 0;
	if (!*host || *host == '/' || *host == '.' || *host == ':' || *host == '@')
		return 0;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c <= ' ' || *c >= 0x7f || strchr("\"'<>`\\{}|^", *c))
			return 0;
	return 1;
}

int v_url(struct field *f, const struct param *p)
{
	char *s = raw_trimmed(f);
	(void)p;
	if (!s || (*s && !url_ok(s))) {
		free(s);
		return 0;
	}
	return accept_val(f, s, 0);
}

int v_phone(struct field *f, const struct param *p)
{
	char *s = raw_trimmed(f);
	size_t ndigits = 0;
	int ok = 0;
	(void)p;
	if (!s)
		return 0;
	for (const char *c = s; *c; c++) {
		if (is_digit((unsigned char)*c))
			ndigits++;
		else if (!strchr(" +-().", *c))
			goto out;
	}
	if (*s && ndigits < 3)
		goto out;
	ok = accept_val(f, s, 0);
	s = NULL;
out:
	free(s);
	return ok;
}

/* Whole units with optional thousands commas (groups of three after the
 * first), then optionally '.' and one or two decimals. The cap keeps every
 * sum of a few amounts far from int64 overflow. */
static int parse_money(const char *s, int64_t *cents)
{
	int64_t units = 0, frac = 0;
	size_t group = 0, ndec = 0;
	int commas = 0;
	for (; is_digit((unsigned char)*s) || *s == ','; s++) {
		if (*s == ',') {
			if (group == 0 || group > 3 || (commas && group != 3))
				return 0;
			commas = 1;
			group = 0;
			continue;
		}
		units = units * 10 + (*s - '0');
		group++;
		if (units > MONEY_MAX_CENTS / 100)
			return 0;
	}
	if (group == 0 || (commas && group != 3))
		return 0;
	if (*s == '.') {
		for (s++; is_digit((unsigned char)*s) && ndec < 3; s++, ndec++)
			frac = frac * 10 + (*s - '0');
		if (ndec < 1 || ndec > 2)
			return 0;
		if (ndec == 1)
			frac *= 10;
	}
	if (*s || units * 100 + frac > MONEY_MAX_CENTS)
		return 0;
	*cents = units * 100 + frac;
	return 1;
}

int v_money(struct field *f, const struct param *p)
{
	char *s = raw_trimmed(f);
	int64_t cents = 0;
	int ok = 0;
	(void)p;
	if (!s)
		return 0;
	if (!*s) {
		ok = accept_val(f, s, 0);
		s = NULL;
	} else if (parse_money(s, &cents)) {
		ok = accept_val(f, xasprintf("%" PRId64 ".%02d", cents / 100, (int)(cents % 100)),
		    cents);
	}
	free(s);
	return ok;
}

/* Machine-made values are taken exactly as sent: no trimming. */
static int only_chars(const struct field *f, const char *extra, int upper)
{
	if (!f->raw || f->rawlen == 0)
		return 0;
	for (size_t i = 0; i < f->rawlen; i++) {
		int c = (unsigned char)f->raw[i];
		if (is_lower(c) || is_digit(c) || (upper && c >= 'A' && c <= 'Z'))
			continue;
		if (c == '\0' || !strchr(extra, c))
			return 0;
	}
	return 1;
}

int v_token(struct field *f, const struct param *p)
{
	(void)p;
	if (!only_chars(f, "_-", 1))
		return 0;
	return accept_val(f, xstrndup(f->raw, f->rawlen), 0);
}

int v_word(struct field *f, const struct param *p)
{
	(void)p;
	if (!only_chars(f, "_", 0))
		return 0;
	return accept_val(f, xstrndup(f->raw, f->rawlen), 0);
}

/* Zone names end up as paths under the zoneinfo directory, so nothing that
 * could climb out of it or name the root: '.' is not even allowed, which
 * rules out "..", and empty components are refused. */
int v_tzname(struct field *f, const struct param *p)
{
	(void)p;
	if (!only_chars(f, "_+-/", 1) || f->rawlen > TZNAME_MAX)
		return 0;
	if (f->raw[0] == '/' || f->raw[f->rawlen - 1] == '/' || strstr(f->raw, "//"))
		return 0;
	return accept_val(f, xstrndup(f->raw, f->rawlen), 0);
}

int v_secret(struct field *f, const struct param *p)
{
	char *s = raw_copy(f);
	(void)p;
	/* Spaces at either end are part of a password, here as in hallmarkctl. */
	if (!s)
		return 0;
	return accept_val(f, s, 0);
}

/* Machine-made values (radio buttons, selects): exactly one listed value. */
int v_choice(struct field *f, const struct param *p)
{
	if (!p || !p->choices || !f->raw || memchr(f->raw, '\0', f->rawlen))
		return 0;
	for (const char *const *c = p->choices; *c; c++)
		if (strlen(*c) == f->rawlen && memcmp(*c, f->raw, f->rawlen) == 0)
			return accept_val(f, xstrdup(*c), 0);
	return 0;
}

int v_colour(struct field *f, const struct param *p)
{
	char *s = raw_trimmed(f);
	(void)p;
	if (!s)
		return 0;
	if (!*s)
		return accept_val(f, s, 0);
	int ok = strlen(s) == 7 && s[0] == '#';
	for (int i = 1; ok && i < 7; i++) {
		ok = hex_val((unsigned char)s[i]) >= 0;
		if (s[i] >= 'A' && s[i] <= 'F')
			s[i] = (char)(s[i] - 'A' + 'a');
	}
	if (!ok) {
		free(s);
		return 0;
	}
	return accept_val(f, s, (int64_t)strtol(s + 1, NULL, 16));
}

int v_country(struct field *f, const struct param *p)
{
	char *s = raw_trimmed(f);
	(void)p;
	if (!s)
		return 0;
	if (*s) {
		const struct phone_country *c = phone_country(s);
		free(s);
		if (!c)
			return 0;
		s = xstrdup(c->iso);
	}
	return accept_val(f, s, 0);
}

int v_accepts(int (*v)(struct field *, const struct param *), const struct param *p,
    const char *s)
{
	struct field f = {.raw = (char *)s, .rawlen = strlen(s)};
	int ok = v(&f, p);
	free(f.val);
	return ok;
}
