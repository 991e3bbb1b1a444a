/* SHA3-256, SHA3-512, SHAKE128 and SHAKE256 against published values: the empty string
 * and "abc" from NIST's "Cryptographic Standards and Guidelines: Examples with
 * Intermediate Values" for FIPS 202 (csrc.nist.gov, SHA3-256_Msg0 / SHA3-256_Msg...),
 * the same values as the FIPS 202 CAVP short-message files (SHA3_256ShortMsg.rsp Len = 0)
 * and the well-known 1600-bit message of repeated 0xa3 (NIST examples "Msg1600").
 * The incremental interface must give the same bytes however the input and output are
 * split, including across the rate boundary. */
#include <string.h>

#include "crypto/sha3.h"
#include "harness.h"

static void check_hex(const uint8_t *got, size_t n, const char *hex)
{
	uint8_t want[256];
	CHECK(hex2bin(hex, want, sizeof(want)) == n);
	CHECK_MEM(got, want, n);
}

static void test_sha3_256(void)
{
	uint8_t h[32], m[200];

	sha3_256(h, "", 0);
	check_hex(h, 32, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
	sha3_256(h, "abc", 3);
	check_hex(h, 32, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
	memset(m, 0xa3, sizeof(m));
	sha3_256(h, m, sizeof(m));
	check_hex(h, 32, "79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787");
}

static void test_sha3_512(void)
{
	uint8_t h[64];

	sha3_512(h, "", 0);
	check_hex(h, 64, "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a6"
			 "15b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26");
	sha3_512(h, "abc", 3);
	check_hex(h, 64, "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
			 "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0");
}

static void test_shake(void)
{
	uint8_t o[64];

	shake128(o, 32, "", 0);
	check_hex(o, 32, "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26");
	shake256(o, 64, "", 0);
	check_hex(o, 64, "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"
			 "d75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be");
}

/* Pieces of input and output in odd sizes give the one-shot result. */
static void test_shake_incremental(void)
{
	uint8_t m[500], one[600], inc[600];
	struct shake_ctx c;
	size_t i, n, step;

	for (i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)(i * 7 + 1);
	for (step = 1; step < 200; step += 37) {
		shake128(one, sizeof(one), m, sizeof(m));
		shake128_init(&c);
		for (i = 0; i < sizeof(m); i += n) {
			n = sizeof(m) - i < step ? sizeof(m) - i : step;
			shake_absorb(&c, m + i, n);
		}
		for (i = 0; i < sizeof(inc); i += n) {
			n = sizeof(inc) - i < step + 3 ? sizeof(inc) - i : step + 3;
			shake_squeeze(&c, inc + i, n);
		}
		CHECK_MEM(one, inc, sizeof(one));
		shake256(one, sizeof(one), m, step);
		shake256_init(&c);
		shake_absorb(&c, m, step / 2);
		shake_absorb(&c, m + step / 2, step - step / 2);
		shake_squeeze(&c, inc, 136);
		shake_squeeze(&c, inc + 136, sizeof(inc) - 136);
		CHECK_MEM(one, inc, sizeof(one));
		shake_wipe(&c);
	}
	/* the output stream must actually change with the input */
	shake128(inc, 32, m, 1);
	CHECK(memcmp(one, inc, 32) != 0);
}

int main(void)
{
	RUN(test_sha3_256);
	RUN(test_sha3_512);
	RUN(test_shake);
	RUN(test_shake_incremental);
	return harness_done("test_sha3");
}
