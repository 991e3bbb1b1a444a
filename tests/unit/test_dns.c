/* dns: the stub resolver of the static builds (DB_OWN_RESOLVER). resolv.conf and hosts
 * text (defaults, bounds, comments, long lines, bad addresses), queries (labels over 63
 * bytes, names over 255), replies (another ID or question, truncated, pointer loops and
 * forward pointers, labels over 63, names over 255, oversized counts, CNAMEs, TC), the
 * RFC 6724 sort key, and whole lookups through resolve_name_at against a fake DNS
 * server this test forks on 127.0.0.1 with a free UDP port and its own files. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dns.h"
#include "harness.h"
#include "resolve.h"

/* The addresses as text, "a;b;...", or "error N". */
static const char *show(const struct dns_addr *a, int n)
{
	static char out[512];
	char t[INET6_ADDRSTRLEN];

	if (n < 0) {
		snprintf(out, sizeof(out), "error %d", n);
		return out;
	}
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(out);
		inet_ntop(a[i].family, a[i].a, t, sizeof(t));
		snprintf(out + l, sizeof(out) - l, "%s%s", i ? ";" : "", t);
		if (a[i].scope) {
			l = strlen(out);
			snprintf(out + l, sizeof(out) - l, "%%%u", (unsigned)a[i].scope);
		}
	}
	return out;
}

#define SHOWS(a, n, want) CHECK(strcmp(show(a, n), want) == 0)

static void test_conf(void)
{
	struct dns_conf c;
	char big[1200];

	dns_conf_parse("", 0, &c);
	CHECK(c.nns == 1 && c.ndots == 1 && c.timeout == 5 && c.attempts == 2 && !c.search[0]);
	SHOWS(c.ns, c.nns, "127.0.0.1");

	static const char t[] =
		"# comment\n; another\nnameserver 192.0.2.1\n"
		"nameserver   fe80::1%1   # trailing\n"
		"nameserver not-an-address\nnameserver\n"
		"nameserver 192.0.2.3\nnameserver 192.0.2.4\n"
		"domain one.example\nsearch a.example b.example\r\n"
		"options ndots:3 timeout:0 attempts:99 rotate\n"
		"nameservers 192.0.2.9\n";
	dns_conf_parse(t, sizeof(t) - 1, &c);
	SHOWS(c.ns, c.nns, "192.0.2.1;fe80::1%1;192.0.2.3");
	CHECK(c.ndots == 3 && c.timeout == 1 && c.attempts == 10);
	CHECK(strncmp(c.search, "a.example b.example", 19) == 0);

	dns_conf_parse("options ndots:99999999999999999999 timeout:600\n", 48, &c);
	CHECK(c.ndots == 15 && c.timeout == 60 && c.attempts == 2);
	dns_conf_parse("options ndots: timeout:x attempts:-1\n", 37, &c);
	CHECK(c.ndots == 1 && c.timeout == 5 && c.attempts == 2);

	/* a line too long to hold is skipped whole, not cut into a shorter one */
	memcpy(big, "nameserver 10.0.0.1 ", 20);
	memset(big + 20, 'x', sizeof(big) - 20);
	memcpy(big + sizeof(big) - 22, "\nnameserver 10.0.0.2\n", 21);
	dns_conf_parse(big, sizeof(big) - 1, &c);
	SHOWS(c.ns, c.nns, "10.0.0.2");
	/* a search line too long for 255 bytes is ignored */
	memcpy(big, "search ", 7);
	memset(big + 7, 'a', 300);
	dns_conf_parse(big, 307, &c);
	CHECK(!c.search[0]);
	/* NUL bytes end a line's text */
	dns_conf_parse("nameserver 10.0.0.3\0garbage\nnameserver 10.0.0.4", 48, &c);
	SHOWS(c.ns, c.nns, "10.0.0.3;10.0.0.4");
}

