/* keyfile.h: private-key files and public-key lines.
 *
 * Formats are detected from the content, never from the file name: OpenSSH's
 * openssh-key-v1 and PEM/PKCS#8 (keyfile-openssh.h), and Dropbear's own format (a bare
 * concatenation of SSH wire fields):
 *   RSA:     string "ssh-rsa", mpint e, mpint n, mpint d, mpint p, mpint q
 *   ECDSA:   string "ecdsa-sha2-nistpNNN", string "nistpNNN", string Q (04||X||Y), mpint d
 *   Ed25519: string "ssh-ed25519", string (32-byte seed || 32-byte public key)
 * Every reader checks consistency (public half matches private, point on curve,
 * p*q == n, ...) and refuses trailing bytes. */
#ifndef KEYFILE_H
#define KEYFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "key.h"

/* A private key from file contents, in whatever supported format they are. Errors:
 * ERR_TOOBIG over DB_MAX_KEYFILE, ERR_UNSUPPORTED for a format or type not (yet) read
 * (text formats beginning "-----BEGIN" for now), ERR_MISMATCH when the parts disagree,
 * ERR_INVALID for values out of range, ERR_TRAILING, ERR_FORMAT, ERR_TRUNCATED. */
int keyfile_parse(const uint8_t *data, size_t n, struct key **out);
/* Reads path (a regular file of at most DB_MAX_KEYFILE bytes; symlinks are followed)
 * and parses it. ERR_IO with errno kept when it cannot be opened or read, and for a
 * file that is not a regular one (errno EISDIR for a directory, EINVAL otherwise);
 * ERR_TOOBIG for a larger file; otherwise as keyfile_parse. */
int keyfile_load(const char *path, struct key **out);
/* keyfile_parse with the passphrase of an encrypted OpenSSH file (NULL: none to give). */
int keyfile_parse_pass(const uint8_t *data, size_t n, const char *passphrase,
		       struct key **out);
/* keyfile_load, calling ask for the passphrase when (and only when) the file is
 * encrypted with a cipher we support: ask writes it NUL-terminated into buf and returns
 * 0, or returns an ERR_* code that the load then fails with. askpass_key (askpass.h) is
 * one. */
typedef int (*keyfile_askpass_fn)(const char *path, char *buf, size_t bufsz, void *arg);
int keyfile_load_ask(const char *path, keyfile_askpass_fn ask, void *arg, struct key **out);

/* Dropbear's format. The RSA d read is checked modulo lcm(p-1, q-1), so keys whose d
 * was computed modulo phi(n) are accepted too. Files without p and q (very old
 * Dropbear) are refused: ERR_TRUNCATED. keyfile_dropbear_put needs a private key
 * (ERR_NEEDPRIVATE) and writes secrets: give it a buffer from buf_init_secret. */
int keyfile_dropbear_parse(const uint8_t *data, size_t n, struct key **out);
int keyfile_dropbear_put(const struct key *k, struct buf *out);

/* The OpenSSH public-key line "TYPE BASE64 COMMENT\n" (no comment: no trailing space).
 * comment NULL means the key's own comment; a comment with control characters gives
 * ERR_INVALID (it would not stay one line). */
int keyfile_public_line(const struct key *k, const char *comment, struct buf *out);

/* Creates path with the given mode and contents: written to a temporary file in the
 * same directory, fsync'd, then link()ed into place, so that it never overwrites an
 * existing file (ERR_EXISTS) and never follows a symlink at path. The temporary file is
 * always removed. ERR_IO keeps errno (a filesystem without hard links fails here). */
int keyfile_write_new(const char *path, const uint8_t *data, size_t n, mode_t mode);

#endif
