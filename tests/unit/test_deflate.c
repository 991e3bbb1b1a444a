/* Our deflate compressor (common/deflate.c) against zlib's inflate: every packet must
 * come out whole as soon as its bytes are in (RFC 4253 6.2), the history carrying across
 * packets; the inflater is opened with an 8 KB window (windowBits 13), so a distance
 * beyond what our header promises fails. Edge cases: empty and 1-byte packets, 258-byte
 * matches, distances of exactly the window and one more, all 256 byte values, random
 * data (stored blocks), packets past 64 KB, skewed statistics that need the 15-bit limit,
 * and an output buffer too small. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "deflate.h"
#include "err.h"
#include "harness.h"

struct pair {
	struct dfl *d;
	z_stream zs;
	uint8_t *c, *o;
	size_t csz, osz;
	size_t total_in, total_out; /* plain and compressed bytes so far */
	int bad;
};

static void pair_open(struct pair *p)
{
	memset(p, 0, sizeof(*p));
	p->d = dfl_new();
	CHECK(p->d != NULL);
	CHECK(inflateInit2(&p->zs, 13) == Z_OK);
}

static void pair_close(struct pair *p)
{
	inflateEnd(&p->zs);
	dfl_free(p->d);
	free(p->c);
	free(p->o);
}

/* Compresses one packet, inflates it and checks it came out whole; returns the
 * compressed size. */
