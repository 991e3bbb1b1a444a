/* aes_ct.c: bitsliced AES (see aes_ct.h), written from FIPS 197 and the technique of
 * Käsper and Schwabe ("Faster and timing-attack resistant AES-GCM", 2009): the S-box is
 * computed as a Boolean circuit (Boyar and Peralta's 113-gate one, "A new combinational
 * logic minimization technique with applications to cryptology", 2010) on whole words, so
 * that no memory address and no branch depends on key or data.
 *
 * Layout: four blocks are processed at once in q[0..7]; q[j] holds bit j of all 64
 * bytes. Byte r + 4c of block b (row r, column c of its state) sits at bit
 * 16r + 4c + b, so each row is a 16-bit field: ShiftRows rotates inside the fields and
 * MixColumns combines a word with itself rotated by whole rows. */
#include <string.h>

#include "crypto/aes_ct.h"
#include "buf.h"
#include "util.h"

/* ---------------------------------------------------------------- S-box */

/* Boyar-Peralta: U0 is the most significant input bit, S0 the most significant output
 * bit. A top linear layer, a shared non-linear middle (GF(2^4) inversion in a tower
 * field), a bottom linear layer that includes the affine map and its constant 0x63. */
static void sbox(uint64_t q[8])
{
	uint64_t u0 = q[7], u1 = q[6], u2 = q[5], u3 = q[4];
	uint64_t u4 = q[3], u5 = q[2], u6 = q[1], u7 = q[0];
	uint64_t t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15, t16;
	uint64_t t17, t18, t19, t20, t21, t22, t23, t24, t25, t26, t27;
	uint64_t m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16;
	uint64_t m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31;
	uint64_t m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46;
	uint64_t m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58, m59, m60, m61;
	uint64_t m62, m63;
	uint64_t l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15, l16;
	uint64_t l17, l18, l19, l20, l21, l22, l23, l24, l25, l26, l27, l28, l29;

	t1 = u0 ^ u3;
	t2 = u0 ^ u5;
	t3 = u0 ^ u6;
	t4 = u3 ^ u5;
	t5 = u4 ^ u6;
	t6 = t1 ^ t5;
	t7 = u1 ^ u2;
	t8 = u7 ^ t6;
	t9 = u7 ^ t7;
	t10 = t6 ^ t7;
	t11 = u1 ^ u5;
	t12 = u2 ^ u5;
	t13 = t3 ^ t4;
	t14 = t6 ^ t11;
	t15 = t5 ^ t11;
	t16 = t5 ^ t12;
	t17 = t9 ^ t16;
	t18 = u3 ^ u7;
	t19 = t7 ^ t18;
	t20 = t1 ^ t19;
	t21 = u6 ^ u7;
	t22 = t7 ^ t21;
	t23 = t2 ^ t22;
	t24 = t2 ^ t10;
	t25 = t20 ^ t17;
	t26 = t3 ^ t16;
	t27 = t1 ^ t12;

	m1 = t13 & t6;
	m2 = t23 & t8;
	m3 = t14 ^ m1;
	m4 = t19 & u7;
	m5 = m4 ^ m1;
	m6 = t3 & t16;
	m7 = t22 & t9;
	m8 = t26 ^ m6;
	m9 = t20 & t17;
	m10 = m9 ^ m6;
	m11 = t1 & t15;
	m12 = t4 & t27;
	m13 = m12 ^ m11;
	m14 = t2 & t10;
	m15 = m14 ^ m11;
	m16 = m3 ^ m2;
	m17 = m5 ^ t24;
	m18 = m8 ^ m7;
	m19 = m10 ^ m15;
	m20 = m16 ^ m13;
	m21 = m17 ^ m15;
	m22 = m18 ^ m13;
	m23 = m19 ^ t25;
	m24 = m22 ^ m23;
	m25 = m22 & m20;
	m26 = m21 ^ m25;
	m27 = m20 ^ m21;
	m28 = m23 ^ m25;
	m29 = m28 & m27;
	m30 = m26 & m24;
	m31 = m20 & m23;
	m32 = m27 & m31;
	m33 = m27 ^ m25;
	m34 = m21 & m22;
	m35 = m24 & m34;
	m36 = m24 ^ m25;
	m37 = m21 ^ m29;
	m38 = m32 ^ m33;
	m39 = m23 ^ m30;
	m40 = m35 ^ m36;
	m41 = m38 ^ m40;
	m42 = m37 ^ m39;
	m43 = m37 ^ m38;
	m44 = m39 ^ m40;
	m45 = m42 ^ m41;
	m46 = m44 & t6;
	m47 = m40 & t8;
	m48 = m39 & u7;
	m49 = m43 & t16;
	m50 = m38 & t9;
	m51 = m37 & t17;
	m52 = m42 & t15;
	m53 = m45 & t27;
	m54 = m41 & t10;
	m55 = m44 & t13;
	m56 = m40 & t23;
	m57 = m39 & t19;
	m58 = m43 & t3;
	m59 = m38 & t22;
	m60 = m37 & t20;
	m61 = m42 & t1;
	m62 = m45 & t4;
	m63 = m41 & t2;

	l0 = m61 ^ m62;
	l1 = m50 ^ m56;
	l2 = m46 ^ m48;
	l3 = m47 ^ m55;
	l4 = m54 ^ m58;
	l5 = m49 ^ m61;
	l6 = m62 ^ l5;
	l7 = m46 ^ l3;
	l8 = m51 ^ m59;
	l9 = m52 ^ m53;
	l10 = m53 ^ l4;
	l11 = m60 ^ l2;
	l12 = m48 ^ m51;
	l13 = m50 ^ l0;
	l14 = m52 ^ m61;
	l15 = m55 ^ l1;
	l16 = m56 ^ l0;
	l17 = m57 ^ l1;
	l18 = m58 ^ l8;
	l19 = m63 ^ l4;
	l20 = l0 ^ l1;
	l21 = l1 ^ l7;
	l22 = l3 ^ l12;
	l23 = l18 ^ l2;
	l24 = l15 ^ l9;
	l25 = l6 ^ l10;
	l26 = l7 ^ l9;
	l27 = l8 ^ l10;
	l28 = l11 ^ l14;
	l29 = l11 ^ l17;

	q[7] = l6 ^ l24;
	q[6] = ~(l16 ^ l26);
	q[5] = ~(l19 ^ l28);
	q[4] = l6 ^ l21;
	q[3] = l20 ^ l22;
	q[2] = l25 ^ l29;
	q[1] = ~(l13 ^ l27);
	q[0] = ~(l6 ^ l23);
}

