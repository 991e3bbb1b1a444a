/* crypto.c: typed wrappers over libtomcrypt for hashes, HMAC, AES-CTR, AES-GCM,
 * ChaCha20 and Poly1305, and our random generator (a fast-key-erasure ChaCha20
 * keystream seeded from getrandom()). base64 lives in base64.c. */
#include "crypto.h"
#include "crypto/chacha_avx2.h"
#include "crypto/ltcmath.h"
#include "crypto/poly1305_64.h"
#include "crypto/sha256ni.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "err.h"
#include "options.h"
#include "util.h"

/* ---------------------------------------------------------------- random */

/* Reseed from the kernel after this much output, so that a compromise of the state
 * exposes at most this window of future output. */
#define RAND_RESEED_BYTES (1u << 20)

struct rand_state {
	uint8_t key[32];
	pid_t pid;        /* process that last seeded; a different pid means a fork */
	size_t since;     /* bytes produced since the last reseed */
	int seeded;       /* 0 also after a fork when the page is MADV_WIPEONFORK */
};

/* 1 once MADV_WIPEONFORK took: a fork then zeroes the state by itself, so rand_bytes
 * need not ask getpid() (a system call per packet, for the padding) each time. */
static int rand_wiped_on_fork;

static struct rand_state rand_static;
static struct rand_state *rng;

/* Fills buf with n bytes from the kernel: getrandom(), retried on EINTR and short
 * reads; /dev/urandom only when the kernel lacks getrandom (ENOSYS, before 3.17). */
static int os_random(uint8_t *buf, size_t n)
{
	size_t got = 0;
	int fd;

	while (got < n) {
		ssize_t r = getrandom(buf + got, n - got, 0);
		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == ENOSYS)
			break;
		return ERR_IO;
	}
	if (got == n)
		return 0;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ERR_IO;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		close(fd);
		return ERR_IO;
	}
	close(fd);
	return 0;
}

/* The state lives on its own page marked MADV_WIPEONFORK (Linux 4.14+): a child
 * then starts with seeded == 0 even when its pid happens to equal the recorded one
 * (pid reuse after the recording ancestor died). The pid check covers older kernels.
 * MADV_DONTDUMP keeps the key out of core files. */
static struct rand_state *rand_get_state(void)
{
	void *p;

	if (rng)
		return rng;
	p = mmap(NULL, sizeof(struct rand_state), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		rng = &rand_static;
		return rng;
	}
#ifdef MADV_WIPEONFORK
	rand_wiped_on_fork = madvise(p, sizeof(struct rand_state), MADV_WIPEONFORK) == 0;
#endif
#ifdef MADV_DONTDUMP
	(void)madvise(p, sizeof(struct rand_state), MADV_DONTDUMP);
#endif
	rng = p;
	return rng;
}

static int rand_reseed(struct rand_state *s)
{
	uint8_t seed[32];
#ifdef DB_FUZZ
	/* The fuzzing build (-DDB_FUZZ, tests/fuzz/ only): a fixed seed, so that an input
	 * replays the same connection (a finding must reproduce). */
	int err = 0;
	memset(seed, 0x5a, sizeof seed);
	(void)os_random;
#else
	int err = os_random(seed, sizeof seed);
#endif

	if (err) {
		wipe(seed, sizeof seed);
		return err;
	}
	memcpy(s->key, seed, sizeof seed);
	wipe(seed, sizeof seed);
	s->pid = getpid();
	s->since = 0;
	s->seeded = 1;
	return 0;
}

/* One request of at most RAND_RESEED_BYTES: the first 32 bytes of the keystream
 * become the next key (fast key erasure), the rest is output, so the state after
 * the call cannot reproduce anything already handed out. */
static int rand_chunk(struct rand_state *s, uint8_t *out, size_t n)
{
	static const uint8_t nonce[8];
	chacha_state cs;
	uint8_t next[32];
	int err = ERR_CRYPTO;

	if (chacha_setup(&cs, s->key, sizeof s->key, 20) != CRYPT_OK ||
	    chacha_ivctr64(&cs, nonce, sizeof nonce, 0) != CRYPT_OK ||
	    chacha_keystream(&cs, next, sizeof next) != CRYPT_OK ||
	    (n && chacha_keystream(&cs, out, n) != CRYPT_OK))
		goto out;
	memcpy(s->key, next, sizeof next);
	s->since += n;
	err = 0;
out:
	wipe(next, sizeof next);
	wipe(&cs, sizeof cs);
	return err;
}

