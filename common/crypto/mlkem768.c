/* mlkem768.c: ML-KEM-768 from FIPS 203. Coefficients are kept fully reduced in [0, q)
 * as uint16_t; every reduction is branch-free. Algorithm numbers are FIPS 203's.
 * Stack use: see mlkem768.h. */
#include "mlkem768.h"

#include <string.h>

#include "crypto.h"
#include "err.h"
#include "sha3.h"
#include "util.h"

#define N 256
#define Q 3329
#define K 3
#define ETA 2 /* eta1 = eta2 = 2 for ML-KEM-768 */
#define DU 10
#define DV 4
#define POLY_BYTES 384 /* ByteEncode_12 of one polynomial */
#define PKE_EK_LEN (K * POLY_BYTES + 32)
#define CT_U_LEN (K * N * DU / 8)

typedef struct {
	uint16_t c[N];
} poly;

/* zeta^BitRev7(i) mod q, zeta = 17 (FIPS 203 4.3, used by Algorithms 9 and 10) */
static const uint16_t zetas[128] = {
	1, 1729, 2580, 3289, 2642, 630, 1897, 848, 1062, 1919, 193, 797, 2786, 3260, 569, 1746,
	296, 2447, 1339, 1476, 3046, 56, 2240, 1333, 1426, 2094, 535, 2882, 2393, 2879, 1974, 821,
	289, 331, 3253, 1756, 1197, 2304, 2277, 2055, 650, 1977, 2513, 632, 2865, 33, 1320, 1915,
	2319, 1435, 807, 452, 1438, 2868, 1534, 2402, 2647, 2617, 1481, 648, 2474, 3110, 1227, 910,
	17, 2761, 583, 2649, 1637, 723, 2288, 1100, 1409, 2662, 3281, 233, 756, 2156, 3015, 3050,
	1703, 1651, 2789, 1789, 1847, 952, 1461, 2687, 939, 2308, 2437, 2388, 733, 2337, 268, 641,
	1584, 2298, 2037, 3220, 375, 2549, 2090, 1645, 1063, 319, 2773, 757, 2099, 561, 2466, 2594,
	2804, 1092, 403, 1026, 1143, 2150, 2775, 886, 1722, 1212, 1874, 1029, 2110, 2935, 885, 2154,
};

/* zeta^(2 BitRev7(i) + 1) mod q (FIPS 203 4.3.1, Algorithm 11) */
static const uint16_t gammas[128] = {
	17, 3312, 2761, 568, 583, 2746, 2649, 680, 1637, 1692, 723, 2606, 2288, 1041, 1100, 2229,
	1409, 1920, 2662, 667, 3281, 48, 233, 3096, 756, 2573, 2156, 1173, 3015, 314, 3050, 279,
	1703, 1626, 1651, 1678, 2789, 540, 1789, 1540, 1847, 1482, 952, 2377, 1461, 1868, 2687, 642,
	939, 2390, 2308, 1021, 2437, 892, 2388, 941, 733, 2596, 2337, 992, 268, 3061, 641, 2688,
	1584, 1745, 2298, 1031, 2037, 1292, 3220, 109, 375, 2954, 2549, 780, 2090, 1239, 1645, 1684,
	1063, 2266, 319, 3010, 2773, 556, 757, 2572, 2099, 1230, 561, 2768, 2466, 863, 2594, 735,
	2804, 525, 1092, 2237, 403, 2926, 1026, 2303, 1143, 2186, 2150, 1179, 2775, 554, 886, 2443,
	1722, 1607, 1212, 2117, 1874, 1455, 1029, 2300, 2110, 1219, 2935, 394, 885, 2444, 2154, 1175,
};

/* ---------------------------------------------------------------- arithmetic mod q */

/* x in [0, 2q) -> x mod q, without a branch */
static uint16_t csubq(uint32_t x)
{
	uint32_t t = x - Q;
	t += Q & (0u - (t >> 31));
	return (uint16_t)t;
}

/* floor(x / q) and x mod q for x < 2^26, by Barrett's method: m = floor(2^36 / q)
 * underestimates x / q by less than one, so one correction step is exact. */
