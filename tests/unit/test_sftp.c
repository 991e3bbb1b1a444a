/* The SFTP server's parser and dispatcher (server/sftp/) in a temporary directory:
 * INIT, a round trip of OPEN/WRITE/READ/CLOSE, and malformed requests of every kind, each
 * answered with the right STATUS (or ending the session where no id can be answered). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "harness.h"
#include "server/sftp/sftp-internal.h"

static struct sftp S;
static uint8_t req[70000];
static size_t rlen;

static void r_u8(uint8_t v) { req[rlen++] = v; }
static void r_u32(uint32_t v) { store_be32(req + rlen, v); rlen += 4; }
static void r_u64(uint64_t v) { store_be64(req + rlen, v); rlen += 8; }
static void r_str(const void *p, size_t n) { r_u32((uint32_t)n); memcpy(req + rlen, p, n); rlen += n; }
static void r_cstr(const char *s) { r_str(s, strlen(s)); }
static void r_begin(uint8_t t, uint32_t id) { rlen = 0; r_u8(t); r_u32(id); }

/* Runs the request built in req; returns the reply's type and leaves its body in *b. */
static int run_req(struct buf *b)
{
	uint32_t n;
	uint8_t t;

	buf_reset(&S.out);
	if (sftp_packet(&S, req, rlen) != 0)
		return -1;
	buf_view(b, S.out.data, S.out.len);
	if (buf_get_u32(b, &n) || n != buf_avail(b) || buf_get_u8(b, &t))
		return -2;
	return t;
}

/* The status code of a STATUS reply to id, or -1. */
static int status(uint32_t id)
{
	struct buf b;
	uint32_t rid, code;

	if (run_req(&b) != 101 || buf_get_u32(&b, &rid) || rid != id || buf_get_u32(&b, &code))
		return -1;
	return (int)code;
}

static void start(void)
{
	struct buf b;
	uint32_t v;

	sftp_free(&S);
	CHECK_OK(sftp_init(&S));
	rlen = 0;
	r_u8(1);
	r_u32(3);
	CHECK(run_req(&b) == 2);
	CHECK(buf_get_u32(&b, &v) == 0 && v == 3);
}

static void test_before_init(void)
{
	struct buf b;

	sftp_free(&S);
	CHECK_OK(sftp_init(&S));
	r_begin(17, 1);
	r_cstr(".");
	CHECK(run_req(&b) == -1); /* nothing before INIT */
	rlen = 0;
	r_u8(1);
	CHECK(run_req(&b) == -1); /* INIT without a version */
	start();
	rlen = 0;
	r_u8(1);
	r_u32(3);
	CHECK(run_req(&b) == -1); /* a second INIT */
	start();
	rlen = 0;
	r_u8(17);
	r_u8(0);
	CHECK(run_req(&b) == -1); /* no id: nobody to answer */
}

static void test_roundtrip(void)
{
	struct buf b;
	const uint8_t *h, *d;
	size_t hn, dn;
	uint8_t hb[8];
	uint32_t id;

	start();
	r_begin(3, 7);
	r_cstr("file");
	r_u32(0x1a); /* WRITE|CREAT|TRUNC */
	r_u32(0);
	CHECK(run_req(&b) == 102);
	CHECK(buf_get_u32(&b, &id) == 0 && id == 7);
	CHECK(buf_get_string(&b, &h, &hn) == 0 && hn == 8);
	memcpy(hb, h, 8);
	r_begin(6, 8);
	r_str(hb, 8);
	r_u64(0);
	r_cstr("hello");
	CHECK(status(8) == 0);
	r_begin(5, 9);
	r_str(hb, 8);
	r_u64(0);
	r_u32(100);
	CHECK(status(9) == 2); /* opened write-only: EBADF, which OpenSSH maps so too */
	r_begin(4, 10);
	r_str(hb, 8);
	CHECK(status(10) == 0);
	r_begin(4, 11);
	r_str(hb, 8);
	CHECK(status(11) == 4); /* closed: stale */
	r_begin(3, 12);
	r_cstr("file");
	r_u32(1);
	r_u32(0);
	CHECK(run_req(&b) == 102);
	CHECK(buf_get_u32(&b, &id) == 0 && buf_get_string(&b, &h, &hn) == 0 && hn == 8);
	memcpy(hb, h, 8);
	r_begin(5, 13);
	r_str(hb, 8);
	r_u64(1);
	r_u32(0xffffffff); /* clamped to the read limit */
	CHECK(run_req(&b) == 103);
	CHECK(buf_get_u32(&b, &id) == 0 && buf_get_string(&b, &d, &dn) == 0);
	CHECK(dn == 4 && memcmp(d, "ello", 4) == 0);
	r_begin(5, 14);
	r_str(hb, 8);
	r_u64(5);
	r_u32(10);
	CHECK(status(14) == 1); /* EOF */
	r_begin(13, 15);
	r_cstr("file");
	CHECK(status(15) == 0);
}

