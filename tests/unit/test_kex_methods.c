/* Key exchange methods: the exchange hash and K against paramiko's published vectors,
 * X25519's K encoding, every method end to end, refusal of bad public values, and the
 * RFC 3526 primes.
 *
 * Where the vectors come from:
 * - exchange hash and K: paramiko's tests/test_kex.py (test_11 nistp256 client, test_13
 *   group14-sha256 client, test_14 group16-sha512 client, test_15/16 curve25519 client
 *   and server): V = "SSH-2.0-paramiko_1.0" / "SSH-2.0-lame", I = "local-kex-init" /
 *   "remote-kex-init", K_S = "fake-host-key" (client) or "fake-key" (server). Their K
 *   integers were turned into mpint bytes with python3 (which also reproduced every H
 *   with hashlib, and e and K of the DH cases from the RFC 3526 primes below).
 * - X25519: RFC 7748 6.1; the leading-zero case is a scalar found at test-writing time
 *   with python3's cryptography package: sk = sha256(b"kex-lz-973"), X25519 with Bob's
 *   RFC 7748 public key gives 00 1b 86 ..., so K is a 31-byte mpint.
 * - DH primes: RFC 3526 sections 3 and 5; the SHA-256 of their big-endian bytes was
 *   computed with python3 from the RFC's hex, which also equals
 *   2^s - 2^(s-64) - 1 + 2^64 * (floor(2^(s-130) pi) + offset) with pi computed
 *   independently (Machin's formula in integers). */
#include <stdlib.h>
#include <string.h>
#include <tommath.h>

#include "buf.h"
#include "crypto.h"
#include "curve25519.h"
#include "ecc.h"
#include "err.h"
#include "harness.h"
#include "kex.h"
#include "options.h"

/* ---------------------------------------------------------------- exchange hash */

#define PM_VC "SSH-2.0-paramiko_1.0"
#define PM_VS "SSH-2.0-lame"
#define PM_IC "local-kex-init"
#define PM_IS "remote-kex-init"
#define PM_KS "fake-host-key"

static void hash_check(enum hash_alg alg, const char *vc, const char *vs, const char *ic,
		       const char *is, const char *ks, const struct buf *qc, const struct buf *qs,
		       const struct buf *k, const char *want_hex)
{
	uint8_t h[HASH_MAX_LEN], want[HASH_MAX_LEN];
	size_t n = hex2bin(want_hex, want, sizeof(want));
	CHECK(n == hash_len(alg));
	CHECK_OK(kex_hash(alg, vc, vs, (const uint8_t *)ic, strlen(ic), (const uint8_t *)is,
			  strlen(is), (const uint8_t *)ks, strlen(ks), qc->data, qc->len, qs->data,
			  qs->len, k->data, k->len, h));
	CHECK_MEM(h, want, n);
}

static void put_hex(struct buf *b, const char *hex)
{
	uint8_t tmp[1100];
	size_t n = hex2bin(hex, tmp, sizeof(tmp));
	CHECK_OK(buf_put_bytes(b, tmp, n));
}