int rand_bytes(void *out, size_t n)
{
	struct rand_state *s = rand_get_state();
	uint8_t *p = out;
	int err;

	if (n == 0)
		return 0;
	do {
		size_t k = n < RAND_RESEED_BYTES ? n : RAND_RESEED_BYTES;

		if (!s->seeded || (!rand_wiped_on_fork && s->pid != getpid())) {
			/* First use or a forked child: must not run on the old state. */
			if ((err = rand_reseed(s)) != 0) {
				wipe(out, (size_t)(p - (uint8_t *)out));
				return err;
			}
		} else if (s->since >= RAND_RESEED_BYTES) {
			/* Periodic reseed: on failure the current key is still good. */
			(void)rand_reseed(s);
		}
		if ((err = rand_chunk(s, p, k)) != 0) {
			wipe(out, (size_t)(p - (uint8_t *)out));
			return err;
		}
		p += k;
		n -= k;
	} while (n);
	return 0;
}

#ifdef DB_FUZZ
void rand_fuzz_reset(void)
{
	rand_get_state()->seeded = 0;
}
#endif

/* Rejection sampling: values below 2^32 mod bound would make the low residues more
 * likely, so they are drawn again (fewer than half the draws for any bound). There is
 * no error return: without randomness there is nothing safe to return. */
uint32_t rand_uniform(uint32_t bound)
{
	uint32_t r, min;

	if (bound < 2)
		return 0;
	min = (uint32_t)-bound % bound;
	for (;;) {
		if (rand_bytes(&r, sizeof r) != 0)
			abort();
		if (r >= min)
			return r % bound;
	}
}

/* Our generator behind libtomcrypt's PRNG interface. The prng_state is unused: there
 * is one generator per process. */
static int prng_start(prng_state *p) { (void)p; return CRYPT_OK; }
static int prng_add_entropy(const unsigned char *in, unsigned long inlen, prng_state *p)
{
	(void)in; (void)inlen; (void)p;
	return CRYPT_OK;
}
static int prng_ready(prng_state *p) { (void)p; return CRYPT_OK; }
static unsigned long prng_read(unsigned char *out, unsigned long outlen, prng_state *p)
{
	(void)p;
	return rand_bytes(out, outlen) == 0 ? outlen : 0;
}
static int prng_done(prng_state *p) { (void)p; return CRYPT_OK; }
/* Exporting the state of the system generator would defeat it: refused. */
static int prng_export(unsigned char *out, unsigned long *outlen, prng_state *p)
{
	(void)out; (void)outlen; (void)p;
	return CRYPT_INVALID_ARG;
}
static int prng_import(const unsigned char *in, unsigned long inlen, prng_state *p)
{
	(void)in; (void)inlen; (void)p;
	return CRYPT_INVALID_ARG;
}
static int prng_test(void) { return CRYPT_NOP; }

static const struct ltc_prng_descriptor our_prng_desc = {
	"ssh-chacha20-getrandom", 0,
	prng_start, prng_add_entropy, prng_ready, prng_read, prng_done,
	prng_export, prng_import, prng_test,
};
/* What a build registers and lists follows options.h, so that section GC drops the rest:
 * SHA-1 serves ssh-rsa, hmac-sha1, group14-sha1 and known_hosts hashing; SHA-384 the
 * nistp384 keys and ECDH. A minimal build has neither (-1.8 KB: sha1 1.3, sha384 0.5).
 * AES is not libtomcrypt's (crypto/aes_ct.c): nothing to register. */
#define CRYPTO_SHA1   (DB_FULL || DB_KEY_RSA || DB_MAC_SHA1 || DB_KEX_DH_GROUP14_SHA1 || \
		       DB_SIG_SSH_RSA)
#define CRYPTO_SHA384 (DB_KEY_ECDSA || DB_KEX_ECDH)

static prng_state our_prng_state;
static int our_prng_idx = -1;
static int crypto_ready;

