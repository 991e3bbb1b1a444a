/* poly1305_64.c: Poly1305 from RFC 8439 section 2.5 (see poly1305_64.h). The
 * accumulator h and the clamped r are split into limbs of 44, 44 and 42 bits, so that
 * a product of two limbs fits 128 bits with room for the sums; limbs that pass 2^130
 * are folded back times 5 (2^130 = 5 mod p), which is why s1 and s2 are r1 and r2
 * times 4 * 5 (the 2^132 positions). Constant time: no branch or index on secrets. */
#include "crypto/poly1305_64.h"

#if HAVE_POLY1305_64

#include <string.h>

#include "util.h"

typedef unsigned __int128 u128;

#define M44 0xfffffffffffULL
#define M42 0x3ffffffffffULL

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

struct p64 {
	uint64_t r0, r1, r2, s1, s2, h0, h1, h2;
};

/* h = (h + m + hibit * 2^128) * r mod 2^130 - 5, m one 16-byte block */
static void block(struct p64 *st, const uint8_t m[16], uint64_t hibit)
{
	uint64_t t0 = le64(m), t1 = le64(m + 8), c;
	uint64_t h0 = st->h0, h1 = st->h1, h2 = st->h2;
	u128 d0, d1, d2;

	h0 += t0 & M44;
	h1 += ((t0 >> 44) | (t1 << 20)) & M44;
	h2 += ((t1 >> 24) & M42) | hibit;
	d0 = (u128)h0 * st->r0 + (u128)h1 * st->s2 + (u128)h2 * st->s1;
	d1 = (u128)h0 * st->r1 + (u128)h1 * st->r0 + (u128)h2 * st->s2;
	d2 = (u128)h0 * st->r2 + (u128)h1 * st->r1 + (u128)h2 * st->r0;
	c = (uint64_t)(d0 >> 44);
	h0 = (uint64_t)d0 & M44;
	d1 += c;
	c = (uint64_t)(d1 >> 44);
	h1 = (uint64_t)d1 & M44;
	d2 += c;
	c = (uint64_t)(d2 >> 42);
	h2 = (uint64_t)d2 & M42;
	h0 += c * 5;
	c = h0 >> 44;
	h0 &= M44;
	h1 += c;
	st->h0 = h0;
	st->h1 = h1;
	st->h2 = h2;
}

void poly1305_64(const uint8_t key[32], const uint8_t *p, size_t n, uint8_t tag[16])
{
	struct p64 st;
	uint64_t t0 = le64(key), t1 = le64(key + 8), c, g0, g1, g2, mask;

	/* r &= 0x0ffffffc0ffffffc0ffffffc0fffffff (2.5.1), split 44/44/42 */
	st.r0 = t0 & 0xffc0fffffffULL;
	st.r1 = ((t0 >> 44) | (t1 << 20)) & 0xfffffc0ffffULL;
	st.r2 = (t1 >> 24) & 0x00ffffffc0fULL;
	st.s1 = st.r1 * 20;
	st.s2 = st.r2 * 20;
	st.h0 = st.h1 = st.h2 = 0;

	for (; n >= 16; n -= 16, p += 16)
		block(&st, p, 1ULL << 40); /* the 2^128 bit, at bit 40 of the third limb */
	if (n) {
		uint8_t last[16] = { 0 };
		memcpy(last, p, n);
		last[n] = 1; /* a short final block gets its 1 byte appended, no 2^128 */
		block(&st, last, 0);
		wipe(last, sizeof last);
	}

	/* carry fully, then h mod p: subtract p = 2^130 - 5 if h >= p, selected by mask */
	c = st.h1 >> 44; st.h1 &= M44; st.h2 += c;
	c = st.h2 >> 42; st.h2 &= M42; st.h0 += c * 5;
	c = st.h0 >> 44; st.h0 &= M44; st.h1 += c;
	c = st.h1 >> 44; st.h1 &= M44; st.h2 += c;
	c = st.h2 >> 42; st.h2 &= M42; st.h0 += c * 5;
	c = st.h0 >> 44; st.h0 &= M44; st.h1 += c;
	g0 = st.h0 + 5; c = g0 >> 44; g0 &= M44;
	g1 = st.h1 + c; c = g1 >> 44; g1 &= M44;
	g2 = st.h2 + c - (1ULL << 42);
	mask = (g2 >> 63) - 1; /* all ones when h + 5 - 2^130 did not borrow: h >= p */
	st.h0 = (st.h0 & ~mask) | (g0 & mask);
	st.h1 = (st.h1 & ~mask) | (g1 & mask);
	st.h2 = (st.h2 & ~mask) | (g2 & mask & M42);

	/* tag = (h + s) mod 2^128 */
	t0 = le64(key + 16);
	t1 = le64(key + 24);
	st.h0 += t0 & M44; c = st.h0 >> 44; st.h0 &= M44;
	st.h1 += (((t0 >> 44) | (t1 << 20)) & M44) + c; c = st.h1 >> 44; st.h1 &= M44;
	st.h2 += (t1 >> 24) + c; st.h2 &= M42;
	put_le64(tag, st.h0 | st.h1 << 44);
	put_le64(tag + 8, (st.h1 >> 20) | st.h2 << 24);
	wipe(&st, sizeof st);
}

#endif
