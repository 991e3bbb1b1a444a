/* keyfile-pem.c: PEM armour (RFC 7468) and the DER private-key structures OpenSSL and
 * ssh-keygen -m PEM / -m PKCS8 write: PKCS#1 RSAPrivateKey (RFC 8017 appendix A.1.2),
 * SEC 1 ECPrivateKey (RFC 5915 section 3) and PKCS#8 PrivateKeyInfo / OneAsymmetricKey
 * (RFC 5208 section 5, RFC 5958 section 2) for RSA, EC and Ed25519 (RFC 8410 section 7).
 *
 * Every structure is read with der.h on a view of the decoded bytes, which live in a
 * secret buffer; the parts go to the key_*_set_private() constructors, which check that
 * they agree. Nothing of the contents is trusted before those checks. */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "der.h"
#include "ecc.h"
#include "err.h"
#include "key-internal.h"
#include "keyfile-openssh.h"
#include "options.h"
#include "util.h"

/* ---------------------------------------------------------------- armour */

/* The next line of b without its "\n" (and a "\r" before it). */
static int next_line(struct buf *b, struct buf *line)
{
	const uint8_t *p = buf_ptr(b), *nl;
	size_t len;

	if (buf_avail(b) == 0)
		return ERR_TRUNCATED;
	nl = memchr(p, '\n', buf_avail(b));
	len = nl ? (size_t)(nl - p) : buf_avail(b);
	(void)buf_get_raw(b, &p, len);
	if (nl)
		(void)buf_skip(b, 1);
	while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--; /* trailing white space is not part of the line (RFC 7468 section 3) */
	buf_view(line, p, len);
	return 0;
}

static int line_starts(const struct buf *l, const char *s)
{
	size_t n = strlen(s);
	return buf_avail(l) >= n && memcmp(buf_ptr(l), s, n) == 0;
}

/* "-----BEGIN label-----" or "-----END label-----": the label, copied into out. */
static int marker(const struct buf *l, const char *kind, char out[PEM_MAX_LABEL])
{
	struct buf v = *l;
	const uint8_t *p;
	size_t n, i;

	if (!line_starts(&v, kind))
		return 0;
	(void)buf_skip(&v, strlen(kind));
	n = buf_avail(&v);
	if (n < 5 || n - 5 >= PEM_MAX_LABEL)
		return 0;
	(void)buf_get_raw(&v, &p, n - 5);
	if (memcmp(buf_ptr(&v), "-----", 5) != 0)
		return 0;
	for (i = 0; i < n - 5; i++)
		if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '-')
			return 0; /* RFC 7468 labels: printable, no hyphen-minus runs */
	memcpy(out, p, n - 5);
	out[n - 5] = '\0';
	return 1;
}

/* One block from the BEGIN line (already read) to its END line: base64 text, with
 * RFC 1421 headers (Proc-Type, DEK-Info) recognised only to refuse encryption. */
static int block(struct buf *in, const char *label, struct buf *der)
{
	struct buf line, text;
	char end[PEM_MAX_LABEL];
	uint8_t *dst, c;
	size_t cap, start;
	int r, body = 0;

	if ((r = buf_init_secret(&text, 1024, DB_MAX_KEYFILE)) != 0)
		return r;
	for (;;) {
		if (next_line(in, &line) != 0) {
			r = ERR_FORMAT; /* no END line: a truncated file */
			goto out;
		}
		if (marker(&line, "-----END ", end)) {
			r = strcmp(end, label) == 0 ? 0 : ERR_FORMAT;
			break;
		}
		if (!body && buf_avail(&line) && memchr(buf_ptr(&line), ':', buf_avail(&line))) {
			if (line_starts(&line, "Proc-Type:") &&
			    mem_has(buf_ptr(&line), buf_avail(&line), "ENCRYPTED", 9)) {
				r = ERR_UNSUPPORTED; /* OpenSSL's legacy encrypted PEM */
				goto out;
			}
			continue;
		}
		while (buf_get_u8(&line, &c) == 0) {
			if (c == ' ' || c == '\t' || c == '\r')
				continue;
			if ((r = buf_put_u8(&text, c)) != 0)
				goto out;
			body = 1;
		}
	}
	if (r != 0)
		goto out;
	if (text.len < 4) {
		r = ERR_FORMAT; /* nothing between the markers */
		goto out;
	}
	start = der->len;
	cap = text.len / 4 * 3;
	if ((r = buf_reserve(der, cap, &dst)) != 0)
		goto out;
	r = base64_dec((const char *)text.data, text.len, dst, &cap);
	der->len = start + (r == 0 ? cap : 0);
out:
	buf_free(&text);
	return r;
}

