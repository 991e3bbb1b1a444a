/* aesni.c: AES-CTR and AES-GCM on AES-NI and PCLMULQDQ (see aesni.h). Written from
 * FIPS 197 (key expansion, 5.2), NIST SP 800-38D (GCM, GHASH, 6.3-7.2) and Intel's
 * intrinsics guide. Only the functions carrying the target attribute use the
 * instructions, so the rest of the build stays generic x86-64; nothing here runs unless
 * aesni_available() said yes.
 *
 * GHASH works in the bit-reflected form: each 16-byte block is byte-reversed into a
 * register, so that the coefficient of x^i sits at bit 127-i. A carry-less product of two
 * such values is the reflected product shifted right by one bit, hence the one-bit left
 * shift before reducing modulo x^128 + x^7 + x^2 + x + 1. Four blocks are multiplied by
 * H^4..H^1 and summed before one reduction; in GCM's bulk loop eight by H^8..H^1, their
 * multiplies interleaved with the AES rounds of the next eight counter blocks (the two
 * use different execution units, so the GHASH comes almost for free). */
#include "crypto/aesni.h"

#if DB_FAST_CRYPTO && defined(__x86_64__)

#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

#define TGT __attribute__((target("aes,pclmul,ssse3,sse4.1")))
/* GHASH's multiply and reduce, inlined into ghash4 even at -Os: as calls, with their
 * vectors passed through memory, they cost GCM about a fifth of its time (+300 bytes). */
#define HOT TGT __attribute__((always_inline)) inline

int aesni_available(void)
{
	static int cached = -1;
	unsigned a, b, c, d;

	if (cached < 0) {
		cached = 0;
		/* leaf 1 ECX: bit 1 PCLMULQDQ, 9 SSSE3, 19 SSE4.1, 25 AES */
		if (__get_cpuid(1, &a, &b, &c, &d))
			cached = (c & (1u << 1)) && (c & (1u << 9)) && (c & (1u << 19)) &&
				 (c & (1u << 25));
	}
	return cached;
}

/* ---------------------------------------------------------------- key expansion */

/* One step of FIPS 197's expansion for four words: w[i] = w[i-Nk] ^ w[i-1]' where the
 * prefix XOR of the previous four words is built by three shifted XORs and t already
 * holds SubWord/RotWord/Rcon of the last word broadcast to all lanes. */
TGT static __m128i expand_step(__m128i prev, __m128i t)
{
	prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
	prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
	prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
	return _mm_xor_si128(prev, t);
}

#define KGA(x, rcon) _mm_aeskeygenassist_si128((x), (rcon))

TGT static void expand128(struct aesni_key *k, const uint8_t *key)
{
	__m128i r[11];

	r[0] = _mm_loadu_si128((const __m128i *)key);
#define E128(i, rc) r[i] = expand_step(r[i - 1], _mm_shuffle_epi32(KGA(r[i - 1], rc), 0xff))
	E128(1, 0x01); E128(2, 0x02); E128(3, 0x04); E128(4, 0x08); E128(5, 0x10);
	E128(6, 0x20); E128(7, 0x40); E128(8, 0x80); E128(9, 0x1b); E128(10, 0x36);
#undef E128
	for (int i = 0; i < 11; i++)
		_mm_storeu_si128((__m128i *)k->rk[i], r[i]);
	k->rounds = 10;
}

TGT static void expand256(struct aesni_key *k, const uint8_t *key)
{
	__m128i r[15];

	r[0] = _mm_loadu_si128((const __m128i *)key);
	r[1] = _mm_loadu_si128((const __m128i *)(key + 16));
	/* even steps: RotWord+SubWord+Rcon of the last word (lane 3 of KGA's output);
	 * odd steps: SubWord only (lane 2), FIPS 197 5.2 for Nk = 8 */
#define E256(i, rc)                                                                        \
	do {                                                                               \
		r[i] = expand_step(r[i - 2], _mm_shuffle_epi32(KGA(r[i - 1], rc), 0xff)); \
		if (i + 1 < 15)                                                            \
			r[i + 1] = expand_step(r[i - 1],                                   \
					       _mm_shuffle_epi32(KGA(r[i], 0), 0xaa));     \
	} while (0)
	E256(2, 0x01); E256(4, 0x02); E256(6, 0x04); E256(8, 0x08); E256(10, 0x10);
	E256(12, 0x20); E256(14, 0x40);
#undef E256
	for (int i = 0; i < 15; i++)
		_mm_storeu_si128((__m128i *)k->rk[i], r[i]);
	k->rounds = 14;
}