/* The inverse of the S-box's affine map A (FIPS 197 5.1.1): b'_i = b_(i+2) ^ b_(i+5) ^
 * b_(i+7) ^ (0x05)_i. */
static void inv_affine(uint64_t q[8])
{
	uint64_t t[8];
	int i;

	for (i = 0; i < 8; i++)
		t[i] = q[(i + 2) & 7] ^ q[(i + 5) & 7] ^ q[(i + 7) & 7];
	t[0] = ~t[0];
	t[2] = ~t[2];
	memcpy(q, t, sizeof t);
}

/* S = A o inv, so inv = A^-1 o S and InvS = inv o A^-1 = A^-1 o S o A^-1: the forward
 * circuit between two linear layers (decryption is only for key files). */
static void inv_sbox(uint64_t q[8])
{
	inv_affine(q);
	sbox(q);
	inv_affine(q);
}

/* ---------------------------------------------------------------- linear layers */

/* Row r's 16-bit field rotated right by 4r bits (its columns left by r), in two steps of
 * fewer operations than four separate rotations: rows 1 and 3 by 4, then rows 2 and 3 by
 * 8 (a byte swap inside the field). */
static void shift_rows(uint64_t q[8])
{
	for (int i = 0; i < 8; i++) {
		uint64_t x = q[i];
		x = (x & 0x0000ffff0000ffffu) | ((x >> 4) & 0x0fff00000fff0000u) |
		    ((x << 12) & 0xf0000000f0000000u);
		q[i] = (x & 0x00000000ffffffffu) | ((x >> 8) & 0x00ff00ff00000000u) |
		       ((x << 8) & 0xff00ff0000000000u);
	}
}

