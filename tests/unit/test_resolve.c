/* resolve: resolve_numeric, the DB_DNS=0 stand-in for getaddrinfo: numeric addresses,
 * the NULL host's wildcard or loopback pair, "localhost", family filters, port text;
 * every name and malformed address or port refused. Lists are freed (LeakSanitizer). */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "harness.h"
#include "resolve.h"

static struct addrinfo H;

static void hints(int family, int flags)
{
	memset(&H, 0, sizeof(H));
	H.ai_family = family;
	H.ai_socktype = SOCK_STREAM;
	H.ai_flags = flags;
}

/* The list as text: "FAMILY ADDR PORT" entries joined by ';'. */
static const char *show(const char *host, const char *port)
{
	static char out[256];
	struct addrinfo *res, *ai;
	char a[INET6_ADDRSTRLEN];
	int r = resolve_numeric(host, port, &H, &res);

	if (r != 0) {
		CHECK(res == NULL);
		snprintf(out, sizeof(out), "error %s", r == EAI_NONAME ? "name" :
		         r == EAI_SERVICE ? "service" : r == EAI_FAMILY ? "family" : "other");
		return out;
	}
	out[0] = 0;
	for (ai = res; ai; ai = ai->ai_next) {
		size_t n = strlen(out);
		CHECK(ai->ai_socktype == SOCK_STREAM && ai->ai_protocol == IPPROTO_TCP);
		if (ai->ai_family == AF_INET) {
			const struct sockaddr_in *s = (const void *)ai->ai_addr;
			CHECK(ai->ai_addrlen == sizeof(*s) && s->sin_family == AF_INET);
			inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
			snprintf(out + n, sizeof(out) - n, "%s4 %s %u", n ? ";" : "", a,
			         ntohs(s->sin_port));
		} else {
			const struct sockaddr_in6 *s = (const void *)ai->ai_addr;
			CHECK(ai->ai_family == AF_INET6 && ai->ai_addrlen == sizeof(*s));
			inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
			snprintf(out + n, sizeof(out) - n, "%s6 %s %u%%%u", n ? ";" : "", a,
			         ntohs(s->sin6_port), (unsigned)s->sin6_scope_id);
		}
	}
	resolve_free_numeric(res);
	return out;
}

#define SAME(host, port, want) CHECK(strcmp(show(host, port), want) == 0)

static void test_null_host(void)
{
	hints(AF_UNSPEC, AI_PASSIVE);
	SAME(NULL, "22", "4 0.0.0.0 22;6 :: 22%0");
	hints(AF_UNSPEC, 0);
	SAME(NULL, "2222", "4 127.0.0.1 2222;6 ::1 2222%0");
	hints(AF_INET6, AI_PASSIVE);
	SAME(NULL, "22", "6 :: 22%0");
	hints(AF_INET, 0);
	SAME(NULL, NULL, "4 127.0.0.1 0");
}

static void test_numeric(void)
{
	hints(AF_UNSPEC, AI_PASSIVE);
	SAME("192.0.2.7", "65535", "4 192.0.2.7 65535");
	SAME("2001:db8::1", "0", "6 2001:db8::1 0%0");
	SAME("::ffff:10.0.0.1", "80", "6 ::ffff:10.0.0.1 80%0");
	SAME("fe80::1%7", "22", "6 fe80::1 22%7");
	SAME("fe80::1%lo", "22", "6 fe80::1 22%1");  /* lo is interface 1 on Linux */
	SAME("localhost", "8080", "4 127.0.0.1 8080;6 ::1 8080%0");
	hints(AF_INET6, 0);
	SAME("192.0.2.7", "22", "error name");  /* only a family the hints exclude */
	SAME("localhost", "22", "6 ::1 22%0");
	hints(AF_INET, 0);
	SAME("::1", "22", "error name");
}

static void test_refused(void)
{
	hints(AF_UNSPEC, 0);
	SAME("example.com", "22", "error name");
	SAME("", "22", "error name");
	SAME("127.1", "22", "error name");          /* inet_aton's short forms are not taken */
	SAME("256.0.0.1", "22", "error name");
	SAME("1.2.3.4 ", "22", "error name");
	SAME("1.2.3.4%1", "22", "error name");
	SAME("fe80::1%", "22", "error name");
	SAME("fe80::1%99999999999", "22", "error name");
	SAME("fe80::1%no-such-if0", "22", "error name");
	SAME("[::1]", "22", "error name");
	SAME("1:2:3:4:5:6:7:8:9", "22", "error name");
	SAME("0000000000000000000000000000000000000000000000000000::1", "22", "error name");
	SAME("LOCALHOST.", "22", "error name");
	SAME("127.0.0.1", "", "error service");
	SAME("127.0.0.1", "65536", "error service");
	SAME("127.0.0.1", "99999999999999999999", "error service");
	SAME("127.0.0.1", "-1", "error service");
	SAME("127.0.0.1", "+22", "error service");
	SAME("127.0.0.1", "22 ", "error service");
	SAME("127.0.0.1", "ssh", "error service");
	hints(AF_UNIX, 0);
	SAME("127.0.0.1", "22", "error family");
}

/* the log texts of the errors above (musl's gai_strerror texts) */
static void test_strerror(void)
{
	CHECK(strcmp(resolve_numeric_strerror(EAI_NONAME), "Name does not resolve") == 0);
	CHECK(strcmp(resolve_numeric_strerror(EAI_SERVICE), "Unrecognized service") == 0);
	CHECK(strstr(resolve_numeric_strerror(EAI_FAMILY), "address family") != NULL);
	CHECK(strcmp(resolve_numeric_strerror(EAI_MEMORY), "Out of memory") == 0);
	CHECK(strcmp(resolve_numeric_strerror(12345), "Unknown error") == 0);
}

int main(void)
{
	RUN(test_null_host);
	RUN(test_numeric);
	RUN(test_refused);
	RUN(test_strerror);
	return harness_done("resolve");
}