/* paramiko test_15/16: curve25519; its K has the top bit set (mpint gets a 00 byte). */
static void test_hash_curve25519(void)
{
#if DB_KEX_CURVE25519
	uint8_t sk[32], qc[32], qs[32];
	struct buf bqc, bqs, K, want;

	hex2bin("2184abc7eb3e656d2349d2470ee695b570c227340c2b2863b6c9ff427af1f040", sk, 32);
	hex2bin("8d13a119452382a1ada8eea4c979f3e63ad3f0c7366786d6c5b54b87219bae49", qs, 32);
	x25519_base(qc, sk);
	CHECK_OK(buf_init(&bqc, 0, 64));
	CHECK_OK(buf_init(&bqs, 0, 64));
	CHECK_OK(buf_init_secret(&K, 0, 64));
	CHECK_OK(buf_init(&want, 0, 64));
	CHECK_OK(buf_put_string(&bqc, qc, 32));
	CHECK_OK(buf_put_string(&bqs, qs, 32));
	CHECK_OK(kex_x25519_shared(sk, qs, &K));
	/* 71294722834835117201316639182051104803802881348227506835068888449366462300724 */
	put_hex(&want, "00000021009d9f621481584e252d588a2632205cc32cbd1f1cf6d9b01f3f565b46655802"
		       "34");
	CHECK(K.len == want.len && memcmp(K.data, want.data, K.len) == 0);
	hash_check(HASH_SHA256, PM_VC, PM_VS, PM_IC, PM_IS, PM_KS, &bqc, &bqs, &K,
		   "05B6F6437C0CF38D1A6C5A6F6E2558DEB54E7FC62447EBFB1E5D7407326A5475");
	/* the server's view: the roles of every pair swap */
	hash_check(HASH_SHA256, PM_VS, PM_VC, PM_IS, PM_IC, "fake-key", &bqs, &bqc, &K,
		   "DF08FCFCF31560FEE639D9B6D56D760BC3455B5ADA148E4514181023E7A9B042");
	buf_free(&bqc);
	buf_free(&bqs);
	buf_free(&K);
	buf_free(&want);
#endif
}

/* paramiko test_11: ecdh-sha2-nistp256 client; Q as strings, K an mpint with a 00. */
static void test_hash_nistp256(void)
{
#if DB_KEX_ECDH
	const struct ecc_curve *c = ecc_curve_by_bits(256);
	uint8_t d[32], q[65], x[32];
	struct buf bqc, bqs, K, want;

	CHECK(c != NULL);
	if (!c)
		return;
	hex2bin("d18147ba0cb1817f037879e14f87830eb193730e5f0bde395e0024fc536ca2dd", d, 32);
	CHECK_OK(buf_init(&bqc, 0, 128));
	CHECK_OK(buf_init(&bqs, 0, 128));
	CHECK_OK(buf_init_secret(&K, 0, 64));
	CHECK_OK(buf_init(&want, 0, 64));
	put_hex(&bqc, "00000041042bdab212fa8ba1b7c843301682a4db424d307246c7e1e6083c41d9ca7b098bf3"
		      "0b3d63e2ec6278488c135360456cc054b3444ecc45998c08894cbc1370f5f989");
	put_hex(&bqs, "00000041043ae159594ba062efa121480e9ef136203fa9ec6b6e1f8723a321c16e62b945f5"
		      "73f3b822258cbcd094b9fa1c125cbfe5f043280893e66863cc0cb4dccbe70210");
	CHECK_OK(ecc_pubkey(c, d, q));
	CHECK_MEM(q, bqc.data + 4, 65);
	CHECK_OK(ecc_shared(c, d, bqs.data + 4, 65, x));
	CHECK_OK(buf_put_mpint(&K, x, 32));
	/* 91610929826364598472338906427792435253694642563583721654249504912114314269754 */
	put_hex(&want, "0000002100ca89f2e3d24ac09ded9830ad9acc54ff8e41622d4adb2807629e4e36a6"
		       "82543a");
	CHECK(K.len == want.len && memcmp(K.data, want.data, K.len) == 0);
	hash_check(HASH_SHA256, PM_VC, PM_VS, PM_IC, PM_IS, PM_KS, &bqc, &bqs, &K,
		   "BAF7CE243A836037EB5D2221420F35C02B9AB6C957FE3BDE3369307B9612570A");
	buf_free(&bqc);
	buf_free(&bqs);
	buf_free(&K);
	buf_free(&want);
#endif
}

