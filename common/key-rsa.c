/* key-rsa.c: ssh-rsa keys with rsa-sha2-512, rsa-sha2-256 (RFC 8332) and ssh-rsa
 * (RFC 4253 section 6.6, SHA-1) signatures, PKCS#1 v1.5 (RFC 8017 section 8.2).
 *   blob:      string "ssh-rsa", mpint e, mpint n
 *   signature: string alg, string s (exactly the modulus length; shorter accepted)
 *
 * The numbers are libtommath mp_ints we own; the private operation is ours too (CRT,
 * blinding and a fault check, rsa_private). Verification is encode-and-compare (RFC 8017
 * section 8.2.2): we build the expected encoded message and compare it whole, rather
 * than parse what the signer sent.
 *
 * Wiping: every secret mp_int we own is zeroed before it is freed (key_mp_clear_secret),
 * and grown to its final size before a secret is written into it, so that libtommath's
 * realloc never leaves a copy behind. libtommath's own temporaries (mp_div's, mp_exptmod's)
 * are freed by mp_clear, which zeroes their digits (libtommath 1.2 unless built with
 * MP_NO_ZERO_ON_FREE), but a realloc inside them may leave a copy: a limit of the library. */
#include "key-internal.h"

#if DB_KEY_RSA

#include <string.h>

#include "util.h"

#define RSA_E 65537
#define RSA_MAX_BYTES (DB_RSA_MAX_ACCEPT_BITS / 8)

static int rsa_init(struct key *k)
{
	struct key_rsa *a = &k->u.rsa;
	return key_mperr(mp_init_multi(&a->e, &a->n, &a->d, &a->p, &a->q, &a->dp, &a->dq,
				       &a->qinv, NULL));
}

static void rsa_clear(struct key *k)
{
	struct key_rsa *a = &k->u.rsa;
	mp_clear(&a->e);
	mp_clear(&a->n);
	key_mp_clear_secret(&a->d);
	key_mp_clear_secret(&a->p);
	key_mp_clear_secret(&a->q);
	key_mp_clear_secret(&a->dp);
	key_mp_clear_secret(&a->dq);
	key_mp_clear_secret(&a->qinv);
}

/* The limits on a public key from a peer or a file. e >= 3 and odd (RFC 8017 section
 * 3.1 wants it odd and coprime to lambda(n)); e < n; like OpenSSL, e of at most 64 bits
 * once n passes 3072 bits, so that a hostile key cannot make verification cost as much
 * as a private operation. */
static int check_public(const struct key_rsa *a)
{
	int nbits = mp_count_bits(&a->n);
	if (nbits > DB_RSA_MAX_ACCEPT_BITS)
		return ERR_TOOBIG;
	if (nbits < DB_RSA_MIN_ACCEPT_BITS || mp_iseven(&a->n))
		return ERR_INVALID;
	if (mp_iseven(&a->e) || mp_cmp_d(&a->e, 3) == MP_LT || mp_cmp(&a->e, &a->n) != MP_LT)
		return ERR_INVALID;
	if (nbits > 3072 && mp_count_bits(&a->e) > 64)
		return ERR_INVALID;
	return 0;
}

static int rsa_get_public(struct key *k, struct buf *b)
{
	struct key_rsa *a = &k->u.rsa;
	int r = key_get_mp(b, &a->e);
	if (!r)
		r = key_get_mp(b, &a->n);
	if (!r)
		r = check_public(a);
	return r;
}

static int rsa_put_public(const struct key *k, struct buf *out)
{
	int r = key_put_mp(out, &k->u.rsa.e);
	if (!r)
		r = key_put_mp(out, &k->u.rsa.n);
	return r;
}

/* Grows the secret numbers (and the temporaries t) to hold `bits`-bit values and their
 * products, while they hold nothing. */
static int presize(struct key_rsa *a, int bits, mp_int *t1, mp_int *t2)
{
	int digits = 2 * (bits / MP_DIGIT_BIT + 2);
	mp_int *all[] = { &a->d, &a->p, &a->q, &a->dp, &a->dq, &a->qinv, t1, t2 };
	size_t i;
	int r = 0;
	for (i = 0; i < sizeof(all) / sizeof(all[0]) && !r; i++)
		if (all[i])
			r = key_mperr(mp_grow(all[i], digits));
	return r;
}

