/* ed25519_verify on arbitrary bytes: input = pk (32) || sig (64) || message. Beyond not
 * crashing, two properties are checked: a signature made with the input's first 32
 * bytes as a seed verifies, and the same signature with S + L (non-canonical) does not. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "curve25519.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* L, little-endian (RFC 8032 section 5.1) */
static const uint8_t ed_l[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t pk[32], sig[64];
	const uint8_t *m;
	size_t mlen, i;
	unsigned carry = 0;

	if (size < 96)
		return 0;
	m = data + 96;
	mlen = size - 96;
	(void)ed25519_verify(data + 32, m, mlen, data);

	ed25519_pubkey(pk, data);
	ed25519_sign(sig, m, mlen, data, pk);
	if (ed25519_verify(sig, m, mlen, pk) != 0)
		abort();
	for (i = 0; i < 32; i++) {
		carry += (unsigned)sig[32 + i] + ed_l[i];
		sig[32 + i] = (uint8_t)carry;
		carry >>= 8;
	}
	if (ed25519_verify(sig, m, mlen, pk) == 0)
		abort();
	return 0;
}
