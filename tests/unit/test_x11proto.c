/* X11 forwarding's parsers: the connection setup message (good in both byte orders, byte
 * by byte; truncated, wrong byte order or version, huge or other lengths, another
 * protocol, a wrong cookie), DISPLAY values, xauth list lines, x11-req fields. */
#include <string.h>

#include "err.h"
#include "harness.h"
#include "x11proto.h"

static const uint8_t fake[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

/* A setup message: order 'B' or 'l', major, name and data lengths as given, then the
 * name, padding, the data, padding. Returns its length. */
static size_t mk(uint8_t *m, char order, unsigned major, const char *name, unsigned nlen,
                 const uint8_t *data, unsigned dlen)
{
	size_t o = 12;
	memset(m, 0, 12);
	m[0] = (uint8_t)order;
#define P16(i, v) do { if (order == 'B') { m[i] = (uint8_t)((v) >> 8); m[(i) + 1] = (uint8_t)(v); } \
	else { m[i] = (uint8_t)(v); m[(i) + 1] = (uint8_t)((v) >> 8); } } while (0)
	P16(2, major);
	P16(6, nlen);
	P16(8, dlen);
#undef P16
	if (name) {
		memcpy(m + o, name, strlen(name));
		o += (strlen(name) + 3) & ~3u;
	}
	if (data) {
		memcpy(m + o, data, dlen);
		o += (dlen + 3) & ~3u;
	}
	return o;
}

static void test_setup_good(void)
{
	uint8_t m[128];
	const char orders[2] = {'B', 'l'};
	size_t n, i, off = 0;
	int k;

	for (k = 0; k < 2; k++) {
		n = mk(m, orders[k], 11, X11_PROTO_MIT, 18, fake, 16);
		CHECK(n == 12 + 20 + 16);
		CHECK(n <= x11_setup_max(X11_PROTO_MIT, 16));
		/* every proper prefix asks for more */
		for (i = 0; i < n; i++)
			CHECK(x11_setup_check(m, i, X11_PROTO_MIT, fake, 16, &off) == ERR_AGAIN);
		CHECK(x11_setup_check(m, n, X11_PROTO_MIT, fake, 16, &off) == 0);
		CHECK(off == 32);
		CHECK_MEM(m + off, fake, 16);
		/* what follows the setup (requests) does not matter */
		CHECK(x11_setup_check(m, sizeof(m), X11_PROTO_MIT, fake, 16, &off) == 0);
	}
}

static void test_setup_bad(void)
{
	uint8_t m[256], wrong[16];
	size_t n, off = 0;

	/* byte order: refused from the first byte */
	m[0] = 'X';
	CHECK(x11_setup_check(m, 1, X11_PROTO_MIT, fake, 16, &off) == ERR_FORMAT);
	n = mk(m, 'l', 11, X11_PROTO_MIT, 18, fake, 16);
	m[0] = 0;
	CHECK(x11_setup_check(m, n, X11_PROTO_MIT, fake, 16, &off) == ERR_FORMAT);
	/* the wrong byte order for its lengths: 18 read as 0x1200 */
	n = mk(m, 'l', 11, X11_PROTO_MIT, 18, fake, 16);
	m[0] = 'B';
	CHECK(x11_setup_check(m, n, X11_PROTO_MIT, fake, 16, &off) == ERR_FORMAT);
	/* version */
	n = mk(m, 'B', 10, X11_PROTO_MIT, 18, fake, 16);
	CHECK(x11_setup_check(m, n, X11_PROTO_MIT, fake, 16, &off) == ERR_FORMAT);
	/* huge lengths: refused from the 12-byte header, no waiting for 64 KiB */
	n = mk(m, 'B', 11, NULL, 0xffff, NULL, 0xffff);
	CHECK(n == 12);
	CHECK(x11_setup_check(m, 12, X11_PROTO_MIT, fake, 16, &off) == ERR_TOOBIG);
	n = mk(m, 'l', 11, X11_PROTO_MIT, 18, NULL, 0xffff);
	CHECK(x11_setup_check(m, 12, X11_PROTO_MIT, fake, 16, &off) == ERR_TOOBIG);
	/* no authorization at all */
	n = mk(m, 'l', 11, NULL, 0, NULL, 0);
	CHECK(x11_setup_check(m, n, X11_PROTO_MIT, fake, 16, &off) == ERR_TOOBIG);
	/* another protocol of the same length */
	n = mk(m, 'l', 11, "XDM-AUTHORIZATION1", 18, fake, 16);
	CHECK(x11_setup_check(m, n, X11_PROTO_MIT, fake, 16, &off) == ERR_BADSIG);
	/* a wrong cookie, first and last byte */
	memcpy(wrong, fake, 16);
	wrong[0] ^= 1;
	n = mk(m, 'B', 11, X11_PROTO_MIT, 18, wrong, 16);
	CHECK(x11_setup_check(m, n, X11_PROTO_MIT, fake, 16, &off) == ERR_BADSIG);
	memcpy(wrong, fake, 16);
	wrong[15] ^= 0x80;
	n = mk(m, 'l', 11, X11_PROTO_MIT, 18, wrong, 16);
	CHECK(x11_setup_check(m, n, X11_PROTO_MIT, fake, 16, &off) == ERR_BADSIG);
	/* a cookie one byte short: its length says so */
	n = mk(m, 'l', 11, X11_PROTO_MIT, 18, fake, 15);
	CHECK(x11_setup_check(m, n, X11_PROTO_MIT, fake, 16, &off) == ERR_TOOBIG);
	/* truncated: still waiting, never decided wrongly */
	n = mk(m, 'l', 11, X11_PROTO_MIT, 18, fake, 16);
	CHECK(x11_setup_check(m, n - 1, X11_PROTO_MIT, fake, 16, &off) == ERR_AGAIN);
	CHECK(x11_setup_check(m, 0, X11_PROTO_MIT, fake, 16, &off) == ERR_AGAIN);
}