static void test_hosts(void)
{
	static const char t[] =
		"127.0.0.1 localhost\n::1 localhost ip6-localhost\n"
		"# 10.9.9.9 Box\n"
		"10.0.0.1\tbox.example.org   Box  # the box\n"
		"10.0.0.2 other boxes\n"
		"2001:db8::7 box\n"
		"not-an-ip box\n"
		"10.0.0.3\n"
		"10.0.0.4 v4only\n"
		"fe80::2%1 linky";
	struct dns_addr a[DNS_MAXADDRS];

	SHOWS(a, dns_hosts_parse(t, sizeof(t) - 1, "box", AF_UNSPEC, a, DNS_MAXADDRS),
	      "10.0.0.1;2001:db8::7");
	SHOWS(a, dns_hosts_parse(t, sizeof(t) - 1, "BOX.Example.ORG", AF_UNSPEC, a, 48),
	      "10.0.0.1");
	SHOWS(a, dns_hosts_parse(t, sizeof(t) - 1, "box", AF_INET6, a, 48), "2001:db8::7");
	SHOWS(a, dns_hosts_parse(t, sizeof(t) - 1, "box", AF_UNSPEC, a, 1), "10.0.0.1");
	SHOWS(a, dns_hosts_parse(t, sizeof(t) - 1, "ip6-localhost", AF_UNSPEC, a, 48), "::1");
	SHOWS(a, dns_hosts_parse(t, sizeof(t) - 1, "linky", AF_UNSPEC, a, 48), "fe80::2%1");
	CHECK(dns_hosts_parse(t, sizeof(t) - 1, "bo", AF_UNSPEC, a, 48) == 0);
	CHECK(dns_hosts_parse(t, sizeof(t) - 1, "boxes2", AF_UNSPEC, a, 48) == 0);
	CHECK(dns_hosts_parse(t, sizeof(t) - 1, "the", AF_UNSPEC, a, 48) == 0);
	CHECK(dns_hosts_parse(t, sizeof(t) - 1, "not-an-ip", AF_UNSPEC, a, 48) == 0);
	/* there, but with another family only: not found, and not for DNS either */
	CHECK(dns_hosts_parse(t, sizeof(t) - 1, "v4only", AF_INET6, a, 48) == EAI_NONAME);
	CHECK(dns_hosts_parse(t, sizeof(t) - 1, "box", AF_UNSPEC, a, 0) == 0);
}

/* A query for name and qtype with id 0x1234 into q; its length. */
static int query(uint8_t *q, const char *name, unsigned qtype)
{
	return dns_query_make(q, name, qtype, 0x1234);
}

static void test_query(void)
{
	uint8_t q[DNS_QUERY_MAX];
	char name[300];
	static const uint8_t want[] = { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		3, 'w', 'w', 'w', 2, 'e', 'X', 0, 0, 28, 0, 1 };

	CHECK(query(q, "www.eX", 28) == (int)sizeof(want));
	CHECK_MEM(q, want, sizeof(want));
	CHECK(query(q, "", 1) == -1);
	CHECK(query(q, ".", 1) == -1);
	CHECK(query(q, "a..b", 1) == -1);
	CHECK(query(q, ".a", 1) == -1);
	CHECK(query(q, "a.", 1) == -1);
	memset(name, 'a', 63);
	name[63] = 0;
	CHECK(query(q, name, 1) == 12 + 65 + 4);
	name[63] = 'a';
	name[64] = 0;
	CHECK(query(q, name, 1) == -1); /* a label of 64 bytes */
	/* 63+1+63+1+63+1+61 = 253 characters: 255 bytes encoded, the most there is */
	memset(name, 'a', sizeof(name));
	name[63] = name[127] = name[191] = '.';
	name[253] = 0;
	CHECK(query(q, name, 1) == 12 + 255 + 4);
	name[253] = 'a';
	name[254] = 0;
	CHECK(query(q, name, 1) == -1);
}

/* A reply to the query q (ql bytes): header and question copied, QR set, the rcode, an
 * answer count and the given answer bytes. */
static size_t reply(uint8_t *m, const uint8_t *q, int ql, int rcode, unsigned an,
                    const void *ans, size_t al)
{
	memcpy(m, q, (size_t)ql);
	m[2] |= 0x80;
	m[3] = (uint8_t)(0x80 | rcode);
	m[6] = (uint8_t)(an >> 8);
	m[7] = (uint8_t)an;
	memcpy(m + ql, ans, al);
	return (size_t)ql + al;
}

