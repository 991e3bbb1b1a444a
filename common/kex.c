/* kex.c: what every key exchange method shares (RFC 4253 section 7): our proposal, the
 * KEXINIT message, negotiation, the exchange hash and the key derivation. The methods
 * are rows in kex-x25519.c, kex-ecdh.c, kex-dh.c and kex-mlkem768x25519.c. */
#include "kex.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "options.h"
#include "util.h"

const struct kex_ops *const kex_algs[] = {
	/* Post-quantum hybrids first (issue 9): a client or server that can negotiate one
	 * must. ML-KEM first, as OpenSSH 10 orders them. */
#if DB_KEX_MLKEM768X25519
	&kex_mlkem768x25519_sha256,
#endif
#if DB_KEX_SNTRUP761X25519
	&kex_sntrup761x25519_sha512,
	&kex_sntrup761x25519_sha512_openssh,
#endif
#if DB_KEX_CURVE25519
	&kex_curve25519_sha256,
	&kex_curve25519_sha256_libssh,
#endif
#if DB_KEX_ECDH
	&kex_ecdh_nistp256,
	&kex_ecdh_nistp384,
	&kex_ecdh_nistp521,
#endif
#if DB_KEX_DH_GROUP16
	&kex_dh_group16_sha512,
#endif
#if DB_KEX_DH_GROUP14_256
	&kex_dh_group14_sha256,
#endif
#if DB_KEX_DH_GROUP14_SHA1
	&kex_dh_group14_sha1,
#endif
	NULL,
};

/* Pseudo-names in the kex list that announce extensions, not methods: RFC 8308 2.1
 * (ext-info-c/-s) and OpenSSH's PROTOCOL 1.10 (strict kex). */
#define EXT_INFO_C "ext-info-c"
#define EXT_INFO_S "ext-info-s"
#define STRICT_C   "kex-strict-c-v00@openssh.com"
#define STRICT_S   "kex-strict-s-v00@openssh.com"

/* Longest list we build for our own KEXINIT (ours are a few hundred bytes). */
#define KEX_MAX_LIST 8192

static int name_eq(const uint8_t *a, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(a, s, n) == 0;
}

const struct kex_ops *kex_find(const char *name, size_t len)
{
	size_t i;
	for (i = 0; kex_algs[i]; i++)
		if (name_eq((const uint8_t *)name, len, kex_algs[i]->name))
			return kex_algs[i];
	return NULL;
}

/* ---------------------------------------------------------------- name-lists */

/* Takes the next name off a name-list view (RFC 4251 section 5): names are not empty
 * (so no leading, doubled or trailing comma) and, being algorithm names or language
 * tags, printable US-ASCII without spaces (RFC 4251 section 6). Call only while
 * buf_avail(l) > 0. */
static int name_next(struct buf *l, const uint8_t **name, size_t *len)
{
	const uint8_t *start = buf_ptr(l);
	size_t n = 0;
	uint8_t c;

	while (buf_get_u8(l, &c) == 0) {
		if (c == ',') {
			if (n == 0 || buf_avail(l) == 0)
				return ERR_FORMAT;
			break;
		}
		if (c <= 0x20 || c >= 0x7f)
			return ERR_FORMAT;
		n++;
	}
	*name = start;
	*len = n;
	return 0;
}

static int list_check(const uint8_t *p, size_t n)
{
	struct buf l;
	const uint8_t *name;
	size_t len, count = 0;
	int r;

	buf_view(&l, p, n);
	while (buf_avail(&l)) {
		if ((r = name_next(&l, &name, &len)) != 0)
			return r;
		if (++count > KEX_MAX_NAMES)
			return ERR_TOOBIG;
	}
	return 0;
}

/* Both lists have passed list_check, so name_next cannot fail below. */
static int list_has(const uint8_t *p, size_t n, const uint8_t *name, size_t len)
{
	struct buf l;
	const uint8_t *s;
	size_t sn;

	buf_view(&l, p, n);
	while (buf_avail(&l) && name_next(&l, &s, &sn) == 0)
		if (sn == len && memcmp(s, name, len) == 0)
			return 1;
	return 0;
}

static int list_has_str(const uint8_t *p, size_t n, const char *s)
{
	return list_has(p, n, (const uint8_t *)s, strlen(s));
}

static void list_first(const uint8_t *p, size_t n, const uint8_t **name, size_t *len)
{
	struct buf l;

	*name = p;
	*len = 0;
	buf_view(&l, p, n);
	if (buf_avail(&l))
		(void)name_next(&l, name, len);
}

