/* yescrypt.h: yescrypt password hashes ($y$; Alexander Peslyak's PHC submission, as
 * libxcrypt's crypt_r writes and checks them, the default of Debian 11+, Ubuntu 22.04+,
 * Fedora 35+): PBKDF2-HMAC-SHA256 around scrypt's SMix, whose BlockMix is yescrypt's
 * pwxform (S-boxes rewritten as it runs) for the default flavor, Salsa20/8 for the
 * classic-scrypt and WORM flavors the $y$ encoding can also name.
 *
 * A setting is refused exactly where crypt_r refuses it, and where it asks for more than
 * YESCRYPT_MAX_MEM bytes of memory, a time factor t above YESCRYPT_MAX_T or more work
 * than YESCRYPT_MAX_WORK (libxcrypt
 * would try to allocate whatever fits in 64 bits: a hostile shadow line could ask for
 * terabytes, and each login attempt would pay it). crypt_gensalt writes N*r*128 of 1 MiB
 * (cost 1) to 1 GiB (cost 11, the largest), default 16 MiB (cost 5, "j9T"), and t = 0. */
#ifndef YESCRYPT_H
#define YESCRYPT_H

/* YESCRYPT_MAX_MEM, YESCRYPT_MAX_T and YESCRYPT_MAX_WORK are in options.h. */
#include "options.h"

/* The longest output with its NUL: "$y$" and the parameters (flavor 2 characters, N 1,
 * r, the field mask and p 6 each, t 1, '$': 26), 86 of salt (64 bytes), '$', 43 of
 * hash: 157, rounded up. */
#define YESCRYPT_OUT_MAX 164

/* The crypt(3) hash of pw (NUL-terminated, at most 511 bytes: the caller checks) under
 * a setting starting "$y$", into out[YESCRYPT_OUT_MAX]: 0, ERR_INVALID where crypt_r
 * fails, ERR_TOOBIG beyond the limits above, ERR_NOMEM, ERR_CRYPTO. Wipes its memory. */
int yescrypt_crypt(const char *pw, const char *setting, char *out);

#endif
