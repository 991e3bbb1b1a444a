/* libFuzzer: the peer's public value of every key exchange method compiled in (kex_algs:
 * curve25519-sha256 and its libssh name, ecdh-sha2-nistp256/384/521, diffie-hellman
 * group14-sha1, group14-sha256, group16-sha512, mlkem768x25519-sha256, sntrup761x25519),
 * in both roles, through the same kex_ops calls the server (svr_kex_init) and the client
 * make. fuzz_kex_mlkem and fuzz_kex_sntrup go deeper into the two hybrids.
 *
 * Input: byte method (index into kex_algs, modulo their number) || byte mode || the value.
 * Mode even: the server reads the client's value (encaps); mode odd: the client makes its
 * key pair and reads the server's value (decaps). Mode bit 1 instead XORs the input over a
 * valid value of that method (made here) so that the right-length paths (point checks,
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static size_t nalgs;
	const struct kex_ops *kx;
	struct buf in, pub, k, ours, val;
	uint8_t mode, *mix = NULL;
	void *st = NULL;
	int r;

	if (!nalgs) {
		if (crypto_init())
			abort();
		while (kex_algs[nalgs])
			nalgs++;
	}
	if (size < 2 || size > MAX_VALUE + 2)
		return 0;
	kx = kex_algs[data[0] % nalgs];
	mode = data[1];
	data += 2, size -= 2;
	if (buf_init(&pub, 256, MAX_VALUE) || buf_init_secret(&k, 256, 4096) ||
	    buf_init(&ours, 256, MAX_VALUE) || buf_init(&val, 256, MAX_VALUE))
		abort();
	if (mode & 1) {
		/* the client: our key pair first */
		if (kx->keypair(&st, &ours))
			abort();
		if (mode & 2) {
			/* a valid server reply to it, from the server side of the same method */
			struct buf q, spub, sk;
			buf_view(&q, ours.data, ours.len);
			if (buf_init(&spub, 256, MAX_VALUE) || buf_init_secret(&sk, 256, 4096) ||
			    kx->encaps(&q, &spub, &sk) || buf_put_bytes(&val, spub.data, spub.len))
				abort();
			buf_free(&spub);
			buf_free(&sk);
		}
	} else if (mode & 2) {
		/* a valid client value: a client's key pair */
		void *cst = NULL;
		if (kx->keypair(&cst, &val))
			abort();
		kx->free_state(cst);
	}
	if (mode & 2) {
		size_t i, n = val.len;
		/* first two input bytes: the length change (-128..127), the rest XORed over */
		if (size >= 1) {
			n = (size_t)((long)val.len + (int8_t)data[0]);
			if ((long)n < 0 || n > MAX_VALUE)
				n = val.len;
			data++, size--;
		}
		if (!(mix = calloc(1, n ? n : 1)))
			abort();
		memcpy(mix, val.data, n < val.len ? n : val.len);
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
	if ((mode & 2) && r != 0 && in.len == val.len && memcmp(mix, val.data, val.len) == 0)
		abort();
	free(mix);
	if (st)
		kx->free_state(st);
	buf_free(&pub);
	buf_free(&k);
	buf_free(&ours);
	buf_free(&val);
	return 0;
}
