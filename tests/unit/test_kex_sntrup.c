/* sntrup761x25519-sha512 (and its @openssh.com alias) behind struct kex_ops: both sides
 * agree on K, K is string(SHA-512(sntrup761 key || X25519 output)) as
 * draft-josefsson-ntruprime-ssh section 2 and OpenSSH's PROTOCOL say, and every
 * malformed length of the peer's value is refused: the client's Q_C by the server
 * (encaps), the server's Q_S by the client (decaps). A low-order X25519 half is refused
 * as for curve25519-sha256 (RFC 8731 3). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "crypto/sntrup761.h"
#include "curve25519.h"
#include "err.h"
#include "harness.h"
#include "kex.h"
#include "options.h"

#if DB_KEX_SNTRUP761X25519

#define QC_LEN (SNTRUP761_PUBLICKEY_BYTES + 32)
#define QS_LEN (SNTRUP761_CIPHERTEXT_BYTES + 32)

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void roundtrip(const struct kex_ops *k)
{
	struct buf cpub, spub, K1, K2, in;
	void *st = NULL;

	CHECK(k->hash == HASH_SHA512);
	CHECK_OK(buf_init(&cpub, 0, 4096));
	CHECK_OK(buf_init(&spub, 0, 4096));
	CHECK_OK(buf_init_secret(&K1, 0, 256));
	CHECK_OK(buf_init_secret(&K2, 0, 256));
	CHECK_OK(k->keypair(&st, &cpub));
	/* Q_C: string of 1158 + 32 bytes */
	CHECK(cpub.len == 4 + QC_LEN && cpub.data[2] == (QC_LEN >> 8) && cpub.data[3] == (QC_LEN & 0xff));
	buf_view(&in, cpub.data, cpub.len);
	CHECK_OK(k->encaps(&in, &spub, &K1));
	CHECK(buf_avail(&in) == 0);
	CHECK(spub.len == 4 + QS_LEN);
	buf_view(&in, spub.data, spub.len);
	CHECK_OK(k->decaps(st, &in, &K2));
	CHECK(buf_avail(&in) == 0);
	/* K is a string of 64 bytes, not an mpint */
	CHECK(K1.len == 68 && K1.data[0] == 0 && K1.data[1] == 0 && K1.data[2] == 0 &&
	      K1.data[3] == 64);
	CHECK(K2.len == K1.len && memcmp(K1.data, K2.data, K1.len) == 0);
	k->free_state(st);
	buf_free(&cpub);
	buf_free(&spub);
	buf_free(&K1);
	buf_free(&K2);
}

static void test_roundtrip(void)
{
	CHECK_OK(crypto_init());
	roundtrip(&kex_sntrup761x25519_sha512);
	roundtrip(&kex_sntrup761x25519_sha512_openssh);
	CHECK(kex_find("sntrup761x25519-sha512", 22) == &kex_sntrup761x25519_sha512);
	CHECK(kex_find("sntrup761x25519-sha512@openssh.com", 34) ==
	      &kex_sntrup761x25519_sha512_openssh);
}

/* The server's K recomputed from its parts: our own client keys (sntrup761 and an
 * X25519 scalar), the server's reply split into ciphertext and X25519 value. */
static void test_k_composition(void)
{
	static uint8_t pk[SNTRUP761_PUBLICKEY_BYTES], sk[SNTRUP761_SECRETKEY_BYTES];
	uint8_t q[4 + QC_LEN], xsk[32], parts[64], h[64];
	struct buf in, spub, K;

	CHECK_OK(crypto_init());
	CHECK_OK(sntrup761_keypair(pk, sk));
	CHECK_OK(rand_bytes(xsk, sizeof(xsk)));
	put_be32(q, QC_LEN);
	memcpy(q + 4, pk, sizeof(pk));
	x25519_base(q + 4 + sizeof(pk), xsk);
	CHECK_OK(buf_init(&spub, 0, 4096));
	CHECK_OK(buf_init_secret(&K, 0, 256));
	buf_view(&in, q, sizeof(q));
	CHECK_OK(kex_sntrup761x25519_sha512.encaps(&in, &spub, &K));
	CHECK(spub.len == 4 + QS_LEN);
	sntrup761_dec(parts, spub.data + 4, sk);
	CHECK_OK(x25519(parts + 32, xsk, spub.data + 4 + SNTRUP761_CIPHERTEXT_BYTES));
	CHECK_OK(hash_buf(HASH_SHA512, parts, sizeof(parts), h));
	CHECK(K.len == 68 && memcmp(K.data + 4, h, 64) == 0);
	buf_free(&spub);
	buf_free(&K);
}

/* Q_C / Q_S encoded as a string of n bytes (content: a valid-looking prefix, zeros). */
static size_t make_value(uint8_t *out, size_t n, const uint8_t *from, size_t from_len)
{
	put_be32(out, (uint32_t)n);
	memset(out + 4, 0, n);
	memcpy(out + 4, from, n < from_len ? n : from_len);
	return 4 + n;
}

static const long bad_deltas[] = {-QC_LEN, -1, +1, -32, +32};

/* The server refuses a Q_C one byte short or long, the bare sntrup761 key, the key with
 * 32 extra bytes, an empty string, and a string whose length runs past the packet. */
