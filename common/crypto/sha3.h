/* sha3.h: Keccak-f[1600] and the FIPS 202 functions built on it: SHA3-256, SHA3-512
 * (one shot) and the extendable-output functions SHAKE128 and SHAKE256 (incremental:
 * absorb any number of times, then squeeze any number of times). Our own code from
 * FIPS 202 sections 3 to 6; constant time (Keccak has no data-dependent branches or
 * indices). No heap; a context is 208 bytes and is wiped by shake_wipe(). */
#ifndef SHA3_H
#define SHA3_H

#include <stddef.h>
#include <stdint.h>

#define SHA3_256_LEN 32
#define SHA3_512_LEN 64
#define SHAKE128_RATE 168
#define SHAKE256_RATE 136

struct shake_ctx {
	uint64_t s[25];  /* the state A, lane (x, y) at s[x + 5y] (FIPS 202 3.1.2) */
	unsigned rate;   /* r/8 bytes */
	unsigned pos;    /* next byte of the rate part to absorb into or squeeze from */
	int squeezing;
};

/* The permutation Keccak-p[1600, 24] (FIPS 202 section 3.3). */
void keccak_f1600(uint64_t s[25]);

void shake128_init(struct shake_ctx *c);
void shake256_init(struct shake_ctx *c);
/* Absorbing after the first squeeze is a programming error and is ignored. */
void shake_absorb(struct shake_ctx *c, const void *p, size_t n);
void shake_squeeze(struct shake_ctx *c, void *out, size_t n);
void shake_wipe(struct shake_ctx *c);

void sha3_256(uint8_t out[SHA3_256_LEN], const void *p, size_t n);
void sha3_512(uint8_t out[SHA3_512_LEN], const void *p, size_t n);
void shake128(void *out, size_t outlen, const void *p, size_t n);
void shake256(void *out, size_t outlen, const void *p, size_t n);

#endif
