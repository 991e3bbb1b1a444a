/* ipaddr: ipaddr_pton and ipaddr_ntop (common/ipaddr.c, inet_pton and inet_ntop of the
 * static builds) against glibc's on fixed cases and on hundreds of thousands of
 * generated texts and addresses. The one deliberate difference: glibc writes the
 * deprecated IPv4-compatible addresses (::a.b.c.d) dotted, RFC 5952 and we do not. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ipaddr.h"

static int same_pton(int af, const char *s)
{
	unsigned char a[16], b[16];
	int ra, rb;

	memset(a, 0xa5, sizeof(a));
	memset(b, 0xa5, sizeof(b));
	ra = inet_pton(af, s, a);
	rb = ipaddr_pton(af, s, b);
	return ra == rb && (ra != 1 || memcmp(a, b, af == AF_INET ? 4 : 16) == 0);
}

static int compat(const unsigned char *a)
{
	static const unsigned char z[12];
	return !memcmp(a, z, 12);
}

static int same_ntop(int af, const unsigned char *a)
{
	char x[64], y[64];
	const char *rx = inet_ntop(af, a, x, sizeof(x)), *ry = ipaddr_ntop(af, a, y, sizeof(y));

	if (af == AF_INET6 && compat(a))
		return ry != NULL && ipaddr_pton(AF_INET6, y, x) == 1 && !memcmp(x, a, 16);
	return rx && ry && strcmp(x, y) == 0;
}

static void test_fixed(void)
{
	const char *v4[] = { "0.0.0.0", "255.255.255.255", "1.2.3.4", "01.2.3.4", "1.2.3",
			     "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "1..2.3", "",
			     "1.2.3.04", "1.2.3.0", "1234.1.1.1", "a.b.c.d", "1.2.3.4\n" };
	const char *v6[] = { "::", "::1", "1::", "1::2", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::",
			     "::2:3:4:5:6:7:8", "1::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", ":1", "1:",
			     ":::", "1:::2", "1::2::3", "::ffff:1.2.3.4", "::1.2.3.4",
			     "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3",
			     "::ffff:1.2.3.4.5", "12345::", "ABCD:ef01::", "fe80::1%eth0", "",
			     "::1.2.3.4:5", "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7", "0:0:0:0:0:0:0:0",
			     "::0.0.0.0", "1.2.3.4::", "::01.2.3.4", "g::" };
	const unsigned char addrs[][16] = {
		{ 0 }, { [15] = 1 }, { [0] = 0x20, [1] = 1, [2] = 0xd, [3] = 0xb8, [15] = 1 },
		{ [0] = 0xfe, [1] = 0x80, [15] = 1 }, { [10] = 0xff, [11] = 0xff, [12] = 1, [15] = 4 },
		{ [0] = 1, [3] = 1, [7] = 1, [15] = 1 }, /* single zero groups: never "::" */
		{ [1] = 1, [5] = 1, [15] = 1 }, /* two runs of two: the first */
		{ [1] = 1, [15] = 1 } };
	unsigned char a[16];
	char s[8];
	size_t i;

	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
		CHECK(same_pton(AF_INET, v4[i]));
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
		CHECK(same_pton(AF_INET6, v6[i]));
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		CHECK(same_ntop(AF_INET6, addrs[i]));
		CHECK(same_ntop(AF_INET, addrs[i] + 12));
	}
	CHECK(ipaddr_pton(AF_UNIX, "1.2.3.4", a) == -1);
	/* "1.2.3.4" and its NUL: 8 bytes */
	CHECK(ipaddr_ntop(AF_INET, "\1\2\3\4", s, 7) == NULL);
	CHECK(ipaddr_ntop(AF_INET, "\1\2\3\4", s, 8) == s && strcmp(s, "1.2.3.4") == 0);
}

static void test_generated(void)
{
	static const char alpha[] = "0123456789abcdefABCDEFg:.:::..%";
	unsigned long long x = 0x9e3779b97f4a7c15ULL;
	int i, bad = 0;

	for (i = 0; i < 300000; i++) {
		char s[48];
		unsigned char a[16];
		size_t n, j;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = x % 42;
		for (j = 0; j < n; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			s[j] = alpha[x % (sizeof(alpha) - 1)];
		}
		s[n] = 0;
		if ((!same_pton(AF_INET6, s) || !same_pton(AF_INET, s)) && bad++ < 5)
			fprintf(stderr, "  pton differs on \"%s\"\n", s);
		/* addresses with many zero groups, and their own text read back */
		for (j = 0; j < 16; j += 2) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			a[j] = x % 3 ? 0 : (unsigned char)(x >> 8);
			a[j + 1] = x % 3 ? 0 : (unsigned char)(x >> 16);
		}
		if (i % 7 == 0)
			memcpy(a, "\0\0\0\0\0\0\0\0\0\0\377\377", 12);
		if ((!same_ntop(AF_INET6, a) || !same_ntop(AF_INET, a + 12)) && bad++ < 5)
			fprintf(stderr, "  ntop differs on an address (i %d)\n", i);
	}
	CHECK(bad == 0);
}

int main(void)
{
	RUN(test_fixed);
	RUN(test_generated);
	return harness_done("ipaddr");
}
