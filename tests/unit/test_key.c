/* Signing keys: round trips for every type and size through the Dropbear file format and
 * the public blob, every signature algorithm, tampering, malformed blobs and signatures,
 * and the NIST curve plumbing in ecc.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "ecc.h"
#include "err.h"
#include "harness.h"
#include "key.h"
#include "key-internal.h"
#include "keyfile.h"
#include "options.h"

static const uint8_t msg[] = "the exchange hash, or anything else worth signing";

static const char *const rsa_algs[] = { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" };

static void blob_of(const struct key *k, struct buf *b)
{
	CHECK_OK(buf_init(b, 256, DB_MAX_PUBKEY_BLOB));
	CHECK_OK(key_put_blob(k, b));
}

/* sign with k, verify with v; then flip a data byte and every 7th signature byte */
static void sign_verify(const struct key *k, const struct key *v, const char *alg)
{
	struct buf sig;
	uint8_t data[sizeof(msg)];
	size_t i;

	CHECK_OK(buf_init(&sig, 256, 8192));
	CHECK_OK(key_sign(k, alg, msg, sizeof(msg), &sig));
	CHECK_OK(key_verify(v, alg, sig.data, sig.len, msg, sizeof(msg)));
	memcpy(data, msg, sizeof(msg));
	data[3] ^= 1;
	CHECK(key_verify(v, alg, sig.data, sig.len, data, sizeof(data)) != 0);
	for (i = 0; i < sig.len; i += 7) {
		sig.data[i] ^= 0x20;
		CHECK(key_verify(v, alg, sig.data, sig.len, msg, sizeof(msg)) != 0);
		sig.data[i] ^= 0x20;
	}
	/* truncated and extended */
	CHECK(key_verify(v, alg, sig.data, sig.len - 1, msg, sizeof(msg)) != 0);
	CHECK_OK(buf_put_u8(&sig, 0));
	CHECK(key_verify(v, alg, sig.data, sig.len, msg, sizeof(msg)) == ERR_TRAILING);
	buf_free(&sig);
}

