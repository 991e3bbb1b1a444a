/* fuzz_ident: the identification exchange parser (RFC 4253 4.2) on arbitrary bytes, fed
 * in arbitrary pieces as a socket would deliver them. It must never read past the input,
 * must end with the identification, a need for more, or an error with a reason; what it
 * accepts is a printable SSH-2.0 / SSH-1.99 line within the length limit; and the
 * verdict must not depend on how the bytes were split. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feeds data growing by `step` bytes at a time, as reads would; returns the verdict and
 * the bytes consumed. */
static int feed(const uint8_t *in, size_t size, size_t step, int preamble, struct ident *id,
                size_t *used)
{
	size_t have = 0;
	struct buf b;
	size_t pos = 0;
	int r = ERR_AGAIN;

	ident_init(id, preamble);
	while (r == ERR_AGAIN && have < size) {
		have = have + step > size ? size : have + step;
		buf_view(&b, in, have);
		b.pos = pos;
		r = ident_parse(id, &b);
		pos = b.pos;
	}
	*used = pos;
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ident a, b;
	size_t ua, ub, step, n;
	uint8_t *in;
	int preamble, ra, rb;

	if (size < 2 || size > 16384)
		return 0;
	preamble = data[0] & 1;
	step = (size_t)(data[0] >> 1) + 1;
	data++;
	size--;
	in = malloc(size); /* exactly sized, so that ASan sees any overread */
	if (!in)
		return 0;
	memcpy(in, data, size);

	ra = feed(in, size, size, preamble, &a, &ua);
	rb = feed(in, size, step, preamble, &b, &ub);
	if (ra != rb && !(ra == ERR_AGAIN || rb == ERR_AGAIN))
		abort();
	if (ra == 0) {
		if (rb != 0 || ua != ub || strcmp(a.peer, b.peer) != 0)
			abort();
		n = strlen(a.peer);
		if (n + 1 > DB_MAX_IDENT_LINE || ua > size)
			abort();
		if (strncmp(a.peer, "SSH-2.0-", 8) != 0 && strncmp(a.peer, "SSH-1.99-", 9) != 0)
			abort();
		for (size_t i = 0; i < n; i++)
			if (a.peer[i] < 0x20 || a.peer[i] > 0x7e)
				abort();
	} else if (ra != ERR_AGAIN && !a.why) {
		abort();
	}
	free(in);
	return 0;
}
