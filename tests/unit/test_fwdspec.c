/* Forwarding specs (-L/-R/-B), permitopen / permitlisten parsing and matching, on good
 * and malformed input. */
#include <string.h>

#include "err.h"
#include "fwdspec.h"
#include "harness.h"

static void test_spec_three_fields(void)
{
	struct fwdspec f;

	CHECK_OK(fwd_parse_spec("8022:example.org:22", 0, &f));
	CHECK(strcmp(f.listen_host, "") == 0);
	CHECK(f.listen_port == 8022);
	CHECK(strcmp(f.connect_host, "example.org") == 0);
	CHECK(f.connect_port == 22);
}

static void test_spec_bind_address(void)
{
	struct fwdspec f;

	CHECK_OK(fwd_parse_spec("127.0.0.2:1:h:65535", 0, &f));
	CHECK(strcmp(f.listen_host, "127.0.0.2") == 0);
	CHECK(f.listen_port == 1 && f.connect_port == 65535);
	CHECK_OK(fwd_parse_spec("*:80:h:81", 0, &f));
	CHECK(strcmp(f.listen_host, "*") == 0);
	/* an empty bind address is every address, as in OpenSSH */
	CHECK_OK(fwd_parse_spec(":80:h:81", 0, &f));
	CHECK(strcmp(f.listen_host, "*") == 0);
	CHECK_OK(fwd_parse_spec("localhost:80:h:81", 0, &f));
	CHECK(strcmp(f.listen_host, "localhost") == 0);
}

static void test_spec_ipv6(void)
{
	struct fwdspec f;

	CHECK_OK(fwd_parse_spec("[::1]:8080:[fe80::1%eth0]:22", 0, &f));
	CHECK(strcmp(f.listen_host, "::1") == 0);
	CHECK(f.listen_port == 8080);
	CHECK(strcmp(f.connect_host, "fe80::1%eth0") == 0);
	CHECK(f.connect_port == 22);
	CHECK_OK(fwd_parse_spec("8080:[::1]:22", 0, &f));
	CHECK(strcmp(f.connect_host, "::1") == 0);
	/* unbracketed IPv6 has too many fields */
	CHECK(fwd_parse_spec("8080:::1:22", 0, &f) != 0);
	CHECK(fwd_parse_spec("::1:8080:h:22", 0, &f) != 0);
	/* something after ']' other than ':' */
	CHECK(fwd_parse_spec("[::1]x:8080:h:22", 0, &f) != 0);
	CHECK(fwd_parse_spec("[::1:8080:h:22", 0, &f) != 0);
	CHECK(fwd_parse_spec("[]:8080:h:22", 0, &f) != 0);
}

static void test_spec_ports(void)
{
	struct fwdspec f;

	CHECK(fwd_parse_spec("0:h:22", 0, &f) == ERR_FORMAT);
	CHECK_OK(fwd_parse_spec("0:h:22", FWD_LISTEN_PORT0, &f));
	CHECK(f.listen_port == 0);
	CHECK(fwd_parse_spec("1:h:0", FWD_LISTEN_PORT0, &f) == ERR_FORMAT);
	CHECK(fwd_parse_spec("65536:h:22", 0, &f) == ERR_FORMAT);
	CHECK(fwd_parse_spec("99999999999:h:22", 0, &f) == ERR_FORMAT);
	CHECK(fwd_parse_spec("-1:h:22", 0, &f) == ERR_FORMAT);
	CHECK(fwd_parse_spec("+1:h:22", 0, &f) == ERR_FORMAT);
	CHECK(fwd_parse_spec(" 1:h:22", 0, &f) == ERR_FORMAT);
	CHECK(fwd_parse_spec("1:h:22 ", 0, &f) == ERR_FORMAT);
	CHECK(fwd_parse_spec("1:h:", 0, &f) == ERR_FORMAT);
	CHECK(fwd_parse_spec("1:h:*", 0, &f) == ERR_FORMAT);
	CHECK(fwd_parse_spec("ssh:h:22", 0, &f) == ERR_FORMAT);
	CHECK_OK(fwd_parse_spec("00022:h:00080", 0, &f));
	CHECK(f.listen_port == 22 && f.connect_port == 80);
	CHECK(fwd_parse_spec("000022:h:80", 0, &f) == ERR_FORMAT);
}

