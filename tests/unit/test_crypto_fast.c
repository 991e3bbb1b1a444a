/* The fast paths (common/crypto/: AES-NI CTR, AES-NI/PCLMULQDQ GCM, SHA-NI SHA-256)
 * against the portable code (AES: ours, crypto/aes_ct.c; SHA-256: libtomcrypt's) on random
 * keys, counters, lengths and buffer offsets: CTR fed in random
 * pieces (partial blocks carried between calls), counters placed just below a 32-, 64-
 * and 128-bit wrap, GCM with and without AAD, in place and not, with a forged tag
 * rejected by both; SHA-256 and HMAC-SHA2-256 over random lengths fed in random pieces,
 * switching paths in the middle of one hash; ChaCha20 on random lengths and
 * counters; poly1305_mac (64-bit limbs: the portable code wherever __int128 exists)
 * against libtomcrypt's Poly1305 on random and all-ones keys and messages and RFC 8439's
 * edge vectors. The published vectors run through both paths in test_crypto.c. */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "crypto/poly1305_64.h"
#include "err.h"
#include "harness.h"
#include "util.h"

#define MAXN 3000

static uint8_t rnd8(void)
{
	uint8_t b;
	(void)rand_bytes(&b, 1);
	return b;
}

static size_t rnd(size_t bound)
{
	return bound ? rand_uniform((uint32_t)bound) : 0;
}

static void rand_iv(uint8_t iv[16])
{
	(void)rand_bytes(iv, 16);
	switch (rnd(4)) {
	case 0: /* low 32 bits about to wrap */
		memset(iv + 12, 0xff, 4);
		iv[15] -= (uint8_t)rnd(8);
		break;
	case 1: /* low 64 bits about to wrap */
		memset(iv + 8, 0xff, 8);
		iv[15] -= (uint8_t)rnd(8);
		break;
	case 2: /* the whole block about to wrap to zero */
		memset(iv, 0xff, 16);
		iv[15] -= (uint8_t)rnd(8);
		break;
	default:
		break;
	}
}

static void test_ctr_cross(void)
{
	static uint8_t in[MAXN + 16], a[MAXN + 16], b[MAXN + 16];
	static const size_t kls[] = { 16, 24, 32 };

	for (int it = 0; it < 300; it++) {
		uint8_t key[32], iv[16];
		size_t kl = kls[rnd(3)], n = rnd(MAXN), off = rnd(16), done;
		struct aes_ctr f, p;

		(void)rand_bytes(key, sizeof key);
		(void)rand_bytes(in, sizeof in);
		rand_iv(iv);
		crypto_fast_set(0);
		CHECK_OK(aes_ctr_init(&p, key, kl, iv));
		crypto_fast_set(1);
		CHECK_OK(aes_ctr_init(&f, key, kl, iv));
		CHECK(p.fast == 0);
		CHECK(f.fast == (kl != 24 && aesni_available()));
		CHECK_OK(aes_ctr_crypt(&p, in + off, a, n));
		/* the fast path in random pieces, unaligned, every other run in place */
		memcpy(b + off, in + off, n);
		for (done = 0; done < n;) {
			size_t m = rnd8() & 1 ? rnd(40) : rnd(n - done + 1);
			if (m > n - done)
				m = n - done;
			if (it & 1)
				CHECK_OK(aes_ctr_crypt(&f, b + off + done, b + off + done, m));
			else
				CHECK_OK(aes_ctr_crypt(&f, in + off + done, b + off + done, m));
		done += m;
		}
		CHECK_MEM(a, b + off, n);
		/* the streams stay in step after the last call */
		CHECK_OK(aes_ctr_crypt(&p, in, a, 37));
		CHECK_OK(aes_ctr_crypt(&f, in, b, 37));
		CHECK_MEM(a, b, 37);
		aes_ctr_free(&p);
		aes_ctr_free(&f);
	}
}