static size_t pair_packet(struct pair *p, const uint8_t *in, size_t n)
{
	size_t cn = 0, bound = dfl_bound(n);
	int zr;

	if (p->csz < bound) {
		free(p->c);
		p->c = malloc(p->csz = bound);
	}
	if (p->osz < n + 1) {
		free(p->o);
		p->o = malloc(p->osz = n + 1);
	}
	if (!p->c || !p->o || !p->d) {
		p->bad = 1;
		CHECK(0);
		return 0;
	}
	if (dfl_packet(p->d, in, n, p->c, bound, &cn) != 0 || cn > bound) {
		p->bad = 1;
		CHECK(0);
		return 0;
	}
	p->zs.next_in = p->c;
	p->zs.avail_in = (uInt)cn;
	p->zs.next_out = p->o;
	p->zs.avail_out = (uInt)(n + 1);
	zr = inflate(&p->zs, Z_SYNC_FLUSH);
	if ((zr != Z_OK && zr != Z_BUF_ERROR) || p->zs.avail_in != 0 ||
	    n + 1 - p->zs.avail_out != n || (n && memcmp(p->o, in, n) != 0)) {
		if (!p->bad) {
			fprintf(stderr, "  packet %zu bytes (after %zu): inflate %d %s, %u left, %zu out\n",
				n, p->total_in, zr, p->zs.msg ? p->zs.msg : "", p->zs.avail_in,
				(size_t)(n + 1 - p->zs.avail_out));
			CHECK(!"packet did not round-trip whole");
		}
		p->bad = 1;
	}
	p->total_in += n;
	p->total_out += cn;
	return cn;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void fill_random(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rnd();
}

/* Text-like bytes: words from a small vocabulary */
static void fill_text(uint8_t *p, size_t n)
{
	static const char *const w[] = { "the ", "packet ", "window ", "of ", "compress ",
					 "deflate\n", "int ", "return 0;\n", "{\n\t", "}\n", "and ",
					 "ssh ", "channel ", "data " };
	size_t i = 0;
	while (i < n) {
		const char *s = w[rnd() % (sizeof(w) / sizeof(w[0]))];
		while (*s && i < n)
			p[i++] = (uint8_t)*s++;
	}
}

static void test_header(void)
{
	struct dfl *d = dfl_new();
	uint8_t out[64];
	size_t n = 99;

	CHECK(d != NULL);
	if (!d)
		return;
	CHECK_OK(dfl_packet(d, NULL, 0, out, sizeof(out), &n));
	CHECK(n == 2);
	CHECK(out[0] == 0x58); /* deflate, CINFO 5: an 8 KB window */
	CHECK((out[0] * 256 + out[1]) % 31 == 0);
	CHECK((out[1] & 0x20) == 0); /* no preset dictionary */
	/* later empty packets send nothing */
	CHECK_OK(dfl_packet(d, NULL, 0, out, sizeof(out), &n));
	CHECK(n == 0);
	dfl_free(d);
}

static void test_empty_and_tiny(void)
{
	struct pair p;
	uint8_t b[100];
	size_t i, n, big = 0;

	pair_open(&p);
	pair_packet(&p, NULL, 0);
	for (i = 0; i < 2000 && !p.bad; i++) {
		b[0] = (uint8_t)("ls -l\n"[i % 6]);
		n = pair_packet(&p, b, 1);
		if (n > 3)
			big++;
		if (i % 7 == 0)
			pair_packet(&p, NULL, 0);
	}
	/* a static block: 3 header bits, the literal, the 7-bit end code */
	CHECK(big == 0);
	CHECK(p.total_out <= 2 + 2000 * 5 / 2 + 1);
	for (i = 0; i < 2000 && !p.bad; i++) {
		n = 1 + rnd() % 100;
		fill_text(b, n);
		pair_packet(&p, b, n);
	}
	pair_close(&p);
}

static void test_long_runs(void)
{
	struct pair p;
	size_t n = 100000, cn;
	uint8_t *b = malloc(n);

	CHECK(b != NULL);
	if (!b)
		return;
	memset(b, 'a', n);
	pair_open(&p);
	cn = pair_packet(&p, b, n);
	CHECK(cn < 600); /* ~388 matches of 258 bytes */
	cn = pair_packet(&p, b, 258);
	CHECK(cn < 8);
	cn = pair_packet(&p, b, 259);
	CHECK(cn < 10);
	/* runs of every length around the minimum and maximum match */
	for (n = 1; n < 600 && !p.bad; n += (n < 20 || n > 250) ? 1 : 17) {
		memset(b, (int)(n & 0xff), n);
		pair_packet(&p, b, n);
	}
	pair_close(&p);
	free(b);
}

/* A random block repeated at distance d: within the window (d <= 8192) it compresses to
 * almost nothing, beyond it (8193) it may not be matched (the inflater would refuse). */
static void test_window_edge(void)
{
	size_t dists[] = { 8192, 8193, 8191, 4097, 1 };
	size_t i;

	for (i = 0; i < sizeof(dists) / sizeof(dists[0]); i++) {
		struct pair p;
		size_t d = dists[i], cn;
		uint8_t *b = malloc(d + 1000);

		CHECK(b != NULL);
		if (!b)
			return;
		fill_random(b, d);
		memcpy(b + d, b, 1000 < d ? 1000 : d);
		if (d < 1000)
			for (cn = d; cn < d + 1000; cn++)
				b[cn] = b[cn - d];
		pair_open(&p);
		pair_packet(&p, b, d);
		cn = pair_packet(&p, b + d, 1000);
		if (d <= 8192)
			CHECK(cn < 30);
		else
			CHECK(cn > 900);
		pair_close(&p);
		/* the same in one packet */
		pair_open(&p);
		cn = pair_packet(&p, b, d + 1000);
		if (d <= 8192)
			CHECK(cn < d + 80); /* a dynamic block: ~60 bytes of code header */
		pair_close(&p);
		free(b);
	}
}

static void test_all_bytes(void)
{
	struct pair p;
	uint8_t b[4096];
	size_t i;

	pair_open(&p);
	for (i = 0; i < 256; i++)
		b[i] = (uint8_t)i;
	pair_packet(&p, b, 256);
	pair_packet(&p, b, 256); /* one match at distance 256 */
	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i * 7 + (i >> 8));
	pair_packet(&p, b, sizeof(b));
	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)((i & 1) ? rnd() : i);
	pair_packet(&p, b, sizeof(b));
	pair_close(&p);
}

/* Incompressible data leaves as stored blocks: a few bytes of framing per block. */
static void test_random(void)
{
	struct pair p;
	size_t sizes[] = { 1, 5, 100, 1000, 32768, 65535, 65536, 65537, 200000 };
	size_t i, n = 200000, cn;
	uint8_t *b = malloc(n);

	CHECK(b != NULL);
	if (!b)
		return;
	pair_open(&p);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && !p.bad; i++) {
		fill_random(b, sizes[i]);
		cn = pair_packet(&p, b, sizes[i]);
		CHECK(cn <= sizes[i] + 5 * (sizes[i] / 8192 + 1) + 3);
	}
	pair_close(&p);
	free(b);
}

