/* fuzz_fmt: our printf formatter (common/fmt.c) against the C library's snprintf. The
 * input describes one conversion (flags, width, precision, length, conversion, each
 * maybe taken from the arguments) and its argument; both formatters get the same
 * well-typed call, at a size the input picks too, and must agree on the return value
 * and on every byte stored. Combinations the C standard leaves undefined (a 0 flag
 * with %s, a precision with %c, flags on %p) are not generated. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int call(int ours, char *buf, size_t sz, const char *f, int nstar, int a1, int a2,
		int kind, uint64_t v, const char *s)
{
#define CALL(...) (ours ? fmt_snprintf(buf, sz, f, __VA_ARGS__) : snprintf(buf, sz, f, __VA_ARGS__))
#define BY_STARS(arg) (nstar == 0 ? CALL(arg) : nstar == 1 ? CALL(a1, arg) : CALL(a1, a2, arg))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma clang diagnostic ignored "-Wformat-nonliteral"
	switch (kind) {
	case 0: return BY_STARS((int)v);
	case 1: return BY_STARS((long)v);
	case 2: return BY_STARS((long long)v);
	case 3: return BY_STARS((size_t)v);
	case 4: return BY_STARS((intmax_t)v);
	case 5: return BY_STARS((ptrdiff_t)v);
	case 6: return BY_STARS(s);
	case 7: return BY_STARS((void *)(uintptr_t)(v | 1));
	default: return ours ? fmt_snprintf(buf, sz, "%s", f) : snprintf(buf, sz, "%s", f);
	}
#pragma GCC diagnostic pop
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char convs[] = "diuxXocsp%";
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "z", "j", "t" };
	char f[64], want[128], got[128], str[32];
	int nstar = 0, a[2] = { 0, 0 }, kind, wn, gn, lenix;
	size_t n = 0, sz, slen;
	uint64_t v = 0;
	uint8_t b[8];
	char conv;

	if (size < 8)
		return 0;
	memcpy(b, data, 8);
	data += 8;
	size -= 8;
	conv = convs[b[0] % (sizeof convs - 1)];
	lenix = b[1] % 8;
	f[n++] = '%';
	if (conv != '%') {
		if (b[2] & 1) f[n++] = '-';
		if ((b[2] & 2) && strchr("diuxXo", conv)) f[n++] = '0';
		if ((b[2] & 4) && strchr("diuxXo", conv)) f[n++] = '+';
		if ((b[2] & 8) && strchr("diuxXo", conv)) f[n++] = ' ';
		if ((b[2] & 16) && strchr("xXo", conv)) f[n++] = '#';
		if (b[3] & 0x80) {
			f[n++] = '*';
			a[nstar++] = (int8_t)(b[3] << 1) / 2;
		} else if (b[3] & 0x40) {
			n += (size_t)sprintf(f + n, "%d", b[3] & 0x3f);
		}
		if ((b[4] & 0x80) && conv != 'c' && conv != 'p') {
			f[n++] = '.';
			if (b[4] & 0x40) {
				f[n++] = '*';
				a[nstar++] = (int8_t)(b[4] << 2) / 4;
			} else if (b[4] & 0x20) {
				n += (size_t)sprintf(f + n, "%d", b[4] & 0x1f);
			}
		}
		if (strchr("diuxXo", conv))
			n += (size_t)sprintf(f + n, "%s", lens[lenix]);
	}
	f[n++] = conv;
	f[n] = '\0';
	for (size_t i = 0; i < 8 && i < size; i++)
		v = v << 8 | data[i];
	slen = size > 8 ? size - 8 : 0;
	if (slen > sizeof str - 1)
		slen = sizeof str - 1;
	memcpy(str, data + (size > 8 ? 8 : size), slen);
	str[slen] = '\0';
	switch (conv) {
	case 'c':
		kind = 0;
		break;
	case 's':
		kind = 6;
		break;
	case 'p':
		kind = 7;
		break;
	case '%':
		kind = 8;
		break;
	default:
		/* hh, h and none take an int; the rest their own type */
		kind = lenix <= 2 ? 0 : lenix == 3 ? 1 : lenix == 4 ? 2 : lenix == 5 ? 3 :
		       lenix == 6 ? 4 : 5;
	}
	if (kind == 8) { /* "%%" on its own: no argument */
		wn = snprintf(want, sizeof want, "%%");
		gn = fmt_snprintf(got, sizeof got, "%%");
		if (wn != gn || strcmp(want, got) != 0)
			abort();
		return 0;
	}
	sz = b[5] % (sizeof want + 1);
	memset(want, 'Z', sizeof want);
	memset(got, 'Z', sizeof got);
	wn = call(0, sz ? want : NULL, sz, f, nstar, a[0], a[1], kind, v, str);
	gn = call(1, sz ? got : NULL, sz, f, nstar, a[0], a[1], kind, v, str);
	if (wn != gn || memcmp(want, got, sizeof want) != 0) {
		fprintf(stderr, "format \"%s\": libc %d \"%.*s\", ours %d \"%.*s\"\n", f, wn,
			(int)sz, want, gn, (int)sz, got);
		abort();
	}
	return 0;
}