#define A_RR(a, b, c, d) "\xc0\x0c\0\x01\0\x01\0\0\0\x3c\0\x04" a b c d
static const char a_rr[] = A_RR("\x0a", "\x01", "\x02", "\x03");

static const char *parse(const uint8_t *m, size_t len, const uint8_t *q, int ql, int *rc)
{
	struct dns_addr a[4];
	int n = 0;

	if (dns_reply_parse(m, len, q, (size_t)ql, rc, a, 4, &n) != 0)
		return "refused";
	return show(a, n);
}

static void test_reply(void)
{
	uint8_t q[DNS_QUERY_MAX], q6[DNS_QUERY_MAX], m[1024];
	int ql = query(q, "host.example", 1), ql6 = query(q6, "host.example", 28), rc = -1;
	size_t len;
	char two[64], many[400];

	len = reply(m, q, ql, 0, 1, a_rr, sizeof(a_rr) - 1);
	CHECK(strcmp(parse(m, len, q, ql, &rc), "10.1.2.3") == 0 && rc == 0);
	/* the AAAA query wants no A record */
	CHECK(strcmp(parse(m, len, q6, ql6, &rc), "refused") == 0); /* its question differs */
	/* not ours: another ID, a query not a response, another question, two questions,
	 * another opcode, shorter than the question */
	m[1] ^= 1;
	CHECK(strcmp(parse(m, len, q, ql, &rc), "refused") == 0);
	m[1] ^= 1;
	m[2] &= 0x7f;
	CHECK(strcmp(parse(m, len, q, ql, &rc), "refused") == 0);
	m[2] |= 0x80;
	m[14] = 'X'; /* "hXst": names compare without case, letters do not */
	CHECK(strcmp(parse(m, len, q, ql, &rc), "refused") == 0);
	m[14] = 'O';
	CHECK(strcmp(parse(m, len, q, ql, &rc), "10.1.2.3") == 0);
	m[14] = 'o';
	m[5] = 2;
	CHECK(strcmp(parse(m, len, q, ql, &rc), "refused") == 0);
	m[5] = 1;
	m[2] |= 0x08;
	CHECK(strcmp(parse(m, len, q, ql, &rc), "refused") == 0);
	m[2] &= (uint8_t)~0x08;
	CHECK(strcmp(parse(m, (size_t)ql - 1, q, ql, &rc), "refused") == 0);
	CHECK(strcmp(parse(m, 5, q, ql, &rc), "refused") == 0);
	/* truncated anywhere inside the record: nothing */
	for (size_t l = (size_t)ql; l < len; l++)
		CHECK(strcmp(parse(m, l, q, ql, &rc), "") == 0 && rc == 0);

	/* rcodes: NXDOMAIN, SERVFAIL come back as such, without addresses */
	len = reply(m, q, ql, 3, 1, a_rr, sizeof(a_rr) - 1);
	CHECK(strcmp(parse(m, len, q, ql, &rc), "") == 0 && rc == 3);
	len = reply(m, q, ql, 2, 1, a_rr, sizeof(a_rr) - 1);
	CHECK(strcmp(parse(m, len, q, ql, &rc), "") == 0 && rc == 2);

	/* a CNAME, then the A record of its target (named by a pointer into the CNAME) */
	static const char cname[] = "\xc0\x0c\0\x05\0\x01\0\0\0\x3c\0\x06\x03www\xc0\x0c"
		"\xc0\x1e\0\x01\0\x01\0\0\0\x3c\0\x04\x0a\x09\x09\x09";
	len = reply(m, q, ql, 0, 2, cname, sizeof(cname) - 1);
	CHECK(strcmp(parse(m, len, q, ql, &rc), "10.9.9.9") == 0);

	/* pointer loops and forward pointers: the record and what follows are dropped */
	memcpy(two, a_rr, sizeof(a_rr) - 1);
	memcpy(two + 16, a_rr, sizeof(a_rr) - 1);
	len = reply(m, q, ql, 0, 2, two, 32);
	CHECK(strcmp(parse(m, len, q, ql, &rc), "10.1.2.3;10.1.2.3") == 0);
	m[ql + 16] = 0xc0;
	m[ql + 17] = (uint8_t)(ql + 16); /* points at itself */
	CHECK(strcmp(parse(m, len, q, ql, &rc), "10.1.2.3") == 0);
	m[ql + 17] = (uint8_t)(ql + 18); /* points forward */
	CHECK(strcmp(parse(m, len, q, ql, &rc), "10.1.2.3") == 0);
	m[ql + 17] = 2; /* into the header */
	CHECK(strcmp(parse(m, len, q, ql, &rc), "10.1.2.3") == 0);
	m[ql + 16] = 0xff; /* pointer into a pointer: points beyond the message */
	CHECK(strcmp(parse(m, len, q, ql, &rc), "10.1.2.3") == 0);
	m[ql + 16] = 64; /* a label of 64 bytes (0x40: an extended label type) */
	CHECK(strcmp(parse(m, len, q, ql, &rc), "10.1.2.3") == 0);
	m[ql + 16] = 0x80;
	CHECK(strcmp(parse(m, len, q, ql, &rc), "10.1.2.3") == 0);

	/* an owner name over 255 bytes: 5 labels of 63 */
	memset(many, 0, sizeof(many));
	for (int i = 0; i < 5; i++) {
		many[i * 64] = 63;
		memset(many + i * 64 + 1, 'a', 63);
	}
	memcpy(many + 320, "\0\0\x01\0\x01\0\0\0\x3c\0\x04\x0a\x01\x02\x03", 15);
	len = reply(m, q, ql, 0, 1, many, 335);
	CHECK(strcmp(parse(m, len, q, ql, &rc), "") == 0);
	/* 4 labels of 63: 257 bytes with the zero; 3 of them (193 bytes): fine */
	len = reply(m, q, ql, 0, 1, many + 64, 335 - 64);
	CHECK(strcmp(parse(m, len, q, ql, &rc), "") == 0);
	len = reply(m, q, ql, 0, 1, many + 128, 335 - 128);
	CHECK(strcmp(parse(m, len, q, ql, &rc), "10.1.2.3") == 0);

	/* an A record of 5 bytes ends the parse; another type's record is stepped over */
	static const char bad[] = "\xc0\x0c\0\x10\0\x01\0\0\0\x3c\0\x02xy" A_RR("\1", "\2", "\3", "\4")
		"\xc0\x0c\0\x01\0\x01\0\0\0\x3c\0\x05\x0a\x01\x02\x03\x04" A_RR("\5", "\6", "\7", "\x08");
	len = reply(m, q, ql, 0, 4, bad, sizeof(bad) - 1);
	CHECK(strcmp(parse(m, len, q, ql, &rc), "1.2.3.4") == 0);
	/* class CH is not IN */
	len = reply(m, q, ql, 0, 1, a_rr, sizeof(a_rr) - 1);
	m[ql + 5] = 3;
	CHECK(strcmp(parse(m, len, q, ql, &rc), "") == 0);

	/* an answer count of 65535 with two records: two, and the bound of the output */
	len = reply(m, q, ql, 0, 65535, two, 32);
	CHECK(strcmp(parse(m, len, q, ql, &rc), "10.1.2.3;10.1.2.3") == 0);
	{
		uint8_t big[16 * 8];
		struct dns_addr a[4];
		int n = 0;
		for (int i = 0; i < 8; i++)
			memcpy(big + i * 16, a_rr, 16);
		len = reply(m, q, ql, 0, 8, big, sizeof(big));
		CHECK(dns_reply_parse(m, len, q, (size_t)ql, &rc, a, 4, &n) == 0 && n == 4);
	}

	/* TC: the complete records of a truncated reply are used (musl 1.2.3) */
	len = reply(m, q, ql, 0, 2, two, 32);
	m[2] |= 0x02;
	CHECK(strcmp(parse(m, len - 3, q, ql, &rc), "10.1.2.3") == 0);

	/* AAAA */
	static const char aaaa[] = "\xc0\x0c\0\x1c\0\x01\0\0\0\x3c\0\x10"
		"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01";
	len = reply(m, q6, ql6, 0, 1, aaaa, sizeof(aaaa) - 1);
	CHECK(strcmp(parse(m, len, q6, ql6, &rc), "2001:db8::1") == 0);
	CHECK(strcmp(parse(m, len - 1, q6, ql6, &rc), "") == 0);
}

