/* fuzz_base64: the strict base64 decoder on arbitrary bytes. It must never read past
 * the input or write past the capacity it is given, and what it accepts must be
 * canonical: re-encoding the output gives back exactly the input. Encoding arbitrary
 * bytes and decoding them must round-trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap, outlen, elen;
	uint8_t *out;
	char *text;
	int r;

	if (size > 4096)
		return 0;
	/* The first byte picks a capacity, so that "too small" paths run too; the rest is
	 * the input, in a buffer of exactly its size so ASan sees any overread. */
	cap = size ? data[0] : 0;
	if (size) {
		data++;
		size--;
	}
	if (size / 4 * 3 < cap)
		cap = size / 4 * 3;
	else if (cap % 2)
		cap = size; /* plenty of room */
	{
		char *in = malloc(size ? size : 1);
		if (!in)
			return 0;
		memcpy(in, data, size);
		out = malloc(cap ? cap : 1);
		if (!out) {
			free(in);
			return 0;
		}
		outlen = cap;
		r = base64_dec(in, size, out, &outlen);
		if (r == 0) {
			if (outlen > cap)
				abort();
			elen = base64_len(outlen);
			if (elen != size)
				abort();
			text = malloc(elen + 1);
			if (!text || base64_enc(out, outlen, text, elen + 1) != 0 ||
			    memcmp(text, in, size) != 0)
				abort();
			free(text);
		} else if (r != ERR_FORMAT && r != ERR_TOOBIG) {
			abort();
		}
		free(out);
		free(in);
	}

	/* encode arbitrary bytes, decode them back */
	elen = base64_len(size);
	text = malloc(elen + 1);
	out = malloc(size ? size : 1);
	if (!text || !out)
		abort();
	outlen = size;
	if (base64_enc(data, size, text, elen + 1) != 0 || strlen(text) != elen ||
	    base64_dec(text, elen, out, &outlen) != 0 || outlen != size ||
	    memcmp(out, data, size) != 0)
		abort();
	free(text);
	free(out);
	return 0;
}
