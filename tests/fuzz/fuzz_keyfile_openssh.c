/* libFuzzer: the key readers of keyfile-openssh.c and keyfile-pem.c.
 *
 * The first byte picks the door, so that the fuzzer need not learn base64 to reach the
 * binary parsers: 0 the text as a file; 1 the rest as openssh-key-v1 contents; 2, 3, 4
 * the rest as the DER of "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY". Encrypted
 * files are opened with the seeds' passphrase when their bcrypt rounds are few (a file
 * may ask for 4096 rounds, which is a minute, not a bug). Every key read must write
 * back out and read again with the same public half. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "err.h"
#include "key.h"
#include "keyfile-openssh.h"

#define SEED_PASSPHRASE "secret pass"
#define FUZZ_MAX_ROUNDS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_roundtrip(const struct key *k)
{
	struct buf out, b1, b2;
	struct key *k2 = NULL;

	if (buf_init(&out, 0, 1 << 17) || buf_init(&b1, 0, 8192) || buf_init(&b2, 0, 8192))
		abort();
	if (keyfile_openssh_put(k, NULL, &out) != 0)
		abort();
	if (keyfile_openssh_parse(out.data, out.len, NULL, &k2) != 0)
		abort();
	if (key_put_blob(k, &b1) || key_put_blob(k2, &b2) || b1.len != b2.len ||
	    memcmp(b1.data, b2.data, b1.len) != 0 || strcmp(key_comment(k), key_comment(k2)))
		abort();
	key_free(k2);
	buf_free(&out);
	buf_free(&b1);
	buf_free(&b2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *labels[] = { "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY" };
	struct keyfile_openssh_info info;
	struct key *k = NULL;
	struct buf text;
	const char *pass = NULL;
	uint8_t door;
	int r;

	if (size < 1 || crypto_init() != 0)
		return 0;
	door = data[0] % 5;
	data++;
	size--;
	if (buf_init(&text, 1024, 1 << 18) != 0)
		abort();
	if (door == 0) {
		r = buf_put_bytes(&text, data, size);
	} else if (door == 1) {
		r = pem_encode("OPENSSH PRIVATE KEY", data, size, 70, &text);
	} else {
		r = keyfile_pem_parse_der(labels[door - 2], data, size, &k);
		if (r == 0)
			check_roundtrip(k);
		key_free(k);
		buf_free(&text);
		return 0;
	}
	if (r == 0) {
		if (keyfile_openssh_info(text.data, text.len, &info) == 0 && info.encrypted &&
		    info.rounds <= FUZZ_MAX_ROUNDS)
			pass = SEED_PASSPHRASE;
		(void)keyfile_openssh_detect(text.data, text.len);
		if (keyfile_openssh_parse(text.data, text.len, pass, &k) == 0)
			check_roundtrip(k);
		key_free(k);
	}
	buf_free(&text);
	return 0;
}