static struct dns_addr addr(const char *s)
{
	struct dns_addr a;

	CHECK(dns_parse_addr(s, &a) == 0);
	return a;
}

static void test_sort_key(void)
{
	struct dns_addr d6 = addr("::1"), d4 = addr("127.0.0.1"), g6 = addr("2001:db8::1"),
		g4 = addr("192.0.2.1"), ula = addr("fd00::1"), ll = addr("fe80::1"),
		s6 = addr("2001:db8::2"), s4 = addr("192.0.2.2"), t6 = addr("2002::1"),
		l6 = addr("fe80::2");

	/* rule 6: ::1 (50) before ::ffff:127.0.0.1 (35) */
	CHECK(dns_sort_key(&d6, &d6, 1) > dns_sort_key(&d4, &d4, 0));
	/* rule 1: a usable one first */
	CHECK(dns_sort_key(&d4, &d4, 1) > dns_sort_key(&d6, NULL, 0));
	/* rule 10: else the order given */
	CHECK(dns_sort_key(&g4, &s4, 0) > dns_sort_key(&g4, &s4, 1));
	/* rule 6 with global addresses: IPv6 (40) before IPv4 (35) */
	CHECK(dns_sort_key(&g6, &s6, 1) > dns_sort_key(&g4, &s4, 0));
	/* rule 5: an IPv4 source makes native IPv6 a label mismatch */
	CHECK(dns_sort_key(&g4, &s4, 1) > dns_sort_key(&g6, &s4, 0));
	/* rule 2: a link-local destination with a global source is a scope mismatch */
	CHECK(dns_sort_key(&g6, &s6, 1) > dns_sort_key(&ll, &s6, 0));
	CHECK(dns_sort_key(&ll, &l6, 1) > dns_sort_key(&g6, &s4, 0));
	/* precedence: ULA (3) after IPv4 (35), 6to4 (30) after native IPv6 */
	CHECK(dns_sort_key(&g4, &s4, 1) > dns_sort_key(&ula, &g4, 0));
	CHECK(dns_sort_key(&g6, &s6, 1) > dns_sort_key(&t6, &s6, 0));
	/* rule 9: the longer common prefix */
	struct dns_addr far = addr("2001:db9::1");
	CHECK(dns_sort_key(&g6, &s6, 1) > dns_sort_key(&far, &s6, 0));

	/* dns_sort keeps every address and IPv4 lists as given */
	struct dns_addr v[3] = { g4, d4, s4 };
	dns_sort(v, 3);
	SHOWS(v, 3, "192.0.2.1;127.0.0.1;192.0.2.2");
	struct dns_addr w[2] = { d4, d6 };
	dns_sort(w, 2);
	CHECK(strcmp(show(w, 2), "::1;127.0.0.1") == 0 || strcmp(show(w, 2), "127.0.0.1;::1") == 0);
}

