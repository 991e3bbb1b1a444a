/* svr-listen.c: the listening daemon. It binds, accepts and forks one process per
 * connection, and never reads a byte a client sent: a client can only ever take down
 * its own process. It counts unauthenticated children by source address (each child
 * holds a pipe it closes once authenticated, as Dropbear does) to bound them; when the
 * slots are full a new connection displaces the oldest unauthenticated one of whoever
 * holds the most, so that a flood from one place cannot lock out everyone else.
 *
 * It also keeps the host keys for every connection: each has a socketpair to it, and
 * when the connection process writes a request there (a key exchange needs a signature,
 * a pty login a utmp record) the listener forks a signer helper (svr-signer.c) that
 * reads and answers it and exits. The listener itself only looks at whether the socket
 * is readable or at EOF: it parses nothing a connection sends. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fmt.h"
#include "fwdnet.h"
#include "log.h"
#include "loop.h"
#include "resolve.h"
#include "server.h"
#include "svr-sys.h"

#define LISTEN_BACKLOG 20
#define MAX_SOCKETS (2 * DB_MAX_LISTEN) /* an address may resolve to IPv4 and IPv6 */

/* A peer address as sockaddr_numeric writes it: IPv6 text, '%' and an interface name at
 * most. Not NI_MAXHOST (glibc: 1025): the listener's table of slots is written whole at
 * start, and at 1025 bytes a slot that made it 50 kB of dirty pages. */
#define ADDR_STR (INET6_ADDRSTRLEN + IF_NAMESIZE)

struct child {
	pid_t pid; /* 0: reaped, never to be signalled */
	int fd;    /* read end of its unauth pipe; -1: free slot */
	unsigned long long seq; /* accept order: the smallest is the oldest */
	char addr[ADDR_STR];
	char net[INET6_ADDRSTRLEN + 4]; /* its /24 or /64, for the displacement choice */
};

/* A connection's tie to the listener, from accept until the connection process closes
 * its end of the signer socket (it exits). */
struct live {
	int sfd;                  /* our end of its signer socket */
	pid_t helper;             /* the signer helper answering it now; 0: none */
	int report;               /* that helper's report pipe (read end); -1: none */
	int eof;                  /* the connection closed its end */
	struct signer_logins *lg; /* its utmp logins; NULL: none */
	struct live *next;
};

/* Addresses recently logged as displaced (one line per address and interval). */
#define DISPLACE_LOG_SLOTS 16
struct displace_log {
	char addr[ADDR_STR];
	time_t at;       /* monotonic seconds of the last line; 0: free */
	unsigned quiet;  /* displacements since then, not logged */
};

static struct {
	struct loop *loop;
	struct hostkeys *hk;
	const struct svr_opts *opts;
	int lfd[MAX_SOCKETS];
	int nl;
	int sigpipe[2];
	struct child kids[DB_MAX_UNAUTH_CLIENTS];
	unsigned long long seq;
	struct displace_log dlog[DISPLACE_LOG_SLOTS];
	const char *pidfile;
	int log_where;
	struct live *live;
	char algs[256];  /* what the host keys offer, for every connection */
	int draining;    /* after SIGTERM with connections left: no listeners, signing only */
} L;

static volatile sig_atomic_t term_sig;

static void on_signal(int sig)
{
	int e = errno;
	ssize_t w;
	if (sig != SIGCHLD)
		term_sig = sig;
	w = write(L.sigpipe[1], "", 1);
	(void)w;
	errno = e;
}

/* "PORT", "ADDR:PORT" or "[V6ADDR]:PORT" into host (NULL: any) and port. */
static int split_spec(const char *spec, char *host, size_t hsz, const char **hostp,
                      const char **port)
{
	const char *colon;

	*hostp = NULL;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (!end || end[1] != ':' || !end[2] || (size_t)(end - spec - 1) >= hsz)
			return ERR_INVALID;
		memcpy(host, spec + 1, (size_t)(end - spec - 1));
		host[end - spec - 1] = 0;
		*hostp = host;
		*port = end + 2;
		return 0;
	}
	colon = strchr(spec, ':');
	if (!colon) {
		*port = spec;
		return *spec ? 0 : ERR_INVALID;
	}
	if (strchr(colon + 1, ':') || (size_t)(colon - spec) >= hsz || !colon[1])
		return ERR_INVALID; /* a bare IPv6 address needs brackets */
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = 0;
	*hostp = colon == spec ? NULL : host;
	*port = colon + 1;
	return 0;
}

