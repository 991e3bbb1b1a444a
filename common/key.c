/* key.c: the generic half of signing keys: type and signature-algorithm names, the
 * public blob (RFC 4253 section 6.6), the signature blob wrapper, fingerprints and
 * comments. Everything a family does differently is behind its key_ops row. */
#include "key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "err.h"
#include "key-internal.h"
#include "util.h"

#if DB_KEY_ED25519
#define OPS_ED25519 (&key_ed25519_ops)
#else
#define OPS_ED25519 NULL
#endif
#if DB_KEY_ECDSA
#define OPS_ECDSA (&key_ecdsa_ops)
#else
#define OPS_ECDSA NULL
#endif
#if DB_KEY_RSA
#define OPS_RSA (&key_rsa_ops)
#else
#define OPS_RSA NULL
#endif

static const struct {
	enum key_type type;
	const char *name;
	const struct key_ops *ops; /* NULL: compiled out */
} types[] = {
	{ KEY_ED25519, "ssh-ed25519", OPS_ED25519 },        /* RFC 8709 */
	{ KEY_ECDSA_P256, "ecdsa-sha2-nistp256", OPS_ECDSA }, /* RFC 5656 section 6.2 */
	{ KEY_ECDSA_P384, "ecdsa-sha2-nistp384", OPS_ECDSA },
	{ KEY_ECDSA_P521, "ecdsa-sha2-nistp521", OPS_ECDSA },
	{ KEY_RSA, "ssh-rsa", OPS_RSA },                     /* RFC 4253 section 6.6 */
};

/* Signature algorithms and the hash each signs with (RFC 5656 section 6.2.1, RFC 8332
 * section 3); Ed25519 hashes inside the primitive. */
static const struct {
	const char *name;
	enum key_type type;
	enum hash_alg hash;
} sig_algs[] = {
	{ "ssh-ed25519", KEY_ED25519, HASH_SHA512 },
	{ "ecdsa-sha2-nistp256", KEY_ECDSA_P256, HASH_SHA256 },
	{ "ecdsa-sha2-nistp384", KEY_ECDSA_P384, HASH_SHA384 },
	{ "ecdsa-sha2-nistp521", KEY_ECDSA_P521, HASH_SHA512 },
	{ "rsa-sha2-512", KEY_RSA, HASH_SHA512 },
	{ "rsa-sha2-256", KEY_RSA, HASH_SHA256 },
	{ "ssh-rsa", KEY_RSA, HASH_SHA1 },
};

static int name_eq(const char *a, const char *b, size_t blen)
{
	return strlen(a) == blen && memcmp(a, b, blen) == 0;
}

const char *key_type_name(enum key_type t)
{
	size_t i;
	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (types[i].type == t)
			return types[i].name;
	return NULL;
}

enum key_type key_type_from_name(const char *name, size_t len)
{
	size_t i;
	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (types[i].ops && name_eq(types[i].name, name, len))
			return types[i].type;
	return KEY_NONE;
}

enum key_type key_type(const struct key *k) { return k->type; }
int key_is_private(const struct key *k) { return k->priv; }
unsigned key_bits(const struct key *k) { return k->ops->bits(k); }

int key_new(enum key_type t, struct key **out)
{
	const struct key_ops *ops = NULL;
	struct key *k;
	size_t i;
	int r;

	*out = NULL;
	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (types[i].type == t)
			ops = types[i].ops;
	if (!ops)
		return ERR_UNSUPPORTED;
	if ((r = crypto_init()) != 0)
		return r;
	if (!(k = calloc(1, sizeof(*k))))
		return ERR_NOMEM;
	k->type = t;
	k->ops = ops;
	if ((r = ops->init(k)) != 0) {
		free(k);
		return r;
	}
	*out = k;
	return 0;
}

void key_free(struct key *k)
{
	if (!k)
		return;
	k->ops->clear(k);
	free(k->comment);
	explicit_bzero(k, sizeof(*k));
	free(k);
}

int key_generate(enum key_type t, unsigned bits, struct key **out)
{
	struct key *k;
	int r;

	*out = NULL;
	if ((r = key_new(t, &k)) != 0)
		return r;
	if ((r = k->ops->generate(k, bits)) != 0) {
		key_free(k);
		return r;
	}
	k->priv = 1;
	*out = k;
	return 0;
}

int key_new_named(struct buf *b, struct key **out)
{
	const uint8_t *name;
	size_t namelen;
	enum key_type t;
	int r;

	if ((r = buf_get_string(b, &name, &namelen)) != 0)
		return r;
	if ((t = key_type_from_name((const char *)name, namelen)) == KEY_NONE)
		return ERR_UNSUPPORTED;
	return key_new(t, out);
}

int key_from_blob(const uint8_t *blob, size_t n, struct key **out)
{
	struct buf b;
	struct key *k;
	int r;

	*out = NULL;
	if (n > DB_MAX_PUBKEY_BLOB)
		return ERR_TOOBIG;
	buf_view(&b, blob, n);
	if ((r = key_new_named(&b, &k)) != 0)
		return r;
	r = k->ops->get_public(k, &b);
	if (!r)
		r = buf_end(&b);
	if (r) {
		key_free(k);
		return r;
	}
	*out = k;
	return 0;
}

int key_put_blob(const struct key *k, struct buf *out)
{
	size_t save = out->len;
	int r = buf_put_cstr(out, key_type_name(k->type));
	if (!r)
		r = k->ops->put_public(k, out);
	if (r)
		out->len = save;
	return r;
}

