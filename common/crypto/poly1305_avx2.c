/* poly1305_avx2.c: Poly1305's whole blocks four at a time on AVX2 (see poly1305_avx2.h).
 *
 * Poly1305 (RFC 8439 section 2.5) computes h = sum of m_i r^(n-i) (mod p = 2^130 - 5)
 * over the n blocks m_i, each with its 2^128 bit. Split the blocks by their index mod
 * 4 into four lanes: lane j accumulates A_j = A_j r^4 + m_(4k+j), group after group,
 * so that after the last group A_j = sum over k of m_(4k+j) r^(4(K-1-k)), and
 * h = A_0 r^4 + A_1 r^3 + A_2 r^2 + A_3 r. The h carried in from earlier blocks is added
 * to the first block, which multiplies it by r^n as the serial definition does.
 *
 * Each lane holds its number in five 26-bit limbs, one 64-bit element of five 256-bit
 * registers, so that vpmuludq (32x32->64-bit, four at once) forms the products. A
 * product of two numbers below 2^130 in this radix is 25 limb products; those landing
 * at 2^130 and above fold back times 5 (2^130 = 5 mod p), kept as precomputed 5 r_i.
 * Limbs stay below 2^27 between steps (one carry pass after each product), so every
 * sum of five products stays below 2^60. Constant time: no branch or index on secrets.
 * Written from RFC 8439 and Intel's intrinsics guide. */
#include "crypto/poly1305_avx2.h"

#if DB_FAST_CRYPTO && defined(__x86_64__)

/* -Os, as SPEED_SRCS compile it: 0.46 cycles/byte on 32 kB (rdtsc, best of 50)
 * against the 64-bit scalar code's 1.42, ~2.3 kB of text; -O2 gave 0.44 for 3.0 kB. */

#include <immintrin.h>
#include <string.h>

#include "crypto/chacha_avx2.h"
#include "util.h"

#define TGT __attribute__((target("avx2")))
#define INL inline __attribute__((always_inline))
#define M26 0x3ffffffULL

int poly1305_avx2_available(void)
{
	return chacha_avx2_available(); /* the same check: AVX2 and the OS saving its state */
}

/* ---- scalar radix-2^26 arithmetic, for r's powers and the final sum */

/* carries l[0..4] so that l[0..3] < 2^26, folding what passes 2^130 back times 5; l[4]
 * may end a little above 2^26 */
static void carry26(uint64_t l[5])
{
	uint64_t c;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < 4; i++) {
			c = l[i] >> 26;
			l[i] &= M26;
			l[i + 1] += c;
		}
		if (pass == 0) {
			c = l[4] >> 26;
			l[4] &= M26;
			l[0] += c * 5;
		}
	}
}

/* out = a b (mod p, partly reduced), every limb of a and b below 2^27 */
static void mul26(uint64_t out[5], const uint64_t a[5], const uint64_t b[5])
{
	uint64_t s1 = b[1] * 5, s2 = b[2] * 5, s3 = b[3] * 5, s4 = b[4] * 5, d[5];

	d[0] = a[0] * b[0] + a[1] * s4 + a[2] * s3 + a[3] * s2 + a[4] * s1;
	d[1] = a[0] * b[1] + a[1] * b[0] + a[2] * s4 + a[3] * s3 + a[4] * s2;
	d[2] = a[0] * b[2] + a[1] * b[1] + a[2] * b[0] + a[3] * s4 + a[4] * s3;
	d[3] = a[0] * b[3] + a[1] * b[2] + a[2] * b[1] + a[3] * b[0] + a[4] * s4;
	d[4] = a[0] * b[4] + a[1] * b[3] + a[2] * b[2] + a[3] * b[1] + a[4] * b[0];
	carry26(d);
	memcpy(out, d, sizeof d);
	wipe(d, sizeof d);
}

