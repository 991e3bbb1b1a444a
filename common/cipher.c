/* cipher.c: the table of ciphers compiled in, in our order of preference (OpenSSH's:
 * chacha20-poly1305 first, then CTR, then GCM), and the lookups kex uses to turn a
 * negotiated name into a row. The rows themselves live one file per algorithm. */
#include <string.h>

#include "cipher-internal.h"
#include "options.h"
#include "packet.h"

const struct cipher_ops *const cipher_algs[] = {
#if DB_CIPHER_CHACHAPOLY
	&cipher_chachapoly,
#endif
#if DB_CIPHER_AES_CTR
	&cipher_aes128_ctr,
	&cipher_aes192_ctr,
	&cipher_aes256_ctr,
#endif
#if DB_CIPHER_AES_GCM
	&cipher_aes128_gcm,
	&cipher_aes256_gcm,
#endif
	NULL,
};

/* name[len] comes from a name-list and is not NUL-terminated. */
const struct cipher_ops *cipher_find(const char *name, size_t len)
{
	size_t i;
	for (i = 0; cipher_algs[i]; i++) {
		const char *n = cipher_algs[i]->name;
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return cipher_algs[i];
	}
	return NULL;
}

/* NULL stands for "none", the state before the first NEWKEYS (RFC 4253 6.3). */
const char *cipher_name(const struct cipher_ops *c)
{
	return c ? c->name : "none";
}

size_t cipher_keylen(const struct cipher_ops *c)
{
	return c ? c->keylen : 0;
}

size_t cipher_ivlen(const struct cipher_ops *c)
{
	return c ? c->ivlen : 0;
}

int cipher_is_aead(const struct cipher_ops *c)
{
	return c && c->taglen != 0;
}
