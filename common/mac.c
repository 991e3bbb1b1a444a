/* mac.c: the MACs used with a non-AEAD cipher, all HMAC (RFC 2104).
 *
 * RFC 4253 6.4: mac = MAC(key, uint32 sequence_number || unencrypted_packet), computed
 * over the plaintext. OpenSSH PROTOCOL 1.5 (the "-etm@openssh.com" names): the packet
 * length is sent in the clear and mac = MAC(key, uint32 sequence_number || uint32
 * packet_length || encrypted_packet), so the receiver checks it before it decrypts
 * anything. RFC 6668: hmac-sha2-256 (32-byte key and digest), hmac-sha2-512 (64/64).
 * hmac-sha1 (RFC 4253, 20/20) only with DB_MAC_SHA1. No truncated variants.
 *
 * The key is absorbed into HMAC's inner and outer hash states once (hmac_setkey), so a
 * packet costs two hash finalisations and no key schedule. */
#include <stdlib.h>
#include <string.h>

#include "cipher-internal.h"
#include "crypto.h"
#include "err.h"
#include "options.h"
#include "packet.h"
#include "util.h"

#if DB_MAC_SHA2
static const struct mac_ops mac_sha256 = {
	.name = "hmac-sha2-256", .hash = HASH_SHA256, .keylen = 32, .maclen = 32, .etm = 0,
};
static const struct mac_ops mac_sha512 = {
	.name = "hmac-sha2-512", .hash = HASH_SHA512, .keylen = 64, .maclen = 64, .etm = 0,
};
static const struct mac_ops mac_sha256_etm = {
	.name = "hmac-sha2-256-etm@openssh.com", .hash = HASH_SHA256, .keylen = 32,
	.maclen = 32, .etm = 1,
};
static const struct mac_ops mac_sha512_etm = {
	.name = "hmac-sha2-512-etm@openssh.com", .hash = HASH_SHA512, .keylen = 64,
	.maclen = 64, .etm = 1,
};
#endif
#if DB_MAC_SHA1
static const struct mac_ops mac_sha1 = {
	.name = "hmac-sha1", .hash = HASH_SHA1, .keylen = 20, .maclen = 20, .etm = 0,
};
static const struct mac_ops mac_sha1_etm = {
	.name = "hmac-sha1-etm@openssh.com", .hash = HASH_SHA1, .keylen = 20, .maclen = 20,
	.etm = 1,
};
#endif

/* Our preference, as OpenSSH's: encrypt-then-MAC first, then by strength. */
const struct mac_ops *const mac_algs[] = {
#if DB_MAC_SHA2
	&mac_sha256_etm,
	&mac_sha512_etm,
#endif
#if DB_MAC_SHA1
	&mac_sha1_etm,
#endif
#if DB_MAC_SHA2
	&mac_sha256,
	&mac_sha512,
#endif
#if DB_MAC_SHA1
	&mac_sha1,
#endif
	NULL,
};

const struct mac_ops *mac_find(const char *name, size_t len)
{
	size_t i;
	for (i = 0; mac_algs[i]; i++) {
		const char *n = mac_algs[i]->name;
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return mac_algs[i];
	}
	return NULL;
}

const char *mac_name(const struct mac_ops *m)
{
	return m ? m->name : "none";
}

size_t mac_keylen(const struct mac_ops *m)
{
	return m ? m->keylen : 0;
}

int mac_ctx_new(const struct mac_ops *m, const uint8_t *key, void **ctx)
{
	struct hmac_key *k = malloc(sizeof(*k));
	int r;

	if (!k)
		return ERR_NOMEM;
	r = hmac_setkey(k, m->hash, key, m->keylen);
	if (r) {
		wipe(k, sizeof(*k));
		free(k);
		return r;
	}
	*ctx = k;
	return 0;
}

void mac_ctx_free(void *ctx)
{
	if (ctx) {
		hmac_key_free(ctx); /* wipes */
		free(ctx);
	}
}

int mac_compute(const struct mac_ops *m, void *ctx, uint32_t seq, const uint8_t *a, size_t an,
		const uint8_t *b, size_t bn, uint8_t *out)
{
	struct hmac_ctx h;
	uint8_t full[MAC_MAX_LEN], s[4];
	int r;

	store_be32(s, seq);
	r = hmac_start(&h, ctx);
	if (r == 0)
		r = hmac_update(&h, s, 4);
	if (r == 0 && an)
		r = hmac_update(&h, a, an);
	if (r == 0 && bn)
		r = hmac_update(&h, b, bn);
	if (r == 0)
		r = hmac_final(&h, full);
	if (r == 0)
		memcpy(out, full, m->maclen);
	wipe(&h, sizeof(h));
	wipe(full, sizeof(full));
	return r;
}

int mac_check(const struct mac_ops *m, void *ctx, uint32_t seq, const uint8_t *a, size_t an,
	      const uint8_t *b, size_t bn, const uint8_t *expect)
{
	uint8_t calc[MAC_MAX_LEN];
	int r = mac_compute(m, ctx, seq, a, an, b, bn, calc);

	if (r == 0 && !ct_memeq(calc, expect, m->maclen))
		r = ERR_BADSIG;
	wipe(calc, sizeof(calc));
	return r;
}
