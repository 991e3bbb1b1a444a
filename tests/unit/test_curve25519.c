/* X25519 against RFC 7748 sections 5.2 and 6.1, Ed25519 against RFC 8032 section 7.1,
 * and the rejections both RFCs require (low-order results, S >= L, undecodable points).
 * The 1,000,000-iteration X25519 vector runs only with CURVE25519_SLOW=1 in the
 * environment: it takes minutes under the sanitizers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "curve25519.h"
#include "err.h"
#include "harness.h"
#include "util.h"

/* ---- X25519 */

static void x25519_vector(const char *k_hex, const char *u_hex, const char *want_hex)
{
	uint8_t k[32], u[32], want[32], out[32];
	CHECK(hex2bin(k_hex, k, sizeof(k)) == 32);
	CHECK(hex2bin(u_hex, u, sizeof(u)) == 32);
	CHECK(hex2bin(want_hex, want, sizeof(want)) == 32);
	CHECK_OK(x25519(out, k, u));
	CHECK_MEM(out, want, 32);
}

/* RFC 7748 section 5.2, the two single vectors. The second u-coordinate has bit 255
 * set, so it also checks that the top bit is masked. */
static void test_x25519_rfc7748(void)
{
	x25519_vector("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		      "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		      "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
	x25519_vector("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		      "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		      "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

/* RFC 7748 section 5.2, iterated: k = u = 9; k, u = X25519(k, u), k. Returns the k
 * after n iterations continuing from the state in k, u. */
static void x25519_iterate(uint8_t k[32], uint8_t u[32], unsigned long n)
{
	uint8_t r[32];
	unsigned long i;
	for (i = 0; i < n; i++) {
		CHECK_OK(x25519(r, k, u));
		memcpy(u, k, 32);
		memcpy(k, r, 32);
	}
}

static void test_x25519_iterated(void)
{
	uint8_t k[32] = { 9 }, u[32] = { 9 }, want[32];

	x25519_iterate(k, u, 1);
	hex2bin("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", want, 32);
	CHECK_MEM(k, want, 32);
	x25519_iterate(k, u, 999);
	hex2bin("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", want, 32);
	CHECK_MEM(k, want, 32);
	if (getenv("CURVE25519_SLOW")) {
		x25519_iterate(k, u, 999000);
		hex2bin("7c3911e0ab2586fd864497297e575e6f3bc601c0883c30df5f4dd2d24f665424",
			want, 32);
		CHECK_MEM(k, want, 32);
	}
}

/* RFC 7748 section 6.1 */
static void test_x25519_dh(void)
{
	uint8_t a[32], b[32], apub[32], bpub[32], k1[32], k2[32], want[32];

	hex2bin("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a, 32);
	hex2bin("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b, 32);
	x25519_base(apub, a);
	hex2bin("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", want, 32);
	CHECK_MEM(apub, want, 32);
	x25519_base(bpub, b);
	hex2bin("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", want, 32);
	CHECK_MEM(bpub, want, 32);
	hex2bin("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", want, 32);
	CHECK_OK(x25519(k1, a, bpub));
	CHECK_OK(x25519(k2, b, apub));
	CHECK_MEM(k1, want, 32);
	CHECK_MEM(k2, want, 32);
}

/* Points of small order give the all-zero secret that RFC 7748 section 6.1 and RFC 8731
 * section 3 say to refuse; non-canonical encodings of them too. */
static void test_x25519_low_order(void)
{
	static const char *const pts[] = {
		/* 0 and 1 */
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		/* a point of order 8 */
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
		/* p - 1 (order 2), p (= 0), p + 1 (= 1) */
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		/* 0 with bit 255 set: the mask must apply before the check */
		"0000000000000000000000000000000000000000000000000000000000000080",
	};
	uint8_t k[32], u[32], out[32], zero[32] = { 0 };
	size_t i;

	hex2bin("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4", k, 32);
	for (i = 0; i < ARRAY_SIZE(pts); i++) {
		hex2bin(pts[i], u, 32);
		memset(out, 0xaa, sizeof(out));
		CHECK(x25519(out, k, u) == ERR_CRYPTO);
		CHECK_MEM(out, zero, 32);
	}
}

/* RFC 7748 section 5: the top bit of u is ignored. */
static void test_x25519_top_bit(void)
{
	uint8_t k[32], u[32], o1[32], o2[32];
	hex2bin("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4", k, 32);
	hex2bin("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c", u, 32);
	CHECK_OK(x25519(o1, k, u));
	u[31] |= 0x80;
	CHECK_OK(x25519(o2, k, u));
	CHECK_MEM(o1, o2, 32);
}

/* ---- Ed25519 */

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

	ed25519_pubkey(pk, sk);
	CHECK_MEM(pk, want_pk, 32);
	ed25519_sign(sig, msg, mlen, sk, pk);
	CHECK_MEM(sig, want_sig, 64);
	CHECK_OK(ed25519_verify(want_sig, msg, mlen, want_pk));

	/* any flipped bit (a different position in each byte) breaks the signature */
	for (i = 0; i < 64; i++) {
		memcpy(bad, want_sig, 64);
		bad[i] ^= (uint8_t)(1u << (i % 8));
		CHECK(ed25519_verify(bad, msg, mlen, want_pk) == ERR_BADSIG);
	}
	/* a changed message: flip its last byte, or add one to the empty message */
	memcpy(msg2, msg, mlen);
	if (mlen)
		msg2[mlen - 1] ^= 1;
	else
		msg2[0] = 0;
	CHECK(ed25519_verify(want_sig, msg2, mlen ? mlen : 1, want_pk) == ERR_BADSIG);
	/* a different key */
	pk[0] ^= 1;
	CHECK(ed25519_verify(want_sig, msg, mlen, pk) == ERR_BADSIG);
	/* S + L satisfies the verification equation but is not canonical (RFC 8032
	 * section 5.1.7 step 1; S < L < 2^253, so S + L still fits 32 bytes) */
	memcpy(bad, want_sig, 64);
	for (i = 0, carry = 0; i < 32; i++) {
		carry += (unsigned)bad[32 + i] + ed_l[i];
		bad[32 + i] = (uint8_t)carry;
		carry >>= 8;
	}
	CHECK(carry == 0);
	CHECK(ed25519_verify(bad, msg, mlen, want_pk) == ERR_BADSIG);
}

static void test_ed25519_rfc8032(void)
{
	size_t i;
	for (i = 0; i < ARRAY_SIZE(ed_vectors); i++)
		check_ed_vector(&ed_vectors[i]);
}

/* TEST 1 with m = NULL: an empty message needs no pointer. */
static void test_ed25519_null_message(void)
{
	uint8_t sk[32], pk[32], sig[64], want[64];
	hex2bin(ed_vectors[0].sk, sk, 32);
	hex2bin(ed_vectors[0].sig, want, 64);
	ed25519_pubkey(pk, sk);
	ed25519_sign(sig, NULL, 0, sk, pk);
	CHECK_MEM(sig, want, 64);
	CHECK_OK(ed25519_verify(sig, NULL, 0, pk));
}

/* The neutral element (0, 1) as a public key makes [S]B = R hold for any message, so a
 * signature with R = B and S = 1 verifies: this is the control for the encodings below,
 * which denote the same point and must be refused as RFC 8032 section 5.1.3 says. */
static void test_ed25519_decoding(void)
{
	static const char *const bad_pk[] = {
		/* y = p + 1 >= p */
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		/* x = 0 with the sign bit set */
		"0100000000000000000000000000000000000000000000000000000000000080",
	};
	uint8_t pk[32], sig[64];
	const uint8_t m[3] = { 'a', 'b', 'c' };
	size_t i;

	/* R = B (RFC 8032 section 5.1: y = 4/5, x even), S = 1 */
	hex2bin("5866666666666666666666666666666666666666666666666666666666666666", sig, 32);
	memset(sig + 32, 0, 32);
	sig[32] = 1;
	hex2bin("0100000000000000000000000000000000000000000000000000000000000000", pk, 32);
	CHECK_OK(ed25519_verify(sig, m, sizeof(m), pk));
	for (i = 0; i < ARRAY_SIZE(bad_pk); i++) {
		hex2bin(bad_pk[i], pk, 32);
		CHECK(ed25519_verify(sig, m, sizeof(m), pk) == ERR_BADSIG);
	}
	/* y = 2 is on no point of the curve: refused as a key and as R */
	hex2bin("0200000000000000000000000000000000000000000000000000000000000000", pk, 32);
	CHECK(ed25519_verify(sig, m, sizeof(m), pk) == ERR_BADSIG);
	hex2bin(ed_vectors[0].sig, sig, 64);
	memcpy(sig, pk, 32);
	hex2bin(ed_vectors[0].pk, pk, 32);
	CHECK(ed25519_verify(sig, NULL, 0, pk) == ERR_BADSIG);
}

/* Sign and verify over many lengths and keys; a signature written over its own message
 * buffer is still right (sig may overlap m). */
static void test_ed25519_roundtrip(void)
{
	uint8_t sk[32], pk[32], sig[64], buf[300];
	size_t n;
	int i;

	for (n = 0; n < 200; n += 13) {
		for (i = 0; i < 32; i++)
			sk[i] = (uint8_t)(n * 7 + (size_t)i * 31);
		for (i = 0; i < (int)n; i++)
			buf[i] = (uint8_t)(i ^ n);
		ed25519_pubkey(pk, sk);
		ed25519_sign(sig, buf, n, sk, pk);
		CHECK_OK(ed25519_verify(sig, buf, n, pk));
		if (n >= 64) {
			ed25519_sign(buf, buf, n, sk, pk);
			CHECK_MEM(buf, sig, 64);
		}
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(test_x25519_rfc7748);
	RUN(test_x25519_iterated);
	RUN(test_x25519_dh);
	RUN(test_x25519_low_order);
	RUN(test_x25519_top_bit);
	RUN(test_ed25519_rfc8032);
	RUN(test_ed25519_null_message);
	RUN(test_ed25519_decoding);
	RUN(test_ed25519_roundtrip);
	return harness_done(argv[0]);
}
