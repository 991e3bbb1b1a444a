/* util.h: small helpers every module may use: wiping secrets and comparing them in
 * constant time, finding bytes. */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Wipes n bytes at p; the compiler may not drop it. */
static inline void wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

/* 1 if the n bytes at a and b are equal, 0 otherwise; time depends only on n. */
static inline int ct_memeq(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;
	size_t i;
	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return (1 & ((d - 1) >> 8));
}

/* 1 if the n bytes at needle occur in the hn bytes at hay (n > 0): memmem's answer for
 * the few short searches we make, without musl's two-way memmem (1.2 KB static). */
static inline int mem_has(const void *hay, size_t hn, const void *needle, size_t n)
{
	const uint8_t *h = hay;
	size_t i;
	for (i = 0; n && i + n <= hn; i++)
		if (h[i] == *(const uint8_t *)needle && memcmp(h + i, needle, n) == 0)
			return 1;
	return 0;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