static uint32_t divq(uint32_t x, uint32_t *rem)
{
	uint32_t t = (uint32_t)(((uint64_t)x * 20642678u) >> 36);
	uint32_t r = x - t * Q;
	uint32_t ge = 1 ^ ((r - Q) >> 31); /* r >= q */
	t += ge;
	r -= Q & (0u - ge);
	if (rem)
		*rem = r;
	return t;
}

static uint16_t modq(uint32_t x)
{
	uint32_t r;
	(void)divq(x, &r);
	return (uint16_t)r;
}

static uint16_t addq(uint16_t a, uint16_t b)
{
	return csubq((uint32_t)a + b);
}

static uint16_t subq(uint16_t a, uint16_t b)
{
	return csubq((uint32_t)a + Q - b);
}

static uint16_t mulq(uint16_t a, uint16_t b)
{
	return modq((uint32_t)a * b);
}

/* ---------------------------------------------------------------- NTT (4.3) */

/* Algorithm 9 */
static void ntt(poly *f)
{
	unsigned len, start, j, i = 1;
	uint16_t z, t;

	for (len = 128; len >= 2; len /= 2)
		for (start = 0; start < N; start += 2 * len) {
			z = zetas[i++];
			for (j = start; j < start + len; j++) {
				t = mulq(z, f->c[j + len]);
				f->c[j + len] = subq(f->c[j], t);
				f->c[j] = addq(f->c[j], t);
			}
		}
}

/* Algorithm 10 */
static void ntt_inv(poly *f)
{
	unsigned len, start, j, i = 127;
	uint16_t z, t;

	for (len = 2; len <= 128; len *= 2)
		for (start = 0; start < N; start += 2 * len) {
			z = zetas[i--];
			for (j = start; j < start + len; j++) {
				t = f->c[j];
				f->c[j] = addq(t, f->c[j + len]);
				f->c[j + len] = mulq(z, subq(f->c[j + len], t));
			}
		}
	for (j = 0; j < N; j++)
		f->c[j] = mulq(f->c[j], 3303); /* 128^-1 mod q */
}

/* acc += a * b in the NTT domain (Algorithms 11 and 12) */
static void poly_mul_acc(poly *acc, const poly *a, const poly *b)
{
	unsigned i;
	uint16_t c0, c1;

	for (i = 0; i < 128; i++) {
		const uint16_t a0 = a->c[2 * i], a1 = a->c[2 * i + 1];
		const uint16_t b0 = b->c[2 * i], b1 = b->c[2 * i + 1];
		c0 = addq(mulq(a0, b0), mulq(mulq(a1, b1), gammas[i]));
		c1 = addq(mulq(a0, b1), mulq(a1, b0));
		acc->c[2 * i] = addq(acc->c[2 * i], c0);
		acc->c[2 * i + 1] = addq(acc->c[2 * i + 1], c1);
	}
}

static void poly_add(poly *r, const poly *a)
{
	unsigned i;
	for (i = 0; i < N; i++)
		r->c[i] = addq(r->c[i], a->c[i]);
}

/* ---------------------------------------------------------------- encoding (4.2.1) */

/* ByteEncode_d (Algorithm 5): 256 d-bit values, least significant bit first. */
static void encode(uint8_t *out, const poly *f, unsigned d)
{
	uint32_t acc = 0;
	unsigned bits = 0, i;

	for (i = 0; i < N; i++) {
		acc |= (uint32_t)f->c[i] << bits;
		bits += d;
		while (bits >= 8) {
			*out++ = (uint8_t)acc;
			acc >>= 8;
			bits -= 8;
		}
	}
}

/* ByteDecode_d (Algorithm 6). For d = 12 the value is reduced mod q, branch-free. */
static void decode(poly *f, const uint8_t *in, unsigned d)
{
	uint32_t acc = 0, mask = (1u << d) - 1;
	unsigned bits = 0, i;

	for (i = 0; i < N; i++) {
		while (bits < d) {
			acc |= (uint32_t)*in++ << bits;
			bits += 8;
		}
		f->c[i] = (uint16_t)(acc & mask);
		if (d == 12)
			f->c[i] = csubq(f->c[i]);
		acc >>= d;
		bits -= d;
	}
}

/* Compress_d (4.7): round(2^d x / q) mod 2^d. q is odd, so no value lies halfway and
 * round(y) = floor(y + 1664/q); the division by q is divq's multiply-and-shift. */
