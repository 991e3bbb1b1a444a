/* chacha_avx2.h: ChaCha20 (Bernstein's layout: 64-bit block counter, 64-bit nonce, as
 * chacha20-poly1305@openssh.com uses it) eight blocks at a time on AVX2. crypto.c's
 * chacha20_xor takes it for messages of 128 bytes and more when chacha_avx2_available()
 * (CPUID and the OS saving the AVX state, checked once); libtomcrypt's chacha otherwise.
 * Written from RFC 8439 section 2.1-2.4 (the quarter round, the block function). */
#ifndef CHACHA_AVX2_H
#define CHACHA_AVX2_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

#if DB_FAST_CRYPTO && defined(__x86_64__)
int chacha_avx2_available(void);
/* out[n] = in[n] ^ the keystream from block `counter` on (in == out allowed). */
void chacha_avx2_xor(const uint8_t key[32], const uint8_t nonce[8], uint64_t counter,
		     const uint8_t *in, uint8_t *out, size_t n);
#else
static inline int chacha_avx2_available(void)
{
	return 0;
}
#endif

#endif
