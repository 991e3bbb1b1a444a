/* The bounded buffer: every getter on truncated and oversized input, and round trips. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "harness.h"

static void test_ints_roundtrip(void)
{
	struct buf b, r;
	uint8_t u8;
	uint32_t u32;
	uint64_t u64;
	int bo;

	CHECK_OK(buf_init(&b, 0, 64));
	CHECK_OK(buf_put_u8(&b, 0xab));
	CHECK_OK(buf_put_u32(&b, 0xdeadbeef));
	CHECK_OK(buf_put_u64(&b, 0x0102030405060708ull));
	CHECK_OK(buf_put_bool(&b, 7));
	CHECK(b.len == 14);
	buf_view(&r, b.data, b.len);
	CHECK_OK(buf_get_u8(&r, &u8));
	CHECK(u8 == 0xab);
	CHECK_OK(buf_get_u32(&r, &u32));
	CHECK(u32 == 0xdeadbeef);
	CHECK_OK(buf_get_u64(&r, &u64));
	CHECK(u64 == 0x0102030405060708ull);
	CHECK_OK(buf_get_bool(&r, &bo));
	CHECK(bo == 1);
	CHECK_OK(buf_end(&r));
	CHECK(buf_get_u8(&r, &u8) == ERR_TRUNCATED);
	buf_free(&b);
}

/* Every prefix of a valid encoding must fail with ERR_TRUNCATED and leave pos alone. */
static void test_truncation_every_offset(void)
{
	struct buf b;
	size_t i;
	CHECK_OK(buf_init(&b, 0, 256));
	CHECK_OK(buf_put_cstr(&b, "hello"));
	for (i = 0; i < b.len; i++) {
		struct buf r;
		const uint8_t *p;
		size_t n;
		buf_view(&r, b.data, i);
		CHECK(buf_get_string(&r, &p, &n) == ERR_TRUNCATED);
		CHECK(r.pos == 0);
	}
	for (i = 0; i < 8; i++) {
		struct buf r;
		uint64_t v;
		uint32_t w;
		buf_view(&r, b.data, i);
		CHECK(buf_get_u64(&r, &v) == ERR_TRUNCATED);
		if (i < 4)
			CHECK(buf_get_u32(&r, &w) == ERR_TRUNCATED);
	}
	buf_free(&b);
}

static void test_oversized_string_length(void)
{
	/* a length of 2^32-1 with 4 bytes behind it; and 2^31 */
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 'a', 'b', 'c', 'd' };
	static const uint8_t half[] = { 0x80, 0x00, 0x00, 0x00, 'a' };
	struct buf r;
	const uint8_t *p;
	size_t n;
	buf_view(&r, huge, sizeof(huge));
	CHECK(buf_get_string(&r, &p, &n) == ERR_TRUNCATED);
	buf_view(&r, half, sizeof(half));
	CHECK(buf_get_string(&r, &p, &n) == ERR_TRUNCATED);
}

static void test_cstr(void)
{
	static const uint8_t nul[] = { 0, 0, 0, 3, 'a', 0, 'b' };
	static const uint8_t ok[] = { 0, 0, 0, 3, 'a', 'b', 'c' };
	struct buf r;
	char s[4], small[3];
	buf_view(&r, nul, sizeof(nul));
	CHECK(buf_get_cstr(&r, s, sizeof(s)) == ERR_FORMAT);
	CHECK(r.pos == 0);
	buf_view(&r, ok, sizeof(ok));
	CHECK(buf_get_cstr(&r, small, sizeof(small)) == ERR_TOOBIG);
	CHECK_OK(buf_get_cstr(&r, s, sizeof(s)));
	CHECK(strcmp(s, "abc") == 0);
}

static void test_fixed_string(void)
{
	static const uint8_t two[] = { 0, 0, 0, 2, 1, 2 };
	struct buf r;
	uint8_t out[3];
	buf_view(&r, two, sizeof(two));
	CHECK(buf_get_string_fixed(&r, out, 3) == ERR_FORMAT);
	CHECK_OK(buf_get_string_fixed(&r, out, 2));
	CHECK(out[0] == 1 && out[1] == 2);
}

