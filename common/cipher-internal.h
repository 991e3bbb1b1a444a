/* cipher-internal.h: what packet.c knows of ciphers, MACs and compression, and nothing
 * else includes but their own files (and white-box tests). One row per algorithm:
 * adding a cipher is adding a cipher-*.c file with one `const struct cipher_ops` and one
 * line in cipher.c's table; a MAC is one row in mac.c.
 *
 * Two kinds of cipher:
 *  - a plain stream over the packet bytes (AES-CTR, RFC 4344): `crypt` runs the one
 *    keystream of the direction on across packets; a MAC (struct mac_ops) is required;
 *  - an AEAD (chacha20-poly1305@openssh.com, aes*-gcm@openssh.com): `seal`/`open` handle a
 *    whole packet at a time, keyed by the sequence number where the construction uses it,
 *    and make/check a taglen-byte tag; `length` yields the packet_length from its 4 wire
 *    bytes (decrypting it for chacha20-poly1305, reading it in the clear for GCM). */
#ifndef CIPHER_INTERNAL_H
#define CIPHER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"

struct cipher_ops {
	const char *name;
	size_t keylen;    /* bytes of key material from the key exchange (RFC 4253 7.2) */
	size_t ivlen;     /* bytes of IV material; 0 when the construction takes none */
	size_t blocksize; /* padding unit (at least 8 is applied by packet.c) */
	size_t taglen;    /* AEAD tag length; 0 for a cipher that needs a MAC */
	/* Allocates *ctx and keys it. key is keylen bytes, iv ivlen bytes (NULL if 0). */
	int (*init)(void **ctx, const uint8_t *key, const uint8_t *iv);
	/* Wipes and frees; NULL is fine. */
	void (*free)(void *ctx);

	/* Stream ciphers only (NULL for an AEAD): n bytes in to out, in == out allowed. */
	int (*crypt)(void *ctx, const uint8_t *in, uint8_t *out, size_t n);

	/* AEAD only (NULL otherwise). The packet is pkt[0..n): 4 bytes of packet_length, then
	 * padding_length || payload || padding; the tag (taglen bytes) is separate. */
	int (*length)(void *ctx, uint32_t seq, const uint8_t in[4], uint32_t *len);
	/* Encrypts pkt in place (the length field too, where the construction hides it) and
	 * writes the tag. */
	int (*seal)(void *ctx, uint32_t seq, uint8_t *pkt, size_t n, uint8_t *tag);
	/* Checks tag in constant time and only then decrypts pkt[4..n) into out[0..n-4);
	 * ERR_BADSIG, and nothing usable in out, when the tag is wrong. */
	int (*open)(void *ctx, uint32_t seq, const uint8_t *pkt, size_t n, const uint8_t *tag,
		    uint8_t *out);
};

extern const struct cipher_ops cipher_chachapoly;
extern const struct cipher_ops cipher_aes128_gcm;
extern const struct cipher_ops cipher_aes256_gcm;
extern const struct cipher_ops cipher_aes128_ctr;
extern const struct cipher_ops cipher_aes192_ctr;
extern const struct cipher_ops cipher_aes256_ctr;

/* ---- MACs (mac.c): all are HMAC (RFC 2104) over one of our hashes. */
#define MAC_MAX_LEN HASH_MAX_LEN

struct mac_ops {
	const char *name;
	enum hash_alg hash;
	size_t keylen; /* RFC 4253 6.4, RFC 6668 2: the key is as long as the digest */
	size_t maclen;
	int etm;       /* OpenSSH PROTOCOL 1.5: MAC over the ciphertext, length in clear */
};

/* Allocates *ctx holding the keyed HMAC state (the key schedule runs once here). */
int mac_ctx_new(const struct mac_ops *m, const uint8_t *key, void **ctx);
void mac_ctx_free(void *ctx);
/* out[maclen] = MAC(key, uint32 seq || a[an] || b[bn]) (RFC 4253 6.4). */
int mac_compute(const struct mac_ops *m, void *ctx, uint32_t seq, const uint8_t *a, size_t an,
		const uint8_t *b, size_t bn, uint8_t *out);
/* As mac_compute, then compares with expect[maclen] in constant time: 0 or ERR_BADSIG. */
int mac_check(const struct mac_ops *m, void *ctx, uint32_t seq, const uint8_t *a, size_t an,
	      const uint8_t *b, size_t bn, const uint8_t *expect);

/* ---- compression (compress.c): one stream per direction, created on first use: our
 * deflate.c for what we send, zlib's inflate for what we receive. */
/* Appends the compressed form of in[n] to out, ending with a partial flush so that the
 * peer can inflate this packet on its own (RFC 4253 6.2). */
int comp_deflate(void **z, const uint8_t *in, size_t n, struct buf *out);
/* Empties out and inflates in[n] into it. More than max bytes of output, corrupt data or
 * a stream that ends is ERR_PROTOCOL; out never grows beyond max + 1. */
int comp_inflate(void **z, const uint8_t *in, size_t n, struct buf *out, size_t max);
/* Ends the stream and frees it; *z becomes NULL. */
void comp_free(void **z);

#endif
