/* yescrypt.c: yescrypt's $y$ hashes (see yescrypt.h), written from the yescrypt
 * specification (PHC submission v1; its flags, parameter encoding and custom base64 as
 * libxcrypt 4.4 reads them).
 *
 * Data layout: yescrypt defines pwxform on the 64-byte blocks of SMix with their sixteen
 * 32-bit words in the "SIMD shuffled" order (word k of a block is word 5k mod 16 of the
 * block as bytes), and the S-boxes hold blocks in that order too. So every block is kept
 * here as eight 64-bit lanes of that order (lane m = word 2m | word 2m+1 << 32): pwxform
 * works on lanes directly, Salsa20 unshuffles its copy.
 *
 * Speed (Debian's default $y$j9T$, 16 MiB; CPU time of one hash in a fresh process,
 * median of 9 interleaved runs, against libxcrypt 4.4.33's crypt_r and its SSE2 code):
 * 18.4 ms against 18.4 with this file at the static build's -Oz (16.4 ms at -O2, for
 * 2.3 kB more: not worth it), thanks to V on transparent huge pages. Portable scalar
 * code is enough: pwxform's 32x32->64 multiplies are what it waits on either way. */
#include "yescrypt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "crypto.h"
#include "err.h"
#include "util.h"

/* flags: the mode (classic scrypt 0, WORM 1, RW 2) and the only RW flavor libxcrypt
 * computes (6 rounds, 4 gathers, 2 simple lanes, 12 KiB of S-boxes); PREHASH marks the
 * pre-hashing pass of large settings */
#define Y_WORM 1
#define Y_RW 2
#define Y_DEFAULT 0xb6
#define Y_PREHASH 0x10000000
/* pwxform: S-box bytes (three of 4 KiB), their index mask (16-byte entries) */
#define SBYTES 12288
#define SMASK 4080
/* V's alignment: a transparent huge page */
#define V_ALIGN ((size_t)2 << 20)
#ifdef MAP_POPULATE
#define V_POPULATE MAP_POPULATE
#else
#define V_POPULATE 0
#endif

static const char itoa64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static int a64(char c)
{
	const char *p = c ? strchr(itoa64, c) : NULL;
	return p ? (int)(p - itoa64) : -1;
}

/* ---- the parameters' variable-length numbers: the first character tells how many more
 * follow (0..47 none, 48..55 one, 56..59 two, 60..61 three, 62 four, 63 five), each
 * length continuing the values of the one before; min is the value of "." */
static const char *y_num(const char *s, uint32_t min, uint32_t *v)
{
	uint32_t start = 0, end = 47, n = 1, bits = 0, val = min;
	int c = a64(*s++);

	if (c < 0)
		return NULL;
	while ((uint32_t)c > end) {
		val += (end + 1 - start) << bits;
		start = end + 1;
		end = start + (62 - end) / 2;
		n++;
		bits += 6;
	}
	val += ((uint32_t)c - start) << bits;
	while (--n) {
		if ((c = a64(*s++)) < 0)
			return NULL;
		bits -= 6;
		val += (uint32_t)c << bits;
	}
	*v = val;
	return s;
}

/* The salt: groups of four characters for three bytes, low bits first; a last group of
 * two or three characters gives one or two bytes and its unused high bits must be zero;
 * at most 64 bytes. The byte count, or -1. */
static int y_salt(uint8_t out[64], const char *s, size_t n)
{
	size_t i, o = 0;

	if (n % 4 == 1 || n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0) > 64)
		return -1;
	for (i = 0; i < n; i += 4) {
		size_t k, g = n - i < 4 ? n - i : 4;
		uint32_t v = 0;
		int c;
		for (k = 0; k < g; k++) {
			if ((c = a64(s[i + k])) < 0)
				return -1;
			v |= (uint32_t)c << (6 * k);
		}
		for (k = 0; k + 1 < g; k++, v >>= 8)
			out[o++] = (uint8_t)v;
		if (v)
			return -1;
	}
	return (int)o;
}

/* ---- SHA-256 pieces (libtomcrypt) */

