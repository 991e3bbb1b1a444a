/* der.c: see der.h. Lengths follow X.690 section 8.1.3 and the DER restrictions of
 * section 10.1 (definite form, fewest octets); INTEGERs section 8.3.2 (no redundant
 * leading 0x00 or 0xff octet). */
#include "der.h"

#include <string.h>

#include "err.h"

/* Longest length field we take: 4 octets after 0x84 is already 4 GB, far beyond any
 * key file (DB_MAX_KEYFILE). */
#define DER_MAX_LEN_OCTETS 4

static int get_len(struct buf *b, size_t *len)
{
	uint8_t c, nb;
	size_t v = 0;
	int r;

	if ((r = buf_get_u8(b, &c)) != 0)
		return r;
	if (c < 0x80) {
		*len = c;
		return 0;
	}
	nb = c & 0x7f;
	if (nb == 0 || nb > DER_MAX_LEN_OCTETS)
		return ERR_FORMAT; /* indefinite form (BER only), or absurd */
	while (nb--) {
		if ((r = buf_get_u8(b, &c)) != 0)
			return r;
		if (v == 0 && c == 0)
			return ERR_FORMAT; /* leading zero octet: not the shortest form */
		v = v << 8 | c;
	}
	if (v < 0x80)
		return ERR_FORMAT; /* fitted the short form */
	*len = v;
	return 0;
}

static int get_any(struct buf *b, uint8_t *tag, struct buf *content)
{
	const uint8_t *p;
	size_t save = b->pos, len;
	int r;

	if ((r = buf_get_u8(b, tag)) == 0 && (r = get_len(b, &len)) == 0 &&
	    (r = buf_get_raw(b, &p, len)) == 0) {
		buf_view(content, p, len);
		return 0;
	}
	b->pos = save;
	return r;
}

int der_get(struct buf *b, uint8_t tag, struct buf *content)
{
	size_t save = b->pos;
	uint8_t t;
	int r = get_any(b, &t, content);
	if (r == 0 && t != tag) {
		b->pos = save;
		return ERR_FORMAT;
	}
	return r;
}

int der_get_optional(struct buf *b, uint8_t tag, struct buf *content)
{
	if (buf_avail(b) == 0 || buf_ptr(b)[0] != tag)
		return 0;
	return der_get(b, tag, content) == 0 ? 1 : ERR_FORMAT;
}

int der_get_uint(struct buf *b, const uint8_t **mag, size_t *n)
{
	struct buf c;
	size_t save = b->pos;
	uint8_t first;
	int r;

	if ((r = der_get(b, DER_INTEGER, &c)) != 0)
		return r;
	/* no content octets; negative; or a redundant leading zero */
	if (buf_get_u8(&c, &first) != 0 || (first & 0x80) ||
	    (first == 0 && buf_avail(&c) > 0 && !(buf_ptr(&c)[0] & 0x80))) {
		b->pos = save;
		return ERR_FORMAT;
	}
	if (first != 0)
		c.pos = 0; /* the first octet is part of the magnitude */
	*mag = buf_ptr(&c);
	*n = buf_avail(&c);
	return 0;
}

int der_get_small(struct buf *b, uint32_t *v)
{
	const uint8_t *m;
	size_t n, i, save = b->pos;
	int r = der_get_uint(b, &m, &n);
	if (r)
		return r;
	if (n > 4 || (n == 4 && (m[0] & 0x80))) {
		b->pos = save;
		return ERR_TOOBIG;
	}
	*v = 0;
	for (i = 0; i < n; i++)
		*v = *v << 8 | m[i];
	return 0;
}

int der_get_bits(struct buf *b, const uint8_t **p, size_t *n)
{
	struct buf c;
	size_t save = b->pos;
	uint8_t unused;
	int r;

	if ((r = der_get(b, DER_BIT_STRING, &c)) != 0)
		return r;
	if (buf_get_u8(&c, &unused) != 0 || unused != 0) {
		b->pos = save;
		return ERR_FORMAT;
	}
	*p = buf_ptr(&c);
	*n = buf_avail(&c);
	return 0;
}

int der_get_oid(struct buf *b, const uint8_t *oid, size_t oidlen, struct buf *got)
{
	struct buf c;
	size_t save = b->pos;
	int r;

	if ((r = der_get(b, DER_OID, &c)) != 0)
		return r;
	if (buf_avail(&c) == 0) {
		b->pos = save;
		return ERR_FORMAT;
	}
	if (got)
		*got = c;
	if (oid && (buf_avail(&c) != oidlen || memcmp(buf_ptr(&c), oid, oidlen) != 0)) {
		b->pos = save;
		return ERR_UNSUPPORTED;
	}
	return 0;
}

/* ---- writer */

/* Tag and length octets into h; returns their count. */
static size_t header(uint8_t h[2 + DER_MAX_LEN_OCTETS], uint8_t tag, size_t len)
{
	size_t n = 0, i, nb = 0;

	h[n++] = tag;
	if (len < 0x80) {
		h[n++] = (uint8_t)len;
		return n;
	}
	for (i = len; i; i >>= 8)
		nb++;
	h[n++] = (uint8_t)(0x80 | nb);
	for (i = nb; i > 0; i--)
		h[n++] = (uint8_t)(len >> (8 * (i - 1)));
	return n;
}

int der_put_header(struct buf *out, uint8_t tag, size_t len)
{
	uint8_t h[2 + DER_MAX_LEN_OCTETS];

	if (len > 0xffffffffu)
		return ERR_TOOBIG;
	return buf_put_bytes(out, h, header(h, tag, len));
}

int der_put(struct buf *out, uint8_t tag, const void *p, size_t n)
{
	size_t save = out->len;
	int r = der_put_header(out, tag, n);
	if (r == 0)
		r = buf_put_bytes(out, p, n);
	if (r)
		out->len = save;
	return r;
}

int der_put_uint(struct buf *out, const uint8_t *mag, size_t n)
{
	size_t save = out->len;
	int pad, r;

	while (n && mag[0] == 0) {
		mag++;
		n--;
	}
	pad = n == 0 || (mag[0] & 0x80); /* zero is one 0x00 octet */
	r = der_put_header(out, DER_INTEGER, n + (size_t)pad);
	if (r == 0 && pad)
		r = buf_put_u8(out, 0);
	if (r == 0)
		r = buf_put_bytes(out, mag, n);
	if (r)
		out->len = save;
	return r;
}

int der_wrap(struct buf *out, size_t start, uint8_t tag)
{
	uint8_t h[2 + DER_MAX_LEN_OCTETS], *dst;
	size_t len, hl;
	int r;

	if (start > out->len)
		return ERR_INVALID;
	len = out->len - start;
	if (len > 0xffffffffu)
		return ERR_TOOBIG;
	hl = header(h, tag, len);
	/* make room at the end, then move the contents up behind the header */
	if ((r = buf_reserve(out, hl, &dst)) != 0)
		return r;
	memmove(out->data + start + hl, out->data + start, len);
	memcpy(out->data + start, h, hl);
	return 0;
}
