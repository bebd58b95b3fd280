#include "phone.h"

#ifndef ZONE_TAB
#define ZONE_TAB "/usr/share/zoneinfo/zone.tab"
#endif

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The countries a shop can pick, with their trunk prefix: the digit a
 * number dialled at home starts with and the international form drops
 * (Italy and a few others keep their leading 0, so it has none). */
const struct phone_country phone_countries[] = {
	{"AE", "United Arab Emirates", "971", "0"}, {"AR", "Argentina", "54", "0"},
	{"AT", "Austria", "43", "0"}, {"AU", "Australia", "61", "0"},
	{"BE", "Belgium", "32", "0"}, {"BR", "Brazil", "55", "0"},
	{"CA", "Canada", "1", "1"}, {"CH", "Switzerland", "41", "0"},
	{"CN", "China", "86", "0"}, {"CY", "Cyprus", "357", ""},
	{"CZ", "Czechia", "420", ""}, {"DE", "Germany", "49", "0"},
	{"DK", "Denmark", "45", ""}, {"DZ", "Algeria", "213", "0"},
	{"EG", "Egypt", "20", "0"}, {"ES", "Spain", "34", ""},
	{"FI", "Finland", "358", "0"}, {"FR", "France", "33", "0"},
	{"GB", "United Kingdom", "44", "0"}, {"GR", "Greece", "30", ""},
	{"HK", "Hong Kong", "852", ""}, {"IE", "Ireland", "353", "0"},
	{"IL", "Israel", "972", "0"}, {"IN", "India", "91", "0"},
	{"IT", "Italy", "39", ""}, {"JP", "Japan", "81", "0"},
	{"KR", "South Korea", "82", "0"}, {"LB", "Lebanon", "961", "0"},
	{"LU", "Luxembourg", "352", ""}, {"MA", "Morocco", "212", "0"},
	{"MT", "Malta", "356", ""}, {"MX", "Mexico", "52", ""},
	{"MY", "Malaysia", "60", "0"}, {"NL", "Netherlands", "31", "0"},
	{"NO", "Norway", "47", ""}, {"NZ", "New Zealand", "64", "0"},
	{"PL", "Poland", "48", ""}, {"PT", "Portugal", "351", ""},
	{"QA", "Qatar", "974", ""}, {"SA", "Saudi Arabia", "966", "0"},
	{"SE", "Sweden", "46", "0"}, {"SG", "Singapore", "65", ""},
	{"TN", "Tunisia", "216", ""}, {"TR", "Turkey", "90", "0"},
	{"US", "United States", "1", "1"}, {"ZA", "South Africa", "27", "0"},
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
