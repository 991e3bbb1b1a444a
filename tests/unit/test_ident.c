/* The identification exchange parser (RFC 4253 4.2) on good, split and malformed input. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "harness.h"
#include "ident.h"

static int parse_str(struct ident *id, const char *s, struct buf *b)
{
	buf_view(b, s, strlen(s));
	return ident_parse(id, b);
}

static void test_simple(void)
{
	struct ident id;
	struct buf b;

	ident_init(&id, 0);
	CHECK_OK(parse_str(&id, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", &b));
	CHECK(strcmp(id.peer, "SSH-2.0-OpenSSH_9.2p1 Debian-2") == 0);
	CHECK(buf_avail(&b) == 0);
}

static void test_bare_lf_and_rest_kept(void)
{
	struct ident id;
	struct buf b;
	const char *s = "SSH-2.0-x\n\x00\x00\x01\x0c";

	ident_init(&id, 0);
	buf_view(&b, s, 14);
	CHECK_OK(ident_parse(&id, &b));
	CHECK(strcmp(id.peer, "SSH-2.0-x") == 0);
	CHECK(buf_avail(&b) == 4); /* the first packet's bytes stay for the packet layer */
}

static void test_199(void)
{
	struct ident id;
	struct buf b;

	ident_init(&id, 0);
	CHECK_OK(parse_str(&id, "SSH-1.99-old\r\n", &b));
	ident_init(&id, 0);
	CHECK(parse_str(&id, "SSH-1.5-older\r\n", &b) == ERR_UNSUPPORTED);
	ident_init(&id, 0);
	CHECK(parse_str(&id, "SSH-3.0-future\r\n", &b) == ERR_UNSUPPORTED);
	ident_init(&id, 0);
	CHECK(parse_str(&id, "SSH-2.0-\r\n", &b) == ERR_PROTOCOL);
	ident_init(&id, 0);
	CHECK(parse_str(&id, "SSH-2.0- comment\r\n", &b) == ERR_PROTOCOL);
}

/* Byte by byte: ERR_AGAIN until the LF, never a partial consumption of the line. */
static void test_split_every_byte(void)
{
	const char *s = "SSH-2.0-dropbear_2026.1\r\n";
	size_t n = strlen(s), i;
	struct ident id;
	struct buf b;

	ident_init(&id, 0);
	for (i = 1; i < n; i++) {
		buf_view(&b, s, i);
		CHECK(ident_parse(&id, &b) == ERR_AGAIN);
		CHECK(b.pos == 0);
	}
	buf_view(&b, s, n);
	CHECK_OK(ident_parse(&id, &b));
}

static void test_server_refuses_preamble(void)
{
	struct ident id;
	struct buf b;

	ident_init(&id, 0);
	CHECK(parse_str(&id, "hello\r\nSSH-2.0-x\r\n", &b) == ERR_PROTOCOL);
	/* garbage is refused at once, without waiting for a newline */
	ident_init(&id, 0);
	CHECK(parse_str(&id, "GET / HTTP/1.1", &b) == ERR_PROTOCOL);
	ident_init(&id, 0);
	CHECK(parse_str(&id, "SS", &b) == ERR_AGAIN);
	ident_init(&id, 0);
	CHECK(parse_str(&id, "SSX", &b) == ERR_PROTOCOL);
}

static void test_client_skips_preamble(void)
{
	struct ident id;
	struct buf b;

	ident_init(&id, 1);
	CHECK_OK(parse_str(&id, "Welcome\r\nto the host\n\r\nSSH-2.0-srv\r\n", &b));
	CHECK(strcmp(id.peer, "SSH-2.0-srv") == 0);
	CHECK(id.lines == 3);
}