int crypto_init(void)
{
	if (crypto_ready)
		return 0;
#if DB_KEY_ECDSA || DB_KEX_ECDH
	/* libtomcrypt's big numbers: only its ECC point arithmetic (our RSA and DH call
	 * libtommath themselves); crypto/ltcmath.c has only what that calls */
	ltc_mp = ltc_math;
#endif
	if (register_hash(&sha256_desc) < 0 || register_hash(&sha512_desc) < 0)
		return ERR_CRYPTO;
#if CRYPTO_SHA1
	if (register_hash(&sha1_desc) < 0)
		return ERR_CRYPTO;
#endif
#if CRYPTO_SHA384
	if (register_hash(&sha384_desc) < 0)
		return ERR_CRYPTO;
#endif
	if ((our_prng_idx = register_prng(&our_prng_desc)) < 0)
		return ERR_CRYPTO;
	crypto_ready = 1;
	return 0;
}

prng_state *crypto_prng_state(void)
{
	(void)crypto_init();
	return &our_prng_state;
}

int crypto_prng_idx(void)
{
	if (crypto_init() != 0)
		return ERR_CRYPTO;
	return our_prng_idx;
}

/* ---------------------------------------------------------------- hashes */

/* Direct calls rather than hash_descriptor[] lookups: one table, no registration
 * needed for the hashes themselves. SHA-384 is SHA-512's compression function. */
struct hash_impl {
	int (*init)(hash_state *);
	int (*process)(hash_state *, const unsigned char *, unsigned long);
	int (*done)(hash_state *, unsigned char *);
	size_t len, block;
	const char *name;
};

static int fast_enabled = 1;

int crypto_fast_set(int on)
{
	int was = fast_enabled;
	fast_enabled = on;
	return was;
}

/* libtomcrypt's sha256_process with whole blocks on SHA-NI when the CPU has it. It
 * keeps libtomcrypt's state (length in bits, curlen, buf) exactly as sha256_process
 * would, so sha256_done finishes it and the paths may be mixed. */
static int sha256_proc(hash_state *md, const unsigned char *in, unsigned long n)
{
#if DB_FAST_CRYPTO && defined(__x86_64__)
	struct sha256_state *s = &md->sha256;

	if (!fast_enabled || !sha256ni_available())
		return sha256_process(md, in, n);
	if (s->curlen >= sizeof s->buf || s->length + (ulong64)n * 8 < s->length)
		return CRYPT_INVALID_ARG;
	while (n) {
		if (s->curlen == 0 && n >= 64) {
			size_t nb = n / 64;
			sha256ni_blocks((uint32_t *)s->state, in, nb);
			s->length += (ulong64)nb * 512;
			in += nb * 64;
			n -= nb * 64;
		} else {
			size_t m = 64 - s->curlen < n ? 64 - s->curlen : n;
			memcpy(s->buf + s->curlen, in, m);
			s->curlen += (ulong32)m;
			in += m;
			n -= m;
			if (s->curlen == 64) {
				sha256ni_blocks((uint32_t *)s->state, s->buf, 1);
				s->length += 512;
				s->curlen = 0;
			}
		}
	}
	return CRYPT_OK;
#else
	return sha256_process(md, in, n);
#endif
}

static const struct hash_impl hash_impls[] = {
#if CRYPTO_SHA1
	[HASH_SHA1] = { sha1_init, sha1_process, sha1_done, 20, 64, "sha1" },
#endif
	[HASH_SHA256] = { sha256_init, sha256_proc, sha256_done, 32, 64, "sha256" },
#if CRYPTO_SHA384
	[HASH_SHA384] = { sha384_init, sha512_process, sha384_done, 48, 128, "sha384" },
#endif
	[HASH_SHA512] = { sha512_init, sha512_process, sha512_done, 64, 128, "sha512" },
};

static const struct hash_impl *hash_get(enum hash_alg alg)
{
	if ((unsigned)alg >= ARRAY_SIZE(hash_impls) || !hash_impls[alg].init)
		return NULL; /* unknown, or left out of this build */
	return &hash_impls[alg];
}

size_t hash_len(enum hash_alg alg)
{
	const struct hash_impl *h = hash_get(alg);
	return h ? h->len : 0;
}

size_t hash_block(enum hash_alg alg)
{
	const struct hash_impl *h = hash_get(alg);
	return h ? h->block : 0;
}

