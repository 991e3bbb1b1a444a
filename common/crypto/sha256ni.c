/* sha256ni.c: SHA-256 blocks on SHA-NI (see sha256ni.h). Written from FIPS 180-4
 * (6.2.2: the message schedule and 64 rounds) and Intel's intrinsics guide: SHA256RNDS2
 * does two rounds on the state split as ABEF and CDGH, SHA256MSG1/MSG2 the sigma0 and
 * sigma1 parts of the schedule, four words at a time. */
#include "crypto/sha256ni.h"

#if DB_FAST_CRYPTO && defined(__x86_64__)

#include <cpuid.h>
#include <immintrin.h>

#define TGT __attribute__((target("sha,ssse3,sse4.1")))

int sha256ni_available(void)
{
	static int cached = -1;
	unsigned a, b, c, d;

	if (cached < 0) {
		cached = 0;
		/* leaf 7 EBX bit 29 SHA; leaf 1 ECX bit 9 SSSE3, bit 19 SSE4.1 */
		if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 9)) && (c & (1u << 19)) &&
		    __get_cpuid_count(7, 0, &a, &b, &c, &d))
			cached = (b >> 29) & 1;
	}
	return cached;
}

/* FIPS 180-4 4.2.2 */
static const uint32_t K[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

TGT void sha256ni_blocks(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
	/* big-endian words (FIPS 180-4 3.1) */
	const __m128i bswap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
	__m128i t = _mm_loadu_si128((const __m128i *)state);       /* A B C D */
	__m128i s1 = _mm_loadu_si128((const __m128i *)(state + 4)); /* E F G H */
	__m128i s0;

	t = _mm_shuffle_epi32(t, 0xb1);                   /* B A D C */
	s1 = _mm_shuffle_epi32(s1, 0x1b);                 /* H G F E */
	s0 = _mm_alignr_epi8(t, s1, 8);                   /* F E B A: "ABEF" */
	s1 = _mm_blend_epi16(s1, t, 0xf0);                /* H G D C: "CDGH" */

	for (; nblocks; nblocks--, p += 64) {
		__m128i save0 = s0, save1 = s1, w0, w1, w2, w3, m;

		/* Unrolled by hand, the four schedule words named: a loop over w[i & 3] kept
		 * them in stack memory at -Os, 1.9x slower (2.4-3.1 against 1.25-1.8
		 * cycles/byte; OpenSSL 3's ~1.3). */
#define LOAD(w, i) w = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * (i))), bswap)
/* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at once: w16 holds
 * W[t-16..t-13], w12 W[t-12..], w8 W[t-8..], w4 W[t-4..]; the result replaces w16 */
#define SCHED(w16, w12, w8, w4)                                                           \
	w16 = _mm_sha256msg2_epu32(                                                       \
		_mm_add_epi32(_mm_sha256msg1_epu32(w16, w12), _mm_alignr_epi8(w4, w8, 4)), w4)
#define ROUNDS(w, i)                                                                      \
	do {                                                                              \
		m = _mm_add_epi32(w, _mm_load_si128((const __m128i *)(K + 4 * (i))));     \
		s1 = _mm_sha256rnds2_epu32(s1, s0, m);                                    \
		s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0e));           \
	} while (0)
#define QUAD(i)                                                                           \
	SCHED(w0, w1, w2, w3);                                                            \
	ROUNDS(w0, i);                                                                    \
	SCHED(w1, w2, w3, w0);                                                            \
	ROUNDS(w1, i + 1);                                                                \
	SCHED(w2, w3, w0, w1);                                                            \
	ROUNDS(w2, i + 2);                                                                \
	SCHED(w3, w0, w1, w2);                                                            \
	ROUNDS(w3, i + 3)
		LOAD(w0, 0);
		ROUNDS(w0, 0);
		LOAD(w1, 1);
		ROUNDS(w1, 1);
		LOAD(w2, 2);
		ROUNDS(w2, 2);
		LOAD(w3, 3);
		ROUNDS(w3, 3);
		QUAD(4);
		QUAD(8);
		QUAD(12);
#undef QUAD
#undef ROUNDS
#undef SCHED
#undef LOAD
		s0 = _mm_add_epi32(s0, save0);
		s1 = _mm_add_epi32(s1, save1);
	}

	t = _mm_shuffle_epi32(s0, 0x1b);                  /* A B E F */
	s1 = _mm_shuffle_epi32(s1, 0xb1);                 /* G H C D */
	_mm_storeu_si128((__m128i *)state, _mm_blend_epi16(t, s1, 0xf0));
	_mm_storeu_si128((__m128i *)(state + 4), _mm_alignr_epi8(s1, t, 8));
}

#endif
