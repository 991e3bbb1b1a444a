/* safetext.c: see safetext.h. */
#include "safetext.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The length of the well-formed UTF-8 sequence of a code point >= U+00A0 at p (at most
 * n bytes), or 0: no overlong forms, surrogates, or code points above U+10FFFF
 * (RFC 3629 4), and no C1 controls. */
static size_t utf8_printable(const uint8_t *p, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1fu;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0fu;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if (cp < 0xa0 || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

size_t safetext(char *out, size_t outsz, const uint8_t *in, size_t n, unsigned flags)
{
	size_t i = 0, o = 0;

	if (outsz == 0)
		return 0;
	while (i < n && o + 1 < outsz) {
		uint8_t ch = in[i];
		size_t l;

		if (ch >= 0x20 && ch < 0x7f) {
			out[o++] = (char)ch;
			i++;
		} else if ((flags & SAFETEXT_NEWLINES) && (ch == '\n' || ch == '\t')) {
			out[o++] = (char)ch;
			i++;
		} else if ((flags & SAFETEXT_NEWLINES) && ch == '\r' && i + 1 < n &&
		           in[i + 1] == '\n') {
			i++; /* CRLF line ends print as LF */
		} else if ((flags & SAFETEXT_UTF8) && (l = utf8_printable(in + i, n - i)) != 0) {
			if (o + l + 1 > outsz)
				break; /* no partial sequence at the end */
			memcpy(out + o, in + i, l);
			o += l;
			i += l;
		} else {
			out[o++] = '?';
			i++;
		}
	}
	out[o] = 0;
	return o;
}

/* 1 when a locale name's charset part is UTF-8 ("en_US.UTF-8", "C.utf8"). */
static int names_utf8(const char *v)
{
	const char *dot = strchr(v, '.');
	size_t l;

	if (!dot)
		return 0;
	dot++;
	l = strcspn(dot, "@");
	return (l == 5 && strncasecmp(dot, "utf-8", 5) == 0) ||
	       (l == 4 && strncasecmp(dot, "utf8", 4) == 0);
}

unsigned safetext_locale_flags(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v) /* the first one set decides (POSIX locale precedence) */
			return names_utf8(v) ? SAFETEXT_UTF8 : 0;
	}
	return 0;
}