static void test_spec_malformed(void)
{
	struct fwdspec f;
	char big[DB_MAX_FWD_HOST + 20];

	CHECK(fwd_parse_spec("", 0, &f) != 0);
	CHECK(fwd_parse_spec("22", 0, &f) != 0);
	CHECK(fwd_parse_spec("22:h", 0, &f) != 0);
	CHECK(fwd_parse_spec("1:2:3:4:5", 0, &f) != 0);
	CHECK(fwd_parse_spec("1::22", 0, &f) != 0);      /* empty host */
	CHECK(fwd_parse_spec("1:h h:22", 0, &f) != 0);   /* space in a host */
	CHECK(fwd_parse_spec("1:h\x01:22", 0, &f) != 0); /* control character */
	CHECK(fwd_parse_spec("1:h\xc3\xa9:22", 0, &f) != 0);
	CHECK(fwd_parse_spec("b b:1:h:22", 0, &f) != 0);
	memset(big, 'a', sizeof(big));
	memcpy(big, "1:", 2);
	strcpy(big + 2 + DB_MAX_FWD_HOST, ":22");
	CHECK(fwd_parse_spec(big, 0, &f) == ERR_TOOBIG);
	/* the longest host that fits */
	strcpy(big + 2 + DB_MAX_FWD_HOST - 1, ":22");
	CHECK_OK(fwd_parse_spec(big, 0, &f));
	CHECK(strlen(f.connect_host) == DB_MAX_FWD_HOST - 1);
	/* a failure leaves nothing half-filled */
	CHECK(fwd_parse_spec("h:1:x:0", 0, &f) != 0);
	CHECK(f.listen_host[0] == '\0' && f.listen_port == 0);
}

