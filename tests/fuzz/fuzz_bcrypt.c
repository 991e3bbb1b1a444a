/* libFuzzer: bcrypt_pbkdf (common/bcrypt.c), the KDF of passphrase-protected openssh-key-v1
 * files, on arbitrary passphrases, salts, key lengths and round counts; what a hostile key
 * file's KDF options can ask of it. (fuzz_keyfile_openssh reaches it through whole files.)
 *
 * Input: byte rounds (any value; only 1..2 are computed, the cost being the file's choice,
 * while 0 and values past BCRYPT_MAX_ROUNDS must be refused without work) || uint16 keylen
 * (0..96, or 0xffNN for the sizes around BCRYPT_MAX_KEY) || byte saltlen || salt ||
 * passphrase. Invariants (abort on violation): it succeeds
 * exactly for 1 <= rounds <= BCRYPT_MAX_ROUNDS, 1 <= saltlen <= BCRYPT_MAX_SALT and
 * 1 <= keylen <= BCRYPT_MAX_KEY, refusing the rest with an error; the output for a key
 * length is a prefix-independent function of the inputs: the same call twice gives the
 * same key. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bcrypt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t k1[BCRYPT_MAX_KEY + 64], k2[BCRYPT_MAX_KEY + 64];
	uint32_t rounds;
	size_t keylen, saltlen;
	int r, ok;

	if (size < 4)
		return 0;
	rounds = data[0];
	if (rounds > 2 && rounds < 0xf0)
		return 0; /* real work: a few rounds show every path */
	if (rounds >= 0xf0)
		rounds = BCRYPT_MAX_ROUNDS + 1 + (rounds - 0xf0) * 100000u; /* must be refused */
	/* short keys, one or two 32-byte blocks, but for 0xffNN: the limit and beyond */
	keylen = (size_t)data[1] << 8 | data[2];
	keylen = data[1] == 0xff ? BCRYPT_MAX_KEY - 8 + (keylen & 0xff) : keylen % 97;
	saltlen = data[3];
	data += 4, size -= 4;
	if (saltlen > size)
		saltlen = size;
	ok = rounds >= 1 && rounds <= BCRYPT_MAX_ROUNDS && saltlen >= 1 &&
	     saltlen <= BCRYPT_MAX_SALT && keylen >= 1 && keylen <= BCRYPT_MAX_KEY;
	r = bcrypt_pbkdf(data + saltlen, size - saltlen, data, saltlen, k1, keylen, rounds);
	if ((r == 0) != ok)
		abort();
	if (r == 0 && keylen <= 32) {
		if (bcrypt_pbkdf(data + saltlen, size - saltlen, data, saltlen, k2, keylen, rounds) ||
		    memcmp(k1, k2, keylen) != 0)
			abort();
	}
	return 0;
}