/* ---- the fake DNS server: a child process answering by the question's first label */

static void serve_one(int fd, uint8_t *m, size_t len, const struct sockaddr_in *from)
{
	uint8_t r[600];
	size_t p = 12, ql;
	char first[64];
	unsigned qtype;

	if (len < 17)
		return;
	while (p < len && m[p] && m[p] < 64)
		p += m[p] + 1u;
	if (p + 5 > len || m[12] > 63)
		return;
	ql = p + 5;
	qtype = m[p + 2];
	memcpy(first, m + 13, m[12]);
	first[m[12]] = 0;
	memcpy(r, m, ql);
	r[2] |= 0x80;
	r[3] = 0x80;
	p = ql;
	if (strcmp(first, "nx") == 0) {
		r[3] |= 3;
	} else if (strcmp(first, "fail") == 0) {
		r[3] |= 2;
	} else if (strcmp(first, "silent") == 0) {
		return;
	} else if (strcmp(first, "empty") == 0) {
		;
	} else if (strcmp(first, "tricky") == 0) {
		/* another ID, then another question, then the real answer */
		uint8_t w[600];
		memcpy(w, r, ql);
		w[1] ^= 0x55;
		memcpy(w + ql, A_RR("\6", "\6", "\6", "\6"), 16);
		w[7] = 1;
		sendto(fd, w, ql + 16, 0, (const struct sockaddr *)from, sizeof(*from));
		w[1] ^= 0x55;
		w[13] ^= 0x01;
		sendto(fd, w, ql + 16, 0, (const struct sockaddr *)from, sizeof(*from));
	}
	if (!(r[3] & 15) && strcmp(first, "empty") != 0) {
		if (qtype == 1) {
			/* "host.example.test" (the search list's) differs from "a" */
			const char *a = strcmp(first, "host") == 0 ?
				(len > 30 ? A_RR("\x0a", "\0", "\0", "\x02") : A_RR("\x0a", "\0", "\0", "\x03")) :
				strcmp(first, "tricky") == 0 ? A_RR("\x0a", "\0", "\0", "\x04") :
				A_RR("\xc0", "\0", "\2", "\1");
			memcpy(r + p, a, 16);
			p += 16;
		} else {
			memcpy(r + p, "\xc0\x0c\0\x1c\0\x01\0\0\0\x3c\0\x10"
			       "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 28);
			p += 28;
		}
		r[7] = 1;
	}
	sendto(fd, r, p, 0, (const struct sockaddr *)from, sizeof(*from));
}

static void serve(int fd)
{
	for (;;) {
		uint8_t m[600];
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&pf, 1, 30000) <= 0) /* the parent went away: end */
			_exit(0);
		r = recvfrom(fd, m, sizeof(m), 0, (struct sockaddr *)&from, &fl);
		if (r > 0)
			serve_one(fd, m, (size_t)r, &from);
	}
}