/* PBKDF2-HMAC-SHA256 with one iteration (RFC 8018 5.2) */
static int pbkdf2(const uint8_t *pw, size_t pl, const uint8_t *salt, size_t sl, uint8_t *out,
                  size_t n)
{
	struct hmac_key k;
	struct hmac_ctx c;
	uint8_t t[32], ctr[4];
	uint32_t i;
	size_t m;
	int r;

	if ((r = hmac_setkey(&k, HASH_SHA256, pw, pl)))
		return r;
	for (i = 1; n && !r; i++, out += m, n -= m) {
		ctr[0] = (uint8_t)(i >> 24), ctr[1] = (uint8_t)(i >> 16);
		ctr[2] = (uint8_t)(i >> 8), ctr[3] = (uint8_t)i;
		m = n < 32 ? n : 32;
		if (!(r = hmac_start(&c, &k)) && !(r = hmac_update(&c, salt, sl)) &&
		    !(r = hmac_update(&c, ctr, 4)) && !(r = hmac_final(&c, t)))
			memcpy(out, t, m);
	}
	hmac_key_free(&k);
	wipe(&c, sizeof(c));
	wipe(t, sizeof(t));
	return r;
}

/* ---- blocks */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* nb 64-byte blocks of bytes to shuffled lanes and back */
static void to_lanes(uint64_t *d, const uint8_t *s, size_t nb)
{
	size_t b, m;
	for (b = 0; b < nb; b++, d += 8, s += 64)
		for (m = 0; m < 8; m++)
			d[m] = le32(s + 4 * (10 * m % 16)) | (uint64_t)le32(s + 4 * ((10 * m + 5) % 16)) << 32;
}

static void to_bytes(uint8_t *d, const uint64_t *s, size_t nb)
{
	size_t b, k;
	for (b = 0; b < nb; b++, d += 64, s += 8)
		for (k = 0; k < 16; k++) {
			uint32_t w = (uint32_t)(s[k / 2] >> (k % 2 * 32));
			uint8_t *p = d + 4 * (5 * k % 16);
			p[0] = (uint8_t)w, p[1] = (uint8_t)(w >> 8), p[2] = (uint8_t)(w >> 16);
			p[3] = (uint8_t)(w >> 24);
		}
}

static void blk_xor(uint64_t *d, const uint64_t *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		d[i] ^= s[i];
}

#define ROTL(a, b) (((a) << (b)) | ((a) >> (32 - (b))))

/* the Salsa20 core (rounds/2 double rounds, with its final addition) on one block */
static void salsa(uint64_t b[8], int rounds)
{
	/* the quarter rounds' word indices: four columns, then four rows */
	static const uint8_t q[8][4] = { { 0, 4, 8, 12 }, { 5, 9, 13, 1 }, { 10, 14, 2, 6 },
		{ 15, 3, 7, 11 }, { 0, 1, 2, 3 }, { 5, 6, 7, 4 }, { 10, 11, 8, 9 }, { 15, 12, 13, 14 } };
	uint32_t x[16], in[16];
	int i, k;

	for (k = 0; k < 16; k++)
		in[5 * k % 16] = (uint32_t)(b[k / 2] >> (k % 2 * 32));
	memcpy(x, in, sizeof(x));
	for (i = 0; i < rounds * 4; i++) {
		const uint8_t *e = q[i % 8];
		x[e[1]] ^= ROTL(x[e[0]] + x[e[3]], 7);
		x[e[2]] ^= ROTL(x[e[1]] + x[e[0]], 9);
		x[e[3]] ^= ROTL(x[e[2]] + x[e[1]], 13);
		x[e[0]] ^= ROTL(x[e[3]] + x[e[2]], 18);
	}
	for (k = 0; k < 8; k++)
		b[k] = (uint64_t)(uint32_t)(in[10 * k % 16] + x[10 * k % 16]) |
		       (uint64_t)(uint32_t)(in[(10 * k + 5) % 16] + x[(10 * k + 5) % 16]) << 32;
	wipe(x, sizeof(x));
	wipe(in, sizeof(in));
}

/* pwxform's S-boxes: S0 and S1 read, S2 written at lane w */
struct sbox {
	uint64_t *s0, *s1, *s2;
	size_t w;
};

/* one pwxform step on lanes (x0, x1): x = (hi(x) * lo(x) + S0[e]) ^ S1[f], the entries
 * e and f (16 bytes) picked by the low and the high half of x0 */
#define PWX(x0, x1)                                                              \
	do {                                                                     \
		const uint64_t *p0_ = s0 + ((uint32_t)(x0) & SMASK) / 8;         \
		const uint64_t *p1_ = s1 + ((uint32_t)((x0) >> 32) & SMASK) / 8; \
		x0 = (((x0) >> 32) * (uint32_t)(x0) + p0_[0]) ^ p1_[0];          \
		x1 = (((x1) >> 32) * (uint32_t)(x1) + p0_[1]) ^ p1_[1];          \
	} while (0)