/* generate -> Dropbear file -> parse -> same blob and fingerprint -> sign/verify */
static void roundtrip(enum key_type t, unsigned bits)
{
	struct key *k = NULL, *f = NULL, *p = NULL;
	struct buf file, b1, b2;
	char fp1[KEY_FP_LEN], fp2[KEY_FP_LEN];
	size_t i;

	CHECK_OK(key_generate(t, bits, &k));
	if (!k)
		return;
	CHECK(key_type(k) == t);
	CHECK(key_is_private(k));
	CHECK(key_bits(k) == (t == KEY_ED25519 ? 256 : t == KEY_ECDSA_P256 ? 256
			      : t == KEY_ECDSA_P384 ? 384 : t == KEY_ECDSA_P521 ? 521 : bits));
	CHECK_OK(buf_init_secret(&file, 256, DB_MAX_KEYFILE));
	CHECK_OK(keyfile_dropbear_put(k, &file));
	CHECK_OK(keyfile_parse(file.data, file.len, &f));
	if (!f)
		goto out;
	blob_of(k, &b1);
	blob_of(f, &b2);
	CHECK(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
	CHECK(key_equal_public(k, f));
	CHECK_OK(key_fingerprint(k, fp1, sizeof(fp1)));
	CHECK_OK(key_fingerprint(f, fp2, sizeof(fp2)));
	CHECK(strcmp(fp1, fp2) == 0);
	CHECK(strncmp(fp1, "SHA256:", 7) == 0 && strlen(fp1) == 7 + 43);

	/* the public blob alone */
	CHECK_OK(key_from_blob(b1.data, b1.len, &p));
	if (p) {
		CHECK(!key_is_private(p));
		CHECK(key_equal_public(p, k));
		CHECK(key_bits(p) == key_bits(k));
		CHECK(key_sign(p, key_type_name(t), msg, sizeof(msg), &b2) == ERR_NEEDPRIVATE);
		{
			struct buf tmp;
			CHECK_OK(buf_init(&tmp, 64, 1024));
			CHECK(keyfile_dropbear_put(p, &tmp) == ERR_NEEDPRIVATE);
			buf_free(&tmp);
		}
	}
	/* trailing byte and every truncation of the blob */
	CHECK_OK(buf_put_u8(&b1, 0));
	{
		struct key *x = NULL;
		CHECK(key_from_blob(b1.data, b1.len, &x) == ERR_TRAILING && !x);
		for (i = 0; i + 1 < b1.len; i++) {
			CHECK(key_from_blob(b1.data, i, &x) != 0 && !x);
		}
	}

	if (t == KEY_RSA) {
		for (i = 0; i < 3; i++) {
			sign_verify(f, k, rsa_algs[i]);
			if (p)
				sign_verify(k, p, rsa_algs[i]);
			CHECK(key_sig_alg_ok(k, rsa_algs[i], strlen(rsa_algs[i])));
		}
		CHECK(!key_sig_alg_ok(k, "ssh-ed25519", 11));
	} else {
		sign_verify(f, k, key_type_name(t));
		if (p)
			sign_verify(k, p, key_type_name(t));
		CHECK(key_sig_alg_ok(k, key_type_name(t), strlen(key_type_name(t))));
		CHECK(!key_sig_alg_ok(k, "rsa-sha2-256", 12));
	}
	buf_free(&b1);
	buf_free(&b2);
out:
	buf_free(&file);
	key_free(k);
	key_free(f);
	key_free(p);
}

static void test_ed25519(void) { roundtrip(KEY_ED25519, 0); }
static void test_ecdsa_p256(void) { roundtrip(KEY_ECDSA_P256, 0); }
static void test_ecdsa_p384(void) { roundtrip(KEY_ECDSA_P384, 384); }
static void test_ecdsa_p521(void) { roundtrip(KEY_ECDSA_P521, 0); }
/* Generated RSA keys, checked with libtommath's own full primality test (BPSW plus
 * Miller-Rabin; key generation uses our trial division and Miller-Rabin) and the
 * identities of RFC 8017 section 3.2, FIPS 186-4 B.3.1 and B.3.3. */
static void rsa_check_generated(unsigned bits)
{
	struct key *k = NULL;
	const struct key_rsa *a;
	mp_int t, p1, q1, l;
	mp_bool isp = MP_NO;
	int half = (int)bits / 2;

	CHECK_OK(key_generate(KEY_RSA, bits, &k));
	if (!k)
		return;
	a = &k->u.rsa;
	CHECK(mp_init_multi(&t, &p1, &q1, &l, NULL) == MP_OKAY);
	CHECK(mp_count_bits(&a->n) == (int)bits);
	CHECK(mp_count_bits(&a->p) == half && mp_count_bits(&a->q) == half);
	CHECK(mp_mul(&a->p, &a->q, &t) == MP_OKAY && mp_cmp(&t, &a->n) == MP_EQ);
	CHECK(mp_prime_is_prime(&a->p, mp_prime_rabin_miller_trials(half), &isp) == MP_OKAY &&
	      isp == MP_YES);
	isp = MP_NO;
	CHECK(mp_prime_is_prime(&a->q, mp_prime_rabin_miller_trials(half), &isp) == MP_OKAY &&
	      isp == MP_YES);
	CHECK(mp_sub(&a->p, &a->q, &t) == MP_OKAY && mp_count_bits(&t) > half - 100);
	CHECK(mp_cmp_d(&a->e, 65537) == MP_EQ);
	/* e*d = 1 mod lcm(p-1, q-1), d > 2^(bits/2) */
	CHECK(mp_sub_d(&a->p, 1, &p1) == MP_OKAY && mp_sub_d(&a->q, 1, &q1) == MP_OKAY);
	CHECK(mp_lcm(&p1, &q1, &l) == MP_OKAY);
	CHECK(mp_mulmod(&a->e, &a->d, &l, &t) == MP_OKAY && mp_cmp_d(&t, 1) == MP_EQ);
	CHECK(mp_cmp(&a->d, &l) == MP_LT && mp_count_bits(&a->d) > half);
	/* dP = d mod (p-1), dQ = d mod (q-1), qInv*q = 1 mod p */
	CHECK(mp_mod(&a->d, &p1, &t) == MP_OKAY && mp_cmp(&t, &a->dp) == MP_EQ);
	CHECK(mp_mod(&a->d, &q1, &t) == MP_OKAY && mp_cmp(&t, &a->dq) == MP_EQ);
	CHECK(mp_mulmod(&a->q, &a->qinv, &a->p, &t) == MP_OKAY && mp_cmp_d(&t, 1) == MP_EQ);
	CHECK(mp_cmp(&a->qinv, &a->p) == MP_LT);
	mp_clear_multi(&t, &p1, &q1, &l, NULL);
	key_free(k);
}

/* rsa_private's fault check: a wrong CRT half (here a corrupted dP) must give an
 * error, never a signature (which would give away p). */
static void test_rsa_crt_fault(void)
{
	struct key *k = NULL;
	struct buf sig;
	int i;

	CHECK_OK(key_generate(KEY_RSA, 1024, &k));
	if (!k)
		return;
	CHECK_OK(buf_init(&sig, 256, 8192));
	for (i = 0; i < 8; i++) { /* s1 - s2 negative and positive alike */
		sig.len = 0;
		CHECK_OK(key_sign(k, "rsa-sha2-256", msg, i + 1, &sig));
		CHECK_OK(key_verify(k, "rsa-sha2-256", sig.data, sig.len, msg, i + 1));
	}
	CHECK(mp_add_d(&k->u.rsa.dp, 2, &k->u.rsa.dp) == MP_OKAY);
	sig.len = 0;
	CHECK(key_sign(k, "rsa-sha2-256", msg, sizeof(msg), &sig) == ERR_CRYPTO);
	CHECK(sig.len == 0);
	buf_free(&sig);
	key_free(k);
}

static void test_rsa_generated(void)
{
	int i;
	for (i = 0; i < 3; i++)
		rsa_check_generated(1024);
	rsa_check_generated(2048);
	rsa_check_generated(3072);
}

static void test_rsa_1024(void) { roundtrip(KEY_RSA, 1024); }
static void test_rsa_1032(void) { roundtrip(KEY_RSA, 1032); }
static void test_rsa_2048(void) { roundtrip(KEY_RSA, 2048); }
static void test_rsa_3072(void) { roundtrip(KEY_RSA, 3072); }
static void test_rsa_4096(void) { roundtrip(KEY_RSA, 4096); }

static void test_names(void)
{
	static const enum key_type all[] = { KEY_ED25519, KEY_ECDSA_P256, KEY_ECDSA_P384,
					     KEY_ECDSA_P521, KEY_RSA };
	size_t i;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *n = key_type_name(all[i]);
		CHECK(n != NULL);
		if (n)
			CHECK(key_type_from_name(n, strlen(n)) == all[i]);
	}
	CHECK(key_type_name(KEY_NONE) == NULL);
	CHECK(key_type_from_name("ssh-dss", 7) == KEY_NONE);
	CHECK(key_type_from_name("ssh-ed25519", 10) == KEY_NONE); /* prefix */
	CHECK(key_type_from_name("ssh-ed255199", 12) == KEY_NONE);
	CHECK(key_type_from_name("rsa-sha2-256", 12) == KEY_NONE); /* an algorithm, not a type */
}