/* dp = d mod (p-1), dq = d mod (q-1), qinv = q^-1 mod p (RFC 8017 section 3.2). */
static int derive_crt(struct key_rsa *a)
{
	mp_int t;
	int r = key_mperr(mp_init_size(&t, a->d.alloc));
	if (r)
		return r;
	r = key_mperr(mp_sub_d(&a->p, 1, &t));
	if (!r)
		r = key_mperr(mp_mod(&a->d, &t, &a->dp));
	if (!r)
		r = key_mperr(mp_sub_d(&a->q, 1, &t));
	if (!r)
		r = key_mperr(mp_mod(&a->d, &t, &a->dq));
	if (!r && mp_invmod(&a->q, &a->p, &a->qinv) != MP_OKAY)
		r = ERR_MISMATCH; /* p and q share a factor */
	key_mp_clear_secret(&t);
	return r;
}

/* lcm(p-1, q-1), the Carmichael function of n = p*q (RFC 8017 section 3.1). */
static int lambda(const struct key_rsa *a, mp_int *l)
{
	mp_int p1, q1;
	int r = key_mperr(mp_init_size(&p1, a->p.alloc));
	if (r)
		return r;
	if ((r = key_mperr(mp_init_size(&q1, a->q.alloc))) != 0) {
		mp_clear(&p1);
		return r;
	}
	r = key_mperr(mp_sub_d(&a->p, 1, &p1));
	if (!r)
		r = key_mperr(mp_sub_d(&a->q, 1, &q1));
	if (!r)
		r = key_mperr(mp_lcm(&p1, &q1, l));
	key_mp_clear_secret(&p1);
	key_mp_clear_secret(&q1);
	return r;
}

/* d = e^-1 mod l, for odd e and the even l = lcm(p-1, q-1). libtommath inverts modulo an
 * even number with a slower binary Euclid that the static build leaves out
 * (contrib/musl/tommath_musl.h); instead, with u = l^-1 mod e (an odd modulus),
 * e*d = 1 + l*(e - u) is divisible by e and d = (1 + l*(e - u)) / e lies in (0, l). */
static int inv_mod_even(const mp_int *e, const mp_int *l, mp_int *d)
{
	mp_int u;
	int r = key_mperr(mp_init_size(&u, l->alloc));
	if (r)
		return r;
	if (mp_invmod(l, e, &u) != MP_OKAY)
		r = ERR_CRYPTO; /* gcd(e, l) != 1: gen_prime makes sure it is not */
	if (!r)
		r = key_mperr(mp_sub(e, &u, &u));
	if (!r)
		r = key_mperr(mp_mul(l, &u, d));
	if (!r)
		r = key_mperr(mp_add_d(d, 1, d));
	if (!r)
		r = key_mperr(mp_div(d, e, d, &u));
	if (!r && !mp_iszero(&u))
		r = ERR_CRYPTO;
	key_mp_clear_secret(&u);
	return r;
}

/* Trial division bound: the odd primes below it are sieved once per prime search. */
#define SMALL_LIMIT 2048

/* Miller-Rabin rounds for a random candidate of `bits` bits, enough for a 2^-100 error
 * bound or better (the average-case bounds for random odd candidates, FIPS 186-4 Table
 * C.3 and FIPS 186-5 Table B.1): 1024-bit primes need 4 rounds for 2^-100 and 5 give
 * 2^-112; 1536-bit ones 3 for 2^-100 and 4 give 2^-128 (2048-bit: 2^-144); 512-bit
 * ones 7 for 2^-100. */
static int mr_rounds(int bits)
{
	return bits >= 1536 ? 4 : bits >= 1024 ? 5 : 8;
}

/* *isp = whether the odd p of `bits` bits (> SMALL_LIMIT) is probably prime: trial
 * division by the odd primes below SMALL_LIMIT, then Miller-Rabin to random bases in
 * [2, 2^(bits-1)) (FIPS 186-4 C.3.1 takes them in [2, p-2]; p >= 2^(bits-1)). */
