/* fuzz_safetext: peer text made safe for a terminal, on arbitrary bytes and output
 * sizes. The output must stay inside its buffer, be NUL-terminated at the returned
 * length, and hold nothing a terminal obeys: no C0 control but the kept newline and
 * tab, no DEL, no raw C1 byte, no UTF-8 that is malformed or encodes U+0080..U+009F. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "safetext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_utf8(const uint8_t *p, size_t n, int utf8)
{
	size_t i = 0;

	while (i < n) {
		uint8_t ch = p[i];
		size_t len, k;
		uint32_t cp;

		if (ch < 0x80) {
			if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f)
				abort();
			i++;
			continue;
		}
		if (!utf8)
			abort(); /* without UTF-8 only ASCII may come out */
		len = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc0 ? 2 : 0;
		if (len == 0 || i + len > n)
			abort();
		cp = ch & (0x7fu >> len);
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				abort();
			cp = cp << 6 | (p[i + k] & 0x3fu);
		}
		if (cp < 0xa0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
			abort();
		i += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out;
	size_t outsz, n;
	unsigned flags;

	if (size < 2)
		return 0;
	flags = data[0] & 3u;
	outsz = (size_t)data[1] * 4 + 1;
	data += 2;
	size -= 2;
	if (!(out = malloc(outsz)))
		return 0;
	n = safetext(out, outsz, data, size, flags);
	if (n >= outsz || out[n] != 0 || strlen(out) != n)
		abort();
	if (!(flags & SAFETEXT_NEWLINES) && memchr(out, '\n', n))
		abort();
	check_utf8((const uint8_t *)out, n, !!(flags & SAFETEXT_UTF8));
	free(out);
	return 0;
}