static void test_generate_limits(void)
{
	struct key *k = (struct key *)1;
	CHECK(key_generate(KEY_RSA, 1016, &k) == ERR_INVALID && !k);
	CHECK(key_generate(KEY_RSA, 2044, &k) == ERR_INVALID && !k);
	CHECK(key_generate(KEY_RSA, 8200, &k) == ERR_INVALID && !k);
	CHECK(key_generate(KEY_ED25519, 512, &k) == ERR_INVALID && !k);
	CHECK(key_generate(KEY_ECDSA_P256, 384, &k) == ERR_INVALID && !k);
	CHECK(key_generate(KEY_NONE, 0, &k) == ERR_UNSUPPORTED && !k);
	CHECK(key_generate((enum key_type)99, 0, &k) == ERR_UNSUPPORTED && !k);
}

static void test_comment(void)
{
	struct key *k;
	char *longc = malloc(DB_MAX_COMMENT + 100);
	CHECK_OK(key_generate(KEY_ED25519, 0, &k));
	CHECK(strcmp(key_comment(k), "") == 0);
	CHECK_OK(key_set_comment(k, "alice@example"));
	CHECK(strcmp(key_comment(k), "alice@example") == 0);
	memset(longc, 'c', DB_MAX_COMMENT + 99);
	longc[DB_MAX_COMMENT + 99] = 0;
	CHECK_OK(key_set_comment(k, longc));
	CHECK(strlen(key_comment(k)) == DB_MAX_COMMENT);
	CHECK_OK(key_set_comment(k, NULL));
	CHECK(strcmp(key_comment(k), "") == 0);
	key_free(k);
	key_free(NULL);
	free(longc);
}

