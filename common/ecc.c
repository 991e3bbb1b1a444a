/* ecc.c: NIST P-256/384/521 over libtomcrypt's point arithmetic and libtommath.
 *
 * libtomcrypt 1.18 gives us a ladder for k*P (ltc_ecc_mulmod, timing-resistant build)
 * and Shamir's trick for u1*G + u2*Q (ltc_ecc_mul2add). What it lacks we add here: the
 * curve constants, point validation on import (SEC 1 v2 section 3.2.2.1), scalars
 * range-checked and uniform, an ECDSA that speaks (r, s) rather than DER, a hedged
 * nonce, and wiping.
 *
 * Memory note: we wipe every mp_int and point we own that held a secret before freeing
 * it. libtommath's own temporaries inside mp_mulmod/mp_invmod are freed unwiped; that
 * is a limit of the library we link, not something this file can fix. */
#include "ecc.h"

#include <string.h>
#include <tomcrypt.h>
#include <tommath.h>

#include "buf.h"
#include "err.h"
#include "util.h"

struct ecc_curve {
	unsigned bits;
	size_t bytes;
	const char *name; /* RFC 5656 section 10.1 curve identifier */
	enum hash_alg hash;
	const uint8_t *dom; /* p, b, n, Gx, Gy: `bytes` big-endian bytes each */
};

/* The domain parameters (FIPS 186-4 appendix D.1.2, SEC 2 v2 sections 2.4.2, 2.5.1,
 * 2.6.1; a = -3), ours rather than libtomcrypt's ltc_ecc_sets: that table has every
 * curve libtomcrypt knows, as hex strings (static build: 3 kB for its 2.5 kB of strings
 * and mp_read_radix, against 730 bytes here). tests/unit/test_key.c compares them with
 * libtomcrypt's. */
