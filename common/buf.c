#include "buf.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

void buf_view(struct buf *b, const void *p, size_t len)
{
	b->data = (uint8_t *)p; /* views are never written: every putter checks BUF_VIEW */
	b->len = len;
	b->pos = 0;
	b->cap = 0;
	b->max = len;
	b->flags = BUF_VIEW;
}

static int init(struct buf *b, size_t initial, size_t max, unsigned flags)
{
	memset(b, 0, sizeof(*b));
	if (initial > max)
		initial = max;
	b->max = max;
	b->flags = flags;
	if (initial) {
		b->data = malloc(initial);
		if (!b->data)
			return ERR_NOMEM;
		b->cap = initial;
	}
	return 0;
}

int buf_init(struct buf *b, size_t initial, size_t max)
{
	return init(b, initial, max, 0);
}

int buf_init_secret(struct buf *b, size_t initial, size_t max)
{
	return init(b, initial, max, BUF_SECRET);
}

void buf_free(struct buf *b)
{
	if (!(b->flags & BUF_VIEW) && b->data) {
		if (b->flags & BUF_SECRET)
			explicit_bzero(b->data, b->cap);
		free(b->data);
	}
	memset(b, 0, sizeof(*b));
}

void buf_reset(struct buf *b)
{
	if (b->flags & BUF_VIEW)
		return;
	if ((b->flags & BUF_SECRET) && b->data)
		explicit_bzero(b->data, b->len);
	b->len = b->pos = 0;
}

void buf_compact(struct buf *b)
{
	size_t left = buf_avail(b);

	if ((b->flags & BUF_VIEW) || b->pos == 0)
		return;
	if (left)
		memmove(b->data, b->data + b->pos, left);
	if (b->flags & BUF_SECRET)
		explicit_bzero(b->data + left, b->pos);
	b->len = left;
	b->pos = 0;
}

/* ---- getters */

int buf_get_raw(struct buf *b, const uint8_t **p, size_t n)
{
	if (buf_avail(b) < n)
		return ERR_TRUNCATED;
	*p = b->data ? b->data + b->pos : b->data; /* an empty view may have no storage */
	b->pos += n;
	return 0;
}

int buf_get_bytes(struct buf *b, void *out, size_t n)
{
	const uint8_t *p;
	int r = buf_get_raw(b, &p, n);
	if (r == 0 && n)
		memcpy(out, p, n);
	return r;
}

int buf_skip(struct buf *b, size_t n)
{
	const uint8_t *p;
	return buf_get_raw(b, &p, n);
}

int buf_get_u8(struct buf *b, uint8_t *v)
{
	return buf_get_bytes(b, v, 1);
}

int buf_get_bool(struct buf *b, int *v)
{
	uint8_t c;
	int r = buf_get_u8(b, &c);
	if (r == 0)
		*v = c != 0; /* RFC 4251: any non-zero value is TRUE */
	return r;
}

int buf_get_u32(struct buf *b, uint32_t *v)
{
	const uint8_t *p;
	int r = buf_get_raw(b, &p, 4);
	if (r == 0)
		*v = load_be32(p);
	return r;
}

int buf_get_u64(struct buf *b, uint64_t *v)
{
	const uint8_t *p;
	int r = buf_get_raw(b, &p, 8);
	if (r == 0)
		*v = load_be64(p);
	return r;
}

int buf_get_string(struct buf *b, const uint8_t **p, size_t *n)
{
	uint32_t len;
	size_t save = b->pos;
	int r = buf_get_u32(b, &len);
	if (r == 0 && (r = buf_get_raw(b, p, len)) == 0) {
		*n = len;
		return 0;
	}
	b->pos = save;
	return r;
}

int buf_get_string_fixed(struct buf *b, void *out, size_t n)
{
	const uint8_t *p;
	size_t len;
	size_t save = b->pos;
	int r = buf_get_string(b, &p, &len);
	if (r)
		return r;
	if (len != n) {
		b->pos = save;
		return ERR_FORMAT;
	}
	if (n)
		memcpy(out, p, n);
	return 0;
}