static void listen_on(const char *spec)
{
	struct addrinfo hints, *res, *ai;
	char host[NI_MAXHOST];
	const char *h, *port;
	int r, one = 1;

	if (split_spec(spec, host, sizeof(host), &h, &port)) {
		log_msg(LOG_WARNING, "Bad listen address '%s'", spec);
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((r = resolve(h, port, &hints, &res))) {
		log_msg(LOG_WARNING, "Failed listening on '%s': %s", spec, resolve_strerror(r));
		return;
	}
	for (ai = res; ai && L.nl < MAX_SOCKETS; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6) /* each family on its own socket */
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
			log_msg(LOG_WARNING, "Failed listening on '%s': %s", spec, strerror(errno));
			close(fd);
			continue;
		}
		L.lfd[L.nl++] = fd;
	}
	resolve_free(res);
}

static void drop_child(struct child *k)
{
	loop_del_fd(L.loop, k->fd);
	close(k->fd);
	k->fd = -1;
	k->pid = 0;
}

/* The network of an address for the displacement choice: "a.b.c.0/24", "x:y:z:w::/64". */
static void net_of(const struct sockaddr_storage *ss, char *out, size_t outsz)
{
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		struct in_addr in = ((const struct sockaddr_in *)ss)->sin_addr;
		uint32_t mask = DB_UNAUTH_NET4_BITS >= 32 ? 0xffffffffu
		                                         : ~(0xffffffffu >> DB_UNAUTH_NET4_BITS);
		in.s_addr &= htonl(mask);
		inet_ntop(AF_INET, &in, a, sizeof(a));
		snprintf(out, outsz, "%s/%d", a, DB_UNAUTH_NET4_BITS);
	} else if (ss->ss_family == AF_INET6) {
		struct in6_addr in6 = ((const struct sockaddr_in6 *)ss)->sin6_addr;
		int i;
		for (i = 0; i < 16; i++) {
			int keep = DB_UNAUTH_NET6_BITS - 8 * i;
			if (keep <= 0)
				in6.s6_addr[i] = 0;
			else if (keep < 8)
				in6.s6_addr[i] &= (uint8_t)(0xff << (8 - keep));
		}
		inet_ntop(AF_INET6, &in6, a, sizeof(a));
		snprintf(out, outsz, "%s/%d", a, DB_UNAUTH_NET6_BITS);
	} else {
		snprintf(out, outsz, "?");
	}
}

static time_t mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1; /* never 0, which marks a free log slot */
}

/* One line per displaced address per DB_DISPLACE_LOG_INTERVAL. */
static void log_displaced(const struct child *k, const char *why)
{
	struct displace_log *d = NULL, *oldest = &L.dlog[0];
	time_t now = mono_seconds();
	int i;

	for (i = 0; i < DISPLACE_LOG_SLOTS; i++) {
		if (L.dlog[i].at && strcmp(L.dlog[i].addr, k->addr) == 0)
			d = &L.dlog[i];
		if (L.dlog[i].at < oldest->at)
			oldest = &L.dlog[i];
	}
	if (d && now - d->at < DB_DISPLACE_LOG_INTERVAL) {
		d->quiet++;
		return;
	}
	if (!d) {
		d = oldest; /* forgetting the oldest address costs at most one extra line */
		snprintf(d->addr, sizeof(d->addr), "%s", k->addr);
		d->quiet = 0;
	}
	if (d->quiet)
		log_msg(LOG_WARNING,
		        "Displacing the oldest unauthenticated connection from %s: %s "
		        "(and %u more since the last line)",
		        k->addr, why, d->quiet);
	else
		log_msg(LOG_WARNING, "Displacing the oldest unauthenticated connection from %s: %s",
		        k->addr, why);
	d->at = now;
	d->quiet = 0;
}

/* EOF on a child's pipe: it authenticated or it is gone; its slot is free. */
static void on_child_pipe(void *arg, int fd, short rev)
{
	struct child *k = arg;
	char tmp[16];

	(void)rev;
	if (read(fd, tmp, sizeof(tmp)) <= 0)
		drop_child(k);
}

