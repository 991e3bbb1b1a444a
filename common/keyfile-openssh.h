/* keyfile-openssh.h: private-key files from OpenSSH's world, detected from their
 * content (keyfile-openssh.c, keyfile-pem.c):
 *
 *  - "-----BEGIN OPENSSH PRIVATE KEY-----": openssh-key-v1 (OpenSSH PROTOCOL.key), read
 *    unencrypted or with the bcrypt KDF and any of aes{128,192,256}-ctr,
 *    aes{128,256}-gcm@openssh.com, chacha20-poly1305@openssh.com, aes{128,192,256}-cbc
 *    (older ssh-keygen); written unencrypted or with aes256-ctr (ssh-keygen's default),
 *    aes256-gcm@openssh.com or chacha20-poly1305@openssh.com. Checkints are verified,
 *    the comment is kept, the header's public key must match the private one.
 *  - PEM (RFC 7468): "RSA PRIVATE KEY" (PKCS#1, RFC 8017 A.1.2), "EC PRIVATE KEY"
 *    (SEC 1, RFC 5915) and unencrypted "PRIVATE KEY" (PKCS#8, RFC 5208/5958) holding
 *    RSA, EC (P-256/384/521) or Ed25519 (RFC 8410).
 *  - Refused with the error that explains it: a public key in any of its text forms
 *    (ERR_NEEDPRIVATE), encrypted PEM or PKCS#8 and other algorithms (ERR_UNSUPPORTED),
 *    a wrong or missing passphrase (ERR_PASSPHRASE), parts that disagree (ERR_MISMATCH).
 *
 * Nothing here prints or exits; decrypted bytes live only in secret buffers. */
#ifndef KEYFILE_OPENSSH_H
#define KEYFILE_OPENSSH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "key.h"

/* 1 when the content is for keyfile_openssh_parse: anything but Dropbear's own binary
 * format, which always starts with the zero high byte of a string length. */
int keyfile_openssh_detect(const uint8_t *data, size_t n);

/* A private key from text in any of the forms above. passphrase may be NULL; an
 * encrypted file then gives ERR_PASSPHRASE (check keyfile_openssh_info first to know
 * whether to ask for one). */
int keyfile_openssh_parse(const uint8_t *data, size_t n, const char *passphrase,
			  struct key **out);

/* What an openssh-key-v1 file says before decryption: for deciding to ask for a
 * passphrase and for naming an unsupported cipher or KDF. ERR_FORMAT (or another
 * error) when data is not openssh-key-v1 at all. */
struct keyfile_openssh_info {
	int encrypted;        /* the cipher is not "none" */
	int supported;        /* we know the cipher and the KDF */
	char cipher[64];      /* printable ASCII, possibly cut short */
	char kdf[32];
	uint32_t rounds;      /* bcrypt rounds; 0 for "none" */
	enum key_type type;   /* of the header's public key; KEY_NONE if unknown */
};
int keyfile_openssh_info(const uint8_t *data, size_t n, struct keyfile_openssh_info *info);

/* openssh-key-v1, PEM-armoured as ssh-keygen writes it (70 columns), appended to out.
 * passphrase NULL or "": unencrypted; otherwise aes256-ctr with 16 bcrypt rounds. The
 * key's comment goes in the comment field. */
int keyfile_openssh_put(const struct key *k, const char *passphrase, struct buf *out);
/* The same with a chosen cipher (one of the three written) and bcrypt rounds
 * (1..BCRYPT_MAX_ROUNDS). */
int keyfile_openssh_put_ex(const struct key *k, const char *passphrase, const char *cipher,
			   uint32_t rounds, struct buf *out);
/* 1 when cipher is one keyfile_openssh_put_ex writes. */
int keyfile_openssh_cipher_ok(const char *cipher);

/* ---- shared by keyfile-openssh.c and keyfile-pem.c */

#define PEM_MAX_LABEL 32

/* The first PEM block of data (RFC 7468; skipping "EC PARAMETERS" blocks as OpenSSL
 * writes them before an EC key): its label and its decoded contents, appended to der
 * (a secret buffer). ERR_UNSUPPORTED for RFC 1421 encryption headers; ERR_FORMAT when
 * there is no complete block. */
int pem_decode(const uint8_t *data, size_t n, char label[PEM_MAX_LABEL], struct buf *der);
/* Appends "-----BEGIN label-----", p in base64 lines of `cols` characters and the END
 * line, each ending in "\n". */
int pem_encode(const char *label, const uint8_t *p, size_t n, size_t cols, struct buf *out);

/* PEM "RSA PRIVATE KEY", "EC PRIVATE KEY" and "PRIVATE KEY" contents by label. */
int keyfile_pem_parse_der(const char *label, const uint8_t *der, size_t n, struct key **out);
/* A PEM file of one of those labels. */
int keyfile_pem_parse(const uint8_t *data, size_t n, struct key **out);

#endif