static void test_gcm_cross(void)
{
	static uint8_t in[MAXN + 16], a[MAXN + 16], b[MAXN + 16], aad[64];

	for (int it = 0; it < 300; it++) {
		uint8_t key[32], nonce[12], ta[16], tb[16];
		size_t kl = rnd8() & 1 ? 16 : 32, n = rnd(MAXN), al = rnd(sizeof aad), off = rnd(16);
		struct aes_gcm f, p;

		if (it % 5 == 0)
			n &= ~(size_t)15; /* the SSH case: whole blocks */
		(void)rand_bytes(key, sizeof key);
		(void)rand_bytes(nonce, sizeof nonce);
		(void)rand_bytes(in, sizeof in);
		(void)rand_bytes(aad, sizeof aad);
		if (it % 7 == 0) /* the 32-bit block counter starts at 2: keep it small */
			memset(nonce + 8, 0xff, 4);
		crypto_fast_set(0);
		CHECK_OK(aes_gcm_init(&p, key, kl));
		crypto_fast_set(1);
		CHECK_OK(aes_gcm_init(&f, key, kl));
		CHECK(f.fast == aesni_available());
		CHECK_OK(aes_gcm_seal(&p, nonce, aad, al, in + off, a, n, ta));
		memcpy(b + off, in + off, n);
		CHECK_OK(aes_gcm_seal(&f, nonce, aad, al, b + off, b + off, n, tb));
		CHECK_MEM(a, b + off, n);
		CHECK_MEM(ta, tb, 16);
		/* each opens the other's output, in place on the fast path */
		CHECK_OK(aes_gcm_open(&f, nonce, aad, al, b + off, b + off, n, ta));
		CHECK_MEM(b + off, in + off, n);
		CHECK_OK(aes_gcm_open(&p, nonce, aad, al, a, b, n, tb));
		CHECK_MEM(b, in + off, n);
		ta[rnd(16)] ^= (uint8_t)(1u << rnd(8));
		CHECK(aes_gcm_open(&f, nonce, aad, al, a, b, n, ta) == ERR_BADSIG);
		CHECK(aes_gcm_open(&p, nonce, aad, al, a, b, n, ta) == ERR_BADSIG);
		aes_gcm_free(&p);
		aes_gcm_free(&f);
	}
}

static void test_sha256_cross(void)
{
	static uint8_t in[MAXN + 16];

	for (int it = 0; it < 300; it++) {
		uint8_t a[32], b[32], key[80];
		size_t n = rnd(MAXN), off = rnd(16), done, kl = rnd(sizeof key);
		struct hash_ctx h;
		struct hmac_key k;
		struct hmac_ctx m;

		(void)rand_bytes(in, sizeof in);
		(void)rand_bytes(key, sizeof key);
		crypto_fast_set(0);
		CHECK_OK(hash_buf(HASH_SHA256, in + off, n, a));
		crypto_fast_set(1);
		CHECK_OK(hash_init(&h, HASH_SHA256));
		for (done = 0; done < n;) {
			size_t p = rnd8() & 1 ? rnd(70) : rnd(n - done + 1);
			if (p > n - done)
				p = n - done;
			crypto_fast_set(rnd8() & 3 ? 1 : 0); /* the paths share one state */
			CHECK_OK(hash_update(&h, in + off + done, p));
			done += p;
		}
		crypto_fast_set(1);
		CHECK_OK(hash_final(&h, b));
		CHECK_MEM(a, b, 32);

		crypto_fast_set(0);
		CHECK_OK(hmac_buf(HASH_SHA256, key, kl, in + off, n, a));
		crypto_fast_set(1);
		CHECK_OK(hmac_setkey(&k, HASH_SHA256, key, kl));
		CHECK_OK(hmac_start(&m, &k));
		CHECK_OK(hmac_update(&m, in + off, n / 3));
		CHECK_OK(hmac_update(&m, in + off + n / 3, n - n / 3));
		CHECK_OK(hmac_final(&m, b));
		hmac_key_free(&k);
		CHECK_MEM(a, b, 32);
	}
}

/* ChaCha20 (Bernstein's layout) on random lengths from 0 to MAXN, with block counters
 * just below the 32-bit carry into word 13 and the 64-bit wrap. */
static void test_chacha_cross(void)
{
	static uint8_t in[MAXN + 16], a[MAXN + 16], b[MAXN + 16];

	for (int it = 0; it < 300; it++) {
		uint8_t key[32], nonce[8];
		size_t n = rnd(MAXN), off = rnd(16);
		uint64_t ctr;

		(void)rand_bytes(key, sizeof key);
		(void)rand_bytes(nonce, sizeof nonce);
		(void)rand_bytes(&ctr, sizeof ctr);
		(void)rand_bytes(in, sizeof in);
		switch (it % 4) {
		case 0: ctr = 0xffffffffu - rnd(10); break;
		case 1: ctr = ~(uint64_t)0 - rnd(10); break;
		case 2: ctr = rnd(3); break;
		default: break;
		}
		crypto_fast_set(0);
		/* libtomcrypt stops with CRYPT_OVERFLOW at the end of block 2^32 - 1 (its
		 * counter's low word), so the reference skips that one block: it is built
		 * before and after it, from block 2^32 on with the carry already in word 13 */
		size_t s1 = n, s2 = n, lo = (size_t)(ctr & 0xffffffffu);
		if (lo + (n + 63) / 64 >= 0xffffffffu) {
			s1 = (0xffffffffu - lo) * 64;
			s1 = s1 < n ? s1 : n;
			s2 = s1 + 64 < n ? s1 + 64 : n;
			if (ctr + s1 / 64 + 1 == 0) /* 2^64: no SSH packet gets there */
				n = s2 = s1;
		}
		if (s1)
			CHECK_OK(chacha20_xor(key, nonce, ctr, in + off, a, s1));
		if (s2 < n)
			CHECK_OK(chacha20_xor(key, nonce, ctr + s1 / 64 + 1, in + off + s2, a + s2,
					      n - s2));
		crypto_fast_set(1);
		memcpy(b + off, in + off, n);
		CHECK_OK(chacha20_xor(key, nonce, ctr, b + off, b + off, n));
		CHECK_MEM(a, b + off, s1);
		CHECK_MEM(a + s2, b + off + s2, n - s2);
	}
}

