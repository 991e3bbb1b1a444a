/* libFuzzer: the peer's public value of every key exchange method compiled in (kex_algs:
 * curve25519-sha256 and its libssh name, ecdh-sha2-nistp256/384/521, diffie-hellman
 * group14-sha1, group14-sha256, group16-sha512, mlkem768x25519-sha256, sntrup761x25519),
 * in both roles, through the same kex_ops calls the server (svr_kex_init) and the client
 * make. fuzz_kex_mlkem and fuzz_kex_sntrup go deeper into the two hybrids.
 *
 * Input: byte method (index into kex_algs, modulo their number) || byte mode || the value.
 * Mode even: the server reads the client's value (encaps); mode odd: the client makes its
 * key pair and reads the server's value (decaps). Mode bit 1 instead XORs the input over a
 * valid value of that method (made once per method, as is the client key pair) so that the right-length paths (point checks,
 * range checks, low-order results) are reached. Invariants (abort on violation): on
 * success K is a non-empty SSH string or mpint and the server's reply is non-empty; a
 * valid value of the method (the XOR with nothing) is accepted. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "err.h"
#include "kex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_VALUE 8192

/* Per method, made once on first use: a client key pair (its state and public value) and
 * a valid server reply to it. Making them for each input (a 4096-bit modular
 * exponentiation for group16, an sntrup761 key generation) was most of this target's
 * time; which valid key pair the fuzzed value meets does not matter (decaps only reads
 * the state), and a fixed one makes an input replay the same way. */
#define MAX_ALGS 32
static struct {
	void *st;
	struct buf ours, reply;
	int ready;
} pairs[MAX_ALGS];

static void make_pair(size_t i)
{
	const struct kex_ops *kx = kex_algs[i];
	struct buf q, sk;

	if (buf_init(&pairs[i].ours, 256, MAX_VALUE) || buf_init(&pairs[i].reply, 256, MAX_VALUE) ||
	    buf_init_secret(&sk, 256, 4096) || kx->keypair(&pairs[i].st, &pairs[i].ours))
		abort();
	buf_view(&q, pairs[i].ours.data, pairs[i].ours.len);
	if (kx->encaps(&q, &pairs[i].reply, &sk))
		abort();
	buf_free(&sk);
	pairs[i].ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static size_t nalgs;
	const struct kex_ops *kx;
	struct buf in, pub, k;
	const struct buf *val = NULL;
	uint8_t mode, *mix = NULL;
	void *st = NULL;
	size_t alg;
	int r;

	if (!nalgs) {
		if (crypto_init())
			abort();
		while (kex_algs[nalgs])
			nalgs++;
		if (nalgs > MAX_ALGS)
			abort();
	}
	if (size < 2 || size > MAX_VALUE + 2)
		return 0;
	alg = data[0] % nalgs;
	kx = kex_algs[alg];
	mode = data[1];
	data += 2, size -= 2;
	if (!pairs[alg].ready)
		make_pair(alg);
	if (buf_init(&pub, 256, MAX_VALUE) || buf_init_secret(&k, 256, 4096))
		abort();
	if (mode & 1) {
		/* the client: our key pair, and with mode bit 1 a valid server reply to it */
		st = pairs[alg].st;
		val = &pairs[alg].reply;
	} else {
		/* the server: a valid client value is a client's public value */
		val = &pairs[alg].ours;
	}
	if (mode & 2) {
		size_t i, n = val->len;
		/* first two input bytes: the length change (-128..127), the rest XORed over */
		if (size >= 1) {
			n = (size_t)((long)val->len + (int8_t)data[0]);
			if ((long)n < 0 || n > MAX_VALUE)
				n = val->len;
			data++, size--;
		}
		if (!(mix = calloc(1, n ? n : 1)))
			abort();
		memcpy(mix, val->data, n < val->len ? n : val->len);
		for (i = 0; i < n && i < size; i++)
			mix[i] ^= data[i];
		buf_view(&in, mix, n);
	} else {
		buf_view(&in, data, size);
	}
	if (mode & 1)
		r = kx->decaps(st, &in, &k);
	else
		r = kx->encaps(&in, &pub, &k);
	if (r == 0 && (k.len < 5 || (!(mode & 1) && pub.len == 0)))
		abort();
	/* the unchanged valid value must pass */
	if ((mode & 2) && r != 0 && in.len == val->len && memcmp(mix, val->data, val->len) == 0)
		abort();
	free(mix);
	buf_free(&pub);
	buf_free(&k);
	return 0;
}
