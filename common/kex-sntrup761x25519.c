/* kex-sntrup761x25519.c: sntrup761x25519-sha512 (draft-josefsson-ntruprime-ssh) and the
 * name OpenSSH gave it first, sntrup761x25519-sha512@openssh.com (OpenSSH's PROTOCOL).
 * A hybrid of the Streamlined NTRU Prime 761 KEM and X25519:
 *   Q_C = string(sntrup761 public key (1158) || X25519 public value (32))
 *   Q_S = string(sntrup761 ciphertext (1039) || X25519 public value (32))
 *   K   = string(SHA-512(sntrup761 shared secret (32) || X25519 output (32)))
 * K is a string, not an mpint, both in the exchange hash and in the key derivation:
 * encaps/decaps hand it over already encoded, so kex.c needs nothing special. The X25519
 * half and K come from kex-x25519.c (kex_x25519_fresh, kex_hybrid_K), shared with
 * mlkem768x25519-sha256. */
#include "kex.h"

#include "options.h"

#if DB_KEX_SNTRUP761X25519

#include <stdlib.h>

#include "crypto/sntrup761.h"
#include "err.h"
#include "util.h"

#define X25519_LEN 32
#define QC_LEN (SNTRUP761_PUBLICKEY_BYTES + X25519_LEN)
#define QS_LEN (SNTRUP761_CIPHERTEXT_BYTES + X25519_LEN)

struct sntrup_state {
	uint8_t sk[SNTRUP761_SECRETKEY_BYTES];
	uint8_t xsk[X25519_LEN];
};

static void s_free(void *st)
{
	if (st) {
		wipe(st, sizeof(struct sntrup_state));
		free(st);
	}
}

static int s_keypair(void **st, struct buf *pub)
{
	struct sntrup_state *s = malloc(sizeof(*s));
	uint8_t q[QC_LEN];
	int r;

	*st = NULL;
	if (!s)
		return ERR_NOMEM;
	if ((r = sntrup761_keypair(q, s->sk)) == 0 &&
	    (r = kex_x25519_fresh(s->xsk, q + SNTRUP761_PUBLICKEY_BYTES)) == 0)
		r = buf_put_string(pub, q, sizeof(q));
	if (r) {
		s_free(s);
		return r;
	}
	*st = s;
	return 0;
}

/* The server: the client's Q_C must be exactly 1158 + 32 bytes. */
static int s_encaps(struct buf *in, struct buf *pub, struct buf *K)
{
	const uint8_t *qc;
	size_t n;
	uint8_t q[QS_LEN], ss[SNTRUP761_SHARED_BYTES], xsk[X25519_LEN];
	int r;

	if ((r = buf_get_string(in, &qc, &n)) != 0)
		return r;
	if (n != QC_LEN)
		return ERR_FORMAT;
	if ((r = sntrup761_enc(q, ss, qc)) == 0 &&
	    (r = kex_x25519_fresh(xsk, q + SNTRUP761_CIPHERTEXT_BYTES)) == 0) {
		if ((r = kex_hybrid_K(HASH_SHA512, ss, xsk, qc + SNTRUP761_PUBLICKEY_BYTES, K)) == 0)
			r = buf_put_string(pub, q, sizeof(q));
	}
	wipe(ss, sizeof(ss));
	wipe(xsk, sizeof(xsk));
	return r;
}

/* The client: the server's Q_S must be exactly 1039 + 32 bytes. */
static int s_decaps(void *st, struct buf *in, struct buf *K)
{
	struct sntrup_state *s = st;
	const uint8_t *qs;
	size_t n;
	uint8_t ss[SNTRUP761_SHARED_BYTES];
	int r;

	if (!s)
		return ERR_INVALID;
	if ((r = buf_get_string(in, &qs, &n)) != 0)
		return r;
	if (n != QS_LEN)
		return ERR_FORMAT;
	sntrup761_dec(ss, qs, s->sk);
	r = kex_hybrid_K(HASH_SHA512, ss, s->xsk, qs + SNTRUP761_CIPHERTEXT_BYTES, K);
	wipe(ss, sizeof(ss));
	return r;
}

const struct kex_ops kex_sntrup761x25519_sha512 = {
	.name = "sntrup761x25519-sha512",
	.hash = HASH_SHA512,
	.keypair = s_keypair,
	.encaps = s_encaps,
	.decaps = s_decaps,
	.free_state = s_free,
};

const struct kex_ops kex_sntrup761x25519_sha512_openssh = {
	.name = "sntrup761x25519-sha512@openssh.com",
	.hash = HASH_SHA512,
	.keypair = s_keypair,
	.encaps = s_encaps,
	.decaps = s_decaps,
	.free_state = s_free,
};

#endif
