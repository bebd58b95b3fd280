/* Unit tests for src/lib/ids.c: tracking IDs (mint, parse) and UUIDs.
 * The tracking ID is the customer's access token (DESIGN.md, Identifiers),
 * so the tests pin both what customers may type and what must be refused. */
#include "check.h"
#include "ids.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* 1 when s is PPP-XXXX-XXXX-XXXX-XXXX with P in A-Z and X Crockford. */
static int is_canonical_tid(const char *s)
{
	if (strlen(s) != 23)
		return 0;
	for (int i = 0; i < 3; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	for (int i = 3; i < 23; i++) {
		if ((i - 3) % 5 == 0) {
			if (s[i] != '-')
				return 0;
		} else if (!strchr(crockford, s[i]) || !s[i]) {
			return 0;
		}
	}
	return 1;
}

/* 1 when s is a lowercase hyphenated 8-4-4-4-12 UUID. */
static int is_canonical_uuid(const char *s)
{
	if (strlen(s) != 36)
		return 0;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!strchr("0123456789abcdef", s[i]) || !s[i]) {
			return 0;
		}
	}
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* ---- tid_mint ---- */

#define NMINT 1000

static void test_mint(void)
{
	static char ids[NMINT][TID_MAX];
	int seen[256] = {0}, first[256] = {0}, last[256] = {0};
	char out[TID_MAX], back[TID_MAX];
	int all_canonical = 1, all_roundtrip = 1, all_lower_roundtrip = 1;

	static const char *const bad[] = {
		"rpr", "Rpr", "RP", "R", "", "RPRX", "ABCD", "R1R", "123", "RP-",
		"RP ", " RPR", "\303\204BC", "AB\xff", "RP\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (tid_mint(bad[i], out) != -1)
			fprintf(stderr, "  tid_mint accepted prefix \"%s\"\n", bad[i]);
		CHECK(tid_mint(bad[i], out) == -1);
	}

	CHECK(tid_mint("RPR", out) == 0);
	CHECK(is_canonical_tid(out));
	CHECK(strncmp(out, "RPR-", 4) == 0);
	CHECK(tid_mint("BSP", out) == 0);
	CHECK(strncmp(out, "BSP-", 4) == 0);
	CHECK(tid_mint("ZZZ", out) == 0);
	CHECK(strncmp(out, "ZZZ-", 4) == 0);

	for (int i = 0; i < NMINT; i++) {
		if (tid_mint("RPR", ids[i]) != 0 || !is_canonical_tid(ids[i])) {
			all_canonical = 0;
			continue;
		}
		/* Every minted ID survives the customer's path through tid_parse,
		 * as typed and as typed in lowercase without separators. */
		if (tid_parse(ids[i], back) != 0 || strcmp(back, ids[i]) != 0)
			all_roundtrip = 0;
		char lower[TID_MAX];
		size_t n = 0;
		for (const char *p = ids[i]; *p; p++)
			if (*p != '-')
				lower[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		lower[n] = '\0';
		if (tid_parse(lower, back) != 0 || strcmp(back, ids[i]) != 0)
			all_lower_roundtrip = 0;
		for (int k = 4; k < 23; k++)
			seen[(unsigned char)ids[i][k]]++;
		first[(unsigned char)ids[i][4]]++;
		last[(unsigned char)ids[i][22]]++;
	}
	CHECK(all_canonical);
	CHECK(all_roundtrip);
	CHECK(all_lower_roundtrip);

	/* Distinct: 80 random bits make a collision in 1000 practically impossible. */
	qsort(ids, NMINT, sizeof ids[0], cmp_str);
	int dup = 0;
	for (int i = 1; i < NMINT; i++)
		if (!strcmp(ids[i - 1], ids[i]))
			dup++;
	CHECK(dup == 0);

	/* The whole alphabet is used, in the first and the last position too
	 * (a bit-extraction slip would starve one end); nothing outside it. */
	int missing = 0, first_missing = 0, last_missing = 0;
	for (const char *c = crockford; *c; c++) {
		missing += !seen[(unsigned char)*c];
		first_missing += !first[(unsigned char)*c];
		last_missing += !last[(unsigned char)*c];
	}
	CHECK(missing == 0);
	CHECK(first_missing == 0);
	CHECK(last_missing == 0);
	CHECK(!seen['I'] && !seen['L'] && !seen['O'] && !seen['U']);
	int outside = 0;
	for (int c = 0; c < 256; c++)
		if (seen[c] && c != '-' && !strchr(crockford, c))
			outside++;
	CHECK(outside == 0);
}

/* ---- tid_parse ---- */

struct pcase {
	const char *in;
	const char *want;	/* NULL: must be rejected */
};

#define GOOD "RPR-7K3M-9QXD-2HJF-T8WA"

static const struct pcase pcases[] = {
	/* the canonical form and what customers type */
	{ GOOD, GOOD },
	{ "rpr-7k3m-9qxd-2hjf-t8wa", GOOD },
	{ "Rpr-7K3m-9qXd-2HjF-t8Wa", GOOD },
	{ "RPR7K3M9QXD2HJFT8WA", GOOD },
	{ "rpr7k3m9qxd2hjft8wa", GOOD },
	{ "RPR 7K3M 9QXD 2HJF T8WA", GOOD },
	{ "  RPR-7K3M-9QXD-2HJF-T8WA  ", GOOD },
	{ "R-P-R-7-K-3-M-9-Q-X-D-2-H-J-F-T-8-W-A", GOOD },
	{ "RPR--7K3M--9QXD--2HJF--T8WA--", GOOD },
	{ "\tRPR\t7K3M\t9QXD 2HJF-T8WA\t", GOOD },
	{ "R P R 7K 3M9Q XD2H JFT8 WA", GOOD },
	{ "BSP-0000-0000-0000-0000", "BSP-0000-0000-0000-0000" },
	{ "abc-zzzz-zzzz-zzzz-zzzz", "ABC-ZZZZ-ZZZZ-ZZZZ-ZZZZ" },

	/* Crockford: O->0, I and L->1; U is not a symbol. The prefix is
	 * letters, so an O there stays an O. */
	{ "RPR-7K3M-9QXD-2HJF-T8WO", "RPR-7K3M-9QXD-2HJF-T8W0" },
	{ "RPR-OOOO-oooo-0000-0000", "RPR-0000-0000-0000-0000" },
	{ "RPR-IiLl-1111-0000-0000", "RPR-1111-1111-0000-0000" },
	{ "ooo-oooo-oooo-oooo-oooo", "OOO-0000-0000-0000-0000" },
	{ "RPR-7K3M-9QXD-2HJF-T8WU", NULL },
	{ "RPR-7K3M-9QXD-2HJF-T8Wu", NULL },
	{ "RPR-U000-0000-0000-0000", NULL },

	/* wrong lengths */
	{ "RPR-7K3M-9QXD-2HJF-T8W", NULL },		/* 15 */
	{ "RPR-7K3M-9QXD-2HJF-T8WAB", NULL },		/* 17 */
	{ "RPR-7K3M-9QXD-2HJF-T8WA-7K3M", NULL },	/* 20 */
	{ "RPR-7", NULL },
	{ "RPRX-7K3M-9QXD-2HJF-T8WA", NULL },		/* 4-letter prefix */
	{ "RP-7K3M-9QXD-2HJF-T8WA", NULL },		/* 2-letter prefix */

	/* legacy hex: 8 or 12 digits, nothing in between */
	{ "RPR-A1B2C3D4", "RPR-A1B2C3D4" },
	{ "rpr-a1b2c3d4", "RPR-A1B2C3D4" },
	{ "RPRA1B2C3D4", "RPR-A1B2C3D4" },
	{ "RPR A1B2 C3D4", "RPR-A1B2C3D4" },
	{ "RPR-00000000", "RPR-00000000" },
	{ "RPR-A1B2C3D4E5F6", "RPR-A1B2C3D4E5F6" },
	{ "rpr-a1b2-c3d4-e5f6", "RPR-A1B2C3D4E5F6" },
	{ "RPR-A1B2C3DO", "RPR-A1B2C3D0" },		/* O->0 keeps it hex */
	{ "RPR-A1B2C3D4E5", NULL },			/* 10 */
	{ "RPR-A1B2C3D", NULL },			/* 7 */
	{ "RPR-A1B2C3D4E", NULL },			/* 9 */
	{ "RPR-A1B2C3D4E5F", NULL },			/* 11 */
	{ "RPR-A1B2C3D4E5F6A", NULL },			/* 13 */
	{ "RPR-G1B2C3D4", NULL },			/* G is not hex */
	{ "RPR-A1B2C3DZ", NULL },
	{ "RPR-A1B2C3D4E5FZ", NULL },
	{ "RPR-A1B2C3DU", NULL },

	/* the prefix is three letters */
	{ "RP1-7K3M-9QXD-2HJF-T8WA", NULL },
	{ "1PR-7K3M-9QXD-2HJF-T8WA", NULL },
	{ "123-7K3M-9QXD-2HJF-T8WA", NULL },
	{ "R2R-A1B2C3D4", NULL },
	{ "7K3M9QXD2HJFT8WA", NULL },			/* no prefix at all */

	/* empty, separators only, prefix only */
	{ "", NULL },
	{ " ", NULL },
	{ "---", NULL },
	{ "\t \t", NULL },
	{ "RPR", NULL },
	{ "RPR-", NULL },
	{ "rpr - ", NULL },

	/* other punctuation and white space is not ignored */
	{ "RPR_7K3M_9QXD_2HJF_T8WA", NULL },
	{ "RPR.7K3M.9QXD.2HJF.T8WA", NULL },
	{ "RPR/7K3M/9QXD/2HJF/T8WA", NULL },
	{ "RPR-7K3M-9QXD-2HJF-T8WA/", NULL },
	{ "RPR-7K3M-9QXD-2HJF-T8WA\n", NULL },
	{ "RPR-7K3M-9QXD-2HJF-T8WA\r", NULL },
	{ "RPR-7K3M-9QXD-2HJF-T8WA?x=1", NULL },
	{ "RPR-7K3M-9QXD-2HJF-T8WA%00", NULL },
	{ "RPR-7K3M-9QXD-2HJF-T8W*", NULL },
	{ "<script>", NULL },

	/* non-ASCII: UTF-8 letters, NBSP, a fullwidth hyphen, stray bytes */
	{ "RPR-7K3M-9QXD-2HJF-T8W\xc3\xa9", NULL },
	{ "\xc3\x84PR-7K3M-9QXD-2HJF-T8WA", NULL },
	{ "RPR\xc2\xa0" "7K3M-9QXD-2HJF-T8WA", NULL },
	{ "RPR\xef\xbc\x8d" "7K3M-9QXD-2HJF-T8WA", NULL },
	{ "RPR-7K3M-9QXD-2HJF-T8WA\xff", NULL },
	{ "\x80\x81\x82", NULL },
	{ "RPR-A1B2C3D\xb4", NULL },
};

static void test_parse_table(void)
{
	for (size_t i = 0; i < sizeof pcases / sizeof pcases[0]; i++) {
		const struct pcase *c = &pcases[i];
		char out[TID_MAX];
		memset(out, 'x', sizeof out);
		int rc = tid_parse(c->in, out);
		if (c->want) {
			if (rc != 0)
				fprintf(stderr, "  case %zu \"%s\" rejected\n", i, c->in);
			CHECK(rc == 0);
			if (rc == 0)
				CHECK_STR(out, c->want);
		} else {
			if (rc != -1)
				fprintf(stderr, "  case %zu \"%s\" accepted\n", i, c->in);
			CHECK(rc == -1);
		}
	}
}

static void test_parse_long(void)
{
	char out[TID_MAX];
	size_t n = 100000;
	char *s = malloc(n + 1);

	/* Letters and digits without end. */
	for (size_t i = 0; i < n; i++)
		s[i] = "RPR7K3M9QXD2HJFT8WA"[i % 19];
	s[n] = '\0';
	CHECK(tid_parse(s, out) == -1);
	/* All 'A's: a valid prefix then a body that never stops. */
	memset(s, 'A', n);
	CHECK(tid_parse(s, out) == -1);
	/* Hex only, long past the legacy lengths. */
	memcpy(s, "RPR", 3);
	memset(s + 3, '0', n - 3);
	CHECK(tid_parse(s, out) == -1);
	/* Separators are ignored however many there are: a long run of them
	 * around a good ID still finds it (and must not overflow anything). */
	memset(s, ' ', n);
	memcpy(s + n / 2, GOOD, strlen(GOOD));
	CHECK(tid_parse(s, out) == 0 && !strcmp(out, GOOD));
	/* Very long garbage after a good ID. */
	memset(s, '-', n);
	memcpy(s, GOOD, strlen(GOOD));
	s[n - 1] = 'Z';
	CHECK(tid_parse(s, out) == -1);
	free(s);
}


/* ---- uuid_v4 / uuid_parse ---- */

#define NUUID 1000

static void test_uuid_v4(void)
{
	static char u[NUUID][37];
	int fmt = 1, version = 1, variant = 1, roundtrip = 1;
	int variants[4] = {0};

	for (int i = 0; i < NUUID; i++) {
		char back[37];
		uuid_v4(u[i]);
		if (!is_canonical_uuid(u[i]))
			fmt = 0;
		if (u[i][14] != '4')
			version = 0;
		const char *v = strchr("89ab", u[i][19]);
		if (!v || !u[i][19])
			variant = 0;
		else
			variants[v - "89ab"]++;
		if (uuid_parse(u[i], back) != 0 || strcmp(back, u[i]) != 0)
			roundtrip = 0;
	}
	CHECK(fmt);
	CHECK(version);
	CHECK(variant);
	CHECK(roundtrip);
	/* The two random variant bits do vary. */
	CHECK(variants[0] && variants[1] && variants[2] && variants[3]);
	qsort(u, NUUID, sizeof u[0], cmp_str);
	int dup = 0;
	for (int i = 1; i < NUUID; i++)
		if (!strcmp(u[i - 1], u[i]))
			dup++;
	CHECK(dup == 0);
}

static const struct pcase ucases[] = {
	{ "0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e" },
	{ "0F8FAD5B-D9CB-469F-A165-70867728950E", "0f8fad5b-d9cb-469f-a165-70867728950e" },
	{ "0f8FaD5b-D9cB-469f-A165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e" },
	/* any version */
	{ "00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000" },
	{ "ffffffff-ffff-ffff-ffff-ffffffffffff", "ffffffff-ffff-ffff-ffff-ffffffffffff" },
	{ "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "6ba7b810-9dad-11d1-80b4-00c04fd430c8" },
	{ "017f22e2-79b0-7cc3-98c4-dc0c0c07398f", "017f22e2-79b0-7cc3-98c4-dc0c0c07398f" },

	{ "", NULL },
	{ "0f8fad5bd9cb469fa16570867728950e", NULL },		/* no hyphens */
	{ "{0f8fad5b-d9cb-469f-a165-70867728950e}", NULL },
	{ "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e", NULL },
	{ "0f8fad5b-d9cb-469f-a165-70867728950", NULL },	/* 35 */
	{ "0f8fad5b-d9cb-469f-a165-70867728950e0", NULL },	/* 37 */
	{ "0f8fad5b-d9cb-469f-a165-70867728950e\n", NULL },
	{ " 0f8fad5b-d9cb-469f-a165-70867728950e", NULL },
	{ "0f8fad5bd-9cb-469f-a165-70867728950e", NULL },	/* hyphen moved */
	{ "0f8fad5b-d9cb-469f-a1657-0867728950e", NULL },
	{ "0f8fad5b-d9cb-469f-a165+70867728950e", NULL },
	{ "0f8fad5b_d9cb_469f_a165_70867728950e", NULL },
	{ "0f8fad5b-d9cb-469f-a165-70867728950g", NULL },
	{ "gf8fad5b-d9cb-469f-a165-70867728950e", NULL },
	{ "0f8fad5b-d9cb-469f-a165-7086772895 e", NULL },
	{ "0f8fad5b-d9cb-469f-a165-7086772895\xc3\xa9", NULL },	/* 36 bytes */
	{ "0f8fad5b-d9cb-469f-a165-70867728950\xff", NULL },
	{ "------------------------------------", NULL },
	{ "RPR-7K3M-9QXD-2HJF-T8WA", NULL },
};

static void test_uuid_parse(void)
{
	for (size_t i = 0; i < sizeof ucases / sizeof ucases[0]; i++) {
		const struct pcase *c = &ucases[i];
		char out[37];
		int rc = uuid_parse(c->in, out);
		if (c->want) {
			if (rc != 0)
				fprintf(stderr, "  uuid case %zu \"%s\" rejected\n", i, c->in);
			CHECK(rc == 0);
			if (rc == 0)
				CHECK_STR(out, c->want);
		} else {
			if (rc != -1)
				fprintf(stderr, "  uuid case %zu \"%s\" accepted\n", i, c->in);
			CHECK(rc == -1);
		}
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_mint();
	test_parse_table();
	test_parse_long();
	test_uuid_v4();
	test_uuid_parse();
	return check_summary("ids");
}
