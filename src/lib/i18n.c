#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct lang *current;

const struct lang *lang_source(void)
{
	return hm_langs[0];
}

const struct lang *lang_current(void)
{
	return current ? current : hm_langs[0];
}

const struct lang *lang_use(const struct lang *l)
{
	const struct lang *prev = lang_current();
	current = l ? l : hm_langs[0];
	return prev;
}

const char *lang_codes_joined(void)
{
	static char out[256];
	size_t o = 0;
	for (size_t i = 0; hm_lang_codes[i] && o + 8 < sizeof out; i++)
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%s", i ? ", " : "", hm_lang_codes[i]);
	return out;
}

const struct lang *lang_find(const char *code)
{
	if (!code)
		return NULL;
	size_t n = strcspn(code, "-_");
	for (size_t i = 0; hm_langs[i]; i++)
		if (strlen(hm_langs[i]->code) == n && !strncasecmp(hm_langs[i]->code, code, n))
			return hm_langs[i];
	return NULL;
}

/* Orders a catalog key against "ctx\004msgid" (or msgid alone, len
 * bytes) without building the latter; strcmp's order. */
static int keycmp(const char *key, const char *ctx, const char *msgid, size_t len)
{
	if (ctx) {
		size_t n = strlen(ctx);
		int c = strncmp(key, ctx, n);
		if (c)
			return c;
		if ((unsigned char)key[n] != 4)
			return (unsigned char)key[n] - 4;
		key += n + 1;
	}
	int c = strncmp(key, msgid, len);
	return c ? c : (unsigned char)key[len] != '\0';
}

static const char *find(const struct lang *l, const char *ctx, const char *msgid, size_t len)
{
	size_t lo = 0, hi = l ? l->nmsgs : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = keycmp(l->msgs[mid].key, ctx, msgid, len);
		if (c == 0)
			return l->msgs[mid].str;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *lang_get(const struct lang *l, const char *ctx, const char *msgid)
{
	const char *s = find(l, ctx, msgid, strlen(msgid));
	return s ? s : msgid;
}

const char *lang_lookup(const struct lang *l, const char *msgid, size_t len)
{
	return find(l, NULL, msgid, len);
}

/* Form n of a found plural translation s. */
static const char *plural_form(const struct lang *l, const char *s, unsigned long n)
{
	unsigned long k = l->plural(n);
	if (k >= l->nplurals)
		k = 0;
	while (k--)
		s += strlen(s) + 1;
	return s;
}

const char *lang_nlookup(const struct lang *l, const char *msgid, size_t len, unsigned long n)
{
	const char *s = find(l, NULL, msgid, len);
	return s ? plural_form(l, s, n) : NULL;
}

const char *lang_nget(const struct lang *l, const char *msgid, const char *plural,
    unsigned long n)
{
	const char *s = find(l, NULL, msgid, strlen(msgid));
	return s ? plural_form(l, s, n) : n == 1 ? msgid : plural;
}

const char *lang_name(const struct lang *l)
{
	/* TRANSLATORS: this language's name, written in itself ("Español"). */
	return lang_get(l, "language name", NC_("language name", "English"));
}

int lang_rtl(const struct lang *l)
{
	/* Asked for every translated value a page shows: looked up once. */
	static const struct lang *last;
	static int rtl;
	if (l != last) {
		/* TRANSLATORS: "rtl" for a language written right to left. */
		rtl = !strcmp(lang_get(l, "text direction", NC_("text direction", "ltr")), "rtl");
		last = l;
	}
	return rtl;
}

/* An Accept-Language q-value ("1", "0.8", "0.125"), in thousandths; -1 when
 * it is not one. */
static int qvalue(const char *s, size_t n)
{
	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	int q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.' || n > 5)
		return -1;
	int scale = 100;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q > 1000 ? -1 : q;
}

const struct lang *lang_accept(const char *h)
{
	const struct lang *best = NULL;
	int best_q = 0;
	if (!h)
		return NULL;
	while (*h) {
		size_t len = strcspn(h, ",");
		const char *end = h + len;
		while (h < end && (*h == ' ' || *h == '\t'))
			h++;
		size_t tag = 0;
		while (h + tag < end && h[tag] != ';' && h[tag] != ' ' && h[tag] != '\t')
			tag++;
		int q = 1000;
		const char *p = h + tag;
		/* Parameters: only q counts; anything malformed drops the entry. */
		while (p < end && q >= 0) {
			while (p < end && (*p == ' ' || *p == '\t' || *p == ';'))
				p++;
			size_t plen = 0;
			while (p + plen < end && p[plen] != ';' && p[plen] != ' ' && p[plen] != '\t')
				plen++;
			if (plen >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
				q = qvalue(p + 2, plen - 2);
			else if (plen)
				q = -1;
			p += plen;
		}
		if (tag > 0 && tag < 36 && q > best_q) {
			char code[36];
			memcpy(code, h, tag);
			code[tag] = '\0';
			const struct lang *l = lang_find(code);
			if (l) {
				best = l;
				best_q = q;
			}
		}
		h = *end ? end + 1 : end;
	}
	return best;
}

void lang_number(const struct lang *l, long long n, char *out, size_t size)
{
	char digits[32];
	/* TRANSLATORS: what goes between thousands in "2,000" (a dot, a
	 * narrow no-break space…). */
	const char *sep = lang_get(l, "thousands separator", NC_("thousands separator", ","));
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	int len = snprintf(digits, sizeof digits, "%llu", u);
	size_t o = 0, seplen = strlen(sep);
	if (size == 0)
		return;
	if (n < 0 && o + 1 < size)
		out[o++] = '-';
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0) {
			if (o + seplen >= size)
				break;
			memcpy(out + o, sep, seplen);
			o += seplen;
		}
		if (o + 1 >= size)
			break;
		out[o++] = digits[i];
	}
	out[o] = '\0';
}