/* h0 + h1 2^64 + h2 2^128 (h2 below 8) as five 26-bit limbs (the top one below 2^27) */
static void to26(uint64_t l[5], uint64_t h0, uint64_t h1, uint64_t h2)
{
	l[0] = h0 & M26;
	l[1] = (h0 >> 26) & M26;
	l[2] = ((h0 >> 52) | (h1 << 12)) & M26;
	l[3] = (h1 >> 14) & M26;
	l[4] = (h1 >> 40) | (h2 << 24);
}

/* ---- four lanes */

struct v5 {
	__m256i l[5];
};

/* h = h r (per lane), r's limbs in r, 5 r_i in s (s[0] unused); limbs of h below 2^27,
 * of r below 2^26 + 2^10: the result's limbs below 2^26 + 2^11 */
static TGT INL void vmul(struct v5 *h, const struct v5 *r, const struct v5 *s)
{
	const __m256i m = _mm256_set1_epi64x((long long)M26);
	__m256i d0, d1, d2, d3, d4, c;
	__m256i h0 = h->l[0], h1 = h->l[1], h2 = h->l[2], h3 = h->l[3], h4 = h->l[4];

#define MUL(a, b) _mm256_mul_epu32((a), (b))
#define ADD(a, b) _mm256_add_epi64((a), (b))
	d0 = ADD(ADD(ADD(MUL(h0, r->l[0]), MUL(h1, s->l[4])), ADD(MUL(h2, s->l[3]), MUL(h3, s->l[2]))),
	         MUL(h4, s->l[1]));
	d1 = ADD(ADD(ADD(MUL(h0, r->l[1]), MUL(h1, r->l[0])), ADD(MUL(h2, s->l[4]), MUL(h3, s->l[3]))),
	         MUL(h4, s->l[2]));
	d2 = ADD(ADD(ADD(MUL(h0, r->l[2]), MUL(h1, r->l[1])), ADD(MUL(h2, r->l[0]), MUL(h3, s->l[4]))),
	         MUL(h4, s->l[3]));
	d3 = ADD(ADD(ADD(MUL(h0, r->l[3]), MUL(h1, r->l[2])), ADD(MUL(h2, r->l[1]), MUL(h3, r->l[0]))),
	         MUL(h4, s->l[4]));
	d4 = ADD(ADD(ADD(MUL(h0, r->l[4]), MUL(h1, r->l[3])), ADD(MUL(h2, r->l[2]), MUL(h3, r->l[1]))),
	         MUL(h4, r->l[0]));
	/* one carry pass; the top carry folds back times 5, then d0's carry moves on once
	 * more so that d0 fits the 32 bits vpmuludq reads */
	c = _mm256_srli_epi64(d0, 26); d0 = _mm256_and_si256(d0, m); d1 = ADD(d1, c);
	c = _mm256_srli_epi64(d1, 26); d1 = _mm256_and_si256(d1, m); d2 = ADD(d2, c);
	c = _mm256_srli_epi64(d2, 26); d2 = _mm256_and_si256(d2, m); d3 = ADD(d3, c);
	c = _mm256_srli_epi64(d3, 26); d3 = _mm256_and_si256(d3, m); d4 = ADD(d4, c);
	c = _mm256_srli_epi64(d4, 26); d4 = _mm256_and_si256(d4, m);
	d0 = ADD(d0, ADD(c, _mm256_slli_epi64(c, 2)));
	c = _mm256_srli_epi64(d0, 26); d0 = _mm256_and_si256(d0, m); d1 = ADD(d1, c);
#undef MUL
#undef ADD
	h->l[0] = d0;
	h->l[1] = d1;
	h->l[2] = d2;
	h->l[3] = d3;
	h->l[4] = d4;
}

/* h += the four blocks at p, as limbs, each with its 2^128 bit. The lanes hold blocks
 * 0, 2, 1, 3 of the group: unpacking the two 32-byte loads interleaves them so, and
 * the final powers follow the same order. */
