/* Languages: finding one, Accept-Language, numbers, plural forms, dates,
 * and the catalogs compiled into the executables. */
#include "check.h"
#include "fmt.h"
#include "i18n.h"

#include <stdlib.h>
#include <string.h>

static const char *code(const struct lang *l)
{
	return l ? l->code : "(none)";
}

static void test_find(void)
{
	CHECK_STR(code(lang_find("en")), "en");
	CHECK_STR(code(lang_find("ES")), "es");
	CHECK_STR(code(lang_find("es-MX")), "es");
	CHECK_STR(code(lang_find("ar_SA")), "ar");
	CHECK_STR(code(lang_find("pt")), "(none)");
	CHECK_STR(code(lang_find("e")), "(none)");
	CHECK_STR(code(lang_find("esp")), "(none)");
	CHECK_STR(code(lang_find("")), "(none)");
	CHECK(lang_find(NULL) == NULL);
	CHECK(lang_source() == lang_find("en"));
	/* Every shipped language, English first, each a code once. */
	const char *want[] = {"en", "ar", "de", "es", "fr", "it"};
	size_t n = 0;
	while (hm_langs[n])
		n++;
	CHECK(n == 6);
	for (size_t i = 0; i < 6 && i < n; i++) {
		CHECK_STR(hm_langs[i]->code, want[i]);
		CHECK_STR(hm_lang_codes[i], want[i]);
	}
	CHECK_STR(lang_codes_joined(), "en, ar, de, es, fr, it");
}

