/* The portable constant-time AES and GHASH (common/crypto/aes_ct.c, ghash_ct.c) on their
 * own: NIST SP 800-38A's CBC decryption vectors (the published CTR and GCM vectors run
 * through this path in test_crypto.c's test_portable_paths), and random cross-checks
 * against libtomcrypt's table-based AES, CTR, CBC, GCM and gcm_gf_mult (the dynamic build
 * links Debian's full libtomcrypt): every key size, random lengths, buffer offsets,
 * counters just below a wrap, in place and not, keystream fed in random pieces. Bad key
 * and data lengths are refused. */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "buf.h"
#include "crypto/aes_ct.h"
#include "err.h"
#include "harness.h"
#include "util.h"

#define MAXN 1200

static size_t rnd(size_t bound)
{
	return bound ? rand_uniform((uint32_t)bound) : 0;
}

static int ltc_aes(void)
{
	static int idx = -1;
	if (idx < 0)
		idx = register_cipher(&aes_desc);
	return idx;
}

/* F.2.2, F.2.4, F.2.6: CBC-AES128/192/256.Decrypt, whole and in place. */
static void test_cbc_sp800_38a(void)
{
	static const char *keys[] = {
		"2b7e151628aed2a6abf7158809cf4f3c",
		"8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
		"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	};
	static const char *cts[] = {
		"7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2"
		"73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7",
		"4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a"
		"571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd",
		"f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d"
		"39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b",
	};
	uint8_t pt[64], iv[16], key[32], ct[64], out[64];

	hex2bin("6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
		"30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710",
		pt, sizeof pt);
	hex2bin("000102030405060708090a0b0c0d0e0f", iv, sizeof iv);
	for (size_t i = 0; i < 3; i++) {
		size_t kl = hex2bin(keys[i], key, sizeof key);
		hex2bin(cts[i], ct, sizeof ct);
		CHECK_OK(aes_cbc_decrypt(key, kl, iv, ct, out, 64));
		CHECK_MEM(out, pt, 64);
		/* the first three blocks alone, then in place */
		memset(out, 0, sizeof out);
		CHECK_OK(aes_cbc_decrypt(key, kl, iv, ct, out, 48));
		CHECK_MEM(out, pt, 48);
		CHECK(out[48] == 0);
		CHECK_OK(aes_cbc_decrypt(key, kl, iv, ct, ct, 64));
		CHECK_MEM(ct, pt, 64);
	}
	CHECK(aes_cbc_decrypt(key, 32, iv, ct, out, 17) == ERR_INVALID);
	CHECK(aes_cbc_decrypt(key, 20, iv, ct, out, 16) == ERR_INVALID);
	CHECK_OK(aes_cbc_decrypt(key, 16, iv, ct, out, 0));
}

static void test_bad_lengths(void)
{
	static const size_t bad[] = { 0, 1, 15, 17, 23, 25, 31, 33, 64 };
	uint8_t key[64] = { 0 }, iv[16] = { 0 }, b[32] = { 0 };
	struct aes_ct_key k;
	struct aes_ct_ctr c;
	struct aes_ct_gcm g;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK(aes_ct_setkey(&k, key, bad[i]) == -1);
		CHECK(aes_ct_ctr_init(&c, key, bad[i], iv) == -1);
		CHECK(aes_ct_gcm_init(&g, key, bad[i]) == -1);
		CHECK(aes_ct_cbc_decrypt(key, bad[i], iv, b, b, 16) == -1);
	}
	for (size_t n = 1; n < 32; n++)
		CHECK((aes_ct_cbc_decrypt(key, 16, iv, b, b, n) == 0) == (n % 16 == 0));
}

/* Four blocks at a time against libtomcrypt's one, both directions, every key size. */
static void test_ecb_cross(void)
{
	for (int it = 0; it < 600; it++) {
		uint8_t key[32], in[64], a[64], b[64];
		size_t kl = 16 + 8 * (size_t)(it % 3);
		struct aes_ct_key k;
		symmetric_key sk;

		(void)rand_bytes(key, sizeof key);
		(void)rand_bytes(in, sizeof in);
		CHECK_OK(aes_ct_setkey(&k, key, kl));
		CHECK(aes_setup(key, (int)kl, 0, &sk) == CRYPT_OK);
		aes_ct_encrypt4(&k, in, a);
		for (int j = 0; j < 4; j++)
			CHECK(aes_ecb_encrypt(in + 16 * j, b + 16 * j, &sk) == CRYPT_OK);
		CHECK_MEM(a, b, 64);
		aes_ct_decrypt4(&k, in, a);
		for (int j = 0; j < 4; j++)
			CHECK(aes_ecb_decrypt(in + 16 * j, b + 16 * j, &sk) == CRYPT_OK);
		CHECK_MEM(a, b, 64);
		memcpy(a, in, 64); /* in place, there and back */
		aes_ct_encrypt4(&k, a, a);
		aes_ct_decrypt4(&k, a, a);
		CHECK_MEM(a, in, 64);
	}
}