/* RFC 4251 section 5 mpint examples, and the non-canonical forms we refuse. */
static void test_mpint(void)
{
	static const uint8_t v1[] = { 0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7 };
	static const uint8_t e1[] = { 0, 0, 0, 8, 0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7 };
	static const uint8_t v2[] = { 0x80 };
	static const uint8_t e2[] = { 0, 0, 0, 2, 0x00, 0x80 };
	static const uint8_t zero[] = { 0, 0, 0, 0 };
	static const uint8_t neg[] = { 0, 0, 0, 2, 0xed, 0xcc };
	static const uint8_t pad0[] = { 0, 0, 0, 2, 0x00, 0x7f };
	static const uint8_t lone0[] = { 0, 0, 0, 1, 0x00 };
	static const uint8_t lead[] = { 0x00, 0x00, 0x80 };
	struct buf b, r;
	const uint8_t *m;
	size_t n;

	CHECK_OK(buf_init(&b, 0, 64));
	CHECK_OK(buf_put_mpint(&b, v1, sizeof(v1)));
	CHECK(b.len == sizeof(e1) && memcmp(b.data, e1, sizeof(e1)) == 0);
	buf_reset(&b);
	CHECK_OK(buf_put_mpint(&b, v2, sizeof(v2)));
	CHECK(b.len == sizeof(e2) && memcmp(b.data, e2, sizeof(e2)) == 0);
	buf_reset(&b);
	CHECK_OK(buf_put_mpint(&b, lead, sizeof(lead)));
	CHECK(b.len == sizeof(e2) && memcmp(b.data, e2, sizeof(e2)) == 0);
	buf_reset(&b);
	CHECK_OK(buf_put_mpint(&b, lead, 2));
	CHECK(b.len == 4 && memcmp(b.data, zero, 4) == 0);
	buf_free(&b);

	buf_view(&r, e2, sizeof(e2));
	CHECK_OK(buf_get_mpint(&r, &m, &n));
	CHECK(n == 1 && m[0] == 0x80);
	buf_view(&r, zero, sizeof(zero));
	CHECK_OK(buf_get_mpint(&r, &m, &n));
	CHECK(n == 0);
	buf_view(&r, neg, sizeof(neg));
	CHECK(buf_get_mpint(&r, &m, &n) == ERR_FORMAT);
	buf_view(&r, pad0, sizeof(pad0));
	CHECK(buf_get_mpint(&r, &m, &n) == ERR_FORMAT);
	buf_view(&r, lone0, sizeof(lone0));
	CHECK(buf_get_mpint(&r, &m, &n) == ERR_FORMAT);
}

static void test_writer_limits(void)
{
	struct buf b, v;
	uint8_t big[100];
	uint8_t *p;
	memset(big, 0x5a, sizeof(big));
	CHECK_OK(buf_init_secret(&b, 4, 32));
	CHECK_OK(buf_put_bytes(&b, big, 32));
	CHECK(buf_put_u8(&b, 1) == ERR_TOOBIG);
	CHECK(b.len == 32);
	CHECK(buf_put_string(&b, big, 0) == ERR_TOOBIG);
	CHECK(b.len == 32);
	buf_reset(&b);
	CHECK(buf_put_bytes(&b, big, 33) == ERR_TOOBIG);
	CHECK(buf_reserve(&b, SIZE_MAX, &p) == ERR_TOOBIG);
	CHECK(b.len == 0);
	buf_free(&b);
	buf_view(&v, big, sizeof(big));
	CHECK(buf_put_u8(&v, 1) == ERR_INVALID);
}

static void test_growth_keeps_data(void)
{
	struct buf b;
	uint32_t i, v;
	int ok = 1;
	CHECK_OK(buf_init(&b, 1, 1 << 20));
	for (i = 0; i < 10000; i++)
		CHECK_OK(buf_put_u32(&b, i));
	for (i = 0; i < 10000; i++) {
		if (buf_get_u32(&b, &v) || v != i)
			ok = 0;
	}
	CHECK(ok);
	CHECK_OK(buf_end(&b));
	buf_free(&b);
}

/* Zero-length operations on buffers without storage (a NULL view, a writer that never
 * grew) must not do arithmetic on a null pointer. */
static void test_empty_storage(void)
{
	struct buf v, w;
	const uint8_t *p;
	uint8_t *q, c;
	buf_view(&v, NULL, 0);
	CHECK_OK(buf_get_raw(&v, &p, 0));
	CHECK_OK(buf_skip(&v, 0));
	CHECK(buf_get_u8(&v, &c) == ERR_TRUNCATED);
	CHECK_OK(buf_init(&w, 0, 16));
	CHECK_OK(buf_reserve(&w, 0, &q));
	CHECK_OK(buf_put_bytes(&w, NULL, 0));
	CHECK(w.len == 0);
	buf_free(&w);
}

/* A queue appended at the back and consumed from the front, never empty: compaction
 * keeps it within its max however much passes through. */
static void test_compact_queue(void)
{
	struct buf q;
	uint8_t chunk[100], out[60];
	uint32_t i;
	int ok = 1;

	memset(chunk, 7, sizeof(chunk));
	CHECK_OK(buf_init(&q, 0, 1000));
	CHECK_OK(buf_put_bytes(&q, chunk, 50));
	for (i = 0; i < 10000 && ok; i++) {
		if (buf_put_bytes(&q, chunk, 60) || buf_get_bytes(&q, out, 60))
			ok = 0;
		if (q.pos >= buf_avail(&q))
			buf_compact(&q);
	}
	CHECK(ok);
	CHECK(buf_avail(&q) == 50 && q.pos == 0);
	buf_compact(&q);
	CHECK(buf_avail(&q) == 50);
	buf_free(&q);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(test_ints_roundtrip);
	RUN(test_truncation_every_offset);
	RUN(test_oversized_string_length);
	RUN(test_cstr);
	RUN(test_fixed_string);
	RUN(test_mpint);
	RUN(test_writer_limits);
	RUN(test_growth_keeps_data);
	RUN(test_empty_storage);
	RUN(test_compact_queue);
	return harness_done(argv[0]);
}