/* BlockMix_pwxform: out = BlockMix(in ^ vj) (vj may be NULL; with save, vj = in ^ vj, the
 * RW write-back). Each block, xored with the previous output, goes through pwxform's six
 * rounds (rounds 1..4 write it to S2, then the boxes rotate); the last one then through
 * Salsa20/2. out may be in. */
static void blockmix_pwx(const uint64_t *in, uint64_t *vj, int save, uint64_t *out, size_t r,
                         struct sbox *sb)
{
	const uint64_t *s0 = sb->s0, *s1 = sb->s1, *st;
	uint64_t *s2 = sb->s2, x0, x1, x2, x3, x4, x5, x6, x7, t[8];
	size_t w = sb->w, i, k, last = (2 * r - 1) * 8;
	int round;

	x0 = in[last], x1 = in[last + 1], x2 = in[last + 2], x3 = in[last + 3];
	x4 = in[last + 4], x5 = in[last + 5], x6 = in[last + 6], x7 = in[last + 7];
	if (vj) {
		x0 ^= vj[last], x1 ^= vj[last + 1], x2 ^= vj[last + 2], x3 ^= vj[last + 3];
		x4 ^= vj[last + 4], x5 ^= vj[last + 5], x6 ^= vj[last + 6], x7 ^= vj[last + 7];
	}
	for (i = 0; i <= last; i += 8) {
		if (vj) {
			for (k = 0; k < 8; k++)
				t[k] = in[i + k] ^ vj[i + k];
			if (save)
				memcpy(vj + i, t, sizeof(t));
		} else {
			memcpy(t, in + i, sizeof(t));
		}
		x0 ^= t[0], x1 ^= t[1], x2 ^= t[2], x3 ^= t[3];
		x4 ^= t[4], x5 ^= t[5], x6 ^= t[6], x7 ^= t[7];
		for (round = 0; round < 6; round++) {
			PWX(x0, x1);
			PWX(x2, x3);
			PWX(x4, x5);
			PWX(x6, x7);
			if (round > 0 && round < 5) {
				s2[w] = x0, s2[w + 1] = x1, s2[w + 2] = x2, s2[w + 3] = x3;
				s2[w + 4] = x4, s2[w + 5] = x5, s2[w + 6] = x6, s2[w + 7] = x7;
				w += 8;
			}
		}
		w &= 511;
		st = s2;
		s2 = (uint64_t *)s1;
		s1 = s0;
		s0 = st;
		out[i] = x0, out[i + 1] = x1, out[i + 2] = x2, out[i + 3] = x3;
		out[i + 4] = x4, out[i + 5] = x5, out[i + 6] = x6, out[i + 7] = x7;
	}
	sb->s0 = (uint64_t *)s0;
	sb->s1 = (uint64_t *)s1;
	sb->s2 = s2;
	sb->w = w;
	salsa(out + last, 2);
	wipe(t, sizeof(t));
}

/* scrypt's BlockMix_salsa20/8 on the 2r blocks of b (y: 2r blocks of scratch): each
 * block xored with the previous output through Salsa20/8, even outputs first */
static void blockmix_salsa8(uint64_t *b, size_t r, uint64_t *y)
{
	uint64_t x[8];
	size_t i;

	memcpy(x, b + (2 * r - 1) * 8, 64);
	for (i = 0; i < 2 * r; i++) {
		blk_xor(x, b + i * 8, 8);
		salsa(x, 8);
		memcpy(y + i * 8, x, 64);
	}
	for (i = 0; i < r; i++) {
		memcpy(b + i * 8, y + 2 * i * 8, 64);
		memcpy(b + (r + i) * 8, y + (2 * i + 1) * 8, 64);
	}
	wipe(x, sizeof(x));
}

/* the low 32 bits of the last block's first word (N < 2^32: all that is used) */
static uint32_t integerify(const uint64_t *x, size_t r)
{
	return (uint32_t)x[(2 * r - 1) * 8];
}

static uint32_t p2floor(uint32_t x)
{
	while (x & (x - 1))
		x &= x - 1;
	return x;
}

/* SMix1: V_i = X, then (RW, i > 1) X ^= V_j for a j below i, X = BlockMix(X). With
 * pwxform, BlockMix writes V_i+1 straight from V_i. */
