/* GF(2^255 - 19) in five 51-bit limbs: a 51x51-bit product fits a 64x64 -> 128-bit
 * multiply with room for the five-term sums, and 2^255 = 19 (mod p) folds the upper half
 * of a product back with one small multiplication. Built only where fe25519.h selects it
 * (unsigned __int128 available, FE25519_PORTABLE not defined); fe25519-25.c otherwise. */
#include "fe25519.h"

#ifdef FE25519_RADIX51

#include <string.h>

#include "util.h"

__extension__ typedef unsigned __int128 u128;

#define MASK51 ((UINT64_C(1) << 51) - 1)

/* Hides a mask from the optimiser so that a select stays a select and never becomes a
 * branch on secret data. */
static inline uint64_t ct_barrier(uint64_t x)
{
#if defined(__GNUC__)
	__asm__ __volatile__("" : "+r"(x));
#endif
	return x;
}

static uint64_t load_le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;
	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void store_le64(uint8_t *p, uint64_t v)
{
	int i;
	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

void fe25519_frombytes(fe25519 *h, const uint8_t s[32])
{
	uint64_t w0 = load_le64(s), w1 = load_le64(s + 8);
	uint64_t w2 = load_le64(s + 16), w3 = load_le64(s + 24);

	h->v[0] = w0 & MASK51;
	h->v[1] = (w0 >> 51 | w1 << 13) & MASK51;
	h->v[2] = (w1 >> 38 | w2 << 26) & MASK51;
	h->v[3] = (w2 >> 25 | w3 << 39) & MASK51;
	h->v[4] = (w3 >> 12) & MASK51; /* drops bit 255 */
}

/* One carry pass: for limbs below 2^63, limbs 1..4 end below 2^51 and limb 0 below
 * 2^51 + 19 * 2^12, which keeps the "limbs below 2^52" promise. */
static void carry(uint64_t h[5])
{
	uint64_t c;
	c = h[0] >> 51; h[0] &= MASK51; h[1] += c;
	c = h[1] >> 51; h[1] &= MASK51; h[2] += c;
	c = h[2] >> 51; h[2] &= MASK51; h[3] += c;
	c = h[3] >> 51; h[3] &= MASK51; h[4] += c;
	c = h[4] >> 51; h[4] &= MASK51; h[0] += 19 * c;
}

void fe25519_tobytes(uint8_t s[32], const fe25519 *f)
{
	uint64_t h[5], q;

	memcpy(h, f->v, sizeof(h));
	carry(h);
	/* Now h < 2^255 + 2^18 < 2p, so one conditional subtraction of p is enough: q is
	 * 1 exactly when h + 19 reaches 2^255, i.e. h >= p. */
	q = (h[0] + 19) >> 51;
	q = (h[1] + q) >> 51;
	q = (h[2] + q) >> 51;
	q = (h[3] + q) >> 51;
	q = (h[4] + q) >> 51;
	h[0] += 19 * q; /* h - q*p = h + 19q - q*2^255: the 2^255 falls off the top below */
	h[1] += h[0] >> 51; h[0] &= MASK51;
	h[2] += h[1] >> 51; h[1] &= MASK51;
	h[3] += h[2] >> 51; h[2] &= MASK51;
	h[4] += h[3] >> 51; h[3] &= MASK51;
	h[4] &= MASK51;

	store_le64(s, h[0] | h[1] << 51);
	store_le64(s + 8, h[1] >> 13 | h[2] << 38);
	store_le64(s + 16, h[2] >> 26 | h[3] << 25);
	store_le64(s + 24, h[3] >> 39 | h[4] << 12);
	wipe(h, sizeof(h));
}

void fe25519_add(fe25519 *h, const fe25519 *f, const fe25519 *g)
{
	int i;
	for (i = 0; i < 5; i++)
		h->v[i] = f->v[i] + g->v[i];
	carry(h->v);
}

/* f + 4p - g: 4p's limbs (2^53 - 76, 2^53 - 4, ...) exceed any input limb (< 2^52), so
 * no limb goes negative. */
void fe25519_sub(fe25519 *h, const fe25519 *f, const fe25519 *g)
{
	int i;
	h->v[0] = f->v[0] + (UINT64_C(1) << 53) - 76 - g->v[0];
	for (i = 1; i < 5; i++)
		h->v[i] = f->v[i] + (UINT64_C(1) << 53) - 4 - g->v[i];
	carry(h->v);
}

/* Reduces five 128-bit column sums to limbs below 2^52. Column 4 carries no factor 19:
 * for inputs below 2^52 it stays below 5 * 2^104, so c < 2^56 and 19c fits 64 bits. */
static void carry_wide(fe25519 *h, u128 r0, u128 r1, u128 r2, u128 r3, u128 r4)
{
	uint64_t c;
	r1 += (uint64_t)(r0 >> 51);
	r2 += (uint64_t)(r1 >> 51);
	r3 += (uint64_t)(r2 >> 51);
	r4 += (uint64_t)(r3 >> 51);
	c = (uint64_t)(r4 >> 51);
	h->v[0] = ((uint64_t)r0 & MASK51) + 19 * c;
	h->v[1] = ((uint64_t)r1 & MASK51) + (h->v[0] >> 51);
	h->v[0] &= MASK51;
	h->v[2] = (uint64_t)r2 & MASK51;
	h->v[3] = (uint64_t)r3 & MASK51;
	h->v[4] = (uint64_t)r4 & MASK51;
}

/* Schoolbook: column k collects f_i g_j with i + j = k, plus 19 f_i g_j with
 * i + j = k + 5 (because 2^255 = 19). Inputs below 2^52 keep each column below 2^111. */
void fe25519_mul(fe25519 *h, const fe25519 *f, const fe25519 *g)
{
	const uint64_t *a = f->v, *b = g->v;
	uint64_t b1 = 19 * b[1], b2 = 19 * b[2], b3 = 19 * b[3], b4 = 19 * b[4];
	u128 r0, r1, r2, r3, r4;

	r0 = (u128)a[0] * b[0] + (u128)a[1] * b4 + (u128)a[2] * b3 + (u128)a[3] * b2 +
	     (u128)a[4] * b1;
	r1 = (u128)a[0] * b[1] + (u128)a[1] * b[0] + (u128)a[2] * b4 + (u128)a[3] * b3 +
	     (u128)a[4] * b2;
	r2 = (u128)a[0] * b[2] + (u128)a[1] * b[1] + (u128)a[2] * b[0] + (u128)a[3] * b4 +
	     (u128)a[4] * b3;
	r3 = (u128)a[0] * b[3] + (u128)a[1] * b[2] + (u128)a[2] * b[1] + (u128)a[3] * b[0] +
	     (u128)a[4] * b4;
	r4 = (u128)a[0] * b[4] + (u128)a[1] * b[3] + (u128)a[2] * b[2] + (u128)a[3] * b[1] +
	     (u128)a[4] * b[0];
	carry_wide(h, r0, r1, r2, r3, r4);
}

/* The same columns with the symmetric products counted once and doubled. */
void fe25519_sq(fe25519 *h, const fe25519 *f)
{
	const uint64_t *a = f->v;
	uint64_t d0 = 2 * a[0], d1 = 2 * a[1];
	uint64_t a3_19 = 19 * a[3], a4_19 = 19 * a[4];
	u128 r0, r1, r2, r3, r4;

	r0 = (u128)a[0] * a[0] + (u128)(2 * a4_19) * a[1] + (u128)(2 * a3_19) * a[2];
	r1 = (u128)d0 * a[1] + (u128)(2 * a4_19) * a[2] + (u128)a3_19 * a[3];
	r2 = (u128)d0 * a[2] + (u128)a[1] * a[1] + (u128)(2 * a4_19) * a[3];
	r3 = (u128)d0 * a[3] + (u128)d1 * a[2] + (u128)a4_19 * a[4];
	r4 = (u128)d0 * a[4] + (u128)d1 * a[3] + (u128)a[2] * a[2];
	carry_wide(h, r0, r1, r2, r3, r4);
}

void fe25519_mul_small(fe25519 *h, const fe25519 *f, uint32_t n)
{
	carry_wide(h, (u128)f->v[0] * n, (u128)f->v[1] * n, (u128)f->v[2] * n,
		   (u128)f->v[3] * n, (u128)f->v[4] * n);
}

void fe25519_cswap(fe25519 *f, fe25519 *g, unsigned b)
{
	uint64_t m = ct_barrier(-(uint64_t)(b & 1)), x;
	int i;
	for (i = 0; i < 5; i++) {
		x = m & (f->v[i] ^ g->v[i]);
		f->v[i] ^= x;
		g->v[i] ^= x;
	}
}

void fe25519_cmov(fe25519 *f, const fe25519 *g, unsigned b)
{
	uint64_t m = ct_barrier(-(uint64_t)(b & 1));
	int i;
	for (i = 0; i < 5; i++)
		f->v[i] ^= m & (f->v[i] ^ g->v[i]);
}

#endif /* FE25519_RADIX51 */