/* Many packets sharing history; packets past 64 KB; mixed text and random. */
static void test_sequence(void)
{
	struct pair p;
	size_t n = 150000, i, cn, first;
	uint8_t *b = malloc(n);

	CHECK(b != NULL);
	if (!b)
		return;
	fill_text(b, n);
	pair_open(&p);
	first = pair_packet(&p, b, 4000);
	cn = pair_packet(&p, b, 4000); /* the same again: matched against history */
	CHECK(cn * 10 < first);
	cn = pair_packet(&p, b, n);
	CHECK(cn * 3 < n);
	for (i = 0; i < 300 && !p.bad; i++) {
		size_t k = rnd() % 40000;
		size_t off = rnd() % (n - k);
		if (i % 5 == 0)
			fill_random(b + off, k / 8);
		pair_packet(&p, b + off, k);
	}
	pair_close(&p);
	free(b);
}

/* Byte frequencies in a Fibonacci series: an unlimited Huffman code would be deeper
 * than 15 bits. Positions are shuffled so that most bytes stay literals. */
static void test_skewed(void)
{
	struct pair p;
	uint8_t *b;
	size_t n = 0, i, f0 = 1, f1 = 1, k;
	unsigned sym;

	for (sym = 0, k = 0; sym < 20; sym++) {
		n += f0;
		k = f0 + f1;
		f0 = f1;
		f1 = k;
	}
	b = malloc(n);
	CHECK(b != NULL);
	if (!b)
		return;
	for (sym = 0, f0 = 1, f1 = 1, i = 0; sym < 20; sym++) {
		for (k = 0; k < f0; k++)
			b[i++] = (uint8_t)(sym * 13);
		k = f0 + f1;
		f0 = f1;
		f1 = k;
	}
	for (i = n - 1; i > 0; i--) {
		size_t j = rnd() % (i + 1);
		uint8_t t = b[i];
		b[i] = b[j];
		b[j] = t;
	}
	pair_open(&p);
	for (i = 0; i + 6000 <= n && !p.bad; i += 6000)
		pair_packet(&p, b + i, 6000);
	pair_packet(&p, b, n);
	pair_close(&p);
	free(b);
}

/* Few symbols and no repeated 3 bytes (a de Bruijn sequence of 3-grams over 4 letters, a
 * new alphabet for each packet): a dynamic block whose end code is 2-3 bits long, shorter
 * than the bits held back at the packet's end in about half of the packets. Those
 * packets need the empty static block after it to come out whole. */
static void test_short_end_code(void)
{
	struct pair p;
	uint8_t b[66], seen[64];
	size_t j, i, cn, small = 0;

	pair_open(&p);
	for (j = 0; j < 64 && !p.bad; j++) {
		/* Martin's prefer-largest construction: 4^3 + 2 letters, each 3-gram once */
		memset(seen, 0, sizeof(seen));
		b[0] = b[1] = 0;
		for (i = 2; i < sizeof(b); i++) {
			int c;
			for (c = 3; c >= 0; c--) {
				unsigned g = (unsigned)(b[i - 2] * 16 + b[i - 1] * 4 + c);
				if (!seen[g]) {
					seen[g] = 1;
					b[i] = (uint8_t)c;
					break;
				}
			}
			CHECK(c >= 0);
		}
		for (i = 0; i < sizeof(b); i++)
			b[i] = (uint8_t)(b[i] + 4 * j);
		cn = pair_packet(&p, b, sizeof(b));
		if (cn < 50) /* 2 bits a letter: a dynamic block, not a static one (~67 bytes) */
			small++;
	}
	CHECK(small > 32);
	pair_close(&p);
}

/* An output buffer below the bound: a clean error, never a write past it (ASan). */
static void test_small_output(void)
{
	uint8_t in[3000], *out;
	size_t cap, n;
	int r;

	fill_random(in, sizeof(in));
	for (cap = 0; cap < sizeof(in) + 40; cap += 7) {
		struct dfl *d = dfl_new();
		out = malloc(cap ? cap : 1);
		CHECK(d && out);
		if (!d || !out)
			return;
		r = dfl_packet(d, in, sizeof(in), out, cap, &n);
		CHECK(r == 0 || r == ERR_TOOBIG);
		if (r == 0)
			CHECK(n <= cap);
		free(out);
		dfl_free(d);
	}
	CHECK(dfl_bound(0) >= 4);
	CHECK(dfl_bound(1 << 20) >= (1 << 20) + (1 << 20) / 1024);
}

int main(void)
{
	RUN(test_header);
	RUN(test_empty_and_tiny);
	RUN(test_long_runs);
	RUN(test_window_edge);
	RUN(test_all_bytes);
	RUN(test_random);
	RUN(test_sequence);
	RUN(test_skewed);
	RUN(test_short_end_code);
	RUN(test_small_output);
	return harness_done("test_deflate");
}
