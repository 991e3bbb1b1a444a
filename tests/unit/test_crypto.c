/* The symmetric primitives and the random source against published vectors: FIPS 180-2,
 * RFC 2202, RFC 4231, FIPS-197, NIST SP 800-38A, the GCM specification (McGrew & Viega),
 * RFC 8439, draft-agl-tls-chacha20poly1305 and RFC 4648. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <tommath.h>

#include "crypto.h"
#include "crypto/ltcmath.h"
#include "crypto/sha256ni.h"
#include "options.h"
#include "err.h"
#include "harness.h"
#include "util.h"

/* ---------------------------------------------------------------- hashes */

static void check_hash(enum hash_alg alg, const void *msg, size_t n, const char *hex)
{
	uint8_t want[HASH_MAX_LEN], got[HASH_MAX_LEN];
	size_t wl = hex2bin(hex, want, sizeof want);

	CHECK(wl == hash_len(alg));
	CHECK_OK(hash_buf(alg, msg, n, got));
	CHECK_MEM(got, want, wl);
}

/* FIPS 180-2 appendices A-D: "abc" and the two-block messages. */
static void test_sha_vectors(void)
{
	static const char m448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const char m896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
				   "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	CHECK(hash_len(HASH_SHA1) == 20 && hash_block(HASH_SHA1) == 64);
	CHECK(hash_len(HASH_SHA256) == 32 && hash_block(HASH_SHA256) == 64);
	CHECK(hash_len(HASH_SHA384) == 48 && hash_block(HASH_SHA384) == 128);
	CHECK(hash_len(HASH_SHA512) == 64 && hash_block(HASH_SHA512) == 128);

	check_hash(HASH_SHA1, "abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
	check_hash(HASH_SHA1, m448, strlen(m448), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	check_hash(HASH_SHA256, "abc", 3,
		   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_hash(HASH_SHA256, m448, strlen(m448),
		   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check_hash(HASH_SHA384, "abc", 3,
		   "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
		   "8086072ba1e7cc2358baeca134c825a7");
	check_hash(HASH_SHA384, m896, strlen(m896),
		   "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712"
		   "fcc7c71a557e2db966c3e9fa91746039");
	check_hash(HASH_SHA512, "abc", 3,
		   "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		   "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
	check_hash(HASH_SHA512, m896, strlen(m896),
		   "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
		   "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
	/* the empty message, through a NULL pointer */
	check_hash(HASH_SHA256, NULL, 0,
		   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* FIPS 180-2: one million 'a', fed in uneven pieces through the streaming interface. */
static void test_sha_million_a(void)
{
	static uint8_t a[1000];
	struct hash_ctx c256, c512;
	uint8_t got[HASH_MAX_LEN], want[HASH_MAX_LEN];
	size_t done = 0, step = 1;

	memset(a, 'a', sizeof a);
	CHECK_OK(hash_init(&c256, HASH_SHA256));
	CHECK_OK(hash_init(&c512, HASH_SHA512));
	while (done < 1000000) {
		size_t k = step;
		if (k > 1000000 - done)
			k = 1000000 - done;
		CHECK_OK(hash_update(&c256, a, k));
		CHECK_OK(hash_update(&c512, a, k));
		done += k;
		step = step * 7 % 997 + 1;
	}
	CHECK_OK(hash_final(&c256, got));
	hex2bin("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want,
		sizeof want);
	CHECK_MEM(got, want, 32);
	CHECK_OK(hash_final(&c512, got));
	hex2bin("e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
		"de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
		want, sizeof want);
	CHECK_MEM(got, want, 64);
}

static void test_hash_misc(void)
{
	struct hash_ctx c;
	int i;

	CHECK_OK(crypto_init());
	CHECK_OK(crypto_init()); /* idempotent */
	CHECK(hash_ltc_idx(HASH_SHA1) == find_hash("sha1"));
	CHECK(hash_ltc_idx(HASH_SHA256) == find_hash("sha256"));
	CHECK(hash_ltc_idx(HASH_SHA384) == find_hash("sha384"));
	CHECK(hash_ltc_idx(HASH_SHA512) == find_hash("sha512"));
	for (i = HASH_SHA1; i <= HASH_SHA512; i++)
		CHECK(hash_ltc_idx((enum hash_alg)i) >= 0);
	CHECK(hash_ltc_idx((enum hash_alg)99) == ERR_UNSUPPORTED);
	CHECK(hash_init(&c, (enum hash_alg)99) == ERR_UNSUPPORTED);
	CHECK(hash_len((enum hash_alg)99) == 0);
}

/* ---------------------------------------------------------------- HMAC */

struct hmac_vec {
	enum hash_alg alg;
	uint8_t keybyte;
	size_t keylen;
	const char *key; /* used when keylen == 0 */
	const char *msg;
	const char *mac;
};

/* RFC 4231 test cases 1, 2, 6 and 7; RFC 2202 section 3 cases 1, 2, 6, 7. */
static const struct hmac_vec hmac_vecs[] = {
	{ HASH_SHA256, 0x0b, 20, NULL, "Hi There",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ HASH_SHA384, 0x0b, 20, NULL, "Hi There",
	  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	  "faea9ea9076ede7f4af152e8b2fa9cb6" },
	{ HASH_SHA512, 0x0b, 20, NULL, "Hi There",
	  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
	{ HASH_SHA256, 0, 0, "Jefe", "what do ya want for nothing?",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ HASH_SHA384, 0, 0, "Jefe", "what do ya want for nothing?",
	  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	  "8e2240ca5e69e2c78b3239ecfab21649" },
	{ HASH_SHA512, 0, 0, "Jefe", "what do ya want for nothing?",
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
	{ HASH_SHA256, 0xaa, 131, NULL, "Test Using Larger Than Block-Size Key - Hash Key First",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ HASH_SHA384, 0xaa, 131, NULL, "Test Using Larger Than Block-Size Key - Hash Key First",
	  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	  "0c2ef6ab4030fe8296248df163f44952" },
	{ HASH_SHA512, 0xaa, 131, NULL, "Test Using Larger Than Block-Size Key - Hash Key First",
	  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	  "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
	{ HASH_SHA256, 0xaa, 131, NULL,
	  "This is a test using a larger than block-size key and a larger than block-size data. "
	  "The key needs to be hashed before being used by the HMAC algorithm.",
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
	{ HASH_SHA512, 0xaa, 131, NULL,
	  "This is a test using a larger than block-size key and a larger than block-size data. "
	  "The key needs to be hashed before being used by the HMAC algorithm.",
	  "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
	  "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" },
	{ HASH_SHA1, 0x0b, 20, NULL, "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00" },
	{ HASH_SHA1, 0, 0, "Jefe", "what do ya want for nothing?",
	  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
	{ HASH_SHA1, 0xaa, 80, NULL, "Test Using Larger Than Block-Size Key - Hash Key First",
	  "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
	{ HASH_SHA1, 0xaa, 80, NULL,
	  "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
	  "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },
};

static size_t hmac_vec_key(const struct hmac_vec *v, uint8_t *key)
{
	if (v->keylen == 0) {
		memcpy(key, v->key, strlen(v->key));
		return strlen(v->key);
	}
	memset(key, v->keybyte, v->keylen);
	return v->keylen;
}

static void test_hmac_vectors(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hmac_vecs); i++) {
		const struct hmac_vec *v = &hmac_vecs[i];
		uint8_t key[200], want[HASH_MAX_LEN], got[HASH_MAX_LEN];
		size_t kl = hmac_vec_key(v, key), wl = hex2bin(v->mac, want, sizeof want);

		CHECK(wl == hash_len(v->alg));
		memset(got, 0, sizeof got);
		CHECK_OK(hmac_buf(v->alg, key, kl, v->msg, strlen(v->msg), got));
		CHECK_MEM(got, want, wl);
	}
}

/* RFC 2202 case 3 (0xdd * 50) fed in pieces of every size 1..50, and RFC 4231 case 6
 * with one keyed state reused for many messages: the per-packet path. */
static void test_hmac_pieces_and_reuse(void)
{
	static const char sha1_c3[] = "125d7342b9ac11cd91a39af48aa17b4f63f175d3";
	uint8_t key[131], data[50], want[20], got[HASH_MAX_LEN], one[HASH_MAX_LEN];
	struct hmac_key k;
	struct hmac_ctx c;
	size_t step, i;

	memset(key, 0xaa, 20);
	memset(data, 0xdd, sizeof data);
	hex2bin(sha1_c3, want, sizeof want);
	CHECK_OK(hmac_setkey(&k, HASH_SHA1, key, 20));
	for (step = 1; step <= sizeof data; step++) {
		size_t off;
		CHECK_OK(hmac_start(&c, &k));
		for (off = 0; off < sizeof data; off += step) {
			size_t n = sizeof data - off < step ? sizeof data - off : step;
			CHECK_OK(hmac_update(&c, data + off, n));
		}
		CHECK_OK(hmac_update(&c, NULL, 0));
		CHECK_OK(hmac_final(&c, got));
		CHECK_MEM(got, want, 20);
	}
	hmac_key_free(&k);

	/* one key, alternating messages: each MAC must equal the one-shot result */
	memset(key, 0xaa, sizeof key);
	CHECK_OK(hmac_setkey(&k, HASH_SHA512, key, sizeof key));
	for (i = 0; i < 4; i++) {
		const struct hmac_vec *v = &hmac_vecs[i % 2 ? 8 : 10];
		uint8_t w[64];
		hex2bin(v->mac, w, sizeof w);
		CHECK_OK(hmac_start(&c, &k));
		CHECK_OK(hmac_update(&c, v->msg, strlen(v->msg)));
		CHECK_OK(hmac_final(&c, one));
		CHECK_MEM(one, w, 64);
	}
	hmac_key_free(&k);
	for (i = 0; i < sizeof k; i++)
		CHECK(((uint8_t *)&k)[i] == 0);
}

/* ---------------------------------------------------------------- AES */

/* FIPS-197 appendix C through the CTR wrapper: with the plaintext block as the
 * counter and zero input, the first 16 bytes of output are E(K, plaintext). */
static void test_aes_fips197(void)
{
	static const char *keys[] = {
		"000102030405060708090a0b0c0d0e0f",
		"000102030405060708090a0b0c0d0e0f1011121314151617",
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	};
	static const char *cts[] = {
		"69c4e0d86a7b0430d8cdb78070b4c55a",
		"dda97ca4864cdfe06eaf70a0ec0d7191",
		"8ea2b7ca516745bfeafc49904b496089",
	};
	uint8_t pt[16], key[32], want[16], out[16], zero[16] = { 0 };
	size_t i;

	hex2bin("00112233445566778899aabbccddeeff", pt, sizeof pt);
	for (i = 0; i < 3; i++) {
		struct aes_ctr c;
		size_t kl = hex2bin(keys[i], key, sizeof key);
		hex2bin(cts[i], want, sizeof want);
		CHECK_OK(aes_ctr_init(&c, key, kl, pt));
		CHECK_OK(aes_ctr_crypt(&c, zero, out, 16));
		CHECK_MEM(out, want, 16);
		aes_ctr_free(&c);
	}
}

/* NIST SP 800-38A F.5.1, F.5.3, F.5.5: CTR-AES128/192/256.Encrypt. */
static void test_aes_ctr_sp800_38a(void)
{
	static const char *keys[] = {
		"2b7e151628aed2a6abf7158809cf4f3c",
		"8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
		"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	};
	static const char *cts[] = {
		"874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff"
		"5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee",
		"1abc932417521ca24f2b0459fe7e6e0b 090339ec0aa6faefd5ccc2c6f4ce8e94"
		"1e36b26bd1ebc670d1bd1d665620abf7 4f78a7f6d29809585a97daec58c6b050",
		"601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5"
		"2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6",
	};
	uint8_t pt[64], iv[16], key[32], want[64], out[64], back[64];
	size_t i;

	hex2bin("6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
		"30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710",
		pt, sizeof pt);
	hex2bin("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", iv, sizeof iv);
	for (i = 0; i < 3; i++) {
		struct aes_ctr c;
		size_t kl = hex2bin(keys[i], key, sizeof key), off = 0, step = 1;
		hex2bin(cts[i], want, sizeof want);
		CHECK_OK(aes_ctr_init(&c, key, kl, iv));
		CHECK_OK(aes_ctr_crypt(&c, pt, out, 64));
		CHECK_MEM(out, want, 64);
		aes_ctr_free(&c);

		/* decrypt in place, in uneven pieces (1, 2, 3, ... bytes) */
		memcpy(back, out, 64);
		CHECK_OK(aes_ctr_init(&c, key, kl, iv));
		while (off < 64) {
			size_t n = 64 - off < step ? 64 - off : step;
			CHECK_OK(aes_ctr_crypt(&c, back + off, back + off, n));
			off += n;
			step++;
		}
		CHECK_MEM(back, pt, 64);
		aes_ctr_free(&c);
	}
	CHECK(aes_ctr_init(&(struct aes_ctr){ 0 }, key, 20, iv) == ERR_INVALID);
}

/* Reference CTR built from single-block ECB encryptions and our own 128-bit big-endian
 * increment (RFC 4344 section 4), so that a carry out of the low 32 or 64 bits, or
 * from the all-ones block to zero, is checked independently of ctr_encrypt. */
static void ref_ctr(const uint8_t *key, size_t kl, const uint8_t iv[16], const uint8_t *in,
		    uint8_t *out, size_t n)
{
	symmetric_key sk;
	uint8_t ctr[16], ks[16];
	size_t i;
	int j;

	CHECK(aes_setup(key, (int)kl, 0, &sk) == CRYPT_OK);
	memcpy(ctr, iv, 16);
	for (i = 0; i < n; i += 16) {
		size_t k;
		CHECK(aes_ecb_encrypt(ctr, ks, &sk) == CRYPT_OK);
		for (k = 0; k < 16 && i + k < n; k++)
			out[i + k] = in[i + k] ^ ks[k];
		for (j = 15; j >= 0; j--)
			if (++ctr[j] != 0)
				break;
	}
}

static void test_aes_ctr_counter_carry(void)
{
	static const char *ivs[] = {
		/* carry ripples through 10 bytes of ff into byte 5 */
		"0001020304 05 ffffffffffffffff fffe",
		/* low 32 bits wrap into the 64-bit half */
		"a0a1a2a3a4a5a6a7a8a9aaab fffffffe",
		/* low 64 bits wrap */
		"0011223344556677 fffffffffffffffe",
		/* the whole block wraps to zero */
		"ffffffffffffffffffffffffffffffff",
	};
	uint8_t key[32], iv[16], pt[16 * 6 + 5], want[sizeof pt], got[sizeof pt];
	size_t i, kl;

	for (i = 0; i < sizeof pt; i++)
		pt[i] = (uint8_t)(i * 31 + 7);
	for (kl = 16; kl <= 32; kl += 8) {
		for (i = 0; i < kl; i++)
			key[i] = (uint8_t)(0x40 + i);
		for (i = 0; i < ARRAY_SIZE(ivs); i++) {
			struct aes_ctr c;
			hex2bin(ivs[i], iv, sizeof iv);
			ref_ctr(key, kl, iv, pt, want, sizeof pt);
			CHECK_OK(aes_ctr_init(&c, key, kl, iv));
			CHECK_OK(aes_ctr_crypt(&c, pt, got, 20));
			CHECK_OK(aes_ctr_crypt(&c, pt + 20, got + 20, sizeof pt - 20));
			CHECK_MEM(got, want, sizeof pt);
			aes_ctr_free(&c);
		}
	}
}

/* The GCM specification (McGrew & Viega), appendix B: test cases 1-4 (AES-128)
 * and 15-16 (AES-256), all with a 96-bit IV. */
struct gcm_vec {
	const char *key, *iv, *pt, *aad, *ct, *tag;
};

#define GCM_P "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_A "feedfacedeadbeeffeedfacedeadbeefabaddad2"
static const struct gcm_vec gcm_vecs[] = {
	{ "00000000000000000000000000000000", "000000000000000000000000", "", "", "",
	  "58e2fccefa7e3061367f1d57a4e7455a" },
	{ "00000000000000000000000000000000", "000000000000000000000000",
	  "00000000000000000000000000000000", "", "0388dace60b6a392f328c2b971b2fe78",
	  "ab6e47d42cec13bdf53a67b21257bddf" },
	{ "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888", GCM_P "1aafd255", "",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	  "4d5c2af327cd64a62cf35abd2ba6fab4" },
	{ "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888", GCM_P, GCM_A,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf888", GCM_P "1aafd255", "",
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
	  "b094dac5d93471bdec1a502270e3cc6c" },
	{ "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf888", GCM_P, GCM_A,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
};

static int all_zero(const uint8_t *p, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void test_aes_gcm(void)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(gcm_vecs); i++) {
		const struct gcm_vec *v = &gcm_vecs[i];
		uint8_t key[32], iv[12], pt[64], aad[20], ct[64], tag[16];
		uint8_t out[64], otag[16], back[64];
		size_t kl = hex2bin(v->key, key, sizeof key);
		size_t n = hex2bin(v->pt, pt, sizeof pt), al = hex2bin(v->aad, aad, sizeof aad);
		struct aes_gcm g;
		int round;

		hex2bin(v->iv, iv, sizeof iv);
		CHECK(hex2bin(v->ct, ct, sizeof ct) == n);
		hex2bin(v->tag, tag, sizeof tag);
		CHECK_OK(aes_gcm_init(&g, key, kl));
		/* twice on one context: gcm_reset must restore everything but the key */
		for (round = 0; round < 2; round++) {
			memset(out, 0, sizeof out);
			CHECK_OK(aes_gcm_seal(&g, iv, al ? aad : NULL, al, n ? pt : NULL, out, n, otag));
			CHECK_MEM(out, ct, n);
			CHECK_MEM(otag, tag, 16);
			memset(back, 0x55, sizeof back);
			CHECK_OK(aes_gcm_open(&g, iv, aad, al, ct, back, n, tag));
			CHECK_MEM(back, pt, n);
		}
		/* in place */
		memcpy(back, ct, n);
		CHECK_OK(aes_gcm_open(&g, iv, aad, al, back, back, n, tag));
		CHECK_MEM(back, pt, n);

		/* any flipped bit in ciphertext, tag, AAD or nonce: ERR_BADSIG, out wiped */
		for (j = 0; j < n + 16 + al + 12; j++) {
			uint8_t c2[64], t2[16], a2[20], iv2[12];
			memcpy(c2, ct, n);
			memcpy(t2, tag, 16);
			memcpy(a2, aad, al);
			memcpy(iv2, iv, 12);
			if (j < n)
				c2[j] ^= 1;
			else if (j < n + 16)
				t2[j - n] ^= 0x80;
			else if (j < n + 16 + al)
				a2[j - n - 16] ^= 0x10;
			else
				iv2[j - n - 16 - al] ^= 0x04;
			memset(back, 0x55, sizeof back);
			CHECK(aes_gcm_open(&g, iv2, a2, al, c2, back, n, t2) == ERR_BADSIG);
			CHECK(all_zero(back, n));
		}
		aes_gcm_free(&g);
	}
}

/* ---------------------------------------------------------------- ChaCha20, Poly1305 */

/* RFC 8439 section 2.4.2: the IETF layout, counter 1. */
static void test_chacha20_ietf(void)
{
	static const char s[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
				"only one tip for the future, sunscreen would be it.";
	uint8_t key[32], nonce[12], want[114], got[114];
	size_t i;

	CHECK(strlen(s) == 114);
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	hex2bin("000000000000004a00000000", nonce, sizeof nonce);
	hex2bin("6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
		"f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
		"07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
		"5af90bbf74a35be6b40b8eedf2785e42874d",
		want, sizeof want);
	CHECK_OK(chacha20_ietf_xor(key, nonce, 1, (const uint8_t *)s, got, 114));
	CHECK_MEM(got, want, 114);
	CHECK_OK(chacha20_ietf_xor(key, nonce, 1, got, got, 114));
	CHECK_MEM(got, s, 114);
}

/* draft-agl-tls-chacha20poly1305-04 section 7 keystreams (64-bit nonce, counter 0);
 * the all-zero one is also RFC 8439 A.1 test vector 1. */
static void test_chacha20_djb(void)
{
	static const struct {
		const char *key, *nonce, *ks;
	} v[] = {
		{ "0000000000000000000000000000000000000000000000000000000000000000",
		  "0000000000000000",
		  "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
		  "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586" },
		{ "0000000000000000000000000000000000000000000000000000000000000001",
		  "0000000000000000",
		  "4540f05a9f1fb296d7736e7b208e3c96eb4fe1834688d2604f450952ed432d41"
		  "bbe2a0b6ea7566d2a5d1e7e20d42af2c53d792b1c43fea817e9ad275ae546963" },
		{ "0000000000000000000000000000000000000000000000000000000000000000",
		  "0000000000000001",
		  "de9cba7bf3d69ef5e786dc63973f653a0b49e015adbff7134fcb7df137821031"
		  "e85a050278a7084527214f73efc7fa5b5277062eb7a0433e445f41e3" },
		{ "0000000000000000000000000000000000000000000000000000000000000000",
		  "0100000000000000",
		  "ef3fdfd6c61578fbf5cf35bd3dd33b8009631634d21e42ac33960bd138e50d32"
		  "111e4caf237ee53ca8ad6426194a88545ddc497a0b466e7d6bbdb0041b2f586b" },
		{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		  "0001020304050607",
		  "f798a189f195e66982105ffb640bb7757f579da31602fc93ec01ac56f85ac3c1"
		  "34a4547b733b46413042c9440049176905d3be59ea1c53f15916155c2be8241a"
		  "38008b9a26bc35941e2444177c8ade6689de95264986d95889fb60e84629c9bd"
		  "9a5acb1cc118be563eb9b3a4a472f82e09a7e778492b562ef7130e88dfe031c7"
		  "9db9d4f7c7a899151b9a475032b63fc385245fe054e3dd5a97a5f576fe064025"
		  "d3ce042c566ab2c507b138db853e3d6959660996546cc9c4a6eafdc777c040d7"
		  "0eaf46f76dad3979e5c5360c3317166a1c894c94a371876a94df7628fe4eaaf2"
		  "ccb27d5aaae0ad7ad0f9d4b6ad3b54098746d4524d38407a6deb3ab78fab78c9" },
	};
	static const uint8_t zero[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		uint8_t key[32], nonce[8], want[256], got[256], part[256];
		size_t n;
		hex2bin(v[i].key, key, sizeof key);
		hex2bin(v[i].nonce, nonce, sizeof nonce);
		n = hex2bin(v[i].ks, want, sizeof want);
		CHECK_OK(chacha20_xor(key, nonce, 0, zero, got, n));
		CHECK_MEM(got, want, n);
		/* starting at block 1 gives the keystream from byte 64 on */
		if (n > 64) {
			CHECK_OK(chacha20_xor(key, nonce, 1, zero, part, n - 64));
			CHECK_MEM(part, want + 64, n - 64);
		}
	}
}

/* The 64-bit counter of the DJB layout carries from word 12 into word 13: the block
 * at counter 2^32 equals the IETF block with nonce word 0 = 1 (RFC 8439's word 13),
 * the rest of the nonce being the 64-bit nonce. */
static void test_chacha20_layouts(void)
{
	static const uint8_t zero[192];
	uint8_t key[32], n8[8], n12[12], a[192], b[128];
	size_t i;

	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)(0xa0 ^ i);
	for (i = 0; i < 8; i++)
		n8[i] = (uint8_t)(i + 1);
	n12[0] = 1;
	n12[1] = n12[2] = n12[3] = 0;
	memcpy(n12 + 4, n8, 8);
	CHECK_OK(chacha20_xor(key, n8, (uint64_t)1 << 32, zero, a, 128));
	CHECK_OK(chacha20_ietf_xor(key, n12, 0, zero, b, 128));
	CHECK_MEM(a, b, 128);
	/* crossing 2^32 inside one call: blocks 2^32-2, 2^32-1, 2^32 */
	CHECK_OK(chacha20_xor(key, n8, 0xfffffffeu, zero, a, 192));
	CHECK_MEM(a + 128, b, 64);
	n12[0] = 0;
	CHECK_OK(chacha20_ietf_xor(key, n12, 0xfffffffeu, zero, b, 64));
	CHECK_MEM(a, b, 64);
	CHECK_OK(chacha20_xor(key, n8, 0, NULL, NULL, 0));
}

/* RFC 8439 section 2.5.2 and appendix A.3 test vectors 1, 2, 5, 6, 7, 11. */
static void test_poly1305(void)
{
	static const char ietf[] =
		"Any submission to the IETF intended by the Contributor for publication as all or "
		"part of an IETF Internet-Draft or RFC and any statement made within the context "
		"of an IETF activity is considered an \"IETF Contribution\". Such statements "
		"include oral statements in IETF sessions, as well as written and electronic "
		"communications made at any time or place, which are addressed to";
	static const struct {
		const char *key, *msg, *tag;
	} v[] = {
		{ "0000000000000000000000000000000000000000000000000000000000000000",
		  "0000000000000000000000000000000000000000000000000000000000000000"
		  "0000000000000000000000000000000000000000000000000000000000000000",
		  "00000000000000000000000000000000" },
		{ "0200000000000000000000000000000000000000000000000000000000000000",
		  "ffffffffffffffffffffffffffffffff", "03000000000000000000000000000000" },
		{ "02000000000000000000000000000000ffffffffffffffffffffffffffffffff",
		  "02000000000000000000000000000000", "03000000000000000000000000000000" },
		{ "0100000000000000000000000000000000000000000000000000000000000000",
		  "ffffffffffffffffffffffffffffffff f0ffffffffffffffffffffffffffffff"
		  "11000000000000000000000000000000",
		  "05000000000000000000000000000000" },
		{ "0100000000000000040000000000000000000000000000000000000000000000",
		  "e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000"
		  "0000000000000000000000000000000001000000000000000000000000000000",
		  "14000000000000005500000000000000" },
	};
	uint8_t key[32], msg[128], want[16], tag[16];
	size_t i;

	hex2bin("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", key,
		sizeof key);
	hex2bin("a8061dc1305136c6c22b8baf0c0127a9", want, sizeof want);
	CHECK_OK(poly1305_mac(key, (const uint8_t *)"Cryptographic Forum Research Group", 34,
			      tag));
	CHECK_MEM(tag, want, 16);

	/* A.3 #2: r = 0, so the tag is s */
	CHECK(strlen(ietf) == 375);
	hex2bin("0000000000000000000000000000000036e5f6b5c5e06070f0efca96227a863e", key,
		sizeof key);
	CHECK_OK(poly1305_mac(key, (const uint8_t *)ietf, 375, tag));
	CHECK_MEM(tag, key + 16, 16);

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		size_t n;
		hex2bin(v[i].key, key, sizeof key);
		n = hex2bin(v[i].msg, msg, sizeof msg);
		hex2bin(v[i].tag, want, sizeof want);
		CHECK_OK(poly1305_mac(key, msg, n, tag));
		CHECK_MEM(tag, want, 16);
	}
	/* empty message: the tag is s (+ nothing) */
	hex2bin("0102030405060708090a0b0c0d0e0f10 1112131415161718191a1b1c1d1e1f20", key,
		sizeof key);
	CHECK_OK(poly1305_mac(key, NULL, 0, tag));
	CHECK_MEM(tag, key + 16, 16);
}

/* ---------------------------------------------------------------- base64 */

/* RFC 4648 section 10. */
static void test_base64_vectors(void)
{
	static const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
				     "Zm9vYmFy" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(plain); i++) {
		char text[16];
		uint8_t bin[16];
		size_t n = strlen(plain[i]), el = strlen(enc[i]), bl = sizeof bin;

		CHECK(base64_len(n) == el);
		CHECK_OK(base64_enc((const uint8_t *)plain[i], n, text, el + 1));
		CHECK(strcmp(text, enc[i]) == 0);
		CHECK(base64_enc((const uint8_t *)plain[i], n, text, el) == ERR_TOOBIG);

		/* input not NUL-terminated: followed by junk that must not be read */
		memset(text, '!', sizeof text);
		memcpy(text, enc[i], el);
		CHECK_OK(base64_dec(text, el, bin, &bl));
		CHECK(bl == n);
		CHECK_MEM(bin, plain[i], n);
		/* exactly enough room is enough */
		bl = n;
		CHECK_OK(base64_dec(enc[i], el, bin, &bl));
		CHECK(bl == n);
	}
	/* the full alphabet in order */
	{
		static const char alpha[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		uint8_t bin[48];
		char text[65];
		size_t bl = sizeof bin;
		CHECK_OK(base64_dec(alpha, 64, bin, &bl));
		CHECK(bl == 48);
		CHECK_OK(base64_enc(bin, bl, text, sizeof text));
		CHECK(strcmp(text, alpha) == 0);
	}
}

static void test_base64_malformed(void)
{
	static const char *bad[] = {
		"Zm9vYmF",    /* length not a multiple of 4 */
		"Zm9",
		"Z",
		"Zm9v YmFy",  /* whitespace */
		"Zm9v\nYmFy",
		"Zm9vYmF\n",
		"Zm9v*mFy",   /* character outside the alphabet */
		"Zm9v-_Fy",   /* base64url is not base64 */
		"Zg=a",       /* wrong padding */
		"Z===",
		"====",
		"Zg==Zg==",   /* padding before the end */
		"=Zg=",
		"Zm=v",
		"Zh==",       /* non-zero pad bits (RFC 4648 section 3.5) */
		"Zm9=",
		"Zm8\x80",    /* high-bit byte */
	};
	uint8_t out[16];
	size_t i, bl;
	int c;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		bl = sizeof out;
		CHECK(base64_dec(bad[i], strlen(bad[i]), out, &bl) == ERR_FORMAT);
	}
	/* an embedded NUL is just a bad character */
	bl = sizeof out;
	CHECK(base64_dec("Zm\0v", 4, out, &bl) == ERR_FORMAT);

	/* too small: ERR_TOOBIG and not one byte written */
	memset(out, 0xee, sizeof out);
	bl = 5;
	CHECK(base64_dec("Zm9vYmFy", 8, out, &bl) == ERR_TOOBIG);
	for (i = 0; i < sizeof out; i++)
		CHECK(out[i] == 0xee);
	bl = 0;
	CHECK(base64_dec("Zg==", 4, out, &bl) == ERR_TOOBIG);

	/* every byte value as the last of a quad: valid exactly for the alphabet */
	for (c = 0; c < 256; c++) {
		char q[4] = { 'A', 'A', 'A', (char)c };
		int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			 (c >= '0' && c <= '9') || c == '+' || c == '/';
		if (c == '=')
			continue; /* "AAA=" is valid padding */
		bl = sizeof out;
		CHECK((base64_dec(q, 4, out, &bl) == 0) == ok);
	}
}

static void test_base64_roundtrip(void)
{
	uint8_t data[100], back[100];
	char text[140];
	size_t n;

	CHECK_OK(rand_bytes(data, sizeof data));
	for (n = 0; n <= sizeof data; n++) {
		size_t bl = sizeof back;
		CHECK_OK(base64_enc(data, n, text, sizeof text));
		CHECK(strlen(text) == base64_len(n));
		CHECK_OK(base64_dec(text, strlen(text), back, &bl));
		CHECK(bl == n);
		CHECK_MEM(back, data, n);
	}
}

/* ---------------------------------------------------------------- random */

static void test_rand_basic(void)
{
	uint8_t a[32], b[32], *big;
	size_t i, big_n = (3u << 20) / 2 + 17; /* crosses the 1 MiB reseed point */
	uint32_t seen = 0;

	CHECK_OK(rand_bytes(a, sizeof a));
	CHECK_OK(rand_bytes(b, sizeof b));
	CHECK(memcmp(a, b, sizeof a) != 0);
	CHECK_OK(rand_bytes(NULL, 0));

	big = malloc(big_n);
	CHECK(big != NULL);
	if (big) {
		memset(big, 0, big_n);
		CHECK_OK(rand_bytes(big, big_n));
		/* the tail, past the reseed point, is not left zero */
		CHECK(!all_zero(big + big_n - 64, 64));
		free(big);
	}

	CHECK(rand_uniform(1) == 0);
	for (i = 0; i < 2000; i++) {
		uint32_t r = rand_uniform(7);
		CHECK(r < 7);
		seen |= 1u << r;
		CHECK(rand_uniform(0x80000001u) < 0x80000001u);
		CHECK(rand_uniform(0xffffffffu) < 0xffffffffu);
	}
	CHECK(seen == 0x7f); /* all of 0..6 in 2000 draws: a miss has probability < 2^-400 */
}

/* A forked child must not repeat the parent's stream. */
static void test_rand_fork(void)
{
	uint8_t mine[32], theirs[32];
	int fds[2], status;
	pid_t pid;
	size_t got = 0;

	CHECK_OK(rand_bytes(mine, sizeof mine)); /* the state is seeded before the fork */
	CHECK(pipe(fds) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		uint8_t c[32];
		close(fds[0]);
		if (rand_bytes(c, sizeof c) != 0 || write(fds[1], c, sizeof c) != (ssize_t)sizeof c)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	CHECK_OK(rand_bytes(mine, sizeof mine));
	while (got < sizeof theirs) {
		ssize_t r = read(fds[0], theirs + got, sizeof theirs - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fds[0]);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(got == sizeof theirs);
	CHECK(memcmp(mine, theirs, sizeof mine) != 0);
}

/* Our generator through libtomcrypt's PRNG interface, and an ECC key made with it. */
static void test_rand_ltc_prng(void)
{
	int idx = crypto_prng_idx();
	uint8_t a[40], b[40];
	ecc_key k;

	CHECK(idx >= 0);
	CHECK(prng_is_valid(idx) == CRYPT_OK);
	CHECK(prng_descriptor[idx].read(a, sizeof a, crypto_prng_state()) == sizeof a);
	CHECK(prng_descriptor[idx].read(b, sizeof b, crypto_prng_state()) == sizeof b);
	CHECK(memcmp(a, b, sizeof a) != 0);
	/* ecc_make_key needs math entries our descriptor leaves out (crypto/ltcmath.c):
	 * libtomcrypt's full one for this test */
	{
		ltc_math_descriptor ours = ltc_mp;
		ltc_mp = ltm_desc;
		CHECK(ecc_make_key(crypto_prng_state(), idx, 32, &k) == CRYPT_OK);
		ecc_free(&k);
		ltc_mp = ours;
	}
}

/* The same hash, HMAC, AES, ChaCha20 and Poly1305 vectors again on the portable code (AES
 * and GCM: ours, crypto/aes_ct.c and ghash_ct.c; the rest libtomcrypt's), with the
 * fast paths (crypto/aesni.c, sha256ni.c, chacha_avx2.c) switched off; main() has already run
 * them with the fast paths on. (Poly1305 has no switch: crypto/poly1305_64.c is the
 * portable code wherever __int128 exists; test_crypto_fast.c runs libtomcrypt's too.) */
static void test_portable_paths(void)
{
	int was = crypto_fast_set(0);
	struct aes_ctr c;
	static const uint8_t key[16], iv[16];

	CHECK_OK(aes_ctr_init(&c, key, 16, iv));
	CHECK(c.fast == 0);
	aes_ctr_free(&c);
	test_sha_vectors();
	test_sha_million_a();
	test_hmac_vectors();
	test_hmac_pieces_and_reuse();
	test_aes_fips197();
	test_aes_ctr_sp800_38a();
	test_aes_ctr_counter_carry();
	test_aes_gcm();
	test_chacha20_djb();
	test_chacha20_layouts();
	test_poly1305();
	crypto_fast_set(was);
}

/* On a CPU with AES-NI the default contexts must really take the fast path (so that the
 * vectors above exercised it); AES-192 always stays portable. */
static void test_aes_fast_selected(void)
{
	static const uint8_t key[32], iv[16];
	struct aes_ctr c;
	struct aes_gcm g;

	CHECK_OK(aes_ctr_init(&c, key, 16, iv));
	CHECK(c.fast == aesni_available());
	aes_ctr_free(&c);
	CHECK_OK(aes_ctr_init(&c, key, 24, iv));
	CHECK(c.fast == 0);
	aes_ctr_free(&c);
	CHECK_OK(aes_gcm_init(&g, key, 32));
	CHECK(g.fast == aesni_available());
	aes_gcm_free(&g);
#if DB_FAST_CRYPTO && defined(__x86_64__)
	/* our CPUID reading agrees with the compiler's */
	CHECK(aesni_available() == (__builtin_cpu_supports("aes") && __builtin_cpu_supports("pclmul") &&
				    __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.1")));
	CHECK(sha256ni_available() == (__builtin_cpu_supports("sha") && __builtin_cpu_supports("ssse3") &&
				       __builtin_cpu_supports("sse4.1")));
#endif
}

/* Our libtomcrypt math descriptor: every entry crypto/ltcmath.c's comment lists as called
 * by the libtomcrypt code we link is set (a NULL one would be a crash there), and
 * crypto_init installs it. */
static void test_ltc_math(void)
{
#if DB_KEY_ECDSA || DB_KEX_ECDH
	const ltc_math_descriptor *m = &ltc_math;
	CHECK(ltc_mp.init == m->init && ltc_mp.mulmod == m->mulmod);
	CHECK(m->bits_per_digit == MP_DIGIT_BIT);
	CHECK(m->init && m->deinit && m->copy && m->set_int && m->get_digit &&
	      m->get_digit_count && m->compare && m->compare_d && m->unsigned_size &&
	      m->unsigned_write && m->add && m->sub && m->mul && m->sqr && m->mpdiv &&
	      m->div_2 && m->mulmod && m->invmod && m->montgomery_setup &&
	      m->montgomery_normalization && m->montgomery_reduce && m->montgomery_deinit &&
	      m->ecc_ptadd && m->ecc_ptdbl);
	{
		void *a = NULL, *b = NULL;
		uint8_t out[64];
		CHECK(m->init(&a) == CRYPT_OK && m->init(&b) == CRYPT_OK);
		CHECK(m->set_int(a, 0x010203) == CRYPT_OK && m->unsigned_size(a) == 3);
		CHECK(m->unsigned_write(a, out) == CRYPT_OK && out[0] == 1 && out[2] == 3);
		CHECK(m->compare_d(a, 0x010203) == LTC_MP_EQ && m->compare_d(a, 1) == LTC_MP_GT);
		CHECK(m->get_digit_count(a) == 1 && m->get_digit(a, 0) == 0x010203 &&
		      m->get_digit(a, 1) == 0 && m->get_digit(a, -1) == 0);
		CHECK(m->set_int(b, 7) == CRYPT_OK && m->compare_d(b, 7) == LTC_MP_EQ);
		CHECK(m->compare(b, a) == LTC_MP_LT && m->compare(a, b) == LTC_MP_GT);
		m->deinit(a);
		m->deinit(b);
	}
#endif
}

int main(int argc, char **argv)
{
	(void)argc;
	if (crypto_init() != 0)
		return 1;
	RUN(test_sha_vectors);
	RUN(test_sha_million_a);
	RUN(test_hash_misc);
	RUN(test_hmac_vectors);
	RUN(test_hmac_pieces_and_reuse);
	RUN(test_aes_fips197);
	RUN(test_aes_ctr_sp800_38a);
	RUN(test_aes_ctr_counter_carry);
	RUN(test_aes_gcm);
	RUN(test_aes_fast_selected);
	RUN(test_portable_paths);
	RUN(test_chacha20_ietf);
	RUN(test_chacha20_djb);
	RUN(test_chacha20_layouts);
	RUN(test_poly1305);
	RUN(test_base64_vectors);
	RUN(test_base64_malformed);
	RUN(test_base64_roundtrip);
	RUN(test_rand_basic);
	RUN(test_rand_fork);
	RUN(test_rand_ltc_prng);
	RUN(test_ltc_math);
	return harness_done(argv[0]);
}
