/* pwhash.h: crypt(3)-compatible password hashes computed by our own code: bcrypt ($2a$,
 * $2b$, $2y$; Provos and Mazieres 1999, as OpenBSD and Openwall's crypt_blowfish write
 * it) on common/bcrypt.c's eksblowfish, SHA-crypt ($5$, $6$; Ulrich Drepper, "Unix
 * crypt using SHA-256 and SHA-512") on libtomcrypt's SHA-2, and yescrypt ($y$,
 * common/yescrypt.c, with DB_OWN_YESCRYPT). The server checks these kinds with it
 * (DB_OWN_PWHASH) and leaves every other kind to the system's crypt_r, so that the
 * static build needs no libxcrypt.
 *
 * A setting (a stored hash, or its prefix) is accepted or refused exactly where
 * libxcrypt 4.4's crypt_r accepts it or returns its "*" failure token, including its
 * bounds on the work a setting may ask for: bcrypt cost 04..31, SHA-crypt rounds=
 * 1000..999999999 without leading zeros (refused outside, where Drepper's text clamps),
 * default 5000; a SHA-crypt salt is cut to 16 characters; yescrypt's bounds are
 * yescrypt.h's. The output is what crypt_r writes, byte for byte. All intermediate
 * state is wiped. */
#ifndef PWHASH_H
#define PWHASH_H

#include <stddef.h>

/* Longest output with its NUL: yescrypt's (yescrypt.h; SHA-crypt's is 124). */
#define PWHASH_MAX 164
/* Longest password hashed (libxcrypt's CRYPT_MAX_PASSPHRASE_SIZE - 1); longer: refused. */
#define PWHASH_MAX_PASSWORD 511

/* 1 if setting starts with a prefix this module computes ($2a$ $2b$ $2y$ $5$ $6$, and
 * $y$ with DB_OWN_YESCRYPT). */
int pwhash_known(const char *setting);
/* The crypt(3) hash of the NUL-terminated password pw under setting, into out: 0, or
 * ERR_INVALID where crypt_r would fail (out is then empty), ERR_UNSUPPORTED for a kind
 * pwhash_known refuses, ERR_TOOBIG for a yescrypt setting beyond our bounds, ERR_NOMEM,
 * ERR_CRYPTO if a hash primitive failed. */
int pwhash_crypt(const char *pw, const char *setting, char out[PWHASH_MAX]);

#endif