static const uint8_t p256[5 * 32] = {
	/* p */
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	/* b */
	0x5a, 0xc6, 0x35, 0xd8, 0xaa, 0x3a, 0x93, 0xe7, 0xb3, 0xeb, 0xbd, 0x55,
	0x76, 0x98, 0x86, 0xbc, 0x65, 0x1d, 0x06, 0xb0, 0xcc, 0x53, 0xb0, 0xf6,
	0x3b, 0xce, 0x3c, 0x3e, 0x27, 0xd2, 0x60, 0x4b,
	/* n */
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
	/* Gx */
	0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5,
	0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0,
	0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
	/* Gy */
	0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a,
	0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce,
	0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5,
};
static const uint8_t p384[5 * 48] = {
	/* p */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	/* b */
	0xb3, 0x31, 0x2f, 0xa7, 0xe2, 0x3e, 0xe7, 0xe4, 0x98, 0x8e, 0x05, 0x6b,
	0xe3, 0xf8, 0x2d, 0x19, 0x18, 0x1d, 0x9c, 0x6e, 0xfe, 0x81, 0x41, 0x12,
	0x03, 0x14, 0x08, 0x8f, 0x50, 0x13, 0x87, 0x5a, 0xc6, 0x56, 0x39, 0x8d,
	0x8a, 0x2e, 0xd1, 0x9d, 0x2a, 0x85, 0xc8, 0xed, 0xd3, 0xec, 0x2a, 0xef,
	/* n */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf, 0x58, 0x1a, 0x0d, 0xb2,
	0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
	/* Gx */
	0xaa, 0x87, 0xca, 0x22, 0xbe, 0x8b, 0x05, 0x37, 0x8e, 0xb1, 0xc7, 0x1e,
	0xf3, 0x20, 0xad, 0x74, 0x6e, 0x1d, 0x3b, 0x62, 0x8b, 0xa7, 0x9b, 0x98,
	0x59, 0xf7, 0x41, 0xe0, 0x82, 0x54, 0x2a, 0x38, 0x55, 0x02, 0xf2, 0x5d,
	0xbf, 0x55, 0x29, 0x6c, 0x3a, 0x54, 0x5e, 0x38, 0x72, 0x76, 0x0a, 0xb7,
	/* Gy */
	0x36, 0x17, 0xde, 0x4a, 0x96, 0x26, 0x2c, 0x6f, 0x5d, 0x9e, 0x98, 0xbf,
	0x92, 0x92, 0xdc, 0x29, 0xf8, 0xf4, 0x1d, 0xbd, 0x28, 0x9a, 0x14, 0x7c,
	0xe9, 0xda, 0x31, 0x13, 0xb5, 0xf0, 0xb8, 0xc0, 0x0a, 0x60, 0xb1, 0xce,
	0x1d, 0x7e, 0x81, 0x9d, 0x7a, 0x43, 0x1d, 0x7c, 0x90, 0xea, 0x0e, 0x5f,
};
static const uint8_t p521[5 * 66] = {
	/* p */
	0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	/* b */
	0x00, 0x51, 0x95, 0x3e, 0xb9, 0x61, 0x8e, 0x1c, 0x9a, 0x1f, 0x92, 0x9a,
	0x21, 0xa0, 0xb6, 0x85, 0x40, 0xee, 0xa2, 0xda, 0x72, 0x5b, 0x99, 0xb3,
	0x15, 0xf3, 0xb8, 0xb4, 0x89, 0x91, 0x8e, 0xf1, 0x09, 0xe1, 0x56, 0x19,
	0x39, 0x51, 0xec, 0x7e, 0x93, 0x7b, 0x16, 0x52, 0xc0, 0xbd, 0x3b, 0xb1,
	0xbf, 0x07, 0x35, 0x73, 0xdf, 0x88, 0x3d, 0x2c, 0x34, 0xf1, 0xef, 0x45,
	0x1f, 0xd4, 0x6b, 0x50, 0x3f, 0x00,
	/* n */
	0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfa, 0x51, 0x86,
	0x87, 0x83, 0xbf, 0x2f, 0x96, 0x6b, 0x7f, 0xcc, 0x01, 0x48, 0xf7, 0x09,
	0xa5, 0xd0, 0x3b, 0xb5, 0xc9, 0xb8, 0x89, 0x9c, 0x47, 0xae, 0xbb, 0x6f,
	0xb7, 0x1e, 0x91, 0x38, 0x64, 0x09,
	/* Gx */
	0x00, 0xc6, 0x85, 0x8e, 0x06, 0xb7, 0x04, 0x04, 0xe9, 0xcd, 0x9e, 0x3e,
	0xcb, 0x66, 0x23, 0x95, 0xb4, 0x42, 0x9c, 0x64, 0x81, 0x39, 0x05, 0x3f,
	0xb5, 0x21, 0xf8, 0x28, 0xaf, 0x60, 0x6b, 0x4d, 0x3d, 0xba, 0xa1, 0x4b,
	0x5e, 0x77, 0xef, 0xe7, 0x59, 0x28, 0xfe, 0x1d, 0xc1, 0x27, 0xa2, 0xff,
	0xa8, 0xde, 0x33, 0x48, 0xb3, 0xc1, 0x85, 0x6a, 0x42, 0x9b, 0xf9, 0x7e,
	0x7e, 0x31, 0xc2, 0xe5, 0xbd, 0x66,
	/* Gy */
	0x01, 0x18, 0x39, 0x29, 0x6a, 0x78, 0x9a, 0x3b, 0xc0, 0x04, 0x5c, 0x8a,
	0x5f, 0xb4, 0x2c, 0x7d, 0x1b, 0xd9, 0x98, 0xf5, 0x44, 0x49, 0x57, 0x9b,
	0x44, 0x68, 0x17, 0xaf, 0xbd, 0x17, 0x27, 0x3e, 0x66, 0x2c, 0x97, 0xee,
	0x72, 0x99, 0x5e, 0xf4, 0x26, 0x40, 0xc5, 0x50, 0xb9, 0x01, 0x3f, 0xad,
	0x07, 0x61, 0x35, 0x3c, 0x70, 0x86, 0xa2, 0x72, 0xc2, 0x40, 0x88, 0xbe,
	0x94, 0x76, 0x9f, 0xd1, 0x66, 0x50,
};

static const struct ecc_curve curves[] = {
	{ 256, 32, "nistp256", HASH_SHA256, p256 },
	{ 384, 48, "nistp384", HASH_SHA384, p384 },
	{ 521, 66, "nistp521", HASH_SHA512, p521 },
};

