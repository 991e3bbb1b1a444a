/* kex-x25519.c: curve25519-sha256 (RFC 8731) and curve25519-sha256@libssh.org, the name
 * the same method had before the RFC. Q_C and Q_S are strings of exactly 32 bytes; K is
 * the X25519 output as an mpint.
 * Also the X25519 half the post-quantum hybrids share (kex-mlkem768x25519.c,
 * kex-sntrup761x25519.c): the checked shared value and K = string HASH(ss_pq || z). */
#include "kex.h"

#include "options.h"

#if DB_KEX_CURVE25519 || DB_KEX_MLKEM768X25519 || DB_KEX_SNTRUP761X25519

#include <stdlib.h>
#include <string.h>

#include "curve25519.h"
#include "err.h"
#include "util.h"

#define X25519_LEN 32

/* z = X25519(sk, pk). RFC 8731 3: an all-zero output (a low-order peer point) MUST
 * abort; x25519() says so too, checked here as well because the whole exchange depends
 * on it. */
static int x25519_checked(uint8_t z[X25519_LEN], const uint8_t sk[X25519_LEN],
			  const uint8_t pk[X25519_LEN])
{
	uint8_t acc = 0;
	size_t i;
	int r = x25519(z, sk, pk);

	for (i = 0; i < X25519_LEN; i++)
		acc |= z[i];
	return r == 0 && acc == 0 ? ERR_CRYPTO : r;
}

int kex_x25519_fresh(uint8_t sk[32], uint8_t pk[32])
{
	int r = rand_bytes(sk, X25519_LEN);

	/* clamping happens inside x25519 (RFC 7748 5) */
	if (r == 0)
		x25519_base(pk, sk);
	return r;
}

int kex_hybrid_K(enum hash_alg alg, const uint8_t ss_pq[32], const uint8_t sk[32],
		 const uint8_t pk[32], struct buf *K)
{
	uint8_t in[32 + X25519_LEN], h[HASH_MAX_LEN];
	int r;

	memcpy(in, ss_pq, 32);
	if ((r = x25519_checked(in + 32, sk, pk)) == 0 &&
	    (r = hash_buf(alg, in, sizeof(in), h)) == 0)
		r = buf_put_string(K, h, hash_len(alg));
	wipe(in, sizeof(in));
	wipe(h, sizeof(h));
	return r;
}

#endif

#if DB_KEX_CURVE25519

struct x25519_state {
	uint8_t sk[X25519_LEN];
};

int kex_x25519_shared(const uint8_t sk[32], const uint8_t pk[32], struct buf *K)
{
	uint8_t z[X25519_LEN];
	int r = x25519_checked(z, sk, pk);

	/* RFC 8731 3.1: the 32 output bytes, as they are, read as an unsigned big-endian
	 * integer (no byte reversal) and encoded as an mpint: buf_put_mpint drops leading
	 * zero bytes and prefixes 0x00 when the top bit is set. */
	if (r == 0)
		r = buf_put_mpint(K, z, sizeof(z));
	wipe(z, sizeof(z));
	return r;
}

static void x_free(void *st)
{
	if (st) {
		wipe(st, sizeof(struct x25519_state));
		free(st);
	}
}

/* A fresh scalar and its public value as a string. */
static int x_fresh(uint8_t sk[X25519_LEN], struct buf *pub)
{
	uint8_t pk[X25519_LEN];
	int r = kex_x25519_fresh(sk, pk);

	if (r == 0)
		r = buf_put_string(pub, pk, sizeof(pk));
	return r;
}

static int x_keypair(void **st, struct buf *pub)
{
	struct x25519_state *s = malloc(sizeof(*s));
	int r;

	*st = NULL;
	if (!s)
		return ERR_NOMEM;
	if ((r = x_fresh(s->sk, pub)) != 0) {
		x_free(s);
		return r;
	}
	*st = s;
	return 0;
}

static int x_encaps(struct buf *in, struct buf *pub, struct buf *K)
{
	uint8_t qc[X25519_LEN], sk[X25519_LEN];
	int r;

	/* RFC 8731 3: a Q_C that is not 32 bytes MUST be refused. */
	if ((r = buf_get_string_fixed(in, qc, sizeof(qc))) == 0 &&
	    (r = x_fresh(sk, pub)) == 0)
		r = kex_x25519_shared(sk, qc, K);
	wipe(sk, sizeof(sk));
	return r;
}

static int x_decaps(void *st, struct buf *in, struct buf *K)
{
	struct x25519_state *s = st;
	uint8_t qs[X25519_LEN];
	int r;

	if (!s)
		return ERR_INVALID;
	if ((r = buf_get_string_fixed(in, qs, sizeof(qs))) == 0)
		r = kex_x25519_shared(s->sk, qs, K);
	return r;
}

const struct kex_ops kex_curve25519_sha256 = {
	.name = "curve25519-sha256",
	.hash = HASH_SHA256,
	.keypair = x_keypair,
	.encaps = x_encaps,
	.decaps = x_decaps,
	.free_state = x_free,
};

const struct kex_ops kex_curve25519_sha256_libssh = {
	.name = "curve25519-sha256@libssh.org",
	.hash = HASH_SHA256,
	.keypair = x_keypair,
	.encaps = x_encaps,
	.decaps = x_decaps,
	.free_state = x_free,
};

#endif