/* Splits a signature blob into its algorithm name and signature string. */
static void split_sig(const struct buf *sig, const uint8_t **alg, size_t *alglen,
		      const uint8_t **s, size_t *slen)
{
	struct buf r;
	buf_view(&r, sig->data, sig->len);
	CHECK_OK(buf_get_string(&r, alg, alglen));
	CHECK_OK(buf_get_string(&r, s, slen));
	CHECK_OK(buf_end(&r));
}

static void make_sig(struct buf *out, const char *alg, const uint8_t *s, size_t slen)
{
	buf_reset(out);
	CHECK_OK(buf_put_cstr(out, alg));
	CHECK_OK(buf_put_string(out, s, slen));
}

/* RFC 8332 section 3: verifiers accept a signature shorter than the modulus (as if
 * left-padded with zeros), never a longer one. Sign until a signature happens to start
 * with a zero byte (1 in 256). */
static void test_rsa_short_signature(void)
{
	struct key *k;
	struct buf sig, alt;
	const uint8_t *alg, *s;
	size_t alglen, slen;
	uint8_t data[8] = { 0 };
	uint8_t longer[1 + 128];
	int i, found = 0;

	CHECK_OK(key_generate(KEY_RSA, 1024, &k));
	CHECK_OK(buf_init(&sig, 256, 4096));
	CHECK_OK(buf_init(&alt, 256, 4096));
	for (i = 0; i < 4000 && !found; i++) {
		store_be32(data, (uint32_t)i);
		buf_reset(&sig);
		CHECK_OK(key_sign(k, "rsa-sha2-256", data, sizeof(data), &sig));
		split_sig(&sig, &alg, &alglen, &s, &slen);
		CHECK(slen == 128);
		if (s[0] == 0)
			found = 1;
	}
	CHECK(found);
	if (found) {
		make_sig(&alt, "rsa-sha2-256", s + 1, slen - 1);
		CHECK_OK(key_verify(k, "rsa-sha2-256", alt.data, alt.len, data, sizeof(data)));
	}
	/* one byte longer than the modulus, even with a leading zero: refused */
	longer[0] = 0;
	memcpy(longer + 1, s, 128);
	make_sig(&alt, "rsa-sha2-256", longer, sizeof(longer));
	CHECK(key_verify(k, "rsa-sha2-256", alt.data, alt.len, data, sizeof(data)) == ERR_BADSIG);
	/* the algorithm in the blob must be the one asked for */
	CHECK(key_verify(k, "rsa-sha2-512", sig.data, sig.len, data, sizeof(data)) == ERR_BADSIG);
	CHECK(key_verify(k, "ssh-rsa", sig.data, sig.len, data, sizeof(data)) == ERR_BADSIG);
	CHECK(key_verify(k, "ssh-ed25519", sig.data, sig.len, data, sizeof(data)) ==
	      ERR_UNSUPPORTED);
	CHECK(key_sign(k, "ecdsa-sha2-nistp256", data, sizeof(data), &sig) == ERR_UNSUPPORTED);
	/* s >= n is refused (RSAVP1): the modulus itself as the signature */
	{
		struct buf blob, r;
		const uint8_t *nm, *e, *n;
		size_t nmlen, elen, nlen;
		blob_of(k, &blob);
		buf_view(&r, blob.data, blob.len);
		CHECK_OK(buf_get_string(&r, &nm, &nmlen));
		CHECK_OK(buf_get_mpint(&r, &e, &elen));
		CHECK_OK(buf_get_mpint(&r, &n, &nlen));
		make_sig(&alt, "rsa-sha2-256", n, nlen);
		CHECK(key_verify(k, "rsa-sha2-256", alt.data, alt.len, data, sizeof(data)) ==
		      ERR_BADSIG);
		buf_free(&blob);
	}
	buf_free(&sig);
	buf_free(&alt);
	key_free(k);
}

/* The P-256 order, big-endian. */
static const char p256_n[] =
	"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