const struct ecc_curve *ecc_curve_by_bits(unsigned bits)
{
	size_t i;
	for (i = 0; i < ARRAY_SIZE(curves); i++)
		if (curves[i].bits == bits)
			return &curves[i];
	return NULL;
}

const struct ecc_curve *ecc_curve_by_name(const char *name, size_t len)
{
	size_t i;
	for (i = 0; i < ARRAY_SIZE(curves); i++)
		if (strlen(curves[i].name) == len && memcmp(curves[i].name, name, len) == 0)
			return &curves[i];
	return NULL;
}

const char *ecc_curve_name(const struct ecc_curve *c) { return c->name; }
unsigned ecc_curve_bits(const struct ecc_curve *c) { return c->bits; }
size_t ecc_curve_bytes(const struct ecc_curve *c) { return c->bytes; }
size_t ecc_point_len(const struct ecc_curve *c) { return 1 + 2 * c->bytes; }
enum hash_alg ecc_curve_hash(const struct ecc_curve *c) { return c->hash; }

/* ---- plumbing */

#define PX(pt) ((mp_int *)(pt)->x)
#define PY(pt) ((mp_int *)(pt)->y)
#define PZ(pt) ((mp_int *)(pt)->z)

static int mperr(mp_err e)
{
	return e == MP_OKAY ? 0 : e == MP_MEM ? ERR_NOMEM : ERR_CRYPTO;
}

static int ltcerr(int e)
{
	return e == CRYPT_OK ? 0 : e == CRYPT_MEM ? ERR_NOMEM : ERR_CRYPTO;
}

/* Zeroes the digits (mp_clear does not), leaving a valid zero. */
static void mp_wipe(mp_int *a)
{
	if (a->dp)
		explicit_bzero(a->dp, (size_t)a->alloc * sizeof(mp_digit));
	a->used = 0;
	a->sign = MP_ZPOS;
}

static void point_free(ecc_point *p, int secret)
{
	if (!p)
		return;
	if (secret) {
		mp_wipe(PX(p));
		mp_wipe(PY(p));
		mp_wipe(PZ(p));
	}
	ltc_ecc_del_point(p);
}

/* The domain parameters, loaded per operation: five reads cost nothing next to a
 * scalar multiplication, and no state outlives the call. */
struct params {
	const struct ecc_curve *c;
	mp_int p, n, b;
	ecc_point *g;
};

static void params_free(struct params *P)
{
	mp_clear_multi(&P->p, &P->n, &P->b, NULL);
	point_free(P->g, 0);
	P->g = NULL;
}

static int params_load(const struct ecc_curve *c, struct params *P)
{
	const uint8_t *d = c->dom;
	size_t nb = c->bytes;
	int r;

	memset(P, 0, sizeof(*P));
	if ((r = crypto_init()) != 0)
		return r;
	P->c = c;
	if ((r = mperr(mp_init_multi(&P->p, &P->n, &P->b, NULL))) != 0)
		return r;
	if (!(P->g = ltc_ecc_new_point())) {
		params_free(P);
		return ERR_NOMEM;
	}
	r = mperr(mp_from_ubin(&P->p, d, nb));
	if (!r)
		r = mperr(mp_from_ubin(&P->b, d + nb, nb));
	if (!r)
		r = mperr(mp_from_ubin(&P->n, d + 2 * nb, nb));
	if (!r)
		r = mperr(mp_from_ubin(PX(P->g), d + 3 * nb, nb));
	if (!r)
		r = mperr(mp_from_ubin(PY(P->g), d + 4 * nb, nb));
	if (!r)
		mp_set(PZ(P->g), 1);
	if (r)
		params_free(P);
	return r;
}

/* a as exactly len big-endian bytes. */
static int put_fixed(const mp_int *a, uint8_t *out, size_t len)
{
	size_t n = mp_ubin_size(a), w;
	if (n > len)
		return ERR_CRYPTO;
	memset(out, 0, len - n);
	return mperr(mp_to_ubin(a, out + (len - n), n, &w));
}

