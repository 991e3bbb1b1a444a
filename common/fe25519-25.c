/* GF(2^255 - 19) in ten limbs of alternately 26 and 25 bits (radix 2^25.5), for
 * compilers without a 128-bit integer type: 32-bit ARM, MIPS and i386, where the routers
 * and boards this suite is for live. Every product is 32 x 32 -> 64 bits, one widening
 * multiply instruction on those machines, and every column sum fits 64 bits. Built only
 * where fe25519.h selects it (no unsigned __int128, or -DFE25519_PORTABLE); fe25519-51.c
 * otherwise.
 *
 * Limb i stands for v[i] * 2^ceil(25.5 i), i.e. it starts at bit 0, 26, 51, 77, 102,
 * 128, 153, 179, 204, 230: even limbs are 26 bits wide, odd ones 25. Two consequences
 * drive the formulas below:
 *   - ceil(25.5 i) + ceil(25.5 j) = ceil(25.5 (i + j)) + 1 when i and j are both odd,
 *     and exactly ceil(25.5 (i + j)) otherwise, so an odd-by-odd product is doubled;
 *   - limb i + j >= 10 stands 255 bits above limb i + j - 10, and 2^255 = 19 (mod p),
 *     so such a product folds back into column i + j - 10 times 19.
 * The contract is limbs below 2^27 in and out. Under it a column sum stays below
 * 267 * 2^54 < 2^62.1 (267 = 1 + 19 * 14 is the largest sum of the column factors), and
 * 19 * limb, 4 * limb fit 32 bits, so the precomputed multiples below are uint32_t. */
#include "fe25519.h"

#ifndef FE25519_RADIX51

#include <string.h>

#include "util.h"

/* Width of limb i: 26 bits for even i, 25 for odd (i is never secret). */
#define LIMB_BITS(i) (26u - ((unsigned)(i) & 1u))
#define LIMB_MASK(i) ((UINT32_C(1) << LIMB_BITS(i)) - 1)

/* A 32 x 32 -> 64-bit product: both operands are uint32_t, so compilers for 32-bit
 * targets emit one widening multiply (umull, mul) rather than a 64 x 64 routine. */
#define M(a, b) ((uint64_t)(a) * (b))

/* Hides a mask from the optimiser so that a select stays a select and never becomes a
 * branch on secret data. */
static inline uint32_t ct_barrier32(uint32_t x)
{
#if defined(__GNUC__)
	__asm__ __volatile__("" : "+r"(x));
#endif
	return x;
}

static uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void fe25519_frombytes(fe25519 *h, const uint8_t s[32])
{
	/* Each limb lies within the four bytes from its starting byte (start % 8 + width is
	 * at most 32); the last one is bits 230..254, so bit 255 is dropped by its mask. */
	static const uint8_t start[10] = { 0, 26, 51, 77, 102, 128, 153, 179, 204, 230 };
	int i;
	for (i = 0; i < 10; i++)
		h->v[i] = (load_le32(s + start[i] / 8) >> (start[i] % 8)) & LIMB_MASK(i);
}

/* One carry pass for limbs below 2^31: limbs 1..9 end within their widths and limb 0
 * below 2^26 + 19 * 2^6, which keeps the "limbs below 2^27" promise. */
static void carry(uint32_t h[10])
{
	int i;
	for (i = 0; i < 9; i++) {
		h[i + 1] += h[i] >> LIMB_BITS(i);
		h[i] &= LIMB_MASK(i);
	}
	h[0] += 19 * (h[9] >> 25);
	h[9] &= LIMB_MASK(9);
}

void fe25519_tobytes(uint8_t s[32], const fe25519 *f)
{
	uint32_t h[10], q;
	uint64_t acc = 0;
	unsigned nbits = 0, j = 0;
	int i;

	memcpy(h, f->v, sizeof(h));
	carry(h);
	/* Limbs came in below 2^27, so now limb 0 is below 2^26 + 19 * 4 and the others
	 * within their widths: h < 2^255 + 76 < 2p, and one conditional subtraction of p is
	 * enough. q is 1 exactly when h + 19 reaches 2^255, i.e. h >= p. */
	q = (h[0] + 19) >> 26;
	for (i = 1; i < 10; i++)
		q = (h[i] + q) >> LIMB_BITS(i);
	h[0] += 19 * q; /* h - q*p = h + 19q - q*2^255: the 2^255 falls off the top below */
	for (i = 0; i < 9; i++) {
		h[i + 1] += h[i] >> LIMB_BITS(i);
		h[i] &= LIMB_MASK(i);
	}
	h[9] &= LIMB_MASK(9);

	/* Pack the 255 bits little-endian; how many bytes each limb completes depends
	 * only on the public widths. */
	for (i = 0; i < 10; i++) {
		acc |= (uint64_t)h[i] << nbits;
		nbits += LIMB_BITS(i);
		for (; nbits >= 8; nbits -= 8, acc >>= 8)
			s[j++] = (uint8_t)acc;
	}
	s[31] = (uint8_t)acc; /* the last 7 bits; bit 255 is 0 */
	wipe(h, sizeof(h));
	wipe(&acc, sizeof(acc));
}