static void smix1(uint64_t *x, size_t r, uint32_t n, int rw, uint64_t *v, struct sbox *sb,
                  uint64_t *y)
{
	const size_t s = 16 * r;
	uint32_t i, j, k;

	memcpy(v, x, s * 8);
	for (i = 0; i < n; i++) {
		uint64_t *cur = v + (size_t)i * s, *next = i + 1 < n ? cur + s : x, *vj = NULL;
		if (rw && i > 1) {
			k = p2floor(i);
			j = (integerify(cur, r) & (k - 1)) + (i - k);
			vj = v + (size_t)j * s;
		}
		if (sb) {
			blockmix_pwx(cur, vj, 0, next, r, sb);
		} else {
			memcpy(next, cur, s * 8);
			blockmix_salsa8(next, r, y);
		}
	}
}

/* SMix2: Nloop times X ^= V_j (RW: V_j = X) for j = Integerify(X) mod N, X = BlockMix(X) */
static void smix2(uint64_t *x, size_t r, uint32_t n, uint64_t nloop, int rw, uint64_t *v,
                  struct sbox *sb, uint64_t *y)
{
	const size_t s = 16 * r;
	uint64_t i, *vj;

	for (i = 0; i < nloop; i++) {
		vj = v + (size_t)(integerify(x, r) & (n - 1)) * s;
		if (sb) {
			blockmix_pwx(x, vj, rw, x, r, sb);
		} else {
			blk_xor(x, vj, s);
			blockmix_salsa8(x, r, y);
		}
	}
}

/* yescrypt's SMix over the p blocks of b (lanes): each block first fills its S-boxes
 * (RW), its share of V (SMix1) and runs its share of the writing loop; then, where t asks
 * for more, every block reads all of V. passwd (RW) becomes HMAC(its key block, passwd). */
static int smix(uint64_t *b, size_t r, uint32_t n, uint32_t p, uint32_t t, uint32_t flags,
                uint64_t *v, uint64_t *y, uint64_t *sboxes, struct sbox *sb, uint8_t passwd[32])
{
	const size_t s = 16 * r;
	const int rw = (flags & Y_RW) != 0;
	uint32_t chunk = n / p, i;
	uint64_t all = chunk, rwl = 0;
	uint8_t key[64];
	int ret = 0;

	if (rw) {
		if (t <= 1)
			all = ((t ? all * 2 : all) + 2) / 3;
		else
			all *= t - 1;
		rwl = all / p;
	} else if (t) {
		if (t == 1)
			all += (all + 1) / 2;
		all *= t;
	}
	chunk &= ~(uint32_t)1;
	all = (all + 1) & ~(uint64_t)1;
	rwl = (rwl + 1) & ~(uint64_t)1;

	for (i = 0; i < p; i++) {
		uint64_t *bp = b + i * s, *vp = v + (size_t)i * chunk * s;
		uint32_t np = i < p - 1 ? chunk : n - i * chunk;
		struct sbox *si = NULL;
		if (rw) {
			/* the S-boxes: SMix1 of the block's first 128 bytes, classic, N = 96 */
			uint64_t *sp = sboxes + (size_t)i * (SBYTES / 8);
			smix1(bp, 1, SBYTES / 128, 0, sp, NULL, y);
			si = &sb[i];
			si->s2 = sp;
			si->s1 = sp + SBYTES / 24;
			si->s0 = sp + SBYTES / 12;
			si->w = 0;
			if (i == 0) {
				to_bytes(key, bp + (2 * r - 1) * 8, 1);
				ret = hmac_buf(HASH_SHA256, key, 64, passwd, 32, passwd);
				wipe(key, sizeof(key));
				if (ret)
					return ret;
			}
		}
		smix1(bp, r, np, rw, vp, si, y);
		smix2(bp, r, p2floor(np), rwl, rw, vp, si, y);
	}
	if (all > rwl)
		for (i = 0; i < p; i++)
			smix2(b + i * s, r, n, all - rwl, 0, v, rw ? &sb[i] : NULL, y);
	return 0;
}

/* V, B (as lanes, and as bytes for PBKDF2), BlockMix's scratch, the S-boxes */
struct mem {
	void *vbase;
	uint64_t *v, *b, *y, *s;
	uint8_t *bb;
	struct sbox *sb;
};

