/* aesni.h: AES-128/256 with the x86-64 AES-NI instructions, for CTR (RFC 4344: the
 * whole 16-byte block is one big-endian counter) and GCM (NIST SP 800-38D, 12-byte
 * nonce, 16-byte tag) with GHASH on PCLMULQDQ. crypto.c picks these when
 * aesni_available() says the CPU has AES-NI, PCLMULQDQ, SSSE3 and SSE4.1 (checked once,
 * by CPUID), and our portable constant-time code (aes_ct.h) otherwise, for AES-192, on other
 * architectures and with DB_FAST_CRYPTO off. Same results, bit for bit: the unit tests
 * run every vector through both and compare them on random inputs.
 * The structures hold only bytes, so they need no special alignment. */
#ifndef AESNI_H
#define AESNI_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

struct aesni_key {
	uint8_t rk[15][16]; /* round keys, FIPS 197 5.2, in wire byte order */
	unsigned rounds;    /* 10 or 14 */
};

struct aesni_ctr {
	struct aesni_key k;
	uint64_t hi, lo;    /* the next counter block, as two native integers */
	uint8_t ks[16];     /* keystream of the last block ... */
	unsigned ks_left;   /* ... of which the last ks_left bytes are unused */
};

struct aesni_gcm {
	struct aesni_key k;
	uint8_t h[8][16];   /* H, H^2, ..., H^8 in GHASH's bit-reflected register form */
};

#if DB_FAST_CRYPTO && defined(__x86_64__)
/* 1 when the CPU has what this file needs (CPUID, evaluated once). */
int aesni_available(void);
/* keylen 16 or 32; anything else is -1 (the caller keeps the portable path). */
int aesni_ctr_init(struct aesni_ctr *c, const uint8_t *key, size_t keylen, const uint8_t iv[16]);
void aesni_ctr_crypt(struct aesni_ctr *c, const uint8_t *in, uint8_t *out, size_t n);
int aesni_gcm_init(struct aesni_gcm *g, const uint8_t *key, size_t keylen);
/* One GCM pass: encrypts (decrypt 0) or decrypts in[n] to out (in == out allowed), GHASH
 * over aad and the ciphertext, writes the full 16-byte tag. */
void aesni_gcm_crypt(const struct aesni_gcm *g, const uint8_t nonce[12], const uint8_t *aad,
		     size_t aadlen, const uint8_t *in, uint8_t *out, size_t n, uint8_t tag[16],
		     int decrypt);
#else
static inline int aesni_available(void)
{
	return 0;
}
#endif

#endif