static void test_ecdsa_signature_values(void)
{
	struct key *k;
	struct buf sig, alt, inner;
	const uint8_t *alg, *s, *rp, *sp;
	size_t alglen, slen, rlen, splen;
	uint8_t n[32], one = 1;

	hex2bin(p256_n, n, sizeof(n));
	CHECK_OK(key_generate(KEY_ECDSA_P256, 0, &k));
	CHECK_OK(buf_init(&sig, 256, 4096));
	CHECK_OK(buf_init(&alt, 256, 4096));
	CHECK_OK(buf_init(&inner, 256, 4096));
	CHECK_OK(key_sign(k, "ecdsa-sha2-nistp256", msg, sizeof(msg), &sig));
	split_sig(&sig, &alg, &alglen, &s, &slen);
	{
		struct buf r;
		buf_view(&r, s, slen);
		CHECK_OK(buf_get_mpint(&r, &rp, &rlen));
		CHECK_OK(buf_get_mpint(&r, &sp, &splen));
		CHECK_OK(buf_end(&r));
	}
#define TRY(R, RL, S, SL, want)                                                          \
	do {                                                                             \
		buf_reset(&inner);                                                       \
		CHECK_OK(buf_put_mpint(&inner, R, RL));                                  \
		CHECK_OK(buf_put_mpint(&inner, S, SL));                                  \
		make_sig(&alt, "ecdsa-sha2-nistp256", inner.data, inner.len);            \
		CHECK(key_verify(k, "ecdsa-sha2-nistp256", alt.data, alt.len, msg,       \
				 sizeof(msg)) == (want));                                \
	} while (0)
	TRY(rp, rlen, sp, splen, 0);
	TRY(rp, 0, sp, splen, ERR_BADSIG);      /* r = 0 */
	TRY(rp, rlen, sp, 0, ERR_BADSIG);       /* s = 0 */
	TRY(n, 32, sp, splen, ERR_BADSIG);      /* r = n */
	TRY(rp, rlen, n, 32, ERR_BADSIG);       /* s = n */
	TRY(sp, splen, rp, rlen, ERR_BADSIG);   /* swapped */
	TRY(&one, 1, &one, 1, ERR_BADSIG);
#undef TRY
	/* a trailing byte inside the signature string */
	buf_reset(&inner);
	CHECK_OK(buf_put_mpint(&inner, rp, rlen));
	CHECK_OK(buf_put_mpint(&inner, sp, splen));
	CHECK_OK(buf_put_u8(&inner, 0));
	make_sig(&alt, "ecdsa-sha2-nistp256", inner.data, inner.len);
	CHECK(key_verify(k, "ecdsa-sha2-nistp256", alt.data, alt.len, msg, sizeof(msg)) ==
	      ERR_TRAILING);
	/* another curve's algorithm name */
	CHECK(key_verify(k, "ecdsa-sha2-nistp384", sig.data, sig.len, msg, sizeof(msg)) ==
	      ERR_UNSUPPORTED);
	buf_free(&sig);
	buf_free(&alt);
	buf_free(&inner);
	key_free(k);
}

