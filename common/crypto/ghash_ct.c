/* ghash_ct.c: GHASH (NIST SP 800-38D 6.4) and GCM (7.1, 7.2) on the bitsliced AES, for
 * the machines without PCLMULQDQ. Constant time: the carry-less products come from
 * ordinary integer multiplies of operands whose set bits are spread four apart, so the
 * carries of a column land in the holes and are masked off; no table, no branch on H or
 * data. (Integer multiply is itself constant time on the CPUs we know of; a few old
 * cores with early-terminating multipliers would leak through it.)
 *
 * Blocks are read as two big-endian 64-bit halves: the coefficient of x^i sits at bit
 * 127 - i (GCM's bit-reflected order), so the integer product of two blocks is the
 * polynomial product shifted right by one bit. */
#include <string.h>

#include "buf.h"
#include "crypto/aes_ct.h"
#include "util.h"

/* Low 64 bits of the carry-less product. Each bit class (positions equal modulo 4) of x
 * times each of y: a column of a product gathers at most 15 terms below bit 60, which
 * fits its four-bit hole; above, the overflow leaves the word. */
static uint64_t clmul_lo(uint64_t x, uint64_t y)
{
	static const uint64_t m0 = 0x1111111111111111u, m1 = m0 << 1, m2 = m0 << 2,
			      m3 = m0 << 3;
	uint64_t x0 = x & m0, x1 = x & m1, x2 = x & m2, x3 = x & m3;
	uint64_t y0 = y & m0, y1 = y & m1, y2 = y & m2, y3 = y & m3;
	uint64_t z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
	uint64_t z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
	uint64_t z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
	uint64_t z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);

	return (z0 & m0) | (z1 & m1) | (z2 & m2) | (z3 & m3);
}

static uint64_t rev64(uint64_t x)
{
	x = ((x >> 1) & 0x5555555555555555u) | ((x & 0x5555555555555555u) << 1);
	x = ((x >> 2) & 0x3333333333333333u) | ((x & 0x3333333333333333u) << 2);
	x = ((x >> 4) & 0x0f0f0f0f0f0f0f0fu) | ((x & 0x0f0f0f0f0f0f0f0fu) << 4);
	x = ((x >> 8) & 0x00ff00ff00ff00ffu) | ((x & 0x00ff00ff00ff00ffu) << 8);
	x = ((x >> 16) & 0x0000ffff0000ffffu) | ((x & 0x0000ffff0000ffffu) << 16);
	return (x >> 32) | (x << 32);
}

/* (yh, yl) = (yh, yl) * H in GF(2^128) modulo x^128 + x^7 + x^2 + x + 1; hr holds H's
 * halves and their sum, then the same bit-reversed. Karatsuba: three 64x64 products,
 * each one's high half the low half of the product of the bit-reversed operands,
 * reversed (that gives bits 63..126) and shifted once more. */
static void gf_mul(uint64_t *yh, uint64_t *yl, const uint64_t hr[6])
{
	uint64_t x[3] = { *yl, *yh, *yl ^ *yh }, lo[3], hi[3];
	uint64_t z0, z1, z2, z3;

	for (int i = 0; i < 3; i++) {
		lo[i] = clmul_lo(x[i], hr[i]);
		hi[i] = rev64(clmul_lo(rev64(x[i]), hr[3 + i])) >> 1;
	}
	z0 = lo[0];
	z1 = hi[0] ^ lo[2] ^ lo[0] ^ lo[1];
	z2 = lo[1] ^ hi[2] ^ hi[0] ^ hi[1];
	z3 = hi[1];
	/* the one-bit shift that puts x^k at bit 255 - k */
	z3 = (z3 << 1) | (z2 >> 63);
	z2 = (z2 << 1) | (z1 >> 63);
	z1 = (z1 << 1) | (z0 >> 63);
	z0 <<= 1;
	/* x^(128+j) = x^j (x^7 + x^2 + x + 1): the bit at position b of the low half moves
	 * to b + 128, b + 127, b + 126 and b + 121; the lowest word first, since its last
	 * term can land in the word above it */
	z2 ^= z0 ^ (z0 >> 1) ^ (z0 >> 2) ^ (z0 >> 7);
	z1 ^= (z0 << 63) ^ (z0 << 62) ^ (z0 << 57);
	z3 ^= z1 ^ (z1 >> 1) ^ (z1 >> 2) ^ (z1 >> 7);
	z2 ^= (z1 << 63) ^ (z1 << 62) ^ (z1 << 57);
	*yh = z3;
	*yl = z2;
}

