/* sha256ni.h: the SHA-256 compression function (FIPS 180-4 6.2.2) on the x86-64 SHA
 * extensions (SHA-NI). crypto.c runs whole blocks of SHA-256 (and so HMAC-SHA2-256)
 * through it when sha256ni_available() says the CPU has SHA-NI, SSSE3 and SSE4.1
 * (CPUID, checked once), on libtomcrypt's own state, so that libtomcrypt's buffering,
 * padding and final block stay as they are and the two paths can even be mixed within
 * one hash. */
#ifndef SHA256NI_H
#define SHA256NI_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

#if DB_FAST_CRYPTO && defined(__x86_64__)
int sha256ni_available(void);
/* state[8] = H0..H7 (native integers), p = nblocks * 64 bytes of message. */
void sha256ni_blocks(uint32_t state[8], const uint8_t *p, size_t nblocks);
#else
static inline int sha256ni_available(void)
{
	return 0;
}
#endif

#endif
