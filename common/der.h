/* der.h: a small bounded reader and writer of DER (ITU-T X.690), just enough for the
 * private-key structures of PKCS#1 (RFC 8017 appendix A.1.2), SEC 1 (RFC 5915) and
 * PKCS#8 (RFC 5208, RFC 5958, RFC 8410).
 *
 * The reader works on a struct buf view, so every byte goes through the bounded buf
 * getters. It is strict DER, not BER: single-byte tags only, definite lengths in their
 * shortest form, minimal INTEGERs; anything else is ERR_FORMAT, and a length that runs
 * past the input is ERR_TRUNCATED. Contents come back as views into the input. */
#ifndef DER_H
#define DER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define DER_INTEGER      0x02
#define DER_BIT_STRING   0x03
#define DER_OCTET_STRING 0x04
#define DER_NULL         0x05
#define DER_OID          0x06
#define DER_SEQUENCE     0x30
/* Context-specific tags: [n] constructed (EXPLICIT, or IMPLICIT over a constructed
 * type) and [n] primitive (IMPLICIT over a primitive type). */
#define DER_CTX_CONS(n)  (0xa0 | (n))
#define DER_CTX_PRIM(n)  (0x80 | (n))

/* Reads one element that must have the given tag; *content is a view of its contents. */
int der_get(struct buf *b, uint8_t tag, struct buf *content);
/* For OPTIONAL fields: 1 and the element when the next tag is `tag`; 0 (nothing read)
 * when the input is empty or the next tag differs; a negative ERR_* on a broken element. */
int der_get_optional(struct buf *b, uint8_t tag, struct buf *content);
/* A non-negative INTEGER: a view of its big-endian magnitude without the sign byte
 * (n == 0 for zero). Negative values are ERR_FORMAT: nothing in a key may be. */
int der_get_uint(struct buf *b, const uint8_t **mag, size_t *n);
/* A non-negative INTEGER below 2^31 (version fields). */
int der_get_small(struct buf *b, uint32_t *v);
/* A BIT STRING with no unused bits (keys and points are whole octets): its octets. */
int der_get_bits(struct buf *b, const uint8_t **p, size_t *n);
/* An OBJECT IDENTIFIER that must equal the encoded contents oid[oidlen] (ERR_UNSUPPORTED
 * otherwise); or with oid == NULL, any OID, returned as a view in *got. */
int der_get_oid(struct buf *b, const uint8_t *oid, size_t oidlen, struct buf *got);

/* ---- writer: appends to an owned buf; 0 or ERR_TOOBIG / ERR_NOMEM */
int der_put_header(struct buf *out, uint8_t tag, size_t len);
int der_put(struct buf *out, uint8_t tag, const void *p, size_t n);
/* INTEGER from a big-endian unsigned magnitude (leading zeros stripped, a zero byte
 * added when the top bit is set). */
int der_put_uint(struct buf *out, const uint8_t *mag, size_t n);
/* Wraps the bytes appended to out since `start` in a tag and length. */
int der_wrap(struct buf *out, size_t start, uint8_t tag);

#endif
