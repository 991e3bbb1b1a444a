/* options.h: compile-time switches and limits. Every switch says what it costs;
 * every limit says why it has the value it has. Set a switch to 0 to leave the
 * code out of the binary (section GC drops it). */
#ifndef OPTIONS_H
#define OPTIONS_H

/* ---- identity */
#define DB_NAME    "dropbear"
#define DB_VERSION "2026.1"

/* ---- signing keys (host keys, user keys, dropbearkey) */
#define DB_KEY_ED25519 1   /* our own Ed25519 module, ~6 KB */
#define DB_KEY_ECDSA   1   /* libtomcrypt ECC, NIST P-256/384/521, ~20 KB */
#define DB_KEY_RSA     1   /* libtomcrypt RSA over libtommath, ~15 KB */

/* ---- key generation defaults (dropbearkey) */
#define DB_RSA_DEFAULT_BITS   3072
#define DB_RSA_MIN_BITS       1024
#define DB_RSA_MAX_BITS       8192
#define DB_ECDSA_DEFAULT_BITS 256

/* ---- limits on untrusted input */
/* Largest key file we read: an 8192-bit RSA key in any format is under 10 KB. */
#define DB_MAX_KEYFILE        65536
/* Largest public key blob (RSA 16384-bit would be ~2 KB; 8192 is far beyond). */
#define DB_MAX_PUBKEY_BLOB    8192
/* Largest RSA modulus accepted from a peer or a file, in bits. */
#define DB_RSA_MAX_ACCEPT_BITS 16384
/* Smallest RSA modulus accepted for signatures from a peer or a file. */
#define DB_RSA_MIN_ACCEPT_BITS 1024
/* Largest key comment kept (ssh-keygen allows long comments; ours are truncated). */
#define DB_MAX_COMMENT        1024

#endif
