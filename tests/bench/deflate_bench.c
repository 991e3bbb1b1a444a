/* deflate_bench: our deflate (common/deflate.c) against zlib's as compress.c used it
 * (level 6, windowBits 13, memLevel 7, Z_PARTIAL_FLUSH after every packet), on the files
 * given and on random bytes, cut into 32 KB packets and into interactive-sized ones
 * (1-100 bytes), and on typing (the first file's bytes one per SSH_MSG_CHANNEL_DATA).
 * Prints compressed sizes, their ratio (ours / zlib), MB/s and the speed ratio (ours /
 * zlib: above 1 is faster); every stream of ours is checked through zlib's inflate
 * first. Built by `make deflate-bench`:
 *   build/bench/deflate_bench FILE...      (e.g. a source file, build/static/dropbearmulti) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "deflate.h"

#define MAXIN (1u << 20) /* the first MB of each file */

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* packet sizes: 32768 (mode 0), 1-100 bytes (1) or 10 (2: keystrokes) */
static size_t *cut(size_t n, int small, size_t *np)
{
	size_t *v = malloc((n + 1) * sizeof(*v)), k = 0, off = 0;
	if (!v)
		exit(1);
	while (off < n) {
		size_t l = small == 2 ? 10 : small ? 1 + rnd() % 100 : 32768;
		if (l > n - off)
			l = n - off;
		v[k++] = l;
		off += l;
	}
	*np = k;
	return v;
}

static size_t run_zlib(const uint8_t *in, const size_t *pk, size_t np, uint8_t *out, size_t cap)
{
	z_stream zs;
	size_t i, off = 0, total = 0;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 13, 7, Z_DEFAULT_STRATEGY) != Z_OK)
		exit(1);
	for (i = 0; i < np; i++) {
		zs.next_in = (Bytef *)(uintptr_t)(in + off);
		zs.avail_in = (uInt)pk[i];
		zs.next_out = out;
		zs.avail_out = (uInt)cap;
		if (deflate(&zs, Z_PARTIAL_FLUSH) != Z_OK || zs.avail_in)
			exit(2);
		total += cap - zs.avail_out;
		off += pk[i];
	}
	deflateEnd(&zs);
	return total;
}

static size_t run_ours(const uint8_t *in, const size_t *pk, size_t np, uint8_t *out, size_t cap,
		       int check)
{
	struct dfl *d = dfl_new();
	z_stream zs;
	uint8_t *back = check ? malloc(32768 + 1) : NULL;
	size_t i, off = 0, total = 0, cn;

	memset(&zs, 0, sizeof(zs));
	if (!d || (check && (!back || inflateInit2(&zs, 13) != Z_OK)))
		exit(1);
	for (i = 0; i < np; i++) {
		if (dfl_packet(d, in + off, pk[i], out, cap, &cn))
			exit(3);
		if (check) {
			zs.next_in = out;
			zs.avail_in = (uInt)cn;
			zs.next_out = back;
			zs.avail_out = 32768 + 1;
			int zr = inflate(&zs, Z_SYNC_FLUSH);
			if ((zr != Z_OK && zr != Z_BUF_ERROR) || zs.avail_in ||
			    32768 + 1 - zs.avail_out != pk[i] || memcmp(back, in + off, pk[i])) {
				fprintf(stderr, "round trip failed at packet %zu\n", i);
				exit(4);
			}
		}
		total += cn;
		off += pk[i];
	}
	if (check)
		inflateEnd(&zs);
	free(back);
	dfl_free(d);
	return total;
}

/* modes: from `first` up to 1 (32 KB and 1-100 byte packets), or 2 alone */
static void bench(const char *name, const uint8_t *in, size_t n, int first)
{
	int small;
	uint8_t *out = malloc(dfl_bound(32768) + 1024);

	if (!out)
		exit(1);
	for (small = first; small < (first == 2 ? 3 : 2); small++) {
		size_t np, *pk = cut(n, small, &np), zb, ob;
		double t, tz, to;
		int reps, r, trial;

		zb = run_zlib(in, pk, np, out, dfl_bound(32768) + 1024);
		ob = run_ours(in, pk, np, out, dfl_bound(32768), 1);
		/* enough repetitions for ~0.2 s of zlib; the best of 5 alternating trials of
		 * each, the machine being shared */
		t = now();
		run_zlib(in, pk, np, out, dfl_bound(32768) + 1024);
		t = now() - t;
		reps = t > 0.2 ? 1 : (int)(0.2 / (t + 1e-9)) + 1;
		tz = to = 1e9;
		for (trial = 0; trial < 5; trial++) {
			t = now();
			for (r = 0; r < reps; r++)
				run_zlib(in, pk, np, out, dfl_bound(32768) + 1024);
			t = now() - t;
			tz = t < tz ? t : tz;
			t = now();
			for (r = 0; r < reps; r++)
				run_ours(in, pk, np, out, dfl_bound(32768), 0);
			t = now() - t;
			to = t < to ? t : to;
		}
		printf("%-24s %-9s %9zu %9zu %9zu %6.3f %8.1f %8.1f %6.2f\n", name,
		       small == 2 ? "keys" : small ? "1-100" : "32K", n, zb, ob, (double)ob / zb,
		       n * reps / tz / 1e6, n * reps / to / 1e6, tz / to);
		free(pk);
	}
	free(out);
}

int main(int argc, char **argv)
{
	uint8_t *buf = malloc(MAXIN);
	size_t n, i;
	int a;

	if (!buf)
		return 1;
	printf("%-24s %-9s %9s %9s %9s %6s %8s %8s %6s\n", "corpus", "packets", "bytes", "zlib",
	       "ours", "ratio", "zlibMB/s", "oursMB/s", "speed");
	for (a = 1; a < argc; a++) {
		FILE *f = fopen(argv[a], "rb");
		const char *base = strrchr(argv[a], '/');
		if (!f) {
			perror(argv[a]);
			return 1;
		}
		n = fread(buf, 1, MAXIN, f);
		fclose(f);
		bench(base ? base + 1 : argv[a], buf, n, 0);
		if (a == 1) {
			/* typing: each byte of the first file's first 20000 its own
			 * SSH_MSG_CHANNEL_DATA payload (94, channel 0, a 1-byte string) */
			size_t k = n < 20000 ? n : 20000;
			uint8_t *t = malloc(k * 10);
			if (!t)
				return 1;
			for (i = 0; i < k; i++) {
				static const uint8_t hdr[9] = { 94, 0, 0, 0, 0, 0, 0, 0, 1 };
				memcpy(t + 10 * i, hdr, 9);
				t[10 * i + 9] = buf[i];
			}
			bench("  typed, 10-byte packets", t, k * 10, 2);
			free(t);
		}
	}
	for (i = 0; i < MAXIN; i++)
		buf[i] = (uint8_t)rnd();
	bench("random", buf, MAXIN, 0);
	free(buf);
	return 0;
}
