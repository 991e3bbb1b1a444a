/* chacha20-poly1305@openssh.com, as OpenSSH's PROTOCOL.chacha20poly1305 defines it (and
 * draft-ietf-sshm-chacha20-poly1305): not RFC 8439's AEAD.
 *
 * The 64 bytes of key material are K_2 (first 32: payload and Poly1305 key) then K_1
 * (last 32: the packet length only). The nonce of both ChaCha20 instances is the packet
 * sequence number as a uint64 (big-endian, SSH wire encoding); ChaCha20 runs in
 * Bernstein's layout with a 64-bit block counter (chacha20_xor). Per packet:
 *   length:   ChaCha20(K_1, seq, counter 0) over the 4 length bytes;
 *   poly key: the first 32 bytes of ChaCha20(K_2, seq, counter 0);
 *   body:     ChaCha20(K_2, seq, counter 1 onwards) over padding_length || payload ||
 *             padding;
 *   tag:      Poly1305(poly key, encrypted length || encrypted body).
 * The length is decrypted with K_1 alone so that handling it gives no oracle on the body;
 * the tag is checked before the body is decrypted. */
#include <stdlib.h>
#include <string.h>

#include "cipher-internal.h"
#include "crypto.h"
#include "err.h"
#include "options.h"
#include "util.h"

#if DB_CIPHER_CHACHAPOLY

struct chachapoly {
	uint8_t k_main[32];   /* K_2 */
	uint8_t k_header[32]; /* K_1 */
};

static int cp_init(void **ctx, const uint8_t *key, const uint8_t *iv)
{
	struct chachapoly *c;

	(void)iv; /* the sequence number is the nonce: no IV (PROTOCOL.chacha20poly1305) */
	c = malloc(sizeof(*c));
	if (!c)
		return ERR_NOMEM;
	memcpy(c->k_main, key, 32);
	memcpy(c->k_header, key + 32, 32);
	*ctx = c;
	return 0;
}

static void cp_free(void *ctx)
{
	if (ctx) {
		wipe(ctx, sizeof(struct chachapoly));
		free(ctx);
	}
}

static void cp_nonce(uint8_t nonce[8], uint32_t seq)
{
	store_be64(nonce, seq);
}

static int cp_length(void *ctx, uint32_t seq, const uint8_t in[4], uint32_t *len)
{
	struct chachapoly *c = ctx;
	uint8_t nonce[8], plain[4];
	int r;

	cp_nonce(nonce, seq);
	r = chacha20_xor(c->k_header, nonce, 0, in, plain, 4);
	if (r == 0)
		*len = load_be32(plain);
	return r;
}

static int cp_polykey(const struct chachapoly *c, const uint8_t nonce[8], uint8_t key[32])
{
	static const uint8_t zero[32];
	return chacha20_xor(c->k_main, nonce, 0, zero, key, 32);
}

static int cp_seal(void *ctx, uint32_t seq, uint8_t *pkt, size_t n, uint8_t *tag)
{
	struct chachapoly *c = ctx;
	uint8_t nonce[8], pk[32];
	int r;

	cp_nonce(nonce, seq);
	r = chacha20_xor(c->k_header, nonce, 0, pkt, pkt, 4);
	if (r == 0)
		r = chacha20_xor(c->k_main, nonce, 1, pkt + 4, pkt + 4, n - 4);
	if (r == 0)
		r = cp_polykey(c, nonce, pk);
	if (r == 0)
		r = poly1305_mac(pk, pkt, n, tag);
	wipe(pk, sizeof(pk));
	return r;
}

static int cp_open(void *ctx, uint32_t seq, const uint8_t *pkt, size_t n, const uint8_t *tag,
		   uint8_t *out)
{
	struct chachapoly *c = ctx;
	uint8_t nonce[8], pk[32], calc[16];
	int r;

	cp_nonce(nonce, seq);
	r = cp_polykey(c, nonce, pk);
	if (r == 0)
		r = poly1305_mac(pk, pkt, n, calc);
	if (r == 0 && !ct_memeq(calc, tag, sizeof(calc)))
		r = ERR_BADSIG;
	/* only an authentic packet is decrypted */
	if (r == 0)
		r = chacha20_xor(c->k_main, nonce, 1, pkt + 4, out, n - 4);
	wipe(pk, sizeof(pk));
	wipe(calc, sizeof(calc));
	return r;
}

const struct cipher_ops cipher_chachapoly = {
	.name = "chacha20-poly1305@openssh.com",
	.keylen = 64,
	.ivlen = 0,
	.blocksize = 8,
	.taglen = 16,
	.init = cp_init,
	.free = cp_free,
	.length = cp_length,
	.seal = cp_seal,
	.open = cp_open,
};

#endif