static TGT INL void vadd_blocks(struct v5 *h, const uint8_t *p)
{
	const __m256i m = _mm256_set1_epi64x((long long)M26);
	__m256i a = _mm256_loadu_si256((const __m256i *)p);
	__m256i b = _mm256_loadu_si256((const __m256i *)(p + 32));
	__m256i lo = _mm256_unpacklo_epi64(a, b), hi = _mm256_unpackhi_epi64(a, b);

	h->l[0] = _mm256_add_epi64(h->l[0], _mm256_and_si256(lo, m));
	h->l[1] = _mm256_add_epi64(h->l[1], _mm256_and_si256(_mm256_srli_epi64(lo, 26), m));
	h->l[2] = _mm256_add_epi64(h->l[2], _mm256_and_si256(
		_mm256_or_si256(_mm256_srli_epi64(lo, 52), _mm256_slli_epi64(hi, 12)), m));
	h->l[3] = _mm256_add_epi64(h->l[3], _mm256_and_si256(_mm256_srli_epi64(hi, 14), m));
	h->l[4] = _mm256_add_epi64(h->l[4], _mm256_or_si256(_mm256_srli_epi64(hi, 40),
	                                                    _mm256_set1_epi64x(1 << 24)));
}

/* per lane: the limbs of a, b, c, d (lanes 0..3) and their 5x */
static TGT void vset(struct v5 *r, struct v5 *s, const uint64_t a[5], const uint64_t b[5],
		     const uint64_t c[5], const uint64_t d[5])
{
	uint64_t t[4];
	for (int i = 0; i < 5; i++) {
		t[0] = a[i];
		t[1] = b[i];
		t[2] = c[i];
		t[3] = d[i];
		r->l[i] = _mm256_loadu_si256((const __m256i *)t);
		s->l[i] = _mm256_add_epi64(r->l[i], _mm256_slli_epi64(r->l[i], 2));
	}
	wipe(t, sizeof t);
}

TGT void poly1305_avx2_blocks(uint64_t h[3], uint64_t r0, uint64_t r1, const uint8_t *p,
			      size_t n)
{
	static const uint64_t zero[5];
	uint64_t r[5], r2[5], r3[5], r4[5], l[5], sum[5] = { 0 };
	struct v5 acc, R4, S4, RF, SF;
	int i, j, last;

	to26(r, r0, r1, 0);
	mul26(r2, r, r);
	mul26(r3, r2, r);
	mul26(r4, r2, r2);
	vset(&R4, &S4, r4, r4, r4, r4);
	/* h joins the first block (lane 0); the other lanes start at 0 */
	to26(l, h[0], h[1], h[2]);
	vset(&acc, &SF, l, zero, zero, zero);
	/* the lanes hold blocks 0, 2, 1, 3 of a group: r^4, r^2, r^3, r^1 at the end */
	vset(&RF, &SF, r4, r2, r3, r);
	/* one product per group: by r^4, and after the last group by the final powers
	 * (one call site: vmul is inlined) */
	for (last = 0; !last; p += 64, n -= 64) {
		vadd_blocks(&acc, p);
		last = n < 128;
		vmul(&acc, last ? &RF : &R4, last ? &SF : &S4);
	}

	/* the lanes' sum, limb by limb (each below 2^29), then one number mod p */
	for (i = 0; i < 5; i++) {
		uint64_t t[4];
		_mm256_storeu_si256((__m256i *)t, acc.l[i]);
		for (j = 0; j < 4; j++)
			sum[i] += t[j];
		wipe(t, sizeof t);
	}
	carry26(sum);
	h[0] = sum[0] | sum[1] << 26 | sum[2] << 52;
	h[1] = sum[2] >> 12 | sum[3] << 14 | sum[4] << 40;
	h[2] = sum[4] >> 24;

	wipe(r, sizeof r);
	wipe(r2, sizeof r2);
	wipe(r3, sizeof r3);
	wipe(r4, sizeof r4);
	wipe(l, sizeof l);
	wipe(sum, sizeof sum);
	wipe(&acc, sizeof acc);
	wipe(&R4, sizeof R4);
	wipe(&S4, sizeof S4);
	wipe(&RF, sizeof RF);
	wipe(&SF, sizeof SF);
}

#endif