static void compress(poly *f, unsigned d)
{
	unsigned i;
	for (i = 0; i < N; i++)
		f->c[i] = (uint16_t)(divq(((uint32_t)f->c[i] << d) + (Q - 1) / 2, NULL) &
				     ((1u << d) - 1));
}

/* Decompress_d (4.8): round(q y / 2^d) */
static void decompress(poly *f, unsigned d)
{
	unsigned i;
	for (i = 0; i < N; i++)
		f->c[i] = (uint16_t)(((uint32_t)f->c[i] * Q + (1u << (d - 1))) >> d);
}

/* ---------------------------------------------------------------- sampling (4.2.2) */

/* SampleNTT (Algorithm 7) from SHAKE128(rho || a || b). Rejection sampling on public
 * data: the branches depend only on rho. */
static void sample_ntt(poly *f, const uint8_t rho[32], uint8_t a, uint8_t b)
{
	struct shake_ctx x;
	uint8_t blk[SHAKE128_RATE], ab[2] = { a, b };
	unsigned j = 0, i;
	uint16_t d1, d2;

	shake128_init(&x);
	shake_absorb(&x, rho, 32);
	shake_absorb(&x, ab, 2);
	while (j < N) {
		shake_squeeze(&x, blk, sizeof(blk));
		for (i = 0; i + 3 <= sizeof(blk) && j < N; i += 3) {
			d1 = (uint16_t)(blk[i] | ((blk[i + 1] & 0x0f) << 8));
			d2 = (uint16_t)((blk[i + 1] >> 4) | (blk[i + 2] << 4));
			if (d1 < Q)
				f->c[j++] = d1;
			if (d2 < Q && j < N)
				f->c[j++] = d2;
		}
	}
	shake_wipe(&x);
}

/* SamplePolyCBD_2 (Algorithm 8) of PRF_2(s, n) = SHAKE256(s || n, 128) (4.1) */
static void sample_cbd(poly *f, const uint8_t s[32], uint8_t n)
{
	uint8_t b[64 * ETA];
	struct shake_ctx x;
	unsigned i;
	uint32_t w, a, c;

	shake256_init(&x);
	shake_absorb(&x, s, 32);
	shake_absorb(&x, &n, 1);
	shake_squeeze(&x, b, sizeof(b));
	shake_wipe(&x);
	/* each byte holds two coefficients: bits 0,1 minus bits 2,3 and bits 4,5 minus
	 * bits 6,7 */
	for (i = 0; i < sizeof(b); i++) {
		w = b[i];
		a = (w & 1) + ((w >> 1) & 1);
		c = ((w >> 2) & 1) + ((w >> 3) & 1);
		f->c[2 * i] = csubq(a + Q - c);
		a = ((w >> 4) & 1) + ((w >> 5) & 1);
		c = ((w >> 6) & 1) + ((w >> 7) & 1);
		f->c[2 * i + 1] = csubq(a + Q - c);
	}
	wipe(b, sizeof(b));
}

/* ---------------------------------------------------------------- K-PKE (5) */

/* Algorithm 13 */
static void pke_keygen(uint8_t ek[PKE_EK_LEN], uint8_t dk[K * POLY_BYTES],
		       const uint8_t d[32])
{
	uint8_t in[33], g[64]; /* rho = g[0..32), sigma = g[32..64) */
	poly s[K], t, a, e;
	unsigned i, j;

	memcpy(in, d, 32);
	in[32] = K; /* G(d || k), the domain separation of the final standard */
	sha3_512(g, in, sizeof(in));
	for (i = 0; i < K; i++) {
		sample_cbd(&s[i], g + 32, (uint8_t)i);
		ntt(&s[i]);
	}
	for (i = 0; i < K; i++) {
		sample_cbd(&e, g + 32, (uint8_t)(K + i));
		ntt(&e);
		memset(&t, 0, sizeof(t));
		for (j = 0; j < K; j++) {
			sample_ntt(&a, g, (uint8_t)j, (uint8_t)i); /* A[i][j] */
			poly_mul_acc(&t, &a, &s[j]);
		}
		poly_add(&t, &e);
		encode(ek + i * POLY_BYTES, &t, 12);
		encode(dk + i * POLY_BYTES, &s[i], 12);
	}
	memcpy(ek + K * POLY_BYTES, g, 32);
	wipe(in, sizeof(in));
	wipe(g, sizeof(g));
	wipe(s, sizeof(s));
	wipe(&e, sizeof(e));
	wipe(&t, sizeof(t));
}

