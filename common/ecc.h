/* ecc.h: the NIST prime curves P-256, P-384 and P-521 (FIPS 186-4 D.1.2), shared by
 * ECDSA keys (RFC 5656 section 3) and ECDH key exchange (RFC 5656 section 4).
 *
 * Points cross this interface as SEC 1 uncompressed octet strings (04 || X || Y, each
 * coordinate ecc_curve_bytes() long); scalars as big-endian octet strings of exactly
 * ecc_curve_bytes(). libtomcrypt 1.18 checks nothing about a point it imports, so every
 * point that comes from outside goes through ecc_point_check() (SEC 1 v2 section
 * 3.2.2.1: coordinates in [0, p-1], on the curve; the curves have cofactor 1, so that is
 * the whole check), and every function here that takes a point calls it itself. Secret
 * scalars and shared points are wiped; the arithmetic is libtomcrypt's ladder
 * (ltc_ecc_mulmod) over libtommath. Every call returns 0 or a negative ERR_* code. */
#ifndef ECC_H
#define ECC_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

struct ecc_curve;

#define ECC_MAX_BYTES 66                      /* P-521: ceil(521 / 8) */
#define ECC_MAX_POINT (1 + 2 * ECC_MAX_BYTES) /* uncompressed point */

/* NULL when the curve is unknown. bits: 256, 384, 521; name: "nistp256", ... */
const struct ecc_curve *ecc_curve_by_bits(unsigned bits);
const struct ecc_curve *ecc_curve_by_name(const char *name, size_t len);
const char *ecc_curve_name(const struct ecc_curve *c);
unsigned ecc_curve_bits(const struct ecc_curve *c);
/* Size of a field element and of a scalar (the curves' orders have the field's size). */
size_t ecc_curve_bytes(const struct ecc_curve *c);
/* Size of an uncompressed point: 1 + 2 * ecc_curve_bytes(). */
size_t ecc_point_len(const struct ecc_curve *c);
/* The hash RFC 5656 section 6.2.1 pairs with the curve (ECDSA and ECDH). */
enum hash_alg ecc_curve_hash(const struct ecc_curve *c);

/* 0 when pt is a valid uncompressed point of c; ERR_FORMAT for a wrong length or a
 * leading byte other than 04 (compressed points and the point at infinity are not
 * accepted), ERR_INVALID for coordinates >= p or a point not on the curve. */
int ecc_point_check(const struct ecc_curve *c, const uint8_t *pt, size_t len);

/* A fresh key pair: d uniform in [1, n-1] from rand_bytes(), q = d*G. */
int ecc_keypair(const struct ecc_curve *c, uint8_t *d, uint8_t *q);
/* q = d*G; ERR_INVALID unless 0 < d < n. */
int ecc_pubkey(const struct ecc_curve *c, const uint8_t *d, uint8_t *q);
/* ECDH (RFC 5656 section 4, SEC 1 section 3.3.1): x = the x-coordinate of d*peer,
 * ecc_curve_bytes() long. Validates peer first; ERR_CRYPTO if the result is the point at
 * infinity. x is secret: the caller wipes it. */
int ecc_shared(const struct ecc_curve *c, const uint8_t *d, const uint8_t *peer,
	       size_t peerlen, uint8_t *x);

/* ECDSA (SEC 1 section 4.1) over a digest h (truncated to the order's bit length when
 * longer). The nonce is hedged: HMAC-SHA-512 keyed with d over fresh random bytes and h,
 * so a weak random source alone cannot reveal d. r and s are written big-endian,
 * ecc_curve_bytes() long each. */
int ecc_ecdsa_sign(const struct ecc_curve *c, const uint8_t *d, const uint8_t *h,
		   size_t hlen, uint8_t *r, uint8_t *s);
/* 0 when (r, s) (big-endian magnitudes of any length) is a valid signature of h under
 * the point q; ERR_BADSIG otherwise (including r or s outside [1, n-1]); ERR_FORMAT or
 * ERR_INVALID for a bad q. */
int ecc_ecdsa_verify(const struct ecc_curve *c, const uint8_t *q, size_t qlen,
		     const uint8_t *h, size_t hlen, const uint8_t *r, size_t rlen,
		     const uint8_t *s, size_t slen);

#endif
