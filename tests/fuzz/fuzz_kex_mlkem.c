/* libFuzzer: mlkem768x25519-sha256's handling of the peer's KEM message, both roles,
 * and ML-KEM-768 encapsulation/decapsulation of arbitrary inputs.
 *
 * The first byte picks the mode; the rest is the input:
 *   0: server side, the client's KEX_ECDH_INIT body as it comes (string Q_C)
 *   1: client side, the server's value as it comes (string Q_S)
 *   2, 3: as 0 and 1, but the input is XORed over a valid value and its first two bytes
 *      set the length, so that the fuzzer reaches the right-length paths (modulus check,
 *      implicit rejection, low-order X25519) instead of only the length checks
 *   4: raw mlkem768_encaps on the input as ek, and mlkem768_decaps on it as ciphertext
 * Invariants (abort on violation): a value is accepted only when it is a string of exactly
 * 1216 (Q_C) or 1120 (Q_S) bytes, then K is a 32-byte string and the reply is 1120 bytes;
 * encaps accepts an ek exactly when it is 1184 bytes with every 12-bit value below q
 * (checked here independently); decaps accepts exactly the 1088-byte inputs, and a
 * ciphertext other than the one encapsulated gives another key. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "crypto/mlkem768.h"
#include "err.h"
#include "kex.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if DB_KEX_MLKEM768X25519

#define QC_LEN 1216
#define QS_LEN 1120

static const struct kex_ops *const kx = &kex_mlkem768x25519_sha256;
static void *cst;                       /* a client state */
static struct buf qc, qs, kref;         /* its Q_C, a server reply to it, the K of both */
static uint8_t ek[MLKEM768_EK_LEN], dk[MLKEM768_DK_LEN], ct[MLKEM768_CT_LEN], ss[32];
static int ready;

static void setup(void)
{
	struct buf in;

	if (crypto_init() != 0 || buf_init(&qc, 0, 4096) || buf_init(&qs, 0, 4096) ||
	    buf_init_secret(&kref, 0, 256) || kx->keypair(&cst, &qc) != 0)
		abort();
	buf_view(&in, qc.data, qc.len);
	if (kx->encaps(&in, &qs, &kref) != 0 || mlkem768_keypair(ek, dk) != 0 ||
	    mlkem768_encaps(ct, ss, ek, sizeof(ek)) != 0)
		abort();
	ready = 1;
}

static int ek_valid(const uint8_t *p, size_t n)
{
	size_t i;
	if (n != MLKEM768_EK_LEN)
		return 0;
	for (i = 0; i < 1152; i += 3)
		if ((p[i] | (p[i + 1] & 15) << 8) >= 3329 || (p[i + 1] >> 4 | p[i + 2] << 4) >= 3329)
			return 0;
	return 1;
}

/* The bytes fed to encaps/decaps and whether they are a well-formed string of want. */
static void feed(int server, const uint8_t *p, size_t n)
{
	struct buf in, pub, K;
	const uint8_t *s;
	size_t sl, want = server ? QC_LEN : QS_LEN;
	int r, wellformed;

	buf_view(&in, p, n);
	wellformed = buf_get_string(&in, &s, &sl) == 0 && sl == want;
	if (buf_init(&pub, 0, 4096) || buf_init_secret(&K, 0, 256))
		abort();
	buf_view(&in, p, n);
	r = server ? kx->encaps(&in, &pub, &K) : kx->decaps(cst, &in, &K);
	if (r == 0) {
		if (!wellformed || K.len != 36 || buf_avail(&in) != n - 4 - want)
			abort();
		if (server && pub.len != 4 + QS_LEN)
			abort();
	} else if (server && wellformed && ek_valid(s, MLKEM768_EK_LEN) && r != ERR_CRYPTO) {
		abort(); /* only a low-order X25519 part may refuse a well-formed valid ek */
	} else if (!server && wellformed && r != ERR_CRYPTO) {
		abort(); /* a Q_S of the right length is never refused but for low order */
	}
	buf_free(&pub);
	buf_free(&K);
}

/* Mode 2/3: the input XORed over the valid value, length from the first two bytes. */
static void feed_mutated(int server, const uint8_t *p, size_t n)
{
	const struct buf *ref = server ? &qc : &qs;
	size_t len, i;
	uint8_t *m;

	if (n < 2)
		return;
	len = ((size_t)p[0] << 8 | p[1]) % (ref->len + 64);
	p += 2;
	n -= 2;
	if (!(m = calloc(1, len + 1)))
		abort();
	memcpy(m, ref->data, len < ref->len ? len : ref->len);
	for (i = 0; i < n && i < len; i++)
		m[i] ^= p[i];
	feed(server, m, len);
	free(m);
}

static void raw(const uint8_t *p, size_t n)
{
	uint8_t c[MLKEM768_CT_LEN], k[32], k2[32];
	int r = mlkem768_encaps(c, k, p, n);

	if ((r == 0) != ek_valid(p, n))
		abort();
	r = mlkem768_decaps(k2, p, n, dk, sizeof(dk));
	if ((r == 0) != (n == MLKEM768_CT_LEN))
		abort();
	if (r == 0 && memcmp(p, ct, n) != 0 && memcmp(k2, ss, 32) == 0)
		abort();
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#if DB_KEX_MLKEM768X25519
	if (!ready)
		setup();
	if (size < 1)
		return 0;
	switch (data[0] % 5) {
	case 0: feed(1, data + 1, size - 1); break;
	case 1: feed(0, data + 1, size - 1); break;
	case 2: feed_mutated(1, data + 1, size - 1); break;
	case 3: feed_mutated(0, data + 1, size - 1); break;
	default: raw(data + 1, size - 1); break;
	}
#else
	(void)data;
	(void)size;
#endif
	return 0;
}