static void test_line_length(void)
{
	char line[600];
	struct ident id;
	struct buf b;

	/* 253 characters + CR LF = 255: the longest allowed */
	memset(line, 'a', sizeof(line));
	memcpy(line, "SSH-2.0-", 8);
	memcpy(line + 253, "\r\n", 3);
	ident_init(&id, 0);
	CHECK_OK(parse_str(&id, line, &b));
	CHECK(strlen(id.peer) == 253);
	/* one more and it is refused, with or without the newline yet */
	memset(line, 'a', sizeof(line));
	memcpy(line, "SSH-2.0-", 8);
	memcpy(line + 254, "\r\n", 3);
	ident_init(&id, 0);
	CHECK(parse_str(&id, line, &b) == ERR_TOOBIG);
	line[300] = 0;
	ident_init(&id, 0);
	CHECK(parse_str(&id, line, &b) == ERR_TOOBIG);
	/* a long preamble line is refused on the client too */
	memset(line, 'x', 400);
	line[400] = 0;
	ident_init(&id, 1);
	CHECK(parse_str(&id, line, &b) == ERR_TOOBIG);
}

static void test_preamble_limits(void)
{
	static char many[DB_MAX_PRE_IDENT_LINES * 3 + 64];
	struct ident id;
	struct buf b;
	size_t i, n = 0;

	for (i = 0; i < DB_MAX_PRE_IDENT_LINES + 1; i++) {
		many[n++] = 'x';
		many[n++] = '\n';
	}
	memcpy(many + n, "SSH-2.0-x\r\n", 12);
	ident_init(&id, 1);
	CHECK(parse_str(&id, many, &b) == ERR_TOOBIG);

	/* total size: lines each within 255 but too much in all */
	{
		static char big[DB_MAX_PRE_IDENT_BYTES + 1024];
		size_t k = 0;
		while (k + 201 < sizeof(big) - 16) {
			memset(big + k, 'y', 200);
			big[k + 200] = '\n';
			k += 201;
		}
		memcpy(big + k, "SSH-2.0-x\n", 11);
		ident_init(&id, 1);
		CHECK(parse_str(&id, big, &b) == ERR_TOOBIG);
	}
}

static void test_control_chars(void)
{
	struct ident id;
	struct buf b;
	const char nul[] = "SSH-2.0-a\0b\r\n";

	ident_init(&id, 0);
	buf_view(&b, nul, sizeof(nul) - 1);
	CHECK(ident_parse(&id, &b) == ERR_PROTOCOL);
	ident_init(&id, 0);
	CHECK(parse_str(&id, "SSH-2.0-a\x1b[31m\r\n", &b) == ERR_PROTOCOL);
	ident_init(&id, 0);
	CHECK(parse_str(&id, "SSH-2.0-a\rb\r\n", &b) == ERR_PROTOCOL);
	ident_init(&id, 1);
	buf_view(&b, "x\0y\nSSH-2.0-a\n", 14);
	CHECK(ident_parse(&id, &b) == ERR_PROTOCOL);
}

/* Random bytes: never a crash, never a read past the end, and the why is set. */
static void test_random(void)
{
	uint8_t data[600];
	unsigned seed = 12345;
	int round;

	for (round = 0; round < 2000; round++) {
		struct ident id;
		struct buf b;
		size_t n = (size_t)(seed % sizeof(data)), i;
		int r;
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			data[i] = (uint8_t)(seed >> 16);
			if ((seed >> 8) % 7 == 0)
				data[i] = '\n';
		}
		if (n > 8 && round % 3 == 0)
			memcpy(data, "SSH-2.0-", 8);
		ident_init(&id, round & 1);
		buf_view(&b, data, n);
		r = ident_parse(&id, &b);
		CHECK(r == 0 || r == ERR_AGAIN || id.why != NULL);
		CHECK(b.pos <= n);
		seed = seed * 1103515245u + 12345u;
	}
}

int main(void)
{
	RUN(test_simple);
	RUN(test_bare_lf_and_rest_kept);
	RUN(test_199);
	RUN(test_split_every_byte);
	RUN(test_server_refuses_preamble);
	RUN(test_client_skips_preamble);
	RUN(test_line_length);
	RUN(test_preamble_limits);
	RUN(test_control_chars);
	RUN(test_random);
	return harness_done("test_ident");
}
