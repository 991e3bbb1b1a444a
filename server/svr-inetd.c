/* svr-inetd.c: dropbear -i, one connection on standard input and output, as inetd,
 * xinetd (server_args = -i), socat EXEC, systemd-socket-activate --inetd or an ssh
 * ProxyCommand start it. No listener, no pid file, no unauthenticated-connection limits
 * (the super-server has its own); logs go to syslog unless -E.
 *
 * A socket on fd 0 (the usual case: the same socket on 0 and 1) is the connection's
 * descriptor. Two pipes (a ProxyCommand, socat's "pipes") cannot be one descriptor, and
 * the connection layer reads and writes one; so a small relay process copies between
 * the pipes and one end of a socketpair, and the connection runs on the other end. The
 * relay only copies bytes: it parses nothing. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fwdnet.h"
#include "log.h"
#include "server.h"
#include "svr-sys.h"

#define RELAY_CHUNK 16384

/* Writes all of p to fd (blocking); 0, or -1 when the other side is gone. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* in -> sock and sock -> out until the connection (sock) closes. */
static _Noreturn void relay(int in, int out, int sock)
{
	static char tmp[RELAY_CHUNK];
	int in_open = 1;

	for (;;) {
		struct pollfd p[2] = {{.fd = sock, .events = POLLIN},
		                      {.fd = in_open ? in : -1, .events = POLLIN}};
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (p[0].revents) {
			n = read(sock, tmp, sizeof(tmp));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0 || write_all(out, tmp, (size_t)n))
				_exit(0); /* the connection is over */
		}
		if (in_open && p[1].revents) {
			n = read(in, tmp, sizeof(tmp));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0 || write_all(sock, tmp, (size_t)n)) {
				in_open = 0; /* the client's EOF, passed on */
				shutdown(sock, SHUT_WR);
			}
		}
	}
}

/* A socketpair end standing in for pipes on fd 0 and 1; -1 on failure. */
static int pipes_to_socket(void)
{
	int sp[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0)
		return -1;
	pid = svr_fork();
	if (pid < 0) {
		close(sp[0]);
		close(sp[1]);
		return -1;
	}
	if (pid == 0) {
		close(sp[0]);
		signal(SIGPIPE, SIG_IGN);
		relay(0, 1, sp[1]);
	}
	close(sp[1]);
	return sp[0];
}

/* A dual-stack IPv6 socket (inetd or systemd listening on ::) shows an IPv4 client as
 * ::ffff:a.b.c.d: made plain IPv4 here, as OpenSSH does, so that from= patterns, the
 * logs and SSH_CONNECTION name the client by the address it has. */
static socklen_t unmap_v4(struct sockaddr_storage *ss, socklen_t len)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;

	if (ss->ss_family != AF_INET6 || len < sizeof(s6))
		return len;
	memcpy(&s6, ss, sizeof(s6));
	if (!IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr))
		return len;
	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	s4.sin_port = s6.sin6_port;
	memcpy(&s4.sin_addr, s6.sin6_addr.s6_addr + 12, 4);
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &s4, sizeof(s4));
	return sizeof(s4);
}

int svr_inetd_run(const struct svr_opts *o, struct hostkeys *hk)
{
	static char ident[32];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct stat st;
	char host[NI_MAXHOST], serv[NI_MAXSERV], peer[NI_MAXHOST + NI_MAXSERV + 4];
	char algs[256];
	int fd, nul, sfd, r;
	pid_t spid;

	snprintf(ident, sizeof(ident), "dropbear[%d]", (int)getpid());
	log_init(o->log_stderr ? ident : "dropbear",
	         o->log_stderr ? LOG_TO_STDERR | LOG_STAMP : LOG_TO_SYSLOG);
	if (fstat(0, &st) != 0 || fstat(1, &st) != 0) {
		log_msg(LOG_ERR, "inetd mode (-i) needs standard input and output");
		return ERR_INVALID;
	}
	snprintf(peer, sizeof(peer), "inetd");
	memset(&ss, 0, sizeof(ss));
	if (getpeername(0, (struct sockaddr *)&ss, &sl) == 0)
		sl = unmap_v4(&ss, sl);
	if ((ss.ss_family == AF_INET || ss.ss_family == AF_INET6) &&
	    sockaddr_numeric((struct sockaddr *)&ss, sl, host, sizeof(host), serv, sizeof(serv)) == 0)
		snprintf(peer, sizeof(peer), ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host,
		         serv);
	if (fstat(0, &st) == 0 && S_ISSOCK(st.st_mode))
		fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
	else
		fd = pipes_to_socket();
	if (fd < 0) {
		log_msg(LOG_ERR, "inetd mode (-i): %s", strerror(errno));
		return ERR_IO;
	}
	/* 0, 1 (and 2 without -E) become /dev/null so that no program run for the user
	 * inherits the client's descriptors by accident */
	if ((nul = open("/dev/null", O_RDWR)) >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
		if (!o->log_stderr)
			dup2(nul, 2);
		if (nul > 2)
			close(nul);
	}
	signal(SIGPIPE, SIG_IGN);
	log_msg(LOG_INFO, "Child connection from %s", peer);
	/* No listener to keep the keys: one helper keeps them for the whole connection,
	 * forked before a byte from the client is read; this process keeps none. */
	if ((r = hostkeys_alg_list(hk, algs, sizeof(algs))) ||
	    (r = signer_start(hk, &fd, 1, &sfd, &spid))) {
		log_msg(LOG_ERR, "Exit before auth from <%s>: cannot start the host key signer: %s",
		        peer, err_str(r));
		return r;
	}
	hostkeys_free(hk);
	svr_conn_run(fd, peer, algs, sfd, spid, -1, o);
}
