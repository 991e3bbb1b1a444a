/* packet.h: the binary packet protocol (RFC 4253 section 6) for one direction, as pure
 * functions on a struct pkt_dir: no sockets, no message semantics.
 *
 * pkt_encode turns a payload into wire bytes: compress, pad (at least 4 bytes, to the
 * cipher block size or 8, random padding), encrypt, MAC (or AEAD tag), sequence number
 * plus one. pkt_decode takes received bytes and yields one payload once a whole packet is
 * there: the MAC or tag is checked in constant time before anything of the packet is
 * parsed (encrypt-then-MAC and AEAD: before decryption), lengths are bounded by
 * DB_MAX_PACKET, and inflation stops at DB_MAX_PAYLOAD so that a compression bomb is an
 * error, not memory. Ciphers and MACs are rows of `const struct cipher_ops` /
 * `struct mac_ops` tables: one file per algorithm, one row each. */
#ifndef PACKET_H
#define PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct cipher_ops; /* cipher-*.c: name, key/iv/block/tag sizes, function pointers */
struct mac_ops;    /* mac.c: name, key/digest sizes, etm flag */

enum comp_alg {
	COMP_NONE = 0,
	COMP_ZLIB,         /* "zlib": from NEWKEYS on */
	COMP_ZLIB_DELAYED, /* "zlib@openssh.com": from pkt_dir_comp_start() on (after auth) */
};

struct pkt_dir {
	uint32_t seq;                     /* wraps at 2^32 (RFC 4253 6.4) */
	const struct cipher_ops *cipher;  /* NULL: no encryption yet */
	void *cctx;                       /* cipher state, owned, wiped on change */
	const struct mac_ops *mac;        /* NULL with no cipher or an AEAD cipher */
	void *mctx;                       /* MAC key state, owned, wiped */
	enum comp_alg comp;               /* as negotiated by the last key exchange */
	int comp_on;                      /* packets are (de)compressed from now on */
	int comp_authed;                  /* pkt_dir_comp_start() was called */
	void *zctx;                       /* zlib stream, created on first use, owned */
	uint64_t bytes;                   /* wire bytes since the last setkeys (rekey) */
	uint64_t packets;                 /* packets since the last setkeys */
	/* receive side: progress through the packet being read */
	uint32_t rx_len;                  /* packet_length once known, else 0 */
	int rx_have_len;
	uint8_t rx_first[16];             /* non-etm CTR: the first block, decrypted */
	struct buf rx_plain;              /* the decrypted packet after its length field */
	struct buf rx_payload;            /* the inflated payload (compression only) */
};

/* Algorithms compiled in, in our preference order, NULL-terminated. */
extern const struct cipher_ops *const cipher_algs[];
extern const struct mac_ops *const mac_algs[];
const struct cipher_ops *cipher_find(const char *name, size_t len);
const struct mac_ops *mac_find(const char *name, size_t len);
const char *cipher_name(const struct cipher_ops *c);
size_t cipher_keylen(const struct cipher_ops *c);
size_t cipher_ivlen(const struct cipher_ops *c);
/* An AEAD cipher authenticates itself: the negotiated MAC is not used (OpenSSH's
 * PROTOCOL.chacha20poly1305 and RFC 5647 as OpenSSH applies it). */
int cipher_is_aead(const struct cipher_ops *c);
const char *mac_name(const struct mac_ops *m);
size_t mac_keylen(const struct mac_ops *m);
/* "none", "zlib@openssh.com", "zlib" (those compiled in), NULL-terminated. */
extern const char *const comp_algs[];
enum comp_alg comp_find(const char *name, size_t len); /* -1 cast when unknown */

/* A fresh direction: no cipher, sequence 0. */
int pkt_dir_init(struct pkt_dir *d);
/* Installs the keys negotiated by a key exchange (after NEWKEYS), wiping the previous
 * ones; key/iv/mackey lengths are cipher_keylen/cipher_ivlen/mac_keylen. Resets the
 * byte/packet counters; keeps the sequence number (strict kex resets it separately). mac
 * is ignored (may be NULL) for an AEAD cipher. Compression starts afresh here: RFC 4253
 * 6.2 says the compression context is initialized after each key exchange, and OpenSSH
 * and Dropbear do begin a new zlib stream at every NEWKEYS, so a running stream is ended
 * (even when the same method is negotiated again). "zlib" starts with the next packet;
 * "zlib@openssh.com" does too once pkt_dir_comp_start() was called on this direction,
 * and otherwise waits for that call. */
int pkt_dir_setkeys(struct pkt_dir *d, const struct cipher_ops *c, const uint8_t *key,
		    const uint8_t *iv, const struct mac_ops *m, const uint8_t *mackey,
		    enum comp_alg comp);
/* Marks user authentication as done (server: after sending USERAUTH_SUCCESS, client: on
 * receiving it): delayed compression (zlib@openssh.com) starts with the next packet of
 * this direction, and with every later key exchange that negotiates it. Idempotent. */
int pkt_dir_comp_start(struct pkt_dir *d);
void pkt_dir_free(struct pkt_dir *d);

/* Appends one packet carrying payload[n] (n >= 1, <= DB_MAX_PAYLOAD) to out, built in
 * place in out's storage (payload must not point into out); on error out is left as it
 * was. ERR_INVALID for n == 0 and ERR_TOOBIG for n > DB_MAX_PAYLOAD or when out's maximum
 * cannot take the packet are returned before anything changed, so the caller may retry
 * once out has drained; any other error is fatal for the connection (the compressor or
 * the cipher may have moved on). */
int pkt_encode(struct pkt_dir *d, const uint8_t *payload, size_t n, struct buf *out);
/* The same in two steps, for a payload the caller writes in place (no copy): pkt_begin
 * makes room in out for a payload of up to max bytes and points *payload at where it
 * goes (valid until out is next changed; out->len is unchanged); pkt_end seals the n
 * bytes written there (n <= max) into a packet. With compression on pkt_begin returns
 * ERR_UNSUPPORTED: use pkt_encode. Errors are as pkt_encode's. */
int pkt_begin(struct pkt_dir *d, size_t max, struct buf *out, uint8_t **payload);
int pkt_end(struct pkt_dir *d, size_t n, struct buf *out);
/* Consumes one whole packet from in (advancing in->pos) and makes *payload a read-only
 * view of its payload (1 to DB_MAX_PAYLOAD bytes), which lives in d's own storage (valid
 * until the next call on d or pkt_dir_free; in may be changed or freed meanwhile). in is only read, never
 * written: it may be a view. ERR_AGAIN when in does not yet hold a whole packet: call
 * again with more bytes appended (in->pos unchanged; for a non-etm CTR cipher the first
 * block is already decrypted and kept in d, so the bytes before in->len must not be
 * changed between the calls). Any other error is fatal for the connection and leaves d
 * unusable: ERR_BADSIG (MAC/tag), ERR_TOOBIG (packet_length beyond DB_MAX_PACKET or an
 * uncompressed payload beyond DB_MAX_PAYLOAD), ERR_PROTOCOL (too short, misaligned, padding < 4, empty payload, inflate failure or a
 * payload inflating beyond DB_MAX_PAYLOAD). */
int pkt_decode(struct pkt_dir *d, struct buf *in, struct buf *payload);

#endif
