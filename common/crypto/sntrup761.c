/* sntrup761.c: Streamlined NTRU Prime 761 as the round-3 submission specifies it
 * ("NTRU Prime: round 3", sections 2 and 3: Core, Encode/Decode, the KEM with plaintext
 * confirmation and implicit rejection). Written from the specification.
 *
 * Representations: an element of Z/q is an int16 in [-(q-1)/2, (q-1)/2], an element of
 * Z/3 an int8 in {-1, 0, 1}; a polynomial is p coefficients, lowest degree first, in
 * R = Z[x]/(x^p - x - 1). */
#include "sntrup761.h"

#include <string.h>
#include <tomcrypt.h>

#include "crypto.h"
#include "err.h"
#include "util.h"

#define P 761
#define Q 4591
#define W 286
#define Q12 ((Q - 1) / 2)
#define RQ_BYTES 1158      /* Encode of p values mod q */
#define ROUNDED_BYTES 1007 /* Encode of p values mod (q+2)/3 */
#define SMALL_BYTES 191    /* 4 coefficients a byte */
#define HASH_BYTES 32

/* Secret key layout (section 3.4): Small(f) || Small(1/g) || pk || rho || Hash4(pk). */
#define SK_F 0
#define SK_V SMALL_BYTES
#define SK_PK (2 * SMALL_BYTES)
#define SK_RHO (SK_PK + RQ_BYTES)
#define SK_CACHE (SK_RHO + SMALL_BYTES)

typedef int8_t small;
typedef int16_t fq;

/* ---------------------------------------------------------------- constant-time helpers */

/* -1 if x != 0, else 0. */
static int16_t nonzero_mask(int16_t x)
{
	uint32_t u = (uint16_t)x;
	return (int16_t)(0 - (int32_t)((0 - u) >> 31));
}

/* -1 if x < 0, else 0. */
static int16_t negative_mask(int16_t x)
{
	return (int16_t)(0 - (int32_t)((uint16_t)x >> 15));
}

/* x mod m for x < 2^31 and m < 2^14, without a division instruction (whose time may
 * depend on its operands): one multiply by floor(2^31/m) leaves a value below 2m. */
static uint32_t mod_u31(uint32_t x, uint32_t m)
{
	uint32_t v = 0x80000000u / m; /* m is a public constant: folded at compile time */
	uint32_t t = x - (uint32_t)(((uint64_t)x * v) >> 31) * m;
	uint32_t s = t - m;
	return s + (m & (0 - (s >> 31)));
}

/* x mod q, centred; |x| < 2^29. 2^18 q is added to make it non-negative. */
static fq fq_freeze(int32_t x)
{
	return (fq)((int32_t)mod_u31((uint32_t)(x + Q12 + Q * 262144), Q) - Q12);
}

/* x mod 3 in {-1, 0, 1}; |x| < 2^29. */
static small f3_freeze(int32_t x)
{
	return (small)((int32_t)mod_u31((uint32_t)(x + 1 + 3 * (1 << 29)), 3) - 1);
}

/* 1/a in Z/q as a^(q-2): the exponent is public, so square-and-multiply is fine. */
static fq fq_recip(fq a)
{
	int32_t r = 1, b = a;
	unsigned e = Q - 2;

	while (e) {
		if (e & 1)
			r = fq_freeze(r * b);
		b = fq_freeze(b * b);
		e >>= 1;
	}
	return (fq)r;
}

/* ---------------------------------------------------------------- sorting network */

static void minmax(uint32_t *a, uint32_t *b)
{
	uint32_t x = *a, y = *b;
	uint32_t lt = (uint32_t)(((uint64_t)y - (uint64_t)x) >> 32); /* all ones if y < x */
	uint32_t d = lt & (x ^ y);
	*a = x ^ d;
	*b = y ^ d;
}

/* Batcher's merge exchange (Knuth, TAOCP vol. 3, 5.2.2 algorithm M): which pairs are
 * compared depends on n alone, so the secret values never steer a branch. */