/* y^2 == x^3 - 3x + b (mod p): every NIST prime curve has a = -3. */
static int on_curve(struct params *P, const mp_int *x, const mp_int *y, int *ok)
{
	mp_int l, rr, t;
	int r;

	*ok = 0;
	if ((r = mperr(mp_init_multi(&l, &rr, &t, NULL))) != 0)
		return r;
	r = mperr(mp_sqrmod(y, &P->p, &l));
	if (!r)
		r = mperr(mp_sqrmod(x, &P->p, &rr));
	if (!r)
		r = mperr(mp_mulmod(&rr, x, &P->p, &rr));
	if (!r)
		r = mperr(mp_mul_d(x, 3, &t));
	if (!r)
		r = mperr(mp_sub(&rr, &t, &rr));
	if (!r)
		r = mperr(mp_add(&rr, &P->b, &rr));
	if (!r)
		r = mperr(mp_mod(&rr, &P->p, &rr)); /* mp_mod's result is in [0, p) */
	if (!r)
		*ok = mp_cmp(&l, &rr) == MP_EQ;
	mp_clear_multi(&l, &rr, &t, NULL);
	return r;
}

/* Decodes and validates an uncompressed point into pt (affine, z = 1). */
static int point_load(struct params *P, const uint8_t *in, size_t len, ecc_point *pt)
{
	struct buf b;
	const uint8_t *xs, *ys;
	uint8_t form;
	int r, ok;

	buf_view(&b, in, len);
	if (buf_get_u8(&b, &form) || form != 0x04 || buf_get_raw(&b, &xs, P->c->bytes) ||
	    buf_get_raw(&b, &ys, P->c->bytes) || buf_end(&b))
		return ERR_FORMAT;
	r = mperr(mp_from_ubin(PX(pt), xs, P->c->bytes));
	if (!r)
		r = mperr(mp_from_ubin(PY(pt), ys, P->c->bytes));
	if (r)
		return r;
	mp_set(PZ(pt), 1);
	if (mp_cmp(PX(pt), &P->p) != MP_LT || mp_cmp(PY(pt), &P->p) != MP_LT)
		return ERR_INVALID;
	if ((r = on_curve(P, PX(pt), PY(pt), &ok)) != 0)
		return r;
	return ok ? 0 : ERR_INVALID;
}

static int point_put(struct params *P, ecc_point *pt, uint8_t *out)
{
	int r;
	out[0] = 0x04;
	r = put_fixed(PX(pt), out + 1, P->c->bytes);
	if (!r)
		r = put_fixed(PY(pt), out + 1 + P->c->bytes, P->c->bytes);
	return r;
}

/* A secret scalar from its fixed-size encoding; ERR_INVALID unless 0 < k < n. */
static int scalar_load(struct params *P, const uint8_t *d, mp_int *k)
{
	int r = mperr(mp_from_ubin(k, d, P->c->bytes));
	if (!r && (mp_iszero(k) || mp_cmp(k, &P->n) != MP_LT))
		r = ERR_INVALID;
	return r;
}

/* Uniform in [1, n-1] by rejection: the orders are within 2^-32 of a power of two
 * (P-521's top byte keeps one bit), so a retry is rare. */
static int rand_scalar(struct params *P, mp_int *k)
{
	uint8_t buf[ECC_MAX_BYTES];
	unsigned top = (unsigned)mp_count_bits(&P->n) % 8;
	int r = ERR_CRYPTO, tries;

	for (tries = 0; tries < 64; tries++) {
		if ((r = rand_bytes(buf, P->c->bytes)) != 0)
			break;
		if (top)
			buf[0] &= (uint8_t)(0xff >> (8 - top));
		if ((r = mperr(mp_from_ubin(k, buf, P->c->bytes))) != 0)
			break;
		r = ERR_CRYPTO;
		if (!mp_iszero(k) && mp_cmp(k, &P->n) == MP_LT) {
			r = 0;
			break;
		}
	}
	wipe(buf, sizeof(buf));
	return r;
}

