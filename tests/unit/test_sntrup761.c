/* sntrup761 against the NTRU Prime submission's NIST known-answer test, plus round
 * trips and implicit rejection.
 *
 * Where the vector comes from: the NIST KAT generator (PQCgenKAT_kem.c) seeds NIST's
 * AES-256 CTR_DRBG (SP 800-90A, no derivation function, as in NIST's rng.c) with the
 * bytes 0..47, draws a 48-byte seed for entry 0, reseeds with it, then runs keypair,
 * enc and dec. PQClean's crypto_kem/sntrup761/META.yml (implementation "supercop-20210604
 * via package-pqclean") lists
 *   nistkat-sha256: afc42c3a5b10f4ef69654250097ebda9b9564570f4086744b24a6daf2bd1f89a
 * the SHA-256 of the text its test/crypto_kem/nistkat.c prints for that first entry:
 *   "count = 0\nseed = <hex>\npk = <hex>\nsk = <hex>\nct = <hex>\nss = <hex>\n"
 * (upper-case hex). The DRBG is rebuilt here on libtomcrypt's AES and that text hashed.
 * Liboqs's tests/KATs/kem/kats.json lists the same value as sntrup761's "single" KAT.
 * The hash only matches when each random polynomial takes one randombytes call of 4p
 * bytes (the submission's code), not p calls of 4 bytes: the DRBG updates per call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tomcrypt.h>

#include "crypto.h"
#include "crypto/sntrup761.h"
#include "harness.h"

/* ---- NIST's AES-256 CTR_DRBG as in the KAT generator's rng.c */

struct drbg {
	uint8_t key[32], v[16];
};

static void drbg_inc(uint8_t v[16])
{
	int j;
	for (j = 15; j >= 0; j--) {
		if (v[j] == 0xff) {
			v[j] = 0;
		} else {
			v[j]++;
			break;
		}
	}
}

static void aes256_block(const uint8_t key[32], const uint8_t in[16], uint8_t out[16])
{
	symmetric_key sk;
	if (aes_setup(key, 32, 0, &sk) != CRYPT_OK || aes_ecb_encrypt(in, out, &sk) != CRYPT_OK)
		abort();
}

static void drbg_update(struct drbg *d, const uint8_t *provided)
{
	uint8_t tmp[48];
	int i;
	for (i = 0; i < 3; i++) {
		drbg_inc(d->v);
		aes256_block(d->key, d->v, tmp + 16 * i);
	}
	if (provided)
		for (i = 0; i < 48; i++)
			tmp[i] ^= provided[i];
	memcpy(d->key, tmp, 32);
	memcpy(d->v, tmp + 32, 16);
}

static void drbg_init(struct drbg *d, const uint8_t entropy[48])
{
	memset(d, 0, sizeof(*d));
	drbg_update(d, entropy);
}

static int drbg_bytes(void *ctx, uint8_t *out, size_t n)
{
	struct drbg *d = ctx;
	uint8_t block[16];
	while (n > 0) {
		size_t k = n < 16 ? n : 16;
		drbg_inc(d->v);
		aes256_block(d->key, d->v, block);
		memcpy(out, block, k);
		out += k;
		n -= k;
	}
	drbg_update(d, NULL);
	return 0;
}

/* ---- the first KAT entry, hashed as PQClean's nistkat prints it */

static void put_hex(hash_state *st, const char *label, const uint8_t *p, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	char two[2];
	size_t i;
	sha256_process(st, (const unsigned char *)label, (unsigned long)strlen(label));
	for (i = 0; i < n; i++) {
		two[0] = hx[p[i] >> 4];
		two[1] = hx[p[i] & 15];
		sha256_process(st, (const unsigned char *)two, 2);
	}
	sha256_process(st, (const unsigned char *)"\n", 1);
}

static uint8_t pk[SNTRUP761_PUBLICKEY_BYTES], sk[SNTRUP761_SECRETKEY_BYTES];
static uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES];