static void sort_u32(uint32_t *x, size_t n)
{
	size_t t = 0, p, q, r, d, i;

	while (((size_t)1 << t) < n)
		t++;
	if (t == 0)
		return;
	for (p = (size_t)1 << (t - 1); p > 0; p >>= 1) {
		q = (size_t)1 << (t - 1);
		r = 0;
		d = p;
		for (;;) {
			for (i = 0; i + d < n; i++)
				if ((i & p) == r)
					minmax(&x[i], &x[i + d]);
			if (q == p)
				break;
			d = q - p;
			q >>= 1;
			r = p;
		}
	}
}

/* ---------------------------------------------------------------- randomness */

struct rng {
	sntrup761_rnd fn; /* NULL: rand_bytes */
	void *ctx;
};

static int rng_bytes(const struct rng *g, uint8_t *out, size_t n)
{
	return g->fn ? g->fn(g->ctx, out, n) : rand_bytes(out, n);
}

/* n little-endian 32-bit words from one request of 4n bytes, as the reference code
 * draws them (randombytes of the whole list, then decoded), so that a KAT DRBG behind
 * the deterministic entry points lines up with the published files. */
static int rng_u32s(const struct rng *g, uint32_t *L, size_t n)
{
	uint8_t *b = (uint8_t *)L;
	size_t i;
	int r;

	if ((r = rng_bytes(g, b, n * 4)) != 0)
		return r;
	/* in place: word i is built from bytes 4i..4i+3, which nothing later reads */
	for (i = 0; i < n; i++) {
		uint8_t c0 = b[4 * i], c1 = b[4 * i + 1], c2 = b[4 * i + 2], c3 = b[4 * i + 3];
		L[i] = c0 | (uint32_t)c1 << 8 | (uint32_t)c2 << 16 | (uint32_t)c3 << 24;
	}
	return 0;
}

/* A uniformly random element of Short: weight w, coefficients in {-1, 0, 1}
 * (section 3.2, Short_fromlist): w words forced even (-> +-1), the rest forced to
 * 1 mod 4 (-> 0), sorted, the low two bits give the coefficient. */
static int short_random(const struct rng *g, small out[P])
{
	uint32_t L[P];
	int i, r;

	if ((r = rng_u32s(g, L, P)) == 0) {
		for (i = 0; i < W; i++)
			L[i] &= (uint32_t)-2;
		for (i = W; i < P; i++)
			L[i] = (L[i] & (uint32_t)-3) | 1;
		sort_u32(L, P);
		for (i = 0; i < P; i++)
			out[i] = (small)((L[i] & 3) - 1);
	}
	wipe(L, sizeof(L));
	return r;
}

/* A random element of R/3: each coefficient floor(3 (L mod 2^30) / 2^30) - 1. */
static int small_random(const struct rng *g, small out[P])
{
	uint32_t L[P];
	int i, r;

	if ((r = rng_u32s(g, L, P)) == 0)
		for (i = 0; i < P; i++)
			out[i] = (small)((((L[i] & 0x3fffffff) * 3) >> 30) - 1);
	wipe(L, sizeof(L));
	return r;
}

/* ---------------------------------------------------------------- ring arithmetic */

/* Folds a product of degree <= 2p-2 modulo x^p - x - 1: x^(p+k) = x^(k+1) + x^k. */
static void fold(int32_t *prod)
{
	int i;

	for (i = 2 * P - 2; i >= P; i--) {
		prod[i - P] += prod[i];
		prod[i - P + 1] += prod[i];
	}
}

/* prod = f g folded to degree < p (before reduction); |sums| < 3 p (q-1)/2 < 2^23. */
static void mult_fold(int32_t prod[2 * P - 1], const fq f[P], const small g[P])
{
	int i, j;

	memset(prod, 0, (2 * P - 1) * sizeof(prod[0]));
	for (i = 0; i < P; i++)
		for (j = 0; j < P; j++)
			prod[i + j] += f[i] * (int32_t)g[j];
	fold(prod);
}

