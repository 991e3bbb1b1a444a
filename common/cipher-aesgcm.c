/* aes128-gcm@openssh.com and aes256-gcm@openssh.com: RFC 5647 as OpenSSH applies it
 * (OpenSSH PROTOCOL 1.6: negotiated only as a cipher, the MAC lists are ignored).
 *
 * RFC 5647 section 7.1: the 12-byte nonce is a 4-byte fixed field followed by an 8-byte
 * invocation counter, both taken from the IV the key exchange derives; the counter is a
 * big-endian 64-bit integer incremented after each packet (the fixed field never
 * changes). Section 7.2/7.3: packet_length is sent in the clear and authenticated as the
 * additional data; padding_length || payload || padding is encrypted and is a multiple of
 * 16 bytes; the 16-byte tag follows. The sequence number is not used: the invocation
 * counter moves in step with it. */
#include <stdlib.h>
#include <string.h>

#include "cipher-internal.h"
#include "crypto.h"
#include "err.h"
#include "options.h"
#include "util.h"

#if DB_CIPHER_AES_GCM

struct gcm_ctx {
	struct aes_gcm gcm;
	uint8_t nonce[12];
};

static int gcm_init_key(void **ctx, const uint8_t *key, size_t keylen, const uint8_t *iv)
{
	struct gcm_ctx *c = malloc(sizeof(*c));
	int r;

	if (!c)
		return ERR_NOMEM;
	r = aes_gcm_init(&c->gcm, key, keylen);
	if (r) {
		wipe(c, sizeof(*c));
		free(c);
		return r;
	}
	memcpy(c->nonce, iv, sizeof(c->nonce));
	*ctx = c;
	return 0;
}

static int gcm128_init(void **ctx, const uint8_t *key, const uint8_t *iv)
{
	return gcm_init_key(ctx, key, 16, iv);
}

static int gcm256_init(void **ctx, const uint8_t *key, const uint8_t *iv)
{
	return gcm_init_key(ctx, key, 32, iv);
}

static void gcm_free(void *ctx)
{
	struct gcm_ctx *c = ctx;
	if (c) {
		aes_gcm_free(&c->gcm);
		wipe(c, sizeof(*c));
		free(c);
	}
}

/* RFC 5647 7.1: invocation_counter += 1, modulo 2^64, fixed field untouched. */
static void gcm_next(struct gcm_ctx *c)
{
	store_be64(c->nonce + 4, load_be64(c->nonce + 4) + 1);
}

static int gcm_length(void *ctx, uint32_t seq, const uint8_t in[4], uint32_t *len)
{
	(void)ctx;
	(void)seq;
	*len = load_be32(in); /* in the clear (RFC 5647 7.3) */
	return 0;
}

static int gcm_seal(void *ctx, uint32_t seq, uint8_t *pkt, size_t n, uint8_t *tag)
{
	struct gcm_ctx *c = ctx;
	int r;

	(void)seq;
	r = aes_gcm_seal(&c->gcm, c->nonce, pkt, 4, pkt + 4, pkt + 4, n - 4, tag);
	if (r == 0)
		gcm_next(c);
	return r;
}

/* aes_gcm_open runs GHASH and the decryption in one pass but wipes out before it returns
 * unless the tag (compared in constant time) was right: nothing unauthenticated leaves. */
static int gcm_open(void *ctx, uint32_t seq, const uint8_t *pkt, size_t n, const uint8_t *tag,
		    uint8_t *out)
{
	struct gcm_ctx *c = ctx;
	int r;

	(void)seq;
	r = aes_gcm_open(&c->gcm, c->nonce, pkt, 4, pkt + 4, out, n - 4, tag);
	if (r == 0)
		gcm_next(c);
	return r;
}

const struct cipher_ops cipher_aes128_gcm = {
	.name = "aes128-gcm@openssh.com",
	.keylen = 16,
	.ivlen = 12,
	.blocksize = 16,
	.taglen = 16,
	.init = gcm128_init,
	.free = gcm_free,
	.length = gcm_length,
	.seal = gcm_seal,
	.open = gcm_open,
};

const struct cipher_ops cipher_aes256_gcm = {
	.name = "aes256-gcm@openssh.com",
	.keylen = 32,
	.ivlen = 12,
	.blocksize = 16,
	.taglen = 16,
	.init = gcm256_init,
	.free = gcm_free,
	.length = gcm_length,
	.seal = gcm_seal,
	.open = gcm_open,
};

#endif
