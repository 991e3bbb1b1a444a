/* X25519 (RFC 7748) and pure Ed25519 (RFC 8032 section 5.1), both over fe25519.
 *
 * Secret scalars only ever meet fixed sequences of field operations: the Montgomery
 * ladder with conditional swaps for X25519, and for Ed25519 a fixed 4-bit window whose
 * table entry is picked by scanning the whole table with masks. Verification works on
 * public data only and uses the same code. Scalars mod L use Barrett reduction over
 * 64-bit words (Handbook of Applied Cryptography, algorithm 14.42), also branch-free. */
#include "curve25519.h"

#include <string.h>
#include <tomcrypt.h>

#include "err.h"
#include "fe25519.h"
#include "util.h"

/* ---- X25519 (RFC 7748 section 5) */

/* a24 = (486662 - 2) / 4, the ladder constant of RFC 7748 section 5. */
#define X25519_A24 121665

int x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32])
{
	struct {
		uint8_t k[32];
		fe25519 x1, x2, z2, x3, z3, a, aa, b, bb, e, c, d, da, cb;
	} s;
	unsigned swap = 0, bit;
	uint8_t acc = 0;
	int t, i;

	/* decodeScalar25519: clear the cofactor bits, fix the top bit at 254 */
	memcpy(s.k, scalar, 32);
	s.k[0] &= 248;
	s.k[31] &= 127;
	s.k[31] |= 64;
	/* decodeUCoordinate: bit 255 is masked, values >= p are taken mod p */
	fe25519_frombytes(&s.x1, point);
	fe25519_1(&s.x2);
	fe25519_0(&s.z2);
	s.x3 = s.x1;
	fe25519_1(&s.z3);

	for (t = 254; t >= 0; t--) {
		/* t is public: the byte index depends on the loop, not on the key */
		bit = (s.k[t >> 3] >> (t & 7)) & 1;
		swap ^= bit;
		fe25519_cswap(&s.x2, &s.x3, swap);
		fe25519_cswap(&s.z2, &s.z3, swap);
		swap = bit;

		fe25519_add(&s.a, &s.x2, &s.z2);
		fe25519_sq(&s.aa, &s.a);
		fe25519_sub(&s.b, &s.x2, &s.z2);
		fe25519_sq(&s.bb, &s.b);
		fe25519_sub(&s.e, &s.aa, &s.bb);
		fe25519_add(&s.c, &s.x3, &s.z3);
		fe25519_sub(&s.d, &s.x3, &s.z3);
		fe25519_mul(&s.da, &s.d, &s.a);
		fe25519_mul(&s.cb, &s.c, &s.b);
		fe25519_add(&s.x3, &s.da, &s.cb);
		fe25519_sq(&s.x3, &s.x3);
		fe25519_sub(&s.z3, &s.da, &s.cb);
		fe25519_sq(&s.z3, &s.z3);
		fe25519_mul(&s.z3, &s.z3, &s.x1);
		fe25519_mul(&s.x2, &s.aa, &s.bb);
		fe25519_mul_small(&s.z2, &s.e, X25519_A24);
		fe25519_add(&s.z2, &s.z2, &s.aa);
		fe25519_mul(&s.z2, &s.z2, &s.e);
	}
	fe25519_cswap(&s.x2, &s.x3, swap);
	fe25519_cswap(&s.z2, &s.z3, swap);

	/* x2 / z2; z2 = 0 (a low-order input) inverts to 0 and gives the all-zero output */
	fe25519_invert(&s.z2, &s.z2);
	fe25519_mul(&s.x2, &s.x2, &s.z2);
	fe25519_tobytes(out, &s.x2);
	wipe(&s, sizeof(s));

	/* RFC 7748 section 6.1: the all-zero check must not leak where a byte differs */
	for (i = 0; i < 32; i++)
		acc |= out[i];
	return (((unsigned)acc - 1) >> 8) & 1 ? ERR_CRYPTO : 0;
}

void x25519_base(uint8_t out[32], const uint8_t scalar[32])
{
	static const uint8_t nine[32] = { 9 };
	/* A clamped scalar times the base point is never zero: no error to report. */
	(void)x25519(out, scalar, nine);
}

/* ---- Ed25519 group: twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 (RFC 8032 5.1) */