static int probable_prime(const mp_int *p, int bits, const uint8_t *composite, mp_int *b,
			  uint8_t *buf, int *isp)
{
	size_t nb = ((size_t)bits - 1 + 7) / 8;
	unsigned extra = (unsigned)(nb * 8 - ((size_t)bits - 1));
	mp_digit rem;
	int d, i, r;

	*isp = 0;
	for (d = 3; d < SMALL_LIMIT; d += 2) {
		if (composite[d])
			continue;
		if ((r = key_mperr(mp_mod_d(p, (mp_digit)d, &rem))) != 0)
			return r;
		if (rem == 0)
			return 0;
	}
	for (i = 0; i < mr_rounds(bits); i++) {
		mp_bool ok = MP_NO;
		if ((r = rand_bytes(buf, nb)) != 0)
			return r;
		buf[0] &= (uint8_t)(0xff >> extra);
		if ((r = key_mperr(mp_from_ubin(b, buf, nb))) != 0)
			return r;
		if (mp_cmp_d(b, 2) == MP_LT) {
			i--; /* probability 2^-(bits-2): draw again */
			continue;
		}
		if ((r = key_mperr(mp_prime_miller_rabin(p, b, &ok))) != 0)
			return r;
		if (ok != MP_YES)
			return 0;
	}
	*isp = 1;
	return 0;
}

/* A random prime of exactly `bits` bits, top two bits set (so that the product of two
 * has exactly twice as many), with gcd(p-1, e) == 1. Candidates are fresh random odd
 * numbers: no search bias. Our own test (trial division, Miller-Rabin), not libtommath's
 * mp_prime_is_prime: its BPSW test and prime table cost the static build 6 kB, and
 * Miller-Rabin to random bases is what FIPS 186-4/186-5 ask for. */
static int gen_prime(mp_int *p, int bits, const mp_int *e)
{
	uint8_t buf[DB_RSA_MAX_BITS / 16 + 1];
	uint8_t composite[SMALL_LIMIT];
	size_t nb = ((size_t)bits + 7) / 8;
	unsigned extra = (unsigned)(nb * 8 - (size_t)bits);
	mp_int t, g;
	long tries;
	int r, i, j;

	/* 512 bits: the smallest a key of DB_RSA_MIN_BITS >= 1024 asks for, and mr_rounds'
	 * smallest row */
	if (nb > sizeof(buf) || bits < 512)
		return ERR_INVALID;
	memset(composite, 0, sizeof(composite));
	for (i = 3; i * i < SMALL_LIMIT; i += 2)
		if (!composite[i])
			for (j = i * i; j < SMALL_LIMIT; j += 2 * i)
				composite[j] = 1;
	if ((r = key_mperr(mp_init_size(&t, p->alloc))) != 0)
		return r;
	if ((r = key_mperr(mp_init_size(&g, p->alloc))) != 0) {
		mp_clear(&t);
		return r;
	}
	r = ERR_CRYPTO;
	for (tries = 0; tries < 1000000; tries++) {
		int isp;
		if ((r = rand_bytes(buf, nb)) != 0)
			break;
		buf[0] &= (uint8_t)(0xff >> extra);
		buf[0] |= (uint8_t)(0x80 >> extra);
		if (extra < 7)
			buf[0] |= (uint8_t)(0x40 >> extra);
		else
			buf[1] |= 0x80;
		buf[nb - 1] |= 1;
		/* g holds the Miller-Rabin bases, then the gcd */
		if ((r = key_mperr(mp_from_ubin(p, buf, nb))) != 0 ||
		    (r = probable_prime(p, bits, composite, &g, buf, &isp)) != 0)
			break;
		r = ERR_CRYPTO;
		if (!isp)
			continue;
		if ((r = key_mperr(mp_sub_d(p, 1, &t))) != 0 ||
		    (r = key_mperr(mp_gcd(&t, e, &g))) != 0)
			break;
		r = ERR_CRYPTO;
		if (mp_cmp_d(&g, 1) == MP_EQ) {
			r = 0;
			break;
		}
	}
	wipe(buf, sizeof(buf));
	key_mp_clear_secret(&t);
	key_mp_clear_secret(&g);
	return r;
}