/* yescrypt_kdf_body: 32 bytes of out from passwd, salt and the parameters */
static int kdf_body(const uint8_t *pw, size_t pl, const uint8_t *salt, size_t sl, uint32_t flags,
                    uint32_t n, uint32_t r, uint32_t p, uint32_t t, struct mem *m,
                    uint8_t out[32])
{
	const size_t bsize = (size_t)128 * r * p;
	uint8_t sha[32], ck[32];
	uint32_t i;
	int ret;

	if (flags) {
		ret = hmac_buf(HASH_SHA256, (const uint8_t *)"yescrypt-prehash",
		               flags & Y_PREHASH ? 16 : 8, pw, pl, sha);
		pw = sha;
		pl = sizeof(sha);
		if (ret)
			goto out;
	}
	if ((ret = pbkdf2(pw, pl, salt, sl, m->bb, bsize)))
		goto out;
	if (flags)
		memcpy(sha, m->bb, sizeof(sha));
	to_lanes(m->b, m->bb, bsize / 64);
	if (p == 1 || (flags & Y_RW)) {
		ret = smix(m->b, r, n, p, t, flags, m->v, m->y, m->s, m->sb, sha);
	} else {
		for (i = 0; i < p && !ret; i++)
			ret = smix(m->b + (size_t)i * 16 * r, r, n, 1, t, flags, m->v, m->y, NULL,
			           NULL, NULL);
	}
	if (ret)
		goto out;
	to_bytes(m->bb, m->b, bsize / 64);
	if ((ret = pbkdf2(pw, pl, m->bb, bsize, out, 32)))
		goto out;
	/* SCRAM's StoredKey = H(HMAC(key, "Client Key")), but for classic scrypt */
	if (flags && !(flags & Y_PREHASH) &&
	    !(ret = hmac_buf(HASH_SHA256, out, 32, "Client Key", 10, ck)))
		ret = hash_buf(HASH_SHA256, ck, sizeof(ck), out);
out:
	wipe(sha, sizeof(sha));
	wipe(ck, sizeof(ck));
	return ret ? ERR_CRYPTO : 0;
}