/* Little-endian field constants from RFC 8032 section 5.1: d = -121665/121666, 2d,
 * sqrt(-1) = 2^((p-1)/4), and the base point B = (X(P), Y(P)) with Y(P) = 4/5. */
static const uint8_t ED_D[32] = {
	0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
	0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52,
};
static const uint8_t ED_D2[32] = {
	0x59, 0xf1, 0xb2, 0x26, 0x94, 0x9b, 0xd6, 0xeb, 0x56, 0xb1, 0x83, 0x82, 0x9a, 0x14, 0xe0, 0x00,
	0x30, 0xd1, 0xf3, 0xee, 0xf2, 0x80, 0x8e, 0x19, 0xe7, 0xfc, 0xdf, 0x56, 0xdc, 0xd9, 0x06, 0x24,
};
static const uint8_t ED_SQRTM1[32] = {
	0xb0, 0xa0, 0x0e, 0x4a, 0x27, 0x1b, 0xee, 0xc4, 0x78, 0xe4, 0x2f, 0xad, 0x06, 0x18, 0x43, 0x2f,
	0xa7, 0xd7, 0xfb, 0x3d, 0x99, 0x00, 0x4d, 0x2b, 0x0b, 0xdf, 0xc1, 0x4f, 0x80, 0x24, 0x83, 0x2b,
};
static const uint8_t ED_BX[32] = {
	0x1a, 0xd5, 0x25, 0x8f, 0x60, 0x2d, 0x56, 0xc9, 0xb2, 0xa7, 0x25, 0x95, 0x60, 0xc7, 0x2c, 0x69,
	0x5c, 0xdc, 0xd6, 0xfd, 0x31, 0xe2, 0xa4, 0xc0, 0xfe, 0x53, 0x6e, 0xcd, 0xd3, 0x36, 0x69, 0x21,
};
static const uint8_t ED_BY[32] = {
	0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
};

/* Extended coordinates (RFC 8032 section 5.1.4): x = X/Z, y = Y/Z, x*y = T/Z. */
typedef struct {
	fe25519 X, Y, Z, T;
} ge;

/* A point prepared as the second operand of ge_add: the sums and products the addition
 * formulas need from it, computed once per table entry instead of once per addition. */
typedef struct {
	fe25519 YpX, YmX, Z2, T2d;
} ge_cached;

static void ge_identity(ge *p)
{
	fe25519_0(&p->X);
	fe25519_1(&p->Y);
	fe25519_1(&p->Z);
	fe25519_0(&p->T);
}

static void ge_base(ge *p)
{
	fe25519_frombytes(&p->X, ED_BX);
	fe25519_frombytes(&p->Y, ED_BY);
	fe25519_1(&p->Z);
	fe25519_mul(&p->T, &p->X, &p->Y);
}

static void ge_to_cached(ge_cached *c, const ge *p)
{
	fe25519 d2;
	fe25519_frombytes(&d2, ED_D2);
	fe25519_add(&c->YpX, &p->Y, &p->X);
	fe25519_sub(&c->YmX, &p->Y, &p->X);
	fe25519_add(&c->Z2, &p->Z, &p->Z);
	fe25519_mul(&c->T2d, &p->T, &d2);
}

/* r = p + q, the addition of RFC 8032 section 5.1.4. The formulas are complete on this
 * curve (d is not a square), so doublings and the identity need no special case, which
 * is what lets the scalar multiplication below run without branches. */
static void ge_add(ge *r, const ge *p, const ge_cached *q)
{
	fe25519 a, b, c, d, e, f, g, h;
	fe25519_sub(&a, &p->Y, &p->X);
	fe25519_mul(&a, &a, &q->YmX);
	fe25519_add(&b, &p->Y, &p->X);
	fe25519_mul(&b, &b, &q->YpX);
	fe25519_mul(&c, &p->T, &q->T2d);
	fe25519_mul(&d, &p->Z, &q->Z2);
	fe25519_sub(&e, &b, &a);
	fe25519_sub(&f, &d, &c);
	fe25519_add(&g, &d, &c);
	fe25519_add(&h, &b, &a);
	fe25519_mul(&r->X, &e, &f);
	fe25519_mul(&r->Y, &g, &h);
	fe25519_mul(&r->T, &e, &h);
	fe25519_mul(&r->Z, &f, &g);
}

