/* key-ecdsa.c: ecdsa-sha2-nistp256/384/521 keys and signatures (RFC 5656 section 3).
 *   blob:      string "ecdsa-sha2-nistpNNN", string "nistpNNN", string Q (04 || X || Y)
 *   signature: string "ecdsa-sha2-nistpNNN", string (mpint r, mpint s)
 * The curve arithmetic, point validation and the nonce are in ecc.c. */
#include "key-internal.h"

#if DB_KEY_ECDSA

#include <string.h>

#include "util.h"

static const struct ecc_curve *curve_of(enum key_type t)
{
	switch (t) {
	case KEY_ECDSA_P256: return ecc_curve_by_bits(256);
	case KEY_ECDSA_P384: return ecc_curve_by_bits(384);
	case KEY_ECDSA_P521: return ecc_curve_by_bits(521);
	default: return NULL;
	}
}

static int ec_init(struct key *k)
{
	k->u.ecdsa.curve = curve_of(k->type);
	return k->u.ecdsa.curve ? 0 : ERR_UNSUPPORTED;
}

static void ec_clear(struct key *k)
{
	wipe(&k->u.ecdsa, sizeof(k->u.ecdsa));
}

static int ec_generate(struct key *k, unsigned bits)
{
	const struct ecc_curve *c = k->u.ecdsa.curve;
	if (bits != 0 && bits != ecc_curve_bits(c))
		return ERR_INVALID;
	return ecc_keypair(c, k->u.ecdsa.d, k->u.ecdsa.q);
}

/* RFC 5656 section 3.1: the curve identifier must name the curve of the key type. */
static int ec_get_public(struct key *k, struct buf *b)
{
	const struct ecc_curve *c = k->u.ecdsa.curve;
	const uint8_t *id, *q;
	size_t idlen, qlen;
	int r;

	if ((r = buf_get_string(b, &id, &idlen)) != 0 || (r = buf_get_string(b, &q, &qlen)) != 0)
		return r;
	if (ecc_curve_by_name((const char *)id, idlen) != c)
		return ERR_FORMAT;
	if ((r = ecc_point_check(c, q, qlen)) != 0)
		return r;
	memcpy(k->u.ecdsa.q, q, qlen);
	return 0;
}

static int ec_put_public(const struct key *k, struct buf *out)
{
	const struct ecc_curve *c = k->u.ecdsa.curve;
	int r = buf_put_cstr(out, ecc_curve_name(c));
	if (!r)
		r = buf_put_string(out, k->u.ecdsa.q, ecc_point_len(c));
	return r;
}

static int ec_sign(const struct key *k, enum hash_alg h, const uint8_t *data, size_t n,
		   struct buf *out)
{
	const struct ecc_curve *c = k->u.ecdsa.curve;
	uint8_t hash[HASH_MAX_LEN], rs[2][ECC_MAX_BYTES];
	struct buf inner;
	int r;

	if ((r = hash_buf(h, data, n, hash)) != 0)
		return r;
	if ((r = ecc_ecdsa_sign(c, k->u.ecdsa.d, hash, hash_len(h), rs[0], rs[1])) != 0)
		return r;
	/* RFC 5656 section 3.1.2: the signature string holds two mpints */
	if ((r = buf_init(&inner, 2 * (5 + ECC_MAX_BYTES), 2 * (5 + ECC_MAX_BYTES))) != 0)
		return r;
	r = buf_put_mpint(&inner, rs[0], ecc_curve_bytes(c));
	if (!r)
		r = buf_put_mpint(&inner, rs[1], ecc_curve_bytes(c));
	if (!r)
		r = buf_put_string(out, inner.data, inner.len);
	buf_free(&inner);
	return r;
}

static int ec_verify(const struct key *k, enum hash_alg h, struct buf *b, const uint8_t *data,
		     size_t n)
{
	const struct ecc_curve *c = k->u.ecdsa.curve;
	uint8_t hash[HASH_MAX_LEN];
	const uint8_t *sig, *rp, *sp;
	size_t siglen, rlen, slen;
	struct buf inner;
	int r;

	if ((r = buf_get_string(b, &sig, &siglen)) != 0 || (r = buf_end(b)) != 0)
		return r;
	buf_view(&inner, sig, siglen);
	if ((r = buf_get_mpint(&inner, &rp, &rlen)) != 0 ||
	    (r = buf_get_mpint(&inner, &sp, &slen)) != 0 || (r = buf_end(&inner)) != 0)
		return r;
	if ((r = hash_buf(h, data, n, hash)) != 0)
		return r;
	return ecc_ecdsa_verify(c, k->u.ecdsa.q, ecc_point_len(c), hash, hash_len(h), rp, rlen,
				sp, slen);
}

static unsigned ec_bits(const struct key *k)
{
	return ecc_curve_bits(k->u.ecdsa.curve);
}

const struct key_ops key_ecdsa_ops = {
	.init = ec_init,
	.clear = ec_clear,
	.generate = ec_generate,
	.get_public = ec_get_public,
	.put_public = ec_put_public,
	.sign = ec_sign,
	.verify = ec_verify,
	.bits = ec_bits,
};

int key_ecdsa_set_private(struct key *k, const uint8_t *q, size_t qlen, const uint8_t *d,
			  size_t dlen)
{
	const struct ecc_curve *c;
	uint8_t dpad[ECC_MAX_BYTES], derived[ECC_MAX_POINT];
	size_t nb;
	int r;

	if (k->type != KEY_ECDSA_P256 && k->type != KEY_ECDSA_P384 && k->type != KEY_ECDSA_P521)
		return ERR_INVALID;
	c = k->u.ecdsa.curve;
	nb = ecc_curve_bytes(c);
	if ((r = ecc_point_check(c, q, qlen)) != 0)
		return r;
	if (dlen > nb)
		return ERR_INVALID;
	memset(dpad, 0, nb - dlen);
	memcpy(dpad + (nb - dlen), d, dlen);
	r = ecc_pubkey(c, dpad, derived); /* ERR_INVALID unless 0 < d < n */
	if (!r && memcmp(derived, q, qlen) != 0)
		r = ERR_MISMATCH;
	if (!r) {
		memcpy(k->u.ecdsa.q, q, qlen);
		memcpy(k->u.ecdsa.d, dpad, nb);
		k->priv = 1;
	}
	wipe(dpad, sizeof(dpad));
	return r;
}

#endif
