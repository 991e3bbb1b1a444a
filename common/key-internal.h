/* key-internal.h: what the key modules (key.c, key-ed25519.c, key-ecdsa.c, key-rsa.c)
 * and the key-file readers and writers (keyfile*.c) share, and nobody else includes.
 *
 * struct key is one type tag plus one member per family. Each family is a
 * `const struct key_ops` row; key.c dispatches on the type. Private halves enter only
 * through the key_*_from_private() constructors below, which check that the parts are
 * consistent, so every file format reuses one set of checks. */
#ifndef KEY_INTERNAL_H
#define KEY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <tommath.h>

#include "buf.h"
#include "crypto.h"
#include "ecc.h"
#include "err.h"
#include "key.h"
#include "options.h"

struct key_rsa {
	/* Always initialised; a public key has d .. qinv zero. */
	mp_int e, n, d, p, q, dp, dq, qinv;
};

struct key_ecdsa {
	const struct ecc_curve *curve;
	uint8_t q[ECC_MAX_POINT]; /* validated uncompressed point, ecc_point_len() bytes */
	uint8_t d[ECC_MAX_BYTES]; /* big-endian, ecc_curve_bytes() long */
};

struct key_ed25519 {
	uint8_t seed[32]; /* RFC 8032 private key */
	uint8_t pk[32];
};

struct key {
	enum key_type type;
	const struct key_ops *ops;
	int priv;      /* holds the private half */
	char *comment; /* NULL: none */
	union {
		struct key_ed25519 ed25519;
		struct key_ecdsa ecdsa;
		struct key_rsa rsa;
	} u;
};

struct key_ops {
	/* Sets up the family member of a zeroed key whose type is set; called first. */
	int (*init)(struct key *k);
	/* Wipes and frees the family member. */
	void (*clear)(struct key *k);
	int (*generate)(struct key *k, unsigned bits);
	/* Reads the public blob's fields after the type name (RFC 4253 section 6.6). */
	int (*get_public)(struct key *k, struct buf *b);
	/* Appends the public blob's fields after the type name. */
	int (*put_public)(const struct key *k, struct buf *out);
	/* Appends `string signature` (the part after the algorithm name) for data. */
	int (*sign)(const struct key *k, enum hash_alg h, const uint8_t *data, size_t n,
		    struct buf *out);
	/* Reads `string signature` from b (which must then be empty) and verifies it. */
	int (*verify)(const struct key *k, enum hash_alg h, struct buf *b, const uint8_t *data,
		      size_t n);
	unsigned (*bits)(const struct key *k);
};

extern const struct key_ops key_ed25519_ops;
extern const struct key_ops key_ecdsa_ops;
extern const struct key_ops key_rsa_ops;

/* A zeroed key of type t with its family member initialised; ERR_UNSUPPORTED if the
 * type is unknown or compiled out. */
int key_new(enum key_type t, struct key **out);
/* Reads the type name (a string) from b and makes an empty key of that type:
 * ERR_UNSUPPORTED for an unknown or compiled-out type. */
int key_new_named(struct buf *b, struct key **out);

/* ---- private-key constructors (k from key_new, public only so far).
 * Each checks the parts against each other and returns ERR_MISMATCH when they disagree,
 * ERR_INVALID for a value out of range, ERR_TOOBIG for an RSA modulus too large. */

/* pk may be NULL (derived); when given it must equal the seed's public key. */
int key_ed25519_set_private(struct key *k, const uint8_t seed[32], const uint8_t *pk);
/* q: uncompressed point (validated here); d: big-endian magnitude, any length up to the
 * curve's size; checks 0 < d < n and q == d*G. */
#if DB_KEY_ECDSA
int key_ecdsa_set_private(struct key *k, const uint8_t *q, size_t qlen, const uint8_t *d,
			  size_t dlen);
#endif
/* Big-endian magnitudes. Checks the public part as key_from_blob does, then p*q == n,
 * 0 < d < n and d*e == 1 mod lcm(p-1, q-1) (which a d computed mod phi(n) also
 * satisfies), and derives the CRT values. */
struct key_rsa_parts {
	const uint8_t *e, *n, *d, *p, *q;
	size_t elen, nlen, dlen, plen, qlen;
};
#if DB_KEY_RSA
int key_rsa_set_private(struct key *k, const struct key_rsa_parts *parts);
#endif

/* A family compiled out (options.h): key_new() already refuses its type, so the file
 * readers never get here with one; these keep them linking. */
#if !DB_KEY_ECDSA
static inline int key_ecdsa_set_private(struct key *k, const uint8_t *q, size_t qlen,
					const uint8_t *d, size_t dlen)
{
	(void)k, (void)q, (void)qlen, (void)d, (void)dlen;
	return ERR_UNSUPPORTED;
}
#endif
#if !DB_KEY_RSA
static inline int key_rsa_set_private(struct key *k, const struct key_rsa_parts *parts)
{
	(void)k, (void)parts;
	return ERR_UNSUPPORTED;
}
#endif

/* ---- helpers for family files and formats */

/* Maps a libtommath / libtomcrypt status to ERR_*. */
static inline int key_mperr(mp_err e)
{
	return e == MP_OKAY ? 0 : e == MP_MEM ? ERR_NOMEM : ERR_CRYPTO;
}
/* Zeroes an mp_int's digits and frees them: mp_clear alone leaves them in the heap. */
void key_mp_clear_secret(mp_int *a);
/* mpint (RFC 4251 section 5) of a non-negative a. */
int key_put_mp(struct buf *out, const mp_int *a);
/* a from an mpint read through buf_get_mpint. */
int key_get_mp(struct buf *b, mp_int *a);

#endif
