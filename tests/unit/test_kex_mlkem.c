/* mlkem768x25519-sha256: the wire format of draft-ietf-sshm-mlkem-hybrid-kex (Q_C = ek ||
 * X25519 public, 1216 bytes; Q_S = ciphertext || X25519 public, 1120 bytes; K = string
 * SHA-256(ss_pq || ss_x25519)), K recomputed here from the parts with libtomcrypt's
 * SHA-256 and the ML-KEM module, and every malformed value refused: on the server side
 * (encaps: the client's value) and on the client side (decaps: the server's value), one
 * test per wrong length, plus an ek failing FIPS 203's modulus check and an X25519 part
 * of low order. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "crypto/mlkem768.h"
#include "curve25519.h"
#include "err.h"
#include "harness.h"
#include "kex.h"
#include "options.h"

#if DB_KEX_MLKEM768X25519

#define QC_LEN 1216
#define QS_LEN 1120
static const struct kex_ops *const kx = &kex_mlkem768x25519_sha256;

/* A string of len bytes (taken from src, zero-padded) as the peer would send it. */
static void put_value(struct buf *b, const uint8_t *src, size_t srclen, size_t len)
{
	uint8_t *v = calloc(1, len + 1);
	CHECK(v != NULL);
	memcpy(v, src, srclen < len ? srclen : len);
	buf_reset(b);
	CHECK_OK(buf_put_string(b, v, len));
	free(v);
}

struct fixture {
	struct buf cpub, spub, kc, ks, in;
	void *st;
};

static void setup(struct fixture *f)
{
	CHECK_OK(buf_init(&f->cpub, 0, 4096));
	CHECK_OK(buf_init(&f->spub, 0, 4096));
	CHECK_OK(buf_init(&f->in, 0, 4096));
	CHECK_OK(buf_init_secret(&f->kc, 0, 256));
	CHECK_OK(buf_init_secret(&f->ks, 0, 256));
	CHECK_OK(kx->keypair(&f->st, &f->cpub));
}

static void teardown(struct fixture *f)
{
	kx->free_state(f->st);
	buf_free(&f->cpub);
	buf_free(&f->spub);
	buf_free(&f->in);
	buf_free(&f->kc);
	buf_free(&f->ks);
}

static void test_wire_and_K(void)
{
	struct fixture f;
	struct buf v;
	const uint8_t *p;
	size_t n;

	setup(&f);
	CHECK(kx->hash == HASH_SHA256 && strcmp(kx->name, "mlkem768x25519-sha256") == 0);
	CHECK(f.cpub.len == 4 + QC_LEN && load_be32(f.cpub.data) == QC_LEN);
	buf_view(&v, f.cpub.data, f.cpub.len);
	CHECK_OK(kx->encaps(&v, &f.spub, &f.ks));
	CHECK_OK(buf_end(&v));
	CHECK(f.spub.len == 4 + QS_LEN && load_be32(f.spub.data) == QS_LEN);
	buf_view(&v, f.spub.data, f.spub.len);
	CHECK_OK(kx->decaps(f.st, &v, &f.kc));
	CHECK_OK(buf_end(&v));
	/* K is a string of 32 bytes (not an mpint: no leading-zero stripping) */
	CHECK(f.kc.len == 36 && load_be32(f.kc.data) == 32);
	CHECK(f.kc.len == f.ks.len && memcmp(f.kc.data, f.ks.data, f.kc.len) == 0);
	buf_view(&v, f.kc.data, f.kc.len);
	CHECK_OK(buf_get_string(&v, &p, &n));
	CHECK(n == 32);
	teardown(&f);
}

/* K from known parts: ss_pq = 32 x 0x11, X25519 with RFC 7748 6.1's keys (shared secret
 * 4a5d9d5b...). Expected value: SHA-256(0x11 * 32 || 4a5d9d5b...) computed with
 * python3's hashlib at test-writing time; the SHA-512 one (sntrup761x25519-sha512's
 * combiner, the same shared kex_hybrid_K) likewise. */
static void test_K_combiner(void)
{
	uint8_t ss[32], sk[32], pk[32], want[36], want512[68];
	struct buf K;

	memset(ss, 0x11, sizeof(ss));
	CHECK(hex2bin("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", sk, 32) == 32);
	CHECK(hex2bin("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", pk, 32) == 32);
	CHECK(hex2bin("00000020184e1a66dc878c918acaf58add91eeab4937ec89281c2b9d574e062ab105e9f7", want, sizeof(want)) == 36);
	CHECK_OK(buf_init_secret(&K, 0, 256));
	CHECK_OK(kex_hybrid_K(HASH_SHA256, ss, sk, pk, &K));
	CHECK(K.len == 36 && memcmp(K.data, want, 36) == 0);
	CHECK(hex2bin("00000040"
		      "3c3c922a86221741ea245f31f6acb3237039bedea9424aba5de7142649e30284"
		      "2a4f946b5ffb09280c24f955cb18fc8a1f41a5706721d0d45b7750f0446c864d",
		      want512, sizeof(want512)) == 68);
	buf_reset(&K);
	CHECK_OK(kex_hybrid_K(HASH_SHA512, ss, sk, pk, &K));
	CHECK(K.len == 68 && memcmp(K.data, want512, 68) == 0);
	/* low-order X25519 point: all-zero secret refused */
	memset(pk, 0, sizeof(pk));
	buf_reset(&K);
	CHECK(kex_hybrid_K(HASH_SHA256, ss, sk, pk, &K) == ERR_CRYPTO);
	CHECK(kex_hybrid_K(HASH_SHA512, ss, sk, pk, &K) == ERR_CRYPTO);
	buf_free(&K);
}