/* h = f g in R/q, g small. */
static void rq_mult_small(fq h[P], const fq f[P], const small g[P])
{
	int32_t prod[2 * P - 1];
	int i;

	mult_fold(prod, f, g);
	for (i = 0; i < P; i++)
		h[i] = fq_freeze(prod[i]);
	wipe(prod, sizeof(prod));
}

/* h = f g in R/3. */
static void r3_mult(small h[P], const small f[P], const small g[P])
{
	int32_t prod[2 * P - 1];
	fq fw[P];
	int i;

	for (i = 0; i < P; i++)
		fw[i] = f[i];
	mult_fold(prod, fw, g);
	for (i = 0; i < P; i++)
		h[i] = f3_freeze(prod[i]);
	wipe(prod, sizeof(prod));
	wipe(fw, sizeof(fw));
}

/* Reciprocals by the constant-time extended gcd of Bernstein and Yang ("Fast
 * constant-time gcd computation and modular inversion", 2019), as the submission uses
 * it: 2p - 1 division steps on F = x^p - x - 1 and G = the input, both written in
 * reversed order, so that only the constant coefficients steer each step, and only
 * through masks. delta ends at 0 exactly when the input was invertible. */

/* out = 1/in in R/3; returns 0 if invertible, -1 otherwise (out then meaningless). */
static int r3_recip(small out[P], const small in[P])
{
	small f[P + 1], g[P + 1], v[P + 1], r[P + 1];
	int i, loop, ok;
	int16_t delta = 1, swap, t;
	small c;

	memset(v, 0, sizeof(v));
	memset(r, 0, sizeof(r));
	memset(f, 0, sizeof(f));
	r[0] = 1;
	f[0] = 1;
	f[P - 1] = f[P] = -1;
	for (i = 0; i < P; i++)
		g[P - 1 - i] = in[i];
	g[P] = 0;

	for (loop = 0; loop < 2 * P - 1; loop++) {
		memmove(v + 1, v, P);
		v[0] = 0;
		c = (small)(-g[0] * f[0]); /* g - (g0/f0) f kills g0; 1/f0 = f0 in Z/3 */
		swap = (int16_t)(negative_mask((int16_t)-delta) & nonzero_mask(g[0]));
		delta = (int16_t)(delta ^ (swap & (delta ^ -delta)));
		delta++;
		for (i = 0; i < P + 1; i++) {
			t = (int16_t)(swap & (f[i] ^ g[i]));
			f[i] = (small)(f[i] ^ t);
			g[i] = (small)(g[i] ^ t);
			t = (int16_t)(swap & (v[i] ^ r[i]));
			v[i] = (small)(v[i] ^ t);
			r[i] = (small)(r[i] ^ t);
		}
		/* after a swap the multiplier is -f0 g0 with the roles exchanged: the same */
		for (i = 0; i < P + 1; i++)
			g[i] = f3_freeze(g[i] + c * f[i]);
		for (i = 0; i < P + 1; i++)
			r[i] = f3_freeze(r[i] + c * v[i]);
		memmove(g, g + 1, P);
		g[P] = 0;
	}
	for (i = 0; i < P; i++)
		out[i] = (small)(f[0] * v[P - 1 - i]);
	ok = nonzero_mask(delta);
	wipe(f, sizeof(f));
	wipe(g, sizeof(g));
	wipe(v, sizeof(v));
	wipe(r, sizeof(r));
	return ok;
}

/* out = 1/(3 in) in R/q. in is nonzero and small, hence always invertible (q is prime
 * and x^p - x - 1 irreducible mod q). */
