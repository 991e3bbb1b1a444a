/* poly1305_64.c: Poly1305 from RFC 8439 section 2.5 (see poly1305_64.h). The
 * accumulator is h0 + h1 2^64 + h2 2^128 (h2 a few bits) and the clamped r is
 * r0 + r1 2^64: a block costs four 64x64->128-bit products and two small ones. The
 * products that land at 2^128 and above fold back through 2^130 = 5 (mod p): the
 * clamp clears r1's two low bits, so h1 r1 2^128 = h1 (r1 / 4) 2^130 = h1 s1 with
 * s1 = r1 + r1 / 4 (and h2 r1 2^192 = h2 s1 2^64). Constant time: no branch or index
 * on secrets. */
#include "crypto/poly1305_64.h"

#if HAVE_POLY1305_64

#include <string.h>

#include "crypto/poly1305_avx2.h"
#include "util.h"

typedef unsigned __int128 u128;

static inline __attribute__((always_inline)) uint64_t le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;
	memcpy(&v, p, 8); /* one load */
	return v;
#else
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
#endif
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* h = (h + m + hibit 2^128) r mod 2^130 - 5 (partly reduced: h2 stays below 8), for
 * n / 16 whole blocks m */
static void blocks(uint64_t h[3], uint64_t r0, uint64_t r1, const uint8_t *m, size_t n,
		   uint64_t hibit)
{
	uint64_t h0 = h[0], h1 = h[1], h2 = h[2], s1 = r1 + (r1 >> 2), c;
	u128 d0, d1, t;

	for (; n >= 16; n -= 16, m += 16) {
		t = (u128)h0 + le64(m);
		h0 = (uint64_t)t;
		t = (u128)h1 + le64(m + 8) + (uint64_t)(t >> 64);
		h1 = (uint64_t)t;
		h2 += (uint64_t)(t >> 64) + hibit;
		/* r0, r1 < 2^60, s1 < 2^61, h2 < 8: no sum below overflows */
		d0 = (u128)h0 * r0 + (u128)h1 * s1;
		d1 = (u128)h0 * r1 + (u128)h1 * r0 + h2 * s1 + (uint64_t)(d0 >> 64);
		c = h2 * r0 + (uint64_t)(d1 >> 64); /* the 2^128 digit */
		h0 = (uint64_t)d0;
		h1 = (uint64_t)d1;
		h2 = c & 3;
		c = (c & ~(uint64_t)3) + (c >> 2); /* (c >> 2) 2^130 = (c >> 2) 5 */
		t = (u128)h0 + c;
		h0 = (uint64_t)t;
		t = (u128)h1 + (uint64_t)(t >> 64);
		h1 = (uint64_t)t;
		h2 += (uint64_t)(t >> 64);
	}
	h[0] = h0;
	h[1] = h1;
	h[2] = h2;
}

void poly1305_64(const uint8_t key[32], const uint8_t *p, size_t n, uint8_t tag[16])
{
	uint64_t h[3] = { 0, 0, 0 }, r0, r1, g0, g1, g2, mask;
	u128 t;

	/* r &= 0x0ffffffc0ffffffc0ffffffc0fffffff (2.5.1) */
	r0 = le64(key) & 0x0ffffffc0fffffffULL;
	r1 = le64(key + 8) & 0x0ffffffc0ffffffcULL;

#if DB_FAST_CRYPTO && defined(__x86_64__)
	/* four blocks at a time from 256 bytes on; the last 0-63 bytes below */
	if (n >= 256 && poly1305_avx2_available()) {
		size_t v = n & ~(size_t)63;
		poly1305_avx2_blocks(h, r0, r1, p, v);
		p += v;
		n -= v;
	}
#endif
	blocks(h, r0, r1, p, n & ~(size_t)15, 1);
	if (n & 15) {
		uint8_t last[16] = { 0 };
		memcpy(last, p + (n & ~(size_t)15), n & 15);
		last[n & 15] = 1; /* a short final block gets its 1 byte appended, no 2^128 */
		blocks(h, r0, r1, last, 16, 0);
		wipe(last, sizeof last);
	}

	/* h < 2^130 + 2^130 / 4 < 2p: h mod p is h - p when h + 5 reaches 2^130 */
	t = (u128)h[0] + 5;
	g0 = (uint64_t)t;
	t = (u128)h[1] + (uint64_t)(t >> 64);
	g1 = (uint64_t)t;
	g2 = h[2] + (uint64_t)(t >> 64);
	mask = 0 - (g2 >> 2); /* all ones when h >= p */
	h[0] = (h[0] & ~mask) | (g0 & mask);
	h[1] = (h[1] & ~mask) | (g1 & mask);

	/* tag = (h + s) mod 2^128 */
	t = (u128)h[0] + le64(key + 16);
	put_le64(tag, (uint64_t)t);
	put_le64(tag + 8, h[1] + le64(key + 24) + (uint64_t)(t >> 64));
	wipe(h, sizeof h);
	r0 = r1 = g0 = g1 = g2 = 0;
}

#endif
