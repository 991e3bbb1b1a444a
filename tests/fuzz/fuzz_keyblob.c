/* libFuzzer: a public key blob from a peer, then a signature blob against it.
 *
 * Input: a 2-byte big-endian length, that many bytes of key blob, and the rest as the
 * signature blob. The signature is checked under the algorithm it names (when the key
 * may use it) and under the key's own type name, over fixed data. A blob that parses
 * must encode back to exactly the same bytes (every field is canonical: fixed lengths,
 * minimal mpints, validated points). No input may verify: the fuzzer would have to
 * forge a signature. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "err.h"
#include "key.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t msg[] = "data the fuzzer cannot sign";
	struct buf in, sigv, out;
	const uint8_t *blob, *sig, *name;
	uint8_t hi, lo;
	size_t bloblen, siglen, namelen;
	struct key *k = NULL;
	char alg[65], fp[KEY_FP_LEN];
	int r;

	if (crypto_init() != 0)
		return 0;
	buf_view(&in, data, size);
	if (buf_get_u8(&in, &hi) || buf_get_u8(&in, &lo))
		return 0;
	bloblen = (size_t)hi << 8 | lo;
	if (buf_get_raw(&in, &blob, bloblen) != 0)
		return 0;
	siglen = buf_avail(&in);
	if (buf_get_raw(&in, &sig, siglen) != 0)
		abort();

	r = key_from_blob(blob, bloblen, &k);
	if ((r == 0) != (k != NULL))
		abort();
	if (!k)
		return 0;
	if (key_is_private(k) || buf_init(&out, 0, DB_MAX_PUBKEY_BLOB) != 0)
		abort();
	if (key_put_blob(k, &out) != 0 || out.len != bloblen || memcmp(out.data, blob, bloblen))
		abort();
	if (key_fingerprint(k, fp, sizeof(fp)) != 0)
		abort();
	buf_free(&out);

	/* the algorithm the signature names, if it is a plausible name */
	buf_view(&sigv, sig, siglen);
	if (buf_get_string(&sigv, &name, &namelen) == 0 && namelen < sizeof(alg) &&
	    !memchr(name, 0, namelen)) {
		memcpy(alg, name, namelen);
		alg[namelen] = '\0';
		r = key_verify(k, alg, sig, siglen, msg, sizeof(msg));
		if (r == 0 || (r == ERR_UNSUPPORTED && key_sig_alg_ok(k, alg, namelen)))
			abort();
	}
	if (key_verify(k, key_type_name(key_type(k)), sig, siglen, msg, sizeof(msg)) == 0)
		abort();
	key_free(k);
	return 0;
}
