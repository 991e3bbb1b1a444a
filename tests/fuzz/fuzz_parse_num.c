/* fuzz_parse_num: fmt_parse_num and fmt_parse_whole (common/fmt.c, the static build's
 * strtoul replacement) on arbitrary text, against the C library's strtoull on the same
 * digits. The first byte picks the base (8, 10, 16), the next eight the bound; the rest
 * is the text. Ours must accept exactly when the text starts with a digit of the base
 * and the digits' value fits the bound, with that value, ending after the digits. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_digit(char c, unsigned base)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0') < base;
	return base == 16 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned bases[] = { 8, 10, 16 };
	unsigned long long max, v = 0, want;
	const char *end = NULL;
	char *s, *digits, *e;
	unsigned base;
	size_t n, k;
	int r;

	if (size < 9 || size > 256)
		return 0;
	base = bases[data[0] % 3];
	memcpy(&max, data + 1, 8);
	if (data[1] & 1)
		max &= 0xffff; /* small bounds too */
	n = size - 9;
	if (!(s = malloc(n + 1)) || !(digits = malloc(n + 1))) {
		free(s);
		return 0;
	}
	memcpy(s, data + 9, n);
	s[n] = 0;
	for (k = 0; s[k] && is_digit(s[k], base); k++)
		digits[k] = s[k];
	digits[k] = 0;
	r = fmt_parse_num(s, &end, base, max, &v);
	errno = 0;
	want = strtoull(digits, &e, (int)base);
	if (k == 0 || errno == ERANGE || want > max) {
		if (r != -1)
			abort();
	} else if (r != 0 || v != want || end != s + k) {
		abort();
	}
	if ((fmt_parse_whole(s, base, max, &v) == 0) != (r == 0 && s[k] == 0))
		abort();
	free(s);
	free(digits);
	return 0;
}
