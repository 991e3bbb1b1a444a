/* fmt.h: a small printf formatter for the conversions the suite uses, so that the
 * static build need not link the C library's (musl's vfprintf with its floating point
 * is ~11 KB). fmt_vsnprintf() follows C11 7.21.6 for what it supports: flags - 0 + space
 * #, width and precision (digits or *), length hh h l ll z j t, conversions d i u x X o
 * c s p %. Anything else (floating point, %n, wide characters, positional arguments)
 * makes it return -1 with errno EINVAL and nothing promised about buf beyond its being
 * terminated. Like snprintf it returns the length the whole output would have had and
 * writes at most size bytes including the terminating NUL.
 *
 * With DB_OWN_PRINTF (options.h; the Makefile sets it for the static build) fmt.c also
 * defines the C library's printf family over it. */
#ifndef FMT_H
#define FMT_H

#include <stdarg.h>
#include <stddef.h>

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The unsigned number in base 8, 10 or 16 (no prefix) at the start of s: digits only (no
 * space, sign or prefix: what strtoull would also take is refused here), at least one,
 * at most max. Returns 0 with *out and, when end is not NULL, *end at the first
 * character after the digits; -1 when s does not start with a digit or the number
 * exceeds max. In place of strtoul and friends, whose musl code (intscan, 2.4 KB) the
 * MINIMAL binary then leaves out. */
int fmt_parse_num(const char *s, const char **end, unsigned base, unsigned long long max,
                  unsigned long long *out);
/* The same for a whole string: nothing may follow the digits. */
int fmt_parse_whole(const char *s, unsigned base, unsigned long long max,
                    unsigned long long *out);

#endif