static void test_nist_kat0(void)
{
	uint8_t entropy[48], seed[48], ss[32], ss2[32], h[32], want[32];
	struct drbg d;
	hash_state st;
	int i;

	for (i = 0; i < 48; i++)
		entropy[i] = (uint8_t)i;
	drbg_init(&d, entropy);
	drbg_bytes(&d, seed, 48);
	drbg_init(&d, seed);
	CHECK_OK(sntrup761_keypair_det(pk, sk, drbg_bytes, &d));
	CHECK_OK(sntrup761_enc_det(ct, ss, pk, drbg_bytes, &d));
	sntrup761_dec(ss2, ct, sk);
	CHECK_MEM(ss, ss2, 32);

	sha256_init(&st);
	sha256_process(&st, (const unsigned char *)"count = 0\n", 10);
	put_hex(&st, "seed = ", seed, 48);
	put_hex(&st, "pk = ", pk, sizeof(pk));
	put_hex(&st, "sk = ", sk, sizeof(sk));
	put_hex(&st, "ct = ", ct, sizeof(ct));
	put_hex(&st, "ss = ", ss, sizeof(ss));
	sha256_done(&st, h);
	hex2bin("afc42c3a5b10f4ef69654250097ebda9b9564570f4086744b24a6daf2bd1f89a", want,
		sizeof(want));
	CHECK_MEM(h, want, 32);
	/* the seed itself is the same for every scheme's KAT file (NIST's rng.c) */
	CHECK(hex2bin("061550234D158C5EC95595FE04EF7A25767F2E24CC2BC479D09D86DC9ABCFDE7056A8C26"
		      "6F9EF97ED08541DBD2E1FFA1", entropy, sizeof(entropy)) == 48);
	CHECK_MEM(seed, entropy, 48);
}

/* Hash_b(x || y) = SHA-512(b || x || y)[0..32), computed here on its own. */
static void hash_b(uint8_t out[32], uint8_t b, const uint8_t *x, size_t n, const uint8_t *y,
		   size_t m)
{
	hash_state st;
	uint8_t full[64];
	sha512_init(&st);
	sha512_process(&st, &b, 1);
	sha512_process(&st, x, (unsigned long)n);
	if (m)
		sha512_process(&st, y, (unsigned long)m);
	sha512_done(&st, full);
	memcpy(out, full, 32);
}

/* With the keys of the KAT: a changed ciphertext byte (in the rounded part, then in
 * the confirmation) gives no error and exactly the rejection key the spec defines,
 * Hash_0(Hash_3(rho) || ct), where rho is the secret key's bytes 1540..1730. */
static void test_implicit_rejection(void)
{
	uint8_t bad[SNTRUP761_CIPHERTEXT_BYTES], ss[32], ss_ok[32], want[32], h3[32];
	static const size_t where[] = {0, 500, 1006, 1007, 1038};
	size_t i;

	sntrup761_dec(ss_ok, ct, sk);
	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		memcpy(bad, ct, sizeof(bad));
		bad[where[i]] ^= 0x01;
		sntrup761_dec(ss, bad, sk);
		CHECK(memcmp(ss, ss_ok, 32) != 0);
		hash_b(h3, 3, sk + 1540, 191, NULL, 0);
		hash_b(want, 0, h3, 32, bad, sizeof(bad));
		CHECK_MEM(ss, want, 32);
	}
}

/* Fresh keys from the project's random source: both sides agree, twice in a row with
 * different results. */
static void test_roundtrip(void)
{
	static uint8_t pk2[SNTRUP761_PUBLICKEY_BYTES], sk2[SNTRUP761_SECRETKEY_BYTES];
	uint8_t c1[SNTRUP761_CIPHERTEXT_BYTES], c2[SNTRUP761_CIPHERTEXT_BYTES];
	uint8_t a[32], b[32], a2[32], b2[32];

	CHECK_OK(crypto_init());
	CHECK_OK(sntrup761_keypair(pk2, sk2));
	CHECK_OK(sntrup761_enc(c1, a, pk2));
	sntrup761_dec(b, c1, sk2);
	CHECK_MEM(a, b, 32);
	CHECK_OK(sntrup761_enc(c2, a2, pk2));
	sntrup761_dec(b2, c2, sk2);
	CHECK_MEM(a2, b2, 32);
	CHECK(memcmp(a, a2, 32) != 0);
	CHECK(memcmp(c1, c2, sizeof(c1)) != 0);
	/* the public key is in the secret key, after Small(f) and Small(1/g) */
	CHECK_MEM(sk2 + 382, pk2, sizeof(pk2));
}

/* Any byte string of the right length decodes (the decoders reduce into range), so a
 * random "public key" still encapsulates and an all-0xff ciphertext still decapsulates
 * (to a rejection key). */
static void test_any_bytes(void)
{
	static uint8_t junk[SNTRUP761_PUBLICKEY_BYTES];
	uint8_t c[SNTRUP761_CIPHERTEXT_BYTES], s[32], want[32], h3[32];

	memset(junk, 0xff, sizeof(junk));
	CHECK_OK(sntrup761_enc(c, s, junk));
	memset(c, 0xff, sizeof(c));
	sntrup761_dec(s, c, sk);
	hash_b(h3, 3, sk + 1540, 191, NULL, 0);
	hash_b(want, 0, h3, 32, c, sizeof(c));
	CHECK_MEM(s, want, 32);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(test_nist_kat0);
	RUN(test_implicit_rejection);
	RUN(test_roundtrip);
	RUN(test_any_bytes);
	return harness_done(argv[0]);
}
