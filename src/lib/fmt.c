#include "fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The C library formats in the process's zone: switch it only when the
 * zone changes, since tzset reads the zone file. */
static void use_tz(const char *tz)
{
	static char current[80];
	if (!tz || !*tz)
		tz = "UTC";
	if (strcmp(current, tz)) {
		snprintf(current, sizeof current, "%s", tz);
		setenv("TZ", current, 1);
		tzset();
	}
}

void fmt_time(time_t t, const char *tz, char *out, size_t n)
{
	struct tm tm;
	use_tz(tz);
	if (!localtime_r(&t, &tm) || !strftime(out, n, "%-d %b %Y, %H:%M", &tm))
		snprintf(out, n, "?");
}

void fmt_date(const char *iso, enum date_style style, char *out, size_t n)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!iso || !iso_date_ok(iso) || !strptime(iso, "%Y-%m-%d", &tm)) {
		snprintf(out, n, "%s", iso ? iso : "");
		return;
	}
	/* Noon UTC is the same calendar day everywhere the weekday is read. */
	tm.tm_hour = 12;
	time_t t = timegm(&tm);
	size_t k = 0;
	if (gmtime_r(&t, &tm))
		k = style == DATE_LONG ? strftime(out, n, "%-d %B %Y", &tm)
		    : strftime(out, n, "%a %-d %b %Y", &tm);
	if (!k)
		snprintf(out, n, "%s", iso);
}

time_t day_end(const char *iso, const char *tz)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!iso || !iso_date_ok(iso) || !strptime(iso, "%Y-%m-%d", &tm))
		return 0;
	use_tz(tz);
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	return t == (time_t)-1 ? 0 : t;
}

void today_iso(time_t now, const char *tz, char out[11])
{
	struct tm tm;
	use_tz(tz);
	if (!localtime_r(&now, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(out, 11, "1970-01-01");
}

void fmt_money(int64_t cents, char *out, size_t n)
{
	snprintf(out, n, "%s%lld.%02lld", cents < 0 ? "-" : "",
	    (long long)llabs(cents / 100), (long long)llabs(cents % 100));
}