/* One attempt at a key of exactly `bits` bits; ERR_CRYPTO means "try again". */
static int gen_once(struct key_rsa *a, int bits)
{
	mp_int l, t;
	int r;

	if ((r = key_mperr(mp_init_multi(&l, &t, NULL))) != 0)
		return r;
	r = presize(a, bits, &l, &t);
	if (!r)
		r = gen_prime(&a->p, bits / 2, &a->e);
	if (!r)
		r = gen_prime(&a->q, bits / 2, &a->e);
	/* FIPS 186-4 B.3.3 step 5.4: |p - q| > 2^(bits/2 - 100) */
	if (!r)
		r = key_mperr(mp_sub(&a->p, &a->q, &t));
	if (!r && mp_count_bits(&t) <= bits / 2 - 100)
		r = ERR_CRYPTO;
	if (!r && mp_cmp(&a->p, &a->q) == MP_LT)
		mp_exch(&a->p, &a->q); /* p > q, as PKCS#1 keys usually have it */
	if (!r)
		r = key_mperr(mp_mul(&a->p, &a->q, &a->n));
	if (!r && mp_count_bits(&a->n) != bits)
		r = ERR_CRYPTO;
	/* d = e^-1 mod lcm(p-1, q-1), as Dropbear and FIPS 186-4 B.3.1 compute it */
	if (!r)
		r = lambda(a, &l);
	if (!r)
		r = inv_mod_even(&a->e, &l, &a->d);
	/* FIPS 186-4 B.3.1: d > 2^(bits/2) */
	if (!r && mp_count_bits(&a->d) <= bits / 2)
		r = ERR_CRYPTO;
	if (!r)
		r = derive_crt(a);
	key_mp_clear_secret(&l);
	key_mp_clear_secret(&t);
	return r;
}

static int rsa_generate(struct key *k, unsigned bits)
{
	struct key_rsa *a = &k->u.rsa;
	int r = ERR_CRYPTO, i;

	if (bits == 0)
		bits = DB_RSA_DEFAULT_BITS;
	if (bits < DB_RSA_MIN_BITS || bits > DB_RSA_MAX_BITS || bits % 8 != 0)
		return ERR_INVALID;
	mp_set_u32(&a->e, RSA_E);
	for (i = 0; i < 8 && r == ERR_CRYPTO; i++)
		r = gen_once(a, (int)bits);
	return r;
}

/* DigestInfo prefixes of EMSA-PKCS1-v1_5 (RFC 8017 section 9.2, note 1). */
static const uint8_t di_sha1[] = { 0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
				   0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14 };
static const uint8_t di_sha256[] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				     0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };
static const uint8_t di_sha512[] = { 0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				     0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40 };

/* EM = 00 01 FF..FF 00 DigestInfo H, emlen bytes (RFC 8017 section 9.2). */
static int emsa_pkcs1(enum hash_alg h, const uint8_t *hash, uint8_t *em, size_t emlen)
{
	const uint8_t *di;
	size_t dilen, hlen = hash_len(h);

	switch (h) {
	case HASH_SHA1: di = di_sha1; dilen = sizeof(di_sha1); break;
	case HASH_SHA256: di = di_sha256; dilen = sizeof(di_sha256); break;
	case HASH_SHA512: di = di_sha512; dilen = sizeof(di_sha512); break;
	default: return ERR_UNSUPPORTED;
	}
	if (emlen < dilen + hlen + 11)
		return ERR_INVALID;
	em[0] = 0x00;
	em[1] = 0x01;
	memset(em + 2, 0xff, emlen - dilen - hlen - 3);
	em[emlen - dilen - hlen - 1] = 0x00;
	memcpy(em + emlen - dilen - hlen, di, dilen);
	memcpy(em + emlen - hlen, hash, hlen);
	return 0;
}

/* s = m^d mod n (RFC 8017 section 5.1.2, the CRT form), blinded and checked: with a
 * random r, m' = m * r^e mod n, s1 = m'^dP mod p, s2 = m'^dQ mod q,
 * s' = s2 + q * ((s1 - s2) * qInv mod p), s = s' * r^-1 mod n; then s^e must give m
 * back, so that a fault in one half never leaves as a signature (which would give away
 * p). Blinding keeps the exponentiations' inputs unrelated to m. Ours rather than
 * libtomcrypt's rsa_exptmod (the same steps), which with the math descriptor entries
 * only it called cost more: static make size, bytes counted 460,080 -> 459,453
 * (libtomcrypt -1,137, ours +510). */