static void rand_iv(uint8_t iv[16])
{
	(void)rand_bytes(iv, 16);
	switch (rnd(4)) {
	case 0: /* low 64 bits about to wrap */
		memset(iv + 8, 0xff, 8);
		iv[15] -= (uint8_t)rnd(8);
		break;
	case 1: /* the whole block about to wrap to zero */
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

	for (int it = 0; it < 300; it++) {
		uint8_t key[32], iv[16];
		size_t kl = 16 + 8 * (size_t)(it % 3), n = rnd(MAXN), off = rnd(16), done;
		struct aes_ct_ctr c;
		symmetric_CTR lc;

		(void)rand_bytes(key, sizeof key);
		(void)rand_bytes(in, sizeof in);
		rand_iv(iv);
		CHECK(ctr_start(ltc_aes(), iv, key, (int)kl, 0, CTR_COUNTER_BIG_ENDIAN, &lc) ==
		      CRYPT_OK);
		CHECK(ctr_encrypt(in + off, a, n, &lc) == CRYPT_OK);
		CHECK_OK(aes_ct_ctr_init(&c, key, kl, iv));
		memcpy(b + off, in + off, n);
		for (done = 0; done < n;) {
			size_t m = rnd(2) ? rnd(70) : rnd(n - done + 1);
			if (m > n - done)
				m = n - done;
			if (it & 1)
				aes_ct_ctr_crypt(&c, b + off + done, b + off + done, m);
			else
				aes_ct_ctr_crypt(&c, in + off + done, b + off + done, m);
			done += m;
		}
		CHECK_MEM(a, b + off, n);
		CHECK(ctr_encrypt(in, a, 37, &lc) == CRYPT_OK);
		aes_ct_ctr_crypt(&c, in, b, 37);
		CHECK_MEM(a, b, 37);
		ctr_done(&lc);
	}
}

static void test_cbc_cross(void)
{
	static uint8_t in[MAXN + 16], a[MAXN + 16], b[MAXN + 16];

	for (int it = 0; it < 300; it++) {
		uint8_t key[32], iv[16];
		size_t kl = 16 + 8 * (size_t)(it % 3), n = rnd(MAXN / 16) * 16, off = rnd(16);
		symmetric_CBC lc;

		(void)rand_bytes(key, sizeof key);
		(void)rand_bytes(iv, sizeof iv);
		(void)rand_bytes(in, sizeof in);
		CHECK(cbc_start(ltc_aes(), iv, key, (int)kl, 0, &lc) == CRYPT_OK);
		CHECK(cbc_decrypt(in + off, a, n, &lc) == CRYPT_OK);
		cbc_done(&lc);
		if (it & 1) {
			memcpy(b + off, in + off, n);
			CHECK_OK(aes_ct_cbc_decrypt(key, kl, iv, b + off, b + off, n));
			CHECK_MEM(a, b + off, n);
		} else {
			CHECK_OK(aes_ct_cbc_decrypt(key, kl, iv, in + off, b, n));
			CHECK_MEM(a, b, n);
		}
	}
}

/* GHASH alone against libtomcrypt's gcm_gf_mult: y = (y ^ x) * H block by block. */
static void test_ghash_cross(void)
{
	for (int it = 0; it < 300; it++) {
		uint8_t h[16], p[100], y[16] = { 0 }, blk[16], got[16];
		size_t n = rnd(sizeof p);
		struct ghash_ct g;

		(void)rand_bytes(h, sizeof h);
		(void)rand_bytes(p, sizeof p);
		if (it % 10 == 0)
			memset(h, it % 20 ? 0xff : 0, 16);
		ghash_ct_init(&g, h);
		ghash_ct_update(&g, p, n);
		for (size_t i = 0; i < n; i += 16) {
			memset(blk, 0, 16);
			memcpy(blk, p + i, n - i < 16 ? n - i : 16);
			for (int j = 0; j < 16; j++)
				blk[j] ^= y[j];
			gcm_gf_mult(blk, h, y);
		}
		store_be64(got, g.yh);
		store_be64(got + 8, g.yl);
		CHECK_MEM(got, y, 16);
	}
}

static void test_gcm_cross(void)
{
	static uint8_t in[MAXN + 16], a[MAXN + 16], b[MAXN + 16], aad[80];

	for (int it = 0; it < 300; it++) {
		uint8_t key[32], nonce[12], ta[16], tb[16];
		size_t kl = 16 + 8 * (size_t)(it % 3), n = rnd(MAXN), al = rnd(sizeof aad);
		size_t off = rnd(16);
		unsigned long tl = 16;
		struct aes_ct_gcm g;

		if (it % 5 == 0)
			n &= ~(size_t)15;
		(void)rand_bytes(key, sizeof key);
		(void)rand_bytes(nonce, sizeof nonce);
		(void)rand_bytes(in, sizeof in);
		(void)rand_bytes(aad, sizeof aad);
		if (it % 7 == 0) /* the 32-bit block counter wraps inside the message */
			memset(nonce + 8, 0xff, 4);
		CHECK(gcm_memory(ltc_aes(), key, (unsigned long)kl, nonce, 12, aad, al, in + off, n,
				 a, ta, &tl, GCM_ENCRYPT) == CRYPT_OK);
		CHECK_OK(aes_ct_gcm_init(&g, key, kl));
		memcpy(b + off, in + off, n);
		if (it & 1)
			aes_ct_gcm_crypt(&g, nonce, aad, al, b + off, b + off, n, tb, 0);
		else
			aes_ct_gcm_crypt(&g, nonce, aad, al, in + off, b + off, n, tb, 0);
		CHECK_MEM(a, b + off, n);
		CHECK_MEM(ta, tb, 16);
		/* and back: the tag over the ciphertext again */
		aes_ct_gcm_crypt(&g, nonce, aad, al, b + off, b + off, n, tb, 1);
		CHECK_MEM(in + off, b + off, n);
		CHECK_MEM(ta, tb, 16);
	}
}

int main(int argc, char **argv)
{
	CHECK_OK(crypto_init());
	RUN(test_cbc_sp800_38a);
	RUN(test_bad_lengths);
	RUN(test_ecb_cross);
	RUN(test_ctr_cross);
	RUN(test_cbc_cross);
	RUN(test_ghash_cross);
	RUN(test_gcm_cross);
	(void)argc;
	return harness_done(argv[0]);
}
