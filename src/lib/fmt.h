/* Times, dates and money as people read them. One formatter per kind, so
 * every page, PDF and message says a date the same way. */
#ifndef HM_FMT_H
#define HM_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum date_style {
	DATE_SHORT,		/* "Tue 24 Nov 2026": pages */
	DATE_LONG,		/* "24 November 2026": certificates */
};

/* Formats a UTC instant in a time zone: "22 Nov 2026, 14:05". */
void fmt_time(time_t t, const char *tz, char *out, size_t n);
/* Formats "2026-11-24" in a style; anything that is not a real date is
 * copied as it was stored, never "fixed". */
void fmt_date(const char *iso, enum date_style style, char *out, size_t n);
/* Formats the calendar day of a UTC instant in a time zone, as fmt_date's
 * DATE_SHORT does: "Wed 2 Dec 2026". */
void fmt_day(time_t t, const char *tz, char *out, size_t n);
/* The last second of a YYYY-MM-DD day in a time zone, as UTC seconds;
 * 0 when iso is not a date. */
time_t day_end(const char *iso, const char *tz);
/* A UTC instant as <time datetime> wants it: "2026-12-04T14:40:00Z". */
void fmt_iso(time_t t, char out[21]);
/* Today's date in a time zone as YYYY-MM-DD. */
void today_iso(time_t now, const char *tz, char out[11]);
/* Formats cents as "1234.50", as a form's field shows and reads it. */
void fmt_money(int64_t cents, char *out, size_t n);
/* Formats cents for reading, as the current language writes amounts:
 * "1,234.50", "1.234,50". */
void fmt_amount(int64_t cents, char *out, size_t n);
/* fmt_amount with the shop's currency code after it, "1,234.50 GBP"
 * (a non-breaking space between); just the amount when currency is ""
 * or NULL. */
void fmt_price(int64_t cents, const char *currency, char *out, size_t n);

#endif