/* The same steps undone: rows 2 and 3 by 8 (its own inverse), rows 1 and 3 left by 4. */
static void inv_shift_rows(uint64_t q[8])
{
	for (int i = 0; i < 8; i++) {
		uint64_t x = q[i];
		x = (x & 0x00000000ffffffffu) | ((x >> 8) & 0x00ff00ff00000000u) |
		    ((x << 8) & 0xff00ff0000000000u);
		q[i] = (x & 0x0000ffff0000ffffu) | ((x << 4) & 0xfff00000fff00000u) |
		       ((x >> 12) & 0x000f0000000f0000u);
	}
}

static inline uint64_t rotr64(uint64_t x, unsigned n)
{
	return (x >> n) | (x << (64 - n));
}

/* out = 2a ^ 3a1 ^ a2 ^ a3 per column (a_k: the byte k rows below) = 2(a ^ a1) ^
 * (a ^ a1 ^ a2 ^ a3) ^ a. Multiplying by 2 modulo x^8 + x^4 + x^3 + x + 1 moves bit j to
 * j + 1 and folds bit 7 into bits 0, 1, 3 and 4. */
static void mix_columns(uint64_t q[8])
{
	uint64_t s[8], u[8];
	int i;

	for (i = 0; i < 8; i++) {
		s[i] = q[i] ^ rotr64(q[i], 16);
		u[i] = s[i] ^ rotr64(s[i], 32);
	}
	q[0] ^= s[7] ^ u[0];
	q[1] ^= s[0] ^ s[7] ^ u[1];
	q[2] ^= s[1] ^ u[2];
	q[3] ^= s[2] ^ s[7] ^ u[3];
	q[4] ^= s[3] ^ s[7] ^ u[4];
	q[5] ^= s[4] ^ u[5];
	q[6] ^= s[5] ^ u[6];
	q[7] ^= s[6] ^ u[7];
}

/* InvMixColumns' polynomial {0b}x^3 + {0d}x^2 + {09}x + {0e} is MixColumns' times
 * {04}x^2 + {05}: each byte first becomes 5a ^ 4a2 = a ^ 4(a ^ a2). */
static void inv_mix_columns(uint64_t q[8])
{
	uint64_t s[8], f[8];
	int i;

	for (i = 0; i < 8; i++)
		s[i] = q[i] ^ rotr64(q[i], 32);
	/* f = 4s: two doublings (bits 6 and 7 fold back) */
	f[0] = s[6];
	f[1] = s[6] ^ s[7];
	f[2] = s[0] ^ s[7];
	f[3] = s[1] ^ s[6];
	f[4] = s[2] ^ s[6] ^ s[7];
	f[5] = s[3] ^ s[7];
	f[6] = s[4];
	f[7] = s[5];
	for (i = 0; i < 8; i++)
		q[i] ^= f[i];
	mix_columns(q);
}

static void add_round_key(uint64_t q[8], const uint64_t rk[8])
{
	for (int i = 0; i < 8; i++)
		q[i] ^= rk[i];
}

/* ---------------------------------------------------------------- packing */

/* Exchanges the bits of a selected by mask << n with those of b selected by mask. */
#define SWAPMOVE(a, b, mask, n)                                 \
	do {                                                    \
		uint64_t t_ = (((a) >> (n)) ^ (b)) & (mask);    \
		(b) ^= t_;                                      \
		(a) ^= t_ << (n);                               \
	} while (0)

/* Transposes the 8x8 bit matrix in each byte lane: afterwards bit 8k + i of q[j] is
 * what bit 8k + j of q[i] was. Its own inverse. */