int hash_ltc_idx(enum hash_alg alg)
{
	const struct hash_impl *h = hash_get(alg);
	int idx;

	if (!h)
		return ERR_UNSUPPORTED;
	if (crypto_init() != 0)
		return ERR_CRYPTO;
	idx = find_hash(h->name);
	return idx < 0 ? ERR_UNSUPPORTED : idx;
}

int hash_init(struct hash_ctx *c, enum hash_alg alg)
{
	const struct hash_impl *h = hash_get(alg);

	if (!h)
		return ERR_UNSUPPORTED;
	c->alg = alg;
	return h->init(&c->st) == CRYPT_OK ? 0 : ERR_CRYPTO;
}

int hash_update(struct hash_ctx *c, const void *p, size_t n)
{
	const struct hash_impl *h = hash_get(c->alg);

	if (!h)
		return ERR_INVALID;
	if (n == 0)
		return 0; /* libtomcrypt aborts on a NULL pointer even for no bytes */
	return h->process(&c->st, p, n) == CRYPT_OK ? 0 : ERR_CRYPTO;
}

int hash_final(struct hash_ctx *c, uint8_t *out)
{
	const struct hash_impl *h = hash_get(c->alg);
	int err;

	if (!h)
		return ERR_INVALID;
	err = h->done(&c->st, out) == CRYPT_OK ? 0 : ERR_CRYPTO;
	wipe(&c->st, sizeof c->st);
	return err;
}

int hash_buf(enum hash_alg alg, const void *p, size_t n, uint8_t *out)
{
	struct hash_ctx c;
	int err;

	if ((err = hash_init(&c, alg)) != 0)
		return err;
	if ((err = hash_update(&c, p, n)) != 0) {
		wipe(&c, sizeof c);
		return err;
	}
	return hash_final(&c, out);
}

/* ---------------------------------------------------------------- HMAC */

/* RFC 2104 section 2: H(K0 ^ opad || H(K0 ^ ipad || text)), K0 the key padded to the
 * block size, or the hash of the key when it is longer than a block. */
int hmac_setkey(struct hmac_key *k, enum hash_alg alg, const uint8_t *key, size_t keylen)
{
	const struct hash_impl *h = hash_get(alg);
	uint8_t k0[HASH_MAX_BLOCK];
	size_t i;
	int err = ERR_CRYPTO;

	if (!h)
		return ERR_UNSUPPORTED;
	memset(k0, 0, sizeof k0);
	k->alg = alg;
	if (keylen > h->block) {
		if ((err = hash_buf(alg, key, keylen, k0)) != 0)
			goto out;
	} else if (keylen) {
		memcpy(k0, key, keylen);
	}
	for (i = 0; i < h->block; i++)
		k0[i] ^= 0x36;
	if (h->init(&k->inner) != CRYPT_OK || h->process(&k->inner, k0, h->block) != CRYPT_OK)
		goto out;
	for (i = 0; i < h->block; i++)
		k0[i] ^= 0x36 ^ 0x5c;
	if (h->init(&k->outer) != CRYPT_OK || h->process(&k->outer, k0, h->block) != CRYPT_OK)
		goto out;
	err = 0;
out:
	wipe(k0, sizeof k0);
	if (err)
		hmac_key_free(k);
	return err;
}

void hmac_key_free(struct hmac_key *k)
{
	wipe(k, sizeof *k);
}

int hmac_start(struct hmac_ctx *c, const struct hmac_key *k)
{
	if (!hash_get(k->alg))
		return ERR_INVALID;
	c->key = k;
	c->st = k->inner;
	return 0;
}

int hmac_update(struct hmac_ctx *c, const void *p, size_t n)
{
	const struct hash_impl *h = hash_get(c->key->alg);

	if (!h)
		return ERR_INVALID;
	if (n == 0)
		return 0;
	return h->process(&c->st, p, n) == CRYPT_OK ? 0 : ERR_CRYPTO;
}

