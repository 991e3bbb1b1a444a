/* bcrypt.h: bcrypt_pbkdf, the key derivation OpenSSH uses for passphrase-protected
 * openssh-key-v1 files (PROTOCOL.key section 2; OpenBSD bcrypt_pbkdf(3)), over our own
 * Blowfish (Schneier 1993) with the eksblowfish expensive key schedule (Provos and
 * Mazieres, "A Future-Adaptable Password Scheme", 1999). libtomcrypt 1.18 exposes no
 * Blowfish state expansion, hence this module.
 *
 * The KDF's cost is the file's choice, so it is bounded: a hostile key file must not make
 * us spin for hours. Every call returns 0 or a negative ERR_* code; all intermediate
 * state is wiped. */
#ifndef BCRYPT_H
#define BCRYPT_H

#include <stddef.h>
#include <stdint.h>

/* ssh-keygen's default is 16 rounds, users pick up to a few hundred (-a 100 is common
 * advice). One round costs two bcrypt hashes for every cipher OpenSSH uses (about 8 ms
 * on one x86-64 core, as fast as OpenSSH's own), so 4096 rounds is about half a minute:
 * the most a file may make us spend. */
#define BCRYPT_MAX_ROUNDS 4096
#define BCRYPT_DEFAULT_ROUNDS 16
/* ssh-keygen writes 16-byte salts; OpenBSD accepts up to 2^20, we no more than this. */
#define BCRYPT_MAX_SALT 256
/* The output is spread over at most 32 blocks of 32 bytes (OpenBSD's limit). */
#define BCRYPT_MAX_KEY 1024

/* key[keylen] from pass and salt; ERR_INVALID for rounds outside 1..BCRYPT_MAX_ROUNDS
 * (ERR_TOOBIG above), an empty salt or key, or sizes beyond the limits above. */
int bcrypt_pbkdf(const uint8_t *pass, size_t passlen, const uint8_t *salt, size_t saltlen,
		 uint8_t *key, size_t keylen, uint32_t rounds);

/* Plain Blowfish, exposed for its known-answer tests. */
struct blowfish {
	uint32_t p[18];
	uint32_t s[4][256];
};
/* Schneier's key schedule; keylen 1..72 bytes (longer keys are cycled like any other). */
void blowfish_setkey(struct blowfish *bf, const uint8_t *key, size_t keylen);
/* Encrypts one 64-bit block in place (big-endian halves, as in the ECB test vectors). */
void blowfish_encrypt(const struct blowfish *bf, uint8_t block[8]);
/* The two steps of eksblowfish's setup, for bcrypt password hashes (common/pwhash.c):
 * the state set to pi's digits, and ExpandKey(state, salt, key), the key's bytes cycled
 * over the P-array and the salt's over the running block (salt NULL, saltlen 0: none,
 * which is Schneier's key schedule). keylen and saltlen are at least 1. */
void blowfish_init(struct blowfish *bf);
void blowfish_expand(struct blowfish *bf, const uint8_t *salt, size_t saltlen,
		     const uint8_t *key, size_t keylen);

#endif
