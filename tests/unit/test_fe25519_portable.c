/* The portable field (fe25519-25.c, ten limbs of 25.5 bits, for 32-bit targets without
 * unsigned __int128), tested on this machine whatever it is: the field and curve25519.c
 * are compiled into this program from source with FE25519_PORTABLE forced and every
 * external name renamed (p_...), so they don't clash with the library's copies in
 * libcore.a. Then the RFC 7748 and RFC 8032 vectors run through them, and they are
 * compared with the library's own field and X25519 (the 51-bit one where the compiler
 * has __int128) on edge values and on 10,000 random inputs per operation. */
#define FE25519_PORTABLE 1
#define fe25519 fe25519_p
#define fe25519_0 p_fe25519_0
#define fe25519_1 p_fe25519_1
#define fe25519_frombytes p_fe25519_frombytes
#define fe25519_tobytes p_fe25519_tobytes
#define fe25519_add p_fe25519_add
#define fe25519_sub p_fe25519_sub
#define fe25519_neg p_fe25519_neg
#define fe25519_mul p_fe25519_mul
#define fe25519_sq p_fe25519_sq
#define fe25519_mul_small p_fe25519_mul_small
#define fe25519_invert p_fe25519_invert
#define fe25519_pow22523 p_fe25519_pow22523
#define fe25519_cswap p_fe25519_cswap
#define fe25519_cmov p_fe25519_cmov
#define fe25519_iszero p_fe25519_iszero
#define fe25519_isneg p_fe25519_isneg
#define x25519 p_x25519
#define x25519_base p_x25519_base
#define ed25519_pubkey p_ed25519_pubkey
#define ed25519_sign p_ed25519_sign
#define ed25519_verify p_ed25519_verify
#include "fe25519.c"
#include "fe25519-25.c"
#include "curve25519.c"
#undef FE25519_PORTABLE
#undef fe25519
#undef fe25519_0
#undef fe25519_1
#undef fe25519_frombytes
#undef fe25519_tobytes
#undef fe25519_add
#undef fe25519_sub
#undef fe25519_neg
#undef fe25519_mul
#undef fe25519_sq
#undef fe25519_mul_small
#undef fe25519_invert
#undef fe25519_pow22523
#undef fe25519_cswap
#undef fe25519_cmov
#undef fe25519_iszero
#undef fe25519_isneg
#undef x25519
#undef x25519_base
#undef ed25519_pubkey
#undef ed25519_sign
#undef ed25519_verify

/* Now the library's field and curve, as every other module sees them. */
#undef FE25519_H
#undef CURVE25519_H
#include "fe25519.h"
#include "curve25519.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "harness.h"
#include "util.h"

#define RANDOM_ROUNDS 10000

/* splitmix64: a fixed seed, so that a failure can be reproduced. */
static uint64_t rng_state = UINT64_C(0x25519fe25519);