static void transpose(uint64_t q[8])
{
	SWAPMOVE(q[0], q[1], 0x5555555555555555u, 1);
	SWAPMOVE(q[2], q[3], 0x5555555555555555u, 1);
	SWAPMOVE(q[4], q[5], 0x5555555555555555u, 1);
	SWAPMOVE(q[6], q[7], 0x5555555555555555u, 1);
	SWAPMOVE(q[0], q[2], 0x3333333333333333u, 2);
	SWAPMOVE(q[1], q[3], 0x3333333333333333u, 2);
	SWAPMOVE(q[4], q[6], 0x3333333333333333u, 2);
	SWAPMOVE(q[5], q[7], 0x3333333333333333u, 2);
	SWAPMOVE(q[0], q[4], 0x0f0f0f0f0f0f0f0fu, 4);
	SWAPMOVE(q[1], q[5], 0x0f0f0f0f0f0f0f0fu, 4);
	SWAPMOVE(q[2], q[6], 0x0f0f0f0f0f0f0f0fu, 4);
	SWAPMOVE(q[3], q[7], 0x0f0f0f0f0f0f0f0fu, 4);
}

/* Byte r + 4c of block b goes to byte lane k = 2r + c/2 of word i = 4(c & 1) + b, so that
 * after the transposition it sits at bit 8k + i = 16r + 4c + b: word i interleaves the
 * column at 4(c & 1) (even lanes) with the one 8 bytes on (odd lanes). */
static uint64_t spread(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 32 |
	       (uint64_t)p[3] << 48;
}

static void pack(uint64_t q[8], const uint8_t in[64])
{
	for (unsigned i = 0; i < 8; i++) {
		const uint8_t *p = in + 16 * (i & 3) + 4 * (i >> 2);
		q[i] = spread(p) | spread(p + 8) << 8;
	}
	transpose(q);
}

static void unpack(uint8_t out[64], uint64_t q[8])
{
	transpose(q);
	for (unsigned i = 0; i < 8; i++) {
		uint8_t *p = out + 16 * (i & 3) + 4 * (i >> 2);
		for (unsigned r = 0; r < 4; r++) {
			p[r] = (uint8_t)(q[i] >> 16 * r);
			p[8 + r] = (uint8_t)(q[i] >> (16 * r + 8));
		}
	}
}

/* ---------------------------------------------------------------- cipher */

/* SubWord of the key expansion, through the same circuit (the key is secret too). */
static uint32_t sub_word(uint32_t w)
{
	uint8_t blk[64] = { 0 };
	uint64_t q[8];

	store_be32(blk, w);
	pack(q, blk);
	sbox(q);
	unpack(blk, q);
	w = load_be32(blk);
	wipe(q, sizeof q);
	wipe(blk, sizeof blk);
	return w;
}

/* FIPS 197 5.2 */
int aes_ct_setkey(struct aes_ct_key *k, const uint8_t *key, size_t keylen)
{
	uint32_t w[60];
	uint8_t blk[64];
	unsigned nk, total, i, rcon = 1;

	if (keylen != 16 && keylen != 24 && keylen != 32)
		return -1;
	nk = (unsigned)keylen / 4;
	k->rounds = nk + 6;
	total = 4 * (k->rounds + 1);
	for (i = 0; i < nk; i++)
		w[i] = load_be32(key + 4 * i);
	for (; i < total; i++) {
		uint32_t t = w[i - 1];
		if (i % nk == 0) {
			t = sub_word((t << 8) | (t >> 24)) ^ ((uint32_t)rcon << 24);
			rcon = (rcon << 1) ^ (0x11b & -(rcon >> 7));
		} else if (nk > 6 && i % nk == 4) {
			t = sub_word(t);
		}
		w[i] = w[i - nk] ^ t;
	}
	for (i = 0; i <= k->rounds; i++) {
		for (unsigned b = 0; b < 4; b++)
			for (unsigned j = 0; j < 4; j++)
				store_be32(blk + 16 * b + 4 * j, w[4 * i + j]);
		pack(k->rk[i], blk);
	}
	wipe(w, sizeof w);
	wipe(blk, sizeof blk);
	return 0;
}

