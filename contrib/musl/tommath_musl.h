/* contrib/musl/tommath_musl.h: appended to libtommath's tommath_class.h by deps.sh for
 * the static build, so that it is the last word of every class pass (the superclass
 * file's LTM_LAST hook runs before the last pass re-defines the dependencies). It takes
 * out the Toom-Cook multiplication and squaring and the unbalanced multiplication:
 * bn_s_mp_toom_mul.c, bn_s_mp_toom_sqr.c and bn_s_mp_balance_mul.c compile empty and
 * mp_mul/mp_sqr lose those branches. Toom-Cook starts at 350 digits of 60 bits
 * (21,000-bit operands), beyond every number SSH multiplies (RSA moduli up to 16384
 * bits); the unbalanced multiplication only reorders Karatsuba work for very unequal
 * operands. Karatsuba stays: RSA beyond 4,800 bits uses it. */
#undef BN_S_MP_TOOM_MUL_C
#undef BN_S_MP_TOOM_SQR_C
#undef BN_S_MP_BALANCE_MUL_C

/* Reductions for moduli of special forms, and even moduli: every modulus we reduce by is
 * odd and of none of those forms (RSA's p, q and n, the DH groups' primes (RFC 3526),
 * the NIST curves' p and n, whose arithmetic is libtomcrypt's own Montgomery), so
 * mp_exptmod always takes the Montgomery path (s_mp_exptmod_fast, redmode 0) and
 * mp_invmod the odd-modulus one (s_mp_invmod_fast). Out: Barrett exponentiation
 * (s_mp_exptmod, mp_reduce and its high-digit multipliers), the diminished-radix and 2^k - d
 * reductions and their tests (which mp_exptmod ran on every modulus), the inverse for even
 * moduli (key-rsa.c computes d = e^-1 mod lcm(p-1, q-1) through an inverse mod e) and
 * division by 3 (Toom-Cook's). An even modulus now gets MP_VAL, a clean error (a key
 * file's even p, a hostile peer's nothing: the DH primes are ours). Static build, make
 * size: libtommath.a 19,547 -> 14,401 bytes (key-rsa.c +200), file 477,808 -> 469,616;
 * MINIMAL unchanged (no big numbers). Speed unchanged: mp_exptmod for the RSA-2048/4096
 * CRT halves and DH group 14/16, medians of 9 runs, after/before 0.95-1.0. */
#undef BN_S_MP_EXPTMOD_C
#undef BN_MP_REDUCE_C
#undef BN_MP_REDUCE_SETUP_C
#undef BN_S_MP_MUL_HIGH_DIGS_C
#undef BN_S_MP_MUL_HIGH_DIGS_FAST_C
#undef BN_MP_REDUCE_IS_2K_L_C
#undef BN_MP_REDUCE_2K_L_C
#undef BN_MP_REDUCE_2K_SETUP_L_C
#undef BN_MP_REDUCE_IS_2K_C
#undef BN_MP_REDUCE_2K_C
#undef BN_MP_REDUCE_2K_SETUP_C
#undef BN_MP_DR_IS_MODULUS_C
#undef BN_MP_DR_REDUCE_C
#undef BN_MP_DR_SETUP_C
#undef BN_S_MP_INVMOD_SLOW_C
#undef BN_MP_DIV_3_C
