/* aes_ct.h: portable constant-time AES (FIPS 197) and GHASH (NIST SP 800-38D), the path
 * every build takes where AES-NI is not (crypto.c chooses). No table is indexed and no
 * branch taken on key or data: AES is bitsliced, four blocks at a time in eight 64-bit
 * words (aes_ct.c), GHASH multiplies carry-less with masked integer multiplies
 * (ghash_ct.c). What the project needs: encryption for CTR (RFC 4344: the whole block is
 * one big-endian counter) and GCM (12-byte nonce, 16-byte tag), decryption only for
 * CBC-encrypted OpenSSH key files. The structures hold plain words, no alignment needs. */
#ifndef AES_CT_H
#define AES_CT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct aes_ct_key {
	uint64_t rk[15][8]; /* round keys, bitsliced and repeated for the four lanes */
	unsigned rounds;    /* 10, 12 or 14 */
};

/* out = a ^ b over n bytes, eight at a time (out may be a or b). */
static inline void aes_ct_xor(uint8_t *out, const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		x ^= y;
		memcpy(out + i, &x, 8);
	}
	for (; i < n; i++)
		out[i] = a[i] ^ b[i];
}

/* keylen 16, 24 or 32, else -1. */
int aes_ct_setkey(struct aes_ct_key *k, const uint8_t *key, size_t keylen);
/* Four independent blocks (64 bytes); in == out allowed. */
void aes_ct_encrypt4(const struct aes_ct_key *k, const uint8_t in[64], uint8_t out[64]);
void aes_ct_decrypt4(const struct aes_ct_key *k, const uint8_t in[64], uint8_t out[64]);

struct aes_ct_ctr {
	struct aes_ct_key k;
	uint64_t hi, lo;   /* the next counter block */
	uint8_t ks[64];    /* keystream of the last four blocks ... */
	unsigned ks_left;  /* ... of which the last ks_left bytes are unused */
};
int aes_ct_ctr_init(struct aes_ct_ctr *c, const uint8_t *key, size_t keylen,
		    const uint8_t iv[16]);
void aes_ct_ctr_crypt(struct aes_ct_ctr *c, const uint8_t *in, uint8_t *out, size_t n);

/* CBC decryption of n bytes (a multiple of 16, else -1); in == out allowed. */
int aes_ct_cbc_decrypt(const uint8_t *key, size_t keylen, const uint8_t iv[16],
		       const uint8_t *in, uint8_t *out, size_t n);

/* GHASH: y = (y ^ block) * H for each 16-byte block of p (the last one zero-padded).
 * H and y as two big-endian halves of the block. */
struct ghash_ct {
	uint64_t hr[6];  /* H's low and high halves, their sum, the three bit-reversed */
	uint64_t yh, yl; /* running value */
};
void ghash_ct_init(struct ghash_ct *g, const uint8_t h[16]);
void ghash_ct_update(struct ghash_ct *g, const uint8_t *p, size_t n);

struct aes_ct_gcm {
	struct aes_ct_key k;
	uint8_t h[16];
};
int aes_ct_gcm_init(struct aes_ct_gcm *g, const uint8_t *key, size_t keylen);
/* One GCM pass, as aesni_gcm_crypt: encrypts (decrypt 0) or decrypts in[n] to out
 * (in == out allowed), GHASH over aad and the ciphertext, the full 16-byte tag. */
void aes_ct_gcm_crypt(const struct aes_ct_gcm *g, const uint8_t nonce[12], const uint8_t *aad,
		      size_t aadlen, const uint8_t *in, uint8_t *out, size_t n, uint8_t tag[16],
		      int decrypt);

#endif