static void rq_recip3(fq out[P], const small in[P])
{
	fq f[P + 1], g[P + 1], v[P + 1], r[P + 1];
	int i, loop;
	int16_t delta = 1, swap, t;
	int32_t f0, g0;
	fq scale;

	memset(v, 0, sizeof(v));
	memset(r, 0, sizeof(r));
	memset(f, 0, sizeof(f));
	r[0] = fq_recip(3);
	f[0] = 1;
	f[P - 1] = f[P] = -1;
	for (i = 0; i < P; i++)
		g[P - 1 - i] = in[i];
	g[P] = 0;

	for (loop = 0; loop < 2 * P - 1; loop++) {
		memmove(v + 1, v, P * sizeof(fq));
		v[0] = 0;
		swap = (int16_t)(negative_mask((int16_t)-delta) & nonzero_mask(g[0]));
		delta = (int16_t)(delta ^ (swap & (delta ^ -delta)));
		delta++;
		for (i = 0; i < P + 1; i++) {
			t = (int16_t)(swap & (f[i] ^ g[i]));
			f[i] = (fq)(f[i] ^ t);
			g[i] = (fq)(g[i] ^ t);
			t = (int16_t)(swap & (v[i] ^ r[i]));
			v[i] = (fq)(v[i] ^ t);
			r[i] = (fq)(r[i] ^ t);
		}
		/* g <- f0 g - g0 f: no division; the scale is taken out once at the end */
		f0 = f[0];
		g0 = g[0];
		for (i = 0; i < P + 1; i++)
			g[i] = fq_freeze(f0 * g[i] - g0 * f[i]);
		for (i = 0; i < P + 1; i++)
			r[i] = fq_freeze(f0 * r[i] - g0 * v[i]);
		memmove(g, g + 1, P * sizeof(fq));
		g[P] = 0;
	}
	scale = fq_recip(f[0]);
	for (i = 0; i < P; i++)
		out[i] = fq_freeze(scale * (int32_t)v[P - 1 - i]);
	wipe(f, sizeof(f));
	wipe(g, sizeof(g));
	wipe(v, sizeof(v));
	wipe(r, sizeof(r));
}

/* ---------------------------------------------------------------- encodings */

/* Encode (section 3.3) of R[i] in [0, M[i]), in place over R and M, as a loop over the
 * submission's recursion: pairs are merged into one radix, bytes emitted while the
 * radix is at least 2^14, until one value remains, which is emitted whole. */
static void encode(uint8_t *out, uint16_t *R, uint16_t *M, size_t len)
{
	size_t i;
	uint32_t r, m;

	while (len > 1) {
		for (i = 0; i + 1 < len; i += 2) {
			m = (uint32_t)M[i] * M[i + 1];
			r = R[i] + (uint32_t)R[i + 1] * M[i];
			while (m >= 16384) {
				*out++ = (uint8_t)r;
				r >>= 8;
				m = (m + 255) >> 8;
			}
			R[i / 2] = (uint16_t)r;
			M[i / 2] = (uint16_t)m;
		}
		if (i < len) {
			R[i / 2] = R[i];
			M[i / 2] = M[i];
		}
		len = (len + 1) / 2;
	}
	r = R[0];
	m = M[0];
	while (m > 1) {
		*out++ = (uint8_t)r;
		r >>= 8;
		m = (m + 255) >> 8;
	}
}

/* Decode: the inverse of encode for valid strings, and for any string a vector with
 * out[i] < m. Every element has the same radix m, so each level's radices are the
 * same too except perhaps the last. The input is public (a peer's key or ciphertext):
 * plain division is fine. */
