/* poly1305_avx2.h: Poly1305's whole blocks four at a time on AVX2, for long messages
 * (a packet of chacha20-poly1305@openssh.com). common/crypto/poly1305_64.c hands it the
 * 64-byte groups of a message of 256 bytes and more when poly1305_avx2_available(), and
 * does the rest itself; the unit tests check every length against libtomcrypt's
 * Poly1305. */
#ifndef POLY1305_AVX2_H
#define POLY1305_AVX2_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

#if DB_FAST_CRYPTO && defined(__x86_64__)
int poly1305_avx2_available(void);
/* h (h0 + h1 2^64 + h2 2^128, h2 below 8, as poly1305_64.c keeps it) absorbs the n
 * bytes at p, n a multiple of 64 and at least 64, whole blocks with their 2^128 bit,
 * under the clamped r = r0 + r1 2^64; h2 ends below 8 again. */
void poly1305_avx2_blocks(uint64_t h[3], uint64_t r0, uint64_t r1, const uint8_t *p,
			  size_t n);
#else
static inline int poly1305_avx2_available(void)
{
	return 0;
}
#endif

#endif
