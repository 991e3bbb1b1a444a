/* fe25519.h: arithmetic in GF(p), p = 2^255 - 19, the one field under both X25519 and
 * Ed25519 (internal to curve25519.c; nothing else should need it).
 *
 * Two representations of an element, chosen at compile time; the API is the same:
 *
 *   fe25519-51.c (compilers with unsigned __int128: 64-bit gcc and clang targets): five
 *     unsigned 51-bit limbs, value = sum v[i] * 2^(51 i). Every function takes and
 *     returns limbs below 2^52.
 *   fe25519-25.c (everything else: 32-bit ARM, MIPS, i386; or forced with
 *     -DFE25519_PORTABLE): ten unsigned limbs of alternately 26 and 25 bits, value =
 *     sum v[i] * 2^ceil(25.5 i), multiplied with 32x32 -> 64-bit products only. Every
 *     function takes and returns limbs below 2^27.
 *
 * Either way limbs are not necessarily fully reduced, results can be fed to any other
 * function without a separate carry step, and only fe25519_tobytes produces the
 * canonical value (< p). Nothing branches on or indexes memory by the value of an
 * element, so all of it is constant time. Outputs may alias inputs. */
#ifndef FE25519_H
#define FE25519_H

#include <stdint.h>

#if defined(__SIZEOF_INT128__) && !defined(FE25519_PORTABLE)
#define FE25519_RADIX51 1
typedef struct {
	uint64_t v[5];
} fe25519;
#else
typedef struct {
	uint32_t v[10];
} fe25519;
#endif

void fe25519_0(fe25519 *h);
void fe25519_1(fe25519 *h);
/* Little-endian, bit 255 ignored (RFC 7748 section 5, RFC 8032 section 5.1.3); values in
 * [p, 2^255) are accepted here: callers that must refuse them compare tobytes(). */
void fe25519_frombytes(fe25519 *h, const uint8_t s[32]);
/* The canonical little-endian encoding of the value reduced mod p. */
void fe25519_tobytes(uint8_t s[32], const fe25519 *h);

void fe25519_add(fe25519 *h, const fe25519 *f, const fe25519 *g);
void fe25519_sub(fe25519 *h, const fe25519 *f, const fe25519 *g);
void fe25519_neg(fe25519 *h, const fe25519 *f);
void fe25519_mul(fe25519 *h, const fe25519 *f, const fe25519 *g);
void fe25519_sq(fe25519 *h, const fe25519 *f);
/* h = f * n for a small constant n < 2^20 (a24 of RFC 7748 section 5). */
void fe25519_mul_small(fe25519 *h, const fe25519 *f, uint32_t n);
/* h = 1/f = f^(p-2) (0 maps to 0, which is what RFC 7748 section 5 relies on). */
void fe25519_invert(fe25519 *h, const fe25519 *f);
/* h = f^((p-5)/8), the exponent of the square root in RFC 8032 section 5.1.3. */
void fe25519_pow22523(fe25519 *h, const fe25519 *f);

/* Swap f and g when b == 1, leave them when b == 0 (b is secret: masks, no branch). */
void fe25519_cswap(fe25519 *f, fe25519 *g, unsigned b);
/* f = g when b == 1, unchanged when b == 0. */
void fe25519_cmov(fe25519 *f, const fe25519 *g, unsigned b);
/* 1 if f == 0 mod p, else 0. */
int fe25519_iszero(const fe25519 *f);
/* The low bit of the canonical value: the "sign" of x in RFC 8032 section 5.1.2. */
int fe25519_isneg(const fe25519 *f);

#endif
