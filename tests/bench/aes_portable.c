/* aes_portable.c: speed of the portable constant-time AES-CTR and AES-GCM
 * (common/crypto/aes_ct.c, ghash_ct.c) against libtomcrypt's table-based code, the
 * path machines without AES-NI took before. Not part of any test (no timings in tests);
 * run by hand, on a quiet machine:
 *
 *   gcc -std=c11 -Os -I. -Icommon tests/bench/aes_portable.c common/crypto/aes_ct.c \
 *       common/crypto/ghash_ct.c -ltomcrypt -o /tmp/aes_portable && /tmp/aes_portable
 *
 * (Debian's libtomcrypt: four T-tables; link a libtomcrypt.a built with LTC_SMALL_CODE,
 * as the static build's was, to see that one.) Prints MB/s and, on x86-64, cycles per
 * byte (TSC) for 16 KB packets, the best of seven runs of 16 MB each. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <tomcrypt.h>

#include "crypto/aes_ct.h"

#define PKT 16384
#define TOTAL (16u << 20)
#define REPS 7 /* the best of REPS runs: the machine may be shared */

static uint8_t buf[PKT], out[PKT];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t cycles(void)
{
#if defined(__x86_64__)
	unsigned lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
#else
	return 0;
#endif
}

static double best_t;
static uint64_t best_c;

static void report(const char *what, double t, uint64_t c)
{
	if (!what) { /* one run */
		if (best_t == 0 || t < best_t)
			best_t = t;
		if (best_c == 0 || c < best_c)
			best_c = c;
		return;
	}
	printf("%-28s %8.1f MB/s  %6.2f cycles/byte\n", what, TOTAL / best_t / 1e6,
	       (double)best_c / TOTAL);
	best_t = 0;
	best_c = 0;
}

int main(void)
{
	static const uint8_t key[16] = { 1, 2, 3 }, iv[16] = { 4 }, nonce[12] = { 5 };
	uint8_t tag[16];
	int idx = register_cipher(&aes_desc);
	double t;
	uint64_t c;

	memset(buf, 0x5a, sizeof buf);
	{
		symmetric_CTR lc;
		ctr_start(idx, iv, key, 16, 0, CTR_COUNTER_BIG_ENDIAN, &lc);
		for (int r = 0; r < REPS; r++) {
			t = now(), c = cycles();
			for (unsigned i = 0; i < TOTAL / PKT; i++)
				ctr_encrypt(buf, out, PKT, &lc);
			report(NULL, now() - t, cycles() - c);
		}
		report("aes128-ctr libtomcrypt", 0, 0);
	}
	{
		struct aes_ct_ctr cc;
		aes_ct_ctr_init(&cc, key, 16, iv);
		for (int r = 0; r < REPS; r++) {
			t = now(), c = cycles();
			for (unsigned i = 0; i < TOTAL / PKT; i++)
				aes_ct_ctr_crypt(&cc, buf, out, PKT);
			report(NULL, now() - t, cycles() - c);
		}
		report("aes128-ctr ours (ct)", 0, 0);
	}
	{
		gcm_state g;
		unsigned long tl;
		gcm_init(&g, idx, key, 16);
		for (int r = 0; r < REPS; r++) {
			t = now(), c = cycles();
			for (unsigned i = 0; i < TOTAL / PKT; i++) {
				tl = 16;
				gcm_reset(&g);
				gcm_add_iv(&g, nonce, 12);
				gcm_add_aad(&g, buf, 4);
				gcm_process(&g, buf + 4, PKT - 4, out, GCM_ENCRYPT);
				gcm_done(&g, tag, &tl);
			}
			report(NULL, now() - t, cycles() - c);
		}
		report("aes128-gcm libtomcrypt", 0, 0);
	}
	{
		struct aes_ct_gcm g;
		aes_ct_gcm_init(&g, key, 16);
		for (int r = 0; r < REPS; r++) {
			t = now(), c = cycles();
			for (unsigned i = 0; i < TOTAL / PKT; i++)
				aes_ct_gcm_crypt(&g, nonce, buf, 4, buf + 4, out, PKT - 4, tag, 0);
			report(NULL, now() - t, cycles() - c);
		}
		report("aes128-gcm ours (ct)", 0, 0);
	}
	return 0;
}
