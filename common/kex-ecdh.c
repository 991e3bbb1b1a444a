/* kex-ecdh.c: ecdh-sha2-nistp256/384/521 (RFC 5656 section 4). Q_C and Q_S are strings
 * holding uncompressed points, validated on the curve before use (RFC 5656 4 requires
 * the recipient to check them: SEC 1 3.2.2.1, which ecc.c does); K is the x-coordinate of
 * the shared point as an mpint; the hash is the one RFC 5656 6.2.1 pairs with the curve. */
#include "kex.h"

#include "options.h"

#if DB_KEX_ECDH

#include <stdlib.h>

#include "ecc.h"
#include "err.h"
#include "util.h"

struct ecdh_state {
	const struct ecc_curve *c;
	uint8_t d[ECC_MAX_BYTES];
};

static void ecdh_free(void *st)
{
	if (st) {
		wipe(st, sizeof(struct ecdh_state));
		free(st);
	}
}

/* A fresh ephemeral key pair; appends string Q. */
static int ecdh_fresh(const struct ecc_curve *c, uint8_t *d, struct buf *pub)
{
	uint8_t q[ECC_MAX_POINT];
	int r = ecc_keypair(c, d, q);

	if (r == 0)
		r = buf_put_string(pub, q, ecc_point_len(c));
	return r;
}

/* Appends mpint K, the x-coordinate of d * peer (RFC 5656 4; SEC 1 3.3.1 gives it as a
 * big-endian field element, which buf_put_mpint turns into a minimal mpint). */
static int ecdh_put_k(const struct ecc_curve *c, const uint8_t *d, const uint8_t *peer,
		      size_t len, struct buf *K)
{
	uint8_t x[ECC_MAX_BYTES];
	int r = ecc_shared(c, d, peer, len, x);

	if (r == 0)
		r = buf_put_mpint(K, x, ecc_curve_bytes(c));
	wipe(x, sizeof(x));
	return r;
}

static int ecdh_keypair(unsigned bits, void **st, struct buf *pub)
{
	struct ecdh_state *s;
	int r;

	*st = NULL;
	if (!(s = calloc(1, sizeof(*s))))
		return ERR_NOMEM;
	if (!(s->c = ecc_curve_by_bits(bits)))
		r = ERR_UNSUPPORTED;
	else
		r = ecdh_fresh(s->c, s->d, pub);
	if (r) {
		ecdh_free(s);
		return r;
	}
	*st = s;
	return 0;
}

/* Server: the client's point is checked before we spend a scalar multiplication. */
static int ecdh_encaps(unsigned bits, struct buf *in, struct buf *pub, struct buf *K)
{
	const struct ecc_curve *c = ecc_curve_by_bits(bits);
	uint8_t d[ECC_MAX_BYTES];
	const uint8_t *q;
	size_t n;
	int r;

	if (!c)
		return ERR_UNSUPPORTED;
	if ((r = buf_get_string(in, &q, &n)) != 0 || (r = ecc_point_check(c, q, n)) != 0)
		return r;
	if ((r = ecdh_fresh(c, d, pub)) == 0)
		r = ecdh_put_k(c, d, q, n, K);
	wipe(d, sizeof(d));
	return r;
}

static int ecdh_decaps(void *st, struct buf *in, struct buf *K)
{
	struct ecdh_state *s = st;
	const uint8_t *q;
	size_t n;
	int r;

	if (!s)
		return ERR_INVALID;
	if ((r = buf_get_string(in, &q, &n)) != 0)
		return r;
	return ecdh_put_k(s->c, s->d, q, n, K); /* ecc_shared validates q */
}

static int p256_keypair(void **st, struct buf *pub)
{
	return ecdh_keypair(256, st, pub);
}

static int p256_encaps(struct buf *in, struct buf *pub, struct buf *K)
{
	return ecdh_encaps(256, in, pub, K);
}

static int p384_keypair(void **st, struct buf *pub)
{
	return ecdh_keypair(384, st, pub);
}

static int p384_encaps(struct buf *in, struct buf *pub, struct buf *K)
{
	return ecdh_encaps(384, in, pub, K);
}

static int p521_keypair(void **st, struct buf *pub)
{
	return ecdh_keypair(521, st, pub);
}

static int p521_encaps(struct buf *in, struct buf *pub, struct buf *K)
{
	return ecdh_encaps(521, in, pub, K);
}

const struct kex_ops kex_ecdh_nistp256 = {
	.name = "ecdh-sha2-nistp256",
	.hash = HASH_SHA256,
	.keypair = p256_keypair,
	.encaps = p256_encaps,
	.decaps = ecdh_decaps,
	.free_state = ecdh_free,
};

const struct kex_ops kex_ecdh_nistp384 = {
	.name = "ecdh-sha2-nistp384",
	.hash = HASH_SHA384,
	.keypair = p384_keypair,
	.encaps = p384_encaps,
	.decaps = ecdh_decaps,
	.free_state = ecdh_free,
};

const struct kex_ops kex_ecdh_nistp521 = {
	.name = "ecdh-sha2-nistp521",
	.hash = HASH_SHA512,
	.keypair = p521_keypair,
	.encaps = p521_encaps,
	.decaps = ecdh_decaps,
	.free_state = ecdh_free,
};

#endif