#define DEC_LEVELS 11 /* ceil(log2 761) + 1 */
static void decode(uint16_t out[P], const uint8_t *s, uint16_t m0)
{
	/* per level: length, the radix of its pairs' elements, of its last (odd) one */
	size_t len[DEC_LEVELS], n = 0, l, i, j, pos[DEC_LEVELS];
	uint32_t mpair[DEC_LEVELS], mlast[DEC_LEVELS], m;
	uint16_t bot[P];   /* bottom bytes of each pair, all levels in order */
	uint8_t botn[P];   /* how many (0, 1 or 2) */
	size_t nb = 0;

	len[0] = P;
	mpair[0] = mlast[0] = m0;
	/* walk down: the byte layout is level 0's pairs, level 1's, ..., the last value */
	while (len[n] > 1) {
		pos[n] = nb;
		for (i = 0; i + 1 < len[n]; i += 2) {
			uint32_t mb = (i + 2 == len[n]) ? mlast[n] : mpair[n];
			m = mpair[n] * mb;
			if (m > 256 * 16383) {
				bot[nb] = (uint16_t)(s[0] | s[1] << 8);
				botn[nb++] = 2;
				s += 2;
				m = (((m + 255) >> 8) + 255) >> 8;
			} else if (m >= 16384) {
				bot[nb] = s[0];
				botn[nb++] = 1;
				s += 1;
				m = (m + 255) >> 8;
			} else {
				bot[nb] = 0;
				botn[nb++] = 0;
			}
			if (i == 0)
				mpair[n + 1] = m;
			if (i + 2 >= len[n])
				mlast[n + 1] = m;
		}
		if (i < len[n])
			mlast[n + 1] = mlast[n];
		len[n + 1] = (len[n] + 1) / 2;
		if (len[n + 1] == 1)
			mpair[n + 1] = mlast[n + 1];
		n++;
	}
	/* the last single value */
	m = mlast[n];
	if (m == 1)
		out[0] = 0;
	else if (m <= 256)
		out[0] = (uint16_t)(s[0] % m);
	else
		out[0] = (uint16_t)((s[0] | (uint32_t)s[1] << 8) % m);
	/* walk up, in place, from the top index down */
	for (l = n; l-- > 0;) {
		size_t np = len[l] / 2;
		if (len[l] & 1)
			out[len[l] - 1] = out[np];
		for (j = np; j-- > 0;) {
			uint32_t ma = mpair[l];
			uint32_t mb = (2 * j + 2 == len[l]) ? mlast[l] : mpair[l];
			uint32_t t = botn[pos[l] + j] == 2 ? 65536 : botn[pos[l] + j] == 1 ? 256 : 1;
			uint32_t r = bot[pos[l] + j] + t * out[j];
			out[2 * j] = (uint16_t)(r % ma);
			out[2 * j + 1] = (uint16_t)((r / ma) % mb);
		}
	}
}

static void rq_encode(uint8_t out[RQ_BYTES], const fq h[P])
{
	uint16_t R[P], M[P];
	int i;

	for (i = 0; i < P; i++) {
		R[i] = (uint16_t)(h[i] + Q12);
		M[i] = Q;
	}
	encode(out, R, M, P);
}

static void rq_decode(fq h[P], const uint8_t in[RQ_BYTES])
{
	uint16_t R[P];
	int i;

	decode(R, in, Q);
	for (i = 0; i < P; i++)
		h[i] = (fq)(R[i] - Q12);
}

/* Round each coefficient to the nearest multiple of 3 and encode (c + (q-1)/2)/3 in
 * radix (q+2)/3; 10923/2^15 is 1/3 exactly enough for these values. The input may be
 * derived from secrets (re-encryption in decapsulation): no branches on it. */
static void rounded_encode(uint8_t out[ROUNDED_BYTES], const fq a[P])
{
	uint16_t R[P], M[P];
	int i;

	for (i = 0; i < P; i++) {
		int32_t c = a[i] - f3_freeze(a[i]);
		R[i] = (uint16_t)(((uint32_t)(c + Q12) * 10923) >> 15);
		M[i] = (Q + 2) / 3;
	}
	encode(out, R, M, P);
	wipe(R, sizeof(R));
}

static void rounded_decode(fq c[P], const uint8_t in[ROUNDED_BYTES])
{
	uint16_t R[P];
	int i;

	decode(R, in, (Q + 2) / 3);
	for (i = 0; i < P; i++)
		c[i] = (fq)(R[i] * 3 - Q12);
}

static void small_encode(uint8_t out[SMALL_BYTES], const small f[P])
{
	int i, j;

	for (i = 0; i < P / 4; i++) {
		uint8_t x = 0;
		for (j = 0; j < 4; j++)
			x = (uint8_t)(x | (uint8_t)(f[4 * i + j] + 1) << (2 * j));
		out[i] = x;
	}
	out[P / 4] = (uint8_t)(f[P - 1] + 1);
}

static void small_decode(small f[P], const uint8_t in[SMALL_BYTES])
{
	int i, j;

	for (i = 0; i < P / 4; i++)
		for (j = 0; j < 4; j++)
			f[4 * i + j] = (small)(((in[i] >> (2 * j)) & 3) - 1);
	f[P - 1] = (small)((in[P / 4] & 3) - 1);
}