/* R = k*Q in affine coordinates, for a secret k in [1, n-1] and a valid Q.
 * ltc_ecc_mulmod's ladder runs one step per bit of k's digits (dummy steps over the
 * leading zeros), so its time tells k's digit count; k + n has the same digit count for
 * every k on these curves (n's bit length and one more fit the same digits), so we pass
 * that. The library's addition is not complete: it fails when a ladder prefix t of the
 * scalar has t = -1 or 2t + 1 = 0 (mod n), which for k + n happens exactly when k is n-2
 * or n-1; for those two we compute (n - k)*Q and negate. The result is checked to be on
 * the curve, so a fault or any other edge case fails closed instead of leaking. */
static int mul(struct params *P, const mp_int *k, ecc_point *Q, ecc_point *R)
{
	mp_int kk;
	int r, ok = 0, neg = 0;

	if ((r = mperr(mp_init(&kk))) != 0)
		return r;
	r = mperr(mp_sub_d(&P->n, 2, &kk));
	if (!r && mp_cmp(k, &kk) != MP_LT) {
		neg = 1;
		r = mperr(mp_sub(&P->n, k, &kk));
		if (!r)
			r = mperr(mp_add(&kk, &P->n, &kk));
	} else if (!r) {
		r = mperr(mp_add(k, &P->n, &kk));
	}
	if (!r)
		r = ltcerr(ltc_ecc_mulmod(&kk, Q, R, &P->p, 1));
	if (!r && neg && !mp_iszero(PY(R)))
		r = mperr(mp_sub(&P->p, PY(R), PY(R)));
	if (!r)
		r = on_curve(P, PX(R), PY(R), &ok);
	if (!r && !ok)
		r = ERR_CRYPTO;
	mp_wipe(&kk);
	mp_clear(&kk);
	return r;
}

/* The digest as an integer, keeping its leftmost bitlen(n) bits (SEC 1 section 4.1.3
 * step 5). */
static int digest_int(struct params *P, const uint8_t *h, size_t hlen, mp_int *e)
{
	size_t nbits = (size_t)mp_count_bits(&P->n);
	int r = mperr(mp_from_ubin(e, h, hlen));
	if (!r && hlen * 8 > nbits)
		r = mperr(mp_div_2d(e, (int)(hlen * 8 - nbits), e, NULL));
	return r;
}

/* ---- public operations */

int ecc_point_check(const struct ecc_curve *c, const uint8_t *pt, size_t len)
{
	struct params P;
	ecc_point *q;
	int r;

	if ((r = params_load(c, &P)) != 0)
		return r;
	if (!(q = ltc_ecc_new_point()))
		r = ERR_NOMEM;
	else
		r = point_load(&P, pt, len, q);
	point_free(q, 0);
	params_free(&P);
	return r;
}

static int pubkey(struct params *P, const mp_int *k, uint8_t *q)
{
	ecc_point *R = ltc_ecc_new_point();
	int r = R ? mul(P, k, P->g, R) : ERR_NOMEM;
	if (!r)
		r = point_put(P, R, q);
	point_free(R, 0);
	return r;
}

int ecc_pubkey(const struct ecc_curve *c, const uint8_t *d, uint8_t *q)
{
	struct params P;
	mp_int k;
	int r;

	if ((r = params_load(c, &P)) != 0)
		return r;
	if ((r = mperr(mp_init(&k))) == 0) {
		r = scalar_load(&P, d, &k);
		if (!r)
			r = pubkey(&P, &k, q);
		mp_wipe(&k);
		mp_clear(&k);
	}
	params_free(&P);
	return r;
}

int ecc_keypair(const struct ecc_curve *c, uint8_t *d, uint8_t *q)
{
	struct params P;
	mp_int k;
	int r;

	if ((r = params_load(c, &P)) != 0)
		return r;
	if ((r = mperr(mp_init(&k))) == 0) {
		r = rand_scalar(&P, &k);
		if (!r)
			r = put_fixed(&k, d, c->bytes);
		if (!r)
			r = pubkey(&P, &k, q);
		if (r)
			wipe(d, c->bytes);
		mp_wipe(&k);
		mp_clear(&k);
	}
	params_free(&P);
	return r;
}

