/* keyfile-openssh.c: OpenSSH's openssh-key-v1 private-key format (PROTOCOL.key), and
 * the dispatch of every text key file (keyfile-openssh.h).
 *
 *   "openssh-key-v1\0" string cipher, string kdf, string kdfoptions, uint32 nkeys (1),
 *   string public key blob, string encrypted section [, AEAD tag outside the string]
 *   section: uint32 checkint, uint32 checkint, string type, fields, string comment,
 *            padding 1, 2, 3, ... up to the cipher's block size
 *
 * The fields are those of OpenSSH's sshkey_private_serialize(): Ed25519 string pk,
 * string seed||pk; ECDSA string curve, string Q, mpint d; RSA mpint n, e, d, iqmp, p, q.
 * The key_*_set_private() constructors check the parts against each other; the
 * header's public key must then equal the one the private half gives. */
#include "keyfile-openssh.h"

#include <stdlib.h>
#include <string.h>

#include "bcrypt.h"
#include "crypto.h"
#include "ecc.h"
#include "err.h"
#include "key-internal.h"
#include "options.h"
#include "util.h"

#define MAGIC "openssh-key-v1"
#define MAGIC_LEN 15 /* with its NUL */
#define LABEL "OPENSSH PRIVATE KEY"
#define SALT_LEN 16 /* what ssh-keygen writes */
#define PEM_COLS 70 /* ssh-keygen's line length */
#define MAX_KEYIV 80

enum mode { MODE_NONE, MODE_CTR, MODE_CBC, MODE_GCM, MODE_CHACHAPOLY };

/* OpenSSH's cipher.c table, for the ciphers a key file may use. */
static const struct kcipher {
	const char *name;
	enum mode mode;
	uint8_t keylen, ivlen, block, taglen;
	uint8_t writable;
} kciphers[] = {
	{ "none", MODE_NONE, 0, 0, 8, 0, 1 },
	{ "aes256-ctr", MODE_CTR, 32, 16, 16, 0, 1 },
	{ "aes192-ctr", MODE_CTR, 24, 16, 16, 0, 0 },
	{ "aes128-ctr", MODE_CTR, 16, 16, 16, 0, 0 },
	{ "aes256-gcm@openssh.com", MODE_GCM, 32, 12, 16, 16, 1 },
	{ "aes128-gcm@openssh.com", MODE_GCM, 16, 12, 16, 16, 0 },
	/* 64 bytes of key: the first half encrypts, the second would encrypt lengths */
	{ "chacha20-poly1305@openssh.com", MODE_CHACHAPOLY, 64, 0, 8, 16, 1 },
	/* ssh-keygen's default from OpenSSH 6.5 to 7.5 */
	{ "aes256-cbc", MODE_CBC, 32, 16, 16, 0, 0 },
	{ "aes192-cbc", MODE_CBC, 24, 16, 16, 0, 0 },
	{ "aes128-cbc", MODE_CBC, 16, 16, 16, 0, 0 },
};

static const struct kcipher *cipher_find(const uint8_t *name, size_t len)
{
	size_t i;
	for (i = 0; i < ARRAY_SIZE(kciphers); i++)
		if (strlen(kciphers[i].name) == len && memcmp(kciphers[i].name, name, len) == 0)
			return &kciphers[i];
	return NULL;
}

int keyfile_openssh_cipher_ok(const char *cipher)
{
	const struct kcipher *c = cipher_find((const uint8_t *)cipher, strlen(cipher));
	return c && c->writable && c->mode != MODE_NONE;
}

static int str_is(const uint8_t *p, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(p, s, n) == 0;
}

/* ---------------------------------------------------------------- symmetric layer */

/* OpenSSH's chacha20-poly1305@openssh.com with sequence number 0 and no length field
 * (PROTOCOL.chacha20poly1305): the Poly1305 key is the first 32 bytes of block 0 of the
 * first key's stream, the data is XORed with the stream from block 1, the tag covers the
 * ciphertext. */