static void test_hostport(void)
{
	char h[64];
	uint32_t p;

	CHECK_OK(fwd_parse_hostport("localhost:22", 0, h, sizeof(h), &p));
	CHECK(strcmp(h, "localhost") == 0 && p == 22);
	CHECK_OK(fwd_parse_hostport("[::1]:2222", 0, h, sizeof(h), &p));
	CHECK(strcmp(h, "::1") == 0 && p == 2222);
	CHECK(fwd_parse_hostport("localhost:*", 0, h, sizeof(h), &p) != 0);
	CHECK_OK(fwd_parse_hostport("localhost:*", 1, h, sizeof(h), &p));
	CHECK(p == FWD_PORT_ANY);
	CHECK(fwd_parse_hostport("localhost", 0, h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_hostport(":22", 0, h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_hostport("a:b:22", 0, h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_hostport("::1:22", 0, h, sizeof(h), &p) != 0);
	/* host longer than the caller's buffer */
	CHECK(fwd_parse_hostport("abcdef:1", 0, h, 4, &p) == ERR_TOOBIG);
}

static void test_listen(void)
{
	char h[64];
	uint32_t p;

	CHECK_OK(fwd_parse_listen("8080", h, sizeof(h), &p));
	CHECK(h[0] == '\0' && p == 8080);
	CHECK_OK(fwd_parse_listen("localhost:8080", h, sizeof(h), &p));
	CHECK(strcmp(h, "localhost") == 0 && p == 8080);
	CHECK_OK(fwd_parse_listen("[::1]:*", h, sizeof(h), &p));
	CHECK(strcmp(h, "::1") == 0 && p == FWD_PORT_ANY);
	CHECK(fwd_parse_listen("[::1]", h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_listen("", h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_listen("a:b:1", h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_listen("0", h, sizeof(h), &p) != 0);
}

static void test_jump(void)
{
	char u[16], h[64];
	uint32_t p;

	CHECK_OK(fwd_parse_jump("host", u, sizeof(u), h, sizeof(h), &p));
	CHECK(u[0] == '\0' && strcmp(h, "host") == 0 && p == 0);
	CHECK_OK(fwd_parse_jump("me@host:2022", u, sizeof(u), h, sizeof(h), &p));
	CHECK(strcmp(u, "me") == 0 && strcmp(h, "host") == 0 && p == 2022);
	CHECK_OK(fwd_parse_jump("a@b@[::1]:22", u, sizeof(u), h, sizeof(h), &p));
	CHECK(strcmp(u, "a@b") == 0 && strcmp(h, "::1") == 0 && p == 22);
	CHECK_OK(fwd_parse_jump("[::1]", u, sizeof(u), h, sizeof(h), &p));
	CHECK(strcmp(h, "::1") == 0 && p == 0);
	CHECK(fwd_parse_jump("", u, sizeof(u), h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_jump("@host", u, sizeof(u), h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_jump("me@", u, sizeof(u), h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_jump("host:", u, sizeof(u), h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_jump("host:0", u, sizeof(u), h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_jump("host:1:2", u, sizeof(u), h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_jump("::1", u, sizeof(u), h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_jump("m e@host", u, sizeof(u), h, sizeof(h), &p) != 0);
	CHECK(fwd_parse_jump("averyveryverylonguser@h", u, sizeof(u), h, sizeof(h), &p) ==
	      ERR_TOOBIG);
}

static void test_pattern(void)
{
	CHECK(fwd_pattern_match("*", ""));
	CHECK(fwd_pattern_match("*", "anything"));
	CHECK(fwd_pattern_match("localhost", "LocalHost"));
	CHECK(!fwd_pattern_match("localhost", "localhost2"));
	CHECK(fwd_pattern_match("127.0.0.?", "127.0.0.1"));
	CHECK(!fwd_pattern_match("127.0.0.?", "127.0.0.10"));
	CHECK(fwd_pattern_match("*.example.org", "a.b.example.org"));
	CHECK(!fwd_pattern_match("*.example.org", "example.org"));
	CHECK(fwd_pattern_match("a*b*c", "aXXbYYbZc"));
	CHECK(!fwd_pattern_match("a*b*c", "aXXbYYbZ"));
	CHECK(fwd_pattern_match("**", "x"));
	CHECK(!fwd_pattern_match("", "x"));
	CHECK(fwd_pattern_match("", ""));
	CHECK(!fwd_pattern_match("?", ""));
}

static void test_permit_open(void)
{
	char a[] = "127.0.0.1:8080", b[] = "Example.org:*", c[] = "*:22", bad[] = "nonsense";
	char *list[] = {a, b, c, bad};
	char *only_bad[] = {bad};

	CHECK(fwd_permit_open(NULL, 0, "anything", 1));
	CHECK(fwd_permit_open(list, 1, "127.0.0.1", 8080));
	CHECK(!fwd_permit_open(list, 1, "127.0.0.1", 8081));
	CHECK(!fwd_permit_open(list, 1, "localhost", 8080)); /* no name lookup */
	CHECK(!fwd_permit_open(list, 1, "127.0.0.10", 8080));
	CHECK(fwd_permit_open(list, 4, "example.ORG", 1));
	CHECK(!fwd_permit_open(list, 4, "www.example.org", 1)); /* no patterns */
	CHECK(fwd_permit_open(list, 4, "anyhost", 22));
	CHECK(!fwd_permit_open(list, 4, "anyhost", 23));
	/* an unparsable entry allows nothing (it does not turn the check off) */
	CHECK(!fwd_permit_open(only_bad, 1, "nonsense", 22));
}

static void test_permit_listen(void)
{
	char a[] = "8080", b[] = "localhost:9090", c[] = "127.0.0.*:*";
	char *list[] = {a, b, c};

	CHECK(fwd_permit_listen(NULL, 0, "", 1));
	CHECK(fwd_permit_listen(list, 1, "localhost", 8080));
	CHECK(fwd_permit_listen(list, 1, "", 8080));
	CHECK(!fwd_permit_listen(list, 1, "localhost", 8081));
	CHECK(fwd_permit_listen(list, 2, "localhost", 9090));
	CHECK(!fwd_permit_listen(list, 2, "0.0.0.0", 9090));
	CHECK(fwd_permit_listen(list, 3, "127.0.0.5", 1234));
	CHECK(!fwd_permit_listen(list, 3, "10.0.0.5", 1234));
}

/* Builds string host, u32 port, string orig, u32 oport (+ trailing bytes) into m. */
static void tcpip_msg(struct buf *m, const char *host, size_t hn, uint32_t port, const char *orig,
                      uint32_t oport, const char *trail)
{
	CHECK_OK(buf_init(m, 64, 4096));
	CHECK_OK(buf_put_string(m, host, hn));
	CHECK_OK(buf_put_u32(m, port));
	CHECK_OK(buf_put_cstr(m, orig));
	CHECK_OK(buf_put_u32(m, oport));
	if (trail)
		CHECK_OK(buf_put_cstr(m, trail));
}

static int parse_open(struct buf *m, struct fwd_tcpip_open *o)
{
	struct buf v;
	int r;

	buf_view(&v, m->data, m->len);
	r = fwd_parse_tcpip_open(&v, 0, o);
	buf_free(m);
	return r;
}

static void test_tcpip_open(void)
{
	struct fwd_tcpip_open o;
	struct buf m, v;
	char big[DB_MAX_FWD_HOST + 1];
	size_t cut;

	tcpip_msg(&m, "127.0.0.1", 9, 8080, "10.1.2.3", 5555, NULL);
	CHECK_OK(parse_open(&m, &o));
	CHECK(strcmp(o.host, "127.0.0.1") == 0 && o.port == 8080);
	CHECK(strcmp(o.orig, "10.1.2.3") == 0 && o.orig_port == 5555);

	/* every truncation is a protocol error */
	tcpip_msg(&m, "h", 1, 1, "o", 2, NULL);
	for (cut = 0; cut < m.len; cut++) {
		buf_view(&v, m.data, cut);
		CHECK(fwd_parse_tcpip_open(&v, 0, &o) == ERR_TRUNCATED);
	}
	buf_free(&m);
	tcpip_msg(&m, "h", 1, 1, "o", 2, "x");
	CHECK(parse_open(&m, &o) == ERR_TRAILING);

	/* well-formed but not acted on: refused, not fatal */
	tcpip_msg(&m, "", 0, 1, "o", 2, NULL);
	CHECK(parse_open(&m, &o) == ERR_INVALID);
	/* forwarded-tcpip names the address as requested, "" (every address) included */
	tcpip_msg(&m, "", 0, 1, "o", 2, NULL);
	buf_view(&v, m.data, m.len);
	CHECK_OK(fwd_parse_tcpip_open(&v, 1, &o));
	CHECK(o.host[0] == '\0' && o.port == 1);
	buf_free(&m);
	tcpip_msg(&m, "h", 1, 65536, "o", 2, NULL);
	CHECK(parse_open(&m, &o) == ERR_INVALID);
	tcpip_msg(&m, "h", 1, 1, "o", 70000, NULL);
	CHECK(parse_open(&m, &o) == ERR_INVALID);
	tcpip_msg(&m, "a\0b", 3, 1, "o", 2, NULL);
	CHECK(parse_open(&m, &o) == ERR_INVALID);
	tcpip_msg(&m, "a b", 3, 1, "o", 2, NULL);
	CHECK(parse_open(&m, &o) == ERR_INVALID);
	memset(big, 'a', sizeof(big));
	tcpip_msg(&m, big, DB_MAX_FWD_HOST, 1, "o", 2, NULL);
	CHECK(parse_open(&m, &o) == ERR_INVALID);
	tcpip_msg(&m, big, DB_MAX_FWD_HOST - 1, 1, "o", 2, NULL);
	CHECK_OK(parse_open(&m, &o));
	/* an unprintable originator is only replaced */
	tcpip_msg(&m, "h", 1, 1, "\x1b[2J", 2, NULL);
	CHECK_OK(parse_open(&m, &o));
	CHECK(strcmp(o.orig, "?") == 0);
}

static void test_tcpip_forward(void)
{
	struct buf m, v;
	char a[DB_MAX_FWD_HOST];
	uint32_t port;

	CHECK_OK(buf_init(&m, 64, 4096));
	CHECK_OK(buf_put_cstr(&m, ""));
	CHECK_OK(buf_put_u32(&m, 0));
	buf_view(&v, m.data, m.len);
	CHECK_OK(fwd_parse_tcpip_forward(&v, a, sizeof(a), &port));
	CHECK(a[0] == '\0' && port == 0);
	buf_view(&v, m.data, m.len - 1);
	CHECK(fwd_parse_tcpip_forward(&v, a, sizeof(a), &port) == ERR_TRUNCATED);
	CHECK_OK(buf_put_u8(&m, 0));
	buf_view(&v, m.data, m.len);
	CHECK(fwd_parse_tcpip_forward(&v, a, sizeof(a), &port) == ERR_TRAILING);
	buf_reset(&m);
	CHECK_OK(buf_put_cstr(&m, "localhost"));
	CHECK_OK(buf_put_u32(&m, 0x10050));
	buf_view(&v, m.data, m.len);
	CHECK(fwd_parse_tcpip_forward(&v, a, sizeof(a), &port) == ERR_INVALID);
	buf_free(&m);
}

static void test_spec_paths(void)
{
	struct fwdspec f;

	CHECK_OK(fwd_parse_spec("8022:/run/x.sock", 0, &f));
	CHECK(f.listen_port == 8022 && strcmp(f.connect_host, "/run/x.sock") == 0);
	CHECK(!f.listen_unix && f.connect_unix && f.connect_port == 0);
	CHECK_OK(fwd_parse_spec("127.0.0.1:8022:/a:b", 0, &f));
	CHECK(strcmp(f.listen_host, "127.0.0.1") == 0 && strcmp(f.connect_host, "/a:b") == 0);
	CHECK_OK(fwd_parse_spec(":8022:/a", 0, &f));
	CHECK(strcmp(f.listen_host, "*") == 0 && f.listen_port == 8022);
	CHECK_OK(fwd_parse_spec("[::1]:8022:/a", 0, &f));
	CHECK(strcmp(f.listen_host, "::1") == 0);
	CHECK_OK(fwd_parse_spec("/tmp/l.sock:example.org:22", 0, &f));
	CHECK(strcmp(f.listen_host, "/tmp/l.sock") == 0 && f.connect_port == 22 && f.listen_unix);
	CHECK(strcmp(f.connect_host, "example.org") == 0 && !f.connect_unix);
	CHECK_OK(fwd_parse_spec("/l:/c", 0, &f));
	CHECK(strcmp(f.listen_host, "/l") == 0 && strcmp(f.connect_host, "/c") == 0);
	CHECK(fwd_parse_spec("/l", 0, &f) != 0);
	CHECK(fwd_parse_spec("/l:", 0, &f) != 0);
	CHECK(fwd_parse_spec("8022:/", 0, &f) == 0); /* "/" is a path, if a useless one */
	CHECK(fwd_parse_spec("x:/a", 0, &f) != 0);
	CHECK(fwd_parse_spec("8022:/a\nb", 0, &f) != 0);
	CHECK(fwd_parse_spec("/l:host", 0, &f) != 0);
	{
		char longs[300];
		memset(longs, 'a', sizeof(longs));
		longs[0] = '/';
		strcpy(longs + 150, ":h:1");
		CHECK(fwd_parse_spec(longs, 0, &f) == ERR_TOOBIG);
	}
}

static void test_streamlocal(void)
{
	struct buf m, v;
	char p[FWD_MAX_SOCK_PATH], longp[200];

	CHECK_OK(buf_init(&m, 64, 4096));
	/* direct-streamlocal: path, reserved string, reserved uint32 */
	CHECK_OK(buf_put_cstr(&m, "/tmp/a b.sock"));
	CHECK_OK(buf_put_cstr(&m, ""));
	CHECK_OK(buf_put_u32(&m, 0));
	buf_view(&v, m.data, m.len);
	CHECK_OK(fwd_parse_streamlocal(&v, FWD_SL_DIRECT, p, sizeof(p)));
	CHECK(strcmp(p, "/tmp/a b.sock") == 0);
	buf_view(&v, m.data, m.len - 1);
	CHECK(fwd_parse_streamlocal(&v, FWD_SL_DIRECT, p, sizeof(p)) == ERR_TRUNCATED);
	buf_view(&v, m.data, m.len);
	CHECK(fwd_parse_streamlocal(&v, FWD_SL_FORWARDED, p, sizeof(p)) == ERR_TRAILING);
	buf_view(&v, m.data, m.len);
	CHECK(fwd_parse_streamlocal(&v, FWD_SL_REQUEST, p, sizeof(p)) == ERR_TRAILING);
	/* the global requests: the path alone */
	buf_reset(&m);
	CHECK_OK(buf_put_cstr(&m, "rel.sock"));
	buf_view(&v, m.data, m.len);
	CHECK_OK(fwd_parse_streamlocal(&v, FWD_SL_REQUEST, p, sizeof(p)));
	/* empty, a NUL inside, a control character, too long for sockaddr_un */
	buf_reset(&m);
	CHECK_OK(buf_put_cstr(&m, ""));
	buf_view(&v, m.data, m.len);
	CHECK(fwd_parse_streamlocal(&v, FWD_SL_REQUEST, p, sizeof(p)) == ERR_INVALID);
	buf_reset(&m);
	CHECK_OK(buf_put_string(&m, "/a\0b", 4));
	buf_view(&v, m.data, m.len);
	CHECK(fwd_parse_streamlocal(&v, FWD_SL_REQUEST, p, sizeof(p)) == ERR_INVALID);
	buf_reset(&m);
	CHECK_OK(buf_put_cstr(&m, "/a\nb"));
	buf_view(&v, m.data, m.len);
	CHECK(fwd_parse_streamlocal(&v, FWD_SL_REQUEST, p, sizeof(p)) == ERR_INVALID);
	memset(longp, 'x', sizeof(longp));
	buf_reset(&m);
	CHECK_OK(buf_put_string(&m, longp, FWD_MAX_SOCK_PATH));
	buf_view(&v, m.data, m.len);
	CHECK(fwd_parse_streamlocal(&v, FWD_SL_REQUEST, p, sizeof(p)) == ERR_INVALID);
	buf_reset(&m);
	CHECK_OK(buf_put_string(&m, longp, FWD_MAX_SOCK_PATH - 1));
	buf_view(&v, m.data, m.len);
	CHECK_OK(fwd_parse_streamlocal(&v, FWD_SL_REQUEST, p, sizeof(p)));
	buf_free(&m);
}

int main(void)
{
	RUN(test_spec_three_fields);
	RUN(test_spec_bind_address);
	RUN(test_spec_ipv6);
	RUN(test_spec_ports);
	RUN(test_spec_malformed);
	RUN(test_hostport);
	RUN(test_listen);
	RUN(test_jump);
	RUN(test_pattern);
	RUN(test_permit_open);
	RUN(test_permit_listen);
	RUN(test_tcpip_open);
	RUN(test_tcpip_forward);
	RUN(test_streamlocal);
	RUN(test_spec_paths);
	return harness_done("test_fwdspec");
}
