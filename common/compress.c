/* compress.c: "zlib" and "zlib@openssh.com" payload compression (RFC 4253 section 6.2,
 * OpenSSH PROTOCOL 1.2). Each direction is one zlib stream (RFC 1950 wrapper) that runs
 * from the moment compression starts until the next key exchange; every packet ends with
 * a partial flush (Z_PARTIAL_FLUSH, as OpenSSH and Dropbear send) so that the receiver
 * can inflate it without waiting for more. The stream is created on first use, so a
 * direction only pays for the half (deflate or inflate) it needs.
 *
 * What we send is compressed by our own deflate.c (8 KB window, about 77 KB of state per
 * connection, where zlib's deflate took 96 KB at windowBits 13, memLevel 7), in every
 * build: zlib's compressing half (deflate.o, trees.o: 17 KB) is not linked. What we
 * receive is inflated by zlib, which must accept the 32 KB window any peer may use
 * (windowBits 15): about 7 KB of state plus the 32 KB window, allocated on first output.
 * All of zlib's memory goes through allocator hooks that wipe it on free, and deflate.c
 * wipes its state, since the windows hold recent plaintext. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cipher-internal.h"
#include "deflate.h"
#include "err.h"
#include "fdio.h"
#include "faces.h"
#include "options.h"
#include "packet.h"
#include "util.h"

const char *const comp_algs[] = {
	"none",
#if DB_COMPRESSION
	"zlib@openssh.com",
	"zlib",
#endif
	NULL,
};

enum comp_alg comp_find(const char *name, size_t len)
{
	static const enum comp_alg ids[] = { COMP_NONE, COMP_ZLIB_DELAYED, COMP_ZLIB };
	size_t i;
	for (i = 0; comp_algs[i] && i < ARRAY_SIZE(ids); i++) {
		if (strlen(comp_algs[i]) == len && memcmp(comp_algs[i], name, len) == 0)
			return ids[i];
	}
	return (enum comp_alg)-1;
}

#if DB_COMPRESSION
#include <zlib.h>

#define COMP_WBITS_IN   15 /* what the peer may have used: must be the maximum */

/* A direction's stream: deflate.c's for what we send, zlib's inflate for what we get. */
struct zstream {
	z_stream zs;
	struct dfl *dfl;
	int deflating;
};

/* zlib allocations carry their size in front, so that free can wipe them. */
#define ZHDR sizeof(max_align_t)

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	size_t n;
	uint8_t *p;

	(void)opaque;
	if (size && items > (SIZE_MAX - ZHDR) / size)
		return Z_NULL;
	n = (size_t)items * size;
	p = malloc(ZHDR + n);
	if (!p)
		return Z_NULL;
	memcpy(p, &n, sizeof(n));
	return p + ZHDR;
}

static void z_free(voidpf opaque, voidpf ptr)
{
	uint8_t *p;
	size_t n;

	(void)opaque;
	if (!ptr)
		return;
	p = (uint8_t *)ptr - ZHDR;
	memcpy(&n, p, sizeof(n));
	wipe(ptr, n);
	free(p);
}

static int z_start(void **z, int deflating)
{
	struct zstream *s;
	int zr;

	if (*z) {
		s = *z;
		return s->deflating == deflating ? 0 : ERR_INVALID;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return ERR_NOMEM;
	s->zs.zalloc = z_alloc;
	s->zs.zfree = z_free;
	s->zs.opaque = Z_NULL;
	s->deflating = deflating;
	if (deflating) {
		s->dfl = dfl_new();
		zr = s->dfl ? Z_OK : Z_MEM_ERROR;
	} else {
		zr = inflateInit2(&s->zs, COMP_WBITS_IN);
	}
	if (zr != Z_OK) {
		free(s);
		return zr == Z_MEM_ERROR ? ERR_NOMEM : ERR_INVALID;
	}
	*z = s;
	return 0;
}

int comp_deflate(void **z, const uint8_t *in, size_t n, struct buf *out)
{
	struct zstream *s;
	size_t start = out->len, got;
	/* deflate.c's bound: n + n / 1024 + 32, within the n + n / 16 + 64 that
	 * packet.c's reserve_packet sets aside for a compressed payload */
	size_t room = dfl_bound(n);
	uint8_t *p;
	int r = z_start(z, 1);

	if (r)
		return r;
	s = *z;
	if ((r = buf_reserve(out, room, &p)))
		return r;
	r = dfl_packet(s->dfl, in, n, p, room, &got);
	out->len = r ? start : start + got;
	return r;
}

int comp_inflate(void **z, const uint8_t *in, size_t n, struct buf *out, size_t max)
{
	struct zstream *s;
	uint8_t *p;
	int zr, r = z_start(z, 0);

	if (r)
		return r;
	s = *z;
	buf_reset(out);
	/* one byte more than allowed: filling it means the payload is too large */
	r = buf_reserve(out, max + 1, &p);
	if (r)
		return r;
	s->zs.next_in = (Bytef *)(uintptr_t)in;
	s->zs.avail_in = (uInt)n;
	s->zs.next_out = p;
	s->zs.avail_out = (uInt)(max + 1);
	zr = inflate(&s->zs, Z_SYNC_FLUSH);
	out->len = max + 1 - s->zs.avail_out;
	/* Z_STREAM_END: the peer may never end its stream mid-connection. A bomb fills the
	 * output before the input is used up; anything else left unread is corrupt data. */
	if ((zr != Z_OK && zr != Z_BUF_ERROR) || s->zs.avail_out == 0 || s->zs.avail_in != 0) {
		buf_reset(out);
		return ERR_PROTOCOL;
	}
	return 0;
}

void comp_free(void **z)
{
	struct zstream *s = *z;

	if (!s)
		return;
	if (s->deflating)
		dfl_free(s->dfl);
	else
		inflateEnd(&s->zs);
	wipe(s, sizeof(*s));
	free(s);
	*z = NULL;
}

void usage_put(int fd, const unsigned char *z, size_t zn, size_t n)
{
	uLongf got = (uLongf)n;
	unsigned char *t = malloc(n ? n : 1);

	if (t && uncompress(t, &got, z, (uLong)zn) == Z_OK && got == n)
		(void)fd_write_all(fd, t, n);
	else
		(void)fd_puts(fd, "(the help text could not be unpacked: see the manual page)\n");
	free(t);
}

#else /* !DB_COMPRESSION */

int comp_deflate(void **z, const uint8_t *in, size_t n, struct buf *out)
{
	(void)z; (void)in; (void)n; (void)out;
	return ERR_UNSUPPORTED;
}

int comp_inflate(void **z, const uint8_t *in, size_t n, struct buf *out, size_t max)
{
	(void)z; (void)in; (void)n; (void)out; (void)max;
	return ERR_UNSUPPORTED;
}

void comp_free(void **z)
{
	*z = NULL;
}

#endif