static void test_display(void)
{
	struct x11_display d;

	CHECK(x11_display_parse(":0", &d) == 0 && d.host[0] == 0 && d.num == 0 && d.screen == 0);
	CHECK(x11_display_parse(":12.3", &d) == 0 && d.num == 12 && d.screen == 3);
	CHECK(x11_display_parse("unix:7", &d) == 0 && d.host[0] == 0 && d.num == 7);
	CHECK(x11_display_parse("localhost:10.0", &d) == 0 && strcmp(d.host, "localhost") == 0 &&
	      d.num == 10);
	CHECK(x11_display_parse("[::1]:11", &d) == 0 && strcmp(d.host, "::1") == 0 && d.num == 11);
	CHECK(x11_display_parse("host::0", &d) == ERR_FORMAT); /* DECnet */
	CHECK(x11_display_parse("", &d) == ERR_FORMAT);
	CHECK(x11_display_parse("0", &d) == ERR_FORMAT);
	CHECK(x11_display_parse(":", &d) == ERR_FORMAT);
	CHECK(x11_display_parse(":x", &d) == ERR_FORMAT);
	CHECK(x11_display_parse(":1.", &d) == ERR_FORMAT);
	CHECK(x11_display_parse(":1.2.3", &d) == ERR_FORMAT);
	CHECK(x11_display_parse(":99999999999999999999", &d) == ERR_FORMAT);
	CHECK(x11_display_parse(":59536", &d) == ERR_FORMAT);
	CHECK(x11_display_parse(":59535", &d) == 0);
	CHECK(x11_display_parse("/private/tmp/com.apple.launchd.x/org.xquartz:0", &d) == ERR_FORMAT);
	CHECK(x11_display_parse("[::1:3", &d) == ERR_FORMAT);
}

static void test_xauth_line(void)
{
	uint8_t c[X11_MAX_COOKIE];
	size_t n = 0;
	char big[600];
	const char *l = "host/unix:0  MIT-MAGIC-COOKIE-1  0102030405060708090a0b0c0d0e0f10\n";

	CHECK(x11_xauth_line(l, strlen(l), c, &n) == 0 && n == 16);
	CHECK_MEM(c, fake, 16);
	l = "host/unix:0  XDM-AUTHORIZATION-1  0102";
	CHECK(x11_xauth_line(l, strlen(l), c, &n) == ERR_UNSUPPORTED);
	l = "host/unix:0  MIT-MAGIC-COOKIE-1  010";
	CHECK(x11_xauth_line(l, strlen(l), c, &n) == ERR_FORMAT);
	l = "host/unix:0  MIT-MAGIC-COOKIE-1  01zz";
	CHECK(x11_xauth_line(l, strlen(l), c, &n) == ERR_FORMAT);
	l = "host/unix:0  MIT-MAGIC-COOKIE-1";
	CHECK(x11_xauth_line(l, strlen(l), c, &n) == ERR_FORMAT);
	CHECK(x11_xauth_line("", 0, c, &n) == ERR_FORMAT);
	/* the length given, not the NUL, ends the line */
	l = "h  MIT-MAGIC-COOKIE-1  0102030405060708";
	CHECK(x11_xauth_line(l, strlen(l) - 4, c, &n) == 0 && n == 6);
	memset(big, 'a', sizeof(big));
	memcpy(big, "h MIT-MAGIC-COOKIE-1 ", 21);
	CHECK(x11_xauth_line(big, sizeof(big) - 1, c, &n) == ERR_TOOBIG);
}

static void test_req_check(void)
{
	char hex[2 * X11_MAX_COOKIE + 3];

	CHECK(x11_req_check(X11_PROTO_MIT, "00112233445566778899aabbccddeeff") == 0);
	CHECK(x11_req_check(X11_PROTO_MIT, "00112233445566778899AABBCCDDEEFF") == 0);
	/* what would smuggle a command into xauth's input */
	CHECK(x11_req_check(X11_PROTO_MIT, "0011\nsource /etc/x") == ERR_FORMAT);
	CHECK(x11_req_check("MIT MAGIC", "0011") == ERR_FORMAT);
	CHECK(x11_req_check("MIT\n", "0011") == ERR_FORMAT);
	CHECK(x11_req_check("", "0011") == ERR_FORMAT);
	CHECK(x11_req_check(X11_PROTO_MIT, "") == ERR_FORMAT);
	CHECK(x11_req_check(X11_PROTO_MIT, "001") == ERR_FORMAT);
	memset(hex, 'a', sizeof(hex));
	hex[2 * X11_MAX_COOKIE] = 0;
	CHECK(x11_req_check(X11_PROTO_MIT, hex) == 0);
	hex[2 * X11_MAX_COOKIE] = 'a';
	hex[2 * X11_MAX_COOKIE + 2] = 0;
	CHECK(x11_req_check(X11_PROTO_MIT, hex) == ERR_FORMAT);
	x11_hex(fake, 2, hex);
	CHECK(strcmp(hex, "0102") == 0);
}

int main(void)
{
	RUN(test_setup_good);
	RUN(test_setup_bad);
	RUN(test_display);
	RUN(test_xauth_line);
	RUN(test_req_check);
	return harness_done("test_x11proto");
}