/* ---------------------------------------------------------------- hashes */

/* Hash_b(x) = the first 32 bytes of SHA-512(b || x), x given in up to two pieces. */
static void hash_prefix(uint8_t out[HASH_BYTES], uint8_t b, const uint8_t *x, size_t n,
			const uint8_t *y, size_t m)
{
	hash_state st;
	uint8_t h[64];

	sha512_init(&st);
	sha512_process(&st, &b, 1);
	sha512_process(&st, x, (unsigned long)n);
	if (m)
		sha512_process(&st, y, (unsigned long)m);
	sha512_done(&st, h);
	memcpy(out, h, HASH_BYTES);
	wipe(h, sizeof(h));
	wipe(&st, sizeof(st));
}

/* ---------------------------------------------------------------- the KEM */

/* Core encryption and the confirmation hash (section 3.4 "Hide"): ct = Encode(Round(h
 * r)) || Hash2(Hash3(r_enc) || Hash4(pk)); h3 gets Hash3(r_enc). */
static void hide(uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES], uint8_t h3[HASH_BYTES],
		 uint8_t r_enc[SMALL_BYTES], const small r[P], const uint8_t *pk,
		 const uint8_t cache[HASH_BYTES])
{
	fq h[P], hr[P];

	small_encode(r_enc, r);
	rq_decode(h, pk);
	rq_mult_small(hr, h, r);
	rounded_encode(ct, hr);
	hash_prefix(h3, 3, r_enc, SMALL_BYTES, NULL, 0);
	hash_prefix(ct + ROUNDED_BYTES, 2, h3, HASH_BYTES, cache, HASH_BYTES);
	wipe(hr, sizeof(hr));
}

static int keypair(uint8_t *pk, uint8_t *sk, const struct rng *rg)
{
	small g[P], v[P], f[P];
	fq finv[P], h[P];
	int r;

	/* g must be invertible in R/3; about 1 in 750 is not. Retrying on that reveals
	 * nothing: the rejected g is thrown away. */
	do {
		if ((r = small_random(rg, g)) != 0)
			goto out;
	} while (r3_recip(v, g) != 0);
	if ((r = short_random(rg, f)) != 0)
		goto out;
	small_encode(sk + SK_F, f);
	small_encode(sk + SK_V, v);
	rq_recip3(finv, f);
	rq_mult_small(h, finv, g); /* h = g / (3 f) */
	rq_encode(pk, h);
	memcpy(sk + SK_PK, pk, RQ_BYTES);
	if ((r = rng_bytes(rg, sk + SK_RHO, SMALL_BYTES)) != 0)
		goto out;
	hash_prefix(sk + SK_CACHE, 4, pk, RQ_BYTES, NULL, 0);
out:
	wipe(g, sizeof(g));
	wipe(v, sizeof(v));
	wipe(f, sizeof(f));
	wipe(finv, sizeof(finv));
	if (r)
		wipe(sk, SNTRUP761_SECRETKEY_BYTES);
	return r;
}

static int enc(uint8_t *ct, uint8_t *ss, const uint8_t *pk, const struct rng *rg)
{
	small r[P];
	uint8_t cache[HASH_BYTES], r_enc[SMALL_BYTES], h3[HASH_BYTES];
	int e;

	hash_prefix(cache, 4, pk, RQ_BYTES, NULL, 0);
	if ((e = short_random(rg, r)) == 0) {
		hide(ct, h3, r_enc, r, pk, cache);
		hash_prefix(ss, 1, h3, HASH_BYTES, ct, SNTRUP761_CIPHERTEXT_BYTES);
	}
	wipe(r, sizeof(r));
	wipe(r_enc, sizeof(r_enc));
	wipe(h3, sizeof(h3));
	return e;
}

