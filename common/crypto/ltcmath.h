/* ltcmath.h: libtomcrypt's big-number back end, our own descriptor over libtommath.
 *
 * libtomcrypt's ltm_desc is a table of every operation its public-key code may call, so
 * linking it links all of them and what they call (its RSA key generation, libtommath's
 * whole primality test, radix conversion, ...). With it gone and key-rsa.c testing
 * primes itself (Miller-Rabin, not libtommath's BPSW), the static file went from
 * 490,128 to 477,808 bytes (-12,320; LTO 481,904 -> 469,616). The libtomcrypt code we
 * link calls only a few: the ECC point arithmetic under ltc_ecc_mulmod and
 * ltc_ecc_mul2add (common/ecc.c; RSA's private operation is key-rsa.c's own since).
 * ltc_math lists those and leaves the other entries NULL; a libtomcrypt function that
 * calls one of them must not be linked (ltcmath.c names who calls what). */
#ifndef LTCMATH_H
#define LTCMATH_H

#include <tomcrypt.h>

extern const ltc_math_descriptor ltc_math;

#endif
