/* mlkem768.h: ML-KEM-768 (FIPS 203, parameter set k = 3, eta1 = eta2 = 2, du = 10,
 * dv = 4), our own code from the standard. Constant time in secret data: no branch or
 * memory index depends on a secret; reductions and Compress_d divide by q with a
 * multiply-and-shift, never the CPU's divide; the Fujisaki-Okamoto re-encryption check
 * compares and selects without branching (implicit rejection, FIPS 203 Algorithm 18).
 * No heap. Stack: at most about 6 KiB per call (gcc -Os -fstack-usage, x86-64:
 * decapsulation, the deepest, is 2.4 KiB of its own (the re-encrypted ciphertext, a
 * SHAKE context, the decryption's polynomials) + 2.7 KiB in K-PKE.Encrypt + 0.5 KiB in
 * SampleNTT; key generation about 3.9 KiB). Every intermediate secret is wiped before returning.
 *
 * Functions taking (pointer, length) check the length first and return ERR_INVALID on
 * a wrong one; the encapsulation key check of FIPS 203 7.2 (every coefficient < q) and
 * the decapsulation key check of 7.3 (the stored hash of ek) also give ERR_INVALID. */
#ifndef MLKEM768_H
#define MLKEM768_H

#include <stddef.h>
#include <stdint.h>

#define MLKEM768_EK_LEN 1184 /* encapsulation key: 384k + 32 */
#define MLKEM768_DK_LEN 2400 /* decapsulation key: 768k + 96 */
#define MLKEM768_CT_LEN 1088 /* ciphertext: 32 (du k + dv) */
#define MLKEM768_SS_LEN 32   /* shared secret */
#define MLKEM768_SEED_LEN 32 /* d, z and m */

/* ML-KEM.KeyGen (Algorithm 19) with fresh d and z from rand_bytes(). */
int mlkem768_keypair(uint8_t ek[MLKEM768_EK_LEN], uint8_t dk[MLKEM768_DK_LEN]);
/* ML-KEM.Encaps (Algorithm 20) with a fresh m. */
int mlkem768_encaps(uint8_t ct[MLKEM768_CT_LEN], uint8_t ss[MLKEM768_SS_LEN],
		    const uint8_t *ek, size_t eklen);
/* ML-KEM.Decaps (Algorithm 21). A ciphertext of the right length never fails: a
 * modified one gives the implicit-rejection key J(z || c). */
int mlkem768_decaps(uint8_t ss[MLKEM768_SS_LEN], const uint8_t *ct, size_t ctlen,
		    const uint8_t *dk, size_t dklen);

/* The deterministic internal algorithms (FIPS 203 Algorithms 16 and 17), for
 * known-answer tests. */
void mlkem768_keypair_derand(uint8_t ek[MLKEM768_EK_LEN], uint8_t dk[MLKEM768_DK_LEN],
			     const uint8_t d[MLKEM768_SEED_LEN], const uint8_t z[MLKEM768_SEED_LEN]);
int mlkem768_encaps_derand(uint8_t ct[MLKEM768_CT_LEN], uint8_t ss[MLKEM768_SS_LEN],
			   const uint8_t *ek, size_t eklen, const uint8_t m[MLKEM768_SEED_LEN]);

#endif