/* libtomcrypt's Poly1305 (poly1305_mac's code without __int128); p may be NULL if n is 0 */
static void poly1305_ltc(const uint8_t key[32], const uint8_t *p, size_t n, uint8_t tag[16])
{
	static const uint8_t empty[1];
	unsigned long taglen = 16;
	CHECK(poly1305_memory(key, 32, n ? p : empty, n, tag, &taglen) == CRYPT_OK && taglen == 16);
}

/* poly1305_mac (Poly1305 with 64-bit limbs where __int128 exists, and four blocks at a
 * time on AVX2 from 256 bytes on) against libtomcrypt's, on random keys and lengths, and
 * on keys and messages of all ones (the largest limbs and carries, h near p). */
static void test_poly1305_cross(void)
{
	static uint8_t in[MAXN + 16];

	for (int it = 0; it < 400; it++) {
		uint8_t key[32], a[16], b[16];
		/* the lengths around the AVX2 path's thresholds (256 bytes, 64-byte groups,
		 * 16-byte blocks) first, then random ones */
		static const size_t edge[] = { 255, 256, 257, 271, 272, 319, 320, 321, 335,
		                               336, 383, 384, 2047, 2048, 2049, MAXN };
		size_t n = it < 40 ? (size_t)it : it < 72 ? edge[(it - 40) / 2] : rnd(MAXN),
		       off = rnd(16);

		(void)rand_bytes(key, sizeof key);
		(void)rand_bytes(in, sizeof in);
		if (it % 5 == 1 || (it >= 40 && it < 72 && it % 2)) {
			memset(key, 0xff, sizeof key);
			memset(in, 0xff, sizeof in);
		}
		poly1305_ltc(key, in + off, n, a);
		CHECK_OK(poly1305_mac(key, in + off, n, b));
		CHECK_MEM(a, b, 16);
	}
}

/* RFC 8439 appendix A.3 vectors #5 to #9: the final reduction's edge cases (h at or
 * just above p, carries through every limb), on poly1305_mac and libtomcrypt's. */
static void test_poly1305_edges(void)
{
	static const struct {
		const char *key, *msg, *tag;
	} v[] = {
		{ "02", "ffffffffffffffffffffffffffffffff", "03" },
		{ "02000000000000000000000000000000ffffffffffffffffffffffffffffffff",
		  "02000000000000000000000000000000", "03" },
		{ "01",
		  "ffffffffffffffffffffffffffffffff"
		  "f0ffffffffffffffffffffffffffffff"
		  "11000000000000000000000000000000", "05" },
		{ "01",
		  "ffffffffffffffffffffffffffffffff"
		  "fbfefefefefefefefefefefefefefefe"
		  "01010101010101010101010101010101", "00" },
		{ "02", "fdffffffffffffffffffffffffffffff", "faffffffffffffffffffffffffffffff" },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint8_t key[32] = { 0 }, msg[48], tag[16] = { 0 }, got[16];
		size_t mn = hex2bin(v[i].msg, msg, sizeof msg);

		hex2bin(v[i].key, key, sizeof key);
		hex2bin(v[i].tag, tag, sizeof tag);
		CHECK_OK(poly1305_mac(key, msg, mn, got));
		CHECK_MEM(got, tag, 16);
		poly1305_ltc(key, msg, mn, got);
		CHECK_MEM(got, tag, 16);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	if (crypto_init() != 0)
		return 1;
	RUN(test_ctr_cross);
	RUN(test_gcm_cross);
	RUN(test_sha256_cross);
	RUN(test_chacha_cross);
	RUN(test_poly1305_cross);
	RUN(test_poly1305_edges);
	return harness_done(argv[0]);
}