/* Public blobs that must be refused, each with the reason we give. */
static void test_bad_blobs(void)
{
	struct key *k = NULL, *x = NULL;
	struct buf b, good, r;
	const uint8_t *nm, *id, *q;
	size_t nmlen, idlen, qlen;
	uint8_t pt[65], big[2100];

	CHECK_OK(buf_init(&b, 256, 16384));
	/* unknown type */
	CHECK_OK(buf_put_cstr(&b, "ssh-dss"));
	CHECK(key_from_blob(b.data, b.len, &x) == ERR_UNSUPPORTED && !x);
	/* Ed25519 key of the wrong length */
	buf_reset(&b);
	CHECK_OK(buf_put_cstr(&b, "ssh-ed25519"));
	CHECK_OK(buf_put_string(&b, pt, 31));
	CHECK(key_from_blob(b.data, b.len, &x) == ERR_FORMAT && !x);
	/* oversized blob */
	CHECK(key_from_blob(big, DB_MAX_PUBKEY_BLOB + 1, &x) == ERR_TOOBIG && !x);

	/* ECDSA */
	CHECK_OK(key_generate(KEY_ECDSA_P256, 0, &k));
	blob_of(k, &good);
	buf_view(&r, good.data, good.len);
	CHECK_OK(buf_get_string(&r, &nm, &nmlen));
	CHECK_OK(buf_get_string(&r, &id, &idlen));
	CHECK_OK(buf_get_string(&r, &q, &qlen));
	CHECK(qlen == 65);
	memcpy(pt, q, 65);
#define ECBLOB(curve, P, PL, want)                                                       \
	do {                                                                             \
		buf_reset(&b);                                                           \
		CHECK_OK(buf_put_cstr(&b, "ecdsa-sha2-nistp256"));                       \
		CHECK_OK(buf_put_cstr(&b, curve));                                       \
		CHECK_OK(buf_put_string(&b, P, PL));                                     \
		CHECK(key_from_blob(b.data, b.len, &x) == (want) && !x == !!(want));     \
		key_free(x);                                                             \
		x = NULL;                                                                \
	} while (0)
	ECBLOB("nistp256", pt, 65, 0);
	ECBLOB("nistp384", pt, 65, ERR_FORMAT);    /* curve id does not match the type */
	ECBLOB("nistp256", pt, 64, ERR_FORMAT);
	pt[64] ^= 1;
	ECBLOB("nistp256", pt, 65, ERR_INVALID);   /* not on the curve */
	pt[64] ^= 1;
	pt[0] = 0x02;
	ECBLOB("nistp256", pt, 33, ERR_FORMAT);    /* compressed */
	pt[0] = 0x00;
	ECBLOB("nistp256", pt, 1, ERR_FORMAT);     /* the point at infinity */
	pt[0] = 0x04;
	/* x = p: out of range even though x mod p might give a curve point */
	hex2bin("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", pt + 1, 32);
	ECBLOB("nistp256", pt, 65, ERR_INVALID);
	memset(pt + 1, 0, 64);
	ECBLOB("nistp256", pt, 65, ERR_INVALID);   /* (0, 0) */
#undef ECBLOB
	buf_free(&good);
	key_free(k);

	/* RSA */
	memset(big, 0xff, sizeof(big));
#define RSABLOB(E, EL, N, NL, want)                                                      \
	do {                                                                             \
		buf_reset(&b);                                                           \
		CHECK_OK(buf_put_cstr(&b, "ssh-rsa"));                                   \
		CHECK_OK(buf_put_mpint(&b, E, EL));                                      \
		CHECK_OK(buf_put_mpint(&b, N, NL));                                      \
		CHECK(key_from_blob(b.data, b.len, &x) == (want) && !x == !!(want));     \
		key_free(x);                                                             \
		x = NULL;                                                                \
	} while (0)
	{
		static const uint8_t e65537[] = { 1, 0, 1 }, e3[] = { 3 }, e1[] = { 1 },
				     e4[] = { 4 };
		RSABLOB(e65537, 3, big, 128, 0);
		RSABLOB(e3, 1, big, 128, 0);
		RSABLOB(e65537, 3, big, 127, ERR_INVALID);         /* 1016 bits */
		RSABLOB(e1, 1, big, 128, ERR_INVALID);
		RSABLOB(e4, 1, big, 128, ERR_INVALID);
		RSABLOB(e65537, 0, big, 128, ERR_INVALID);         /* e = 0 */
		RSABLOB(big, 128, big, 128, ERR_INVALID);          /* e >= n */
		RSABLOB(big, 9, big, 512, ERR_INVALID);            /* 72-bit e, 4096-bit n */
		RSABLOB(big, 8, big, 512, 0);
		RSABLOB(e65537, 3, big, 2048, 0);                  /* 16384 bits */
		RSABLOB(e65537, 3, big, 2049, ERR_TOOBIG);
		big[127] = 0xfe;
		RSABLOB(e65537, 3, big, 128, ERR_INVALID);         /* even n */
	}
#undef RSABLOB
	buf_free(&b);
}

/* ---- ecc.c */

static void test_ecc_ecdh_agreement(void)
{
	static const unsigned sizes[] = { 256, 384, 521 };
	size_t i;
	for (i = 0; i < 3; i++) {
		const struct ecc_curve *c = ecc_curve_by_bits(sizes[i]);
		uint8_t d1[ECC_MAX_BYTES], d2[ECC_MAX_BYTES], q1[ECC_MAX_POINT],
			q2[ECC_MAX_POINT], s1[ECC_MAX_BYTES], s2[ECC_MAX_BYTES];
		size_t pl;
		CHECK(c != NULL);
		if (!c)
			continue;
		pl = ecc_point_len(c);
		CHECK(ecc_curve_by_name(ecc_curve_name(c), strlen(ecc_curve_name(c))) == c);
		CHECK_OK(ecc_keypair(c, d1, q1));
		CHECK_OK(ecc_keypair(c, d2, q2));
		CHECK_OK(ecc_point_check(c, q1, pl));
		CHECK_OK(ecc_shared(c, d1, q2, pl, s1));
		CHECK_OK(ecc_shared(c, d2, q1, pl, s2));
		CHECK_MEM(s1, s2, ecc_curve_bytes(c));
		q2[pl - 1] ^= 1;
		CHECK(ecc_shared(c, d1, q2, pl, s1) == ERR_INVALID);
		CHECK(ecc_point_check(c, q2, pl) == ERR_INVALID);
		CHECK(ecc_shared(c, d1, q2, pl - 1, s1) == ERR_FORMAT);
	}
	CHECK(ecc_curve_by_bits(224) == NULL);
	CHECK(ecc_curve_by_name("nistp224", 8) == NULL);
}

