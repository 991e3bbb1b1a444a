/* fuzz_x11: X11 forwarding's parsers on arbitrary bytes. The setup message check is fed
 * the way cli-x11.c feeds it (growing prefixes of what the channel held); a success must
 * point at the cookie inside the input, and no prefix of a rejected input may have been
 * accepted. The DISPLAY, xauth-line and x11-req checks get the same bytes as text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "x11proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t cookie[16] = "0123456789abcdef";
	struct x11_display d;
	uint8_t *copy, out[X11_MAX_COOKIE];
	char *text;
	size_t i, off, len, step;
	int r = ERR_AGAIN;

	if (size > 4096)
		return 0;
	copy = malloc(size ? size : 1); /* exactly sized: ASan sees any overread */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	step = size ? (size_t)(copy[0] % 5) + 1 : 1;
	for (i = 0; i <= size && r == ERR_AGAIN; i = i + step > size && i < size ? size : i + step) {
		off = 0;
		r = x11_setup_check(copy, i, X11_PROTO_MIT, cookie, sizeof(cookie), &off);
		if (r == 0 && (off + sizeof(cookie) > i || memcmp(copy + off, cookie, sizeof(cookie))))
			abort();
		if (r == ERR_AGAIN && i > x11_setup_max(X11_PROTO_MIT, sizeof(cookie)))
			abort(); /* would hold more than the bound */
		if (i == size)
			break;
	}
	free(copy);

	if (!(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	if (x11_display_parse(text, &d) == 0 && (d.num > X11_MAX_DISPLAY || strlen(d.host) >= sizeof(d.host)))
		abort();
	len = 0;
	if (x11_xauth_line(text, size, out, &len) == 0 && (len == 0 || len > X11_MAX_COOKIE))
		abort();
	if (size && memchr(text, '|', size)) {
		/* proto|cookie: an accepted pair has no byte xauth would read as a separator */
		char *bar = memchr(text, '|', size);
		*bar = 0;
		if (x11_req_check(text, bar + 1) == 0 &&
		    (strpbrk(text, " \t\n\r") || strpbrk(bar + 1, " \t\n\r")))
			abort();
	}
	free(text);
	return 0;
}
