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

#endif
