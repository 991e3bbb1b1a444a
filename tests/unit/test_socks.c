/* SOCKS4, SOCKS4a and SOCKS5 requests for dbclient -D: good requests byte by byte, and
 * malformed, unsupported and oversized ones. */
#include <string.h>

#include "err.h"
#include "harness.h"
#include "socks.h"

/* Feeds msg one byte more at a time: every proper prefix must ask for more. */
static int parse_all(struct socks_req *r, const uint8_t *msg, size_t n, size_t *used)
{
	size_t i;
	int res;

	for (i = 0; i < n; i++) {
		struct socks_req tmp = *r;
		res = socks_parse(&tmp, msg, i, used);
		if (res != SOCKS_MORE)
			return 100 + (int)i; /* decided too early */
	}
	return socks_parse(r, msg, n, used);
}

static void test_socks4(void)
{
	static const uint8_t m[] = {4, 1, 0x1f, 0x90, 127, 0, 0, 1, 'b', 'o', 'b', 0};
	uint8_t out[SOCKS_MAX_REPLY];
	struct socks_req r;
	size_t used;

	socks_init(&r);
	CHECK(parse_all(&r, m, sizeof(m), &used) == 0);
	CHECK(used == sizeof(m));
	CHECK(strcmp(r.host, "127.0.0.1") == 0 && r.port == 8080);
	CHECK(socks_reply(&r, SOCKS_R_OK, out) == 8 && out[0] == 0 && out[1] == 90);
	CHECK(socks_reply(&r, SOCKS_R_FAIL, out) == 8 && out[1] == 91);
}

static void test_socks4a(void)
{
	static const uint8_t m[] = {4, 1, 0, 80, 0, 0, 0, 9, 0, 'e', 'x', '.', 'o', 'r', 'g', 0};
	struct socks_req r;
	size_t used;

	socks_init(&r);
	CHECK(parse_all(&r, m, sizeof(m), &used) == 0);
	CHECK(used == sizeof(m));
	CHECK(strcmp(r.host, "ex.org") == 0 && r.port == 80);
}

static void test_socks5(void)
{
	static const uint8_t greet[] = {5, 2, 2, 0};
	static const uint8_t v4[] = {5, 1, 0, 1, 10, 1, 2, 3, 0, 22};
	static const uint8_t name[] = {5, 1, 0, 3, 9, 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't', 1, 0};
	uint8_t v6[22] = {5, 1, 0, 4};
	uint8_t out[SOCKS_MAX_REPLY];
	struct socks_req r;
	size_t used;

	socks_init(&r);
	CHECK(parse_all(&r, greet, sizeof(greet), &used) == SOCKS_METHOD);
	CHECK(used == sizeof(greet));
	CHECK(socks_reply(&r, SOCKS_R_METHOD, out) == 2 && out[0] == 5 && out[1] == 0);
	CHECK(parse_all(&r, v4, sizeof(v4), &used) == 0);
	CHECK(used == sizeof(v4) && strcmp(r.host, "10.1.2.3") == 0 && r.port == 22);
	CHECK(socks_reply(&r, SOCKS_R_OK, out) == 10 && out[0] == 5 && out[1] == 0 && out[3] == 1);
	r.reply = SOCKS5_REFUSED;
	CHECK(socks_reply(&r, SOCKS_R_FAIL, out) == 10 && out[1] == SOCKS5_REFUSED);

	socks_init(&r);
	CHECK(socks_parse(&r, greet, sizeof(greet), &used) == SOCKS_METHOD);
	CHECK(parse_all(&r, name, sizeof(name), &used) == 0);
	CHECK(strcmp(r.host, "localhost") == 0 && r.port == 256);

	socks_init(&r);
	CHECK(socks_parse(&r, greet, sizeof(greet), &used) == SOCKS_METHOD);
	v6[19] = 1;  /* ::1 */
	v6[21] = 80;
	CHECK(parse_all(&r, v6, sizeof(v6), &used) == 0);
	CHECK(strcmp(r.host, "::1") == 0 && r.port == 80);
}

static int one(const uint8_t *m, size_t n, int socks5_request)
{
	static const uint8_t greet[] = {5, 1, 0};
	struct socks_req r;
	size_t used;

	socks_init(&r);
	if (socks5_request && socks_parse(&r, greet, sizeof(greet), &used) != SOCKS_METHOD)
		return 999;
	return socks_parse(&r, m, n, &used);
}

