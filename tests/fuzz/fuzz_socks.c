/* fuzz_socks: the SOCKS4/4a/5 request parser of dbclient -D on arbitrary bytes, fed the
 * way cli-socks.c feeds it (a bounded buffer, consumed messages dropped, more read after
 * SOCKS_MORE). Nothing may read past the input; a complete request must have a printable
 * host within its limit and a port 1..65535; what is consumed never exceeds the input;
 * a reply is never longer than SOCKS_MAX_REPLY. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "socks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct socks_req r;
	uint8_t out[SOCKS_MAX_REPLY], *copy;
	size_t off = 0, n, used, i, step;
	int res;

	if (size > 2 * SOCKS_MAX_MSG)
		return 0;
	copy = malloc(size ? size : 1); /* exactly sized, so that ASan sees any overread */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	socks_init(&r);
	/* the first byte (when any) picks how many bytes arrive per read */
	step = size ? (size_t)(copy[0] % 7) + 1 : 1;
	n = 0;
	for (;;) {
		n = n + step > size - off ? size - off : n + step;
		if (n > SOCKS_MAX_MSG)
			n = SOCKS_MAX_MSG;
		res = socks_parse(&r, copy + off, n, &used);
		if (used > n)
			abort();
		if (socks_reply(&r, res < 0 ? SOCKS_R_FAIL : SOCKS_R_OK, out) > SOCKS_MAX_REPLY)
			abort();
		if (res == SOCKS_METHOD) {
			off += used;
			n -= used;
			continue;
		}
		if (res == 0) {
			size_t hl = strlen(r.host);
			if (hl == 0 || hl >= sizeof(r.host) || r.port == 0 || r.port > 65535)
				abort();
			for (i = 0; i < hl; i++)
				if ((unsigned char)r.host[i] <= 0x20 || (unsigned char)r.host[i] >= 0x7f)
					abort();
			break;
		}
		if (res != SOCKS_MORE)
			break;
		if (n == SOCKS_MAX_MSG || off + n >= size)
			break; /* the caller refuses a full buffer; or the input is over */
	}
	free(copy);
	return 0;
}
