/* buf.h: the one bounded reader and writer of SSH wire types (RFC 4251 section 5).
 *
 * A struct buf is either a read-only view of bytes someone else owns (buf_view) or a
 * growable buffer we own (buf_init), capped at a maximum chosen by the caller. Every
 * getter checks the bytes remaining and returns 0 or a negative ERR_* code, never
 * reading past the end; getters chain with || into one error path. Strings are returned
 * as (pointer, length) views into the buffer: copy them only into storage sized by a
 * named limit. A buffer marked secret is wiped whenever its storage is freed or moved.
 * No other file does pointer arithmetic on network data. */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data;
	size_t len;    /* bytes of valid data */
	size_t pos;    /* read position, <= len */
	size_t cap;    /* allocated bytes; 0 for a view */
	size_t max;    /* a writer never grows past this */
	unsigned flags;
};

#define BUF_VIEW   1u /* data not owned, not writable */
#define BUF_SECRET 2u /* wipe storage on free, reset and growth */

/* A read-only view of len bytes at p. Never fails. */
void buf_view(struct buf *b, const void *p, size_t len);
/* An owned, empty, growable buffer: starts with `initial` bytes, grows to `max`. */
int buf_init(struct buf *b, size_t initial, size_t max);
int buf_init_secret(struct buf *b, size_t initial, size_t max);
/* Frees owned storage (wiping it if secret); a view is just forgotten. */
void buf_free(struct buf *b);
/* Empties an owned buffer, keeping its storage (wiped if secret). */
void buf_reset(struct buf *b);
/* Moves the unread bytes of an owned buffer to the front (pos becomes 0), so that a
 * queue that is read from the front and appended to never creeps up to its max while
 * little is pending. */
void buf_compact(struct buf *b);

static inline size_t buf_avail(const struct buf *b) { return b->len - b->pos; }
static inline const uint8_t *buf_ptr(const struct buf *b) { return b->data + b->pos; }

/* ---- getters: 0 or ERR_TRUNCATED / ERR_FORMAT / ERR_TOOBIG */
int buf_get_u8(struct buf *b, uint8_t *v);
int buf_get_bool(struct buf *b, int *v);
int buf_get_u32(struct buf *b, uint32_t *v);
int buf_get_u64(struct buf *b, uint64_t *v);
int buf_get_bytes(struct buf *b, void *out, size_t n);
int buf_skip(struct buf *b, size_t n);
/* A view of the next n raw bytes. */
int buf_get_raw(struct buf *b, const uint8_t **p, size_t n);
/* string: uint32 length then bytes; returns a view. */
int buf_get_string(struct buf *b, const uint8_t **p, size_t *n);
/* string of exactly n bytes, copied into out (for fixed-size keys and signatures). */
int buf_get_string_fixed(struct buf *b, void *out, size_t n);
/* string copied NUL-terminated into out[outsz]; refuses embedded NULs and strings that
 * do not fit (ERR_TOOBIG). */
int buf_get_cstr(struct buf *b, char *out, size_t outsz);
/* mpint (RFC 4251): non-negative and minimally encoded only; returns a view of the
 * big-endian magnitude without its leading zero byte (n == 0 for zero). */
int buf_get_mpint(struct buf *b, const uint8_t **mag, size_t *n);
/* Succeeds only when nothing is left: every message parser ends with it. */
int buf_end(const struct buf *b);

/* ---- putters on an owned buffer: 0 or ERR_TOOBIG / ERR_NOMEM / ERR_INVALID (view) */
int buf_put_u8(struct buf *b, uint8_t v);
int buf_put_bool(struct buf *b, int v);
int buf_put_u32(struct buf *b, uint32_t v);
int buf_put_u64(struct buf *b, uint64_t v);
int buf_put_bytes(struct buf *b, const void *p, size_t n);
int buf_put_string(struct buf *b, const void *p, size_t n);
int buf_put_cstr(struct buf *b, const char *s);
/* mpint from a big-endian unsigned magnitude (leading zeros are stripped, a zero byte
 * is added when the top bit is set). */
int buf_put_mpint(struct buf *b, const uint8_t *mag, size_t n);
/* Makes room for n bytes at the end and returns where they go; len grows by n. */
int buf_reserve(struct buf *b, size_t n, uint8_t **out);

/* Big-endian loads and stores on memory we own (never on unchecked network data). */
static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);  p[3] = (uint8_t)v;
}
static inline uint64_t load_be64(const uint8_t *p)
{
	return (uint64_t)load_be32(p) << 32 | load_be32(p + 4);
}
static inline void store_be64(uint8_t *p, uint64_t v)
{
	store_be32(p, (uint32_t)(v >> 32));
	store_be32(p + 4, (uint32_t)v);
}

#endif