int ecc_shared(const struct ecc_curve *c, const uint8_t *d, const uint8_t *peer,
	       size_t peerlen, uint8_t *x)
{
	struct params P;
	ecc_point *Q = NULL, *R = NULL;
	mp_int k;
	int r;

	if ((r = params_load(c, &P)) != 0)
		return r;
	if ((r = mperr(mp_init(&k))) != 0) {
		params_free(&P);
		return r;
	}
	Q = ltc_ecc_new_point();
	R = ltc_ecc_new_point();
	if (!Q || !R)
		r = ERR_NOMEM;
	if (!r)
		r = point_load(&P, peer, peerlen, Q);
	if (!r)
		r = scalar_load(&P, d, &k);
	/* Q has prime order n and k is in [1, n-1], so k*Q is never infinity; mul() fails
	 * closed if the arithmetic says otherwise. */
	if (!r)
		r = mul(&P, &k, Q, R);
	if (!r)
		r = put_fixed(PX(R), x, c->bytes);
	if (r)
		wipe(x, c->bytes);
	point_free(R, 1);
	point_free(Q, 0);
	mp_wipe(&k);
	mp_clear(&k);
	params_free(&P);
	return r;
}

/* The hedged nonce: k = HMAC-SHA-512(d, seed || h || counter || block), blocks
 * concatenated to the scalar's size, top bits masked, rejected unless 0 < k < n.
 * With a good seed this is uniform; with a repeated or predictable seed it still differs
 * for every (d, h), which is all ECDSA needs not to leak d (cf. RFC 6979 section 3.6). */
static int nonce(struct params *P, const uint8_t *d, const uint8_t *h, size_t hlen, mp_int *k)
{
	uint8_t msg[32 + HASH_MAX_LEN + 2], out[2 * 64];
	size_t nb = P->c->bytes, off;
	unsigned top = (unsigned)mp_count_bits(&P->n) % 8;
	int r, ctr;

	if ((r = rand_bytes(msg, 32)) != 0)
		return r;
	memcpy(msg + 32, h, hlen);
	r = ERR_CRYPTO;
	for (ctr = 0; ctr < 64; ctr++) {
		msg[32 + hlen] = (uint8_t)ctr;
		for (off = 0; off < nb; off += 64) {
			msg[33 + hlen] = (uint8_t)(off / 64);
			if ((r = hmac_buf(HASH_SHA512, d, nb, msg, 34 + hlen, out + off)) != 0)
				goto out;
		}
		if (top)
			out[0] &= (uint8_t)(0xff >> (8 - top));
		if ((r = mperr(mp_from_ubin(k, out, nb))) != 0)
			goto out;
		r = ERR_CRYPTO;
		if (!mp_iszero(k) && mp_cmp(k, &P->n) == MP_LT) {
			r = 0;
			break;
		}
	}
out:
	wipe(msg, sizeof(msg));
	wipe(out, sizeof(out));
	return r;
}