int buf_get_cstr(struct buf *b, char *out, size_t outsz)
{
	const uint8_t *p;
	size_t len;
	size_t save = b->pos;
	int r = buf_get_string(b, &p, &len);
	if (r)
		return r;
	if (len >= outsz) {
		b->pos = save;
		return ERR_TOOBIG;
	}
	if (len && memchr(p, 0, len)) {
		b->pos = save;
		return ERR_FORMAT;
	}
	if (len)
		memcpy(out, p, len);
	out[len] = 0;
	return 0;
}

int buf_get_mpint(struct buf *b, const uint8_t **mag, size_t *n)
{
	const uint8_t *p;
	size_t len;
	size_t save = b->pos;
	int r = buf_get_string(b, &p, &len);
	if (r)
		return r;
	if (len > 0) {
		if (p[0] & 0x80)
			r = ERR_FORMAT; /* negative: nothing we use may be */
		else if (p[0] == 0 && (len == 1 || !(p[1] & 0x80)))
			r = ERR_FORMAT; /* not minimal */
		if (r) {
			b->pos = save;
			return r;
		}
		if (p[0] == 0) {
			p++;
			len--;
		}
	}
	*mag = p;
	*n = len;
	return 0;
}

int buf_end(const struct buf *b)
{
	return buf_avail(b) ? ERR_TRAILING : 0;
}

/* ---- putters */

int buf_reserve(struct buf *b, size_t n, uint8_t **out)
{
	if (b->flags & BUF_VIEW)
		return ERR_INVALID;
	if (n > b->max || b->len > b->max - n)
		return ERR_TOOBIG;
	if (b->len + n > b->cap) {
		size_t ncap = b->cap ? b->cap : 64;
		uint8_t *nd;
		while (ncap < b->len + n)
			ncap = ncap > b->max / 2 ? b->max : ncap * 2;
		/* malloc+copy rather than realloc, so that a secret never stays behind */
		nd = malloc(ncap);
		if (!nd)
			return ERR_NOMEM;
		if (b->len)
			memcpy(nd, b->data, b->len);
		if (b->data) {
			if (b->flags & BUF_SECRET)
				explicit_bzero(b->data, b->cap);
			free(b->data);
		}
		b->data = nd;
		b->cap = ncap;
	}
	*out = b->data ? b->data + b->len : b->data; /* n == 0 on a buffer never grown */
	b->len += n;
	return 0;
}

int buf_put_bytes(struct buf *b, const void *p, size_t n)
{
	uint8_t *dst;
	int r = buf_reserve(b, n, &dst);
	if (r == 0 && n)
		memcpy(dst, p, n);
	return r;
}

int buf_put_u8(struct buf *b, uint8_t v)
{
	return buf_put_bytes(b, &v, 1);
}

int buf_put_bool(struct buf *b, int v)
{
	return buf_put_u8(b, v ? 1 : 0);
}

int buf_put_u32(struct buf *b, uint32_t v)
{
	uint8_t *p;
	int r = buf_reserve(b, 4, &p);
	if (r == 0)
		store_be32(p, v);
	return r;
}

int buf_put_u64(struct buf *b, uint64_t v)
{
	uint8_t *p;
	int r = buf_reserve(b, 8, &p);
	if (r == 0)
		store_be64(p, v);
	return r;
}

int buf_put_string(struct buf *b, const void *p, size_t n)
{
	size_t save = b->len;
	int r;
	if (n > UINT32_MAX)
		return ERR_TOOBIG;
	r = buf_put_u32(b, (uint32_t)n);
	if (r == 0)
		r = buf_put_bytes(b, p, n);
	if (r)
		b->len = save;
	return r;
}

int buf_put_cstr(struct buf *b, const char *s)
{
	return buf_put_string(b, s, strlen(s));
}

int buf_put_mpint(struct buf *b, const uint8_t *mag, size_t n)
{
	size_t save = b->len;
	int pad, r;
	while (n && mag[0] == 0) {
		mag++;
		n--;
	}
	pad = n && (mag[0] & 0x80);
	if (n + pad > UINT32_MAX)
		return ERR_TOOBIG;
	r = buf_put_u32(b, (uint32_t)(n + pad));
	if (r == 0 && pad)
		r = buf_put_u8(b, 0);
	if (r == 0)
		r = buf_put_bytes(b, mag, n);
	if (r)
		b->len = save;
	return r;
}
