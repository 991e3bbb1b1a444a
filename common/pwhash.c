/* pwhash.c: bcrypt and SHA-crypt password hashes as crypt(3) writes them (see pwhash.h).
 *
 * Where libxcrypt (what Debian's crypt_r is) and the published specifications differ,
 * crypt_r decides, since it wrote the hashes we check: an out-of-range rounds= is
 * refused, not clamped; bcrypt's $2a$ keeps crypt_blowfish's countermeasure against the
 * old sign-extension bug. */
#include "pwhash.h"

#include <stdint.h>
#include <string.h>

#include "bcrypt.h"
#include "crypto.h"
#include "err.h"
#include "options.h"
#include "util.h"
#include "yescrypt.h"

/* ---- bcrypt: $2X$NN$ + 22 characters of salt (16 bytes) + 31 of hash (23 bytes) */

/* bcrypt's own base64: its own alphabet, bits taken most significant first, no padding. */
static const char bf_b64[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

static char *bf_encode(char *o, const uint8_t *in, size_t n)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		acc = acc << 8 | in[i];
		for (bits += 8; bits >= 6;) {
			bits -= 6;
			*o++ = bf_b64[(acc >> bits) & 63];
		}
	}
	if (bits)
		*o++ = bf_b64[(acc << (6 - bits)) & 63];
	return o;
}

/* The 16 salt bytes from 22 characters, all of which must be in the alphabet (the last
 * one's low 4 bits are not used, and the output writes them as zeros). */
static int bf_decode_salt(uint8_t salt[16], const char *s)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i, n = 0;
	const char *p;

	for (i = 0; i < 22; i++) {
		if (!s[i] || !(p = strchr(bf_b64, s[i])))
			return ERR_INVALID;
		acc = acc << 6 | (uint32_t)(p - bf_b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			salt[n++] = (uint8_t)(acc >> bits);
		}
	}
	return 0;
}

static int bf_crypt(const char *pw, const char *setting, char *out)
{
	static const char magic[24] = "OrpheanBeholderScryDoubt";
	struct blowfish bf;
	/* the key: the password with its NUL, cycled over the 18 words of the P-array */
	uint8_t key[72], key0[72], salt[16], ctext[24];
	size_t n = strlen(pw) + 1, i, j;
	uint32_t w = 0, wsx = 0, diff = 0, sign = 0, c, count;
	unsigned cost;

	if (setting[4] < '0' || setting[4] > '3' || setting[5] < '0' || setting[5] > '9' ||
	    setting[6] != '$')
		return ERR_INVALID;
	cost = (unsigned)(setting[4] - '0') * 10 + (unsigned)(setting[5] - '0');
	if (cost < 4 || cost > 31 || bf_decode_salt(salt, setting + 7))
		return ERR_INVALID;

	/* $2a$: crypt_blowfish's safety measure. Its old bug sign-extended each byte into
	 * the key word (wsx); where that gives the same words as the right reading (w) although
	 * a byte past a word's first had its high bit set, hashes of the old bug would collide
	 * with right ones, and $2a$ flips bit 16 of the first word of the initial key (only
	 * there, not in the repeated expansions). No branch on the password's bytes. */
	for (i = 0; i < sizeof(key); i++) {
		c = (uint8_t)pw[i % n];
		key[i] = key0[i] = (uint8_t)c;
		w = w << 8 | c;
		wsx = wsx << 8 | c | ((0u - (c >> 7)) & ~0xffu);
		if (i % 4)
			sign |= c & 0x80;
		if (i % 4 == 3)
			diff |= w ^ wsx;
	}
	diff |= diff >> 16;
	diff &= 0xffff;
	/* (diff + 0xffff) >> 16 is 1 when diff is not zero */
	key0[1] ^= (uint8_t)((((diff + 0xffff) >> 16) ^ 1) & (sign >> 7) & (setting[2] == 'a'));

	/* EksBlowfishSetup(cost, salt, key), then 64 encryptions of the magic text */
	blowfish_init(&bf);
	blowfish_expand(&bf, salt, sizeof(salt), key0, sizeof(key0));
	for (count = (uint32_t)1 << cost; count; count--) {
		blowfish_expand(&bf, NULL, 0, key, sizeof(key));
		blowfish_expand(&bf, NULL, 0, salt, sizeof(salt));
	}
	memcpy(ctext, magic, sizeof(ctext));
	for (i = 0; i < sizeof(ctext); i += 8)
		for (j = 0; j < 64; j++)
			blowfish_encrypt(&bf, ctext + i);
	memcpy(out, setting, 7);
	/* the original drops the last byte: 23 bytes, 31 characters */
	*bf_encode(bf_encode(out + 7, salt, sizeof(salt)), ctext, sizeof(ctext) - 1) = 0;
	wipe(&bf, sizeof(bf));
	wipe(key, sizeof(key));
	wipe(key0, sizeof(key0));
	wipe(ctext, sizeof(ctext));
	return 0;
}

