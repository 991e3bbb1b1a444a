/* aes128-ctr, aes192-ctr, aes256-ctr (RFC 4344 section 4). The IV from the key exchange
 * is the initial 128-bit counter block, incremented big-endian per block; the keystream of
 * a direction runs on across packet boundaries (the counter is not reset per packet),
 * so the one context is used strictly in wire order. Block size 16; a MAC is required. */
#include <stdlib.h>

#include "cipher-internal.h"
#include "crypto.h"
#include "err.h"
#include "options.h"
#include "util.h"

#if DB_CIPHER_AES_CTR

static int ctr_init_key(void **ctx, const uint8_t *key, size_t keylen, const uint8_t *iv)
{
	struct aes_ctr *c = malloc(sizeof(*c));
	int r;

	if (!c)
		return ERR_NOMEM;
	r = aes_ctr_init(c, key, keylen, iv);
	if (r) {
		wipe(c, sizeof(*c));
		free(c);
		return r;
	}
	*ctx = c;
	return 0;
}

static int ctr128_init(void **ctx, const uint8_t *key, const uint8_t *iv)
{
	return ctr_init_key(ctx, key, 16, iv);
}

static int ctr192_init(void **ctx, const uint8_t *key, const uint8_t *iv)
{
	return ctr_init_key(ctx, key, 24, iv);
}

static int ctr256_init(void **ctx, const uint8_t *key, const uint8_t *iv)
{
	return ctr_init_key(ctx, key, 32, iv);
}

static void ctr_free(void *ctx)
{
	if (ctx) {
		aes_ctr_free(ctx); /* wipes the key schedule and counter */
		free(ctx);
	}
}

static int ctr_crypt(void *ctx, const uint8_t *in, uint8_t *out, size_t n)
{
	return aes_ctr_crypt(ctx, in, out, n);
}

#define CTR_ROW(nm, kl, initfn) {	\
	.name = nm,			\
	.keylen = kl,			\
	.ivlen = 16,			\
	.blocksize = 16,		\
	.taglen = 0,			\
	.init = initfn,			\
	.free = ctr_free,		\
	.crypt = ctr_crypt,		\
}

const struct cipher_ops cipher_aes128_ctr = CTR_ROW("aes128-ctr", 16, ctr128_init);
const struct cipher_ops cipher_aes192_ctr = CTR_ROW("aes192-ctr", 24, ctr192_init);
const struct cipher_ops cipher_aes256_ctr = CTR_ROW("aes256-ctr", 32, ctr256_init);

#endif
