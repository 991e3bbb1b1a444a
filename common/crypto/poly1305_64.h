/* poly1305_64.h: Poly1305 (RFC 8439 section 2.5) with 64-bit limbs and
 * 64x64->128-bit products, for compilers with unsigned __int128 (64-bit targets).
 * crypto.c's poly1305_mac uses it in place of libtomcrypt's 26-bit-limb code, which
 * needs four times the multiplications; the unit tests run both on every vector and
 * on random messages. Plain C, no CPU check: it is the portable code wherever
 * __int128 exists, in every build (MINIMAL too), and libtomcrypt's Poly1305 is linked
 * only where it does not. make size, bytes counted: static -2,145 (libtomcrypt's
 * poly1305.o 1,771 and poly1305_memory.o 261 out), MINIMAL -1,314 (libtomcrypt -2,066,
 * poly1305_64.o +752); the files' sizes did not cross a 4 kB step (static 469,616,
 * MINIMAL 178,672). */
#ifndef POLY1305_64_H
#define POLY1305_64_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

#if defined(__SIZEOF_INT128__)
#define HAVE_POLY1305_64 1
/* tag = Poly1305(key[32] = r || s, p[n]), one shot. */
void poly1305_64(const uint8_t key[32], const uint8_t *p, size_t n, uint8_t tag[16]);
#else
#define HAVE_POLY1305_64 0
#endif

#endif