/* ---- SHA-crypt: $5$ / $6$ [rounds=N$] salt (up to 16) $ hash */

/* crypt's base64 (Drepper's b64_from_24bit): n characters of w, low 6 bits first. */
static char *sha_b64(char *o, uint32_t w, int n)
{
	static const char b64[] =
		"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	while (n-- > 0) {
		*o++ = b64[w & 63];
		w >>= 6;
	}
	return o;
}

/* len bytes of the infinite repetition of block[blen] (the spec's P and S strings, the
 * password's length in bytes of B): the strings themselves are never built. */
static int sha_cycled(struct hash_ctx *h, const uint8_t *block, size_t blen, size_t len)
{
	int r = 0;
	for (; len > blen && !r; len -= blen)
		r = hash_update(h, block, blen);
	return r ? r : hash_update(h, block, len);
}

static int sha_crypt(const char *pw, const char *setting, char *out, enum hash_alg alg)
{
	const size_t hl = alg == HASH_SHA512 ? 64 : 32, pl = strlen(pw);
	const uint8_t *p = (const uint8_t *)pw, *s;
	const char *salt = setting + 3, *d;
	uint8_t a[64], b[64], dp[64], ds[64];
	uint32_t rounds = 5000, v, i;
	struct hash_ctx h;
	size_t sl, k;
	char num[10], *o;
	int r, custom = 0;

	if (!strncmp(salt, "rounds=", 7)) {
		/* one to nine digits, no leading zero, 1000..999999999, then '$' */
		d = salt + 7;
		if (*d < '1' || *d > '9')
			return ERR_INVALID;
		for (v = 0; *d >= '0' && *d <= '9'; d++)
			if ((v = v * 10 + (uint32_t)(*d - '0')) > 999999999)
				return ERR_INVALID;
		if (*d != '$' || v < 1000)
			return ERR_INVALID;
		rounds = v;
		custom = 1;
		salt = d + 1;
	}
	/* the salt ends at a '$' or the end (':' and newlines are refused before) */
	sl = strcspn(salt, "$");
	if (sl > 16)
		sl = 16;
	s = (const uint8_t *)salt;

	/* B = H(P S P); A = H(P S, len(P) bytes of B, then per bit of len(P) from the lowest:
	 * B for a one, P for a zero) */
	if ((r = hash_init(&h, alg)) || (r = hash_update(&h, p, pl)) || (r = hash_update(&h, s, sl)) ||
	    (r = hash_update(&h, p, pl)) || (r = hash_final(&h, b)) || (r = hash_init(&h, alg)) ||
	    (r = hash_update(&h, p, pl)) || (r = hash_update(&h, s, sl)) ||
	    (r = sha_cycled(&h, b, hl, pl)))
		goto out;
	for (k = pl; k && !r; k >>= 1)
		r = (k & 1) ? hash_update(&h, b, hl) : hash_update(&h, p, pl);
	if (r || (r = hash_final(&h, a)) || (r = hash_init(&h, alg)))
		goto out;
	/* DP = H(P repeated len(P) times); DS = H(S repeated 16 + A[0] times) */
	for (k = 0; k < pl && !r; k++)
		r = hash_update(&h, p, pl);
	if (r || (r = hash_final(&h, dp)) || (r = hash_init(&h, alg)))
		goto out;
	for (k = 0; k < 16u + a[0] && !r; k++)
		r = hash_update(&h, s, sl);
	if (r || (r = hash_final(&h, ds)))
		goto out;
	/* the rounds; the P string is DP cycled to len(P), the S string DS cut to len(S) */
	for (i = 0; i < rounds; i++) {
		if ((r = hash_init(&h, alg)) ||
		    (r = (i & 1) ? sha_cycled(&h, dp, hl, pl) : hash_update(&h, a, hl)) ||
		    (i % 3 && (r = hash_update(&h, ds, sl))) ||
		    (i % 7 && (r = sha_cycled(&h, dp, hl, pl))) ||
		    (r = (i & 1) ? hash_update(&h, a, hl) : sha_cycled(&h, dp, hl, pl)) ||
		    (r = hash_final(&h, a)))
			goto out;
	}

	o = out;
	*o++ = '$';
	*o++ = alg == HASH_SHA512 ? '6' : '5';
	*o++ = '$';
	if (custom) {
		memcpy(o, "rounds=", 7);
		o += 7;
		for (k = 0; k == 0 || rounds; rounds /= 10)
			num[k++] = (char)('0' + rounds % 10);
		while (k)
			*o++ = num[--k];
		*o++ = '$';
	}
	memcpy(o, salt, sl);
	o += sl;
	*o++ = '$';
	/* Drepper's byte order: groups of three bytes hl/3 apart, rotated by the group's
	 * index (one way for SHA-512, the other for SHA-256), then the bytes left over */
	for (k = 0; k < hl / 3; k++) {
		uint32_t t = 0;
		size_t j, m = alg == HASH_SHA512 ? 1 : 2;
		for (j = 0; j < 3; j++)
			t = t << 8 | a[k + ((j + m * k) % 3) * (hl / 3)];
		o = sha_b64(o, t, 4);
	}
	o = alg == HASH_SHA512 ? sha_b64(o, a[63], 2) : sha_b64(o, (uint32_t)a[31] << 8 | a[30], 3);
	*o = 0;
out:
	wipe(&h, sizeof(h));
	wipe(a, sizeof(a));
	wipe(b, sizeof(b));
	wipe(dp, sizeof(dp));
	wipe(ds, sizeof(ds));
	return r ? ERR_CRYPTO : 0;
}