static void test_malformed(void)
{
	static char longp[5000];
	uint32_t id = 100;

	start();
	/* truncated path, NUL in a path, trailing bytes, a path past the limit */
	r_begin(17, ++id);
	r_u32(10);
	r_u8('x');
	CHECK(status(id) == 5);
	r_begin(17, ++id);
	r_str("a\0b", 3);
	CHECK(status(id) == 5);
	r_begin(17, ++id);
	r_cstr(".");
	r_u8(0);
	CHECK(status(id) == 5);
	memset(longp, 'a', sizeof(longp) - 1);
	r_begin(17, ++id);
	r_cstr(longp);
	CHECK(status(id) == 5);
	/* attributes: a flag without its field, an extended count past the end */
	r_begin(9, ++id);
	r_cstr("nope");
	r_u32(1);
	r_u32(0);
	CHECK(status(id) == 5);
	r_begin(9, ++id);
	r_cstr("nope");
	r_u32(0x80000000u);
	r_u32(0xffffffffu);
	CHECK(status(id) == 5);
	/* handles: wrong length, out of range, never opened */
	r_begin(4, ++id);
	r_cstr("abc");
	CHECK(status(id) == 4);
	r_begin(8, ++id);
	r_str("\xff\xff\xff\xff\0\0\0\1", 8);
	CHECK(status(id) == 4);
	r_begin(12, ++id);
	r_str("\0\0\0\0\0\0\0\0", 8);
	CHECK(status(id) == 4);
	r_begin(6, ++id);
	r_str("\0\0\0\0\0\0\0\0", 8);
	r_u64(0);
	r_u32(100); /* data length past the end */
	CHECK(status(id) == 5);
	/* extensions: unknown, truncated, wrongly sized id lists */
	r_begin(200, ++id);
	r_cstr("nope@example.com");
	CHECK(status(id) == 8);
	r_begin(200, ++id);
	r_u32(50);
	CHECK(status(id) == 5);
	r_begin(200, ++id);
	r_cstr("users-groups-by-id@openssh.com");
	r_str("abc", 3);
	r_str("", 0);
	CHECK(status(id) == 5);
	r_begin(200, ++id);
	r_cstr("limits@openssh.com");
	r_u8(1);
	CHECK(status(id) == 5);
	/* unknown type */
	r_begin(77, ++id);
	CHECK(status(id) == 8);
}

/* Every prefix of valid requests: a STATUS or the end, never a crash. */
static void test_every_prefix(void)
{
	uint8_t full[256];
	size_t n, k;
	struct buf b;
	uint32_t id;

	start();
	r_begin(200, 1);
	r_cstr("copy-data");
	r_str("\0\0\0\0\0\0\0\1", 8);
	r_u64(0);
	r_u64(0);
	r_str("\0\0\0\0\0\0\0\1", 8);
	r_u64(0);
	n = rlen;
	memcpy(full, req, n);
	for (k = 0; k < n; k++) {
		int t;
		memcpy(req, full, k);
		rlen = k;
		t = run_req(&b);
		CHECK(k < 5 ? t == -1 : t == 101);
		if (t == 101)
			CHECK(buf_get_u32(&b, &id) == 0 && id == 1);
	}
}

/* sftp-server -d: %d, %u and %% as OpenSSH expands them; anything else refused */
static void test_expand_dir(void)
{
	char out[32], small[8];

	CHECK(sftp_expand_dir("%d/pub/%u%%x", "/home/a", "alice", out, sizeof(out)) == 0);
	CHECK(strcmp(out, "/home/a/pub/alice%x") == 0);
	CHECK(sftp_expand_dir("", "/h", "u", out, sizeof(out)) == 0 && out[0] == 0);
	CHECK(sftp_expand_dir("%x", "/h", "u", out, sizeof(out)) == ERR_FORMAT);
	CHECK(sftp_expand_dir("/a%", "/h", "u", out, sizeof(out)) == ERR_FORMAT);
	CHECK(sftp_expand_dir("%d", "/h", "u", out, 0) == ERR_TOOBIG);
	CHECK(sftp_expand_dir("", "/h", "u", out, 0) == ERR_TOOBIG);
	/* exactly full (7 bytes and the NUL) fits; one more does not */
	CHECK(sftp_expand_dir("%d/%u", "/ab", "cde", small, sizeof(small)) == 0);
	CHECK(strcmp(small, "/ab/cde") == 0);
	CHECK(sftp_expand_dir("%d/%u", "/ab", "cdef", small, sizeof(small)) == ERR_TOOBIG);
	CHECK(sftp_expand_dir("%d%d%d", "/abc", "u", small, sizeof(small)) == ERR_TOOBIG);
}

