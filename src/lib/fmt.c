#include "fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

/* Names as the current language writes them. NC_ marks them for the
 * catalogs; the context tells "May" the month from "May" the abbreviation. */
static const char *const weekdays[7] = {
	NC_("weekday", "Sunday"), NC_("weekday", "Monday"), NC_("weekday", "Tuesday"),
	NC_("weekday", "Wednesday"), NC_("weekday", "Thursday"), NC_("weekday", "Friday"),
	NC_("weekday", "Saturday"),
};
static const char *const weekdays_short[7] = {
	NC_("weekday abbreviation", "Sun"), NC_("weekday abbreviation", "Mon"),
	NC_("weekday abbreviation", "Tue"), NC_("weekday abbreviation", "Wed"),
	NC_("weekday abbreviation", "Thu"), NC_("weekday abbreviation", "Fri"),
	NC_("weekday abbreviation", "Sat"),
};
static const char *const months[12] = {
	NC_("month", "January"), NC_("month", "February"), NC_("month", "March"),
	NC_("month", "April"), NC_("month", "May"), NC_("month", "June"),
	NC_("month", "July"), NC_("month", "August"), NC_("month", "September"),
	NC_("month", "October"), NC_("month", "November"), NC_("month", "December"),
};
static const char *const months_short[12] = {
	NC_("month abbreviation", "Jan"), NC_("month abbreviation", "Feb"),
	NC_("month abbreviation", "Mar"), NC_("month abbreviation", "Apr"),
	NC_("month abbreviation", "May"), NC_("month abbreviation", "Jun"),
	NC_("month abbreviation", "Jul"), NC_("month abbreviation", "Aug"),
	NC_("month abbreviation", "Sep"), NC_("month abbreviation", "Oct"),
	NC_("month abbreviation", "Nov"), NC_("month abbreviation", "Dec"),
};

/* Appends to a fixed buffer, remembering when it did not fit. */
struct out {
	char *p;
	size_t n, len;
	int full;
};

static void put(struct out *o, const char *s, size_t len)
{
	if (o->full || o->len + len >= o->n) {
		o->full = 1;
		return;
	}
	memcpy(o->p + o->len, s, len);
	o->len += len;
}

/* v in decimal, zero-padded to width digits. */
static void put_num(struct out *o, int v, int width)
{
	char d[12];
	int k = sizeof d;
	unsigned u = v < 0 ? 0u : (unsigned)v;
	do {
		d[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u && k > 0);
	while ((int)sizeof d - k < width && k > 0)
		d[--k] = '0';
	put(o, d + k, sizeof d - (size_t)k);
}

/* strftime with the names above: %a %A %b %B %d %-d %e %H %I %-I %M %p
 * %Y %%. The C library's names would need the language's locale installed
 * on the server; these come with the catalog. Returns the length written,
 * 0 when it did not fit in n bytes. */
static size_t format_tm(const struct tm *tm, const char *fmt, char *buf, size_t n)
{
	const struct lang *l = lang_current();
	struct out o = {buf, n, 0, n == 0};
	const char *s;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			size_t run = strcspn(p, "%");
			put(&o, p, run);
			p += run - 1;
			continue;
		}
		int pad = p[1] == '-' ? 1 : 2;
		if (pad == 1)
			p++;
		int hour12 = tm->tm_hour % 12 ? tm->tm_hour % 12 : 12;
		switch (*++p) {
		case 'a': s = lang_get(l, "weekday abbreviation", weekdays_short[tm->tm_wday % 7]); break;
		case 'A': s = lang_get(l, "weekday", weekdays[tm->tm_wday % 7]); break;
		case 'b': s = lang_get(l, "month abbreviation", months_short[tm->tm_mon % 12]); break;
		case 'B': s = lang_get(l, "month", months[tm->tm_mon % 12]); break;
		case 'p': s = tm->tm_hour < 12 ? C_("time of day", "am") : C_("time of day", "pm"); break;
		case 'd': put_num(&o, tm->tm_mday, pad); continue;
		case 'e': put_num(&o, tm->tm_mday, 1); continue;
		case 'H': put_num(&o, tm->tm_hour, pad); continue;
		case 'I': put_num(&o, hour12, pad); continue;
		case 'M': put_num(&o, tm->tm_min, 2); continue;
		case 'Y': put_num(&o, tm->tm_year + 1900, 1); continue;
		case '%': s = "%"; break;
		case '\0': p--; continue;
		default: put(&o, "%", 1); put(&o, p, 1); continue;
		}
		put(&o, s, strlen(s));
	}
	if (o.full) {
		if (n)
			buf[0] = '\0';
		return 0;
	}
	buf[o.len] = '\0';
	return o.len;
}

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
	/* TRANSLATORS: a date and time on a page, as strftime would write it
	 * (%a %A %b %B %d %-d %e %H %I %-I %M %p %Y): the order and the
	 * 12- or 24-hour clock are yours. */
	if (!localtime_r(&t, &tm) || !format_tm(&tm, C_("date and time", "%-d %b %Y, %H:%M"), out, n))
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
		/* TRANSLATORS: dates, as strftime writes them (see "date and time"). */
		k = style == DATE_LONG ? format_tm(&tm, C_("long date", "%-d %B %Y"), out, n)
		    : format_tm(&tm, C_("date", "%a %-d %b %Y"), out, n);
	if (!k)
		snprintf(out, n, "%s", iso);
}

void fmt_day(time_t t, const char *tz, char *out, size_t n)
{
	char iso[11];
	today_iso(t, tz, iso);
	fmt_date(iso, DATE_SHORT, out, n);
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

void fmt_iso(time_t t, char out[21])
{
	struct tm tm;
	struct out o = {out, 21, 0, 0};
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
		memcpy(out, "1970-01-01T00:00:00Z", 21);
		return;
	}
	/* Written out rather than through strftime: it is on every page. */
	put_num(&o, tm.tm_year + 1900, 4);
	put(&o, "-", 1);
	put_num(&o, tm.tm_mon + 1, 2);
	put(&o, "-", 1);
	put_num(&o, tm.tm_mday, 2);
	put(&o, "T", 1);
	put_num(&o, tm.tm_hour, 2);
	put(&o, ":", 1);
	put_num(&o, tm.tm_min, 2);
	put(&o, ":", 1);
	put_num(&o, tm.tm_sec, 2);
	put(&o, "Z", 1);
	out[o.len] = '\0';
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

void fmt_amount(int64_t cents, char *out, size_t n)
{
	char whole[32];
	lang_number(lang_current(), llabs(cents / 100), whole, sizeof whole);
	/* TRANSLATORS: what separates whole units from cents: "1,234.50". */
	snprintf(out, n, "%s%s%s%02lld", cents < 0 ? "-" : "", whole,
	    C_("decimal separator", "."), (long long)llabs(cents % 100));
}

void fmt_price(int64_t cents, const char *currency, char *out, size_t n)
{
	char amount[48];
	fmt_amount(cents, amount, sizeof amount);
	if (currency && *currency)
		snprintf(out, n, "%s\xc2\xa0%s", amount, currency);
	else
		snprintf(out, n, "%s", amount);
}
