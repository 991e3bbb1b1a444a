/* ltcmath.c: the entries of libtomcrypt's math descriptor that the libtomcrypt code we
 * link calls, over libtommath (ltcmath.h says why not ltm_desc): only its ECC point
 * arithmetic since key-rsa.c does the RSA private operation itself.
 *
 * Who calls what (libtomcrypt 1.18.2, its mp_* macros in tomcrypt_math.h):
 *   ltc_init_multi, ltc_deinit_multi (math/multi.c): init, deinit
 *   ltc_ecc_mulmod (timing-resistant), ltc_ecc_mul2add: init, deinit, copy, get_digit,
 *     get_digit_count, mulmod, montgomery_*, unsigned_size/_write, ecc_ptadd, ecc_ptdbl
 *   ltc_ecc_map: set_int, invmod, mpdiv (mod), montgomery_reduce, mul, sqr
 *   ltc_ecc_projective_add_point, _dbl_point: add, sub, compare, compare_d, copy,
 *     div_2, get_digit (mp_isodd), montgomery_reduce, mul, sqr
 * Anything else (rsa_exptmod, rsa_make_key, ecc_make_key, ecc_verify_hash, DSA, DH, ...)
 * would call a
 * NULL entry: common/ does not use it (tests/unit/test_crypto.c checks the entries above
 * are all set). Numbers are freed by mp_clear, which zeroes their digits. */
#include "crypto/ltcmath.h"

#include <stdlib.h>
#include <tommath.h>

#include "options.h"

#if DB_KEY_ECDSA || DB_KEX_ECDH

static int lerr(mp_err e)
{
	return e == MP_OKAY ? CRYPT_OK : e == MP_MEM ? CRYPT_MEM : e == MP_VAL ? CRYPT_INVALID_ARG
									 : CRYPT_ERROR;
}

static int m_init(void **a)
{
	mp_int *m = malloc(sizeof(*m));
	if (!m)
		return CRYPT_MEM;
	if (mp_init(m) != MP_OKAY) {
		free(m);
		return CRYPT_MEM;
	}
	*a = m;
	return CRYPT_OK;
}

static void m_deinit(void *a)
{
	mp_clear(a);
	free(a);
}

static int m_copy(void *a, void *b) { return lerr(mp_copy(a, b)); }

static int m_set_int(void *a, ltc_mp_digit n)
{
	if (n > MP_MASK)
		return CRYPT_INVALID_ARG;
	mp_set(a, (mp_digit)n);
	return CRYPT_OK;
}

static ltc_mp_digit m_get_digit(void *a, int n)
{
	const mp_int *m = a;
	return n >= 0 && n < m->used ? m->dp[n] : 0;
}

static int m_get_digit_count(void *a) { return ((const mp_int *)a)->used; }

_Static_assert(MP_LT == LTC_MP_LT && MP_EQ == LTC_MP_EQ && MP_GT == LTC_MP_GT, "mp_ord");
static int m_compare(void *a, void *b) { return mp_cmp(a, b); }

static int m_compare_d(void *a, ltc_mp_digit b)
{
	if (b > MP_MASK) /* never: the callers compare with 0 and 1 */
		return LTC_MP_LT;
	return mp_cmp_d(a, (mp_digit)b);
}

static unsigned long m_unsigned_size(void *a) { return (unsigned long)mp_ubin_size(a); }

static int m_unsigned_write(void *a, unsigned char *b)
{
	return lerr(mp_to_ubin(a, b, mp_ubin_size(a), NULL));
}

static int m_add(void *a, void *b, void *c) { return lerr(mp_add(a, b, c)); }
static int m_sub(void *a, void *b, void *c) { return lerr(mp_sub(a, b, c)); }
static int m_mul(void *a, void *b, void *c) { return lerr(mp_mul(a, b, c)); }
static int m_sqr(void *a, void *b) { return lerr(mp_sqr(a, b)); }
static int m_div(void *a, void *b, void *c, void *d) { return lerr(mp_div(a, b, c, d)); }
static int m_div_2(void *a, void *b) { return lerr(mp_div_2(a, b)); }
static int m_mulmod(void *a, void *b, void *c, void *d) { return lerr(mp_mulmod(a, b, c, d)); }
static int m_invmod(void *a, void *b, void *c) { return lerr(mp_invmod(a, b, c)); }

static int m_mont_setup(void *a, void **b)
{
	mp_digit *rho = malloc(sizeof(*rho));
	mp_err e;
	if (!rho)
		return CRYPT_MEM;
	if ((e = mp_montgomery_setup(a, rho)) != MP_OKAY) {
		free(rho);
		return lerr(e);
	}
	*b = rho;
	return CRYPT_OK;
}

static int m_mont_norm(void *a, void *b) { return lerr(mp_montgomery_calc_normalization(a, b)); }

static int m_mont_reduce(void *a, void *b, void *c)
{
	return lerr(mp_montgomery_reduce(a, b, *(const mp_digit *)c));
}

static void m_mont_deinit(void *a) { free(a); }

const ltc_math_descriptor ltc_math = {
	.name = "libtommath",
	.bits_per_digit = MP_DIGIT_BIT,
	.init = m_init,
	.deinit = m_deinit,
	.copy = m_copy,
	.set_int = m_set_int,
	.get_digit = m_get_digit,
	.get_digit_count = m_get_digit_count,
	.compare = m_compare,
	.compare_d = m_compare_d,
	.unsigned_size = m_unsigned_size,
	.unsigned_write = m_unsigned_write,
	.add = m_add,
	.sub = m_sub,
	.mul = m_mul,
	.sqr = m_sqr,
	.mpdiv = m_div,
	.div_2 = m_div_2,
	.mulmod = m_mulmod,
	.invmod = m_invmod,
	.montgomery_setup = m_mont_setup,
	.montgomery_normalization = m_mont_norm,
	.montgomery_reduce = m_mont_reduce,
	.montgomery_deinit = m_mont_deinit,
	.ecc_ptadd = ltc_ecc_projective_add_point,
	.ecc_ptdbl = ltc_ecc_projective_dbl_point,
};

#endif
