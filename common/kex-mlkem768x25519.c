/* kex-mlkem768x25519.c: mlkem768x25519-sha256 (draft-ietf-sshm-mlkem-hybrid-kex, as
 * OpenSSH 9.9+ implements it), ML-KEM-768 (FIPS 203) combined with X25519 (RFC 7748).
 *   Q_C = string (ek || X25519 public), exactly 1184 + 32 bytes
 *   Q_S = string (ciphertext || X25519 public), exactly 1088 + 32 bytes
 *   K   = string SHA-256(ML-KEM shared secret || X25519 shared secret)
 * K is a string, not an mpint like curve25519-sha256's (draft section 2.4): the method
 * hands the exchange hash and the key derivation K already encoded, so nothing else
 * changes. The peer's value must have exactly its length, and its X25519 part must not
 * give an all-zero secret (as for curve25519-sha256, RFC 8731 3); the client's ek must
 * pass FIPS 203's modulus check (7.2). A ciphertext of the right length is never
 * refused: ML-KEM's implicit rejection turns a modified one into an unrelated K, and the
 * exchange then fails at the host key signature. */
#include "kex.h"

#include "options.h"

#if DB_KEX_MLKEM768X25519

#include <stdlib.h>

#include "crypto/mlkem768.h"
#include "err.h"
#include "util.h"

#define X25519_LEN 32
#define QC_LEN (MLKEM768_EK_LEN + X25519_LEN)
#define QS_LEN (MLKEM768_CT_LEN + X25519_LEN)

struct hybrid_state {
	uint8_t dk[MLKEM768_DK_LEN];
	uint8_t sk[X25519_LEN];
};

static void h_free(void *st)
{
	if (st) {
		wipe(st, sizeof(struct hybrid_state));
		free(st);
	}
}

static int h_keypair(void **st, struct buf *pub)
{
	struct hybrid_state *s = malloc(sizeof(*s));
	uint8_t q[QC_LEN];
	int r;

	*st = NULL;
	if (!s)
		return ERR_NOMEM;
	if ((r = mlkem768_keypair(q, s->dk)) == 0 &&
	    (r = kex_x25519_fresh(s->sk, q + MLKEM768_EK_LEN)) == 0)
		r = buf_put_string(pub, q, sizeof(q));
	if (r) {
		h_free(s);
		return r;
	}
	*st = s;
	return 0;
}

static int h_encaps(struct buf *in, struct buf *pub, struct buf *K)
{
	const uint8_t *qc;
	size_t qclen;
	uint8_t q[QS_LEN], ss[MLKEM768_SS_LEN], sk[X25519_LEN];
	int r;

	if ((r = buf_get_string(in, &qc, &qclen)) != 0)
		return r;
	if (qclen != QC_LEN)
		return ERR_FORMAT;
	/* mlkem768_encaps refuses an ek that fails the modulus check */
	if ((r = mlkem768_encaps(q, ss, qc, MLKEM768_EK_LEN)) == 0 &&
	    (r = kex_x25519_fresh(sk, q + MLKEM768_CT_LEN)) == 0) {
		if ((r = kex_hybrid_K(HASH_SHA256, ss, sk, qc + MLKEM768_EK_LEN, K)) == 0)
			r = buf_put_string(pub, q, sizeof(q));
	}
	wipe(ss, sizeof(ss));
	wipe(sk, sizeof(sk));
	return r;
}

static int h_decaps(void *st, struct buf *in, struct buf *K)
{
	struct hybrid_state *s = st;
	const uint8_t *qs;
	size_t qslen;
	uint8_t ss[MLKEM768_SS_LEN];
	int r;

	if (!s)
		return ERR_INVALID;
	if ((r = buf_get_string(in, &qs, &qslen)) != 0)
		return r;
	if (qslen != QS_LEN)
		return ERR_FORMAT;
	if ((r = mlkem768_decaps(ss, qs, MLKEM768_CT_LEN, s->dk, sizeof(s->dk))) == 0)
		r = kex_hybrid_K(HASH_SHA256, ss, s->sk, qs + MLKEM768_CT_LEN, K);
	wipe(ss, sizeof(ss));
	return r;
}

const struct kex_ops kex_mlkem768x25519_sha256 = {
	.name = "mlkem768x25519-sha256",
	.hash = HASH_SHA256,
	.keypair = h_keypair,
	.encaps = h_encaps,
	.decaps = h_decaps,
	.free_state = h_free,
};

#endif