static void test_accept(void)
{
	static const struct { const char *header, *want; } t[] = {
		{"es-MX,es;q=0.9,en;q=0.5", "es"},
		{"pt-BR,pt;q=0.9,fr;q=0.8,en;q=0.7", "fr"},	/* no Portuguese: the next */
		{"fr;q=0.5, de;q=0.8", "de"},			/* by q, not by order */
		{"it, de", "it"},				/* equal q: the first */
		{"de;q=0, fr", "fr"},				/* q=0 refuses */
		{"de;q=0.000", "(none)"},
		{"en-GB,en;q=0.9", "en"},
		{"AR-sa", "ar"},
		{"  fr ; q=0.7 , de;q=0.3", "fr"},
		{"es;q=0.999,fr;q=0.998", "es"},
		{"es;q=1.0", "es"},
		{"es;q=1.5,fr;q=0.1", "fr"},			/* a malformed q drops the entry */
		{"es;q=0.9999,fr;q=0.1", "fr"},
		{"es;q=,fr;q=0.1", "fr"},
		{"es;q=abc,fr", "fr"},
		{"es;level=1,fr;q=0.1", "fr"},			/* an unknown parameter too */
		{"*", "(none)"},
		{"*;q=0.5,ar;q=0.4", "ar"},
		{"zh-Hant-TW,ja", "(none)"},
		{"", "(none)"},
		{",,,;;;", "(none)"},
		{"q=1", "(none)"},
		{"esperanto,es", "es"},				/* "esperanto" is not "es" */
		{"es-", "es"},
		{"de-CH-1996;q=0.8", "de"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const char *got = code(lang_accept(t[i].header));
		if (strcmp(got, t[i].want))
			fprintf(stderr, "Accept-Language: %s\n", t[i].header);
		CHECK_STR(got, t[i].want);
	}
	CHECK(lang_accept(NULL) == NULL);
	/* A header longer than any honest one is still read to its end. */
	char *big = malloc(20000);
	memset(big, ',', 19990);
	memcpy(big + 19990, "it", sizeof "it");
	CHECK_STR(code(lang_accept(big)), "it");
	free(big);
}

static void test_numbers(void)
{
	char out[64];
	const struct lang *en = lang_source();
	static const struct { long long n; const char *want; } t[] = {
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {2000, "2,000"},
		{123456, "123,456"}, {1234567, "1,234,567"}, {-1234, "-1,234"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		lang_number(en, t[i].n, out, sizeof out);
		CHECK_STR(out, t[i].want);
	}
	/* Too small a buffer cuts, never overflows. */
	lang_number(en, 1234567, out, 4);
	CHECK(strlen(out) <= 3);
	/* Another language's separator comes from its catalog. */
	const struct lang *de = lang_find("de");
	const char *sep = lang_get(de, "thousands separator", ",");
	char want[64];
	snprintf(want, sizeof want, "2%s000", sep);
	lang_number(de, 2000, out, sizeof out);
	CHECK_STR(out, want);
	CHECK(strcmp(sep, ",") != 0);
}

static void test_lookup(void)
{
	const struct lang *en = lang_source(), *es = lang_find("es"), *ar = lang_find("ar");
	/* English is the sources' language: a text is its own translation. */
	CHECK_STR(lang_get(en, NULL, "Tracking ID"), "Tracking ID");
	CHECK_STR(lang_get(en, "stage", "Ready for pickup"), "Ready for pickup");
	/* A text the catalogs do not have comes back as it is. */
	CHECK_STR(lang_get(es, NULL, "A shop's own words"), "A shop's own words");
	CHECK_STR(lang_get(es, "no such context", "Tracking ID"), "Tracking ID");
	/* The catalogs translate, and context matters. */
	CHECK(strcmp(lang_get(es, NULL, "Tracking ID"), "Tracking ID") != 0);
	CHECK(strcmp(lang_get(es, "stage", "Ready for pickup"), "Ready for pickup") != 0);
	CHECK(lang_get(es, "month", "May") != lang_get(es, "month abbreviation", "May") ||
	    !strcmp(lang_get(es, "month", "May"), lang_get(es, "month abbreviation", "May")));
	CHECK_STR(lang_name(en), "English");
	CHECK_STR(lang_name(es), "Español");
	CHECK_STR(lang_name(ar), "العربية");
	CHECK(!lang_rtl(en) && !lang_rtl(es) && lang_rtl(ar));
	/* English plurals, then Arabic's six forms. */
	const char *one = "This can be up to %1$s character; it has %2$s. Please shorten it.";
	const char *many = "This can be up to %1$s characters; it has %2$s. Please shorten it.";
	CHECK(lang_nget(en, one, many, 1) == one);
	CHECK(lang_nget(en, one, many, 0) == many);
	CHECK(lang_nget(en, one, many, 2000) == many);
	static const struct { unsigned long n; unsigned form; } ar_forms[] = {
		{0, 0}, {1, 1}, {2, 2}, {3, 3}, {10, 3}, {11, 4}, {99, 4}, {100, 5}, {102, 5},
		{103, 3}, {111, 4}, {2000, 5},
	};
	CHECK(ar->nplurals == 6);
	for (size_t i = 0; i < sizeof ar_forms / sizeof ar_forms[0]; i++)
		CHECK(ar->plural(ar_forms[i].n) == ar_forms[i].form);
	/* The six forms are six different texts, found by the form number. */
	const char *f[6];
	for (size_t i = 0; i < 6; i++)
		f[i] = lang_nget(ar, one, many, i == 5 ? 100 : i == 4 ? 11 : i == 3 ? 3 : i);
	for (size_t i = 0; i < 6; i++)
		for (size_t k = i + 1; k < 6; k++)
			CHECK(f[i] != f[k]);
}

static void test_current(void)
{
	const struct lang *es = lang_find("es");
	CHECK(lang_current() == lang_source());
	const struct lang *prev = lang_use(es);
	CHECK(prev == lang_source() && lang_current() == es);
	CHECK(strcmp(_("Tracking ID"), "Tracking ID") != 0);
	CHECK(lang_use(NULL) == es && lang_current() == lang_source());
	CHECK_STR(_("Tracking ID"), "Tracking ID");
}

static void test_dates(void)
{
	char out[80], want[80];
	const struct lang *de = lang_find("de");
	fmt_date("2026-12-04", DATE_SHORT, out, sizeof out);
	CHECK_STR(out, "Fri 4 Dec 2026");
	fmt_date("2026-05-04", DATE_LONG, out, sizeof out);
	CHECK_STR(out, "4 May 2026");
	fmt_time(1796395200, "Europe/London", out, sizeof out);	/* 2026-12-04 14:40 UTC */
	CHECK_STR(out, "4 Dec 2026, 14:40");
	fmt_date("not a date", DATE_SHORT, out, sizeof out);
	CHECK_STR(out, "not a date");
	lang_use(de);
	fmt_date("2026-12-04", DATE_LONG, out, sizeof out);
	snprintf(want, sizeof want, "%s", lang_get(de, "month", "December"));
	CHECK(strstr(out, want) != NULL && strstr(out, "2026") && !strstr(out, "December"));
	fmt_date("2026-12-04", DATE_SHORT, out, sizeof out);
	CHECK(strstr(out, lang_get(de, "weekday abbreviation", "Fri")) != NULL);
	/* An Arabic clock reads 12-hour with its own am/pm word. */
	lang_use(lang_find("ar"));
	fmt_time(1796395200, "Europe/London", out, sizeof out);
	CHECK(strstr(out, lang_get(lang_find("ar"), "time of day", "pm")) != NULL);
	CHECK(strstr(out, "2:40") != NULL);
	/* A buffer too small leaves something safe, never an overflow. */
	fmt_date("2026-12-04", DATE_LONG, out, 4);
	CHECK(strlen(out) < 4);
	lang_use(NULL);
	char money[32];
	fmt_amount(123456789, money, sizeof money);
	CHECK_STR(money, "1,234,567.89");
	fmt_amount(-5, money, sizeof money);
	CHECK_STR(money, "-0.05");
	fmt_money(123456789, money, sizeof money);
	CHECK_STR(money, "1234567.89");
}

int main(void)
{
	test_find();
	test_accept();
	test_numbers();
	test_lookup();
	test_current();
	test_dates();
	return check_summary("i18n");
}