/* Algorithm 14. ek has passed the modulus check. */
static void pke_encrypt(uint8_t ct[MLKEM768_CT_LEN], const uint8_t ek[PKE_EK_LEN],
			const uint8_t m[32], const uint8_t r[32])
{
	const uint8_t *rho = ek + K * POLY_BYTES;
	poly y[K], acc, a;
	unsigned i, j;

	for (i = 0; i < K; i++) {
		sample_cbd(&y[i], r, (uint8_t)i);
		ntt(&y[i]);
	}
	/* u = NTT^-1(A^T y) + e1, A^T[i][j] = A[j][i] = SampleNTT(rho || i || j) */
	for (i = 0; i < K; i++) {
		memset(&acc, 0, sizeof(acc));
		for (j = 0; j < K; j++) {
			sample_ntt(&a, rho, (uint8_t)i, (uint8_t)j);
			poly_mul_acc(&acc, &a, &y[j]);
		}
		ntt_inv(&acc);
		sample_cbd(&a, r, (uint8_t)(K + i)); /* e1[i] */
		poly_add(&acc, &a);
		compress(&acc, DU);
		encode(ct + i * N * DU / 8, &acc, DU);
	}
	/* v = NTT^-1(t^T y) + e2 + Decompress_1(m) */
	memset(&acc, 0, sizeof(acc));
	for (j = 0; j < K; j++) {
		decode(&a, ek + j * POLY_BYTES, 12);
		poly_mul_acc(&acc, &a, &y[j]);
	}
	ntt_inv(&acc);
	sample_cbd(&a, r, 2 * K); /* e2 */
	poly_add(&acc, &a);
	decode(&a, m, 1);
	decompress(&a, 1);
	poly_add(&acc, &a);
	compress(&acc, DV);
	encode(ct + CT_U_LEN, &acc, DV);
	wipe(y, sizeof(y));
	wipe(&acc, sizeof(acc));
	wipe(&a, sizeof(a));
}

/* Algorithm 15 */
static void pke_decrypt(uint8_t m[32], const uint8_t dk[K * POLY_BYTES],
			const uint8_t ct[MLKEM768_CT_LEN])
{
	poly acc, u, s;
	unsigned i;

	memset(&acc, 0, sizeof(acc));
	for (i = 0; i < K; i++) {
		decode(&u, ct + i * N * DU / 8, DU);
		decompress(&u, DU);
		ntt(&u);
		decode(&s, dk + i * POLY_BYTES, 12);
		poly_mul_acc(&acc, &s, &u);
	}
	ntt_inv(&acc);
	decode(&u, ct + CT_U_LEN, DV);
	decompress(&u, DV);
	for (i = 0; i < N; i++)
		u.c[i] = subq(u.c[i], acc.c[i]); /* w = v - NTT^-1(s^T NTT(u)) */
	compress(&u, 1);
	encode(m, &u, 1);
	wipe(&acc, sizeof(acc));
	wipe(&u, sizeof(u));
	wipe(&s, sizeof(s));
}

/* ---------------------------------------------------------------- ML-KEM (6, 7) */

/* FIPS 203 7.2, modulus check: every 12-bit value of ek is already < q. ek is public. */
static int ek_check(const uint8_t *ek, size_t eklen)
{
	unsigned i;
	uint16_t d1, d2;

	if (eklen != MLKEM768_EK_LEN)
		return ERR_INVALID;
	for (i = 0; i < K * POLY_BYTES; i += 3) {
		d1 = (uint16_t)(ek[i] | ((ek[i + 1] & 0x0f) << 8));
		d2 = (uint16_t)((ek[i + 1] >> 4) | (ek[i + 2] << 4));
		if (d1 >= Q || d2 >= Q)
			return ERR_INVALID;
	}
	return 0;
}

