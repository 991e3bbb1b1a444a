/* kex.h: key exchange building blocks (RFC 4253 sections 7 and 8, RFC 5656, RFC 8731,
 * RFC 9142, RFC 8308, OpenSSH's PROTOCOL for strict kex), as pure functions. The message
 * flow (who sends what when, NEWKEYS, rekeying) lives with the connection (conn.c) and the
 * role-specific halves in server/ and client/.
 *
 * Every method is a KEM-like triad, so that X25519, ECDH, finite-field DH and the later
 * post-quantum hybrids share one hash-and-derive path:
 *   client: keypair()  -> its public value, encoded as it goes on the wire and into the
 *                         exchange hash (string Q_C, or mpint e for DH)
 *   server: encaps()   <- the client's encoded value; -> its own encoded value and the
 *                         shared secret K encoded as it goes into the hash and the key
 *                         derivation (mpint K; a hybrid KEM will use string K)
 *   client: decaps()   <- the server's encoded value; -> the same encoded K */
#ifndef KEX_H
#define KEX_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"
#include "packet.h"

#define SSH_MSG_KEXINIT 20
#define SSH_MSG_NEWKEYS 21
#define SSH_MSG_KEX_ECDH_INIT 30 /* same numbers as KEXDH_INIT / KEXDH_REPLY */
#define SSH_MSG_KEX_ECDH_REPLY 31

struct kex_ops {
	const char *name;
	enum hash_alg hash;
	/* client: *st gets the ephemeral private state; appends the encoded public value. */
	int (*keypair)(void **st, struct buf *pub);
	/* K is a secret: give encaps/decaps a buffer made with buf_init_secret. After an error,
	 * pub and K may hold part of an output and are to be thrown away. */
	/* server: reads the client's encoded value from in (consuming exactly it), appends its
	 * own encoded public value to pub and the encoded shared secret to K. A value that is
	 * not a valid public value (wrong length, not on the curve, out of range, a low-order
	 * result) is an error; the caller checks buf_end() after the whole message. */
	int (*encaps)(struct buf *in, struct buf *pub, struct buf *K);
	/* client: reads the server's encoded value from in, appends the encoded K. */
	int (*decaps)(void *st, struct buf *in, struct buf *K);
	/* wipes and frees what keypair() made; NULL is fine. */
	void (*free_state)(void *st);
};

/* Methods compiled in, in our preference order, NULL-terminated. */
extern const struct kex_ops *const kex_algs[];
const struct kex_ops *kex_find(const char *name, size_t len);

/* The method rows, one file per family (kex-x25519.c, kex-ecdh.c, kex-dh.c,
 * kex-mlkem768x25519.c, kex-sntrup761x25519.c). Only those switched on in options.h exist; kex_algs lists them. */
extern const struct kex_ops kex_mlkem768x25519_sha256;
extern const struct kex_ops kex_curve25519_sha256, kex_curve25519_sha256_libssh;
extern const struct kex_ops kex_sntrup761x25519_sha512, kex_sntrup761x25519_sha512_openssh;
extern const struct kex_ops kex_ecdh_nistp256, kex_ecdh_nistp384, kex_ecdh_nistp521;
extern const struct kex_ops kex_dh_group16_sha512, kex_dh_group14_sha256, kex_dh_group14_sha1;

/* The ten name-lists of KEXINIT, in wire order (RFC 4253 section 7.1). */
enum {
	PROP_KEX, PROP_HOSTKEY, PROP_ENC_CS, PROP_ENC_SC, PROP_MAC_CS, PROP_MAC_SC,
	PROP_COMP_CS, PROP_COMP_SC, PROP_LANG_CS, PROP_LANG_SC, PROP_MAX
};

/* Our side's lists, as comma-separated strings. */
struct kex_proposal {
	char *list[PROP_MAX];
};
/* The default proposal for our role: every compiled-in algorithm in preference order,
 * PROP_KEX with "ext-info-c" and "kex-strict-c-v00@openssh.com" appended for a client
 * (or "ext-info-s" and "kex-strict-s-v00@openssh.com" for a server), PROP_HOSTKEY as
 * given (the server: algorithms of the host keys it holds; the client: what it accepts).
 * Ciphers/MACs/kex may be restricted by comma lists (NULL: all), kept in their own order;
 * an unknown name in a restriction is ERR_UNSUPPORTED, an empty or malformed one
 * ERR_INVALID. Compression: `compress` 0 -> "none" only; 1 -> our zlib methods first,
 * then "none" (the client's order decides, RFC 4253 7.1). */