/* paramiko test_13 and test_14: e, f (= 69) and K as mpints, SHA-256 and SHA-512. */
static void test_hash_dh(void)
{
	struct buf e, f, K;

	CHECK_OK(buf_init(&e, 0, 1024));
	CHECK_OK(buf_init(&f, 0, 16));
	CHECK_OK(buf_init(&K, 0, 1024));
	put_hex(&f, "0000000145");
	put_hex(&e, "00000101009850B3A8DE3ECCD3F19644139137C93D9C11BC28ED8BE850908EE294E1D43B88B9"
		    "295311EFAEF5B736A1B652EBE184CCF36CFB0681C1ED66430088FA448B83619F928E7B9592ED6"
		    "160EC11D639D51C303603F930F743C646B1B67DA38A1D44598DCE6C3F3019422B898044141420"
		    "E9A10C29B9C58668F7F20A40F154B2C4768FCF7A9AA7179FB6366A7167EE26DD58963E8B880A0"
		    "572F641DE0A73DC74C930F7C3A0C9388553F3F8403E40CF8B95FEDB1D366596FCF3FDDEB21A00"
		    "05ADA650EF1733628D807BE5ACB83925462765D9076570056E39994FB328E3108FE406275758D"
		    "6BF5F32790EF15D8416BF5548164859E785DB45E7787BB0E727ADE08641ED");
	put_hex(&K, "0000010100aa86b441d3e98c72f0c35a9bc9b25b7df15587d48b9b75f7005d4fccd546966be3"
		    "caae718507aa72c4dac505a63a2b1fdd18b901e84aeb09eee2b6195cfe3c7d3799dc9ff2c9227"
		    "a26386a252190b785f345336ec015bbbe1e2f0eb7686597cd0b66154355a98c9faf1899d4159a"
		    "590c7a3127ec15e10c6575ecdbe4e25f89ea81f84b9da2b8a4a03e89e319fbe172147056ef22c"
		    "f569d282de1772bb8eeb49b634ef182d10bf8bc04e7177af90b50a103f8c4d60cdd2d3a93efd6"
		    "580723312d6dab719b400506ed0b662eb8a45f6ead223928908403f634ddac26adbd0363ac12a"
		    "7611071544452642d890cda969b7e86247268ef21125faf8238c612c9e2cf");
	hash_check(HASH_SHA256, PM_VC, PM_VS, PM_IC, PM_IS, PM_KS, &e, &f, &K,
		   "D007C23686BE8A7737F828DC9E899F8EB5AF423F495F138437BE2529C1B8455F");
	buf_reset(&e);
	buf_reset(&K);
	put_hex(&e, "0000020100859FF55A23E0F66463561DD8BFC4764C69C05F85665B06EC9E29EF5003A53A8FA8"
		    "90B6A6EB624DEB55A4FB279DE7010A53580A126817E3D235B05A1081662B1500961D0625F0AAD"
		    "287F1B597CBA9DB9550D9CC26355C4C59F92E613B5C21AC191F152C09A5DB46DCBA5EA58E3CA6"
		    "A8B0EB7183E27FAC10106022E8521FA91240FB389060F1E1E4A355049D29DCC82921CE6588791"
		    "743E4B1DEEE0166F7CC5180C3C75F3773342DF95C8C10AAA5D12975257027936B99B3DED6E6E9"
		    "8CF27EADEAEAE04E7F0A28071F578646B985FCE28A59CEB36287CB65759BE0544D4C4018CDF03"
		    "C9078FE9CA79ECA611CB6966899E6FD29BE0781491C659FE2380E0D99D50D9CFAAB94E61BE311"
		    "779719C4C43C6D223AD3799C3915A9E55076A21152DBBF911D6594296D6ECDC1B6FA71997CD29"
		    "DF987B80FCA7F36BB7F19863C72BBBF839746AFBF9A5B407D468C976AA3E36FA118D3EAAD2E08"
		    "BF6AE219F81F2CE2BE946337F06CC09BBFABE938A4087E413921CBEC1965ED905999B83396ECA"
		    "226110CDF6EFB80F815F6489AF87561DA3857F13A7705921306D94176231FBB336B17C3724BC1"
		    "7A28BECB910093AB040873D5D760E8C182B88ECCE3E38DDA68CE35BD152DF7550BD908791FCCE"
		    "DD1FFDF5ED2A57FFAE79599E487A7726D8A3D950B1729A08FBB60EE462A6BBE8BF0F5F0E13581"
		    "29A37840FE5B3EEB8BF26E99FA222EAE83");
	put_hex(&K, "0000020100e4c1858c4ff9e755d596e9c2edcf1c57790dd7f0036ff722a028bdec1b66ff5f3b"
		    "235cc3180ec4ec62d32c3dca3a4e000057d3075d505329b4ac92ba0450380be7aacb0762e6a8f"
		    "d4aad51dcaab7c095ee88522a93e98019ab303fee82df77f229a392e82fc65939dc58272210ba"
		    "8d5aca2e5ef8f77bb1cc872e49e67c32d9209c73b600ea19d2f0458fdce3b7662921edee34a42"
		    "b15dc1776d1f2cf33c21c8b4084f3c4726ef47137a03571df33a112ac9494fff6a72112aed68e"
		    "526dd68fc91f685c051368b869fd36315a407a47a0e03f3f7188969bd197eacb66afa8b871e16"
		    "05ec28e9c3590b0fac28fb0d1db153e901a8335ebb758b6cd17333c860ef07a36e23cd2d8c415"
		    "e5b892d8921f5c86b235822267269858b500cd2cb3be76020f45d2103eac9aa3643097569e9a4"
		    "9b2b292c7aeab63963fb40436224f6fe2b34aed74729a7f0d13fbc5f2f31ef0ada6e0e14102b1"
		    "62b75917055f0c1c001cfa11aabc7b21633a029f00f556ad2330a043ae2d0805933873f67a77c"
		    "f81f8d891562f02cc1f1a8b1e128ccded5cead26124b11af969686cdc0ed48c7c880c1fde051d"
		    "a52df743a4c37f10301e512f54e96b3ddab317c4de3ec7c8e3db44593203a608962596d73c287"
		    "5406e15758aa20661cddede558e379fe159028b41b189b33f5f37f0499d77ef624ec5f60f01af"
		    "94c6955b57a149adf57ecc7e043f7d91b0");
	hash_check(HASH_SHA512, PM_VC, PM_VS, PM_IC, PM_IS, PM_KS, &e, &f, &K,
		   "F6E2BCC846B9B62591EFB86663D55D4769CA06B2EDABE469DF831639B2DDD5A2"
		   "71985011900A724CB2C87F19F347B3632A7C1536AF3D12EE463E6EA75281AF0C");
	buf_free(&e);
	buf_free(&f);
	buf_free(&K);
}