/* Algorithm 16 */
void mlkem768_keypair_derand(uint8_t ek[MLKEM768_EK_LEN], uint8_t dk[MLKEM768_DK_LEN],
			     const uint8_t d[MLKEM768_SEED_LEN], const uint8_t z[MLKEM768_SEED_LEN])
{
	pke_keygen(ek, dk, d);
	memcpy(dk + K * POLY_BYTES, ek, MLKEM768_EK_LEN);
	sha3_256(dk + K * POLY_BYTES + MLKEM768_EK_LEN, ek, MLKEM768_EK_LEN);
	memcpy(dk + MLKEM768_DK_LEN - 32, z, 32);
}

int mlkem768_keypair(uint8_t ek[MLKEM768_EK_LEN], uint8_t dk[MLKEM768_DK_LEN])
{
	uint8_t dz[64];
	int r = rand_bytes(dz, sizeof(dz));

	if (r == 0)
		mlkem768_keypair_derand(ek, dk, dz, dz + 32);
	wipe(dz, sizeof(dz));
	return r;
}

/* Algorithm 17, after the input check of 7.2 */
int mlkem768_encaps_derand(uint8_t ct[MLKEM768_CT_LEN], uint8_t ss[MLKEM768_SS_LEN],
			   const uint8_t *ek, size_t eklen, const uint8_t m[MLKEM768_SEED_LEN])
{
	uint8_t in[64], kr[64];
	int r;

	if ((r = ek_check(ek, eklen)) != 0)
		return r;
	memcpy(in, m, 32);
	sha3_256(in + 32, ek, MLKEM768_EK_LEN); /* H(ek) */
	sha3_512(kr, in, sizeof(in));           /* (K, r) = G(m || H(ek)) */
	pke_encrypt(ct, ek, m, kr + 32);
	memcpy(ss, kr, 32);
	wipe(in, sizeof(in));
	wipe(kr, sizeof(kr));
	return 0;
}

int mlkem768_encaps(uint8_t ct[MLKEM768_CT_LEN], uint8_t ss[MLKEM768_SS_LEN],
		    const uint8_t *ek, size_t eklen)
{
	uint8_t m[32];
	int r = rand_bytes(m, sizeof(m));

	if (r == 0)
		r = mlkem768_encaps_derand(ct, ss, ek, eklen, m);
	wipe(m, sizeof(m));
	return r;
}

/* Algorithm 18 with the input checks of 7.3 (lengths, and the hash of ek stored in dk) */
int mlkem768_decaps(uint8_t ss[MLKEM768_SS_LEN], const uint8_t *ct, size_t ctlen,
		    const uint8_t *dk, size_t dklen)
{
	const uint8_t *ek = dk + K * POLY_BYTES, *h = ek + MLKEM768_EK_LEN, *z = h + 32;
	uint8_t in[64], kr[64], kbar[32], ct2[MLKEM768_CT_LEN], hh[32];
	struct shake_ctx x;
	volatile uint8_t keep;
	uint8_t diff = 0, mask;
	unsigned i;

	if (ctlen != MLKEM768_CT_LEN || dklen != MLKEM768_DK_LEN)
		return ERR_INVALID;
	sha3_256(hh, ek, MLKEM768_EK_LEN);
	if (!ct_memeq(hh, h, 32))
		return ERR_INVALID;
	pke_decrypt(in, dk, ct);        /* m' */
	memcpy(in + 32, h, 32);
	sha3_512(kr, in, sizeof(in));   /* (K', r') = G(m' || h) */
	shake256_init(&x);              /* K_bar = J(z || c) */
	shake_absorb(&x, z, 32);
	shake_absorb(&x, ct, MLKEM768_CT_LEN);
	shake_squeeze(&x, kbar, sizeof(kbar));
	shake_wipe(&x);
	pke_encrypt(ct2, ek, in, kr + 32);
	/* c == c' selects K', otherwise K_bar: a mask, not a branch; the volatile keeps
	 * the compiler from turning the select back into one. */
	for (i = 0; i < MLKEM768_CT_LEN; i++)
		diff |= ct[i] ^ ct2[i];
	keep = (uint8_t)(((uint32_t)diff - 1) >> 8); /* 0xff when equal, else 0 */
	mask = keep;
	for (i = 0; i < 32; i++)
		ss[i] = (uint8_t)((kr[i] & mask) | (kbar[i] & (uint8_t)~mask));
	wipe(in, sizeof(in));
	wipe(kr, sizeof(kr));
	wipe(kbar, sizeof(kbar));
	wipe(ct2, sizeof(ct2));
	return 0;
}