static uint64_t rng64(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void rng_bytes(uint8_t *out, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(rng64() >> 56);
}

/* The promise fe25519.h makes for the portable limbs. */
static int p_limbs_ok(const fe25519_p *f)
{
	int i;
	for (i = 0; i < 10; i++)
		if (f->v[i] >= UINT32_C(1) << 27)
			return 0;
	return 1;
}

/* ---- X25519 (RFC 7748) through the portable field */

static void x25519_vector(const char *k_hex, const char *u_hex, const char *want_hex)
{
	uint8_t k[32], u[32], want[32], out[32];
	CHECK(hex2bin(k_hex, k, sizeof(k)) == 32);
	CHECK(hex2bin(u_hex, u, sizeof(u)) == 32);
	CHECK(hex2bin(want_hex, want, sizeof(want)) == 32);
	CHECK_OK(p_x25519(out, k, u));
	CHECK_MEM(out, want, 32);
}

/* RFC 7748 section 5.2 (the second u has bit 255 set) */
static void test_x25519_rfc7748(void)
{
	x25519_vector("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		      "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		      "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
	x25519_vector("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		      "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		      "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

/* RFC 7748 section 5.2, iterated: k = u = 9; k, u = X25519(k, u), k; after 1 and after
 * 1000 iterations. */
static void test_x25519_iterated(void)
{
	uint8_t k[32] = { 9 }, u[32] = { 9 }, r[32], want[32];
	int i;

	for (i = 1; i <= 1000; i++) {
		CHECK_OK(p_x25519(r, k, u));
		memcpy(u, k, 32);
		memcpy(k, r, 32);
		if (i == 1) {
			hex2bin("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079",
				want, 32);
			CHECK_MEM(k, want, 32);
		}
	}
	hex2bin("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", want, 32);
	CHECK_MEM(k, want, 32);
}

/* RFC 7748 section 6.1 */
static void test_x25519_dh(void)
{
	uint8_t a[32], b[32], apub[32], bpub[32], k1[32], k2[32], want[32];

	hex2bin("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a, 32);
	hex2bin("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b, 32);
	p_x25519_base(apub, a);
	hex2bin("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", want, 32);
	CHECK_MEM(apub, want, 32);
	p_x25519_base(bpub, b);
	hex2bin("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", want, 32);
	CHECK_MEM(bpub, want, 32);
	hex2bin("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", want, 32);
	CHECK_OK(p_x25519(k1, a, bpub));
	CHECK_OK(p_x25519(k2, b, apub));
	CHECK_MEM(k1, want, 32);
	CHECK_MEM(k2, want, 32);
}

/* Low-order points (and non-canonical encodings of them) give the all-zero result that
 * RFC 7748 section 6.1 says to refuse. */
static void test_x25519_low_order(void)
{
	static const char *const pts[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"0000000000000000000000000000000000000000000000000000000000000080",
	};
	uint8_t k[32], u[32], out[32], zero[32] = { 0 };
	size_t i;

	hex2bin("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4", k, 32);
	for (i = 0; i < ARRAY_SIZE(pts); i++) {
		hex2bin(pts[i], u, 32);
		memset(out, 0xaa, sizeof(out));
		CHECK(p_x25519(out, k, u) == ERR_CRYPTO);
		CHECK_MEM(out, zero, 32);
	}
}

/* ---- Ed25519 (RFC 8032 section 7.1) through the portable field */

#include "vectors_ed25519.h"

/* L = 2^252 + 27742317777372353535851937790883648493, little-endian (RFC 8032 5.1) */
static const uint8_t ed_l[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

static void check_ed_vector(const struct ed_vector *v)
{
	uint8_t sk[32], pk[32], want_pk[32], sig[64], want_sig[64], bad[64];
	uint8_t msg[1024], msg2[1024];
	size_t mlen, i;
	unsigned carry;

	CHECK(hex2bin(v->sk, sk, sizeof(sk)) == 32);
	CHECK(hex2bin(v->pk, want_pk, sizeof(want_pk)) == 32);
	CHECK(hex2bin(v->sig, want_sig, sizeof(want_sig)) == 64);
	mlen = hex2bin(v->msg, msg, sizeof(msg));

	p_ed25519_pubkey(pk, sk);
	CHECK_MEM(pk, want_pk, 32);
	p_ed25519_sign(sig, msg, mlen, sk, pk);
	CHECK_MEM(sig, want_sig, 64);
	CHECK_OK(p_ed25519_verify(want_sig, msg, mlen, want_pk));

	for (i = 0; i < 64; i++) {
		memcpy(bad, want_sig, 64);
		bad[i] ^= (uint8_t)(1u << (i % 8));
		CHECK(p_ed25519_verify(bad, msg, mlen, want_pk) == ERR_BADSIG);
	}
	memcpy(msg2, msg, mlen);
	if (mlen)
		msg2[mlen - 1] ^= 1;
	else
		msg2[0] = 0;
	CHECK(p_ed25519_verify(want_sig, msg2, mlen ? mlen : 1, want_pk) == ERR_BADSIG);
	pk[0] ^= 1;
	CHECK(p_ed25519_verify(want_sig, msg, mlen, pk) == ERR_BADSIG);
	/* S + L: satisfies the equation but is not canonical (RFC 8032 5.1.7 step 1) */
	memcpy(bad, want_sig, 64);
	for (i = 0, carry = 0; i < 32; i++) {
		carry += (unsigned)bad[32 + i] + ed_l[i];
		bad[32 + i] = (uint8_t)carry;
		carry >>= 8;
	}
	CHECK(carry == 0);
	CHECK(p_ed25519_verify(bad, msg, mlen, want_pk) == ERR_BADSIG);
}

static void test_ed25519_rfc8032(void)
{
	size_t i;
	for (i = 0; i < ARRAY_SIZE(ed_vectors); i++)
		check_ed_vector(&ed_vectors[i]);
}

/* Non-canonical and undecodable points are refused (RFC 8032 section 5.1.3); the
 * neutral element as key with R = B, S = 1 is the control that does verify. */
static void test_ed25519_decoding(void)
{
	uint8_t pk[32], sig[64];
	const uint8_t m[3] = { 'a', 'b', 'c' };

	hex2bin("5866666666666666666666666666666666666666666666666666666666666666", sig, 32);
	memset(sig + 32, 0, 32);
	sig[32] = 1;
	hex2bin("0100000000000000000000000000000000000000000000000000000000000000", pk, 32);
	CHECK_OK(p_ed25519_verify(sig, m, sizeof(m), pk));
	hex2bin("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", pk, 32);
	CHECK(p_ed25519_verify(sig, m, sizeof(m), pk) == ERR_BADSIG);
	hex2bin("0100000000000000000000000000000000000000000000000000000000000080", pk, 32);
	CHECK(p_ed25519_verify(sig, m, sizeof(m), pk) == ERR_BADSIG);
	hex2bin("0200000000000000000000000000000000000000000000000000000000000000", pk, 32);
	CHECK(p_ed25519_verify(sig, m, sizeof(m), pk) == ERR_BADSIG);
}

/* ---- the portable field against the library's */

/* Encodings at the edges of the representation: 0, 1, p - 1, p, p + 1, 2^255 - 1 (above
 * p, not canonical), 2^256 - 1 (bit 255 must be ignored), and limbs all at their
 * maximum or all zero but one. */
static const char *const edge_hex[] = {
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"0000000000000000000000000000000000000000000000000000000000000080",
	"ffffff0300000000000000000000000000000000000000000000000000000000",
	"0000000000000000000000000000000000000000000000000000000000000040",
	"1300000000000000000000000000000000000000000000000000000000000000",
};

/* An element as both implementations hold it. */
struct fe2 {
	fe25519_p p;
	fe25519 r;
};

static void fe2_from(struct fe2 *x, const uint8_t s[32])
{
	p_fe25519_frombytes(&x->p, s);
	fe25519_frombytes(&x->r, s);
}

/* Both hold the same value, and the portable limbs keep their bound. */
static int fe2_agree(const struct fe2 *x)
{
	uint8_t a[32], b[32];
	p_fe25519_tobytes(a, &x->p);
	fe25519_tobytes(b, &x->r);
	return memcmp(a, b, 32) == 0 && p_limbs_ok(&x->p) &&
	       p_fe25519_iszero(&x->p) == fe25519_iszero(&x->r) &&
	       p_fe25519_isneg(&x->p) == fe25519_isneg(&x->r);
}

/* One operation, chosen by op, on both: h = op(f, g). Results are fed back as inputs,
 * so limbs that are not fresh from frombytes get tested too. */
static void fe2_op(struct fe2 *h, const struct fe2 *f, const struct fe2 *g, unsigned op)
{
	struct fe2 t;
	switch (op) {
	case 0:
		p_fe25519_mul(&h->p, &f->p, &g->p);
		fe25519_mul(&h->r, &f->r, &g->r);
		break;
	case 1:
		p_fe25519_sq(&h->p, &f->p);
		fe25519_sq(&h->r, &f->r);
		break;
	case 2:
		p_fe25519_add(&h->p, &f->p, &g->p);
		fe25519_add(&h->r, &f->r, &g->r);
		break;
	case 3:
		p_fe25519_sub(&h->p, &f->p, &g->p);
		fe25519_sub(&h->r, &f->r, &g->r);
		break;
	case 4:
		p_fe25519_neg(&h->p, &f->p);
		fe25519_neg(&h->r, &f->r);
		break;
	case 5:
		p_fe25519_mul_small(&h->p, &f->p, 121665);
		fe25519_mul_small(&h->r, &f->r, 121665);
		break;
	case 6:
		p_fe25519_invert(&h->p, &f->p);
		fe25519_invert(&h->r, &f->r);
		break;
	case 7:
		p_fe25519_pow22523(&h->p, &f->p);
		fe25519_pow22523(&h->r, &f->r);
		break;
	default: /* cswap and cmov with both values of the bit */
		t = *f;
		p_fe25519_cswap(&t.p, &h->p, op & 1);
		fe25519_cswap(&t.r, &h->r, op & 1);
		p_fe25519_cmov(&h->p, &t.p, (op >> 1) & 1);
		fe25519_cmov(&h->r, &t.r, (op >> 1) & 1);
		break;
	}
}

#define FE2_OPS 12

/* This program really holds the ten-limb field, whatever the platform. */
static void test_field_is_portable(void)
{
	fe25519_p f;
	CHECK(sizeof(f.v) / sizeof(f.v[0]) == 10);
	CHECK(sizeof(f.v[0]) == 4);
}

static void test_field_edges(void)
{
	struct fe2 f, g, h;
	uint8_t s[32], t[32];
	size_t i, j;
	unsigned op;

	for (i = 0; i < ARRAY_SIZE(edge_hex); i++) {
		hex2bin(edge_hex[i], s, 32);
		fe2_from(&f, s);
		CHECK(fe2_agree(&f));
		for (j = 0; j < ARRAY_SIZE(edge_hex); j++) {
			hex2bin(edge_hex[j], t, 32);
			fe2_from(&g, t);
			for (op = 0; op < FE2_OPS; op++) {
				fe2_from(&h, t);
				fe2_op(&h, &f, &g, op);
				CHECK(fe2_agree(&h));
			}
		}
	}
	/* 1/0 = 0 (RFC 7748 section 5 relies on it) and (p - 1)^2 = 1 */
	hex2bin(edge_hex[0], s, 32);
	p_fe25519_frombytes(&f.p, s);
	p_fe25519_invert(&h.p, &f.p);
	CHECK(p_fe25519_iszero(&h.p));
	hex2bin(edge_hex[2], s, 32);
	p_fe25519_frombytes(&f.p, s);
	p_fe25519_sq(&h.p, &f.p);
	p_fe25519_tobytes(t, &h.p);
	hex2bin(edge_hex[1], s, 32);
	CHECK_MEM(t, s, 32);
}

/* mul, sq and invert of fresh random encodings (some with bit 255 set) */
static void test_field_random(void)
{
	static const uint8_t one[32] = { 1 };
	struct fe2 f, g, h;
	uint8_t s[32], t[32];
	int i, bad = 0;

	for (i = 0; i < RANDOM_ROUNDS; i++) {
		rng_bytes(s, 32);
		rng_bytes(t, 32);
		fe2_from(&f, s);
		fe2_from(&g, t);
		bad += !fe2_agree(&f);
		fe2_op(&h, &f, &g, 0);
		bad += !fe2_agree(&h);
		fe2_op(&h, &f, &g, 1);
		bad += !fe2_agree(&h);
		fe2_op(&h, &f, &g, 6);
		bad += !fe2_agree(&h);
		/* f * 1/f = 1 unless f = 0 */
		p_fe25519_mul(&h.p, &h.p, &f.p);
		p_fe25519_tobytes(t, &h.p);
		bad += !p_fe25519_iszero(&f.p) && memcmp(t, one, 32) != 0;
	}
	CHECK(bad == 0);
}

/* Random chains of every operation, each result fed into the next, so that inputs are
 * whatever the previous operation left (not fully reduced limbs). */
static void test_field_chains(void)
{
	struct fe2 x[4];
	uint8_t s[32];
	int i, bad = 0;
	unsigned op;

	for (i = 0; i < 4; i++) {
		rng_bytes(s, 32);
		fe2_from(&x[i], s);
	}
	for (i = 0; i < RANDOM_ROUNDS; i++) {
		uint64_t r = rng64();
		op = (unsigned)(r % FE2_OPS);
		/* invert and pow22523 are 250-odd operations each: keep them rarer */
		if ((op == 6 || op == 7) && (r >> 32) % 8)
			op = 0;
		fe2_op(&x[(r >> 8) & 3], &x[(r >> 10) & 3], &x[(r >> 12) & 3], op);
		bad += !fe2_agree(&x[(r >> 8) & 3]);
		if ((r >> 16) % 64 == 0) { /* refresh one, so zeros don't take over */
			rng_bytes(s, 32);
			fe2_from(&x[(r >> 24) & 3], s);
		}
	}
	CHECK(bad == 0);
}

/* Full X25519 on random scalars and points: the portable field against the library. */
static void test_x25519_random(void)
{
	uint8_t k[32], u[32], o1[32], o2[32];
	int i, bad = 0;

	for (i = 0; i < RANDOM_ROUNDS; i++) {
		rng_bytes(k, 32);
		rng_bytes(u, 32);
		bad += p_x25519(o1, k, u) != x25519(o2, k, u);
		bad += memcmp(o1, o2, 32) != 0;
	}
	CHECK(bad == 0);
}

/* Ed25519 keys and signatures from random seeds and messages agree, and each verifies
 * under the other implementation. */
static void test_ed25519_random(void)
{
	uint8_t seed[32], pk1[32], pk2[32], s1[64], s2[64], m[100];
	int i, bad = 0;

	for (i = 0; i < 200; i++) {
		rng_bytes(seed, 32);
		rng_bytes(m, sizeof(m));
		p_ed25519_pubkey(pk1, seed);
		ed25519_pubkey(pk2, seed);
		bad += memcmp(pk1, pk2, 32) != 0;
		p_ed25519_sign(s1, m, (size_t)i % sizeof(m), seed, pk1);
		ed25519_sign(s2, m, (size_t)i % sizeof(m), seed, pk2);
		bad += memcmp(s1, s2, 64) != 0;
		bad += p_ed25519_verify(s2, m, (size_t)i % sizeof(m), pk2) != 0;
		bad += ed25519_verify(s1, m, (size_t)i % sizeof(m), pk1) != 0;
	}
	CHECK(bad == 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(test_x25519_rfc7748);
	RUN(test_x25519_iterated);
	RUN(test_x25519_dh);
	RUN(test_x25519_low_order);
	RUN(test_ed25519_rfc8032);
	RUN(test_ed25519_decoding);
	RUN(test_field_is_portable);
	RUN(test_field_edges);
	RUN(test_field_random);
	RUN(test_field_chains);
	RUN(test_x25519_random);
	RUN(test_ed25519_random);
	return harness_done(argv[0]);
}
