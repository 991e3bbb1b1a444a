/* curve25519.h: X25519 (RFC 7748) and Ed25519 (RFC 8032), our own constant-time code
 * over one field implementation, fe25519 (libtomcrypt 1.18 has neither). No
 * secret-dependent branches or memory indices. SHA-512 is libtomcrypt's, called
 * directly: nothing here needs crypto_init(). */
#ifndef CURVE25519_H
#define CURVE25519_H

#include <stddef.h>
#include <stdint.h>

/* out = scalar * point (u-coordinate), scalar clamped as RFC 7748 section 5 says.
 * Returns 0, or ERR_CRYPTO when the result is all zero (a low-order point: RFC 7748
 * section 6.1 / RFC 8731 section 3 say to abort). */
int x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32]);
/* out = scalar * base point (u = 9). */
void x25519_base(uint8_t out[32], const uint8_t scalar[32]);

/* The 32-byte public key of a 32-byte seed (RFC 8032 section 5.1.5). */
void ed25519_pubkey(uint8_t pk[32], const uint8_t seed[32]);
/* sig = Ed25519(seed, m) (RFC 8032 section 5.1.6); sig may overlap m. pk must be the
 * seed's public key: it is hashed as given, and signing one message under two different
 * pk values reveals the secret scalar. */
void ed25519_sign(uint8_t sig[64], const uint8_t *m, size_t mlen, const uint8_t seed[32],
		  const uint8_t pk[32]);
/* 0 if sig is a valid signature of m under pk, ERR_BADSIG otherwise (RFC 8032 section
 * 5.1.7: S must be < L, pk and R must decode, non-canonical encodings do not). Checks
 * [S]B = R + [k]A without the cofactor, as RFC 8032 allows and OpenSSH does; keys of
 * small order are not refused (the RFC does not ask for it). m may be NULL if mlen is 0. */
int ed25519_verify(const uint8_t sig[64], const uint8_t *m, size_t mlen, const uint8_t pk[32]);

#endif