/* Scalars at the edges of [1, n-1], on the generator of P-256 (FIPS 186-4 D.1.2.3). */
static void test_ecc_scalar_edges(void)
{
	const struct ecc_curve *c = ecc_curve_by_bits(256);
	static const char gx[] = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
	static const char gy[] = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
	uint8_t d[32], q[65], g[65], n[32];
	int i;

	g[0] = 4;
	hex2bin(gx, g + 1, 32);
	hex2bin(gy, g + 33, 32);
	hex2bin(p256_n, n, 32);
	memset(d, 0, 32);
	CHECK(ecc_pubkey(c, d, q) == ERR_INVALID);
	CHECK(ecc_pubkey(c, n, q) == ERR_INVALID);
	d[31] = 1;
	CHECK_OK(ecc_pubkey(c, d, q));
	CHECK_MEM(q, g, 65);
	/* n-1, n-2, n-3: -G, -2G, -3G; their x equal those of G, 2G, 3G */
	for (i = 1; i <= 3; i++) {
		uint8_t qn[65], qp[65];
		memcpy(d, n, 32);
		d[31] = (uint8_t)(d[31] - i);
		CHECK_OK(ecc_pubkey(c, d, qn));
		memset(d, 0, 32);
		d[31] = (uint8_t)i;
		CHECK_OK(ecc_pubkey(c, d, qp));
		CHECK_MEM(qn + 1, qp + 1, 32);
		CHECK(memcmp(qn + 33, qp + 33, 32) != 0);
	}
	/* (n-1)/2 and (n+1)/2 = -(n-1)/2: inside the ladder these meet 2t + 1 = n */
	{
		uint8_t qa[65], qb[65];
		static const char half_lo[] =
			"7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8";
		static const char half_hi[] =
			"7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a9";
		hex2bin(half_lo, d, 32);
		CHECK_OK(ecc_pubkey(c, d, qa));
		hex2bin(half_hi, d, 32);
		CHECK_OK(ecc_pubkey(c, d, qb));
		CHECK_MEM(qa + 1, qb + 1, 32);
		CHECK(memcmp(qa + 33, qb + 33, 32) != 0);
	}
}

/* RFC 6979 A.2.5: P-256, SHA-256, message "sample". */
static void test_ecdsa_rfc6979_vector(void)
{
	const struct ecc_curve *c = ecc_curve_by_bits(256);
	uint8_t x[32], q[65], qx[65], r[32], s[32], h[32], r2[32], s2[32];

	hex2bin("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", x, 32);
	q[0] = 4;
	hex2bin("60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6", q + 1, 32);
	hex2bin("7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299", q + 33, 32);
	hex2bin("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716", r, 32);
	hex2bin("f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8", s, 32);
	CHECK_OK(ecc_pubkey(c, x, qx));
	CHECK_MEM(qx, q, 65);
	CHECK_OK(hash_buf(HASH_SHA256, "sample", 6, h));
	CHECK_OK(ecc_ecdsa_verify(c, q, 65, h, 32, r, 32, s, 32));
	s[31] ^= 1;
	CHECK(ecc_ecdsa_verify(c, q, 65, h, 32, r, 32, s, 32) == ERR_BADSIG);
	/* our (hedged, random) signature verifies too, and differs each time */
	CHECK_OK(ecc_ecdsa_sign(c, x, h, 32, r, s));
	CHECK_OK(ecc_ecdsa_verify(c, q, 65, h, 32, r, 32, s, 32));
	CHECK_OK(ecc_ecdsa_sign(c, x, h, 32, r2, s2));
	CHECK(memcmp(r, r2, 32) != 0);
	/* a digest longer than the order is truncated to its leftmost bits */
	{
		uint8_t h64[64];
		memcpy(h64, h, 32);
		memset(h64 + 32, 0xa5, 32);
		CHECK_OK(ecc_ecdsa_sign(c, x, h64, 64, r, s));
		CHECK_OK(ecc_ecdsa_verify(c, q, 65, h, 32, r, 32, s, 32));
	}
}

