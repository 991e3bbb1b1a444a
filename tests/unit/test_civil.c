/* civil: civil_utc and civil_days (common/civil.c, the UTC date arithmetic that keeps the
 * C library's time-zone code out of the MINIMAL binary) against the C library's gmtime_r
 * and timegm: fixed dates (the epoch, leap days, century years, 2038, negative times)
 * and a million generated times over years 1 to 9999. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "civil.h"
#include "harness.h"

static int same_as_gmtime(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm a, b;

	if (!gmtime_r(&tt, &a))
		return 0;
	memset(&b, 0x55, sizeof(b));
	civil_utc(t, &b);
	return a.tm_year == b.tm_year && a.tm_mon == b.tm_mon && a.tm_mday == b.tm_mday &&
	       a.tm_hour == b.tm_hour && a.tm_min == b.tm_min && a.tm_sec == b.tm_sec &&
	       a.tm_wday == b.tm_wday && a.tm_yday == b.tm_yday && b.tm_isdst == 0;
}

static int same_as_timegm(int y, int mon, int day)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	return (int64_t)timegm(&tm) == civil_days(y, mon, day) * 86400;
}

static void test_fixed(void)
{
	const int64_t t[] = { 0, -1, 86399, 86400, 951782400 /* 2000-02-29 */, 951868800,
			      4107542400 /* 2100-03-01 */, 2147483647, 2147483648LL, -2208988800LL,
			      -62135596800LL /* 0001-01-01 */, 253402300799LL /* 9999-12-31 */ };
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(same_as_gmtime(t[i]));
	CHECK(civil_days(1970, 1, 1) == 0);
	CHECK(civil_days(2000, 3, 1) - civil_days(2000, 2, 28) == 2);
	CHECK(civil_days(1900, 3, 1) - civil_days(1900, 2, 28) == 1);
	CHECK(civil_days(2024, 2, 31) == civil_days(2024, 3, 2)); /* past the month's end */
	CHECK(same_as_timegm(2038, 1, 19) && same_as_timegm(1969, 12, 31));
}

static void test_generated(void)
{
	unsigned long long s = 88172645463325252ULL;
	int i, bad = 0;

	for (i = 0; i < 1000000; i++) {
		int64_t t;
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		/* 0001-01-01 .. 9999-12-31 */
		t = -62135596800LL + (int64_t)(s % (253402300800ULL + 62135596800ULL));
		if (!same_as_gmtime(t) && bad++ < 3)
			fprintf(stderr, "  civil_utc(%lld) differs from gmtime_r\n", (long long)t);
		if (i % 100 == 0) {
			int y = 1 + (int)(s % 9999), mon = 1 + (int)((s >> 20) % 12),
			    day = 1 + (int)((s >> 40) % 31);
			if (!same_as_timegm(y, mon, day) && bad++ < 3)
				fprintf(stderr, "  civil_days(%d, %d, %d) differs from timegm\n", y,
					mon, day);
		}
	}
	CHECK(bad == 0);
}

int main(void)
{
	RUN(test_fixed);
	RUN(test_generated);
	return harness_done("civil");
}