void sntrup761_dec(uint8_t ss[SNTRUP761_SHARED_BYTES],
		   const uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES],
		   const uint8_t sk[SNTRUP761_SECRETKEY_BYTES])
{
	fq c[P], cf[P];
	small f[P], e[P], v[P], r[P];
	uint8_t r_enc[SMALL_BYTES], h3[HASH_BYTES], cnew[SNTRUP761_CIPHERTEXT_BYTES];
	uint8_t mask, diff = 0;
	int16_t weight = 0, bad;
	int i;

	/* Core decryption (section 2.5): e = 3 f c mod q, taken mod 3, times 1/g mod 3
	 * is r if the ciphertext is honest; a result not of weight w becomes the fixed
	 * vector (1, ..., 1, 0, ..., 0) of weight w. */
	rounded_decode(c, ct);
	small_decode(f, sk + SK_F);
	rq_mult_small(cf, c, f);
	for (i = 0; i < P; i++)
		e[i] = f3_freeze(fq_freeze(3 * (int32_t)cf[i]));
	small_decode(v, sk + SK_V);
	r3_mult(r, e, v);
	for (i = 0; i < P; i++)
		weight = (int16_t)(weight + (r[i] & 1));
	bad = nonzero_mask((int16_t)(weight - W));
	for (i = 0; i < W; i++)
		r[i] = (small)(((r[i] ^ 1) & ~bad) ^ 1);
	for (i = W; i < P; i++)
		r[i] = (small)(r[i] & ~bad);

	/* Re-encrypt and compare; on a mismatch hash rho instead of r, with prefix 0
	 * instead of 1 (implicit rejection, section 3.4 "Decap"). */
	hide(cnew, h3, r_enc, r, sk + SK_PK, sk + SK_CACHE);
	for (i = 0; i < SNTRUP761_CIPHERTEXT_BYTES; i++)
		diff |= (uint8_t)(ct[i] ^ cnew[i]);
	mask = (uint8_t)(0 - ((diff + 0xffu) >> 8)); /* 0xff if they differ */
	for (i = 0; i < SMALL_BYTES; i++)
		r_enc[i] = (uint8_t)(r_enc[i] ^ (mask & (r_enc[i] ^ sk[SK_RHO + i])));
	hash_prefix(h3, 3, r_enc, SMALL_BYTES, NULL, 0);
	hash_prefix(ss, (uint8_t)(1 & ~mask), h3, HASH_BYTES, ct,
		    SNTRUP761_CIPHERTEXT_BYTES);

	wipe(cf, sizeof(cf));
	wipe(f, sizeof(f));
	wipe(e, sizeof(e));
	wipe(v, sizeof(v));
	wipe(r, sizeof(r));
	wipe(r_enc, sizeof(r_enc));
	wipe(h3, sizeof(h3));
	wipe(cnew, sizeof(cnew));
	wipe(&mask, sizeof(mask));
}

int sntrup761_keypair(uint8_t pk[SNTRUP761_PUBLICKEY_BYTES],
		      uint8_t sk[SNTRUP761_SECRETKEY_BYTES])
{
	const struct rng g = {NULL, NULL};
	return keypair(pk, sk, &g);
}

int sntrup761_enc(uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES], uint8_t ss[SNTRUP761_SHARED_BYTES],
		  const uint8_t pk[SNTRUP761_PUBLICKEY_BYTES])
{
	const struct rng g = {NULL, NULL};
	return enc(ct, ss, pk, &g);
}

int sntrup761_keypair_det(uint8_t pk[SNTRUP761_PUBLICKEY_BYTES],
			  uint8_t sk[SNTRUP761_SECRETKEY_BYTES], sntrup761_rnd rnd, void *ctx)
{
	const struct rng g = {rnd, ctx};
	return rnd ? keypair(pk, sk, &g) : ERR_INVALID;
}

int sntrup761_enc_det(uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES],
		      uint8_t ss[SNTRUP761_SHARED_BYTES],
		      const uint8_t pk[SNTRUP761_PUBLICKEY_BYTES], sntrup761_rnd rnd, void *ctx)
{
	const struct rng g = {rnd, ctx};
	return rnd ? enc(ct, ss, pk, &g) : ERR_INVALID;
}
