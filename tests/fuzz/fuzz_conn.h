/* fuzz_conn.h: what the whole-connection fuzz targets share (fuzz_server, fuzz_server_conn,
 * fuzz_client).
 *
 * One input is one connection: the real struct conn with the server's (or client's) role
 * row on one end of a socketpair, run by the real poll loop until the connection ends.
 * The harness is a second watcher on the same loop holding the other end: it writes the
 * input as the peer's byte stream, then shuts its side (EOF), and reads and throws away
 * whatever the connection answers, so that backpressure never stalls the run.
 *
 * A connection ends through exit() (conn_fatal, conn_exit, fatal); the target links with
 * -Wl,--wrap=exit, and while a connection runs the wrapper jumps back here instead, where
 * the harness frees what the connection owned. The build's -DDB_FUZZ switch (see the
 * Makefile) fixes the random seed and keeps the transport in the clear after NEWKEYS, so
 * a byte stream gets past the key exchange.
 *
 * The OS side effects a connection could have beyond its socket are stubbed at the
 * lowest level by the target's own --wrap list: here, sleeping (the auth failure delay).
 * Every such target links with
 *   -Wl,--wrap=exit,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,
 *   --wrap=strdup,--wrap=strndup,--wrap=clock_nanosleep
 */
#ifndef FUZZ_CONN_H
#define FUZZ_CONN_H

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <dirent.h>

#include "conn.h"
#include "crypto.h"
#include "log.h"
#include "loop.h"

static jmp_buf fz_jmp;
static volatile int fz_armed;

_Noreturn void __real_exit(int status);
_Noreturn void __wrap_exit(int status);
_Noreturn void __wrap_exit(int status)
{
	if (fz_armed) {
		fz_armed = 0;
		longjmp(fz_jmp, 1);
	}
	__real_exit(status);
}

/* The auth failure delay and the minimum reply time: no sleeping while fuzzing. */
int __wrap_clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
                           struct timespec *rem);
int __wrap_clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
                           struct timespec *rem)
{
	(void)clk, (void)flags, (void)req, (void)rem;
	return 0;
}

/* Heap blocks our code allocates while a connection runs (malloc, calloc, realloc,
 * strdup, strndup: the target links with --wrap for each, and for free) are remembered
 * in a small open-addressing set; what is left when the connection has ended is what
 * its exit() would have returned to the system, and fz_free_leftovers() frees it, so
 * that millions of connections fit in one process. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

#define FZ_SLOTS (1u << 16)
static void *fz_live[FZ_SLOTS];
static void *const fz_gone = (void *)&fz_live; /* a tombstone */
static unsigned fz_used;

static unsigned fz_hash(const void *p)
{
	return (unsigned)(((uintptr_t)p >> 4) * 2654435761u) & (FZ_SLOTS - 1);
}

static void fz_track(void *p)
{
	unsigned i, h;

	if (!p || !fz_armed || fz_used >= FZ_SLOTS / 2)
		return; /* a full set only means a block is not freed early */
	for (h = fz_hash(p), i = 0; i < FZ_SLOTS; i++, h = (h + 1) & (FZ_SLOTS - 1))
		if (!fz_live[h] || fz_live[h] == fz_gone) {
			if (!fz_live[h])
				fz_used++;
			fz_live[h] = p;
			return;
		}
}

static int fz_untrack(void *p)
{
	unsigned i, h;

	if (!p)
		return 0;
	for (h = fz_hash(p), i = 0; i < FZ_SLOTS && fz_live[h]; i++, h = (h + 1) & (FZ_SLOTS - 1))
		if (fz_live[h] == p) {
			/* the end of a probe chain can be emptied outright */
			if (!fz_live[(h + 1) & (FZ_SLOTS - 1)]) {
				fz_live[h] = NULL;
				fz_used--;
			} else {
				fz_live[h] = fz_gone;
			}
			return 1;
		}
	return 0;
}

void *__wrap_malloc(size_t n)
{
	void *p = __real_malloc(n);
	fz_track(p);
	return p;
}

void *__wrap_calloc(size_t n, size_t m)
{
	void *p = __real_calloc(n, m);
	fz_track(p);
	return p;
}

void *__wrap_realloc(void *p, size_t n)
{
	int was = fz_untrack(p);
	void *q = __real_realloc(p, n);

	if (!q) {
		if (was)
			fz_track(p);
	} else if (was || !p) {
		fz_track(q);
	}
	return q;
}

