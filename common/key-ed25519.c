/* key-ed25519.c: ssh-ed25519 keys and signatures (RFC 8709, RFC 8032).
 *   blob:      string "ssh-ed25519", string pk (32 bytes)
 *   signature: string "ssh-ed25519", string sig (64 bytes)
 * The arithmetic is curve25519.c; this file is the SSH encoding around it. */
#include "key-internal.h"

#if DB_KEY_ED25519

#include <string.h>

#include "curve25519.h"
#include "util.h"

static int ed_init(struct key *k)
{
	(void)k; /* nothing beyond the zeroed arrays */
	return 0;
}

static void ed_clear(struct key *k)
{
	wipe(&k->u.ed25519, sizeof(k->u.ed25519));
}

static int ed_generate(struct key *k, unsigned bits)
{
	int r;
	if (bits != 0 && bits != 256)
		return ERR_INVALID;
	if ((r = rand_bytes(k->u.ed25519.seed, 32)) != 0)
		return r;
	ed25519_pubkey(k->u.ed25519.pk, k->u.ed25519.seed);
	return 0;
}

static int ed_get_public(struct key *k, struct buf *b)
{
	/* A pk that is not a curve point is caught by ed25519_verify; it could never
	 * verify anything, so there is nothing to gain from decoding it here. */
	return buf_get_string_fixed(b, k->u.ed25519.pk, 32);
}

static int ed_put_public(const struct key *k, struct buf *out)
{
	return buf_put_string(out, k->u.ed25519.pk, 32);
}

static int ed_sign(const struct key *k, enum hash_alg h, const uint8_t *data, size_t n,
		   struct buf *out)
{
	uint8_t sig[64];
	(void)h; /* Ed25519 hashes with SHA-512 inside the primitive */
	ed25519_sign(sig, data, n, k->u.ed25519.seed, k->u.ed25519.pk);
	return buf_put_string(out, sig, sizeof(sig));
}

static int ed_verify(const struct key *k, enum hash_alg h, struct buf *b, const uint8_t *data,
		     size_t n)
{
	uint8_t sig[64];
	int r;
	(void)h;
	if ((r = buf_get_string_fixed(b, sig, sizeof(sig))) != 0 || (r = buf_end(b)) != 0)
		return r;
	return ed25519_verify(sig, data, n, k->u.ed25519.pk);
}

static unsigned ed_bits(const struct key *k)
{
	(void)k;
	return 256;
}

const struct key_ops key_ed25519_ops = {
	.init = ed_init,
	.clear = ed_clear,
	.generate = ed_generate,
	.get_public = ed_get_public,
	.put_public = ed_put_public,
	.sign = ed_sign,
	.verify = ed_verify,
	.bits = ed_bits,
};

int key_ed25519_set_private(struct key *k, const uint8_t seed[32], const uint8_t *pk)
{
	uint8_t derived[32];
	if (k->type != KEY_ED25519)
		return ERR_INVALID;
	ed25519_pubkey(derived, seed);
	if (pk && !ct_memeq(derived, pk, 32))
		return ERR_MISMATCH;
	memcpy(k->u.ed25519.seed, seed, 32);
	memcpy(k->u.ed25519.pk, derived, 32);
	k->priv = 1;
	return 0;
}

#endif