int pem_decode(const uint8_t *data, size_t n, char label[PEM_MAX_LABEL], struct buf *der)
{
	struct buf in, line;
	size_t save = der->len;
	int r;

	if (n > DB_MAX_KEYFILE)
		return ERR_TOOBIG;
	buf_view(&in, data, n);
	/* Text before the first BEGIN line is allowed (RFC 7468 section 2). */
	while (next_line(&in, &line) == 0) {
		if (!marker(&line, "-----BEGIN ", label))
			continue;
		r = block(&in, label, der);
		if (r == 0 && strcmp(label, "EC PARAMETERS") == 0) {
			der->len = save; /* openssl ecparam -genkey writes these first */
			continue;
		}
		if (r)
			der->len = save;
		return r;
	}
	return ERR_FORMAT;
}

int pem_encode(const char *label, const uint8_t *p, size_t n, size_t cols, struct buf *out)
{
	char *text = NULL;
	size_t tlen = base64_len(n), i, save = out->len;
	int r;

	if (cols == 0 || tlen == SIZE_MAX)
		return ERR_INVALID;
	if (!(text = malloc(tlen + 1)))
		return ERR_NOMEM;
	if ((r = base64_enc(p, n, text, tlen + 1)) != 0 ||
	    (r = buf_put_bytes(out, "-----BEGIN ", 11)) || (r = buf_put_bytes(out, label, strlen(label))) ||
	    (r = buf_put_bytes(out, "-----\n", 6)))
		goto out;
	for (i = 0; i < tlen; i += cols) {
		size_t k = tlen - i < cols ? tlen - i : cols;
		if ((r = buf_put_bytes(out, text + i, k)) != 0 || (r = buf_put_u8(out, '\n')) != 0)
			goto out;
	}
	if ((r = buf_put_bytes(out, "-----END ", 9)) == 0 &&
	    (r = buf_put_bytes(out, label, strlen(label))) == 0)
		r = buf_put_bytes(out, "-----\n", 6);
out:
	wipe(text, tlen + 1); /* the base64 of a private key is the private key */
	free(text);
	if (r)
		out->len = save;
	return r;
}

/* ---------------------------------------------------------------- key structures */