int yescrypt_crypt(const char *pw, const char *setting, char *out)
{
	uint32_t flavor, nlog, r, have = 0, p = 1, t = 0, g = 0, nrom = 0, flags, n;
	uint8_t salt[64], dk[32], hash[32];
	const char *s = setting + 3, *saltstr, *e;
	size_t prefix, saltlen, vsize, vmap = 0, need, i;
	struct mem m;
	int sl, ret;
	char *o;

	out[0] = 0;
	if (strncmp(setting, "$y$", 3) || strlen(setting) + 1 + 43 + 1 > 384)
		return ERR_INVALID; /* crypt_r's output buffer holds the setting and the hash */
	if (!(s = y_num(s, 0, &flavor)) || !(s = y_num(s, 1, &nlog)) || nlog > 63 ||
	    !(s = y_num(s, 1, &r)))
		return ERR_INVALID;
	if (*s != '$') {
		if (!(s = y_num(s, 1, &have)) || ((have & 1) && !(s = y_num(s, 2, &p))) ||
		    ((have & 2) && !(s = y_num(s, 1, &t))) || ((have & 4) && !(s = y_num(s, 1, &g))) ||
		    ((have & 8) && (!(s = y_num(s, 1, &nrom)) || nrom > 63)))
			return ERR_INVALID;
		if (have & 8)
			nrom = 1; /* a ROM (NROM = 2^nrom): refused below, without one */
	}
	if (*s++ != '$')
		return ERR_INVALID;
	prefix = (size_t)(s - setting);
	saltstr = s;
	e = strrchr(saltstr, '$');
	saltlen = e ? (size_t)(e - saltstr) : strlen(saltstr);
	if ((sl = y_salt(salt, saltstr, saltlen)) < 0)
		return ERR_INVALID;

	/* flavor: 0 classic scrypt, 1 WORM, 2 + k RW with flavor bits k << 2 */
	if (flavor > 2 + 255)
		return ERR_INVALID;
	flags = flavor < 2 ? flavor : Y_RW + ((flavor - 2) << 2);
	/* no hash upgrades (g), no ROM; classic scrypt takes no t; the one RW flavor; N a
	 * power of two 4..2^31; r*p < 2^30; RW: N/p >= 4 */
	if (g || nrom || (flags == 0 && t) || (flags > Y_WORM && flags != Y_DEFAULT) ||
	    (uint64_t)r * p >= (uint32_t)1 << 30 || nlog < 2 || nlog > 31)
		return ERR_INVALID;
	n = (uint32_t)1 << nlog;
	if ((flags & Y_RW) && n / p <= 3)
		return ERR_INVALID;
	/* our bounds (yescrypt.h): V, B, XY and the S-boxes */
	if (t > YESCRYPT_MAX_T || r > YESCRYPT_MAX_MEM / 128 / n ||
	    (uint64_t)r * p > YESCRYPT_MAX_WORK / n / (t + 1))
		return ERR_TOOBIG;
	vsize = (size_t)128 * r * n;
	need = vsize + (size_t)256 * r * p + (size_t)256 * r;
	if (flags & Y_RW)
		need += ((size_t)SBYTES + sizeof(struct sbox)) * p;
	if (need > YESCRYPT_MAX_MEM)
		return ERR_TOOBIG;

	memset(&m, 0, sizeof(m));
	/* V straight from the kernel, on 2 MiB pages where it allows them (transparent huge
	 * pages, asked for with madvise; Debian's default "madvise" mode): SMix2 reads V at
	 * random, and with 4 KiB pages V's 4096 page faults and the TLB misses cost the
	 * default setting half again of its time (27 against 18 ms; libxcrypt's 18 ms
	 * pays the faults but not the misses: its SIMD code is faster). A V too small for
	 * a huge page is faulted in by one call (MAP_POPULATE). */
	vmap = vsize + (vsize >= V_ALIGN ? V_ALIGN : 0);
	m.vbase = mmap(NULL, vmap, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | (vsize < V_ALIGN ? V_POPULATE : 0), -1, 0);
	if (m.vbase != MAP_FAILED) {
		m.v = m.vbase;
		if (vsize >= V_ALIGN) {
			m.v = (uint64_t *)(((uintptr_t)m.vbase + V_ALIGN - 1) &
			                   ~(uintptr_t)(V_ALIGN - 1));
#ifdef MADV_HUGEPAGE
			(void)madvise(m.v, vsize, MADV_HUGEPAGE);
#endif
		}
	} else {
		m.vbase = NULL;
	}
	m.b = malloc((size_t)128 * r * p);
	m.bb = malloc((size_t)128 * r * p);
	m.y = malloc((size_t)256 * r);
	if (flags & Y_RW) {
		m.s = malloc((size_t)SBYTES * p);
		m.sb = malloc(sizeof(struct sbox) * p);
	}
	if (!m.v || !m.b || !m.bb || !m.y || ((flags & Y_RW) && (!m.s || !m.sb))) {
		ret = ERR_NOMEM;
		goto done;
	}
	/* large RW settings hash the password first with N/64 (the "pre-hash") */
	if ((flags & Y_RW) && n / p >= 0x100 && (uint64_t)(n / p) * r >= 0x20000) {
		if ((ret = kdf_body((const uint8_t *)pw, strlen(pw), salt, (size_t)sl,
		                    flags | Y_PREHASH, n >> 6, r, p, 0, &m, dk)) == 0)
			ret = kdf_body(dk, sizeof(dk), salt, (size_t)sl, flags, n, r, p, t, &m, hash);
	} else {
		ret = kdf_body((const uint8_t *)pw, strlen(pw), salt, (size_t)sl, flags, n, r, p, t,
		               &m, hash);
	}
	if (ret)
		goto done;

	memcpy(out, setting, prefix + saltlen);
	o = out + prefix + saltlen;
	*o++ = '$';
	/* the hash in groups of three bytes, little-endian, six bits at a time low first */
	for (i = 0; i < sizeof(hash); i += 3) {
		uint32_t v = 0, bits = 0;
		size_t k;
		for (k = i; k < i + 3 && k < sizeof(hash); k++, bits += 8)
			v |= (uint32_t)hash[k] << bits;
		for (k = 0; k < bits; k += 6, v >>= 6)
			*o++ = itoa64[v & 63];
	}
	*o = 0;
done:
	if (m.v)
		wipe(m.v, vsize);
	if (m.b)
		wipe(m.b, (size_t)128 * r * p);
	if (m.bb)
		wipe(m.bb, (size_t)128 * r * p);
	if (m.y)
		wipe(m.y, (size_t)256 * r);
	if (m.s)
		wipe(m.s, (size_t)SBYTES * p);
	if (m.sb)
		wipe(m.sb, sizeof(struct sbox) * p);
	if (m.vbase)
		munmap(m.vbase, vmap);
	free(m.b);
	free(m.bb);
	free(m.y);
	free(m.s);
	free(m.sb);
	wipe(salt, sizeof(salt));
	wipe(dk, sizeof(dk));
	wipe(hash, sizeof(hash));
	return ret;
}