/* ---------------------------------------------------------------- X25519 encoding */

#if DB_KEX_CURVE25519
static void k_is(const char *sk_hex, const char *pk_hex, const char *want_hex, int err)
{
	uint8_t sk[32], pk[32], want[40];
	struct buf K;
	size_t n;
	hex2bin(sk_hex, sk, 32);
	hex2bin(pk_hex, pk, 32);
	CHECK_OK(buf_init_secret(&K, 0, 64));
	if (err) {
		CHECK(kex_x25519_shared(sk, pk, &K) == err);
	} else {
		n = hex2bin(want_hex, want, sizeof(want));
		CHECK_OK(kex_x25519_shared(sk, pk, &K));
		CHECK(K.len == n && memcmp(K.data, want, n) == 0);
	}
	buf_free(&K);
}
#endif

static void test_x25519_k(void)
{
#if DB_KEX_CURVE25519
	static const char alice_sk[] =
		"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
	static const char bob_sk[] =
		"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
	static const char alice_pk[] =
		"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
	static const char bob_pk[] =
		"de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
	/* RFC 7748 6.1: K = 4a5d...; top bit clear, so no 00 byte */
	static const char k_rfc[] =
		"000000204a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
	static const char zero[] =
		"0000000000000000000000000000000000000000000000000000000000000000";
	static const char one[] =
		"0100000000000000000000000000000000000000000000000000000000000000";

	k_is(alice_sk, bob_pk, k_rfc, 0);
	k_is(bob_sk, alice_pk, k_rfc, 0);
	/* a leading zero byte is dropped: 31-byte mpint */
	k_is("73ee946a68986da69f00aea42840c33397598f28872672e7450b5baf44b816a8",
	     bob_pk, "0000001f1b86f5b3afd9f24e6d7de2b7d3ebd7750e03eca4b70805a87a3d080f200a46", 0);
	/* low-order points give all zeros: refused (RFC 7748 6.1, RFC 8731 3) */
	k_is(alice_sk, zero, NULL, ERR_CRYPTO);
	k_is(alice_sk, one, NULL, ERR_CRYPTO);
#endif
}