static int chachapoly(const uint8_t key[64], int enc, const uint8_t *in, uint8_t *out,
		      size_t n, uint8_t tag[16])
{
	static const uint8_t nonce[8];
	uint8_t polykey[32] = { 0 }, want[16];
	int r;

	if ((r = chacha20_xor(key, nonce, 0, polykey, polykey, sizeof(polykey))) != 0)
		goto out;
	if (!enc) {
		if ((r = poly1305_mac(polykey, in, n, want)) != 0)
			goto out;
		if (!ct_memeq(want, tag, 16)) {
			r = ERR_BADSIG;
			goto out;
		}
	}
	if ((r = chacha20_xor(key, nonce, 1, in, out, n)) == 0 && enc)
		r = poly1305_mac(polykey, out, n, tag);
out:
	wipe(polykey, sizeof(polykey));
	return r;
}

/* Encrypts or decrypts n bytes (a whole number of blocks) with key||iv, in place
 * allowed; tag is written (enc) or checked (ERR_BADSIG) for the AEAD ciphers. */
static int crypt_section(const struct kcipher *c, int enc, const uint8_t *keyiv,
			 const uint8_t *in, uint8_t *out, size_t n, uint8_t *tag)
{
	const uint8_t *iv = keyiv + c->keylen;
	struct aes_ctr ctr;
	struct aes_gcm gcm;
	int r;

	switch (c->mode) {
	case MODE_NONE:
		memmove(out, in, n);
		return 0;
	case MODE_CTR:
		if ((r = aes_ctr_init(&ctr, keyiv, c->keylen, iv)) != 0)
			return r;
		r = aes_ctr_crypt(&ctr, in, out, n);
		aes_ctr_free(&ctr);
		return r;
	case MODE_CBC:
		return enc ? ERR_UNSUPPORTED : aes_cbc_decrypt(keyiv, c->keylen, iv, in, out, n);
	case MODE_GCM:
		/* OpenSSH's first invocation uses the 12-byte IV as is, with no AAD */
		if ((r = aes_gcm_init(&gcm, keyiv, c->keylen)) != 0)
			return r;
		r = enc ? aes_gcm_seal(&gcm, iv, NULL, 0, in, out, n, tag)
			: aes_gcm_open(&gcm, iv, NULL, 0, in, out, n, tag);
		aes_gcm_free(&gcm);
		return r;
	case MODE_CHACHAPOLY:
		return chachapoly(keyiv, enc, in, out, n, tag);
	}
	return ERR_INVALID;
}

/* key||iv from the passphrase (PROTOCOL.key section 2). */
static int derive(const struct kcipher *c, const char *pass, const uint8_t *salt,
		  size_t saltlen, uint32_t rounds, uint8_t keyiv[MAX_KEYIV])
{
	return bcrypt_pbkdf((const uint8_t *)pass, strlen(pass), salt, saltlen, keyiv,
			    (size_t)c->keylen + c->ivlen, rounds);
}

/* ---------------------------------------------------------------- reading */

struct header {
	const struct kcipher *cipher; /* NULL: unknown */
	const uint8_t *ciphername, *kdfname, *pub, *salt;
	size_t cipherlen, kdflen, publen, saltlen;
	int bcrypt;       /* kdf is "bcrypt"; else "none" */
	int kdf_known;
	uint32_t rounds;
	uint32_t nkeys;
	struct buf rest;  /* from the encrypted section's length on */
};

/* Everything before the encrypted section. Unknown names are left for the caller to
 * refuse, so that keyfile_openssh_info can still name them. */
