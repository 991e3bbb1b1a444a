/* crypto.h: thin, typed wrappers over libtomcrypt for the symmetric primitives and the
 * random source. Every function returns 0 or a negative ERR_* code (err.h); every
 * context that held key material is wiped by its *_free / *_final.
 *
 * crypto_init() must be called once before anything else here (idempotent): it
 * registers libtommath as libtomcrypt's bignum back end, and the hashes and our random
 * source with libtomcrypt. AES and GCM are our own (crypto/aes_ct.h, crypto/aesni.h). */
#ifndef CRYPTO_H
#define CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include <tomcrypt.h>

#include "crypto/aes_ct.h"
#include "crypto/aesni.h"

int crypto_init(void);

/* Fast paths (AES-NI, PCLMULQDQ, ...) are used where the CPU has them and DB_FAST_CRYPTO
 * is on; crypto_fast_set(0) makes contexts initialised afterwards use the portable code
 * (for the tests that compare both). Returns the previous setting. Poly1305's AVX2 path
 * is chosen inside poly1305_64 and does not follow it: its tests compare poly1305_mac
 * with libtomcrypt's Poly1305 directly. */
int crypto_fast_set(int on);

/* ---- random: a ChaCha20 keystream generator seeded from getrandom(), reseeded in a
 * forked child (pid change) and periodically. */
int rand_bytes(void *out, size_t n);
/* Uniform in [0, bound), bound > 0, without modulo bias. */
#ifdef DB_FUZZ
/* Fuzzing build only: the generator starts again from its fixed seed (each input). */
void rand_fuzz_reset(void);
#endif
uint32_t rand_uniform(uint32_t bound);
/* Our generator as a libtomcrypt PRNG, for ecc_make_key_ex, rsa_make_key, ...:
 * pass crypto_prng_state() and crypto_prng_idx(). */
prng_state *crypto_prng_state(void);
int crypto_prng_idx(void);

/* ---- hashes */
enum hash_alg { HASH_SHA1, HASH_SHA256, HASH_SHA384, HASH_SHA512 };
#define HASH_MAX_LEN 64
#define HASH_MAX_BLOCK 128
size_t hash_len(enum hash_alg alg);
size_t hash_block(enum hash_alg alg);
/* libtomcrypt descriptor index of the hash (for rsa_sign_hash_ex and friends). */
int hash_ltc_idx(enum hash_alg alg);

struct hash_ctx {
	enum hash_alg alg;
	hash_state st;
};
int hash_init(struct hash_ctx *c, enum hash_alg alg);
int hash_update(struct hash_ctx *c, const void *p, size_t n);
/* Writes hash_len(alg) bytes and wipes the context. */
int hash_final(struct hash_ctx *c, uint8_t *out);
int hash_buf(enum hash_alg alg, const void *p, size_t n, uint8_t *out);

/* ---- HMAC (RFC 2104). The key is absorbed once into an inner and an outer state, so
 * that a MAC per packet costs no key schedule: hmac_start copies the keyed state. */
struct hmac_key {
	enum hash_alg alg;
	hash_state inner, outer;
};
int hmac_setkey(struct hmac_key *k, enum hash_alg alg, const uint8_t *key, size_t keylen);
void hmac_key_free(struct hmac_key *k);
struct hmac_ctx {
	const struct hmac_key *key;
	hash_state st;
};
int hmac_start(struct hmac_ctx *c, const struct hmac_key *k);
int hmac_update(struct hmac_ctx *c, const void *p, size_t n);
/* Writes hash_len bytes and wipes the context. */
int hmac_final(struct hmac_ctx *c, uint8_t *out);
int hmac_buf(enum hash_alg alg, const uint8_t *key, size_t keylen, const void *p, size_t n,
	     uint8_t *out);

/* ---- AES-CTR (RFC 4344): the 16-byte counter block is incremented big-endian. */
struct aes_ctr {
	int fast; /* 1: ni below, 0: ct (the portable constant-time code) */
	union {
		struct aes_ct_ctr ct;
		struct aesni_ctr ni;
	} u;
};
int aes_ctr_init(struct aes_ctr *c, const uint8_t *key, size_t keylen, const uint8_t iv[16]);
int aes_ctr_crypt(struct aes_ctr *c, const uint8_t *in, uint8_t *out, size_t n);
void aes_ctr_free(struct aes_ctr *c);

/* ---- AES-GCM (NIST SP 800-38D) with a 12-byte nonce and a 16-byte tag. */
struct aes_gcm {
	int fast;
	union {
		struct aes_ct_gcm ct;
		struct aesni_gcm ni;
	} u;
};
int aes_gcm_init(struct aes_gcm *c, const uint8_t *key, size_t keylen);
int aes_gcm_seal(struct aes_gcm *c, const uint8_t nonce[12], const uint8_t *aad, size_t aadlen,
		 const uint8_t *in, uint8_t *out, size_t n, uint8_t tag[16]);
/* Decrypts into out (in == out is allowed) while GHASH runs over the ciphertext, then
 * compares the tag in constant time; if it is wrong, out is wiped and ERR_BADSIG is
 * returned, so no unauthenticated plaintext is left behind. */
int aes_gcm_open(struct aes_gcm *c, const uint8_t nonce[12], const uint8_t *aad, size_t aadlen,
		 const uint8_t *in, uint8_t *out, size_t n, const uint8_t tag[16]);
void aes_gcm_free(struct aes_gcm *c);

/* ---- AES-CBC decryption (encrypted OpenSSH key files only): n a multiple of 16, in ==
 * out allowed. */
int aes_cbc_decrypt(const uint8_t *key, size_t keylen, const uint8_t iv[16], const uint8_t *in,
		    uint8_t *out, size_t n);

/* ---- ChaCha20 in the original (D. J. Bernstein) layout that OpenSSH's
 * chacha20-poly1305@openssh.com uses: 256-bit key, 64-bit nonce, 64-bit block counter. */
int chacha20_xor(const uint8_t key[32], const uint8_t nonce[8], uint64_t counter,
		 const uint8_t *in, uint8_t *out, size_t n);
/* ChaCha20 as RFC 8439 defines it (96-bit nonce, 32-bit counter), for its test vectors. */
int chacha20_ietf_xor(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
		      const uint8_t *in, uint8_t *out, size_t n);

/* ---- Poly1305 (RFC 8439 section 2.5), one-shot. */
int poly1305_mac(const uint8_t key[32], const uint8_t *p, size_t n, uint8_t tag[16]);

/* ---- base64 (RFC 4648), standard alphabet with padding. */
/* Encoded length for n bytes, without the terminating NUL. */
size_t base64_len(size_t n);
/* Writes NUL-terminated text; outsz must be > base64_len(n). */
int base64_enc(const uint8_t *in, size_t n, char *out, size_t outsz);
/* Decodes strictly (no whitespace, correct padding); *outlen is in: capacity, out: used. */
int base64_dec(const char *in, size_t n, uint8_t *out, size_t *outlen);

#endif
