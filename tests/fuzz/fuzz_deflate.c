/* fuzz_deflate: our deflate compressor (common/deflate.c) on arbitrary packets, checked
 * by zlib's inflate with an 8 KB window (what our header promises): every packet must
 * come out whole, byte for byte, as soon as its compressed bytes are in, and never take
 * more room than dfl_bound says. The input is cut into packets by control bytes:
 *   c < 200          a packet of the next c bytes
 *   200 <= c < 250   a packet of the next (c - 200) * 256 + b bytes (b: the byte after)
 *   c >= 250         a packet of n = 1 + 2 bytes' value (up to 65536, times 2 when c is
 *                    odd: past 64 KB) made by repeating the next (c - 249) bytes, for
 *                    long matches and runs without a long input.
 * At most 200 packets and about 1 MB of them per input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "deflate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dfl *d;
	z_stream zs;
	size_t pos = 0;
	uint8_t *pkt = NULL, *out = NULL, *back = NULL;
	int packets = 0;
	size_t total = 0; /* bytes compressed: bounded, so that no input runs for long */

	if (size > 65536)
		return 0;
	d = dfl_new();
	memset(&zs, 0, sizeof(zs));
	if (!d || inflateInit2(&zs, 13) != Z_OK)
		abort();
	while (pos < size && packets++ < 200 && total < (1u << 20)) {
		uint8_t c = data[pos++];
		size_t n, cn = 0, i;
		int zr;

		if (c < 250) { /* the next n bytes of the input: n = c, or 256 * (c - 200) + one more */
			n = c < 200 ? c : (size_t)(c - 200) * 256 + (pos < size ? data[pos++] : 0);
			if (n > size - pos)
				n = size - pos;
			pkt = realloc(pkt, n ? n : 1);
			if (!pkt)
				abort();
			memcpy(pkt, data + pos, n);
			pos += n;
		} else {
			size_t k = (size_t)c - 249;
			n = 1;
			if (pos + 2 <= size) {
				n += (size_t)data[pos] << 8 | data[pos + 1];
				pos += 2;
			}
			if (c & 1)
				n *= 2;
			if (k > size - pos)
				k = size - pos;
			pkt = realloc(pkt, n);
			if (!pkt)
				abort();
			for (i = 0; i < n; i++)
				pkt[i] = k ? data[pos + i % k] : (uint8_t)i;
			pos += k;
		}
		total += n;
		out = realloc(out, dfl_bound(n));
		back = realloc(back, n + 1);
		if (!out || !back)
			abort();
		if (dfl_packet(d, pkt, n, out, dfl_bound(n), &cn) != 0 || cn > dfl_bound(n))
			abort();
		zs.next_in = out;
		zs.avail_in = (uInt)cn;
		zs.next_out = back;
		zs.avail_out = (uInt)(n + 1);
		zr = inflate(&zs, Z_SYNC_FLUSH);
		if ((zr != Z_OK && zr != Z_BUF_ERROR) || zs.avail_in != 0 ||
		    n + 1 - zs.avail_out != n || (n && memcmp(back, pkt, n) != 0))
			abort();
	}
	inflateEnd(&zs);
	dfl_free(d);
	free(pkt);
	free(out);
	free(back);
	return 0;
}
