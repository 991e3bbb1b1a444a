/* fuzz_memo.h: the whole-connection targets (fuzz_server, fuzz_server_conn, fuzz_client)
 * remember the last results of the pure Curve25519 functions (X25519, Ed25519 public
 * key, sign, verify), which are most of their
 * time per input and give the same answer for the same arguments in input after input:
 * the random generator restarts from its fixed seed for every input (DB_FUZZ), so the
 * ephemeral X25519 scalars, the client's and server's public values of an unchanged key
 * exchange and the exchange hash the host key signs are the same each time. A call whose
 * arguments match a remembered one byte for byte returns that result; any other runs
 * the real function. Nothing a connection parses is skipped: only recomputing a value
 * already computed from exactly the same bytes. (The functions themselves are checked
 * against the RFC 7748 and RFC 8032 vectors by the unit tests.)
 *
 * Measured with callgrind on the fuzzing objects without sanitizers (fuzz_server_conn,
 * its "exec" seed): X25519 was 45% of the connection process's instructions and the
 * signer's Ed25519 signature 82% of the signer's.
 *
 * A target links with
 *   -Wl,--wrap=x25519,--wrap=x25519_base,--wrap=ed25519_pubkey,--wrap=ed25519_sign,
 *   --wrap=ed25519_verify
 */
#ifndef FUZZ_MEMO_H
#define FUZZ_MEMO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "curve25519.h"

#define FZ_MEMO_N 8      /* entries per function, replaced round robin */
#define FZ_MEMO_MSG 256  /* longest message remembered (an exchange hash is 32..64) */

int __real_x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32]);
int __wrap_x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32]);
void __real_x25519_base(uint8_t out[32], const uint8_t scalar[32]);
void __wrap_x25519_base(uint8_t out[32], const uint8_t scalar[32]);
void __real_ed25519_pubkey(uint8_t pk[32], const uint8_t seed[32]);
void __wrap_ed25519_pubkey(uint8_t pk[32], const uint8_t seed[32]);
void __real_ed25519_sign(uint8_t sig[64], const uint8_t *m, size_t mlen, const uint8_t seed[32],
                         const uint8_t pk[32]);
void __wrap_ed25519_sign(uint8_t sig[64], const uint8_t *m, size_t mlen, const uint8_t seed[32],
                         const uint8_t pk[32]);
int __real_ed25519_verify(const uint8_t sig[64], const uint8_t *m, size_t mlen,
                          const uint8_t pk[32]);
int __wrap_ed25519_verify(const uint8_t sig[64], const uint8_t *m, size_t mlen,
                          const uint8_t pk[32]);

/* One remembered call: its arguments as one byte string, and its result. */
struct fz_memo {
	uint8_t arg[32 + 32 + 64 + FZ_MEMO_MSG];
	size_t arglen;
	uint8_t out[64];
	int ret;
};

struct fz_memo_set {
	struct fz_memo e[FZ_MEMO_N];
	unsigned used, next;
};

static struct fz_memo *fz_memo_find(struct fz_memo_set *s, const uint8_t *arg, size_t n)
{
	unsigned i;

	for (i = 0; i < s->used; i++)
		if (s->e[i].arglen == n && memcmp(s->e[i].arg, arg, n) == 0)
			return &s->e[i];
	return NULL;
}

static struct fz_memo *fz_memo_add(struct fz_memo_set *s, const uint8_t *arg, size_t n)
{
	struct fz_memo *e = &s->e[s->next];

	s->next = (s->next + 1) % FZ_MEMO_N;
	if (s->used < FZ_MEMO_N)
		s->used++;
	memcpy(e->arg, arg, n);
	e->arglen = n;
	return e;
}

int __wrap_x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32])
{
	static struct fz_memo_set s;
	uint8_t arg[64];
	struct fz_memo *e;

	memcpy(arg, scalar, 32);
	memcpy(arg + 32, point, 32);
	if (!(e = fz_memo_find(&s, arg, sizeof(arg)))) {
		uint8_t o[32];
		int r = __real_x25519(o, scalar, point);
		e = fz_memo_add(&s, arg, sizeof(arg));
		memcpy(e->out, o, 32);
		e->ret = r;
	}
	memcpy(out, e->out, 32);
	return e->ret;
}

void __wrap_x25519_base(uint8_t out[32], const uint8_t scalar[32])
{
	static struct fz_memo_set s;
	struct fz_memo *e;

	if (!(e = fz_memo_find(&s, scalar, 32))) {
		uint8_t o[32];
		__real_x25519_base(o, scalar);
		e = fz_memo_add(&s, scalar, 32);
		memcpy(e->out, o, 32);
	}
	memcpy(out, e->out, 32);
}

void __wrap_ed25519_pubkey(uint8_t pk[32], const uint8_t seed[32])
{
	static struct fz_memo_set s;
	struct fz_memo *e;

	if (!(e = fz_memo_find(&s, seed, 32))) {
		uint8_t o[32];
		__real_ed25519_pubkey(o, seed);
		e = fz_memo_add(&s, seed, 32);
		memcpy(e->out, o, 32);
	}
	memcpy(pk, e->out, 32);
}

void __wrap_ed25519_sign(uint8_t sig[64], const uint8_t *m, size_t mlen, const uint8_t seed[32],
                         const uint8_t pk[32])
{
	static struct fz_memo_set s;
	uint8_t arg[64 + FZ_MEMO_MSG];
	struct fz_memo *e;

	if (mlen > FZ_MEMO_MSG) {
		__real_ed25519_sign(sig, m, mlen, seed, pk);
		return;
	}
	memcpy(arg, seed, 32);
	memcpy(arg + 32, pk, 32);
	memcpy(arg + 64, m, mlen);
	if (!(e = fz_memo_find(&s, arg, 64 + mlen))) {
		uint8_t o[64];
		__real_ed25519_sign(o, m, mlen, seed, pk); /* sig may overlap m */
		e = fz_memo_add(&s, arg, 64 + mlen);
		memcpy(e->out, o, 64);
	}
	memcpy(sig, e->out, 64);
}

int __wrap_ed25519_verify(const uint8_t sig[64], const uint8_t *m, size_t mlen,
                          const uint8_t pk[32])
{
	static struct fz_memo_set s;
	uint8_t arg[96 + FZ_MEMO_MSG];
	struct fz_memo *e;

	if (mlen > FZ_MEMO_MSG)
		return __real_ed25519_verify(sig, m, mlen, pk);
	memcpy(arg, sig, 64);
	memcpy(arg + 64, pk, 32);
	if (mlen)
		memcpy(arg + 96, m, mlen);
	if (!(e = fz_memo_find(&s, arg, 96 + mlen))) {
		int r = __real_ed25519_verify(sig, m, mlen, pk);
		e = fz_memo_add(&s, arg, 96 + mlen);
		e->ret = r;
	}
	return e->ret;
}

#endif