static int ni_setkey(struct aesni_key *k, const uint8_t *key, size_t keylen)
{
	if (keylen == 16)
		expand128(k, key);
	else if (keylen == 32)
		expand256(k, key);
	else
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- block cores */

#define LOADK(i) _mm_loadu_si128((const __m128i *)k->rk[i])

TGT static __m128i enc1(const struct aesni_key *k, __m128i b)
{
	b = _mm_xor_si128(b, LOADK(0));
	for (unsigned i = 1; i < k->rounds; i++)
		b = _mm_aesenc_si128(b, LOADK(i));
	return _mm_aesenclast_si128(b, LOADK(k->rounds));
}

/* Eight blocks in flight hide the AESENC latency. */
TGT static void enc8(const struct aesni_key *k, __m128i b[8])
{
	__m128i rk = LOADK(0), v[8];
	int j;

	_Pragma("GCC unroll 8")
	for (j = 0; j < 8; j++)
		v[j] = _mm_xor_si128(b[j], rk);
	for (unsigned i = 1; i < k->rounds; i++) {
		rk = LOADK(i);
		_Pragma("GCC unroll 8")
		for (j = 0; j < 8; j++)
			v[j] = _mm_aesenc_si128(v[j], rk);
	}
	rk = LOADK(k->rounds);
	_Pragma("GCC unroll 8")
	for (j = 0; j < 8; j++)
		b[j] = _mm_aesenclast_si128(v[j], rk);
}

/* ---------------------------------------------------------------- CTR */

static uint64_t bswap64(uint64_t x)
{
	return __builtin_bswap64(x);
}

static uint64_t load_be(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return bswap64(v);
}

/* The counter block hi||lo in wire order, then the 128-bit increment (RFC 4344 4). */
TGT static __m128i ctr_next(struct aesni_ctr *c)
{
	__m128i b = _mm_set_epi64x((long long)bswap64(c->lo), (long long)bswap64(c->hi));
	if (++c->lo == 0)
		c->hi++;
	return b;
}

int aesni_ctr_init(struct aesni_ctr *c, const uint8_t *key, size_t keylen, const uint8_t iv[16])
{
	if (ni_setkey(&c->k, key, keylen))
		return -1;
	c->hi = load_be(iv);
	c->lo = load_be(iv + 8);
	c->ks_left = 0;
	return 0;
}

TGT void aesni_ctr_crypt(struct aesni_ctr *c, const uint8_t *in, uint8_t *out, size_t n)
{
	const struct aesni_key *k = &c->k;

	while (n && c->ks_left) {
		*out++ = *in++ ^ c->ks[16 - c->ks_left];
		c->ks_left--;
		n--;
	}
	while (n >= 128) {
		__m128i b[8];
		int j;
		for (j = 0; j < 8; j++)
			b[j] = ctr_next(c);
		enc8(k, b);
		for (j = 0; j < 8; j++) {
			__m128i x = _mm_loadu_si128((const __m128i *)(in + 16 * j));
			_mm_storeu_si128((__m128i *)(out + 16 * j), _mm_xor_si128(x, b[j]));
		}
		in += 128;
		out += 128;
		n -= 128;
	}
	while (n >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)in);
		_mm_storeu_si128((__m128i *)out, _mm_xor_si128(x, enc1(k, ctr_next(c))));
		in += 16;
		out += 16;
		n -= 16;
	}
	if (n) {
		_mm_storeu_si128((__m128i *)c->ks, enc1(k, ctr_next(c)));
		for (size_t i = 0; i < n; i++)
			out[i] = in[i] ^ c->ks[i];
		c->ks_left = (unsigned)(16 - n);
	}
}

/* ---------------------------------------------------------------- GHASH */

HOT static __m128i bswap128(__m128i x)
{
	const __m128i rev = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
	return _mm_shuffle_epi8(x, rev);
}

/* Accumulates the 256-bit carry-less product a*b into hi:lo (Karatsuba would save one
 * multiply but costs more XORs and shuffles than it saves here). */
HOT static void clmul_acc(__m128i a, __m128i b, __m128i *lo, __m128i *hi)
{
	__m128i l = _mm_clmulepi64_si128(a, b, 0x00);
	__m128i h = _mm_clmulepi64_si128(a, b, 0x11);
	__m128i m = _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x01),
				  _mm_clmulepi64_si128(a, b, 0x10));
	*lo = _mm_xor_si128(*lo, _mm_xor_si128(l, _mm_slli_si128(m, 8)));
	*hi = _mm_xor_si128(*hi, _mm_xor_si128(h, _mm_srli_si128(m, 8)));
}

