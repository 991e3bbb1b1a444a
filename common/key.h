/* key.h: signing keys (RFC 4253 section 6.6, RFC 8709, RFC 5656, RFC 8332).
 *
 * One struct key for every type; each algorithm is one file (key-ed25519.c,
 * key-ecdsa.c, key-rsa.c) behind a `const struct key_ops` row (key-internal.h).
 * A key may be public only, or hold its private half too. Nothing here exits or
 * prints: every call returns 0 or a negative ERR_* code. */
#ifndef KEY_H
#define KEY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum key_type {
	KEY_NONE = 0,
	KEY_ED25519,
	KEY_ECDSA_P256,
	KEY_ECDSA_P384,
	KEY_ECDSA_P521,
	KEY_RSA,
};

struct key;

/* "ssh-ed25519", "ecdsa-sha2-nistp256", ..., "ssh-rsa"; NULL for KEY_NONE. */
const char *key_type_name(enum key_type t);
/* KEY_NONE when the name is unknown or its family is compiled out. */
enum key_type key_type_from_name(const char *name, size_t len);

enum key_type key_type(const struct key *k);
int key_is_private(const struct key *k);
/* Size in bits: 256 for Ed25519, the curve size for ECDSA, the modulus size for RSA. */
unsigned key_bits(const struct key *k);

/* A new private key. bits matters for RSA only (DB_RSA_MIN_BITS..DB_RSA_MAX_BITS, a
 * multiple of 8; 0 means DB_RSA_DEFAULT_BITS; e = 65537); the ECDSA curve is in the type.
 * For the others bits must be 0 or the type's own size (ERR_INVALID otherwise). */
int key_generate(enum key_type t, unsigned bits, struct key **out);
/* A public key from its wire blob (the bytes of the string, not the string itself).
 * Refuses trailing bytes (ERR_TRAILING), an unknown type (ERR_UNSUPPORTED), a bad
 * encoding (ERR_FORMAT / ERR_TRUNCATED: wrong lengths, non-minimal mpints, an ECDSA curve
 * id that does not match the type, a point not in uncompressed form), values out of
 * range (ERR_INVALID: a point not on the curve or with a coordinate >= p; RSA e even or
 * < 3 or >= n, more than 64 bits of e once n passes 3072 bits, n even or shorter than
 * DB_RSA_MIN_ACCEPT_BITS) and RSA moduli over DB_RSA_MAX_ACCEPT_BITS (ERR_TOOBIG). */
int key_from_blob(const uint8_t *blob, size_t n, struct key **out);
/* Appends the public key blob (raw bytes, not wrapped in a string). */
int key_put_blob(const struct key *k, struct buf *out);
/* 1 when both have the same type and public key, 0 otherwise. */
int key_equal_public(const struct key *a, const struct key *b);

/* Signature algorithms. For RSA: "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"; for the
 * others the type name. key_sig_alg_ok says whether alg may sign/verify with k. */
int key_sig_alg_ok(const struct key *k, const char *alg, size_t alglen);
/* Appends the signature blob: string alg || string signature (RFC 4253 section 6.6),
 * not wrapped in an outer string. Needs a private key. */
int key_sign(const struct key *k, const char *alg, const uint8_t *data, size_t n,
	     struct buf *out);
/* Verifies a signature blob against data. The blob's algorithm must equal alg (else
 * ERR_BADSIG), and alg must suit k (else ERR_UNSUPPORTED). 0 when valid, ERR_BADSIG (or
 * a format error, ERR_TRAILING for bytes after the signature) otherwise. RSA signatures
 * shorter than the modulus are accepted as if left-padded (RFC 8332 section 3). */
int key_verify(const struct key *k, const char *alg, const uint8_t *sig, size_t siglen,
	       const uint8_t *data, size_t n);

/* "SHA256:" + unpadded base64 of SHA-256(blob), exactly as ssh-keygen -l prints it.
 * outsz >= KEY_FP_LEN. */
#define KEY_FP_LEN 52
int key_fingerprint(const struct key *k, char *out, size_t outsz);

/* The comment carried with the key (from a file that has one); "" if none. Comments
 * longer than DB_MAX_COMMENT bytes are cut there; NULL or "" clears it. */
const char *key_comment(const struct key *k);
int key_set_comment(struct key *k, const char *comment);

/* Frees the key, wiping private material. NULL is fine. */
void key_free(struct key *k);

#endif
