/* base64.c: RFC 4648 section 4 (standard alphabet, '=' padding), strict.
 *
 * Private keys pass through here (PEM, openssh-key-v1), so characters are mapped with
 * arithmetic rather than a table lookup indexed by secret data, which would leak
 * through the cache. The decoder accepts only canonical text: length a multiple of 4,
 * no whitespace, '=' only as one or two final characters, zero pad bits (section 3.5).
 * Input is (pointer, length), never read as a C string. */
#include <stdint.h>
#include <string.h>

#include "crypto.h"
#include "err.h"
#include "util.h"

/* 0..63 to its character without branches or tables. Relies on arithmetic right shift
 * of negative ints (gcc and clang). */
static char b64_char(unsigned v)
{
	int d = (int)v, diff = 'A';

	diff += ((25 - d) >> 8) & 6;   /* 26..51: 'a' - 26 */
	diff -= ((51 - d) >> 8) & 75;  /* 52..61: '0' - 52 */
	diff -= ((61 - d) >> 8) & 15;  /* 62: '+' - 62 */
	diff += ((62 - d) >> 8) & 3;   /* 63: '/' - 63 */
	return (char)(d + diff);
}

/* A character to 0..63, or -1 when it is not in the alphabet. Each line adds
 * (value + 1) exactly when c lies in its range. */
static int b64_val(unsigned char uc)
{
	int c = uc, r = -1;

	r += (((0x40 - c) & (c - 0x5b)) >> 8) & (c - 64);  /* A-Z */
	r += (((0x60 - c) & (c - 0x7b)) >> 8) & (c - 70);  /* a-z */
	r += (((0x2f - c) & (c - 0x3a)) >> 8) & (c + 5);   /* 0-9 */
	r += (((0x2a - c) & (c - 0x2c)) >> 8) & 63;        /* + */
	r += (((0x2e - c) & (c - 0x30)) >> 8) & 64;        /* / */
	return r;
}

size_t base64_len(size_t n)
{
	if (n > SIZE_MAX / 4 * 3 - 3)
		return SIZE_MAX; /* no buffer can hold it: base64_enc refuses */
	return (n + 2) / 3 * 4;
}

int base64_enc(const uint8_t *in, size_t n, char *out, size_t outsz)
{
	size_t len = base64_len(n), i, o = 0;

	if (len == SIZE_MAX || outsz <= len)
		return ERR_TOOBIG;
	for (i = 0; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64_char(v >> 18);
		out[o++] = b64_char(v >> 12 & 63);
		out[o++] = b64_char(v >> 6 & 63);
		out[o++] = b64_char(v & 63);
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = b64_char(v >> 18);
		out[o++] = b64_char(v >> 12 & 63);
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64_char(v >> 18);
		out[o++] = b64_char(v >> 12 & 63);
		out[o++] = b64_char(v >> 6 & 63);
		out[o++] = '=';
	}
	out[o] = '\0';
	return 0;
}

int base64_dec(const char *in, size_t n, uint8_t *out, size_t *outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t pad = 0, need, i, o = 0;

	if (n % 4)
		return ERR_FORMAT;
	if (n == 0) {
		*outlen = 0;
		return 0;
	}
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	need = n / 4 * 3 - pad;
	if (need > *outlen)
		return ERR_TOOBIG;

	for (i = 0; i < n; i += 4) {
		int a = b64_val(s[i]), b = b64_val(s[i + 1]), c, d;
		uint32_t v;
		int last = i + 4 == n;

		if (last && pad == 2) {
			if ((a | b) < 0 || (b & 15))
				goto bad;
			out[o++] = (uint8_t)(a << 2 | b >> 4);
			break;
		}
		c = b64_val(s[i + 2]);
		if (last && pad == 1) {
			if ((a | b | c) < 0 || (c & 3))
				goto bad;
			v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6;
			out[o++] = (uint8_t)(v >> 16);
			out[o++] = (uint8_t)(v >> 8);
			break;
		}
		d = b64_val(s[i + 3]);
		if ((a | b | c | d) < 0)
			goto bad;
		v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
		out[o++] = (uint8_t)(v >> 16);
		out[o++] = (uint8_t)(v >> 8);
		out[o++] = (uint8_t)v;
	}
	*outlen = o;
	return 0;
bad:
	wipe(out, o); /* a half-decoded secret is still a secret */
	return ERR_FORMAT;
}