static void test_malformed(void)
{
	static const uint8_t http[] = "GET / HTTP/1.0\r\n";
	static const uint8_t bind4[] = {4, 2, 0, 80, 1, 2, 3, 4, 0};
	static const uint8_t port0[] = {4, 1, 0, 0, 1, 2, 3, 4, 0};
	static const uint8_t empty4a[] = {4, 1, 0, 80, 0, 0, 0, 1, 0, 0};
	static const uint8_t ctl4a[] = {4, 1, 0, 80, 0, 0, 0, 1, 0, 'a', '\n', 0};
	static const uint8_t nometh[] = {5, 0};
	static const uint8_t gssapi[] = {5, 1, 1};
	static const uint8_t udp[] = {5, 3, 0, 1, 1, 2, 3, 4, 0, 53};
	static const uint8_t rsv[] = {5, 1, 1, 1, 1, 2, 3, 4, 0, 53};
	static const uint8_t atyp[] = {5, 1, 0, 2, 1, 2, 3, 4, 0, 53};
	static const uint8_t ver[] = {4, 1, 0, 1, 1, 2, 3, 4, 0, 53};
	static const uint8_t name0[] = {5, 1, 0, 3, 0, 0, 80};
	static const uint8_t namenul[] = {5, 1, 0, 3, 2, 'a', 0, 0, 80};
	static const uint8_t v5port0[] = {5, 1, 0, 1, 1, 2, 3, 4, 0, 0};
	uint8_t big[SOCKS_MAX_MSG], out[SOCKS_MAX_REPLY];
	struct socks_req r;
	size_t used;

	CHECK(one(http, sizeof(http) - 1, 0) == ERR_FORMAT);
	CHECK(one(bind4, sizeof(bind4), 0) == ERR_UNSUPPORTED);
	CHECK(one(port0, sizeof(port0), 0) == ERR_INVALID);
	CHECK(one(empty4a, sizeof(empty4a), 0) == ERR_INVALID);
	CHECK(one(ctl4a, sizeof(ctl4a), 0) == ERR_INVALID);
	CHECK(one(nometh, sizeof(nometh), 0) == ERR_FORMAT);
	CHECK(one(gssapi, sizeof(gssapi), 0) == ERR_UNSUPPORTED);
	CHECK(one(udp, sizeof(udp), 1) == ERR_UNSUPPORTED);
	CHECK(one(rsv, sizeof(rsv), 1) == ERR_FORMAT);
	CHECK(one(atyp, sizeof(atyp), 1) == ERR_UNSUPPORTED);
	CHECK(one(ver, sizeof(ver), 1) == ERR_FORMAT);
	CHECK(one(name0, sizeof(name0), 1) == ERR_INVALID);
	CHECK(one(namenul, sizeof(namenul), 1) == ERR_INVALID);
	CHECK(one(v5port0, sizeof(v5port0), 1) == ERR_INVALID);

	/* the refusals carry the right codes */
	socks_init(&r);
	CHECK(socks_parse(&r, gssapi, sizeof(gssapi), &used) == ERR_UNSUPPORTED);
	CHECK(socks_reply(&r, SOCKS_R_FAIL, out) == 2 && out[1] == 0xff);
	socks_init(&r);
	(void)socks_parse(&r, (const uint8_t *)"\x05\x01\x00", 3, &used);
	CHECK(socks_parse(&r, udp, sizeof(udp), &used) == ERR_UNSUPPORTED);
	CHECK(socks_reply(&r, SOCKS_R_FAIL, out) == 10 && out[1] == SOCKS5_CMD_UNSUPPORTED);
	socks_init(&r);
	CHECK(socks_reply(&r, SOCKS_R_FAIL, out) == 0); /* nothing known: no answer */

	/* a user id without its NUL that fills the buffer is refused, not waited on */
	memset(big, 'u', sizeof(big));
	memcpy(big, "\x04\x01\x00\x50\x01\x02\x03\x04", 8);
	CHECK(one(big, sizeof(big), 0) == ERR_TOOBIG);
	CHECK(one(big, 8 + 255, 0) == SOCKS_MORE);
	CHECK(one(big, 8 + 256, 0) == ERR_TOOBIG);
	/* the same for a 4a name */
	memcpy(big, "\x04\x01\x00\x50\x00\x00\x00\x01\x00", 9);
	CHECK(one(big, sizeof(big), 0) == ERR_TOOBIG);
	/* the longest request there can be fits the buffer */
	memset(big, 'a', sizeof(big));
	memcpy(big, "\x04\x01\x00\x50\x00\x00\x00\x01", 8);
	big[8 + 255] = 0;
	big[8 + 256 + 255] = 0;
	socks_init(&r);
	CHECK(socks_parse(&r, big, 8 + 256 + 256, &used) == 0);
	CHECK(used == SOCKS_MAX_MSG && strlen(r.host) == 255);
}

int main(void)
{
	RUN(test_socks4);
	RUN(test_socks4a);
	RUN(test_socks5);
	RUN(test_malformed);
	return harness_done("test_socks");
}