/* r = 2p, the dedicated doubling of RFC 8032 section 5.1.4. It does not read T; only an
 * addition does, so a doubling followed by another doubling may leave T out (want_t is
 * a public constant of the call site). */
static void ge_dbl(ge *r, const ge *p, int want_t)
{
	fe25519 a, b, c, e, f, g, h;
	fe25519_sq(&a, &p->X);
	fe25519_sq(&b, &p->Y);
	fe25519_sq(&c, &p->Z);
	fe25519_add(&c, &c, &c);
	fe25519_add(&h, &a, &b);
	fe25519_add(&e, &p->X, &p->Y);
	fe25519_sq(&e, &e);
	fe25519_sub(&e, &h, &e);
	fe25519_sub(&g, &a, &b);
	fe25519_add(&f, &c, &g);
	fe25519_mul(&r->X, &e, &f);
	fe25519_mul(&r->Y, &g, &h);
	if (want_t)
		fe25519_mul(&r->T, &e, &h);
	fe25519_mul(&r->Z, &f, &g);
}

/* t[i] = i * p for i = 0..15: the window table. */
static void ge_table(ge_cached t[16], const ge *p)
{
	ge acc, id;
	int i;
	ge_identity(&id);
	ge_to_cached(&t[0], &id);
	ge_to_cached(&t[1], p);
	acc = *p;
	for (i = 2; i < 16; i++) {
		ge_add(&acc, &acc, &t[1]);
		ge_to_cached(&t[i], &acc);
	}
}

/* c = t[idx] without an index that depends on idx: every entry is read, and all but
 * one are masked away. */
static void ge_select(ge_cached *c, const ge_cached t[16], unsigned idx)
{
	unsigned i, eq;
	*c = t[0];
	for (i = 1; i < 16; i++) {
		eq = (((i ^ idx) - 1) >> 8) & 1; /* i ^ idx < 16, so this is 1 iff equal */
		fe25519_cmov(&c->YpX, &t[i].YpX, eq);
		fe25519_cmov(&c->YmX, &t[i].YmX, eq);
		fe25519_cmov(&c->Z2, &t[i].Z2, eq);
		fe25519_cmov(&c->T2d, &t[i].T2d, eq);
	}
}

/* r = s1 * p1, plus s2 * p2 when s2 is not NULL (scalars: 32 bytes little-endian, any
 * value below 2^256). A fixed 4-bit window from the top: per nibble four doublings and
 * one addition of a table entry picked by ge_select, so the sequence of operations and
 * memory accesses does not depend on the scalars. */
static void ge_scalarmult(ge *r, const uint8_t s1[32], const ge *p1, const uint8_t *s2,
			  const ge *p2)
{
	ge_cached t1[16], t2[16], c;
	int i;

	ge_table(t1, p1);
	if (s2)
		ge_table(t2, p2);
	ge_identity(r);
	for (i = 63; i >= 0; i--) {
		if (i != 63) {
			ge_dbl(r, r, 0);
			ge_dbl(r, r, 0);
			ge_dbl(r, r, 0);
			ge_dbl(r, r, 1);
		}
		ge_select(&c, t1, (s1[i >> 1] >> ((i & 1) * 4)) & 15);
		ge_add(r, r, &c);
		if (s2) {
			ge_select(&c, t2, (s2[i >> 1] >> ((i & 1) * 4)) & 15);
			ge_add(r, r, &c);
		}
	}
	wipe(&c, sizeof(c));
}

/* RFC 8032 section 5.1.2: y in little-endian, the low bit of x in bit 255. */
static void ge_encode(uint8_t s[32], const ge *p)
{
	fe25519 zi, x, y;
	fe25519_invert(&zi, &p->Z);
	fe25519_mul(&x, &p->X, &zi);
	fe25519_mul(&y, &p->Y, &zi);
	fe25519_tobytes(s, &y);
	s[31] |= (uint8_t)(fe25519_isneg(&x) << 7);
	wipe(&zi, sizeof(zi));
	wipe(&x, sizeof(x));
	wipe(&y, sizeof(y));
}