static char dir[64];
static char path_hosts[96], path_conf[96], path_conf2[96];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* resolve_name_at's list as text, as show() does, with the port of every entry checked */
static const char *lookup(const struct dns_env *env, const char *host, int family)
{
	static char out[512];
	struct addrinfo hints, *res, *ai;
	struct dns_addr a[DNS_MAXADDRS];
	int n = 0, r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	if ((r = resolve_name_at(host, "2222", &hints, &res, env)) != 0) {
		CHECK(res == NULL);
		snprintf(out, sizeof(out), "error %d", r);
		return out;
	}
	for (ai = res; ai && n < DNS_MAXADDRS; ai = ai->ai_next, n++) {
		memset(&a[n], 0, sizeof(a[n]));
		a[n].family = ai->ai_family;
		if (ai->ai_family == AF_INET) {
			const struct sockaddr_in *s = (const void *)ai->ai_addr;
			CHECK(ntohs(s->sin_port) == 2222);
			memcpy(a[n].a, &s->sin_addr, 4);
		} else {
			const struct sockaddr_in6 *s = (const void *)ai->ai_addr;
			CHECK(ntohs(s->sin6_port) == 2222);
			memcpy(a[n].a, &s->sin6_addr, 16);
		}
	}
	resolve_free_numeric(res);
	return show(a, n);
}

#define LOOKS(env, host, fam, want) CHECK(strcmp(lookup(env, host, fam), want) == 0)