/* Object identifiers, as their DER contents octets. */
static const uint8_t oid_rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t oid_ec[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t oid_ed25519[] = { 0x2b, 0x65, 0x70 }; /* RFC 8410 section 3 */

static const struct {
	enum key_type type;
	uint8_t oid[8];
	size_t oidlen;
} ec_curves[] = {
	{ KEY_ECDSA_P256, { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 }, 8 }, /* prime256v1 */
	{ KEY_ECDSA_P384, { 0x2b, 0x81, 0x04, 0x00, 0x22 }, 5 },                   /* secp384r1 */
	{ KEY_ECDSA_P521, { 0x2b, 0x81, 0x04, 0x00, 0x23 }, 5 },                   /* secp521r1 */
};

/* A namedCurve OID (RFC 5480 section 2.1.1.1); ERR_UNSUPPORTED for any other curve. */
static int curve_oid(struct buf *b, enum key_type *type)
{
	struct buf oid;
	size_t i;
	int r = der_get_oid(b, NULL, 0, &oid);
	if (r)
		return r;
	for (i = 0; i < ARRAY_SIZE(ec_curves); i++) {
		if (buf_avail(&oid) == ec_curves[i].oidlen &&
		    memcmp(buf_ptr(&oid), ec_curves[i].oid, ec_curves[i].oidlen) == 0) {
			*type = ec_curves[i].type;
			return 0;
		}
	}
	return ERR_UNSUPPORTED;
}

/* 0 when the magnitude mag[n] equals a; ERR_MISMATCH otherwise. */
static int mp_same(const mp_int *a, const uint8_t *mag, size_t n)
{
	mp_int t;
	int r = key_mperr(mp_init(&t));
	if (r)
		return r;
	r = key_mperr(mp_from_ubin(&t, mag, n));
	if (!r && mp_cmp(&t, a) != MP_EQ)
		r = ERR_MISMATCH;
	key_mp_clear_secret(&t);
	return r;
}

/* RFC 8017 appendix A.1.2. The CRT values are derived again by the key module; the
 * file's must agree with them, or the file is corrupt. */
static int pkcs1_parse(struct buf *in, struct key **out)
{
	struct buf s;
	struct key_rsa_parts pt;
	const uint8_t *dp, *dq, *qinv;
	size_t dplen, dqlen, qinvlen;
	uint32_t version;
	struct key *k = NULL;
	int r;

	if ((r = der_get(in, DER_SEQUENCE, &s)) != 0 || (r = buf_end(in)) != 0 ||
	    (r = der_get_small(&s, &version)) != 0)
		return r;
	if (version != 0)
		return ERR_UNSUPPORTED; /* 1: multi-prime RSA */
	if ((r = der_get_uint(&s, &pt.n, &pt.nlen)) || (r = der_get_uint(&s, &pt.e, &pt.elen)) ||
	    (r = der_get_uint(&s, &pt.d, &pt.dlen)) || (r = der_get_uint(&s, &pt.p, &pt.plen)) ||
	    (r = der_get_uint(&s, &pt.q, &pt.qlen)) || (r = der_get_uint(&s, &dp, &dplen)) ||
	    (r = der_get_uint(&s, &dq, &dqlen)) || (r = der_get_uint(&s, &qinv, &qinvlen)) ||
	    (r = buf_end(&s)))
		return r;
	if ((r = key_new(KEY_RSA, &k)) != 0)
		return r;
	if ((r = key_rsa_set_private(k, &pt)) || (r = mp_same(&k->u.rsa.dp, dp, dplen)) ||
	    (r = mp_same(&k->u.rsa.dq, dq, dqlen)) || (r = mp_same(&k->u.rsa.qinv, qinv, qinvlen))) {
		key_free(k);
		return r;
	}
	*out = k;
	return 0;
}

/* An EC key from its scalar and (optional) public point. */
static int ec_build(enum key_type type, const uint8_t *d, size_t dlen, const uint8_t *q,
		    size_t qlen, struct key **out)
{
	uint8_t dpad[ECC_MAX_BYTES], derived[ECC_MAX_POINT];
	struct key *k = NULL;
	size_t nb;
	int r;

	if ((r = key_new(type, &k)) != 0)
		return r;
	nb = ecc_curve_bytes(k->u.ecdsa.curve);
	if (!q) {
		/* RFC 5915 makes publicKey optional: derive it */
		r = ERR_INVALID;
		if (dlen <= nb) {
			memset(dpad, 0, nb - dlen);
			memcpy(dpad + nb - dlen, d, dlen);
			r = ecc_pubkey(k->u.ecdsa.curve, dpad, derived);
		}
		q = derived;
		qlen = ecc_point_len(k->u.ecdsa.curve);
	}
	if (!r)
		r = key_ecdsa_set_private(k, q, qlen, d, dlen);
	wipe(dpad, sizeof(dpad));
	if (r) {
		key_free(k);
		return r;
	}
	*out = k;
	return 0;
}

/* RFC 5915 section 3. `type` is the curve named outside (PKCS#8's AlgorithmIdentifier)
 * or KEY_NONE; a curve named inside too must be the same one. */
static int sec1_parse(struct buf *in, enum key_type type, struct key **out)
{
	struct buf s, d, params, pub;
	const uint8_t *q = NULL;
	size_t qlen = 0;
	enum key_type inner = KEY_NONE;
	uint32_t version;
	int r;

	if ((r = der_get(in, DER_SEQUENCE, &s)) != 0 || (r = buf_end(in)) != 0 ||
	    (r = der_get_small(&s, &version)) != 0)
		return r;
	if (version != 1)
		return ERR_FORMAT;
	if ((r = der_get(&s, DER_OCTET_STRING, &d)) != 0)
		return r;
	if ((r = der_get_optional(&s, DER_CTX_CONS(0), &params)) < 0)
		return r;
	if (r == 1 && ((r = curve_oid(&params, &inner)) != 0 || (r = buf_end(&params)) != 0))
		return r;
	if ((r = der_get_optional(&s, DER_CTX_CONS(1), &pub)) < 0)
		return r;
	if (r == 1 && ((r = der_get_bits(&pub, &q, &qlen)) != 0 || (r = buf_end(&pub)) != 0))
		return r;
	if ((r = buf_end(&s)) != 0)
		return r;
	if (type == KEY_NONE)
		type = inner;
	if (type == KEY_NONE || (inner != KEY_NONE && inner != type))
		return ERR_FORMAT;
	return ec_build(type, buf_ptr(&d), buf_avail(&d), q, qlen, out);
}

/* RFC 8410 section 7: the private key is an OCTET STRING (CurvePrivateKey) inside the
 * privateKey OCTET STRING; the optional public key must belong to it. */
static int ed25519_parse(struct buf *in, const uint8_t *pk, size_t pklen, struct key **out)
{
	struct buf seed;
	struct key *k = NULL;
	int r;

	if ((r = der_get(in, DER_OCTET_STRING, &seed)) != 0 || (r = buf_end(in)) != 0)
		return r;
	if (buf_avail(&seed) != 32 || (pk && pklen != 32))
		return ERR_FORMAT;
	if ((r = key_new(KEY_ED25519, &k)) != 0)
		return r;
	if ((r = key_ed25519_set_private(k, buf_ptr(&seed), pk)) != 0) {
		key_free(k);
		return r;
	}
	*out = k;
	return 0;
}

/* RFC 5208 section 5 (version 0) and RFC 5958 section 2 (version 1, with publicKey). */
static int pkcs8_parse(struct buf *in, struct key **out)
{
	struct buf s, alg, oid, priv, attrs, pubs, params;
	const uint8_t *pk = NULL;
	size_t pklen = 0;
	enum key_type type = KEY_NONE;
	uint32_t version;
	uint8_t unused;
	int r;

	if ((r = der_get(in, DER_SEQUENCE, &s)) != 0 || (r = buf_end(in)) != 0 ||
	    (r = der_get_small(&s, &version)) != 0)
		return r;
	if (version > 1)
		return ERR_UNSUPPORTED;
	if ((r = der_get(&s, DER_SEQUENCE, &alg)) != 0 || (r = der_get_oid(&alg, NULL, 0, &oid)) ||
	    (r = der_get(&s, DER_OCTET_STRING, &priv)) != 0)
		return r;
	if ((r = der_get_optional(&s, DER_CTX_CONS(0), &attrs)) < 0)
		return r; /* attributes: nothing we use */
	if ((r = der_get_optional(&s, DER_CTX_PRIM(1), &pubs)) < 0)
		return r;
	if (r == 1) {
		/* [1] IMPLICIT BIT STRING: the unused-bits octet, then the key */
		if (version != 1 || buf_get_u8(&pubs, &unused) != 0 || unused != 0)
			return ERR_FORMAT;
		pk = buf_ptr(&pubs);
		pklen = buf_avail(&pubs);
	}
	if ((r = buf_end(&s)) != 0)
		return r;

	params = alg;
	if (buf_avail(&oid) == sizeof(oid_rsa) && !memcmp(buf_ptr(&oid), oid_rsa, sizeof(oid_rsa))) {
		/* parameters NULL (RFC 8017 appendix A.1), absent tolerated */
		if (der_get_optional(&params, DER_NULL, &attrs) < 0 || buf_end(&params) != 0)
			return ERR_FORMAT;
		return pkcs1_parse(&priv, out);
	}
	if (buf_avail(&oid) == sizeof(oid_ec) && !memcmp(buf_ptr(&oid), oid_ec, sizeof(oid_ec))) {
		if ((r = curve_oid(&params, &type)) != 0 || (r = buf_end(&params)) != 0)
			return r;
		return sec1_parse(&priv, type, out);
	}
	if (buf_avail(&oid) == sizeof(oid_ed25519) &&
	    !memcmp(buf_ptr(&oid), oid_ed25519, sizeof(oid_ed25519))) {
		if (buf_end(&params) != 0)
			return ERR_FORMAT; /* RFC 8410 section 3: parameters absent */
		return ed25519_parse(&priv, pk, pklen, out);
	}
	return ERR_UNSUPPORTED;
}

int keyfile_pem_parse_der(const char *label, const uint8_t *der, size_t n, struct key **out)
{
	struct buf in;
	int r;

	*out = NULL;
	if ((r = crypto_init()) != 0)
		return r;
	buf_view(&in, der, n);
	if (strcmp(label, "RSA PRIVATE KEY") == 0)
		return pkcs1_parse(&in, out);
	if (strcmp(label, "EC PRIVATE KEY") == 0)
		return sec1_parse(&in, KEY_NONE, out);
	if (strcmp(label, "PRIVATE KEY") == 0)
		return pkcs8_parse(&in, out);
	if (strcmp(label, "PUBLIC KEY") == 0 || strcmp(label, "RSA PUBLIC KEY") == 0 ||
	    strcmp(label, "EC PUBLIC KEY") == 0)
		return ERR_NEEDPRIVATE;
	/* "ENCRYPTED PRIVATE KEY" (PKCS#8 with PBES2), "DSA PRIVATE KEY", ... */
	return ERR_UNSUPPORTED;
}

int keyfile_pem_parse(const uint8_t *data, size_t n, struct key **out)
{
	char label[PEM_MAX_LABEL];
	struct buf der;
	int r;

	*out = NULL;
	if ((r = buf_init_secret(&der, 0, DB_MAX_KEYFILE)) != 0)
		return r;
	if ((r = pem_decode(data, n, label, &der)) == 0)
		r = keyfile_pem_parse_der(label, der.data, der.len, out);
	buf_free(&der);
	return r;
}
