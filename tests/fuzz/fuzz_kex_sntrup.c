/* libFuzzer: the sntrup761x25519-sha512 key exchange fed malformed KEM messages. The first
 * input byte picks the path, the rest is the peer's bytes:
 *   0: the server's encaps() on a client KEX_ECDH_INIT body (string Q_C);
 *   1: the client's decaps() on the Q_S field of a server reply, with a fixed key pair;
 *   2: sntrup761_dec() on the bytes as a ciphertext (padded or cut to 1039), twice;
 *   3: sntrup761_enc() on the bytes as a public key (padded or cut to 1158).
 * Whatever the bytes, a success must have consumed exactly one string of the right
 * length and produced a 64-byte string K; a failure must say so and touch nothing else;
 * decapsulation never fails and is deterministic (implicit rejection). Anything else
 * aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "crypto/sntrup761.h"
#include "err.h"
#include "kex.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if DB_KEX_SNTRUP761X25519

#define QC_LEN (SNTRUP761_PUBLICKEY_BYTES + 32)
#define QS_LEN (SNTRUP761_CIPHERTEXT_BYTES + 32)

static const struct kex_ops *kx = &kex_sntrup761x25519_sha512;
static void *client_state;
static uint8_t sk[SNTRUP761_SECRETKEY_BYTES], pk[SNTRUP761_PUBLICKEY_BYTES];
static int ready;

static void setup(void)
{
	struct buf pub;

	if (crypto_init() != 0 || buf_init(&pub, 0, 4096) != 0 ||
	    kx->keypair(&client_state, &pub) != 0 || sntrup761_keypair(pk, sk) != 0)
		abort();
	buf_free(&pub);
	ready = 1;
}

static void check_k(const struct buf *K)
{
	if (K->len != 68 || K->data[0] || K->data[1] || K->data[2] || K->data[3] != 64)
		abort();
}

static void run_kex(int server, const uint8_t *p, size_t n)
{
	struct buf in, pub, K;
	int r;

	if (buf_init(&pub, 0, 4096) != 0 || buf_init_secret(&K, 0, 256) != 0)
		abort();
	buf_view(&in, p, n);
	r = server ? kx->encaps(&in, &pub, &K) : kx->decaps(client_state, &in, &K);
	if (r == 0) {
		size_t want = 4 + (server ? QC_LEN : QS_LEN);
		if (n - buf_avail(&in) != want)
			abort();
		check_k(&K);
		if (server && pub.len != 4 + QS_LEN)
			abort();
	} else if (r != ERR_INVALID && r != ERR_CRYPTO && r != ERR_TRUNCATED &&
		   r != ERR_TOOBIG && r != ERR_FORMAT) {
		/* no other error can come from a peer's bytes */
		abort();
	}
	buf_free(&pub);
	buf_free(&K);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t buf[SNTRUP761_PUBLICKEY_BYTES], ss1[32], ss2[32];
	uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES];

	if (!ready)
		setup();
	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
		run_kex(1, data + 1, size - 1);
		break;
	case 1:
		run_kex(0, data + 1, size - 1);
		break;
	case 2:
		memset(buf, 0, sizeof(buf));
		memcpy(buf, data + 1, size - 1 < SNTRUP761_CIPHERTEXT_BYTES ? size - 1 :
				      SNTRUP761_CIPHERTEXT_BYTES);
		sntrup761_dec(ss1, buf, sk);
		sntrup761_dec(ss2, buf, sk);
		if (memcmp(ss1, ss2, 32) != 0)
			abort();
		break;
	default:
		memset(buf, 0, sizeof(buf));
		memcpy(buf, data + 1, size - 1 < sizeof(buf) ? size - 1 : sizeof(buf));
		if (sntrup761_enc(ct, ss1, buf) != 0)
			abort();
		break;
	}
	return 0;
}

#else

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}

#endif