/* RFC 8032 section 5.1.3, for public data only (it branches): 0, or -1 when y >= p,
 * when x^2 = (y^2 - 1) / (d y^2 + 1) has no root (not on the curve), or when x = 0 comes
 * with the sign bit set. Accepting only canonical encodings makes the encoding of a
 * decoded point equal the input bytes. */
static int ge_decode(ge *p, const uint8_t s[32])
{
	uint8_t y[32];
	unsigned sign = s[31] >> 7;
	fe25519 u, v, v3, vxx, t;

	fe25519_frombytes(&p->Y, s);
	fe25519_tobytes(y, &p->Y);
	if (memcmp(y, s, 31) != 0 || y[31] != (s[31] & 0x7f))
		return -1;
	fe25519_1(&p->Z);
	fe25519_frombytes(&t, ED_D);
	fe25519_sq(&u, &p->Y);
	fe25519_mul(&v, &u, &t);
	fe25519_sub(&u, &u, &p->Z); /* u = y^2 - 1 */
	fe25519_add(&v, &v, &p->Z); /* v = d y^2 + 1 */

	/* x = u v^3 (u v^7)^((p-5)/8): one exponentiation for both the inverse of v and
	 * the square root (step 2 of the RFC) */
	fe25519_sq(&v3, &v);
	fe25519_mul(&v3, &v3, &v);
	fe25519_sq(&t, &v3);
	fe25519_mul(&t, &t, &v);
	fe25519_mul(&t, &t, &u);
	fe25519_pow22523(&t, &t);
	fe25519_mul(&t, &t, &v3);
	fe25519_mul(&p->X, &t, &u);

	/* step 3: v x^2 = u, or = -u and x needs a factor sqrt(-1), or no root exists */
	fe25519_sq(&vxx, &p->X);
	fe25519_mul(&vxx, &vxx, &v);
	fe25519_sub(&t, &vxx, &u);
	if (!fe25519_iszero(&t)) {
		fe25519_add(&t, &vxx, &u);
		if (!fe25519_iszero(&t))
			return -1;
		fe25519_frombytes(&t, ED_SQRTM1);
		fe25519_mul(&p->X, &p->X, &t);
	}
	/* step 4 */
	if (sign && fe25519_iszero(&p->X))
		return -1;
	if ((unsigned)fe25519_isneg(&p->X) != sign)
		fe25519_neg(&p->X, &p->X);
	fe25519_mul(&p->T, &p->X, &p->Y);
	return 0;
}

/* ---- scalars mod L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 5.1),
 * as little-endian 64-bit words */

static const uint64_t SC_L[5] = {
	UINT64_C(0x5812631a5cf5d3ed), UINT64_C(0x14def9dea2f79cd6), 0,
	UINT64_C(0x1000000000000000), 0,
};
/* floor(2^512 / L), the Barrett constant for words of 64 bits and k = 4 */
static const uint64_t SC_MU[5] = {
	UINT64_C(0xed9ce5a30a2c131b), UINT64_C(0x2106215d086329a7),
	UINT64_C(0xffffffffffffffeb), UINT64_C(0xffffffffffffffff), UINT64_C(0xf),
};

static void sc_load(uint64_t *x, const uint8_t *s, int words)
{
	int i, j;
	for (i = 0; i < words; i++) {
		x[i] = 0;
		for (j = 7; j >= 0; j--)
			x[i] = x[i] << 8 | s[8 * i + j];
	}
}

static void sc_store(uint8_t s[32], const uint64_t x[4])
{
	int i, j;
	for (i = 0; i < 4; i++)
		for (j = 0; j < 8; j++)
			s[8 * i + j] = (uint8_t)(x[i] >> (8 * j));
}

/* 64-bit word arithmetic without a 128-bit type, so that this file also builds for
 * 32-bit targets (fe25519.h picks the matching field). The carries and borrows come
 * from the top bits by formula, not from comparisons, so nothing here branches. */

/* a + b + *carry (carry 0 or 1); the carry out replaces *carry. */
static uint64_t add_c(uint64_t a, uint64_t b, uint64_t *carry)
{
	uint64_t s = a + b + *carry;
	*carry = ((a & b) | ((a | b) & ~s)) >> 63;
	return s;
}