static int rsa_private(const struct key_rsa *a, const uint8_t *m, size_t len, uint8_t *out)
{
	uint8_t rb[RSA_MAX_BYTES];
	mp_int x, bl, bi, s1, s2;
	mp_int *all[] = { &x, &bl, &bi, &s1, &s2 };
	int digits = 2 * (mp_count_bits(&a->n) / MP_DIGIT_BIT + 2);
	size_t w, i;
	int r;

	if (len > sizeof(rb))
		return ERR_TOOBIG;
	if ((r = key_mperr(mp_init_multi(&x, &bl, &bi, &s1, &s2, NULL))) != 0)
		return r;
	/* sized for products up front, as presize() does: no realloc leaves a copy */
	for (i = 0; i < sizeof(all) / sizeof(all[0]) && !r; i++)
		r = key_mperr(mp_grow(all[i], digits));
	if (!r)
		r = key_mperr(mp_from_ubin(&x, m, len));
	if (!r && mp_cmp(&x, &a->n) != MP_LT)
		r = ERR_INVALID;
	if (!r)
		r = rand_bytes(rb, len);
	if (!r)
		r = key_mperr(mp_from_ubin(&bl, rb, len));
	if (!r)
		r = key_mperr(mp_mod(&bl, &a->n, &bl));
	/* r = 0 or sharing a factor with n: probability about 2^-(bits/2) */
	if (!r && mp_invmod(&bl, &a->n, &bi) != MP_OKAY)
		r = ERR_CRYPTO;
	if (!r)
		r = key_mperr(mp_exptmod(&bl, &a->e, &a->n, &bl));
	if (!r)
		r = key_mperr(mp_mulmod(&x, &bl, &a->n, &bl));
	if (!r)
		r = key_mperr(mp_exptmod(&bl, &a->dp, &a->p, &s1));
	if (!r)
		r = key_mperr(mp_exptmod(&bl, &a->dq, &a->q, &s2));
	if (!r)
		r = key_mperr(mp_sub(&s1, &s2, &s1));
	/* mp_mulmod's result is in [0, p) even for a negative s1 - s2 */
	if (!r)
		r = key_mperr(mp_mulmod(&s1, &a->qinv, &a->p, &s1));
	if (!r)
		r = key_mperr(mp_mul(&s1, &a->q, &s1));
	if (!r)
		r = key_mperr(mp_add(&s1, &s2, &s1));
	if (!r)
		r = key_mperr(mp_mulmod(&s1, &bi, &a->n, &s1));
	if (!r)
		r = key_mperr(mp_exptmod(&s1, &a->e, &a->n, &s2));
	if (!r && mp_cmp(&s2, &x) != MP_EQ)
		r = ERR_CRYPTO;
	if (!r && (w = mp_ubin_size(&s1)) <= len) {
		memset(out, 0, len - w);
		r = key_mperr(mp_to_ubin(&s1, out + (len - w), w, NULL));
	} else if (!r) {
		r = ERR_CRYPTO;
	}
	wipe(rb, sizeof(rb));
	key_mp_clear_secret(&x);
	key_mp_clear_secret(&bl);
	key_mp_clear_secret(&bi);
	key_mp_clear_secret(&s1);
	key_mp_clear_secret(&s2);
	return r;
}

/* RSASSA-PKCS1-v1_5 (RFC 8017 section 8.2.1): our own encoding and private operation.
 * Not libtomcrypt's rsa_sign_hash_ex: it builds the DigestInfo with libtomcrypt's
 * generic DER encoder, and links PSS, all of which the static binary carried for
 * nothing (19 kB with the qsort of DER SETs). */
static int rsa_sign(const struct key *k, enum hash_alg h, const uint8_t *data, size_t n,
		    struct buf *out)
{
	const struct key_rsa *a = &k->u.rsa;
	uint8_t hash[HASH_MAX_LEN], em[RSA_MAX_BYTES], *sig;
	size_t modlen = mp_ubin_size(&a->n), save = out->len;
	int r;

	if (modlen > sizeof(em))
		return ERR_TOOBIG;
	if ((r = hash_buf(h, data, n, hash)) != 0 || (r = emsa_pkcs1(h, hash, em, modlen)) != 0)
		return r;
	/* RFC 8332 section 3: the signature is exactly the modulus length */
	if ((r = buf_put_u32(out, (uint32_t)modlen)) != 0 ||
	    (r = buf_reserve(out, modlen, &sig)) != 0 ||
	    (r = rsa_private(a, em, modlen, sig)) != 0)
		out->len = save;
	return r;
}

