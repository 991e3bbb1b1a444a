/* civil: see civil.h. Counting in 400-year eras of 146,097 days from 0000-03-01, so that
 * the leap day ends each year: a day's year, month and day come from its place in its
 * era without a loop or a table. */
#include "civil.h"

/* floor(a / b) for b > 0 */
static int64_t fdiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int64_t civil_days(int64_t year, int mon, int day)
{
	int64_t y = year - (mon <= 2), era = fdiv(y, 400), yoe = y - era * 400;
	int64_t doy = (153 * (mon > 2 ? mon - 3 : mon + 9) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468; /* 719468: 0000-03-01 to 1970-01-01 */
}

void civil_utc(int64_t t, struct tm *tm)
{
	int64_t days = fdiv(t, 86400), secs = t - days * 86400;
	int64_t z = days + 719468, era = fdiv(z, 146097), doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	int64_t year = yoe + era * 400 + (mon <= 2);

	tm->tm_sec = (int)(secs % 60);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->tm_mon = mon - 1;
	tm->tm_year = (int)(year - 1900);
	tm->tm_wday = (int)(fdiv(days + 4, 7) * -7 + days + 4); /* 1970-01-01 was a Thursday */
	tm->tm_yday = (int)(days - civil_days(year, 1, 1));
	tm->tm_isdst = 0;
}