int hmac_final(struct hmac_ctx *c, uint8_t *out)
{
	const struct hash_impl *h = hash_get(c->key->alg);
	uint8_t ih[HASH_MAX_LEN];
	int err = ERR_CRYPTO;

	if (!h)
		return ERR_INVALID;
	if (h->done(&c->st, ih) != CRYPT_OK)
		goto out;
	c->st = c->key->outer;
	if (h->process(&c->st, ih, h->len) != CRYPT_OK || h->done(&c->st, out) != CRYPT_OK)
		goto out;
	err = 0;
out:
	wipe(ih, sizeof ih);
	wipe(&c->st, sizeof c->st);
	return err;
}

int hmac_buf(enum hash_alg alg, const uint8_t *key, size_t keylen, const void *p, size_t n,
	     uint8_t *out)
{
	struct hmac_key k;
	struct hmac_ctx c;
	int err;

	if ((err = hmac_setkey(&k, alg, key, keylen)) != 0)
		return err;
	if ((err = hmac_start(&c, &k)) == 0 && (err = hmac_update(&c, p, n)) == 0)
		err = hmac_final(&c, out);
	wipe(&c, sizeof c);
	hmac_key_free(&k);
	return err;
}

/* ---------------------------------------------------------------- AES */

/* Where AES-NI is not (other CPUs, AES-192, DB_FAST_CRYPTO off, crypto_fast_set(0)), the
 * portable code of crypto/aes_ct.c: bitsliced, constant time, every key size. */
static int aes_keylen_ok(size_t keylen)
{
	return keylen == 16 || keylen == 24 || keylen == 32;
}

#if DB_FAST_CRYPTO && defined(__x86_64__)
/* AES-192 (aes192-ctr, aes192-cbc key files) stays on the portable path. */
static int use_aesni(size_t keylen)
{
	return fast_enabled && keylen != 24 && aesni_available();
}
#endif

int aes_ctr_init(struct aes_ctr *c, const uint8_t *key, size_t keylen, const uint8_t iv[16])
{
	if (!aes_keylen_ok(keylen))
		return ERR_INVALID;
	c->fast = 0;
#if DB_FAST_CRYPTO && defined(__x86_64__)
	if (use_aesni(keylen) && aesni_ctr_init(&c->u.ni, key, keylen, iv) == 0) {
		c->fast = 1;
		return 0;
	}
#endif
	if (aes_ct_ctr_init(&c->u.ct, key, keylen, iv) != 0) {
		wipe(c, sizeof *c);
		return ERR_CRYPTO;
	}
	return 0;
}

int aes_ctr_crypt(struct aes_ctr *c, const uint8_t *in, uint8_t *out, size_t n)
{
	if (n == 0)
		return 0;
#if DB_FAST_CRYPTO && defined(__x86_64__)
	if (c->fast) {
		aesni_ctr_crypt(&c->u.ni, in, out, n);
		return 0;
	}
#endif
	aes_ct_ctr_crypt(&c->u.ct, in, out, n);
	return 0;
}

void aes_ctr_free(struct aes_ctr *c)
{
	wipe(c, sizeof *c);
}

int aes_gcm_init(struct aes_gcm *c, const uint8_t *key, size_t keylen)
{
	if (!aes_keylen_ok(keylen))
		return ERR_INVALID;
	c->fast = 0;
#if DB_FAST_CRYPTO && defined(__x86_64__)
	if (use_aesni(keylen) && aesni_gcm_init(&c->u.ni, key, keylen) == 0) {
		c->fast = 1;
		return 0;
	}
#endif
	if (aes_ct_gcm_init(&c->u.ct, key, keylen) != 0) {
		wipe(c, sizeof *c);
		return ERR_CRYPTO;
	}
	return 0;
}

/* Shared by seal and open: one GCM pass over n bytes. */
static void gcm_run(struct aes_gcm *c, const uint8_t nonce[12], const uint8_t *aad,
		    size_t aadlen, const uint8_t *in, uint8_t *out, size_t n, uint8_t tag[16],
		    int decrypt)
{
#if DB_FAST_CRYPTO && defined(__x86_64__)
	if (c->fast) {
		aesni_gcm_crypt(&c->u.ni, nonce, aad, aadlen, in, out, n, tag, decrypt);
		return;
	}
#endif
	aes_ct_gcm_crypt(&c->u.ct, nonce, aad, aadlen, in, out, n, tag, decrypt);
}

