/* The parts of GF(2^255 - 19) that do not depend on the limb representation: the
 * constants 0 and 1, negation, the exponentiations and the tests that go through the
 * canonical encoding. The limb arithmetic is in fe25519-51.c or fe25519-25.c, whichever
 * fe25519.h selected (the other compiles to nothing). */
#include "fe25519.h"

#include <string.h>

#include "util.h"

void fe25519_0(fe25519 *h)
{
	memset(h, 0, sizeof(*h));
}

void fe25519_1(fe25519 *h)
{
	fe25519_0(h);
	h->v[0] = 1;
}

void fe25519_neg(fe25519 *h, const fe25519 *f)
{
	fe25519 z;
	fe25519_0(&z);
	fe25519_sub(h, &z, f);
}

/* h = f^(2^n) */
static void sq_n(fe25519 *h, const fe25519 *f, int n)
{
	fe25519_sq(h, f);
	while (--n > 0)
		fe25519_sq(h, h);
}

/* The addition chain both exponents share: z250 = f^(2^250 - 1), z11 = f^11. The
 * exponents are public constants, so the sequence of operations is fixed. */
static void pow_2_250_1(fe25519 *z250, fe25519 *z11, const fe25519 *f)
{
	fe25519 z2, t, z5, z10, z20, z50, z100;

	fe25519_sq(&z2, f);            /* 2 */
	sq_n(&t, &z2, 2);              /* 8 */
	fe25519_mul(&t, &t, f);        /* 9 */
	fe25519_mul(z11, &t, &z2);     /* 11 */
	fe25519_sq(&z5, z11);          /* 22 */
	fe25519_mul(&z5, &z5, &t);     /* 31 = 2^5 - 1 */
	sq_n(&t, &z5, 5);
	fe25519_mul(&z10, &t, &z5);    /* 2^10 - 1 */
	sq_n(&t, &z10, 10);
	fe25519_mul(&z20, &t, &z10);   /* 2^20 - 1 */
	sq_n(&t, &z20, 20);
	fe25519_mul(&t, &t, &z20);     /* 2^40 - 1 */
	sq_n(&t, &t, 10);
	fe25519_mul(&z50, &t, &z10);   /* 2^50 - 1 */
	sq_n(&t, &z50, 50);
	fe25519_mul(&z100, &t, &z50);  /* 2^100 - 1 */
	sq_n(&t, &z100, 100);
	fe25519_mul(&t, &t, &z100);    /* 2^200 - 1 */
	sq_n(&t, &t, 50);
	fe25519_mul(z250, &t, &z50);   /* 2^250 - 1 */
	wipe(&z2, sizeof(z2));
	wipe(&t, sizeof(t));
	wipe(&z5, sizeof(z5));
	wipe(&z10, sizeof(z10));
	wipe(&z20, sizeof(z20));
	wipe(&z50, sizeof(z50));
	wipe(&z100, sizeof(z100));
}

void fe25519_invert(fe25519 *h, const fe25519 *f)
{
	fe25519 z250, z11;
	pow_2_250_1(&z250, &z11, f);
	sq_n(&z250, &z250, 5);          /* 2^255 - 32 */
	fe25519_mul(h, &z250, &z11);   /* 2^255 - 21 = p - 2 */
	wipe(&z250, sizeof(z250));
	wipe(&z11, sizeof(z11));
}

void fe25519_pow22523(fe25519 *h, const fe25519 *f)
{
	fe25519 z250, z11;
	pow_2_250_1(&z250, &z11, f);
	sq_n(&z250, &z250, 2);          /* 2^252 - 4 */
	fe25519_mul(h, &z250, f);      /* 2^252 - 3 = (p - 5) / 8 */
	wipe(&z250, sizeof(z250));
	wipe(&z11, sizeof(z11));
}

int fe25519_iszero(const fe25519 *f)
{
	uint8_t s[32], d = 0;
	int i;
	fe25519_tobytes(s, f);
	for (i = 0; i < 32; i++)
		d |= s[i];
	wipe(s, sizeof(s));
	return 1 & (((unsigned)d - 1) >> 8);
}

int fe25519_isneg(const fe25519 *f)
{
	uint8_t s[32];
	int r;
	fe25519_tobytes(s, f);
	r = s[0] & 1;
	wipe(s, sizeof(s));
	return r;
}
