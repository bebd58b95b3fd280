/* Phone numbers in international form (E.164, "+447700900101"), so
 * wa.me, sms: and tel: links and an SMS gateway all work. A local number
 * typed at the counter is read by the rules of the shop's country. */
#ifndef HM_PHONE_H
#define HM_PHONE_H

#include <stddef.h>

struct phone_country {
	const char *iso;	/* "GB" */
	const char *name;	/* "United Kingdom": English, lang_get(l, "country", name) in l */
	const char *code;	/* "44": the country calling code */
	const char *trunk;	/* "0": the prefix a local number drops, or "" */
};
extern const struct phone_country phone_countries[];
extern const size_t phone_ncountries;
/* The country with ISO code iso (any case), or NULL. */
const struct phone_country *phone_country(const char *iso);

/* The country of a time zone (tzdata's zone.tab), when it is one of ours:
 * a shop in Europe/London reads local numbers as British until it says
 * otherwise. */
const struct phone_country *phone_country_of_zone(const char *tz);

/* The country a shop's local numbers are read by: its own setting (iso),
 * else its time zone's; NULL when neither names one. */
const struct phone_country *phone_country_or_zone(const char *iso, const char *tz);

#define PHONE_MAX 17	/* "+" and up to 15 digits, and the NUL */
/* Turns what was typed into "+<digits>": spaces, dots, hyphens and
 * brackets are dropped; "+" or "00" starts an international number; any
 * other number is local to country (which may be NULL). Returns 0, or -1
 * when it is not a number (too short or long, a local number with no
 * country to read it by). */
int phone_normalise(const char *typed, const struct phone_country *country, char out[PHONE_MAX]);

#endif
