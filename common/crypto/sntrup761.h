/* sntrup761.h: Streamlined NTRU Prime sntrup761 (p = 761, q = 4591, w = 286), the KEM of
 * the NTRU Prime round-3 submission (ntruprime.cr.yp.to, "NTRU Prime: round 3", 2020):
 * key generation, encapsulation and decapsulation with the submission's encodings, its
 * hash-based confirmation and implicit rejection (a ciphertext that does not re-encrypt
 * gives a pseudo-random key derived from the secret rho, never an error).
 *
 * Constant time in secret data: short vectors come from a sorting network, reciprocals
 * from a fixed-length divstep loop, reductions from multiply-and-shift; no branch or
 * memory index depends on a secret. No heap. Stack: at most SNTRUP761_STACK_MAX bytes;
 * measured with gcc -Os -fstack-usage, the deepest chain is sntrup761_dec -> hide ->
 * rq_mult_small, 12.5 + 6.2 + 6.1 KB = 24.8 KB (keypair: 17.7 KB). Every intermediate
 * secret is wiped with explicit_bzero before returning.
 *
 * The public key and ciphertext decoders accept every byte string of the right length
 * (the submission's Decode maps each into range), so the only check a caller can make
 * on a peer's value is its exact length. */
#ifndef SNTRUP761_H
#define SNTRUP761_H

#include <stddef.h>
#include <stdint.h>

#define SNTRUP761_PUBLICKEY_BYTES 1158
#define SNTRUP761_SECRETKEY_BYTES 1763
#define SNTRUP761_CIPHERTEXT_BYTES 1039
#define SNTRUP761_SHARED_BYTES 32
#define SNTRUP761_STACK_MAX 32768 /* bytes, an upper bound for any call here */

/* Randomness from the project's CSPRNG (rand_bytes). 0 or a negative ERR_* code. */
int sntrup761_keypair(uint8_t pk[SNTRUP761_PUBLICKEY_BYTES],
		      uint8_t sk[SNTRUP761_SECRETKEY_BYTES]);
int sntrup761_enc(uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES], uint8_t ss[SNTRUP761_SHARED_BYTES],
		  const uint8_t pk[SNTRUP761_PUBLICKEY_BYTES]);
/* Always succeeds; a modified ciphertext yields an unrelated key (implicit rejection). */
void sntrup761_dec(uint8_t ss[SNTRUP761_SHARED_BYTES],
		   const uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES],
		   const uint8_t sk[SNTRUP761_SECRETKEY_BYTES]);

/* Deterministic entry points for known-answer tests: randomness comes from rnd, called
 * exactly as the submission's reference code calls randombytes (keypair: 4p bytes per
 * candidate g until one is invertible mod 3, 4p bytes for f, 191 bytes of rho; enc: 4p
 * bytes for r), so that a NIST CTR_DRBG behind rnd reproduces the published KATs. */
typedef int (*sntrup761_rnd)(void *ctx, uint8_t *out, size_t n);
int sntrup761_keypair_det(uint8_t pk[SNTRUP761_PUBLICKEY_BYTES],
			  uint8_t sk[SNTRUP761_SECRETKEY_BYTES], sntrup761_rnd rnd, void *ctx);
int sntrup761_enc_det(uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES],
		      uint8_t ss[SNTRUP761_SHARED_BYTES],
		      const uint8_t pk[SNTRUP761_PUBLICKEY_BYTES], sntrup761_rnd rnd, void *ctx);

#endif