static int header_parse(const uint8_t *blob, size_t n, struct header *h)
{
	struct buf b, kdfopts;
	const uint8_t *magic, *opts;
	size_t optslen;
	int r;

	memset(h, 0, sizeof(*h));
	buf_view(&b, blob, n);
	if ((r = buf_get_raw(&b, &magic, MAGIC_LEN)) != 0)
		return r;
	if (memcmp(magic, MAGIC, MAGIC_LEN) != 0)
		return ERR_FORMAT;
	if ((r = buf_get_string(&b, &h->ciphername, &h->cipherlen)) ||
	    (r = buf_get_string(&b, &h->kdfname, &h->kdflen)) ||
	    (r = buf_get_string(&b, &opts, &optslen)) || (r = buf_get_u32(&b, &h->nkeys)))
		return r;
	if (h->nkeys == 1 && (r = buf_get_string(&b, &h->pub, &h->publen)) != 0)
		return r;
	h->rest = b;
	h->cipher = cipher_find(h->ciphername, h->cipherlen);
	buf_view(&kdfopts, opts, optslen);
	if (str_is(h->kdfname, h->kdflen, "bcrypt")) {
		h->bcrypt = h->kdf_known = 1;
		if (buf_get_string(&kdfopts, &h->salt, &h->saltlen) ||
		    buf_get_u32(&kdfopts, &h->rounds) || buf_end(&kdfopts))
			return ERR_FORMAT;
	} else if (str_is(h->kdfname, h->kdflen, "none")) {
		h->kdf_known = 1;
		if (optslen != 0)
			return ERR_FORMAT; /* PROTOCOL.key section 5: empty options */
	}
	return 0;
}

/* Checks the header and returns the private section, decrypted, in plain. */
static int decrypt(const struct header *h, const char *pass, struct buf *plain)
{
	const struct kcipher *c = h->cipher;
	struct buf b = h->rest;
	const uint8_t *enc, *tagp;
	uint8_t keyiv[MAX_KEYIV] = { 0 }, tag[16] = { 0 }, *dst;
	size_t enclen;
	int r;

	if (h->nkeys != 1)
		return ERR_UNSUPPORTED; /* as in OpenSSH: one key per file */
	if (!c || !h->kdf_known)
		return ERR_UNSUPPORTED;
	if ((c->mode == MODE_NONE) != !h->bcrypt)
		return ERR_FORMAT; /* a cipher needs the KDF and the KDF a cipher */
	if ((r = buf_get_string(&b, &enc, &enclen)) != 0 ||
	    (c->taglen && (r = buf_get_raw(&b, &tagp, c->taglen)) != 0) || (r = buf_end(&b)) != 0)
		return r;
	if (c->taglen)
		memcpy(tag, tagp, c->taglen);
	if (enclen < c->block || enclen % c->block != 0)
		return ERR_FORMAT;
	if (c->mode != MODE_NONE && (!pass || !*pass))
		return ERR_PASSPHRASE;
	if ((r = buf_reserve(plain, enclen, &dst)) != 0)
		return r;
	r = 0;
	if (c->mode != MODE_NONE)
		r = derive(c, pass, h->salt, h->saltlen, h->rounds, keyiv);
	if (r == 0)
		r = crypt_section(c, 0, keyiv, enc, dst, enclen, tag);
	if (r == ERR_BADSIG)
		r = ERR_PASSPHRASE; /* the AEAD tag fails exactly when the key is wrong */
	wipe(keyiv, sizeof(keyiv));
	return r;
}

/* The fields of one private key after its type name. */
static int get_private(struct buf *b, struct key *k)
{
	const uint8_t *p, *q, *d, *iqmp;
	size_t plen, qlen, dlen, iqmplen;
	uint8_t pk[32], sk[64];
	struct key_rsa_parts pt;
	int r;

	switch (k->type) {
	case KEY_ED25519:
		if ((r = buf_get_string_fixed(b, pk, 32)) == 0 &&
		    (r = buf_get_string_fixed(b, sk, 64)) == 0) {
			/* the public key is there twice; both must agree with the seed */
			r = ct_memeq(pk, sk + 32, 32) ? key_ed25519_set_private(k, sk, pk)
						       : ERR_MISMATCH;
		}
		wipe(sk, sizeof(sk));
		return r;
	case KEY_ECDSA_P256:
	case KEY_ECDSA_P384:
	case KEY_ECDSA_P521:
		if ((r = buf_get_string(b, &p, &plen)) || (r = buf_get_string(b, &q, &qlen)) ||
		    (r = buf_get_mpint(b, &d, &dlen)))
			return r;
		if (!str_is(p, plen, ecc_curve_name(k->u.ecdsa.curve)))
			return ERR_MISMATCH; /* RFC 5656 section 3.1: the curve is named twice */
		return key_ecdsa_set_private(k, q, qlen, d, dlen);
	case KEY_RSA:
		if ((r = buf_get_mpint(b, &pt.n, &pt.nlen)) || (r = buf_get_mpint(b, &pt.e, &pt.elen)) ||
		    (r = buf_get_mpint(b, &pt.d, &pt.dlen)) || (r = buf_get_mpint(b, &iqmp, &iqmplen)) ||
		    (r = buf_get_mpint(b, &pt.p, &pt.plen)) || (r = buf_get_mpint(b, &pt.q, &pt.qlen)))
			return r;
		if ((r = key_rsa_set_private(k, &pt)) != 0)
			return r;
		{
			/* iqmp = q^-1 mod p, as the key module derived it */
			mp_int t;
			if ((r = key_mperr(mp_init(&t))) != 0)
				return r;
			r = key_mperr(mp_from_ubin(&t, iqmp, iqmplen));
			if (!r && mp_cmp(&t, &k->u.rsa.qinv) != MP_EQ)
				r = ERR_MISMATCH;
			key_mp_clear_secret(&t);
		}
		return r;
	default:
		return ERR_UNSUPPORTED;
	}
}