static int rsa_verify(const struct key *k, enum hash_alg h, struct buf *b, const uint8_t *data,
		      size_t n)
{
	const struct key_rsa *a = &k->u.rsa;
	uint8_t hash[HASH_MAX_LEN], em[RSA_MAX_BYTES], want[RSA_MAX_BYTES];
	const uint8_t *sig;
	size_t siglen, modlen = mp_ubin_size(&a->n), w;
	mp_int s, m;
	int r;

	if ((r = buf_get_string(b, &sig, &siglen)) != 0 || (r = buf_end(b)) != 0)
		return r;
	if (modlen > sizeof(em))
		return ERR_TOOBIG;
	/* RFC 8332 section 3: a shorter signature is accepted (as if left-padded), a
	 * longer one is not. */
	if (siglen > modlen)
		return ERR_BADSIG;
	if ((r = hash_buf(h, data, n, hash)) != 0 || (r = emsa_pkcs1(h, hash, want, modlen)) != 0)
		return r;
	if ((r = key_mperr(mp_init_multi(&s, &m, NULL))) != 0)
		return r;
	r = key_mperr(mp_from_ubin(&s, sig, siglen));
	/* RSAVP1 (RFC 8017 section 5.2.2): s must be less than n */
	if (!r && mp_cmp(&s, &a->n) != MP_LT)
		r = ERR_BADSIG;
	if (!r)
		r = key_mperr(mp_exptmod(&s, &a->e, &a->n, &m));
	if (!r && mp_ubin_size(&m) > modlen)
		r = ERR_BADSIG;
	if (!r) {
		size_t ml = mp_ubin_size(&m);
		memset(em, 0, modlen - ml);
		r = key_mperr(mp_to_ubin(&m, em + (modlen - ml), ml, &w));
	}
	if (!r && memcmp(em, want, modlen) != 0)
		r = ERR_BADSIG;
	mp_clear_multi(&s, &m, NULL);
	return r;
}

static unsigned rsa_bits(const struct key *k)
{
	return (unsigned)mp_count_bits(&k->u.rsa.n);
}

const struct key_ops key_rsa_ops = {
	.init = rsa_init,
	.clear = rsa_clear,
	.generate = rsa_generate,
	.get_public = rsa_get_public,
	.put_public = rsa_put_public,
	.sign = rsa_sign,
	.verify = rsa_verify,
	.bits = rsa_bits,
};

int key_rsa_set_private(struct key *k, const struct key_rsa_parts *pt)
{
	struct key_rsa *a = &k->u.rsa;
	mp_int t, l;
	int r;

	if (k->type != KEY_RSA)
		return ERR_INVALID;
	if ((r = key_mperr(mp_from_ubin(&a->e, pt->e, pt->elen))) != 0 ||
	    (r = key_mperr(mp_from_ubin(&a->n, pt->n, pt->nlen))) != 0 || (r = check_public(a)) != 0)
		return r;
	/* none of the private numbers can be longer than n: refuse before any arithmetic */
	if (pt->dlen > pt->nlen || pt->plen > pt->nlen || pt->qlen > pt->nlen)
		return ERR_INVALID;
	if ((r = key_mperr(mp_init_multi(&t, &l, NULL))) != 0)
		return r;
	r = presize(a, mp_count_bits(&a->n), &t, &l);
	if (!r)
		r = key_mperr(mp_from_ubin(&a->d, pt->d, pt->dlen));
	if (!r)
		r = key_mperr(mp_from_ubin(&a->p, pt->p, pt->plen));
	if (!r)
		r = key_mperr(mp_from_ubin(&a->q, pt->q, pt->qlen));
	if (!r && (mp_cmp_d(&a->p, 1) != MP_GT || mp_cmp_d(&a->q, 1) != MP_GT ||
		   mp_iszero(&a->d) || mp_cmp(&a->d, &a->n) != MP_LT))
		r = ERR_INVALID;
	if (!r)
		r = key_mperr(mp_mul(&a->p, &a->q, &t));
	if (!r && mp_cmp(&t, &a->n) != MP_EQ)
		r = ERR_MISMATCH;
	/* d*e == 1 mod lambda(n): true for d from lambda and for d from phi alike */
	if (!r)
		r = lambda(a, &l);
	if (!r)
		r = key_mperr(mp_mulmod(&a->d, &a->e, &l, &t));
	if (!r && mp_cmp_d(&t, 1) != MP_EQ)
		r = ERR_MISMATCH;
	if (!r)
		r = derive_crt(a);
	if (!r)
		k->priv = 1;
	key_mp_clear_secret(&t);
	key_mp_clear_secret(&l);
	return r;
}

#endif