static int is_marker(const uint8_t *name, size_t len)
{
	return name_eq(name, len, EXT_INFO_C) || name_eq(name, len, EXT_INFO_S) ||
	       name_eq(name, len, STRICT_C) || name_eq(name, len, STRICT_S);
}

/* ---------------------------------------------------------------- KEXINIT */

struct kexinit {
	const uint8_t *list[PROP_MAX];
	size_t len[PROP_MAX];
	int follows;
};

/* RFC 4253 section 7.1: byte 20, byte[16] cookie, ten name-lists, boolean
 * first_kex_packet_follows, uint32 reserved (whatever its value: it is for future
 * extension), and nothing after it. */
static int kexinit_parse(const uint8_t *p, size_t n, struct kexinit *k)
{
	struct buf b;
	uint8_t type;
	uint32_t reserved;
	int i, r;

	buf_view(&b, p, n);
	if ((r = buf_get_u8(&b, &type)) != 0 || (r = buf_skip(&b, 16)) != 0)
		return r;
	if (type != SSH_MSG_KEXINIT)
		return ERR_FORMAT;
	for (i = 0; i < PROP_MAX; i++) {
		if ((r = buf_get_string(&b, &k->list[i], &k->len[i])) != 0 ||
		    (r = list_check(k->list[i], k->len[i])) != 0)
			return r;
	}
	if ((r = buf_get_bool(&b, &k->follows)) != 0 || (r = buf_get_u32(&b, &reserved)) != 0)
		return r;
	return buf_end(&b);
}

/* RFC 4253 7.1: the first name on the client's list that the server's list also has.
 * With skip_markers, the pseudo-names are passed over even when both lists hold them. */
static int choose(const struct kexinit *c, const struct kexinit *s, int prop, int skip_markers,
		  const uint8_t **name, size_t *len)
{
	struct buf l;

	buf_view(&l, c->list[prop], c->len[prop]);
	while (buf_avail(&l)) {
		if (name_next(&l, name, len) != 0)
			break;
		if (skip_markers && is_marker(*name, *len))
			continue;
		if (list_has(s->list[prop], s->len[prop], *name, *len))
			return 0;
	}
	return ERR_UNSUPPORTED;
}