/* checkints, key, comment, padding (PROTOCOL.key section 3). */
static int section_parse(struct buf *b, int encrypted, struct key **out)
{
	const uint8_t *type, *comment;
	size_t typelen, commentlen, i = 0;
	uint32_t c1, c2;
	uint8_t pad;
	char cbuf[DB_MAX_COMMENT + 1];
	struct key *k = NULL;
	int r;

	if ((r = buf_get_u32(b, &c1)) || (r = buf_get_u32(b, &c2)))
		return r;
	if (c1 != c2)
		return encrypted ? ERR_PASSPHRASE : ERR_FORMAT;
	if ((r = buf_get_string(b, &type, &typelen)) != 0)
		return r;
	if ((r = key_new(key_type_from_name((const char *)type, typelen), &k)) != 0)
		return r;
	if ((r = get_private(b, k)) || (r = buf_get_string(b, &comment, &commentlen)))
		goto out;
	if (commentlen && memchr(comment, 0, commentlen)) {
		r = ERR_FORMAT;
		goto out;
	}
	/* longer comments are cut, as key_set_comment does */
	if (commentlen > DB_MAX_COMMENT)
		commentlen = DB_MAX_COMMENT;
	if (commentlen)
		memcpy(cbuf, comment, commentlen);
	cbuf[commentlen] = '\0';
	if ((r = key_set_comment(k, cbuf)) != 0)
		goto out;
	while (buf_get_u8(b, &pad) == 0) {
		if (pad != (uint8_t)++i) {
			r = ERR_FORMAT;
			goto out;
		}
	}
	*out = k;
	k = NULL;
out:
	key_free(k);
	return r;
}

static int v1_parse(const uint8_t *blob, size_t n, const char *pass, struct key **out)
{
	struct header h;
	struct buf plain, pubblob;
	struct key *k = NULL;
	int r;

	if ((r = buf_init_secret(&plain, 0, DB_MAX_KEYFILE)) != 0)
		return r;
	if ((r = header_parse(blob, n, &h)) || (r = decrypt(&h, pass, &plain)) ||
	    (r = section_parse(&plain, h.cipher->mode != MODE_NONE, &k)))
		goto out;
	/* the header's public key must be the private key's (OpenSSH compares them too) */
	if ((r = buf_init(&pubblob, 0, DB_MAX_PUBKEY_BLOB)) != 0)
		goto out;
	r = key_put_blob(k, &pubblob);
	if (r == 0 && (pubblob.len != h.publen || memcmp(pubblob.data, h.pub, h.publen) != 0))
		r = ERR_MISMATCH;
	buf_free(&pubblob);
	if (r == 0) {
		*out = k;
		k = NULL;
	}
out:
	key_free(k);
	buf_free(&plain);
	return r;
}

