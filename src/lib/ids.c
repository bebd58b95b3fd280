#include "ids.h"

#include <ctype.h>
#include <string.h>

#include <sodium.h>

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Writes PPP-XXXX-XXXX-XXXX-XXXX from a prefix and 16 body characters. */
static void format_grouped(const char *prefix, const char *body, char out[TID_MAX])
{
	memcpy(out, prefix, 3);
	out[3] = '-';
	for (int g = 0; g < 4; g++) {
		memcpy(out + 4 + g * 5, body + g * 4, 4);
		out[8 + g * 5] = g < 3 ? '-' : '\0';
	}
}

int tid_mint(const char *prefix, char out[TID_MAX])
{
	unsigned char rnd[10];
	char body[17];

	if (strlen(prefix) != TID_PREFIX_LEN)
		return -1;
	for (int i = 0; i < TID_PREFIX_LEN; i++)
		if (prefix[i] < 'A' || prefix[i] > 'Z')
			return -1;
	randombytes_buf(rnd, sizeof rnd);
	/* 80 bits are exactly 16 groups of five. */
	for (int i = 0; i < 16; i++) {
		int bit = i * 5, v = 0;
		for (int k = 0; k < 5; k++, bit++)
			v = (v << 1) | ((rnd[bit / 8] >> (7 - bit % 8)) & 1);
		body[i] = crockford[v];
	}
	body[16] = '\0';
	sodium_memzero(rnd, sizeof rnd);
	format_grouped(prefix, body, out);
	return 0;
}

/* Maps one typed character to its Crockford digit, or 0 if it is not one. */
static char crockford_norm(char c)
{
	c = (char)toupper((unsigned char)c);
	if (c == 'O')
		return '0';
	if (c == 'I' || c == 'L')
		return '1';
	if (c == 'U')
		return 0;
	return strchr(crockford, c) && c ? c : 0;
}

int tid_parse(const char *in, char out[TID_MAX])
{
	char pre[4], body[17];
	size_t np = 0, nb = 0;
	int hex = 1;

	for (const char *p = in; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (np < 3) {
			if (!isalpha(c))
				return -1;
			pre[np++] = (char)toupper(c);
			continue;
		}
		if (nb == 16)
			return -1;
		char d = crockford_norm((char)c);
		if (!d)
			return -1;
		if (!isxdigit((unsigned char)d))
			hex = 0;
		body[nb++] = d;
	}
	if (np != 3)
		return -1;
	pre[3] = body[nb] = '\0';
	if (nb == 16) {
		format_grouped(pre, body, out);
		return 0;
	}
	if ((nb == 8 || nb == 12) && hex) {
		memcpy(out, pre, 3);
		out[3] = '-';
		memcpy(out + 4, body, nb + 1);
		return 0;
	}
	return -1;
}

void uuid_v4(char out[37])
{
	unsigned char b[16];
	static const char hx[] = "0123456789abcdef";
	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	char *o = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		*o++ = hx[b[i] >> 4];
		*o++ = hx[b[i] & 15];
	}
	*o = '\0';
}

int uuid_parse(const char *in, char out[37])
{
	if (strlen(in) != 36)
		return -1;
	for (int i = 0; i < 36; i++) {
		char c = in[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return -1;
		} else if (!isxdigit((unsigned char)c)) {
			return -1;
		}
		out[i] = (char)tolower((unsigned char)c);
	}
	out[36] = '\0';
	return 0;
}