/* ---- dispatch */

_Static_assert(PWHASH_MAX >= YESCRYPT_OUT_MAX, "yescrypt's output fits");

/* 'b' bcrypt, '5'/'6' SHA-crypt, 'y' yescrypt, 0 for another kind */
static char kind(const char *setting)
{
	if (setting[0] != '$')
		return 0;
#if DB_OWN_YESCRYPT
	if (setting[1] == 'y' && setting[2] == '$')
		return 'y';
#endif
	if (setting[1] == '2' && setting[2] && strchr("aby", setting[2]) && setting[3] == '$')
		return 'b';
	if ((setting[1] == '5' || setting[1] == '6') && setting[2] == '$')
		return setting[1];
	return 0;
}

int pwhash_known(const char *setting)
{
	return kind(setting) != 0;
}

int pwhash_crypt(const char *pw, const char *setting, char out[PWHASH_MAX])
{
	const char *c;
	char k = kind(setting);
	int r;

	out[0] = 0;
	if (!k)
		return ERR_UNSUPPORTED;
	/* crypt(5): a hash is printable ASCII, and crypt_r refuses a setting holding a space,
	 * a control or 8-bit byte, or one of ! * : ; \ before it looks at its kind */
	for (c = setting; *c; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f || strchr("!*:;\\", *c))
			return ERR_INVALID;
	if (strlen(pw) > PWHASH_MAX_PASSWORD)
		return ERR_INVALID;
	if (k == 'b')
		r = bf_crypt(pw, setting, out);
#if DB_OWN_YESCRYPT
	else if (k == 'y')
		r = yescrypt_crypt(pw, setting, out);
#endif
	else
		r = sha_crypt(pw, setting, out, k == '6' ? HASH_SHA512 : HASH_SHA256);
	if (r)
		wipe(out, PWHASH_MAX);
	return r;
}