/* Ends an unauthenticated child to free its slot. Only a child this daemon forked and
 * has not reaped is signalled (pid 0 marks a reaped one), and only while its pipe is
 * not at EOF: an EOF means it authenticated (or went), and it is then left alone. */
static void displace(struct child *k)
{
	struct pollfd p = {.fd = k->fd, .events = POLLIN};

	if (k->pid > 0 && poll(&p, 1, 0) == 0)
		kill(k->pid, SIGKILL);
	drop_child(k);
}

/* Slot-holding counts for the displacement choice. */
static int count_where(const char *field_value, int by_net)
{
	int i, n = 0;
	for (i = 0; i < DB_MAX_UNAUTH_CLIENTS; i++)
		if (L.kids[i].fd >= 0 &&
		    strcmp(by_net ? L.kids[i].net : L.kids[i].addr, field_value) == 0)
			n++;
	return n;
}

/* The child to displace when all slots are taken: within the network holding the most
 * slots, the address holding the most, its oldest connection (ties: the oldest). */
static struct child *victim_overall(void)
{
	struct child *best = NULL;
	int i, bnet = 0, baddr = 0;

	for (i = 0; i < DB_MAX_UNAUTH_CLIENTS; i++) {
		struct child *k = &L.kids[i];
		int nnet, naddr;
		if (k->fd < 0)
			continue;
		nnet = count_where(k->net, 1);
		naddr = count_where(k->addr, 0);
		if (!best || nnet > bnet || (nnet == bnet && naddr > baddr) ||
		    (nnet == bnet && naddr == baddr && k->seq < best->seq)) {
			best = k;
			bnet = nnet;
			baddr = naddr;
		}
	}
	return best;
}

/* The oldest connection of one address (when it holds DB_MAX_UNAUTH_PER_IP). */
static struct child *victim_of(const char *addr)
{
	struct child *best = NULL;
	int i;

	for (i = 0; i < DB_MAX_UNAUTH_CLIENTS; i++)
		if (L.kids[i].fd >= 0 && strcmp(L.kids[i].addr, addr) == 0 &&
		    (!best || L.kids[i].seq < best->seq))
			best = &L.kids[i];
	return best;
}

#if DB_REEXEC
/* This binary again, with the daemon's own command line and --connection FD,PIPE,PEER,
 * so that the connection gets a fresh address-space layout. Spawned straight from the
 * listener with vfork (the child borrows the listener's memory and runs only the few
 * system calls below until the exec: no copy of the listener's page tables, no
 * copy-on-write faults in either process, no forked image holding a copy of the host
 * keys) rather than forked and then executed: fork, its faults and the image's teardown
 * at exec were a third of a connection's set-up CPU. musl's posix_spawn does the same
 * with a clone of its own, at 1.9 kB of the static binary.
 * Every descriptor of the listener is close-on-exec: the child clears the flag on these
 * three, the new process's only ones beside 0-2. Signals stay blocked from before the
 * vfork until the child has set the listener's handled ones back to their defaults, so
 * that no handler of the listener runs on the memory the two share (sigaction to
 * SIG_DFL, fcntl and execve only make system calls; errno, which they may set, is the
 * listener's too, and nothing here reads it across the vfork). The pid, or -1 when it
 * could not be done (the connection then runs in a fork of the listener, as without
 * DB_REEXEC). */
static volatile int reexec_errno;

static pid_t reexec(int fd, const char *peer, int unauth_fd, int sfd)
{
	static const int handled[] = { SIGCHLD, SIGTERM, SIGINT };
	const struct svr_opts *o = L.opts;
	char spec[NI_MAXHOST + NI_MAXSERV + 48], *argv[256 + 5];
	struct sigaction dfl;
	sigset_t all, old;
	pid_t pid;
	int i, n = 0, r;

	if (o->argc < 1 || o->argc > 256)
		return -1;
	snprintf(spec, sizeof(spec), "%d,%d,%d,%s", fd, unauth_fd, sfd, peer);
	for (i = 0; i < o->argc; i++)
		argv[n++] = o->argv[i];
	argv[n++] = "--connection";
	argv[n++] = spec;
	argv[n++] = "--hostkey-algs";
	argv[n++] = L.algs;
	argv[n] = NULL;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigfillset(&all);
	reexec_errno = 0;
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = vfork();
	if (pid == 0) {
		for (i = 0; i < (int)(sizeof(handled) / sizeof(handled[0])); i++)
			sigaction(handled[i], &dfl, NULL);
		if (fcntl(fd, F_SETFD, 0) == 0 && fcntl(unauth_fd, F_SETFD, 0) == 0 &&
		    fcntl(sfd, F_SETFD, 0) == 0) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			execve(DB_REEXEC_PATH, argv, environ);
		}
		reexec_errno = errno ? errno : EINVAL;
		_exit(127);
	}
	r = pid < 0 ? errno : reexec_errno;
	if (pid > 0 && r) /* the child is gone already: reaped here, not as a connection */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r) {
		log_msg(LOG_WARNING, "Cannot re-execute for a fresh layout (%s): running in a fork",
		        strerror(r));
		return -1;
	}
	return pid;
}
#endif