static void test_end_to_end(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0), status;
	pid_t pid;
	char text[256];
	const char *both;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	      getsockname(fd, (struct sockaddr *)&sa, &sl) == 0);
	snprintf(dir, sizeof(dir), "/tmp/test_dns.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path_hosts, sizeof(path_hosts), "%s/hosts", dir);
	snprintf(path_conf, sizeof(path_conf), "%s/resolv.conf", dir);
	snprintf(path_conf2, sizeof(path_conf2), "%s/resolv2.conf", dir);
	put(path_hosts, "127.0.0.1 localhost\n10.7.7.7 fromhosts FromHosts.alias\n"
	                "10.7.7.8 v4only\n10.7.7.9 under_score\n");
	put(path_conf, "nameserver 127.0.0.1\nsearch example.test\n"
	               "options timeout:5 attempts:2 ndots:1\n");
	snprintf(text, sizeof(text), "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
	put(path_conf2, text);
	if ((pid = fork()) == 0)
		serve(fd);
	CHECK(pid > 0);
	close(fd);

	struct dns_env env = { path_hosts, path_conf, ntohs(sa.sin_port) };
	struct dns_env env2 = { path_hosts, path_conf2, ntohs(sa.sin_port) };
	struct dns_env none = { "/nonexistent/hosts", "/nonexistent/resolv.conf", 9 };

	/* numeric addresses and localhost never reach DNS or the files */
	LOOKS(&none, "192.0.2.5", AF_UNSPEC, "192.0.2.5");
	LOOKS(&none, "192.0.2.5", AF_INET6, "error -2");
	LOOKS(&none, "localhost", AF_INET, "127.0.0.1");
	LOOKS(&none, "fe80::1%nosuchif0", AF_UNSPEC, "error -2");
	/* hosts, case-insensitive, aliases; a family it lacks: not asked of DNS */
	LOOKS(&env, "FROMHOSTS", AF_UNSPEC, "10.7.7.7");
	LOOKS(&env, "fromhosts.alias", AF_INET, "10.7.7.7");
	LOOKS(&env, "v4only", AF_INET6, "error -2");
	LOOKS(&env, "under_score", AF_UNSPEC, "10.7.7.9");
	/* DNS: A, AAAA, both (in RFC 6724 order, which depends on the routes here) */
	LOOKS(&env, "a.test", AF_INET, "192.0.2.1");
	LOOKS(&env, "a.test.", AF_INET6, "2001:db8::1");
	both = lookup(&env, "a.test", AF_UNSPEC);
	CHECK(strcmp(both, "192.0.2.1;2001:db8::1") == 0 || strcmp(both, "2001:db8::1;192.0.2.1") == 0);
	/* the search list first for a name of fewer than ndots dots, then the name */
	LOOKS(&env, "host", AF_INET, "10.0.0.2");
	LOOKS(&env, "host.", AF_INET, "10.0.0.3");
	/* replies of another ID or question are not taken */
	LOOKS(&env, "tricky.test", AF_INET, "10.0.0.4");
	/* NXDOMAIN, SERVFAIL, no records, no answer, invalid names */
	LOOKS(&env, "nx.test", AF_UNSPEC, "error -2");
	LOOKS(&env, "fail.test", AF_INET, "error -3");
	LOOKS(&env, "empty.test", AF_INET, "error -5");
	LOOKS(&env2, "silent.test", AF_INET, "error -3");
	LOOKS(&env, "bad name", AF_INET, "error -2");
	LOOKS(&env, "a..test", AF_INET, "error -2");
	LOOKS(&env, "a.test..", AF_INET, "error -2");
	LOOKS(&env, ".", AF_INET, "error -2");
	memset(text, 'a', sizeof(text));
	text[255] = 0;
	LOOKS(&env, text, AF_INET, "error -2");
	text[70] = 0; /* one label of 70 bytes: DNS cannot carry it */
	LOOKS(&env, text, AF_INET, "error -2");

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	unlink(path_hosts);
	unlink(path_conf);
	unlink(path_conf2);
	rmdir(dir);
}

/* the resolver's errors have musl's gai_strerror texts (EAI_NODATA: musl 1.2.4's) */
static void test_strerror(void)
{
	CHECK(strcmp(resolve_numeric_strerror(EAI_AGAIN), "Try again") == 0);
	CHECK(strcmp(resolve_numeric_strerror(EAI_FAIL), "Non-recoverable error") == 0);
	CHECK(strcmp(resolve_numeric_strerror(EAI_NODATA), "Name has no usable address") == 0);
	CHECK(strcmp(resolve_numeric_strerror(EAI_SYSTEM), "System error") == 0);
}

int main(void)
{
	RUN(test_strerror);
	RUN(test_conf);
	RUN(test_hosts);
	RUN(test_query);
	RUN(test_reply);
	RUN(test_sort_key);
	RUN(test_end_to_end);
	return harness_done("dns");
}