#if DB_SFTP_SPLICE
/* Reads exactly n bytes of the pipe into out. */
static int pipe_read(int fd, uint8_t *out, size_t n)
{
	while (n) {
		ssize_t k = read(fd, out, n);
		if (k <= 0)
			return -1;
		out += k;
		n -= (size_t)k;
	}
	return 0;
}

/* A large READ answered by splice: the reply queued before it comes first, then the DATA
 * reply framed exactly as the plain path frames it, with the file's bytes; EOF and small
 * READs still take the plain path. */
static void test_splice_read(void)
{
	static uint8_t file[300000], got[DB_SFTP_MAX_PACKET + 64];
	struct buf b;
	const uint8_t *h;
	uint8_t hb[8];
	size_t hn, i;
	uint32_t n, id, dn;
	int p[2];
	FILE *f;

	start();
	for (i = 0; i < sizeof(file); i++)
		file[i] = (uint8_t)(i * 7 + i / 4096);
	CHECK((f = fopen("big", "wb")) != NULL);
	CHECK(fwrite(file, 1, sizeof(file), f) == sizeof(file));
	fclose(f);
	r_begin(3, 1);
	r_cstr("big");
	r_u32(1);
	r_u32(0);
	CHECK(run_req(&b) == 102);
	CHECK(buf_get_u32(&b, &id) == 0 && buf_get_string(&b, &h, &hn) == 0 && hn == 8);
	memcpy(hb, h, 8);
	CHECK(pipe(p) == 0);
	/* room for the whole reply, so that nothing here waits for a reader */
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 1 << 20) >= (1 << 20));
	sftp_splice_setup(&S, p[1]);
	CHECK(S.out_fd == p[1]);
	buf_reset(&S.out);
	r_begin(16, 2); /* REALPATH ".": its reply waits in the queue */
	r_cstr(".");
	CHECK(sftp_packet(&S, req, rlen) == 0);
	CHECK(S.out.len > 0);
	r_begin(5, 3);
	r_str(hb, 8);
	r_u64(4001); /* unaligned: the READ spans one page more than its length */
	r_u32(0xffffffff);
	CHECK(sftp_packet(&S, req, rlen) == 0);
	CHECK(S.out.len == 0);
	/* the NAME reply to 2 first */
	CHECK(pipe_read(p[0], got, 9) == 0);
	n = load_be32(got);
	CHECK(got[4] == 104 && load_be32(got + 5) == 2 && n < 5000);
	CHECK(pipe_read(p[0], got, n - 5) == 0);
	/* then DATA to 3: length, type, id, string */
	CHECK(pipe_read(p[0], got, 13) == 0);
	n = load_be32(got);
	dn = load_be32(got + 9);
	CHECK(got[4] == 103 && load_be32(got + 5) == 3 && n == 9 + dn);
	CHECK(dn > 0 && dn <= DB_SFTP_MAX_READ);
	CHECK(pipe_read(p[0], got, dn) == 0);
	CHECK(memcmp(got, file + 4001, dn) == 0);
	CHECK(S.nread == dn);
	/* past the end: EOF, in the queue */
	r_begin(5, 4);
	r_str(hb, 8);
	r_u64(sizeof(file));
	r_u32(65536);
	CHECK(status(4) == 1);
	/* small: the plain path, in the queue */
	r_begin(5, 5);
	r_str(hb, 8);
	r_u64(10);
	r_u32(100);
	CHECK(run_req(&b) == 103);
	CHECK(buf_get_u32(&b, &id) == 0 && id == 5 && buf_get_u32(&b, &dn) == 0 && dn == 100);
	CHECK(memcmp(buf_ptr(&b), file + 10, 100) == 0);
	/* the output went away: the session ends, it does not hang or crash */
	close(p[0]);
	r_begin(5, 6);
	r_str(hb, 8);
	r_u64(0);
	r_u32(200000);
	CHECK(sftp_packet(&S, req, rlen) < 0);
	sftp_splice_close(&S);
	close(p[1]);
	unlink("big");
}
#endif

int main(void)
{
	char dir[] = "/tmp/test_sftp.XXXXXX";

	if (!mkdtemp(dir) || chdir(dir) != 0)
		return 1;
	RUN(test_before_init);
	RUN(test_roundtrip);
	RUN(test_malformed);
	RUN(test_every_prefix);
	RUN(test_expand_dir);
#if DB_SFTP_SPLICE
	signal(SIGPIPE, SIG_IGN);
	RUN(test_splice_read);
#endif
	sftp_free(&S);
	if (chdir("/") == 0)
		rmdir(dir);
	return harness_done("sftp");
}