/* ---------------------------------------------------------------- methods */

static void roundtrip(const struct kex_ops *k)
{
	struct buf cpub, spub, kc, ks, in;
	void *st = NULL;

	/* 4096: a post-quantum hybrid's values are over a kilobyte */
	CHECK_OK(buf_init(&cpub, 0, 4096));
	CHECK_OK(buf_init(&spub, 0, 4096));
	CHECK_OK(buf_init_secret(&kc, 0, 1024));
	CHECK_OK(buf_init_secret(&ks, 0, 1024));
	CHECK_OK(k->keypair(&st, &cpub));
	CHECK(st != NULL);
	buf_view(&in, cpub.data, cpub.len);
	CHECK_OK(k->encaps(&in, &spub, &ks));
	CHECK_OK(buf_end(&in));
	buf_view(&in, spub.data, spub.len);
	CHECK_OK(k->decaps(st, &in, &kc));
	CHECK_OK(buf_end(&in));
	CHECK(kc.len > 4 && kc.len == ks.len && memcmp(kc.data, ks.data, kc.len) == 0);
	/* a second exchange gives a different K */
	buf_reset(&spub);
	buf_reset(&ks);
	buf_view(&in, cpub.data, cpub.len);
	CHECK_OK(k->encaps(&in, &spub, &ks));
	CHECK(kc.len != ks.len || memcmp(kc.data, ks.data, kc.len) != 0);
	k->free_state(st);
	k->free_state(NULL);
	buf_free(&cpub);
	buf_free(&spub);
	buf_free(&kc);
	buf_free(&ks);
}

static void test_methods_roundtrip(void)
{
	size_t i;
	for (i = 0; kex_algs[i]; i++)
		roundtrip(kex_algs[i]);
#if DB_KEX_DH_GROUP14_SHA1
	roundtrip(&kex_dh_group14_sha1);
#endif
}

static void test_x25519_wire(void)
{
#if DB_KEX_CURVE25519
	static const uint8_t q31[35] = { 0, 0, 0, 31 };
	static const uint8_t q33[37] = { 0, 0, 0, 33, 9 };
	struct buf in, pub, K, cpub;
	void *st;

	CHECK_OK(buf_init(&pub, 0, 256));
	CHECK_OK(buf_init(&cpub, 0, 256));
	CHECK_OK(buf_init_secret(&K, 0, 256));
	CHECK_OK(kex_curve25519_sha256.keypair(&st, &cpub));
	CHECK(cpub.len == 36 && load_be32(cpub.data) == 32);
	buf_view(&in, q31, sizeof(q31));
	CHECK(kex_curve25519_sha256.encaps(&in, &pub, &K) != 0);
	buf_view(&in, q33, sizeof(q33));
	CHECK(kex_curve25519_sha256.encaps(&in, &pub, &K) != 0);
	buf_view(&in, q33, sizeof(q33));
	CHECK(kex_curve25519_sha256.decaps(st, &in, &K) != 0);
	kex_curve25519_sha256.free_state(st);
	buf_free(&pub);
	buf_free(&cpub);
	buf_free(&K);
#endif
}

/* RFC 5656 4: a point not on the curve (or not an uncompressed point) is refused by the
 * server (encaps) and by the client (decaps). */