/* hi:lo (reflected, shifted right by one) -> the reduced reflected product. */
HOT static __m128i reduce(__m128i lo, __m128i hi)
{
	/* shift the 256-bit value left by one */
	__m128i cl = _mm_srli_epi64(lo, 63), ch = _mm_srli_epi64(hi, 63);
	lo = _mm_or_si128(_mm_slli_epi64(lo, 1), _mm_slli_si128(cl, 8));
	hi = _mm_or_si128(_mm_or_si128(_mm_slli_epi64(hi, 1), _mm_slli_si128(ch, 8)),
			  _mm_srli_si128(cl, 8));
	/* lo holds the coefficients of x^128..x^255 (reflected): fold them back times
	 * x^7 + x^2 + x + 1, first the bits that the right shifts below push out of the low
	 * word, then the shifts themselves */
	__m128i t = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi64(lo, 63), _mm_slli_epi64(lo, 62)),
				  _mm_slli_epi64(lo, 57));
	lo = _mm_xor_si128(lo, _mm_slli_si128(t, 8));
	__m128i s1 = _mm_or_si128(_mm_srli_epi64(lo, 1), _mm_srli_si128(_mm_slli_epi64(lo, 63), 8));
	__m128i s2 = _mm_or_si128(_mm_srli_epi64(lo, 2), _mm_srli_si128(_mm_slli_epi64(lo, 62), 8));
	__m128i s7 = _mm_or_si128(_mm_srli_epi64(lo, 7), _mm_srli_si128(_mm_slli_epi64(lo, 57), 8));
	return _mm_xor_si128(hi, _mm_xor_si128(_mm_xor_si128(lo, s1), _mm_xor_si128(s2, s7)));
}

TGT static __m128i gfmul(__m128i a, __m128i b)
{
	__m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
	clmul_acc(a, b, &lo, &hi);
	return reduce(lo, hi);
}

TGT static __m128i ghash_block(const struct aesni_gcm *g, __m128i x, __m128i blk)
{
	return gfmul(_mm_xor_si128(x, bswap128(blk)), _mm_loadu_si128((const __m128i *)g->h[0]));
}

/* x = (x ^ b0)*H^4 ^ b1*H^3 ^ b2*H^2 ^ b3*H: four blocks of the GHASH recursion. */
TGT static __m128i ghash4(const struct aesni_gcm *g, __m128i x, const __m128i b[4])
{
	__m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
	clmul_acc(_mm_xor_si128(x, bswap128(b[0])), _mm_loadu_si128((const __m128i *)g->h[3]),
		  &lo, &hi);
	clmul_acc(bswap128(b[1]), _mm_loadu_si128((const __m128i *)g->h[2]), &lo, &hi);
	clmul_acc(bswap128(b[2]), _mm_loadu_si128((const __m128i *)g->h[1]), &lo, &hi);
	clmul_acc(bswap128(b[3]), _mm_loadu_si128((const __m128i *)g->h[0]), &lo, &hi);
	return reduce(lo, hi);
}

/* GHASH over data[n], zero-padded to whole blocks (SP 800-38D 7.1 step 5). */
TGT static __m128i ghash_pad(const struct aesni_gcm *g, __m128i x, const uint8_t *p, size_t n)
{
	__m128i b[4];

	while (n >= 64) {
		for (int j = 0; j < 4; j++)
			b[j] = _mm_loadu_si128((const __m128i *)(p + 16 * j));
		x = ghash4(g, x, b);
		p += 64;
		n -= 64;
	}
	while (n >= 16) {
		x = ghash_block(g, x, _mm_loadu_si128((const __m128i *)p));
		p += 16;
		n -= 16;
	}
	if (n) {
		uint8_t last[16] = { 0 };
		memcpy(last, p, n);
		x = ghash_block(g, x, _mm_loadu_si128((const __m128i *)last));
	}
	return x;
}

TGT static void gcm_init_h(struct aesni_gcm *g)
{
	__m128i h = bswap128(enc1(&g->k, _mm_setzero_si128())); /* H = E_K(0^128) */
	__m128i p = h;

	_mm_storeu_si128((__m128i *)g->h[0], h);
	for (int i = 1; i < 8; i++) {
		p = gfmul(p, h);
		_mm_storeu_si128((__m128i *)g->h[i], p);
	}
}

int aesni_gcm_init(struct aesni_gcm *g, const uint8_t *key, size_t keylen)
{
	if (ni_setkey(&g->k, key, keylen))
		return -1;
	gcm_init_h(g);
	return 0;
}

/* nonce || BE32(ctr): the 32-bit inc of SP 800-38D 6.2 on the last word. */
HOT static __m128i gcm_ctr(__m128i base, uint32_t ctr)
{
	return _mm_insert_epi32(base, (int)__builtin_bswap32(ctr), 3);
}