/* In a child of the listener: closes what belongs to the listener and to the other
 * connections (a connection or a helper must never reach another connection's signer
 * socket), keeping only keep1 and keep2. */
static void close_listener_fds(int keep1, int keep2)
{
	struct live *v;
	int i;

	for (i = 0; i < L.nl; i++)
		close(L.lfd[i]);
	for (i = 0; i < DB_MAX_UNAUTH_CLIENTS; i++)
		if (L.kids[i].fd >= 0)
			close(L.kids[i].fd);
	for (v = L.live; v; v = v->next) {
		if (v->sfd != keep1 && v->sfd != keep2)
			close(v->sfd);
		if (v->report >= 0)
			close(v->report);
	}
	close(L.sigpipe[0]);
	close(L.sigpipe[1]);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
}

static _Noreturn void run_child(int fd, const char *peer, int unauth_fd, int sfd)
{
	static char ident[32];

	close_listener_fds(sfd, -1);
	/* syslog adds the pid itself; stderr lines need it to tell connections apart */
	snprintf(ident, sizeof(ident), "dropbear[%d]", (int)getpid());
	if (L.log_where & LOG_TO_STDERR)
		log_init(ident, L.log_where);
	log_msg(LOG_INFO, "Child connection from %s", peer);
	/* the fork's copy of the keys goes before a byte from the client is read */
	hostkeys_free(L.hk);
	svr_conn_run(fd, peer, L.algs, sfd, 0, unauth_fd, L.opts);
}

/* ---- signer helpers */

static void live_end(struct live *v)
{
	struct live **pp;

	if (v->lg) {
		signer_logout_all(v->lg);
		free(v->lg);
	}
	loop_del_fd(L.loop, v->sfd);
	close(v->sfd);
	if (v->report >= 0) {
		loop_del_fd(L.loop, v->report);
		close(v->report);
	}
	for (pp = &L.live; *pp; pp = &(*pp)->next)
		if (*pp == v) {
			*pp = v->next;
			break;
		}
	free(v);
	if (L.draining && !L.live) {
		log_msg(LOG_INFO, "The last connection is gone: exiting");
		hostkeys_free(L.hk);
		exit(0);
	}
}

static short live_want(void *arg)
{
	const struct live *v = arg;
	return v->helper || v->eof ? 0 : POLLIN;
}

/* The helper's report pipe is readable: it wrote its report and is exiting, or died
 * (EOF) without one, which changed nothing. The report is the connection's utmp table
 * now. (The pipe, not SIGCHLD, says so: a listener's child that keeps signing after
 * SIGTERM is not the parent of a helper forked before.) */
static void on_report(void *arg, int fd, short rev)
{
	struct live *v = arg;
	struct signer_logins t;
	ssize_t n;
	size_t i;
	int any = 0;

	(void)rev;
	do
		n = read(fd, &t, sizeof(t));
	while (n < 0 && errno == EINTR);
	loop_del_fd(L.loop, fd);
	close(fd);
	v->report = -1;
	v->helper = 0;
	if (n != (ssize_t)sizeof(t))
		return;
	for (i = 0; i < DB_MAX_CHANNELS; i++) {
		t.l[i].line[SIGNER_LINE_MAX - 1] = 0;
		any |= t.l[i].pid != 0;
	}
	if (!any) {
		free(v->lg);
		v->lg = NULL;
	} else if (v->lg || (v->lg = malloc(sizeof(*v->lg)))) {
		memcpy(v->lg, &t, sizeof(t));
	} else {
		signer_logout_all(&t); /* no memory to remember them: log them out now */
	}
}

