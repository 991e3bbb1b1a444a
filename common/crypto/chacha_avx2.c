/* chacha_avx2.c: ChaCha20 on AVX2, eight blocks per pass (see chacha_avx2.h). Each of
 * the 16 state words lives in one 256-bit register holding that word of eight
 * consecutive blocks, so the quarter rounds of RFC 8439 2.1 run unchanged on eight
 * blocks at once; the words are then turned back into blocks through a small buffer. */
#include "crypto/chacha_avx2.h"

#if DB_FAST_CRYPTO && defined(__x86_64__)

/* This file alone at -O2 under gcc: its -Os code ran ChaCha20 ~1.3x slower (median
 * of 5 interleaved micro-benchmark runs, 3.4 against 2.3 cycles/byte on the loaded
 * machine); +287 bytes of text. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O2")
#endif

#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

#include "util.h"

#define TGT __attribute__((target("avx2")))
/* at -Os gcc calls small helpers: transpose8 out of line took the address of the
 * state, which then lived in memory through all 20 rounds */
#define INL inline __attribute__((always_inline))

int chacha_avx2_available(void)
{
	static int cached = -1;
	unsigned a, b, c, d, lo, hi;

	if (cached < 0) {
		cached = 0;
		/* leaf 1 ECX bit 27 OSXSAVE, bit 28 AVX; XCR0 bits 1-2: the OS saves SSE and
		 * AVX state; leaf 7 EBX bit 5 AVX2 */
		if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 27)) && (c & (1u << 28))) {
			__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
			(void)hi;
			if ((lo & 6) == 6 && __get_cpuid_count(7, 0, &a, &b, &c, &d))
				cached = (b >> 5) & 1;
		}
	}
	return cached;
}

static INL uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

TGT static INL __m256i rotl(__m256i x, int n)
{
	return _mm256_or_si256(_mm256_slli_epi32(x, n), _mm256_srli_epi32(x, 32 - n));
}

/* RFC 8439 2.1, with the byte-aligned rotations as byte shuffles */
#define QR(a, b, c, d)                                                      \
	do {                                                                \
		a = _mm256_add_epi32(a, b);                                 \
		d = _mm256_shuffle_epi8(_mm256_xor_si256(d, a), r16);       \
		c = _mm256_add_epi32(c, d);                                 \
		b = rotl(_mm256_xor_si256(b, c), 12);                       \
		a = _mm256_add_epi32(a, b);                                 \
		d = _mm256_shuffle_epi8(_mm256_xor_si256(d, a), r8);        \
		c = _mm256_add_epi32(c, d);                                 \
		b = rotl(_mm256_xor_si256(b, c), 7);                        \
	} while (0)

/* v[i] holds 32-bit word i of lanes 0..7; afterwards v[j] holds words 0..7 of lane j:
 * pairs of words, then pairs of pairs, within each 128-bit half, then the halves. */
TGT static INL void transpose8(__m256i v[8])
{
	__m256i t[8], u[8];
	int i;

	for (i = 0; i < 8; i += 2) {
		t[i] = _mm256_unpacklo_epi32(v[i], v[i + 1]);
		t[i + 1] = _mm256_unpackhi_epi32(v[i], v[i + 1]);
	}
	for (i = 0; i < 8; i += 4) {
		u[i] = _mm256_unpacklo_epi64(t[i], t[i + 2]);     /* lanes 0 | 4 */
		u[i + 1] = _mm256_unpackhi_epi64(t[i], t[i + 2]); /* lanes 1 | 5 */
		u[i + 2] = _mm256_unpacklo_epi64(t[i + 1], t[i + 3]); /* 2 | 6 */
		u[i + 3] = _mm256_unpackhi_epi64(t[i + 1], t[i + 3]); /* 3 | 7 */
	}
	for (i = 0; i < 4; i++) {
		v[i] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x20);
		v[i + 4] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x31);
	}
}

/* Eight keystream blocks from block ctr on into ks[8][64]. */
TGT static void blocks8(const uint32_t in[16], uint64_t ctr, uint8_t ks[512])
{
	const __m256i r16 = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13,
					     2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
	const __m256i r8 = _mm256_setr_epi8(3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14,
					    3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
	uint32_t lo[8], hi[8];
	__m256i x[16], s[16];
	int i, j;

	for (j = 0; j < 8; j++) {
		uint64_t c = ctr + (uint64_t)j; /* the 64-bit counter carries into word 13 */
		lo[j] = (uint32_t)c;
		hi[j] = (uint32_t)(c >> 32);
	}
	for (i = 0; i < 16; i++)
		s[i] = _mm256_set1_epi32((int)in[i]);
	s[12] = _mm256_loadu_si256((const __m256i *)lo);
	s[13] = _mm256_loadu_si256((const __m256i *)hi);
	for (i = 0; i < 16; i++)
		x[i] = s[i];
	for (i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (i = 0; i < 16; i++)
		x[i] = _mm256_add_epi32(x[i], s[i]);
	/* word i of block j, little-endian (RFC 8439 2.3 serialisation; x86 is LE): words
	 * 0-7 and 8-15 of the eight blocks are two 8x8 transposes */
	transpose8(x);
	transpose8(x + 8);
	for (j = 0; j < 8; j++) {
		_mm256_storeu_si256((__m256i *)(ks + 64 * j), x[j]);
		_mm256_storeu_si256((__m256i *)(ks + 64 * j + 32), x[8 + j]);
	}
}

TGT void chacha_avx2_xor(const uint8_t key[32], const uint8_t nonce[8], uint64_t counter,
			 const uint8_t *in, uint8_t *out, size_t n)
{
	uint32_t st[16];
	uint8_t ks[512];
	int i;

	st[0] = 0x61707865; /* "expand 32-byte k" */
	st[1] = 0x3320646e;
	st[2] = 0x79622d32;
	st[3] = 0x6b206574;
	for (i = 0; i < 8; i++)
		st[4 + i] = le32(key + 4 * i);
	st[12] = st[13] = 0; /* per lane in blocks8 */
	st[14] = le32(nonce);
	st[15] = le32(nonce + 4);
	while (n) {
		size_t m = n < sizeof ks ? n : sizeof ks;
		blocks8(st, counter, ks);
		for (size_t k = 0; k + 32 <= m; k += 32) {
			__m256i v = _mm256_loadu_si256((const __m256i *)(in + k));
			__m256i q = _mm256_loadu_si256((const __m256i *)(ks + k));
			_mm256_storeu_si256((__m256i *)(out + k), _mm256_xor_si256(v, q));
		}
		for (size_t k = m & ~(size_t)31; k < m; k++)
			out[k] = in[k] ^ ks[k];
		counter += 8;
		in += m;
		out += m;
		n -= m;
	}
	wipe(ks, sizeof ks);
	wipe(st, sizeof st);
	/* Clean upper halves before SSE code runs again: gcc adds this VZEROUPPER itself only
	 * when optimising for speed, and at -Os without it the AES-NI and SHA-NI code run
	 * after it in one process was up to 3x slower in a micro-benchmark here (the
	 * AVX-to-SSE transition). */
	_mm256_zeroupper();
}

#endif