/* Server side: the client's value of every wrong length is refused. */
static void test_server_bad_lengths(void)
{
	static const size_t lens[] = { 0, 32, 1184, QC_LEN - 1, QC_LEN + 1, 1120, 2 * QC_LEN };
	struct fixture f;
	struct buf v;
	size_t i;

	setup(&f);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		put_value(&f.in, f.cpub.data + 4, QC_LEN, lens[i]);
		buf_reset(&f.spub);
		buf_reset(&f.ks);
		CHECK(kx->encaps(&f.in, &f.spub, &f.ks) == ERR_FORMAT);
	}
	/* a string header claiming more bytes than there are */
	buf_view(&v, f.cpub.data, f.cpub.len - 1);
	CHECK(kx->encaps(&v, &f.spub, &f.ks) != 0);
	/* the right length is accepted */
	put_value(&f.in, f.cpub.data + 4, QC_LEN, QC_LEN);
	CHECK_OK(kx->encaps(&f.in, &f.spub, &f.ks));
	teardown(&f);
}

/* Server side: an ek with a coefficient >= q (FIPS 203 7.2), and an X25519 part of low
 * order. */
static void test_server_bad_form(void)
{
	uint8_t q[QC_LEN];
	struct fixture f;

	setup(&f);
	memcpy(q, f.cpub.data + 4, QC_LEN);
	q[0] = 0xff;
	q[1] |= 0x0f; /* first coefficient 4095 */
	put_value(&f.in, q, QC_LEN, QC_LEN);
	CHECK(kx->encaps(&f.in, &f.spub, &f.ks) == ERR_INVALID);
	memcpy(q, f.cpub.data + 4, QC_LEN);
	memset(q + 1184, 0, 32);
	put_value(&f.in, q, QC_LEN, QC_LEN);
	buf_reset(&f.spub);
	buf_reset(&f.ks);
	CHECK(kx->encaps(&f.in, &f.spub, &f.ks) == ERR_CRYPTO);
	teardown(&f);
}

/* Client side: the server's value of every wrong length is refused; a ciphertext of the
 * right length but modified gives a different K (implicit rejection), never an error. */
static void test_client_bad_lengths(void)
{
	static const size_t lens[] = { 0, 32, 1088, QS_LEN - 1, QS_LEN + 1, QC_LEN, 2 * QS_LEN };
	uint8_t q[QS_LEN];
	struct fixture f;
	struct buf v;
	size_t i;

	setup(&f);
	buf_view(&v, f.cpub.data, f.cpub.len);
	CHECK_OK(kx->encaps(&v, &f.spub, &f.ks));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		put_value(&f.in, f.spub.data + 4, QS_LEN, lens[i]);
		buf_reset(&f.kc);
		CHECK(kx->decaps(f.st, &f.in, &f.kc) == ERR_FORMAT);
	}
	memcpy(q, f.spub.data + 4, QS_LEN);
	q[100] ^= 0x20;
	put_value(&f.in, q, QS_LEN, QS_LEN);
	buf_reset(&f.kc);
	CHECK_OK(kx->decaps(f.st, &f.in, &f.kc));
	CHECK(f.kc.len == f.ks.len && memcmp(f.kc.data, f.ks.data, f.kc.len) != 0);
	/* low-order X25519 part from the server */
	memcpy(q, f.spub.data + 4, QS_LEN);
	memset(q + 1088, 0, 32);
	put_value(&f.in, q, QS_LEN, QS_LEN);
	buf_reset(&f.kc);
	CHECK(kx->decaps(f.st, &f.in, &f.kc) == ERR_CRYPTO);
	/* the untouched value still agrees */
	put_value(&f.in, f.spub.data + 4, QS_LEN, QS_LEN);
	buf_reset(&f.kc);
	CHECK_OK(kx->decaps(f.st, &f.in, &f.kc));
	CHECK(memcmp(f.kc.data, f.ks.data, f.ks.len) == 0);
	teardown(&f);
}

static void test_preference(void)
{
	CHECK(kex_algs[0] == kx);
	CHECK(kex_find("mlkem768x25519-sha256", 21) == kx);
}
#endif

int main(void)
{
#if DB_KEX_MLKEM768X25519
	RUN(test_wire_and_K);
	RUN(test_K_combiner);
	RUN(test_server_bad_lengths);
	RUN(test_server_bad_form);
	RUN(test_client_bad_lengths);
	RUN(test_preference);
#endif
	return harness_done("test_kex_mlkem");
}
