/* libFuzzer harness for the Accept-Language reader, lang_accept (i18n.h).
 *
 * Input: the header, up to its first NUL, in an exact-size heap copy so
 * ASan sees any read past its end. Beyond "no crash, no leak, no UB" it
 * asserts the answer is the one a plain reading of RFC 9110 (12.5.4) gives,
 * written apart from i18n.c: entries split on ',', a tag up to ';' or
 * space, parameters after ';' of which only q counts (0 to 1, at most three
 * decimals; anything else drops the entry), and the shipped language of the
 * highest q, the first of equals, q=0 never. Build: see tests/fuzz/run.sh. */
#include "i18n.h"
#include "require.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ows(char c)
{
	return c == ' ' || c == '\t';
}

/* q in thousandths, or -1. */
static int model_q(const char *s, size_t n)
{
	if (n == 1 && (s[0] == '0' || s[0] == '1'))
		return s[0] == '1' ? 1000 : 0;
	if (n < 2 || n > 5 || s[1] != '.' || (s[0] != '0' && s[0] != '1'))
		return -1;
	int q = 0, scale = 100;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		q += (s[i] - '0') * scale;
	}
	if (s[0] == '1')
		return q == 0 ? 1000 : -1;
	return q;
}

static const struct lang *model(const char *h)
{
	const struct lang *best = NULL;
	int best_q = 0;
	char *copy = strdup(h), *save = NULL;
	require(copy);
	/* strtok would merge empty entries, which is what we want here. */
	for (char *e = strtok_r(copy, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		while (ows(*e))
			e++;
		size_t tag = strcspn(e, "; \t");
		int q = 1000;
		char *p = e + tag;
		while (*p && q >= 0) {
			while (*p == ';' || ows(*p))
				p++;
			size_t n = strcspn(p, "; \t");
			if (n >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
				q = model_q(p + 2, n - 2);
			else if (n)
				q = -1;
			p += n;
		}
		if (!tag || tag >= 36 || q <= best_q)
			continue;
		char t[36];
		memcpy(t, e, tag);
		t[tag] = '\0';
		size_t primary = strcspn(t, "-_");
		for (size_t i = 0; hm_langs[i]; i++)
			if (strlen(hm_langs[i]->code) == primary &&
			    !strncasecmp(hm_langs[i]->code, t, primary)) {
				best = hm_langs[i];
				best_q = q;
			}
	}
	free(copy);
	return best;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *)data, size);
	char *h = malloc(n + 1);
	require(h);
	memcpy(h, data, n);
	h[n] = '\0';
	const struct lang *got = lang_accept(h);
	int shipped = got == NULL;
	for (size_t i = 0; hm_langs[i] && !shipped; i++)
		shipped = hm_langs[i] == got;
	require(shipped);
	require(got == model(h));
	free(h);
	return 0;
}