void fe25519_add(fe25519 *h, const fe25519 *f, const fe25519 *g)
{
	int i;
	for (i = 0; i < 10; i++)
		h->v[i] = f->v[i] + g->v[i];
	carry(h->v);
}

/* f + 8p - g: 8p's limbs (2^29 - 152, 2^28 - 8, 2^29 - 8, ...) exceed any input limb
 * (< 2^27), so no limb goes negative, and the sums stay below 2^30 for carry(). */
void fe25519_sub(fe25519 *h, const fe25519 *f, const fe25519 *g)
{
	int i;
	h->v[0] = f->v[0] + (UINT32_C(1) << 29) - 152 - g->v[0];
	for (i = 1; i < 10; i++)
		h->v[i] = f->v[i] + (LIMB_MASK(i) << 3) - g->v[i];
	carry(h->v);
}

/* Reduces ten 64-bit column sums below 2^62.1 to limbs below 2^27. Two carry chains
 * interleaved (from limb 0 and from limb 4) shorten the dependency chain. Bounds: every
 * carry out of a column is below 2^37.2, so no column overflows on the way; 19 times the
 * carry out of limb 9 is below 2^41.5, and after the last step limb 1 is below
 * 2^25 + 2^16, limb 5 below 2^25 + 2^12, the others within their widths. */
static void carry_wide(fe25519 *out, uint64_t h[10])
{
	int i;

#define CARRY(i)                                  \
	do {                                      \
		h[(i) + 1] += h[i] >> LIMB_BITS(i); \
		h[i] &= LIMB_MASK(i);             \
	} while (0)
	CARRY(0); CARRY(4);
	CARRY(1); CARRY(5);
	CARRY(2); CARRY(6);
	CARRY(3); CARRY(7);
	CARRY(4); CARRY(8);
	h[0] += 19 * (h[9] >> 25);
	h[9] &= LIMB_MASK(9);
	CARRY(0);
#undef CARRY
	for (i = 0; i < 10; i++)
		out->v[i] = (uint32_t)h[i];
}

/* Schoolbook: column k collects f_i g_j over i + j = k and, times 19, over
 * i + j = k + 10, doubling odd-by-odd products (see the top of this file). */
void fe25519_mul(fe25519 *out, const fe25519 *f, const fe25519 *g)
{
	uint32_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
	uint32_t f5 = f->v[5], f6 = f->v[6], f7 = f->v[7], f8 = f->v[8], f9 = f->v[9];
	uint32_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3], g4 = g->v[4];
	uint32_t g5 = g->v[5], g6 = g->v[6], g7 = g->v[7], g8 = g->v[8], g9 = g->v[9];
	uint32_t f1x2 = 2 * f1, f3x2 = 2 * f3, f5x2 = 2 * f5, f7x2 = 2 * f7, f9x2 = 2 * f9;
	uint32_t g1x19 = 19 * g1, g2x19 = 19 * g2, g3x19 = 19 * g3, g4x19 = 19 * g4;
	uint32_t g5x19 = 19 * g5, g6x19 = 19 * g6, g7x19 = 19 * g7, g8x19 = 19 * g8;
	uint32_t g9x19 = 19 * g9;
	uint64_t h[10];

	h[0] = M(f0, g0) + M(f1x2, g9x19) + M(f2, g8x19) + M(f3x2, g7x19) + M(f4, g6x19) +
	       M(f5x2, g5x19) + M(f6, g4x19) + M(f7x2, g3x19) + M(f8, g2x19) + M(f9x2, g1x19);
	h[1] = M(f0, g1) + M(f1, g0) + M(f2, g9x19) + M(f3, g8x19) + M(f4, g7x19) +
	       M(f5, g6x19) + M(f6, g5x19) + M(f7, g4x19) + M(f8, g3x19) + M(f9, g2x19);
	h[2] = M(f0, g2) + M(f1x2, g1) + M(f2, g0) + M(f3x2, g9x19) + M(f4, g8x19) +
	       M(f5x2, g7x19) + M(f6, g6x19) + M(f7x2, g5x19) + M(f8, g4x19) + M(f9x2, g3x19);
	h[3] = M(f0, g3) + M(f1, g2) + M(f2, g1) + M(f3, g0) + M(f4, g9x19) +
	       M(f5, g8x19) + M(f6, g7x19) + M(f7, g6x19) + M(f8, g5x19) + M(f9, g4x19);
	h[4] = M(f0, g4) + M(f1x2, g3) + M(f2, g2) + M(f3x2, g1) + M(f4, g0) +
	       M(f5x2, g9x19) + M(f6, g8x19) + M(f7x2, g7x19) + M(f8, g6x19) + M(f9x2, g5x19);
	h[5] = M(f0, g5) + M(f1, g4) + M(f2, g3) + M(f3, g2) + M(f4, g1) +
	       M(f5, g0) + M(f6, g9x19) + M(f7, g8x19) + M(f8, g7x19) + M(f9, g6x19);
	h[6] = M(f0, g6) + M(f1x2, g5) + M(f2, g4) + M(f3x2, g3) + M(f4, g2) +
	       M(f5x2, g1) + M(f6, g0) + M(f7x2, g9x19) + M(f8, g8x19) + M(f9x2, g7x19);
	h[7] = M(f0, g7) + M(f1, g6) + M(f2, g5) + M(f3, g4) + M(f4, g3) +
	       M(f5, g2) + M(f6, g1) + M(f7, g0) + M(f8, g9x19) + M(f9, g8x19);
	h[8] = M(f0, g8) + M(f1x2, g7) + M(f2, g6) + M(f3x2, g5) + M(f4, g4) +
	       M(f5x2, g3) + M(f6, g2) + M(f7x2, g1) + M(f8, g0) + M(f9x2, g9x19);
	h[9] = M(f0, g9) + M(f1, g8) + M(f2, g7) + M(f3, g6) + M(f4, g5) +
	       M(f5, g4) + M(f6, g3) + M(f7, g2) + M(f8, g1) + M(f9, g0);
	carry_wide(out, h);
}