static void test_ecdh_invalid_points(void)
{
#if DB_KEX_ECDH
	const struct kex_ops *ks[] = { &kex_ecdh_nistp256, &kex_ecdh_nistp384,
				       &kex_ecdh_nistp521 };
	size_t i, v;
	int fails = 0;

	for (i = 0; i < 3; i++) {
		const struct kex_ops *k = ks[i];
		struct buf cpub, bad, pub, K, in;
		void *st;
		size_t plen, n;

		CHECK_OK(buf_init(&cpub, 0, 256));
		CHECK_OK(buf_init(&bad, 0, 256));
		CHECK_OK(buf_init(&pub, 0, 256));
		CHECK_OK(buf_init_secret(&K, 0, 256));
		CHECK_OK(k->keypair(&st, &cpub));
		plen = load_be32(cpub.data);
		CHECK(plen == 65 || plen == 97 || plen == 133);
		CHECK(cpub.data[4] == 4);
		for (v = 0; v < 5; v++) {
			buf_reset(&bad);
			CHECK_OK(buf_put_bytes(&bad, cpub.data, cpub.len));
			n = bad.len;
			switch (v) {
			case 0: /* y changed: off the curve */
				bad.data[n - 1] ^= 1;
				break;
			case 1: /* compressed form 02 || x */
				bad.data[4] = 2;
				bad.len = 4 + 1 + (plen - 1) / 2;
				store_be32(bad.data, (uint32_t)(bad.len - 4));
				break;
			case 2: /* the point at infinity, 00 */
				bad.data[4] = 0;
				bad.len = 5;
				store_be32(bad.data, 1);
				break;
			case 3: /* x >= p */
				memset(bad.data + 5, 0xff, (plen - 1) / 2);
				break;
			case 4: /* one byte short */
				bad.len--;
				store_be32(bad.data, (uint32_t)plen - 1);
				break;
			}
			buf_view(&in, bad.data, bad.len);
			if (k->encaps(&in, &pub, &K) == 0)
				fails++;
			buf_view(&in, bad.data, bad.len);
			if (k->decaps(st, &in, &K) == 0)
				fails++;
		}
		CHECK(K.len == 0);
		k->free_state(st);
		buf_free(&cpub);
		buf_free(&bad);
		buf_free(&pub);
		buf_free(&K);
	}
	CHECK(fails == 0);
#endif
}

#if DB_KEX_DH_GROUP14_256 || DB_KEX_DH_GROUP16
/* The peer's value v (e for the server, f for the client), encoded as the n-th bad case.
 * p ends in 64 one bits, so p + 1 only carries into byte len-9. */
static void dh_bad_value(struct buf *b, const uint8_t *p, size_t len, int which)
{
	uint8_t v[600];
	size_t n = len;

	memcpy(v, p, len);
	switch (which) {
	case 0: /* 0: the empty mpint */
		n = 0;
		break;
	case 1: /* 1 */
		v[0] = 1;
		n = 1;
		break;
	case 2: /* p - 1 */
		v[len - 1] -= 1;
		break;
	case 3: /* p */
		break;
	case 4: /* p + 1 */
		memset(v + len - 8, 0, 8);
		v[len - 9] += 1;
		break;
	case 5: /* longer than p */
		memset(v, 0xff, len + 1);
		n = len + 1;
		break;
	case 6: /* 5 with two leading zero bytes: not a minimal mpint */
		CHECK_OK(buf_put_u32(b, 3));
		CHECK_OK(buf_put_bytes(b, "\0\0\5", 3));
		return;
	}
	CHECK_OK(buf_put_mpint(b, v, n));
}