/* AES of the eight counter blocks b[] with, between the rounds, GHASH of eight
 * ciphertext blocks c[] (x = (x ^ c0)*H^8 ^ c1*H^7 ^ ... ^ c7*H, one reduction). The
 * 10 or 14 rounds leave room for the eight multiplies. */
TGT static __m128i enc8_ghash8(const struct aesni_key *k, __m128i b[8],
				const struct aesni_gcm *g, __m128i x, const __m128i c[8])
{
	__m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
	__m128i rk = LOADK(0), v[8], cc[8];
	int j;

	/* local copies, so that they live in registers across the rounds (b and c could
	 * alias the key schedule as far as the compiler knows) */
	_Pragma("GCC unroll 8")
	for (j = 0; j < 8; j++) {
		v[j] = _mm_xor_si128(b[j], rk);
		cc[j] = c[j];
	}
	cc[0] = _mm_xor_si128(cc[0], bswap128(x)); /* bswap128 below makes it x ^ block */
	for (unsigned i = 1; i < k->rounds; i++) {
		rk = LOADK(i);
		_Pragma("GCC unroll 8")
		for (j = 0; j < 8; j++)
			v[j] = _mm_aesenc_si128(v[j], rk);
		if (i <= 8)
			clmul_acc(bswap128(cc[i - 1]), _mm_loadu_si128((const __m128i *)g->h[8 - i]),
				  &lo, &hi);
	}
	rk = LOADK(k->rounds);
	_Pragma("GCC unroll 8")
	for (j = 0; j < 8; j++)
		b[j] = _mm_aesenclast_si128(v[j], rk);
	return reduce(lo, hi);
}

TGT void aesni_gcm_crypt(const struct aesni_gcm *g, const uint8_t nonce[12], const uint8_t *aad,
			 size_t aadlen, const uint8_t *in, uint8_t *out, size_t n, uint8_t tag[16],
			 int decrypt)
{
	const struct aesni_key *k = &g->k;
	uint8_t nb[16] = { 0 };
	__m128i base, x = _mm_setzero_si128();
	uint32_t ctr = 2; /* J0 has counter 1 and masks the tag; data starts at 2 */
	uint64_t abits = (uint64_t)aadlen * 8, cbits = (uint64_t)n * 8;

	memcpy(nb, nonce, 12);
	base = _mm_loadu_si128((const __m128i *)nb);
	x = ghash_pad(g, x, aad, aadlen);

	/* Eight blocks a step. Decrypting, GHASH takes the step's own input while its
	 * keystream is computed; encrypting, the ciphertext of the step before (pending),
	 * and the last step's after the loop. */
	__m128i pend[8];
	int have = 0;
	while (n >= 128) {
		__m128i b[8], c[8];
		int j;
		for (j = 0; j < 8; j++) {
			b[j] = gcm_ctr(base, ctr++);
			c[j] = _mm_loadu_si128((const __m128i *)(in + 16 * j));
		}
		if (decrypt)
			x = enc8_ghash8(k, b, g, x, c);
		else if (have)
			x = enc8_ghash8(k, b, g, x, pend);
		else
			enc8(k, b);
		for (j = 0; j < 8; j++) {
			__m128i o = _mm_xor_si128(c[j], b[j]);
			pend[j] = o;
			_mm_storeu_si128((__m128i *)(out + 16 * j), o);
		}
		have = !decrypt;
		in += 128;
		out += 128;
		n -= 128;
	}
	if (have) {
		x = ghash4(g, x, pend);
		x = ghash4(g, x, pend + 4);
	}
	while (n >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)in);
		__m128i o = _mm_xor_si128(v, enc1(k, gcm_ctr(base, ctr++)));
		_mm_storeu_si128((__m128i *)out, o);
		x = ghash_block(g, x, decrypt ? v : o);
		in += 16;
		out += 16;
		n -= 16;
	}
	if (n) {
		uint8_t ks[16], cb[16] = { 0 };
		_mm_storeu_si128((__m128i *)ks, enc1(k, gcm_ctr(base, ctr)));
		for (size_t i = 0; i < n; i++) {
			uint8_t o = in[i] ^ ks[i];
			cb[i] = decrypt ? in[i] : o;
			out[i] = o;
		}
		x = ghash_block(g, x, _mm_loadu_si128((const __m128i *)cb));
		memset(ks, 0, sizeof ks);
	}
	/* len(A) || len(C) in bits, 64-bit big-endian each (7.1 step 5) */
	x = ghash_block(g, x, _mm_set_epi64x((long long)bswap64(cbits), (long long)bswap64(abits)));
	__m128i t = _mm_xor_si128(bswap128(x), enc1(k, gcm_ctr(base, 1)));
	_mm_storeu_si128((__m128i *)tag, t);
}

#endif