/* The connection's signer socket is readable: a request (a helper reads it) or EOF. */
static void on_live(void *arg, int fd, short rev)
{
	static struct signer_logins blank;
	struct live *v = arg;
	char b;
	ssize_t n;
	int rp[2];
	pid_t pid;

	(void)rev;
	n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		v->eof = 1;
		live_end(v);
		return;
	}
	if (pipe2(rp, O_CLOEXEC) != 0) {
		log_msg(LOG_WARNING, "Cannot start a host key signer: %s", strerror(errno));
		live_end(v); /* its key exchange fails; the connection ends */
		return;
	}
	pid = svr_fork();
	if (pid == 0) {
		close(rp[0]);
		close_listener_fds(v->sfd, rp[1]);
		signer_helper(L.hk, v->sfd, v->lg ? v->lg : &blank, rp[1]);
	}
	close(rp[1]);
	if (pid < 0) {
		log_msg(LOG_WARNING, "Cannot start a host key signer: %s", strerror(errno));
		close(rp[0]);
		live_end(v);
		return;
	}
	v->helper = pid;
	v->report = rp[0];
	dbg(1, "Signer helper %d forked", (int)pid);
	if (loop_add_fd(L.loop, rp[0], NULL, on_report, v))
		live_end(v); /* the helper answers this request; the connection goes after */
}

/* Accepts one connection and starts its process; 0 when none was waiting (or accept
 * failed), 1 when one was taken (served or refused). */
static int accept_one(int lfd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[ADDR_STR], serv[NI_MAXSERV], peer[ADDR_STR + NI_MAXSERV + 4];
	struct child *slot = NULL;
	struct live *lv;
	int fd, i, same = 0, p[2], sp[2];
	pid_t pid;

	fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
	if (fd < 0)
		return 0;
	if (sockaddr_numeric((struct sockaddr *)&ss, sl, host, sizeof(host), serv, sizeof(serv)) != 0) {
		close(fd);
		return 1;
	}
	snprintf(peer, sizeof(peer), ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, serv);
	for (i = 0; i < DB_MAX_UNAUTH_CLIENTS; i++) {
		if (L.kids[i].fd < 0) {
			if (!slot)
				slot = &L.kids[i];
		} else if (strcmp(L.kids[i].addr, host) == 0) {
			same++;
		}
	}
	if (same >= DB_MAX_UNAUTH_PER_IP || !slot) {
		/* Dropbear refuses the newcomer here, so that whoever holds the slots keeps
		 * them: we end the oldest of whoever holds the most instead (its own address
		 * first), and the newcomer gets in */
		struct child *v = same >= DB_MAX_UNAUTH_PER_IP ? victim_of(host) : victim_overall();
		char why[160];
		if (!v) {
			close(fd);
			return 1;
		}
		if (same >= DB_MAX_UNAUTH_PER_IP)
			snprintf(why, sizeof(why), "it holds %d unauthenticated connections, the most "
			         "one address may", same);
		else
			snprintf(why, sizeof(why), "all %d unauthenticated slots are taken; it holds "
			         "%d, its network %s holds %d", DB_MAX_UNAUTH_CLIENTS,
			         count_where(v->addr, 0), v->net, count_where(v->net, 1));
		log_displaced(v, why);
		dbg(1, "Displacing pid %d from %s for %s", (int)v->pid, v->addr, peer);
		displace(v);
		if (!slot)
			slot = v;
	}
	if (!(lv = calloc(1, sizeof(*lv)))) {
		close(fd);
		return 1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0) {
		free(lv);
		close(fd);
		return 1;
	}
	if (pipe2(p, O_CLOEXEC) != 0) {
		close(sp[0]);
		close(sp[1]);
		free(lv);
		close(fd);
		return 1;
	}
	lv->sfd = sp[0];
	lv->report = -1;
	pid = -1;
#if DB_REEXEC
	pid = reexec(fd, peer, p[1], sp[1]);
#endif
	if (pid < 0 && (pid = svr_fork()) == 0) {
		free(lv);
		close(p[0]);
		close(sp[0]);
		run_child(fd, peer, p[1], sp[1]);
	}
	close(fd);
	close(p[1]);
	close(sp[1]);
	if (pid < 0) {
		log_msg(LOG_WARNING, "fork: %s", strerror(errno));
		close(p[0]);
		close(sp[0]);
		free(lv);
		return 1;
	}
	lv->next = L.live;
	L.live = lv;
	if (loop_add_fd(L.loop, lv->sfd, live_want, on_live, lv))
		live_end(lv);
	slot->pid = pid;
	slot->fd = p[0];
	slot->seq = ++L.seq;
	snprintf(slot->addr, sizeof(slot->addr), "%s", host);
	net_of(&ss, slot->net, sizeof(slot->net));
	if (loop_add_fd(L.loop, p[0], NULL, on_child_pipe, slot))
		drop_child(slot);
	return 1;
}