void ghash_ct_init(struct ghash_ct *g, const uint8_t h[16])
{
	g->hr[0] = load_be64(h + 8);
	g->hr[1] = load_be64(h);
	g->hr[2] = g->hr[0] ^ g->hr[1];
	for (int i = 0; i < 3; i++)
		g->hr[3 + i] = rev64(g->hr[i]);
	g->yh = g->yl = 0;
}

void ghash_ct_update(struct ghash_ct *g, const uint8_t *p, size_t n)
{
	while (n) {
		uint8_t blk[16] = { 0 };
		size_t m = n < 16 ? n : 16;

		memcpy(blk, p, m);
		g->yh ^= load_be64(blk);
		g->yl ^= load_be64(blk + 8);
		gf_mul(&g->yh, &g->yl, g->hr);
		p += m;
		n -= m;
	}
}

/* ---------------------------------------------------------------- GCM */

int aes_ct_gcm_init(struct aes_ct_gcm *g, const uint8_t *key, size_t keylen)
{
	uint8_t zero[64] = { 0 };

	if (aes_ct_setkey(&g->k, key, keylen) != 0)
		return -1;
	aes_ct_encrypt4(&g->k, zero, zero); /* H = E(K, 0^128) */
	memcpy(g->h, zero, 16);
	wipe(zero, sizeof zero);
	return 0;
}

/* Counter blocks nonce || ctr, ctr + 1, ..: inc32 (SP 800-38D 6.2) wraps the last word. */
static void gcm_blocks(const struct aes_ct_gcm *g, const uint8_t nonce[12], uint32_t ctr,
		       uint8_t ks[64])
{
	for (unsigned b = 0; b < 4; b++) {
		memcpy(ks + 16 * b, nonce, 12);
		store_be32(ks + 16 * b + 12, ctr + b);
	}
	aes_ct_encrypt4(&g->k, ks, ks);
}

/* 7.1/7.2 with a 96-bit IV: J0 = nonce || 1 masks the tag, the data takes the stream from
 * J0 + 1 on. The first four blocks are J0 .. J0 + 3, so a short packet costs one call. */
void aes_ct_gcm_crypt(const struct aes_ct_gcm *g, const uint8_t nonce[12], const uint8_t *aad,
		      size_t aadlen, const uint8_t *in, uint8_t *out, size_t n, uint8_t tag[16],
		      int decrypt)
{
	struct ghash_ct gh;
	uint8_t ks[64], mask[16], lens[16];
	size_t used = 16; /* bytes of ks already spent: the first block is the tag mask */
	uint32_t ctr = 1;
	size_t total = n;

	ghash_ct_init(&gh, g->h);
	ghash_ct_update(&gh, aad, aadlen);
	gcm_blocks(g, nonce, ctr, ks);
	ctr += 4;
	memcpy(mask, ks, 16);
	while (n) {
		size_t m;

		if (used == 64) {
			gcm_blocks(g, nonce, ctr, ks);
			ctr += 4;
			used = 0;
		}
		/* whole blocks only, so GHASH sees each block once, zero-padded at the end */
		m = n < 64 - used ? n : 64 - used;
		if (decrypt)
			ghash_ct_update(&gh, in, m);
		aes_ct_xor(out, in, ks + used, m);
		if (!decrypt)
			ghash_ct_update(&gh, out, m);
		used += m;
		in += m;
		out += m;
		n -= m;
	}
	store_be64(lens, (uint64_t)aadlen * 8);
	store_be64(lens + 8, (uint64_t)total * 8);
	ghash_ct_update(&gh, lens, 16);
	store_be64(tag, gh.yh);
	store_be64(tag + 8, gh.yl);
	for (unsigned i = 0; i < 16; i++)
		tag[i] ^= mask[i];
	wipe(&gh, sizeof gh);
	wipe(ks, sizeof ks);
	wipe(mask, sizeof mask);
}