int kex_proposal_make(struct kex_proposal *p, int is_client, const char *hostkey_algs,
		      const char *kex_only, const char *cipher_only, const char *mac_only,
		      int compress);
void kex_proposal_free(struct kex_proposal *p);
/* Appends a KEXINIT payload: byte 20, 16 random bytes, the lists, boolean
 * first_kex_packet_follows = 0, uint32 0. */
int kex_put_kexinit(const struct kex_proposal *p, struct buf *out);

/* What both KEXINITs decided. [0] is client-to-server, [1] server-to-client. */
struct kex_result {
	const struct kex_ops *kex;
	char hostkey_alg[32];
	const struct cipher_ops *cipher[2];
	const struct mac_ops *mac[2];      /* NULL for an AEAD cipher */
	enum comp_alg comp[2];
	int strict;       /* both sides announced strict kex (only looked at in the first kex) */
	int peer_ext_info;/* the client announced ext-info-c (seen by a server) or the server
	                     ext-info-s (seen by a client) */
	int guess_wrong;  /* the peer set first_kex_packet_follows and guessed wrong: its next
	                     kex packet must be ignored (RFC 4253 section 7). Wrong means, as
	                     RFC 4253 7.1 says and OpenSSH and Dropbear do, that the first kex
	                     or host key names of the two lists differ. */
};
/* Negotiates from both complete KEXINIT payloads (starting with byte 20) as RFC 4253
 * 7.1 says: for each list, the first of the client's names the server also has. Parses
 * strictly (every field present, nothing trailing; name-lists of non-empty printable
 * names, at most KEX_MAX_NAMES each). ERR_UNSUPPORTED when a list has no common name; the
 * name of that list is then in *which (e.g. "cipher c->s"); on a parse error *which is
 * "client KEXINIT" or "server KEXINIT". The pseudo-names ext-info-* and kex-strict-* are
 * never chosen as the method. No MAC is negotiated for a direction whose cipher is AEAD
 * (as OpenSSH does: the MAC lists then need no common name). */
int kex_negotiate(const uint8_t *client_kexinit, size_t cn, const uint8_t *server_kexinit,
		  size_t sn, int we_are_client, struct kex_result *r, const char **which);
/* Names in one name-list of a peer's KEXINIT, at most (OpenSSH offers about 30). */
#define KEX_MAX_NAMES 1024

/* The exchange hash H = HASH(string V_C || string V_S || string I_C || string I_S ||
 * string K_S || Q_C || Q_S || K), where Q_C, Q_S and K are already encoded (RFC 4253 8,
 * RFC 5656 4, RFC 8731 3). V_* are the identification lines without CR LF, I_* the
 * KEXINIT payloads, K_S the host key blob. Writes hash_len(alg) bytes to h. */
int kex_hash(enum hash_alg alg, const char *v_c, const char *v_s, const uint8_t *i_c,
	     size_t i_c_len, const uint8_t *i_s, size_t i_s_len, const uint8_t *k_s,
	     size_t k_s_len, const uint8_t *q_c, size_t q_c_len, const uint8_t *q_s,
	     size_t q_s_len, const uint8_t *k, size_t k_len, uint8_t *h);

/* Key derivation (RFC 4253 section 7.2): out = HASH(K || H || letter || session_id),
 * extended by HASH(K || H || K1 || ... ) until outlen bytes. K is encoded as above. */
int kex_derive(enum hash_alg alg, const uint8_t *k, size_t k_len, const uint8_t *h,
	       size_t h_len, char letter, const uint8_t *session_id, size_t sid_len,
	       uint8_t *out, size_t outlen);

/* ---- exposed for the unit tests */
/* The encoded K of curve25519-sha256 for our scalar sk and the peer's pk (RFC 8731 3.1);
 * ERR_CRYPTO when X25519 gives all zeros. */
int kex_x25519_shared(const uint8_t sk[32], const uint8_t pk[32], struct buf *K);
/* The X25519 half of the post-quantum hybrids (kex-x25519.c): a fresh scalar sk and its
 * public value pk; and their encoded K = string HASH(ss_pq || X25519(sk, pk)) for a
 * 32-byte KEM secret ss_pq, ERR_CRYPTO when X25519 gives all zeros. */
int kex_x25519_fresh(uint8_t sk[32], uint8_t pk[32]);
int kex_hybrid_K(enum hash_alg alg, const uint8_t ss_pq[32], const uint8_t sk[32],
		 const uint8_t pk[32], struct buf *K);
/* The big-endian prime of a finite-field DH method; ERR_UNSUPPORTED for any other. */
int kex_dh_prime(const struct kex_ops *k, const uint8_t **p, size_t *n);

#endif
