/* civil.h: calendar dates and UTC times from and to seconds since 1970 (the proleptic
 * Gregorian calendar, as gmtime and timegm count), without the C library's time-zone
 * code: musl's gmtime_r names its "UTC" zone from __tz.lo, which brings the TZ and
 * zoneinfo parser (4.4 kB) into a binary that never asks for local time (DB_LOCALTIME
 * in options.h). */
#ifndef CIVIL_H
#define CIVIL_H

#include <stdint.h>
#include <time.h>

/* Days from 1970-01-01 to year-mon-day (mon 1..12; day 1..31, a day past the end of the
 * month counting on into the next, as timegm normalizes it). */
int64_t civil_days(int64_t year, int mon, int day);
/* gmtime_r's fields (tm_year, tm_mon, tm_mday, tm_hour, tm_min, tm_sec, tm_wday,
 * tm_yday; tm_isdst 0) for t. */
void civil_utc(int64_t t, struct tm *tm);

#endif