static void test_server_bad_lengths(void)
{
	static uint8_t good[4 + QC_LEN], bad[4 + QC_LEN + 64];
	struct buf cpub, spub, K, in;
	void *st = NULL;
	size_t i, n;

	CHECK_OK(crypto_init());
	CHECK_OK(buf_init(&cpub, 0, 4096));
	CHECK_OK(buf_init(&spub, 0, 4096));
	CHECK_OK(buf_init_secret(&K, 0, 256));
	CHECK_OK(kex_sntrup761x25519_sha512.keypair(&st, &cpub));
	memcpy(good, cpub.data, sizeof(good));
	for (i = 0; i < sizeof(bad_deltas) / sizeof(bad_deltas[0]); i++) {
		n = make_value(bad, (size_t)(QC_LEN + bad_deltas[i]), good + 4, QC_LEN);
		buf_view(&in, bad, n);
		buf_reset(&spub);
		CHECK(kex_sntrup761x25519_sha512.encaps(&in, &spub, &K) == ERR_FORMAT);
	}
	/* length field says QC_LEN, the packet ends 10 bytes early */
	buf_view(&in, good, sizeof(good) - 10);
	CHECK(kex_sntrup761x25519_sha512.encaps(&in, &spub, &K) != 0);
	/* not even a length field */
	buf_view(&in, good, 3);
	CHECK(kex_sntrup761x25519_sha512.encaps(&in, &spub, &K) != 0);
	/* a low-order X25519 half (u = 0): all-zero output, refused */
	memcpy(bad, good, sizeof(good));
	memset(bad + 4 + SNTRUP761_PUBLICKEY_BYTES, 0, 32);
	buf_view(&in, bad, sizeof(good));
	CHECK(kex_sntrup761x25519_sha512.encaps(&in, &spub, &K) == ERR_CRYPTO);
	kex_sntrup761x25519_sha512.free_state(st);
	buf_free(&cpub);
	buf_free(&spub);
	buf_free(&K);
}

/* The client refuses the same shapes of Q_S. */
static void test_client_bad_lengths(void)
{
	static uint8_t good[4 + QS_LEN], bad[4 + QS_LEN + 64];
	static const long d[] = {-QS_LEN, -1, +1, -32, +32, QC_LEN - QS_LEN};
	struct buf cpub, spub, K, in;
	void *st = NULL;
	size_t i, n;

	CHECK_OK(crypto_init());
	CHECK_OK(buf_init(&cpub, 0, 4096));
	CHECK_OK(buf_init(&spub, 0, 4096));
	CHECK_OK(buf_init_secret(&K, 0, 256));
	CHECK_OK(kex_sntrup761x25519_sha512.keypair(&st, &cpub));
	buf_view(&in, cpub.data, cpub.len);
	CHECK_OK(kex_sntrup761x25519_sha512.encaps(&in, &spub, &K));
	memcpy(good, spub.data, sizeof(good));
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		static uint8_t big[4 + QC_LEN];
		uint8_t *b = (size_t)(QS_LEN + d[i]) + 4 <= sizeof(bad) ? bad : big;
		n = make_value(b, (size_t)(QS_LEN + d[i]), good + 4, QS_LEN);
		buf_view(&in, b, n);
		buf_reset(&K);
		CHECK(kex_sntrup761x25519_sha512.decaps(st, &in, &K) == ERR_FORMAT);
	}
	buf_view(&in, good, sizeof(good) - 1);
	CHECK(kex_sntrup761x25519_sha512.decaps(st, &in, &K) != 0);
	buf_view(&in, good, 2);
	CHECK(kex_sntrup761x25519_sha512.decaps(st, &in, &K) != 0);
	memcpy(bad, good, sizeof(good));
	memset(bad + 4 + SNTRUP761_CIPHERTEXT_BYTES, 0, 32);
	buf_view(&in, bad, sizeof(good));
	CHECK(kex_sntrup761x25519_sha512.decaps(st, &in, &K) == ERR_CRYPTO);
	/* a modified ciphertext is no error (implicit rejection) but a different K */
	{
		struct buf K1, K2;
		CHECK_OK(buf_init_secret(&K1, 0, 256));
		CHECK_OK(buf_init_secret(&K2, 0, 256));
		buf_view(&in, good, sizeof(good));
		CHECK_OK(kex_sntrup761x25519_sha512.decaps(st, &in, &K1));
		memcpy(bad, good, sizeof(good));
		bad[4 + 100] ^= 0x40;
		buf_view(&in, bad, sizeof(good));
		CHECK_OK(kex_sntrup761x25519_sha512.decaps(st, &in, &K2));
		CHECK(K1.len == 68 && K2.len == 68 && memcmp(K1.data, K2.data, 68) != 0);
		buf_free(&K1);
		buf_free(&K2);
	}
	CHECK(kex_sntrup761x25519_sha512.decaps(NULL, &in, &K) != 0);
	kex_sntrup761x25519_sha512.free_state(st);
	buf_free(&cpub);
	buf_free(&spub);
	buf_free(&K);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(test_roundtrip);
	RUN(test_k_composition);
	RUN(test_server_bad_lengths);
	RUN(test_client_bad_lengths);
	return harness_done(argv[0]);
}

#else

int main(int argc, char **argv)
{
	(void)argc;
	return harness_done(argv[0]);
}

#endif
