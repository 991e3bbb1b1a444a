/* Forwarding listeners without a connection: loopback binding, port 0 picking one port
 * for every address family, a busy port, unix sockets, and address formatting. Only
 * loopback addresses are used. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fwdnet.h"
#include "harness.h"

/* The address and port fd is bound to. */
static void bound_to(int fd, char *host, size_t hostsz, uint32_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	CHECK(getsockname(fd, (struct sockaddr *)&ss, &len) == 0);
	fwd_sockaddr_str((struct sockaddr *)&ss, len, host, hostsz, port);
}

static void test_loopback_port0(void)
{
	struct fwd_listener l;
	char host[64];
	uint32_t bound = 0, p;
	int i;

	fwd_listener_init(&l);
	CHECK_OK(fwd_listen_tcp(&l, FWD_BIND_LOOPBACK, NULL, 0, &bound));
	CHECK(bound > 0 && bound <= 65535);
	CHECK(l.nfds >= 1 && l.nfds <= FWD_LISTEN_FDS);
	for (i = 0; i < l.nfds; i++) {
		bound_to(l.fds[i], host, sizeof(host), &p);
		/* every family on the one port, and only on loopback */
		CHECK(p == bound);
		CHECK(strcmp(host, "127.0.0.1") == 0 || strcmp(host, "::1") == 0);
	}
	fwd_listener_close(&l);
	CHECK(l.nfds == 0 && l.fds[0] == -1 && l.fds[1] == -1);
}

static void test_host_and_busy_port(void)
{
	struct fwd_listener a, b;
	char host[64];
	uint32_t bound = 0, bound2 = 0, p;

	fwd_listener_init(&a);
	CHECK_OK(fwd_listen_tcp(&a, FWD_BIND_HOST, "127.0.0.1", 0, &bound));
	CHECK(a.nfds == 1);
	bound_to(a.fds[0], host, sizeof(host), &p);
	CHECK(strcmp(host, "127.0.0.1") == 0 && p == bound);
	/* the same address and port again: nothing can be bound */
	fwd_listener_init(&b);
	CHECK(fwd_listen_tcp(&b, FWD_BIND_HOST, "127.0.0.1", bound, &bound2) == ERR_IO);
	CHECK(errno == EADDRINUSE);
	CHECK(b.nfds == 0);
	fwd_listener_close(&a);
	/* an address that is not ours (TEST-NET-1, RFC 5737: bind() sends nothing) */
	CHECK(fwd_listen_tcp(&b, FWD_BIND_HOST, "192.0.2.1", 0, &bound2) == ERR_IO);
	CHECK(errno == EADDRNOTAVAIL);
	CHECK(fwd_listen_tcp(&b, FWD_BIND_LOOPBACK, NULL, 70000, &bound2) == ERR_INVALID);
}

static void test_unix(void)
{
	struct fwd_listener l;
	char dir[] = "/tmp/fwdnet-XXXXXX", path[64];
	struct stat st;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/sock", dir);
	fwd_listener_init(&l);
	CHECK_OK(fwd_listen_unix(&l, path));
	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode));
	fwd_listener_close(&l);
	CHECK(stat(path, &st) != 0); /* unlinked */
	CHECK(rmdir(dir) == 0);
	{
		char big[200];
		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		big[0] = '/';
		fwd_listener_init(&l);
		CHECK(fwd_listen_unix(&l, big) == ERR_TOOBIG);
	}
}

static void test_sockaddr_str(void)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	char host[64];
	uint32_t port;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(2222);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	fwd_sockaddr_str((struct sockaddr *)&sin, sizeof(sin), host, sizeof(host), &port);
	CHECK(strcmp(host, "127.0.0.1") == 0 && port == 2222);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(65535);
	sin6.sin6_addr.s6_addr[15] = 1;
	fwd_sockaddr_str((struct sockaddr *)&sin6, sizeof(sin6), host, sizeof(host), &port);
	CHECK(strcmp(host, "::1") == 0 && port == 65535);
	/* too small a buffer: "?" rather than a cut address */
	fwd_sockaddr_str((struct sockaddr *)&sin6, sizeof(sin6), host, 2, &port);
	CHECK(strcmp(host, "?") == 0 && port == 0);
}

int main(void)
{
	RUN(test_loopback_port0);
	RUN(test_host_and_busy_port);
	RUN(test_unix);
	RUN(test_sockaddr_str);
	return harness_done("test_fwdnet");
}
