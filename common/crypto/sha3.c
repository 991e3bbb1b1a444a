/* sha3.c: FIPS 202. The state is kept as 25 lanes of 64 bits; bytes go in and out
 * little-endian within a lane (FIPS 202 B.1), so the code runs the same on any host. */
#include "sha3.h"

#include <string.h>

#include "util.h"

/* Round constants RC[i] (FIPS 202 3.2.5, the output of rc(t) for each round). */
static const uint64_t keccak_rc[24] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
	0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
	0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
	0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
	0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
	0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
	0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* rho offsets (FIPS 202 3.2.2, table 2) indexed by x + 5y */
static const unsigned keccak_rho[25] = {
	0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
};

static uint64_t rotl(uint64_t v, unsigned n)
{
	return n ? (v << n) | (v >> (64 - n)) : v;
}

void keccak_f1600(uint64_t s[25])
{
	uint64_t c[5], d, b[25];
	unsigned r, x, y;

	for (r = 0; r < 24; r++) {
		/* theta (3.2.1) */
		for (x = 0; x < 5; x++)
			c[x] = s[x] ^ s[x + 5] ^ s[x + 10] ^ s[x + 15] ^ s[x + 20];
		for (x = 0; x < 5; x++) {
			d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
			for (y = 0; y < 25; y += 5)
				s[x + y] ^= d;
		}
		/* rho and pi (3.2.2, 3.2.3): A'[y, 2x+3y] = rot(A[x, y]) */
		for (x = 0; x < 5; x++)
			for (y = 0; y < 5; y++)
				b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(s[x + 5 * y], keccak_rho[x + 5 * y]);
		/* chi (3.2.4) */
		for (y = 0; y < 25; y += 5)
			for (x = 0; x < 5; x++)
				s[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
		/* iota (3.2.5) */
		s[0] ^= keccak_rc[r];
	}
	wipe(b, sizeof(b));
	wipe(c, sizeof(c));
}

static void xor_byte(uint64_t s[25], unsigned i, uint8_t v)
{
	s[i / 8] ^= (uint64_t)v << (8 * (i % 8));
}

static void init(struct shake_ctx *c, unsigned rate)
{
	memset(c, 0, sizeof(*c));
	c->rate = rate;
}

void shake128_init(struct shake_ctx *c)
{
	init(c, SHAKE128_RATE);
}

void shake256_init(struct shake_ctx *c)
{
	init(c, SHAKE256_RATE);
}

void shake_absorb(struct shake_ctx *c, const void *p, size_t n)
{
	const uint8_t *in = p;

	if (c->squeezing)
		return;
	while (n--) {
		xor_byte(c->s, c->pos++, *in++);
		if (c->pos == c->rate) {
			keccak_f1600(c->s);
			c->pos = 0;
		}
	}
}

/* Padding: the domain bits then pad10*1 (FIPS 202 5.1, 6.1, 6.2): SHA3 appends 01,
 * SHAKE 1111; with the first pad bit that gives the byte 0x06 or 0x1f. */
static void finish(struct shake_ctx *c, uint8_t dsbyte)
{
	xor_byte(c->s, c->pos, dsbyte);
	xor_byte(c->s, c->rate - 1, 0x80);
	keccak_f1600(c->s);
	c->pos = 0;
	c->squeezing = 1;
}

void shake_squeeze(struct shake_ctx *c, void *out, size_t n)
{
	uint8_t *o = out;

	if (!c->squeezing)
		finish(c, 0x1f);
	while (n--) {
		if (c->pos == c->rate) {
			keccak_f1600(c->s);
			c->pos = 0;
		}
		*o++ = (uint8_t)(c->s[c->pos / 8] >> (8 * (c->pos % 8)));
		c->pos++;
	}
}

void shake_wipe(struct shake_ctx *c)
{
	wipe(c, sizeof(*c));
}

static void sha3(uint8_t *out, size_t outlen, const void *p, size_t n)
{
	struct shake_ctx c;

	/* capacity = 2 * output length (FIPS 202 6.1) */
	init(&c, (unsigned)(200 - 2 * outlen));
	shake_absorb(&c, p, n);
	finish(&c, 0x06);
	shake_squeeze(&c, out, outlen);
	shake_wipe(&c);
}

void sha3_256(uint8_t out[SHA3_256_LEN], const void *p, size_t n)
{
	sha3(out, SHA3_256_LEN, p, n);
}

void sha3_512(uint8_t out[SHA3_512_LEN], const void *p, size_t n)
{
	sha3(out, SHA3_512_LEN, p, n);
}

void shake128(void *out, size_t outlen, const void *p, size_t n)
{
	struct shake_ctx c;
	shake128_init(&c);
	shake_absorb(&c, p, n);
	shake_squeeze(&c, out, outlen);
	shake_wipe(&c);
}

void shake256(void *out, size_t outlen, const void *p, size_t n)
{
	struct shake_ctx c;
	shake256_init(&c);
	shake_absorb(&c, p, n);
	shake_squeeze(&c, out, outlen);
	shake_wipe(&c);
}
