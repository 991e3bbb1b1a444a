/* libFuzzer: KEXINIT parsing and negotiation (RFC 4253 7.1). The input is the peer's
 * KEXINIT payload; it is negotiated against our default proposal in both roles (we as
 * the server with the input as the client's, and the reverse), and against itself. On
 * success the result must be coherent: a method, a NUL-terminated host key name that our
 * side offered, a cipher per direction, a MAC exactly when the cipher is not AEAD, a
 * known compression. Any incoherence aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "err.h"
#include "kex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HOSTKEYS "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256"

static struct buf our[2]; /* [0] our client KEXINIT, [1] our server KEXINIT */
static int ready;

static void setup(void)
{
	struct kex_proposal p;
	int side;

	if (crypto_init() != 0)
		abort();
	for (side = 0; side < 2; side++) {
		if (kex_proposal_make(&p, side == 0, HOSTKEYS, NULL, NULL, NULL, 1) != 0 ||
		    buf_init(&our[side], 0, 65536) != 0 || kex_put_kexinit(&p, &our[side]) != 0)
			abort();
		kex_proposal_free(&p);
	}
	ready = 1;
}

static void check(int err, const struct kex_result *r, const char *which, int ours_known)
{
	int d;

	if (err) {
		if (which == NULL || r->kex != NULL || r->cipher[0] != NULL)
			abort();
		return;
	}
	if (which != NULL || !r->kex || !memchr(r->hostkey_alg, 0, sizeof(r->hostkey_alg)))
		abort();
	if (ours_known && !strstr(HOSTKEYS, r->hostkey_alg))
		abort();
	for (d = 0; d < 2; d++) {
		if (!r->cipher[d] || (cipher_is_aead(r->cipher[d]) != (r->mac[d] == NULL)))
			abort();
		if (r->comp[d] != COMP_NONE && r->comp[d] != COMP_ZLIB &&
		    r->comp[d] != COMP_ZLIB_DELAYED)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kex_result r;
	const char *which;
	int err;

	if (!ready)
		setup();
	/* we are the server; the input is the client's KEXINIT */
	which = "unset";
	err = kex_negotiate(data, size, our[1].data, our[1].len, 0, &r, &which);
	check(err, &r, which, 1);
	/* we are the client; the input is the server's KEXINIT */
	which = "unset";
	err = kex_negotiate(our[0].data, our[0].len, data, size, 1, &r, &which);
	check(err, &r, which, 1);
	/* both sides from the input: every name-list rule on both parses */
	which = "unset";
	err = kex_negotiate(data, size, data, size, 1, &r, &which);
	check(err, &r, which, 0);
	return 0;
}