int aes_gcm_seal(struct aes_gcm *c, const uint8_t nonce[12], const uint8_t *aad, size_t aadlen,
		 const uint8_t *in, uint8_t *out, size_t n, uint8_t tag[16])
{
	gcm_run(c, nonce, aad, aadlen, in, out, n, tag, 0);
	return 0;
}

/* Decrypts into out while GHASH runs over the ciphertext (one pass), then compares the
 * tag in constant time; on a mismatch out is wiped, so no unauthenticated plaintext
 * survives the call. */
int aes_gcm_open(struct aes_gcm *c, const uint8_t nonce[12], const uint8_t *aad, size_t aadlen,
		 const uint8_t *in, uint8_t *out, size_t n, const uint8_t tag[16])
{
	uint8_t calc[16];
	int err = 0;

	gcm_run(c, nonce, aad, aadlen, in, out, n, calc, 1);
	if (!ct_memeq(calc, tag, 16)) {
		err = ERR_BADSIG;
		wipe(out, n);
	}
	wipe(calc, sizeof calc);
	return err;
}

void aes_gcm_free(struct aes_gcm *c)
{
	wipe(c, sizeof *c);
}

/* Key files only, so always the portable code: no speed to gain. */
int aes_cbc_decrypt(const uint8_t *key, size_t keylen, const uint8_t iv[16], const uint8_t *in,
		    uint8_t *out, size_t n)
{
	if (!aes_keylen_ok(keylen) || n % 16)
		return ERR_INVALID;
	return aes_ct_cbc_decrypt(key, keylen, iv, in, out, n) == 0 ? 0 : ERR_CRYPTO;
}

/* ---------------------------------------------------------------- ChaCha20, Poly1305 */

/* chacha_ivctr64 puts the 64-bit counter in state words 12-13 and the 64-bit nonce in
 * 14-15: Bernstein's original layout, which chacha20-poly1305@openssh.com uses. */
int chacha20_xor(const uint8_t key[32], const uint8_t nonce[8], uint64_t counter,
		 const uint8_t *in, uint8_t *out, size_t n)
{
	chacha_state st;
	int err = ERR_CRYPTO;

	if (n == 0)
		return 0;
#if DB_FAST_CRYPTO && defined(__x86_64__)
	/* eight blocks per pass: worth it from a couple of blocks on (not for the 4-byte
	 * length or the 32-byte Poly1305 key) */
	if (n >= 128 && fast_enabled && chacha_avx2_available()) {
		chacha_avx2_xor(key, nonce, counter, in, out, n);
		return 0;
	}
#endif
	if (chacha_setup(&st, key, 32, 20) == CRYPT_OK &&
	    chacha_ivctr64(&st, nonce, 8, counter) == CRYPT_OK &&
	    chacha_crypt(&st, in, n, out) == CRYPT_OK)
		err = 0;
	wipe(&st, sizeof st);
	return err;
}

/* RFC 8439 section 2.3: 32-bit counter in word 12, 96-bit nonce in words 13-15.
 * libtomcrypt refuses (ERR_CRYPTO here) to produce the block whose counter is the last
 * one, 2^32-1 (2^64-1 in the DJB layout), as it checks for wrap after each block. */
int chacha20_ietf_xor(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
		      const uint8_t *in, uint8_t *out, size_t n)
{
	chacha_state st;
	int err = ERR_CRYPTO;

	if (n == 0)
		return 0;
	if (chacha_setup(&st, key, 32, 20) == CRYPT_OK &&
	    chacha_ivctr32(&st, nonce, 12, counter) == CRYPT_OK &&
	    chacha_crypt(&st, in, n, out) == CRYPT_OK)
		err = 0;
	wipe(&st, sizeof st);
	return err;
}

int poly1305_mac(const uint8_t key[32], const uint8_t *p, size_t n, uint8_t tag[16])
{
#if HAVE_POLY1305_64
	/* not a fast path but the portable code where __int128 exists (poly1305_64.h) */
	poly1305_64(key, p, n, tag);
	return 0;
#else
	static const uint8_t empty[1];
	unsigned long taglen = 16;

	if (poly1305_memory(key, 32, n ? p : empty, n, tag, &taglen) != CRYPT_OK || taglen != 16)
		return ERR_CRYPTO;
	return 0;
#endif
}