int key_equal_public(const struct key *a, const struct key *b)
{
	struct buf ba, bb;
	int eq = 0;

	if (!a || !b || a->type != b->type)
		return 0;
	memset(&ba, 0, sizeof(ba)); /* buf_free is safe on a zeroed buf */
	memset(&bb, 0, sizeof(bb));
	if (buf_init(&ba, 256, DB_MAX_PUBKEY_BLOB) == 0 &&
	    buf_init(&bb, 256, DB_MAX_PUBKEY_BLOB) == 0 && key_put_blob(a, &ba) == 0 &&
	    key_put_blob(b, &bb) == 0)
		eq = ba.len == bb.len && memcmp(ba.data, bb.data, ba.len) == 0;
	buf_free(&ba);
	buf_free(&bb);
	return eq;
}

/* The sig_algs row for alg if it may be used with k, else -1. */
static int sig_alg_find(const struct key *k, const char *alg, size_t alglen)
{
	size_t i;
	for (i = 0; i < ARRAY_SIZE(sig_algs); i++)
		if (sig_algs[i].type == k->type && name_eq(sig_algs[i].name, alg, alglen))
			return (int)i;
	return -1;
}

int key_sig_alg_ok(const struct key *k, const char *alg, size_t alglen)
{
	return sig_alg_find(k, alg, alglen) >= 0;
}

int key_sign(const struct key *k, const char *alg, const uint8_t *data, size_t n,
	     struct buf *out)
{
	int i = sig_alg_find(k, alg, strlen(alg));
	size_t save = out->len;
	int r;

	if (i < 0)
		return ERR_UNSUPPORTED;
	if (!k->priv)
		return ERR_NEEDPRIVATE;
	if ((r = crypto_init()) != 0)
		return r;
	r = buf_put_cstr(out, sig_algs[i].name);
	if (!r)
		r = k->ops->sign(k, sig_algs[i].hash, data, n, out);
	if (r)
		out->len = save;
	return r;
}

int key_verify(const struct key *k, const char *alg, const uint8_t *sig, size_t siglen,
	       const uint8_t *data, size_t n)
{
	int i = sig_alg_find(k, alg, strlen(alg));
	struct buf b;
	const uint8_t *name;
	size_t namelen;
	int r;

	if (i < 0)
		return ERR_UNSUPPORTED;
	if ((r = crypto_init()) != 0)
		return r;
	buf_view(&b, sig, siglen);
	if ((r = buf_get_string(&b, &name, &namelen)) != 0)
		return r;
	/* RFC 8332 section 3.2: the signature's algorithm must be the one negotiated or
	 * requested, never a weaker one the signer picked. */
	if (!name_eq(sig_algs[i].name, (const char *)name, namelen))
		return ERR_BADSIG;
	return k->ops->verify(k, sig_algs[i].hash, &b, data, n);
}

int key_fingerprint(const struct key *k, char *out, size_t outsz)
{
	uint8_t h[32];
	char b64[48];
	struct buf b;
	size_t len;
	int r;

	if (outsz < KEY_FP_LEN)
		return ERR_TOOBIG;
	if ((r = buf_init(&b, 512, DB_MAX_PUBKEY_BLOB)) != 0)
		return r;
	r = key_put_blob(k, &b);
	if (!r)
		r = hash_buf(HASH_SHA256, b.data, b.len, h);
	buf_free(&b);
	if (!r)
		r = base64_enc(h, sizeof(h), b64, sizeof(b64));
	if (r)
		return r;
	/* ssh-keygen -l prints the base64 without its '=' padding */
	len = strlen(b64);
	while (len && b64[len - 1] == '=')
		b64[--len] = '\0';
	snprintf(out, outsz, "SHA256:%s", b64);
	return 0;
}

const char *key_comment(const struct key *k)
{
	return k->comment ? k->comment : "";
}

int key_set_comment(struct key *k, const char *comment)
{
	char *c = NULL;
	if (comment && *comment) {
		size_t n = strnlen(comment, DB_MAX_COMMENT); /* longer ones are truncated */
		if (!(c = malloc(n + 1)))
			return ERR_NOMEM;
		memcpy(c, comment, n);
		c[n] = '\0';
	}
	free(k->comment);
	k->comment = c;
	return 0;
}

/* ---- helpers shared with the family files and key-file formats */

void key_mp_clear_secret(mp_int *a)
{
	if (a->dp)
		explicit_bzero(a->dp, (size_t)a->alloc * sizeof(mp_digit));
	mp_clear(a);
}

int key_put_mp(struct buf *out, const mp_int *a)
{
	size_t n, w, save = out->len;
	uint8_t *p;
	int r;

	if (mp_isneg(a))
		return ERR_INVALID;
	n = mp_ubin_size(a);
	/* mpint: a leading zero byte when the top bit is set (RFC 4251 section 5) */
	r = buf_put_u32(out, (uint32_t)(n + (n && mp_count_bits(a) % 8 == 0)));
	if (!r && n && mp_count_bits(a) % 8 == 0)
		r = buf_put_u8(out, 0);
	if (!r)
		r = buf_reserve(out, n, &p);
	if (!r)
		r = key_mperr(mp_to_ubin(a, p, n, &w));
	if (r)
		out->len = save;
	return r;
}

int key_get_mp(struct buf *b, mp_int *a)
{
	const uint8_t *mag;
	size_t n;
	int r = buf_get_mpint(b, &mag, &n);
	if (!r)
		r = key_mperr(mp_from_ubin(a, mag, n));
	return r;
}