/* ecc.c's own domain parameters against libtomcrypt's ltc_ecc_sets: 1*G is G,
 * (n-1)*G is (Gx, p - Gy) (so n, p and, through the on-curve check of every product, b
 * agree), and n itself is refused as a scalar. */
static void test_ecc_domain(void)
{
	static const unsigned bits[] = { 256, 384, 521 };
	size_t i, j;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		const struct ecc_curve *c = ecc_curve_by_bits(bits[i]);
		const ltc_ecc_set_type *set = NULL;
		size_t nb, w;
		uint8_t d[ECC_MAX_BYTES], q[ECC_MAX_POINT], want[ECC_MAX_POINT];
		mp_int n, pr, gy;

		CHECK(c != NULL);
		if (!c)
			continue;
		nb = ecc_curve_bytes(c);
		for (j = 0; ltc_ecc_sets[j].size != 0; j++)
			if ((size_t)ltc_ecc_sets[j].size == nb)
				set = &ltc_ecc_sets[j];
		CHECK(set != NULL);
		if (!set)
			continue;
		CHECK(mp_init_multi(&n, &pr, &gy, NULL) == MP_OKAY);
		CHECK(mp_read_radix(&n, set->order, 16) == MP_OKAY);
		CHECK(mp_read_radix(&pr, set->prime, 16) == MP_OKAY);
		want[0] = 4;
		CHECK(mp_read_radix(&gy, set->Gx, 16) == MP_OKAY);
		CHECK(mp_to_ubin(&gy, want + 1 + nb - mp_ubin_size(&gy), nb, &w) == MP_OKAY);
		memset(want + 1, 0, nb - w);
		CHECK(mp_read_radix(&gy, set->Gy, 16) == MP_OKAY);
		memset(want + 1 + nb, 0, nb);
		CHECK(mp_to_ubin(&gy, want + 1 + 2 * nb - mp_ubin_size(&gy), nb, &w) == MP_OKAY);
		memset(d, 0, nb);
		d[nb - 1] = 1;
		CHECK_OK(ecc_pubkey(c, d, q));
		CHECK_MEM(q, want, 1 + 2 * nb);
		/* (n-1)*G = -G */
		CHECK(mp_sub(&pr, &gy, &gy) == MP_OKAY);
		memset(want + 1 + nb, 0, nb);
		CHECK(mp_to_ubin(&gy, want + 1 + 2 * nb - mp_ubin_size(&gy), nb, &w) == MP_OKAY);
		CHECK(mp_sub_d(&n, 1, &gy) == MP_OKAY);
		memset(d, 0, nb);
		CHECK(mp_to_ubin(&gy, d + nb - mp_ubin_size(&gy), nb, &w) == MP_OKAY);
		CHECK_OK(ecc_pubkey(c, d, q));
		CHECK_MEM(q, want, 1 + 2 * nb);
		memset(d, 0, nb);
		CHECK(mp_to_ubin(&n, d + nb - mp_ubin_size(&n), nb, &w) == MP_OKAY);
		CHECK(ecc_pubkey(c, d, q) == ERR_INVALID);
		mp_clear_multi(&n, &pr, &gy, NULL);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	CHECK_OK(crypto_init());
	RUN(test_names);
	RUN(test_generate_limits);
	RUN(test_comment);
	RUN(test_ed25519);
	RUN(test_ecdsa_p256);
	RUN(test_ecdsa_p384);
	RUN(test_ecdsa_p521);
	RUN(test_rsa_generated);
	RUN(test_rsa_crt_fault);
	RUN(test_rsa_1024);
	RUN(test_rsa_1032);
	RUN(test_rsa_2048);
	RUN(test_rsa_3072);
	RUN(test_rsa_4096);
	RUN(test_rsa_short_signature);
	RUN(test_ecdsa_signature_values);
	RUN(test_bad_blobs);
	RUN(test_ecc_ecdh_agreement);
	RUN(test_ecc_scalar_edges);
	RUN(test_ecc_domain);
	RUN(test_ecdsa_rfc6979_vector);
	return harness_done(argv[0]);
}
