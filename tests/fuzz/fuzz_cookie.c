/* libFuzzer harness for the Cookie header parser, req_cookie (request.h).
 *
 * Input: byte 0 picks the cookie name asked for; the rest, up to its first
 * NUL, is the HTTP_COOKIE header, in an exact-size heap copy so ASan sees
 * any read past its end. Beyond "no crash, no leak, no UB" it asserts:
 *   - a value never holds a control character, C0, DEL or C1 (it may reach
 *     a header or a log), nor a ';', and is a piece of the header itself;
 *   - the value is the one RFC 6265 (section 5.2) gives: pairs split on
 *     ';', name and value trimmed, the first pair of that name, one pair of
 *     double quotes removed; a value with a control character is absent.
 * Build: see tests/fuzz/run.sh. */
#include "request.h"
#include "staff.h"
#include "require.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = { REQ_COOKIE_NAME, STAFF_LOGIN_COOKIE, "a", "a b", "=" };

/* C0, DEL, or C1 (U+0080-U+009F: 0xC2 and a byte below 0xA0; with an ASCII
 * byte after it, 0xC2 is no UTF-8 at all, and refused the same). */
static int control(const char *s, size_t i, size_t n)
{
	unsigned char c = (unsigned char)s[i];
	return c < 0x20 || c == 0x7f || (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] < 0xa0);
}

static int space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The model: a straightforward reading of the header, written apart from
 * request.c. Returns the value's start and length, or -1 when absent. */
static long model(const char *h, const char *name, size_t *len)
{
	size_t nlen = strlen(name), hlen = strlen(h), i = 0;
	while (i < hlen) {
		size_t end = i;
		while (end < hlen && h[end] != ';')
			end++;
		size_t eq = i;
		while (eq < end && h[eq] != '=')
			eq++;
		if (eq < end) {
			size_t ns = i, ne = eq, vs = eq + 1, ve = end;
			while (ns < ne && space(h[ns]))
				ns++;
			while (ne > ns && space(h[ne - 1]))
				ne--;
			if (ne - ns == nlen && !memcmp(h + ns, name, nlen)) {
				while (vs < ve && space(h[vs]))
					vs++;
				while (ve > vs && space(h[ve - 1]))
					ve--;
				if (ve - vs >= 2 && h[vs] == '"' && h[ve - 1] == '"')
					vs++, ve--;
				for (size_t k = vs; k < ve; k++)
					if (control(h, k, ve))
						return -1;
				*len = ve - vs;
				return (long)vs;
			}
		}
		i = end + 1;
	}
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *name = names[data[0] % (sizeof names / sizeof names[0])];
	size_t n = strnlen((const char *)data + 1, size - 1);
	char *header = malloc(n + 1);
	memcpy(header, data + 1, n);
	header[n] = '\0';

	char *v = req_cookie(header, name);
	size_t len = 0;
	long at = model(header, name, &len);
	require((v != NULL) == (at >= 0));
	if (v) {
		size_t vlen = strlen(v);
		for (size_t k = 0; k < vlen; k++)
			require(!control(v, k, vlen) && v[k] != ';');
		require(vlen == len && memcmp(v, header + at, len) == 0);
	}
	free(v);
	/* No header at all is no cookie. */
	require(req_cookie(NULL, name) == NULL);
	free(header);
	return 0;
}