/* The listening socket is readable: take what is waiting, up to DB_ACCEPT_BURST, in one
 * wakeup (a burst costs one poll, not one each). The socket is non-blocking. */
static void on_accept(void *arg, int lfd, short rev)
{
	int i;

	(void)arg;
	(void)rev;
	for (i = 0; i < DB_ACCEPT_BURST && accept_one(lfd); i++)
		;
}

static void on_sigpipe(void *arg, int fd, short rev)
{
	char tmp[64];
	int status;
	pid_t pid;

	(void)arg;
	(void)rev;
	while (read(fd, tmp, sizeof(tmp)) > 0)
		;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		int i;
		/* its pid may be reused from now on: never signal it (displace()) */
		for (i = 0; i < DB_MAX_UNAUTH_CLIENTS; i++)
			if (L.kids[i].fd >= 0 && L.kids[i].pid == pid)
				L.kids[i].pid = 0;
	}
	if (term_sig && L.live && !L.draining && svr_fork() == 0) {
		/* The connections that are left keep their signer: this child keeps the keys
		 * (and their utmp records) until the last of them is gone, without listening:
		 * a new daemon can bind the ports now. */
		int i;
		for (i = 0; i < L.nl; i++) {
			loop_del_fd(L.loop, L.lfd[i]);
			close(L.lfd[i]);
		}
		L.nl = 0;
		for (i = 0; i < DB_MAX_UNAUTH_CLIENTS; i++)
			if (L.kids[i].fd >= 0)
				drop_child(&L.kids[i]);
		L.draining = 1;
		L.pidfile = NULL;
		term_sig = 0;
		log_msg(LOG_INFO, "Listener stopped: keeping the host keys for the connections left");
		return;
	}
	if (term_sig) {
		if (L.pidfile)
			unlink(L.pidfile);
		log_msg(LOG_INFO, "Exiting on signal %d", (int)term_sig);
		hostkeys_free(L.hk);
		exit(0);
	}
}

#if DB_SYSTEMD_SOCKETS
/* A whole decimal number from 1 to max in an environment value; 0 when malformed. */
static unsigned long env_number(const char *v, unsigned long max)
{
	unsigned long long n;

	return v && fmt_parse_whole(v, 10, max, &n) == 0 ? (unsigned long)n : 0;
}

/* systemd socket activation with Accept=no (sd_listen_fds(3)): LISTEN_FDS listening
 * sockets from fd 3, meant for this process when LISTEN_PID is its pid. Takes them as
 * the listeners; returns how many (0: none for us), or -1 after one line saying what is
 * wrong with the environment. */
static int systemd_sockets(void)
{
	const char *pid_s = getenv("LISTEN_PID"), *fds_s = getenv("LISTEN_FDS");
	unsigned long pid, n, i;
	int r;

	if (!pid_s && !fds_s)
		return 0;
	if (!(pid = env_number(pid_s, (unsigned long)INT_MAX))) {
		log_msg(LOG_ERR, "LISTEN_PID: '%s' is not a process id (systemd socket activation)",
		        pid_s ? pid_s : "");
		return -1;
	}
	if (pid != (unsigned long)getpid())
		return 0; /* set for another process: not ours to take */
	if (!(n = env_number(fds_s, MAX_SOCKETS))) {
		log_msg(LOG_ERR, "LISTEN_FDS: '%s' is not a number from 1 to %d", fds_s ? fds_s : "",
		        MAX_SOCKETS);
		return -1;
	}
	for (i = 0; i < n; i++) {
		int fd = 3 + (int)i, acc = 0, type = 0;
		socklen_t l1 = sizeof(acc), l2 = sizeof(type);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &l1) != 0 ||
		    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l2) != 0 || !acc ||
		    type != SOCK_STREAM) {
			log_msg(LOG_ERR, "LISTEN_FDS: fd %d is not a listening stream socket "
			        "(the socket unit needs Accept=no and ListenStream=)", fd);
			return -1;
		}
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
		/* the accept loop takes several per wakeup and must not block on the last */
		if ((r = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, r | O_NONBLOCK) != 0) {
			log_msg(LOG_ERR, "LISTEN_FDS: fd %d cannot be made non-blocking", fd);
			return -1;
		}
		L.lfd[L.nl++] = fd;
	}
	/* no program run for a user should think these are meant for it */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	log_msg(LOG_INFO, "Listening on %lu socket%s from systemd%s", n, n == 1 ? "" : "s",
	        L.opts->nlisten ? " (-p ignored)" : "");
	return (int)n;
}
#endif

