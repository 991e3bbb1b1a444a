/* libFuzzer: the binary packet protocol. The first byte picks the cipher/MAC (fixed keys)
 * and compression, the second how the input is cut; then either
 *  - decode: the rest is wire bytes, appended in chunks to the receive buffer with
 *    pkt_decode called after each, as a socket would deliver them; or
 *  - round trip: the rest is a list of payloads (uint16 length, bytes), encoded by one
 *    direction and decoded by its peer, which must give them back unchanged.
 * With the none cipher compression is switched on by hand, so that arbitrary bytes reach
 * the padding checks and the inflater without having to forge a MAC. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "err.h"
#include "options.h"
#include "packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct row {
	const struct cipher_ops *c;
	const struct mac_ops *m;
};

static struct row rows[64];
static size_t nrows;

static void init_rows(void)
{
	size_t i, j;
	rows[nrows++] = (struct row){ NULL, NULL };
	for (i = 0; cipher_algs[i]; i++) {
		if (cipher_is_aead(cipher_algs[i])) {
			rows[nrows++] = (struct row){ cipher_algs[i], NULL };
			continue;
		}
		for (j = 0; mac_algs[j] && nrows < 64; j++)
			rows[nrows++] = (struct row){ cipher_algs[i], mac_algs[j] };
	}
}

static int setup(struct pkt_dir *d, const struct row *w, enum comp_alg comp)
{
	static const uint8_t key[64] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint8_t iv[16] = { 0xff, 0xfe, 0xfd };
	static const uint8_t mk[64] = { 0x42, 0x43 };

	if (pkt_dir_init(d))
		return -1;
	if (w->c) {
		if (pkt_dir_setkeys(d, w->c, key, iv, w->m, mk, comp))
			return -1;
		if (comp == COMP_ZLIB_DELAYED)
			(void)pkt_dir_comp_start(d);
	} else if (comp != COMP_NONE && DB_COMPRESSION) {
		d->comp = COMP_ZLIB; /* white-box: compression without keys */
		d->comp_on = 1;
	}
	return 0;
}

static void fuzz_decode(struct pkt_dir *rx, const uint8_t *p, size_t n, size_t chunk)
{
	struct buf in, payload;
	size_t off = 0;
	volatile uint8_t sink = 0;

	if (buf_init(&in, 0, 1 << 20))
		return;
	while (off < n) {
		size_t k = n - off < chunk ? n - off : chunk;
		int r;
		if (buf_put_bytes(&in, p + off, k))
			break;
		off += k;
		while ((r = pkt_decode(rx, &in, &payload)) == 0) {
			if (payload.len == 0 || payload.len > DB_MAX_PAYLOAD)
				abort();
			sink ^= buf_ptr(&payload)[0] ^ buf_ptr(&payload)[payload.len - 1];
		}
		if (r != ERR_AGAIN)
			break;
	}
	(void)sink;
	buf_free(&in);
}

static void fuzz_roundtrip(struct pkt_dir *tx, struct pkt_dir *rx, const uint8_t *p, size_t n)
{
	struct buf src, out, in, payload;
	uint32_t seq0 = tx->seq;
	size_t count = 0, i;

	buf_view(&src, p, n);
	if (buf_init(&out, 0, 1 << 22))
		return;
	for (;;) {
		uint8_t hi, lo;
		const uint8_t *pl;
		size_t len;
		if (buf_get_u8(&src, &hi) || buf_get_u8(&src, &lo))
			break;
		len = ((size_t)hi << 8 | lo) % (DB_MAX_PAYLOAD + 1);
		if (len == 0 || len > buf_avail(&src))
			len = buf_avail(&src);
		if (len == 0 || buf_get_raw(&src, &pl, len))
			break;
		if (pkt_encode(tx, pl, len, &out))
			abort();
		count++;
	}
	/* decode and compare against the same walk over the input */
	buf_view(&in, out.data, out.len);
	buf_view(&src, p, n);
	for (i = 0; i < count; i++) {
		uint8_t hi, lo;
		const uint8_t *pl;
		size_t len;
		(void)buf_get_u8(&src, &hi);
		(void)buf_get_u8(&src, &lo);
		len = ((size_t)hi << 8 | lo) % (DB_MAX_PAYLOAD + 1);
		if (len == 0 || len > buf_avail(&src))
			len = buf_avail(&src);
		(void)buf_get_raw(&src, &pl, len);
		if (pkt_decode(rx, &in, &payload) || payload.len != len ||
		    memcmp(buf_ptr(&payload), pl, len) != 0)
			abort();
	}
	if (buf_avail(&in) != 0 || rx->seq != seq0 + count || tx->seq != rx->seq)
		abort();
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct pkt_dir tx, rx;
	const struct row *w;
	enum comp_alg comp;
	uint8_t sel, cut;

	if (!ready) {
		if (crypto_init())
			abort();
		init_rows();
		ready = 1;
	}
	if (size < 2)
		return 0;
	sel = data[0];
	cut = data[1];
	w = &rows[(sel & 0x3f) % nrows];
	comp = DB_COMPRESSION ? (enum comp_alg)((sel >> 6) % 3) : COMP_NONE;
	if (setup(&rx, w, comp) == 0) {
		if (cut & 0x80) {
			if (setup(&tx, w, comp) == 0)
				fuzz_roundtrip(&tx, &rx, data + 2, size - 2);
			pkt_dir_free(&tx);
		} else {
			fuzz_decode(&rx, data + 2, size - 2, (size_t)(cut & 0x7f) * 8 + 1);
		}
	}
	pkt_dir_free(&rx);
	return 0;
}