/* Copies a header name for keyfile_openssh_info, printable characters only. */
static void name_copy(char *dst, size_t dstsz, const uint8_t *p, size_t n)
{
	size_t i;
	for (i = 0; i < n && i + 1 < dstsz; i++)
		dst[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	dst[i] = '\0';
}

int keyfile_openssh_info(const uint8_t *data, size_t n, struct keyfile_openssh_info *info)
{
	char label[PEM_MAX_LABEL];
	struct header h;
	struct buf der, pub;
	const uint8_t *t;
	size_t tlen;
	int r;

	memset(info, 0, sizeof(*info));
	if ((r = buf_init_secret(&der, 0, DB_MAX_KEYFILE)) != 0)
		return r;
	if ((r = pem_decode(data, n, label, &der)) != 0)
		goto out;
	if (strcmp(label, LABEL) != 0) {
		r = ERR_FORMAT;
		goto out;
	}
	if ((r = header_parse(der.data, der.len, &h)) != 0)
		goto out;
	name_copy(info->cipher, sizeof(info->cipher), h.ciphername, h.cipherlen);
	name_copy(info->kdf, sizeof(info->kdf), h.kdfname, h.kdflen);
	info->encrypted = !str_is(h.ciphername, h.cipherlen, "none");
	info->supported = h.cipher && h.kdf_known;
	info->rounds = h.rounds;
	buf_view(&pub, h.pub, h.publen);
	if (h.pub && buf_get_string(&pub, &t, &tlen) == 0)
		info->type = key_type_from_name((const char *)t, tlen);
out:
	buf_free(&der);
	return r;
}

/* ---------------------------------------------------------------- dispatch */

int keyfile_openssh_detect(const uint8_t *data, size_t n)
{
	return n > 0 && data[0] != 0;
}

/* A public key in one of its text forms: "TYPE BASE64 [COMMENT]" (a .pub file or an
 * authorized_keys line) or RFC 4716's "---- BEGIN SSH2 PUBLIC KEY ----". */
static int is_public_text(const uint8_t *data, size_t n)
{
	static const char *const prefixes[] = {
		"ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-", "---- BEGIN SSH2 PUBLIC KEY",
	};
	struct buf b;
	uint8_t c;
	size_t i;

	buf_view(&b, data, n);
	while (buf_avail(&b) && buf_get_u8(&b, &c) == 0)
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			break;
	if (b.pos == 0)
		return 0;
	b.pos--;
	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t len = strlen(prefixes[i]);
		if (buf_avail(&b) >= len && memcmp(buf_ptr(&b), prefixes[i], len) == 0)
			return 1;
	}
	return 0;
}

int keyfile_openssh_parse(const uint8_t *data, size_t n, const char *passphrase,
			  struct key **out)
{
	char label[PEM_MAX_LABEL];
	struct buf der;
	int r;

	*out = NULL;
	if (n > DB_MAX_KEYFILE)
		return ERR_TOOBIG;
	if ((r = crypto_init()) != 0)
		return r;
	if (is_public_text(data, n))
		return ERR_NEEDPRIVATE;
	if ((r = buf_init_secret(&der, 0, DB_MAX_KEYFILE)) != 0)
		return r;
	if ((r = pem_decode(data, n, label, &der)) == 0) {
		if (strcmp(label, LABEL) == 0)
			r = v1_parse(der.data, der.len, passphrase, out);
		else
			r = keyfile_pem_parse_der(label, der.data, der.len, out);
	}
	buf_free(&der);
	return r;
}

/* ---------------------------------------------------------------- writing */

static int put_private(const struct key *k, struct buf *b)
{
	const struct key_ecdsa *ec = &k->u.ecdsa;
	const struct key_rsa *rsa = &k->u.rsa;
	int r;

	if ((r = buf_put_cstr(b, key_type_name(k->type))) != 0)
		return r;
	switch (k->type) {
	case KEY_ED25519:
		if ((r = buf_put_string(b, k->u.ed25519.pk, 32)) || (r = buf_put_u32(b, 64)) ||
		    (r = buf_put_bytes(b, k->u.ed25519.seed, 32)))
			return r;
		return buf_put_bytes(b, k->u.ed25519.pk, 32);
	case KEY_ECDSA_P256:
	case KEY_ECDSA_P384:
	case KEY_ECDSA_P521:
		if ((r = buf_put_cstr(b, ecc_curve_name(ec->curve))) ||
		    (r = buf_put_string(b, ec->q, ecc_point_len(ec->curve))))
			return r;
		return buf_put_mpint(b, ec->d, ecc_curve_bytes(ec->curve));
	case KEY_RSA:
		if ((r = key_put_mp(b, &rsa->n)) || (r = key_put_mp(b, &rsa->e)) ||
		    (r = key_put_mp(b, &rsa->d)) || (r = key_put_mp(b, &rsa->qinv)) ||
		    (r = key_put_mp(b, &rsa->p)))
			return r;
		return key_put_mp(b, &rsa->q);
	default:
		return ERR_UNSUPPORTED;
	}
}