void __wrap_free(void *p)
{
	fz_untrack(p);
	__real_free(p);
}

char *__wrap_strdup(const char *s)
{
	char *p = __real_strdup(s);
	fz_track(p);
	return p;
}

char *__wrap_strndup(const char *s, size_t n)
{
	char *p = __real_strndup(s, n);
	fz_track(p);
	return p;
}

static void fz_free_leftovers(void)
{
	unsigned i;

	for (i = 0; i < FZ_SLOTS; i++) {
		if (fz_live[i] && fz_live[i] != fz_gone)
			__real_free(fz_live[i]);
		fz_live[i] = NULL;
	}
	fz_used = 0;
}

struct fz_peer {
	int fd;
	const uint8_t *data;
	size_t size, off;
	int shut;
	struct buf *capture; /* when set, what the connection sent is kept here (fuzz_client's
	                        setup reads its client's KEXINIT and key exchange value) */
};

static short fz_peer_want(void *arg)
{
	struct fz_peer *p = arg;
	return (short)(POLLIN | (p->off < p->size ? POLLOUT : 0));
}

static void fz_peer_io(void *arg, int fd, short rev)
{
	struct fz_peer *p = arg;
	uint8_t sink[16384];

	if (rev & POLLOUT && p->off < p->size) {
		ssize_t n = write(fd, p->data + p->off, p->size - p->off);
		if (n > 0)
			p->off += (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			p->off = p->size;
	}
	if (p->off >= p->size && !p->shut) {
		shutdown(fd, SHUT_WR);
		p->shut = 1;
	}
	if (rev & (POLLIN | POLLHUP | POLLERR)) {
		ssize_t n;
		while ((n = read(fd, sink, sizeof(sink))) > 0)
			if (p->capture)
				(void)buf_put_bytes(p->capture, sink, (size_t)n);
	}
}

/* The descriptors open before the first input (fz_fds_mark) stay; fz_close_new_fds closes
 * every other one, as the connection process's exit would have. It lists /proc/self/fd
 * (a few system calls) rather than trying each of LOOP_MAX_FDS numbers with fcntl: 1,024
 * calls per input were a fifth of fuzz_server_conn's time. */
static uint8_t fz_fd_at_start[LOOP_MAX_FDS];

static inline void fz_fds_mark(void)
{
	int fd;

	for (fd = 0; fd < LOOP_MAX_FDS; fd++)
		fz_fd_at_start[fd] = fcntl(fd, F_GETFD) >= 0;
}

static inline void fz_close_new_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fds[LOOP_MAX_FDS], n = 0, i;

	if (!d)
		abort();
	while ((e = readdir(d)) && n < LOOP_MAX_FDS) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		if (*end || end == e->d_name || fd == dirfd(d))
			continue;
		if (fd >= LOOP_MAX_FDS || !fz_fd_at_start[fd])
			fds[n++] = (int)fd;
	}
	closedir(d);
	for (i = 0; i < n; i++)
		close(fds[i]);
}

/* A connected, non-blocking socketpair with room for a whole input: sv[0] for the
 * connection, sv[1] for the peer. */
static int fz_socketpair(int sv[2])
{
	int big = 1 << 20;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	(void)setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	(void)fcntl(sv[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(sv[1], F_SETFL, O_NONBLOCK);
	return 0;
}

#ifdef FZ_NET_STUBS
/* For targets linked with --wrap=connect,--wrap=getaddrinfo: an outgoing connection gets
 * a socket whose other end is already closed, and names resolve only when numeric (no
 * DNS while fuzzing). */
#include <netdb.h>

int __wrap_connect(int fd, const struct sockaddr *sa, socklen_t len);
int __wrap_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	int sp[2];

	(void)sa, (void)len;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp))
		return -1;
	close(sp[1]);
	if (dup3(sp[0], fd, O_CLOEXEC) < 0) {
		close(sp[0]);
		return -1;
	}
	close(sp[0]);
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	return 0;
}

int __real_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res);
int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res);
int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res)
{
	struct addrinfo h;

	if (hints)
		h = *hints;
	else
		memset(&h, 0, sizeof(h));
	h.ai_flags |= AI_NUMERICHOST | AI_NUMERICSERV;
	return __real_getaddrinfo(node, service, &h, res);
}
#endif

#endif
