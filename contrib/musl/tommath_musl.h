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