int kex_negotiate(const uint8_t *client_kexinit, size_t cn, const uint8_t *server_kexinit,
		  size_t sn, int we_are_client, struct kex_result *r, const char **which)
{
	static const char *const enc_what[2] = { "cipher c->s", "cipher s->c" };
	static const char *const mac_what[2] = { "mac c->s", "mac s->c" };
	static const char *const comp_what[2] = { "compression c->s", "compression s->c" };
	struct kexinit c, s;
	const struct kexinit *ours, *peer;
	const uint8_t *name, *pf, *of;
	size_t len, pfl, ofl;
	const char *what = NULL;
	int d, err;

	memset(r, 0, sizeof(*r));
	if ((err = kexinit_parse(client_kexinit, cn, &c)) != 0) {
		what = "client KEXINIT";
		goto out;
	}
	if ((err = kexinit_parse(server_kexinit, sn, &s)) != 0) {
		what = "server KEXINIT";
		goto out;
	}

	/* Every method we have needs a signature-capable host key and every host key
	 * algorithm we know can sign, so RFC 4253 7.1's extra conditions on the kex choice
	 * reduce to the plain rule; a missing common host key algorithm fails below. */
	what = "kex";
	if ((err = choose(&c, &s, PROP_KEX, 1, &name, &len)) != 0)
		goto out;
	if (!(r->kex = kex_find((const char *)name, len))) {
		err = ERR_UNSUPPORTED;
		goto out;
	}
	what = "host key";
	if ((err = choose(&c, &s, PROP_HOSTKEY, 0, &name, &len)) != 0)
		goto out;
	if (len >= sizeof(r->hostkey_alg)) {
		err = ERR_UNSUPPORTED; /* not a name we could have offered */
		goto out;
	}
	memcpy(r->hostkey_alg, name, len);
	r->hostkey_alg[len] = 0;

	for (d = 0; d < 2; d++) {
		what = enc_what[d];
		if ((err = choose(&c, &s, PROP_ENC_CS + d, 0, &name, &len)) != 0)
			goto out;
		if (!(r->cipher[d] = cipher_find((const char *)name, len))) {
			err = ERR_UNSUPPORTED;
			goto out;
		}
		/* An AEAD cipher authenticates the packet itself; like OpenSSH we then do not
		 * look at the MAC lists at all. */
		if (!cipher_is_aead(r->cipher[d])) {
			what = mac_what[d];
			if ((err = choose(&c, &s, PROP_MAC_CS + d, 0, &name, &len)) != 0)
				goto out;
			if (!(r->mac[d] = mac_find((const char *)name, len))) {
				err = ERR_UNSUPPORTED;
				goto out;
			}
		}
		what = comp_what[d];
		if ((err = choose(&c, &s, PROP_COMP_CS + d, 0, &name, &len)) != 0)
			goto out;
		r->comp[d] = comp_find((const char *)name, len);
		if (r->comp[d] == (enum comp_alg)-1) {
			err = ERR_UNSUPPORTED;
			goto out;
		}
	}
	/* Languages (RFC 4253 7.1) are ignored: we offer none and need none. */
	what = NULL;

	ours = we_are_client ? &c : &s;
	peer = we_are_client ? &s : &c;
	r->strict = list_has_str(ours->list[PROP_KEX], ours->len[PROP_KEX],
				 we_are_client ? STRICT_C : STRICT_S) &&
		    list_has_str(peer->list[PROP_KEX], peer->len[PROP_KEX],
				 we_are_client ? STRICT_S : STRICT_C);
	r->peer_ext_info = list_has_str(peer->list[PROP_KEX], peer->len[PROP_KEX],
					we_are_client ? EXT_INFO_S : EXT_INFO_C);

	/* RFC 4253 7: the peer's guessed packet is usable only when both sides prefer the
	 * same kex and host key algorithms ("the guess is considered wrong if ... server and
	 * client have different preferred algorithm", 7.1). The guessing side decides the
	 * same way, so both agree on whether that packet counts. */
	if (peer->follows) {
		list_first(peer->list[PROP_KEX], peer->len[PROP_KEX], &pf, &pfl);
		list_first(ours->list[PROP_KEX], ours->len[PROP_KEX], &of, &ofl);
		r->guess_wrong = !name_eq(pf, pfl, r->kex->name) || !name_eq(of, ofl, r->kex->name);
		list_first(peer->list[PROP_HOSTKEY], peer->len[PROP_HOSTKEY], &pf, &pfl);
		list_first(ours->list[PROP_HOSTKEY], ours->len[PROP_HOSTKEY], &of, &ofl);
		if (!name_eq(pf, pfl, r->hostkey_alg) || !name_eq(of, ofl, r->hostkey_alg))
			r->guess_wrong = 1;
	}
	err = 0;
out:
	if (err) {
		memset(r, 0, sizeof(*r));
		if (which)
			*which = what;
	} else if (which) {
		*which = NULL;
	}
	return err;
}

/* ---------------------------------------------------------------- our proposal */

static const char *kex_name_at(size_t i)
{
	return kex_algs[i] ? kex_algs[i]->name : NULL;
}

static const char *cipher_name_at(size_t i)
{
	return cipher_algs[i] ? cipher_name(cipher_algs[i]) : NULL;
}

static const char *mac_name_at(size_t i)
{
	return mac_algs[i] ? mac_name(mac_algs[i]) : NULL;
}

static int kex_known(const char *n, size_t len)
{
	return kex_find(n, len) != NULL;
}

static int cipher_known(const char *n, size_t len)
{
	return cipher_find(n, len) != NULL;
}

static int mac_known(const char *n, size_t len)
{
	return mac_find(n, len) != NULL;
}

static int put_name(struct buf *b, const void *name, size_t n)
{
	int r = 0;
	if (b->len)
		r = buf_put_u8(b, ',');
	return r ? r : buf_put_bytes(b, name, n);
}

/* A NUL-terminated copy of what b holds. */
static int take_list(struct buf *b, char **out)
{
	char *s = malloc(b->len + 1);
	if (!s)
		return ERR_NOMEM;
	if (b->len)
		memcpy(s, b->data, b->len);
	s[b->len] = 0;
	*out = s;
	buf_reset(b);
	return 0;
}

/* Every compiled-in name in table order, or the names of `only` (a comma list from the
 * configuration) in its order after checking that each is compiled in. */