/* a - b - *borrow (borrow 0 or 1); the borrow out replaces *borrow. */
static uint64_t sub_b(uint64_t a, uint64_t b, uint64_t *borrow)
{
	uint64_t d = a - b - *borrow;
	*borrow = ((~a & b) | (~(a ^ b) & d)) >> 63;
	return d;
}

/* a * b + c + d as (*hi, return value): at most (2^64 - 1)^2 + 2 (2^64 - 1) = 2^128 - 1,
 * so it always fits. Schoolbook on 32-bit halves. */
static uint64_t mul_add2(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t *hi)
{
	uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10; /* < 3 * 2^32 */
	uint64_t lo = mid << 32 | (uint32_t)p00, cy = 0;
	uint64_t h = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
	lo = add_c(lo, c, &cy);
	h += cy;
	cy = 0;
	lo = add_c(lo, d, &cy);
	*hi = h + cy;
	return lo;
}

/* r[na + nb] = a[na] * b[nb], schoolbook. */
static void mp_mul(uint64_t *r, const uint64_t *a, int na, const uint64_t *b, int nb)
{
	int i, j;
	memset(r, 0, (size_t)(na + nb) * sizeof(*r));
	for (i = 0; i < na; i++) {
		uint64_t carry = 0;
		for (j = 0; j < nb; j++)
			r[i + j] = mul_add2(a[i], b[j], r[i + j], carry, &carry);
		r[i + nb] = carry;
	}
}

/* r (5 words) -= L when r >= L, by mask. */
static void sc_csub_l(uint64_t r[5])
{
	uint64_t d[5], borrow = 0, m;
	int i;
	for (i = 0; i < 5; i++)
		d[i] = sub_b(r[i], SC_L[i], &borrow);
	m = borrow - 1; /* all ones when there was no borrow, i.e. r >= L */
	for (i = 0; i < 5; i++)
		r[i] = (d[i] & m) | (r[i] & ~m);
	wipe(d, sizeof(d));
}

/* r = x mod L for any 512-bit x (HAC 14.42 with b = 2^64, k = 4). q3 underestimates
 * x / L by at most 2, so x - q3 L < 3L and two conditional subtractions finish. */
static void sc_reduce(uint64_t r[4], const uint64_t x[8])
{
	uint64_t q2[10], r2[9], rr[5], borrow = 0;
	int i;

	mp_mul(q2, x + 3, 5, SC_MU, 5); /* q1 = x / b^3; q2 = q1 * mu; q3 = q2 / b^5 */
	mp_mul(r2, q2 + 5, 5, SC_L, 4); /* q3 * L; only its low 5 words matter */
	for (i = 0; i < 5; i++)         /* (x - q3 L) mod b^5, exact since < 3L */
		rr[i] = sub_b(x[i], r2[i], &borrow);
	sc_csub_l(rr);
	sc_csub_l(rr);
	memcpy(r, rr, 4 * sizeof(*r));
	wipe(q2, sizeof(q2));
	wipe(r2, sizeof(r2));
	wipe(rr, sizeof(rr));
}

/* A 64-byte SHA-512 output read as a little-endian integer, mod L (RFC 8032 5.1.6). */
static void sc_from_hash(uint64_t r[4], const uint8_t h[64])
{
	uint64_t x[8];
	sc_load(x, h, 8);
	sc_reduce(r, x);
	wipe(x, sizeof(x));
}

/* out = (a * b + c) mod L; a, b, c below 2^256, so the sum stays below 2^512. */
static void sc_muladd(uint8_t out[32], const uint64_t a[4], const uint64_t b[4],
		      const uint64_t c[4])
{
	uint64_t x[8], r[4], carry = 0;
	int i;
	mp_mul(x, a, 4, b, 4);
	for (i = 0; i < 8; i++)
		x[i] = add_c(x[i], i < 4 ? c[i] : 0, &carry);
	sc_reduce(r, x);
	sc_store(out, r);
	wipe(x, sizeof(x));
	wipe(r, sizeof(r));
}

/* 1 if the public value s is below L (RFC 8032 section 5.1.7 step 1). */
static int sc_is_canonical(const uint8_t s[32])
{
	uint64_t x[4];
	int i;
	sc_load(x, s, 4);
	for (i = 3; i >= 0; i--)
		if (x[i] != SC_L[i])
			return x[i] < SC_L[i];
	return 0; /* s == L */
}