void aes_ct_encrypt4(const struct aes_ct_key *k, const uint8_t in[64], uint8_t out[64])
{
	uint64_t q[8];
	unsigned r;

	pack(q, in);
	add_round_key(q, k->rk[0]);
	for (r = 1; r < k->rounds; r++) {
		sbox(q);
		shift_rows(q);
		mix_columns(q);
		add_round_key(q, k->rk[r]);
	}
	sbox(q);
	shift_rows(q);
	add_round_key(q, k->rk[r]);
	unpack(out, q);
	wipe(q, sizeof q);
}

/* FIPS 197 5.3: the straightforward inverse cipher, on the same round keys. */
void aes_ct_decrypt4(const struct aes_ct_key *k, const uint8_t in[64], uint8_t out[64])
{
	uint64_t q[8];
	unsigned r;

	pack(q, in);
	add_round_key(q, k->rk[k->rounds]);
	for (r = k->rounds - 1; r > 0; r--) {
		inv_shift_rows(q);
		inv_sbox(q);
		add_round_key(q, k->rk[r]);
		inv_mix_columns(q);
	}
	inv_shift_rows(q);
	inv_sbox(q);
	add_round_key(q, k->rk[0]);
	unpack(out, q);
	wipe(q, sizeof q);
}

/* ---------------------------------------------------------------- CTR */

int aes_ct_ctr_init(struct aes_ct_ctr *c, const uint8_t *key, size_t keylen,
		    const uint8_t iv[16])
{
	if (aes_ct_setkey(&c->k, key, keylen) != 0)
		return -1;
	c->hi = load_be64(iv);
	c->lo = load_be64(iv + 8);
	c->ks_left = 0;
	return 0;
}

/* The next four counter blocks, encrypted; the 128-bit counter wraps modulo 2^128. */
static void ctr_refill(struct aes_ct_ctr *c)
{
	for (unsigned b = 0; b < 4; b++) {
		store_be64(c->ks + 16 * b, c->hi);
		store_be64(c->ks + 16 * b + 8, c->lo);
		c->lo++;
		c->hi += c->lo == 0;
	}
	aes_ct_encrypt4(&c->k, c->ks, c->ks);
	c->ks_left = 64;
}

void aes_ct_ctr_crypt(struct aes_ct_ctr *c, const uint8_t *in, uint8_t *out, size_t n)
{
	while (n) {
		size_t m;

		if (c->ks_left == 0)
			ctr_refill(c);
		m = n < c->ks_left ? n : c->ks_left;
		aes_ct_xor(out, in, c->ks + 64 - c->ks_left, m);
		c->ks_left -= (unsigned)m;
		in += m;
		out += m;
		n -= m;
	}
}

/* ---------------------------------------------------------------- CBC (decryption) */

int aes_ct_cbc_decrypt(const uint8_t *key, size_t keylen, const uint8_t iv[16],
		       const uint8_t *in, uint8_t *out, size_t n)
{
	struct aes_ct_key k;
	uint8_t prev[16], ct[64], pt[64];

	if (n % 16 || aes_ct_setkey(&k, key, keylen) != 0)
		return -1;
	memcpy(prev, iv, 16);
	while (n) {
		size_t m = n < 64 ? n : 64;

		memset(ct, 0, sizeof ct);
		memcpy(ct, in, m); /* a copy first: out may be in */
		aes_ct_decrypt4(&k, ct, pt);
		for (size_t i = 0; i < m; i++)
			out[i] = pt[i] ^ (i < 16 ? prev[i] : ct[i - 16]);
		memcpy(prev, ct + m - 16, 16);
		in += m;
		out += m;
		n -= m;
	}
	wipe(&k, sizeof k);
	wipe(pt, sizeof pt);
	return 0;
}