static int put_algs(struct buf *b, const char *only, const char *(*name_at)(size_t),
		    int (*known)(const char *, size_t))
{
	struct buf l;
	const uint8_t *name;
	size_t i, len;
	int r;

	if (!only) {
		for (i = 0; name_at(i); i++)
			if ((r = put_name(b, name_at(i), strlen(name_at(i)))) != 0)
				return r;
		return 0;
	}
	buf_view(&l, only, strlen(only));
	if (!buf_avail(&l))
		return ERR_INVALID;
	while (buf_avail(&l)) {
		if (name_next(&l, &name, &len) != 0)
			return ERR_INVALID;
		if (!known((const char *)name, len))
			return ERR_UNSUPPORTED;
		if ((r = put_name(b, name, len)) != 0)
			return r;
	}
	return 0;
}

int kex_proposal_make(struct kex_proposal *p, int is_client, const char *hostkey_algs,
		      const char *kex_only, const char *cipher_only, const char *mac_only,
		      int compress)
{
	const char *ext_info = is_client ? EXT_INFO_C : EXT_INFO_S;
	const char *strict = is_client ? STRICT_C : STRICT_S;
	struct buf b, chk;
	const uint8_t *name;
	size_t i, len;
	int r;

	memset(p, 0, sizeof(*p));
	if (!hostkey_algs)
		return ERR_INVALID;
	/* Our own host key list goes out as given: check it is a well-formed list. */
	buf_view(&chk, hostkey_algs, strlen(hostkey_algs));
	if (!buf_avail(&chk))
		return ERR_INVALID;
	while (buf_avail(&chk))
		if (name_next(&chk, &name, &len) != 0)
			return ERR_INVALID;

	if ((r = buf_init(&b, 256, KEX_MAX_LIST)) != 0)
		return r;

	if ((r = put_algs(&b, kex_only, kex_name_at, kex_known)) != 0 ||
	    (r = put_name(&b, ext_info, strlen(ext_info))) != 0 ||
	    (r = put_name(&b, strict, strlen(strict))) != 0 ||
	    (r = take_list(&b, &p->list[PROP_KEX])) != 0)
		goto out;
	if ((r = buf_put_bytes(&b, hostkey_algs, strlen(hostkey_algs))) != 0 ||
	    (r = take_list(&b, &p->list[PROP_HOSTKEY])) != 0)
		goto out;
	if ((r = put_algs(&b, cipher_only, cipher_name_at, cipher_known)) != 0 ||
	    (r = take_list(&b, &p->list[PROP_ENC_CS])) != 0 ||
	    (r = put_algs(&b, cipher_only, cipher_name_at, cipher_known)) != 0 ||
	    (r = take_list(&b, &p->list[PROP_ENC_SC])) != 0)
		goto out;
	if ((r = put_algs(&b, mac_only, mac_name_at, mac_known)) != 0 ||
	    (r = take_list(&b, &p->list[PROP_MAC_CS])) != 0 ||
	    (r = put_algs(&b, mac_only, mac_name_at, mac_known)) != 0 ||
	    (r = take_list(&b, &p->list[PROP_MAC_SC])) != 0)
		goto out;
	/* The client's order decides (RFC 4253 7.1): a client that wants compression puts
	 * it first; "none" stays acceptable. */
	if (compress)
		for (i = 0; comp_algs[i]; i++)
			if (strcmp(comp_algs[i], "none") != 0 &&
			    (r = put_name(&b, comp_algs[i], strlen(comp_algs[i]))) != 0)
				goto out;
	if ((r = put_name(&b, "none", 4)) != 0 ||
	    (r = take_list(&b, &p->list[PROP_COMP_CS])) != 0 ||
	    (r = take_list(&b, &p->list[PROP_LANG_CS])) != 0 ||
	    (r = take_list(&b, &p->list[PROP_LANG_SC])) != 0)
		goto out;
	p->list[PROP_COMP_SC] = strdup(p->list[PROP_COMP_CS]);
	if (!p->list[PROP_COMP_SC])
		r = ERR_NOMEM;
out:
	buf_free(&b);
	if (r)
		kex_proposal_free(p);
	return r;
}

void kex_proposal_free(struct kex_proposal *p)
{
	int i;
	for (i = 0; i < PROP_MAX; i++) {
		free(p->list[i]);
		p->list[i] = NULL;
	}
}