/* RFC 4253 8: f (and e) outside 1 < f < p-1 are refused; so are non-minimal mpints. */
static void dh_range(const struct kex_ops *k)
{
	static const uint8_t two = 2;
	const uint8_t *p;
	size_t plen;
	struct buf cpub, bad, pub, K, in;
	void *st;
	int i, r, fails = 0;

	CHECK_OK(kex_dh_prime(k, &p, &plen));
	CHECK_OK(buf_init(&cpub, 0, 4096));
	CHECK_OK(buf_init(&bad, 0, 1024));
	CHECK_OK(buf_init(&pub, 0, 1024));
	CHECK_OK(buf_init_secret(&K, 0, 1024));
	CHECK_OK(k->keypair(&st, &cpub));
	for (i = 0; i < 7; i++) {
		buf_reset(&bad);
		dh_bad_value(&bad, p, plen, i);
		buf_view(&in, bad.data, bad.len);
		r = k->decaps(st, &in, &K);
		if (r != (i == 6 ? ERR_FORMAT : ERR_PROTOCOL))
			fails++;
		buf_view(&in, bad.data, bad.len);
		r = k->encaps(&in, &pub, &K);
		if (r != (i == 6 ? ERR_FORMAT : ERR_PROTOCOL))
			fails++;
	}
	CHECK(fails == 0);
	CHECK(pub.len == 0 && K.len == 0); /* e is checked before any work */
	/* 2 is in range */
	buf_reset(&bad);
	CHECK_OK(buf_put_mpint(&bad, &two, 1));
	buf_view(&in, bad.data, bad.len);
	CHECK_OK(k->decaps(st, &in, &K));
	k->free_state(st);
	buf_free(&cpub);
	buf_free(&bad);
	buf_free(&pub);
	buf_free(&K);
}
#endif

static void test_dh_range(void)
{
#if DB_KEX_DH_GROUP14_256
	dh_range(&kex_dh_group14_sha256);
#endif
#if DB_KEX_DH_GROUP16
	dh_range(&kex_dh_group16_sha512);
#endif
}

#if DB_KEX_DH_GROUP14_256 || DB_KEX_DH_GROUP16
/* The primes are RFC 3526's, byte for byte, and prime. */
static void prime_is(const struct kex_ops *k, size_t bytes, const char *sha256_hex)
{
	const uint8_t *p;
	size_t n;
	uint8_t h[32], want[32];
	mp_int m;
	mp_bool isprime = MP_NO;

	CHECK_OK(kex_dh_prime(k, &p, &n));
	CHECK(n == bytes);
	CHECK(p[0] == 0xff && p[n - 1] == 0xff);
	CHECK_OK(hash_buf(HASH_SHA256, p, n, h));
	hex2bin(sha256_hex, want, 32);
	CHECK_MEM(h, want, 32);
	CHECK(mp_init(&m) == MP_OKAY);
	CHECK(mp_from_ubin(&m, p, n) == MP_OKAY);
	CHECK(mp_count_bits(&m) == (int)(8 * bytes));
	CHECK(mp_prime_is_prime(&m, 8, &isprime) == MP_OKAY);
	CHECK(isprime == MP_YES);
	mp_clear(&m);
}
#endif

static void test_dh_primes(void)
{
#if DB_KEX_DH_GROUP14_256
	prime_is(&kex_dh_group14_sha256, 256,
		 "d66436f79bbd6b2e38c0ffbd079be904d2641415e2e67140e09448be9a60890e");
#endif
#if DB_KEX_DH_GROUP16
	prime_is(&kex_dh_group16_sha512, 512,
		 "4ee95187682bcb230ad26a95205f6920e84708f6251b3894329b09ec23919e33");
#endif
	{
		static const struct kex_ops other = { .name = "other", .hash = HASH_SHA256 };
		const uint8_t *p;
		size_t n;
		CHECK(kex_dh_prime(&other, &p, &n) == ERR_UNSUPPORTED);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	if (crypto_init() != 0)
		return 1;
	RUN(test_hash_curve25519);
	RUN(test_hash_nistp256);
	RUN(test_hash_dh);
	RUN(test_x25519_k);
	RUN(test_methods_roundtrip);
	RUN(test_x25519_wire);
	RUN(test_ecdh_invalid_points);
	RUN(test_dh_range);
	RUN(test_dh_primes);
	return harness_done(argv[0]);
}