/* The same columns with each product f_i f_j (i != j) counted once and doubled. */
void fe25519_sq(fe25519 *out, const fe25519 *f)
{
	uint32_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
	uint32_t f5 = f->v[5], f6 = f->v[6], f7 = f->v[7], f8 = f->v[8], f9 = f->v[9];
	uint32_t f0x2 = 2 * f0, f1x2 = 2 * f1, f2x2 = 2 * f2, f3x2 = 2 * f3, f4x2 = 2 * f4;
	uint32_t f5x2 = 2 * f5, f6x2 = 2 * f6, f7x2 = 2 * f7, f8x2 = 2 * f8, f9x2 = 2 * f9;
	uint32_t f1x4 = 4 * f1, f3x4 = 4 * f3, f5x4 = 4 * f5, f7x4 = 4 * f7;
	uint32_t f5x19 = 19 * f5, f6x19 = 19 * f6, f7x19 = 19 * f7, f8x19 = 19 * f8;
	uint32_t f9x19 = 19 * f9;
	uint64_t h[10];

	h[0] = M(f0, f0) + M(f1x4, f9x19) + M(f2x2, f8x19) + M(f3x4, f7x19) + M(f4x2, f6x19) +
	       M(f5x2, f5x19);
	h[1] = M(f0x2, f1) + M(f2x2, f9x19) + M(f3x2, f8x19) + M(f4x2, f7x19) + M(f5x2, f6x19);
	h[2] = M(f0x2, f2) + M(f1x2, f1) + M(f3x4, f9x19) + M(f4x2, f8x19) + M(f5x4, f7x19) +
	       M(f6, f6x19);
	h[3] = M(f0x2, f3) + M(f1x2, f2) + M(f4x2, f9x19) + M(f5x2, f8x19) + M(f6x2, f7x19);
	h[4] = M(f0x2, f4) + M(f1x4, f3) + M(f2, f2) + M(f5x4, f9x19) + M(f6x2, f8x19) +
	       M(f7x2, f7x19);
	h[5] = M(f0x2, f5) + M(f1x2, f4) + M(f2x2, f3) + M(f6x2, f9x19) + M(f7x2, f8x19);
	h[6] = M(f0x2, f6) + M(f1x4, f5) + M(f2x2, f4) + M(f3x2, f3) + M(f7x4, f9x19) +
	       M(f8, f8x19);
	h[7] = M(f0x2, f7) + M(f1x2, f6) + M(f2x2, f5) + M(f3x2, f4) + M(f8x2, f9x19);
	h[8] = M(f0x2, f8) + M(f1x4, f7) + M(f2x2, f6) + M(f3x4, f5) + M(f4, f4) +
	       M(f9x2, f9x19);
	h[9] = M(f0x2, f9) + M(f1x2, f8) + M(f2x2, f7) + M(f3x2, f6) + M(f4x2, f5);
	carry_wide(out, h);
}

void fe25519_mul_small(fe25519 *out, const fe25519 *f, uint32_t n)
{
	uint64_t h[10];
	int i;
	for (i = 0; i < 10; i++)
		h[i] = M(f->v[i], n);
	carry_wide(out, h);
}

void fe25519_cswap(fe25519 *f, fe25519 *g, unsigned b)
{
	uint32_t m = ct_barrier32(-(uint32_t)(b & 1)), x;
	int i;
	for (i = 0; i < 10; i++) {
		x = m & (f->v[i] ^ g->v[i]);
		f->v[i] ^= x;
		g->v[i] ^= x;
	}
}

void fe25519_cmov(fe25519 *f, const fe25519 *g, unsigned b)
{
	uint32_t m = ct_barrier32(-(uint32_t)(b & 1));
	int i;
	for (i = 0; i < 10; i++)
		f->v[i] ^= m & (f->v[i] ^ g->v[i]);
}

#undef M

#endif /* !FE25519_RADIX51 */