int kex_put_kexinit(const struct kex_proposal *p, struct buf *out)
{
	uint8_t cookie[16];
	size_t save = out->len;
	int i, r;

	/* RFC 4253 7.1: the cookie makes the exchange hash unique to this exchange. */
	if ((r = rand_bytes(cookie, sizeof(cookie))) != 0)
		return r;
	if ((r = buf_put_u8(out, SSH_MSG_KEXINIT)) != 0 ||
	    (r = buf_put_bytes(out, cookie, sizeof(cookie))) != 0)
		goto out;
	for (i = 0; i < PROP_MAX; i++)
		if ((r = buf_put_cstr(out, p->list[i] ? p->list[i] : "")) != 0)
			goto out;
	/* We never send a guessed kex packet. */
	if ((r = buf_put_bool(out, 0)) != 0 || (r = buf_put_u32(out, 0)) != 0)
		goto out;
	return 0;
out:
	out->len = save;
	return r;
}

/* ---------------------------------------------------------------- hash and keys */

static int hash_bytes(struct hash_ctx *c, const void *p, size_t n)
{
	return n ? hash_update(c, p, n) : 0;
}

/* string encoding (RFC 4251 section 5) of p fed to the hash */
static int hash_string(struct hash_ctx *c, const void *p, size_t n)
{
	uint8_t l[4];
	int r;

	if (n > UINT32_MAX)
		return ERR_TOOBIG;
	store_be32(l, (uint32_t)n);
	if ((r = hash_update(c, l, sizeof(l))) == 0)
		r = hash_bytes(c, p, n);
	return r;
}

int kex_hash(enum hash_alg alg, const char *v_c, const char *v_s, const uint8_t *i_c,
	     size_t i_c_len, const uint8_t *i_s, size_t i_s_len, const uint8_t *k_s,
	     size_t k_s_len, const uint8_t *q_c, size_t q_c_len, const uint8_t *q_s,
	     size_t q_s_len, const uint8_t *k, size_t k_len, uint8_t *h)
{
	struct hash_ctx c;
	int r;

	if ((r = hash_init(&c, alg)) != 0)
		return r;
	/* RFC 4253 8 (and RFC 5656 4, RFC 8731 3): V_C, V_S, I_C, I_S and K_S as strings;
	 * the method's values and K arrive already in their wire encoding. */
	if ((r = hash_string(&c, v_c, strlen(v_c))) != 0 ||
	    (r = hash_string(&c, v_s, strlen(v_s))) != 0 ||
	    (r = hash_string(&c, i_c, i_c_len)) != 0 ||
	    (r = hash_string(&c, i_s, i_s_len)) != 0 ||
	    (r = hash_string(&c, k_s, k_s_len)) != 0 ||
	    (r = hash_bytes(&c, q_c, q_c_len)) != 0 ||
	    (r = hash_bytes(&c, q_s, q_s_len)) != 0 ||
	    (r = hash_bytes(&c, k, k_len)) != 0 ||
	    (r = hash_final(&c, h)) != 0)
		wipe(&c, sizeof(c)); /* it has seen K */
	return r;
}

int kex_derive(enum hash_alg alg, const uint8_t *k, size_t k_len, const uint8_t *h,
	       size_t h_len, char letter, const uint8_t *session_id, size_t sid_len,
	       uint8_t *out, size_t outlen)
{
	struct hash_ctx c;
	uint8_t blk[HASH_MAX_LEN];
	uint8_t x = (uint8_t)letter;
	size_t hl = hash_len(alg), have = 0, take;
	int r = 0;

	if (hl == 0 || hl > sizeof(blk))
		return ERR_INVALID;
	/* RFC 4253 7.2: K1 = HASH(K || H || X || session_id); while more is needed,
	 * K(n+1) = HASH(K || H || K1 || ... || Kn) and the key is K1 || K2 || ..., cut to
	 * length. Every block but the last is whole in out, so out[0..have) is exactly
	 * K1 || ... || Kn. */
	while (have < outlen) {
		if ((r = hash_init(&c, alg)) != 0)
			break;
		if ((r = hash_bytes(&c, k, k_len)) == 0 && (r = hash_bytes(&c, h, h_len)) == 0) {
			if (have == 0) {
				if ((r = hash_bytes(&c, &x, 1)) == 0)
					r = hash_bytes(&c, session_id, sid_len);
			} else {
				r = hash_bytes(&c, out, have);
			}
		}
		if (r == 0)
			r = hash_final(&c, blk);
		if (r)
			break;
		take = outlen - have < hl ? outlen - have : hl;
		memcpy(out + have, blk, take);
		have += take;
	}
	wipe(&c, sizeof(c));
	wipe(blk, sizeof(blk));
	if (r)
		wipe(out, outlen);
	return r;
}