static void write_pidfile(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
	if (fd < 0 || dprintf(fd, "%d\n", (int)getpid()) < 0) {
		log_msg(LOG_WARNING, "Cannot write pid file %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (close(fd) == 0)
		L.pidfile = path;
}

#if !defined(__GLIBC__)
/* musl's daemon(0, 1) (to "/", fork, setsid, fork again: no longer a session leader,
 * so no terminal can become ours), with svr_fork: its own fork would link the rest. */
static int daemon_musl(void)
{
	pid_t pid;

	if (chdir("/") != 0 || (pid = svr_fork()) < 0)
		return -1;
	if (pid)
		_exit(0);
	if (setsid() < 0 || (pid = svr_fork()) < 0)
		return -1;
	if (pid)
		_exit(0);
	return 0;
}
#define daemon(nochdir, noclose) daemon_musl()
#endif

static int daemonize(int keep_stderr)
{
	int nul;

	if (daemon(0, 1) != 0)
		return ERR_IO;
	if ((nul = open("/dev/null", O_RDWR)) >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
		if (!keep_stderr)
			dup2(nul, 2);
		if (nul > 2)
			close(nul);
	}
	return 0;
}

/* noinline (and hostkeys_load): only the daemon runs it, but under LTO server_main,
 * which a connection runs too, would take in its code (contrib/layout). */
__attribute__((noinline))
int svr_listen_run(const struct svr_opts *o, struct hostkeys *hk)
{
	struct sigaction sa;
	int i, r;

	if (o->inetd)
		return svr_inetd_run(o, hk);
	memset(&L, 0, sizeof(L));
	L.hk = hk;
	L.opts = o;
	if ((r = hostkeys_alg_list(hk, L.algs, sizeof(L.algs)))) {
		log_msg(LOG_ERR, "Host key list: %s", err_str(r));
		return r;
	}
	L.log_where = o->log_stderr ? LOG_TO_STDERR | LOG_STAMP : LOG_TO_SYSLOG;
	for (i = 0; i < DB_MAX_UNAUTH_CLIENTS; i++)
		L.kids[i].fd = -1;
#if DB_SYSTEMD_SOCKETS
	if ((r = systemd_sockets()) < 0)
		return ERR_INVALID;
	if (r == 0)
#endif
	{
		if (o->nlisten == 0)
			listen_on(DB_DEFAULT_PORT);
		for (i = 0; i < o->nlisten; i++)
			listen_on(o->listen[i]);
	}
	if (L.nl == 0) {
		log_msg(LOG_ERR, "No listening ports available");
		return ERR_IO;
	}
	if (o->foreground) {
		/* the pid file first: "Not backgrounding" tells a watcher we are ready */
		write_pidfile(o->pidfile);
		log_msg(LOG_INFO, "Not backgrounding");
	} else {
		if (daemonize(o->log_stderr)) {
			log_msg(LOG_ERR, "Cannot go to the background: %s", strerror(errno));
			return ERR_IO;
		}
		log_msg(LOG_INFO, "Running in background");
	}
	log_init("dropbear", L.log_where);
	if (!o->foreground)
		write_pidfile(o->pidfile);
	if (pipe2(L.sigpipe, O_CLOEXEC | O_NONBLOCK) != 0 || (r = loop_init(&L.loop)))
		return ERR_IO;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((r = loop_add_fd(L.loop, L.sigpipe[0], NULL, on_sigpipe, NULL)))
		return r;
	for (i = 0; i < L.nl; i++)
		if ((r = loop_add_fd(L.loop, L.lfd[i], NULL, on_accept, NULL)))
			return r;
	return loop_run(L.loop);
}