int keyfile_openssh_put_ex(const struct key *k, const char *pass, const char *cipher,
			   uint32_t rounds, struct buf *out)
{
	const struct kcipher *c;
	struct buf plain, blob, opts;
	uint8_t salt[SALT_LEN], keyiv[MAX_KEYIV] = { 0 }, check[4], *dst, tag[16];
	size_t i;
	int r, encrypt = pass && *pass;

	if (!key_is_private(k))
		return ERR_NEEDPRIVATE;
	c = cipher_find((const uint8_t *)(encrypt ? cipher : "none"),
			strlen(encrypt ? cipher : "none"));
	if (!c || !c->writable)
		return ERR_UNSUPPORTED;
	if (encrypt && (rounds < 1 || rounds > BCRYPT_MAX_ROUNDS))
		return ERR_INVALID;
	if ((r = crypto_init()) != 0)
		return r;
	memset(&opts, 0, sizeof(opts));
	if ((r = buf_init_secret(&plain, 512, DB_MAX_KEYFILE)) != 0)
		return r;
	if ((r = buf_init_secret(&blob, 512, DB_MAX_KEYFILE)) != 0 ||
	    (r = buf_init(&opts, 32, 64)) != 0)
		goto out;

	/* the private section: equal random checkints, key, comment, padding */
	if ((r = rand_bytes(check, sizeof(check))) || (r = buf_put_bytes(&plain, check, 4)) ||
	    (r = buf_put_bytes(&plain, check, 4)) || (r = put_private(k, &plain)) ||
	    (r = buf_put_cstr(&plain, key_comment(k))))
		goto out;
	for (i = 1; plain.len % c->block; i++)
		if ((r = buf_put_u8(&plain, (uint8_t)i)) != 0)
			goto out;

	if (encrypt) {
		if ((r = rand_bytes(salt, sizeof(salt))) || (r = buf_put_string(&opts, salt, SALT_LEN)) ||
		    (r = buf_put_u32(&opts, rounds)) || (r = derive(c, pass, salt, SALT_LEN, rounds, keyiv)))
			goto out;
	}
	if ((r = buf_put_bytes(&blob, MAGIC, MAGIC_LEN)) || (r = buf_put_cstr(&blob, c->name)) ||
	    (r = buf_put_cstr(&blob, encrypt ? "bcrypt" : "none")) ||
	    (r = buf_put_string(&blob, opts.data, opts.len)) || (r = buf_put_u32(&blob, 1)) ||
	    (r = buf_put_u32(&blob, 0)))
		goto out;
	{
		/* the public blob as a string: its length is known only once written */
		size_t at = blob.len;
		if ((r = key_put_blob(k, &blob)) != 0)
			goto out;
		store_be32(blob.data + at - 4, (uint32_t)(blob.len - at));
	}
	if ((r = buf_put_u32(&blob, (uint32_t)plain.len)) || (r = buf_reserve(&blob, plain.len, &dst)) ||
	    (r = crypt_section(c, 1, keyiv, plain.data, dst, plain.len, tag)))
		goto out;
	if (c->taglen && (r = buf_put_bytes(&blob, tag, c->taglen)) != 0)
		goto out;
	r = pem_encode(LABEL, blob.data, blob.len, PEM_COLS, out);
out:
	wipe(keyiv, sizeof(keyiv));
	buf_free(&opts);
	buf_free(&blob);
	buf_free(&plain);
	return r;
}

int keyfile_openssh_put(const struct key *k, const char *passphrase, struct buf *out)
{
	return keyfile_openssh_put_ex(k, passphrase, "aes256-ctr", BCRYPT_DEFAULT_ROUNDS, out);
}
