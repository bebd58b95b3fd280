#include "phone.h"
#include "i18n.h"

#ifndef ZONE_TAB
#define ZONE_TAB "/usr/share/zoneinfo/zone.tab"
#endif

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The countries a shop can pick, with their trunk prefix: the digit a
 * number dialled at home starts with and the international form drops
 * (Italy and a few others keep their leading 0, so it has none). Their
 * names are English; whoever shows one translates it (context "country"). */
const struct phone_country phone_countries[] = {
	{"AE", NC_("country", "United Arab Emirates"), "971", "0"},
	{"AR", NC_("country", "Argentina"), "54", "0"},
	{"AT", NC_("country", "Austria"), "43", "0"},
	{"AU", NC_("country", "Australia"), "61", "0"},
	{"BE", NC_("country", "Belgium"), "32", "0"},
	{"BR", NC_("country", "Brazil"), "55", "0"},
	{"CA", NC_("country", "Canada"), "1", "1"},
	{"CH", NC_("country", "Switzerland"), "41", "0"},
	{"CN", NC_("country", "China"), "86", "0"},
	{"CY", NC_("country", "Cyprus"), "357", ""},
	{"CZ", NC_("country", "Czechia"), "420", ""},
	{"DE", NC_("country", "Germany"), "49", "0"},
	{"DK", NC_("country", "Denmark"), "45", ""},
	{"DZ", NC_("country", "Algeria"), "213", "0"},
	{"EG", NC_("country", "Egypt"), "20", "0"},
	{"ES", NC_("country", "Spain"), "34", ""},
	{"FI", NC_("country", "Finland"), "358", "0"},
	{"FR", NC_("country", "France"), "33", "0"},
	{"GB", NC_("country", "United Kingdom"), "44", "0"},
	{"GR", NC_("country", "Greece"), "30", ""},
	{"HK", NC_("country", "Hong Kong"), "852", ""},
	{"IE", NC_("country", "Ireland"), "353", "0"},
	{"IL", NC_("country", "Israel"), "972", "0"},
	{"IN", NC_("country", "India"), "91", "0"},
	{"IT", NC_("country", "Italy"), "39", ""},
	{"JP", NC_("country", "Japan"), "81", "0"},
	{"KR", NC_("country", "South Korea"), "82", "0"},
	{"LB", NC_("country", "Lebanon"), "961", "0"},
	{"LU", NC_("country", "Luxembourg"), "352", ""},
	{"MA", NC_("country", "Morocco"), "212", "0"},
	{"MT", NC_("country", "Malta"), "356", ""},
	{"MX", NC_("country", "Mexico"), "52", ""},
	{"MY", NC_("country", "Malaysia"), "60", "0"},
	{"NL", NC_("country", "Netherlands"), "31", "0"},
	{"NO", NC_("country", "Norway"), "47", ""},
	{"NZ", NC_("country", "New Zealand"), "64", "0"},
	{"PL", NC_("country", "Poland"), "48", ""},
	{"PT", NC_("country", "Portugal"), "351", ""},
	{"QA", NC_("country", "Qatar"), "974", ""},
	{"SA", NC_("country", "Saudi Arabia"), "966", "0"},
	{"SE", NC_("country", "Sweden"), "46", "0"},
	{"SG", NC_("country", "Singapore"), "65", ""},
	{"TN", NC_("country", "Tunisia"), "216", ""},
	{"TR", NC_("country", "Turkey"), "90", "0"},
	{"US", NC_("country", "United States"), "1", "1"},
	{"ZA", NC_("country", "South Africa"), "27", "0"},
};
const size_t phone_ncountries = sizeof phone_countries / sizeof phone_countries[0];

const struct phone_country *phone_country(const char *iso)
{
	for (size_t i = 0; iso && *iso && i < phone_ncountries; i++)
		if (!strcasecmp(iso, phone_countries[i].iso))
			return &phone_countries[i];
	return NULL;
}

const struct phone_country *phone_country_of_zone(const char *tz)
{
	char line[256], iso[3] = "";
	FILE *f = tz && *tz ? fopen(ZONE_TAB, "r") : NULL;
	while (f && fgets(line, sizeof line, f)) {
		/* "GB<TAB>+513030-0000731<TAB>Europe/London[<TAB>comment]" */
		char *zone = strchr(line, '\t');
		zone = zone ? strchr(zone + 1, '\t') : NULL;
		if (line[0] == '#' || !zone)
			continue;
		zone++;
		zone[strcspn(zone, "\t\n")] = '\0';
		if (!strcmp(zone, tz)) {
			snprintf(iso, sizeof iso, "%.2s", line);
			break;
		}
	}
	if (f)
		fclose(f);
	return phone_country(iso);
}

const struct phone_country *phone_country_or_zone(const char *iso, const char *tz)
{
	const struct phone_country *c = phone_country(iso);
	return c ? c : phone_country_of_zone(tz);
}

int phone_normalise(const char *typed, const struct phone_country *country, char out[PHONE_MAX])
{
	char digits[64];
	size_t n = 0;
	int plus = 0;
	if (!typed)
		return -1;
	for (const char *p = typed; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n + 1 >= sizeof digits)
				return -1;
			digits[n++] = *p;
		} else if (*p == '+' && n == 0 && !plus) {
			plus = 1;
		} else if (!strchr(" .-()/", *p)) {
			return -1;
		}
	}
	digits[n] = '\0';
	const char *d = digits;
	if (!plus && !strncmp(d, "00", 2)) {	/* 00 dials abroad from most countries */
		plus = 1;
		d += 2;
	}
	const char *code = "";
	if (!plus) {
		if (!country)
			return -1;
		size_t t = strlen(country->trunk);
		if (t && !strncmp(d, country->trunk, t))
			d += t;
		code = country->code;
	}
	/* E.164: a country code and subscriber number of at most 15 digits;
	 * fewer than 7 is no one's mobile. */
	size_t len = strlen(code) + strlen(d);
	if (len < 8 || len > 15 || strlen(d) < 6 || (*code ? *code : *d) == '0')
		return -1;
	out[0] = '+';
	memcpy(out + 1, code, strlen(code));
	memcpy(out + 1 + strlen(code), d, strlen(d) + 1);
	return 0;
}