int ecc_ecdsa_sign(const struct ecc_curve *c, const uint8_t *d, const uint8_t *h,
		   size_t hlen, uint8_t *rout, uint8_t *sout)
{
	struct params P;
	ecc_point *R = NULL;
	mp_int x, k, e, rr, s, t, bl, inv;
	int r, tries;

	if (hlen == 0 || hlen > HASH_MAX_LEN)
		return ERR_INVALID;
	if ((r = params_load(c, &P)) != 0)
		return r;
	if ((r = mperr(mp_init_multi(&x, &k, &e, &rr, &s, &t, &bl, &inv, NULL))) != 0) {
		params_free(&P);
		return r;
	}
	if (!(R = ltc_ecc_new_point()))
		r = ERR_NOMEM;
	if (!r)
		r = scalar_load(&P, d, &x);
	if (!r)
		r = digest_int(&P, h, hlen, &e);
	for (tries = 0; !r && tries < 16; tries++) {
		r = nonce(&P, d, h, hlen, &k);
		if (!r)
			r = mul(&P, &k, P.g, R);
		if (!r)
			r = mperr(mp_mod(PX(R), &P.n, &rr));
		if (r || mp_iszero(&rr))
			continue; /* r == 0: SEC 1 section 4.1.3 step 4 says pick another k */
		/* k^-1 through a random blind b: (k*b)^-1 * b, so that mp_invmod's
		 * variable-time Euclid never sees k itself. */
		r = rand_scalar(&P, &bl);
		if (!r)
			r = mperr(mp_mulmod(&k, &bl, &P.n, &t));
		if (!r)
			r = mperr(mp_invmod(&t, &P.n, &inv));
		if (!r)
			r = mperr(mp_mulmod(&inv, &bl, &P.n, &t));
		/* s = k^-1 (e + r x) mod n */
		if (!r)
			r = mperr(mp_mulmod(&rr, &x, &P.n, &s));
		if (!r)
			r = mperr(mp_add(&s, &e, &s));
		if (!r)
			r = mperr(mp_mulmod(&s, &t, &P.n, &s));
		if (r)
			break;
		if (mp_iszero(&s))
			continue;
		r = put_fixed(&rr, rout, c->bytes);
		if (!r)
			r = put_fixed(&s, sout, c->bytes);
		break;
	}
	if (!r && tries == 16)
		r = ERR_CRYPTO;
	point_free(R, 1);
	mp_wipe(&x);
	mp_wipe(&k);
	mp_wipe(&t);
	mp_wipe(&bl);
	mp_wipe(&inv);
	mp_clear_multi(&x, &k, &e, &rr, &s, &t, &bl, &inv, NULL);
	params_free(&P);
	return r;
}

int ecc_ecdsa_verify(const struct ecc_curve *c, const uint8_t *q, size_t qlen,
		     const uint8_t *h, size_t hlen, const uint8_t *rb, size_t rlen,
		     const uint8_t *sb, size_t slen)
{
	struct params P;
	ecc_point *Q = NULL, *X = NULL;
	mp_int e, rr, s, w, u1, u2, v;
	int r;

	if (hlen == 0 || hlen > HASH_MAX_LEN)
		return ERR_INVALID;
	if ((r = params_load(c, &P)) != 0)
		return r;
	if ((r = mperr(mp_init_multi(&e, &rr, &s, &w, &u1, &u2, &v, NULL))) != 0) {
		params_free(&P);
		return r;
	}
	Q = ltc_ecc_new_point();
	X = ltc_ecc_new_point();
	if (!Q || !X)
		r = ERR_NOMEM;
	if (!r)
		r = point_load(&P, q, qlen, Q);
	if (!r && (rlen > c->bytes || slen > c->bytes))
		r = ERR_BADSIG;
	if (!r)
		r = mperr(mp_from_ubin(&rr, rb, rlen));
	if (!r)
		r = mperr(mp_from_ubin(&s, sb, slen));
	/* SEC 1 section 4.1.4 step 1: r, s in [1, n-1] */
	if (!r && (mp_iszero(&rr) || mp_iszero(&s) || mp_cmp(&rr, &P.n) != MP_LT ||
		   mp_cmp(&s, &P.n) != MP_LT))
		r = ERR_BADSIG;
	if (!r)
		r = digest_int(&P, h, hlen, &e);
	if (!r)
		r = mperr(mp_invmod(&s, &P.n, &w));
	if (!r)
		r = mperr(mp_mulmod(&e, &w, &P.n, &u1));
	if (!r)
		r = mperr(mp_mulmod(&rr, &w, &P.n, &u2));
	/* X = u1*G + u2*Q; u2 != 0 since r, w are units. A failure (the point at infinity
	 * cannot be mapped to affine) means the signature is bad. */
	if (!r) {
		int lr = ltc_ecc_mul2add(P.g, &u1, Q, &u2, X, &P.p);
		r = lr == CRYPT_OK ? 0 : lr == CRYPT_MEM ? ERR_NOMEM : ERR_BADSIG;
	}
	if (!r)
		r = mperr(mp_mod(PX(X), &P.n, &v));
	if (!r && mp_cmp(&v, &rr) != MP_EQ)
		r = ERR_BADSIG;
	point_free(Q, 0);
	point_free(X, 0);
	mp_clear_multi(&e, &rr, &s, &w, &u1, &u2, &v, NULL);
	params_free(&P);
	return r;
}
