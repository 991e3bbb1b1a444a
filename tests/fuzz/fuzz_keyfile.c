/* libFuzzer: keyfile_parse() on arbitrary bytes (Dropbear's format and whatever else
 * keyfile_parse detects). A key that parses must write back out in Dropbear's format and
 * read again with the same public half, print a public line and a fingerprint, and sign
 * something its own public half verifies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "err.h"
#include "key.h"
#include "keyfile.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct key *k)
{
	static const uint8_t msg[] = "fuzz";
	struct buf file, b1, b2, line, sig;
	struct key *k2 = NULL;
	char fp[KEY_FP_LEN];

	if (buf_init_secret(&file, 0, DB_MAX_KEYFILE) || buf_init(&b1, 0, DB_MAX_PUBKEY_BLOB) ||
	    buf_init(&b2, 0, DB_MAX_PUBKEY_BLOB) || buf_init(&line, 0, 1 << 16) ||
	    buf_init(&sig, 0, 1 << 14))
		abort();
	if (!key_is_private(k) || keyfile_dropbear_put(k, &file) != 0 ||
	    keyfile_parse(file.data, file.len, &k2) != 0)
		abort();
	if (key_put_blob(k, &b1) || key_put_blob(k2, &b2) || b1.len != b2.len ||
	    memcmp(b1.data, b2.data, b1.len) != 0 || !key_equal_public(k, k2))
		abort();
	if (keyfile_public_line(k, "fuzz", &line) != 0 || key_fingerprint(k, fp, sizeof(fp)) != 0)
		abort();
	/* A parsed private key is consistent, so it signs and verifies; big RSA moduli
	 * are skipped only to keep the fuzzer fast. */
	if (key_bits(k) <= 4096) {
		const char *alg = key_type(k) == KEY_RSA ? "rsa-sha2-256" : key_type_name(key_type(k));
		if (key_sign(k, alg, msg, sizeof(msg), &sig) != 0 ||
		    key_verify(k2, alg, sig.data, sig.len, msg, sizeof(msg)) != 0)
			abort();
	}
	key_free(k2);
	buf_free(&file);
	buf_free(&b1);
	buf_free(&b2);
	buf_free(&line);
	buf_free(&sig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct key *k = NULL;
	int r;

	if (crypto_init() != 0)
		return 0;
	r = keyfile_parse(data, size, &k);
	if ((r == 0) != (k != NULL))
		abort();
	if (k)
		check(k);
	key_free(k);
	return 0;
}