/* ---- Ed25519 (RFC 8032 section 5.1.5 - 5.1.7) */

/* SHA-512 of up to three concatenated parts. libtomcrypt refuses a NULL pointer even
 * with length 0 (and may abort on it), so empty parts are skipped. Its errors are only
 * for bad arguments, which cannot happen here. */
static void sha512_parts(uint8_t out[64], const uint8_t *a, size_t na, const uint8_t *b,
			 size_t nb, const uint8_t *c, size_t nc)
{
	hash_state st;
	sha512_init(&st);
	if (na)
		sha512_process(&st, a, (unsigned long)na);
	if (nb)
		sha512_process(&st, b, (unsigned long)nb);
	if (nc)
		sha512_process(&st, c, (unsigned long)nc);
	sha512_done(&st, out);
	wipe(&st, sizeof(st));
}

/* h = SHA-512(seed) with its low half pruned into the secret scalar s (5.1.5 step 2);
 * the high half is the nonce prefix. */
static void ed25519_expand(uint8_t h[64], const uint8_t seed[32])
{
	sha512_parts(h, seed, 32, NULL, 0, NULL, 0);
	h[0] &= 248;
	h[31] &= 127;
	h[31] |= 64;
}

void ed25519_pubkey(uint8_t pk[32], const uint8_t seed[32])
{
	uint8_t h[64];
	ge b, a;
	ed25519_expand(h, seed);
	ge_base(&b);
	ge_scalarmult(&a, h, &b, NULL, NULL);
	ge_encode(pk, &a);
	wipe(h, sizeof(h));
	wipe(&a, sizeof(a));
}

void ed25519_sign(uint8_t sig[64], const uint8_t *m, size_t mlen, const uint8_t seed[32],
		  const uint8_t pk[32])
{
	struct {
		uint8_t h[64], rh[64], r[32], out[64];
		uint64_t s[4], rs[4], k[4];
		ge rp;
	} w;
	ge b;

	ed25519_expand(w.h, seed);
	/* step 2: r = SHA-512(prefix || M) mod L, the deterministic nonce */
	sha512_parts(w.rh, w.h + 32, 32, m, mlen, NULL, 0);
	sc_from_hash(w.rs, w.rh);
	sc_store(w.r, w.rs);
	/* step 3: R = [r]B */
	ge_base(&b);
	ge_scalarmult(&w.rp, w.r, &b, NULL, NULL);
	ge_encode(w.out, &w.rp);
	/* step 4: k = SHA-512(R || A || M) mod L (reusing rh) */
	sha512_parts(w.rh, w.out, 32, pk, 32, m, mlen);
	sc_from_hash(w.k, w.rh);
	/* step 5: S = (r + k * s) mod L */
	sc_load(w.s, w.h, 4);
	sc_muladd(w.out + 32, w.k, w.s, w.rs);
	/* written only at the end, so that sig may overlap m */
	memcpy(sig, w.out, 64);
	wipe(&w, sizeof(w));
}

int ed25519_verify(const uint8_t sig[64], const uint8_t *m, size_t mlen, const uint8_t pk[32])
{
	uint8_t h[64], kb[32], rcheck[32];
	uint64_t k[4];
	ge a, r, b;

	/* step 1: S < L (no malleability), A and R must decode */
	if (!sc_is_canonical(sig + 32) || ge_decode(&a, pk) != 0 || ge_decode(&r, sig) != 0)
		return ERR_BADSIG;
	/* step 2: k = SHA-512(R || A || M) mod L */
	sha512_parts(h, sig, 32, pk, 32, m, mlen);
	sc_from_hash(k, h);
	sc_store(kb, k);
	/* step 3, in the cofactorless form RFC 8032 allows: [S]B - [k]A must equal R.
	 * R decoded, so its bytes are the canonical encoding and comparing them is
	 * comparing points. */
	fe25519_neg(&a.X, &a.X);
	fe25519_neg(&a.T, &a.T);
	ge_base(&b);
	ge_scalarmult(&r, sig + 32, &b, kb, &a);
	ge_encode(rcheck, &r);
	return ct_memeq(rcheck, sig, 32) ? 0 : ERR_BADSIG;
}
