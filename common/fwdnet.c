/* fwdnet.c: forwarding listeners and connects (see fwdnet.h). */
#include "fwdnet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "err.h"
#include "fmt.h"
#include "resolve.h"

/* The priv of a channel that carries one socket: the socket until the channel owns it,
 * and while connecting, the addresses still to try. */
struct fwd_chan {
	struct conn *c;
	struct channel *ch;
	int fd;      /* ours until chan_set_fds; -1 after */
	int watched; /* fd is in the loop (connecting) */
	struct addrinfo *ai, *cur;
};

static struct fwd_chan *fwd_chan_new(struct conn *c, struct channel *ch, int fd)
{
	struct fwd_chan *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->c = c;
	p->ch = ch;
	p->fd = fd;
	return p;
}

static void fwd_chan_free(struct fwd_chan *p)
{
	if (!p)
		return;
	if (p->watched)
		loop_del_fd(p->c->loop, p->fd);
	if (p->fd >= 0)
		close(p->fd);
	if (p->ai)
		resolve_free(p->ai);
	free(p);
}

void fwd_chan_cleanup(struct conn *c, struct channel *ch)
{
	(void)c;
	fwd_chan_free(ch->priv);
	ch->priv = NULL;
}

/* Hands the socket to the channel table. */
static int give_fd(struct fwd_chan *p)
{
	int fd = p->fd;

	p->fd = -1;
	return chan_set_fds(p->ch, fd, fd, -1, CHAN_ERR_NONE);
}

int fwd_chan_confirmed(struct conn *c, struct channel *ch, struct buf *b)
{
	struct fwd_chan *p = ch->priv;

	(void)c;
	(void)b; /* no type-specific confirmation data for these types; ignore any */
	if (!p || p->fd < 0)
		return ERR_INVALID;
	return give_fd(p);
}

void fwd_chan_open_failed(struct conn *c, struct channel *ch, uint32_t reason, const char *desc)
{
	/* the accepted socket is closed by cleanup, which follows */
	(void)c;
	(void)ch;
	(void)reason;
	(void)desc;
}

/* ---- connecting */

/* Tries p->cur and the addresses after it: 0 connected, 1 in progress, -1 none left. */
static int try_connect(struct fwd_chan *p)
{
	for (; p->cur; p->cur = p->cur->ai_next) {
		int fd = socket(p->cur->ai_family,
		                p->cur->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		                p->cur->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, p->cur->ai_addr, p->cur->ai_addrlen) == 0) {
			p->fd = fd;
			return 0;
		}
		if (errno == EINPROGRESS) {
			p->fd = fd;
			return 1;
		}
		close(fd);
	}
	return -1;
}

static short want_out(void *arg)
{
	(void)arg;
	return POLLOUT;
}

static void connect_ready(void *arg, int fd, short revents);

/* After try_connect: finishes the open now, or keeps waiting. Called from the loop, so
 * errors of the channel layer end the connection here. */
static void connect_step(struct fwd_chan *p, int r)
{
	struct channel *ch = p->ch;
	int e;

	if (r == 1) {
		if (loop_add_fd(p->c->loop, p->fd, want_out, connect_ready, p) == 0) {
			p->watched = 1;
			return;
		}
		close(p->fd);
		p->fd = -1;
		r = -1;
	}
	if (r == 0) {
		resolve_free(p->ai);
		p->ai = p->cur = NULL;
		if ((e = give_fd(p)) != 0 || (e = chan_open_confirm(ch)) != 0)
			conn_fatal(p->c, SSH_DISCONNECT_BY_APPLICATION, "forwarded channel: %s",
			           err_str(e));
		return;
	}
	/* ch and p are gone after this */
	if ((e = chan_open_fail(ch, SSH_OPEN_CONNECT_FAILED, "connect failed")) != 0)
		conn_fatal(p->c, SSH_DISCONNECT_BY_APPLICATION, "forwarded channel: %s",
		           err_str(e));
}

static void connect_ready(void *arg, int fd, short revents)
{
	struct fwd_chan *p = arg;
	int err = 0;
	socklen_t len = sizeof(err);

	(void)revents;
	loop_del_fd(p->c->loop, fd);
	p->watched = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err == 0) {
		connect_step(p, 0);
		return;
	}
	close(fd);
	p->fd = -1;
	p->cur = p->cur->ai_next;
	connect_step(p, try_connect(p));
}

int fwd_connect_tcp(struct conn *c, struct channel *ch, const char *host, uint32_t port)
{
	struct addrinfo hints;
	struct fwd_chan *p;
	char portstr[12];
	int r;

	if (port == 0 || port > 65535)
		return SSH_OPEN_CONNECT_FAILED;
	if (!(p = fwd_chan_new(c, ch, -1)))
		return SSH_OPEN_RESOURCE_SHORTAGE;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%u", (unsigned)port);
	if (resolve(host, portstr, &hints, &p->ai) != 0) {
		p->ai = NULL;
		fwd_chan_free(p);
		snprintf(ch->fail_text, sizeof(ch->fail_text), "unknown host");
		return SSH_OPEN_CONNECT_FAILED;
	}
	p->cur = p->ai;
	r = try_connect(p);
	if (r < 0) {
		fwd_chan_free(p);
		snprintf(ch->fail_text, sizeof(ch->fail_text), "connect failed");
		return SSH_OPEN_CONNECT_FAILED;
	}
	ch->priv = p;
	if (r == 0) {
		resolve_free(p->ai);
		p->ai = p->cur = NULL;
		return give_fd(p);
	}
	if (loop_add_fd(c->loop, p->fd, want_out, connect_ready, p) != 0) {
		ch->priv = NULL;
		fwd_chan_free(p);
		return SSH_OPEN_RESOURCE_SHORTAGE;
	}
	p->watched = 1;
	return CHAN_OPEN_LATER;
}

int fwd_connect_unix(struct conn *c, struct channel *ch, const char *path)
{
	struct sockaddr_un sun;
	struct fwd_chan *p;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (!path || strlen(path) >= sizeof(sun.sun_path))
		return SSH_OPEN_CONNECT_FAILED;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return SSH_OPEN_RESOURCE_SHORTAGE;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		close(fd);
		snprintf(ch->fail_text, sizeof(ch->fail_text), "connect failed");
		return SSH_OPEN_CONNECT_FAILED;
	}
	if (!(p = fwd_chan_new(c, ch, fd))) {
		close(fd);
		return SSH_OPEN_RESOURCE_SHORTAGE;
	}
	ch->priv = p;
	return give_fd(p);
}

/* ---- listening */

void fwd_listener_init(struct fwd_listener *l)
{
	int i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < FWD_LISTEN_FDS; i++)
		l->fds[i] = -1;
}

int fwd_listen_sockaddr(const struct sockaddr *sa, socklen_t len)
{
	int fd, one = 1, saved;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (sa->sa_family != AF_UNIX)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* so that :: and 0.0.0.0 (or ::1 and 127.0.0.1) can both be bound on one port */
	if (sa->sa_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, sa, len) != 0 || listen(fd, DB_FWD_BACKLOG) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static void set_port(struct sockaddr *sa, uint32_t port)
{
	if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)(void *)sa)->sin_port = htons((uint16_t)port);
	else if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)(void *)sa)->sin6_port = htons((uint16_t)port);
}

int fwd_listen_tcp(struct fwd_listener *l, enum fwd_bind bind, const char *host, uint32_t port,
                   uint32_t *bound)
{
	struct addrinfo hints, *ai, *cur;
	struct sockaddr_storage ss;
	char portstr[12];
	int fd, saved = EADDRNOTAVAIL;
	uint32_t got = port;

	if (port > 65535)
		return ERR_INVALID;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	/* without AI_PASSIVE a NULL name gives the loopback addresses; with it, the
	 * wildcard ones (RFC 3493 6.1) */
	hints.ai_flags = AI_NUMERICSERV | (bind == FWD_BIND_LOOPBACK ? 0 : AI_PASSIVE);
	snprintf(portstr, sizeof(portstr), "%u", (unsigned)port);
	if (resolve(bind == FWD_BIND_HOST ? host : NULL, portstr, &hints, &ai) != 0)
		return ERR_INVALID;
	for (cur = ai; cur && l->nfds < FWD_LISTEN_FDS; cur = cur->ai_next) {
		socklen_t len = cur->ai_addrlen;
		if (len > sizeof(ss) || (cur->ai_family != AF_INET && cur->ai_family != AF_INET6))
			continue;
		memcpy(&ss, cur->ai_addr, len);
		/* port 0: the first socket picks the port, the others take the same one */
		if (port == 0 && l->nfds > 0)
			set_port((struct sockaddr *)&ss, got);
		if ((fd = fwd_listen_sockaddr((struct sockaddr *)&ss, len)) < 0) {
			saved = errno;
			continue;
		}
		if (l->nfds == 0 && port == 0) {
			char h[64];
			len = sizeof(ss);
			if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
				fwd_sockaddr_str((struct sockaddr *)&ss, len, h, sizeof(h), &got);
			if (got == 0) {
				close(fd);
				continue;
			}
		}
		l->fds[l->nfds++] = fd;
	}
	resolve_free(ai);
	if (l->nfds == 0) {
		errno = saved;
		return ERR_IO;
	}
	*bound = got;
	return 0;
}

int fwd_listen_unix(struct fwd_listener *l, const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path) || strlen(path) >= sizeof(l->unix_path))
		return ERR_TOOBIG;
	strcpy(sun.sun_path, path);
	if ((fd = fwd_listen_sockaddr((struct sockaddr *)&sun, sizeof(sun))) < 0)
		return ERR_IO;
	strcpy(l->unix_path, path);
	l->fds[l->nfds++] = fd;
	return 0;
}

/* Accept only when the accepted connection could go anywhere: the connection is not
 * backed up and the channel table has room. */
static short listener_want(void *arg)
{
	struct fwd_listener *l = arg;

	if (!conn_can_send(l->t->c) || l->t->nopen >= DB_MAX_CHANNELS)
		return 0;
	if (l->hold || (l->paused_until && loop_now_ms() < l->paused_until))
		return 0;
	l->paused_until = 0;
	return POLLIN;
}

static void listener_accept(void *arg, int lfd, short revents)
{
	struct fwd_listener *l = arg;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct buf extra;
	struct fwd_chan *p;
	struct channel *ch;
	char ohost[64];
	uint32_t oport = 0;
	int fd, r;

	(void)revents;
	fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		/* EAGAIN, ECONNABORTED: nothing to do. Out of fds: the backlog keeps the
		 * connection, and we look again a little later rather than spin on it. */
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
			l->paused_until = loop_now_ms() + DB_FWD_ACCEPT_PAUSE_MS;
		return;
	}
	if (l->on_accept) {
		l->on_accept(l, fd, (struct sockaddr *)&ss, len);
		return;
	}
	if (!(p = fwd_chan_new(l->t->c, NULL, fd))) {
		close(fd);
		return;
	}
	if (l->tcpip_data == FWD_DATA_STREAMLOCAL || l->tcpip_data == FWD_DATA_DIRECT_STREAMLOCAL) {
		/* OpenSSH's PROTOCOL 2.4: the path (the client asked for / to connect to),
		 * a reserved string, and for direct-streamlocal a reserved uint32 */
		if (buf_init(&extra, 64, DB_MAX_PAYLOAD) != 0) {
			fwd_chan_free(p);
			return;
		}
		r = buf_put_cstr(&extra, l->host);
		r = r ? r : buf_put_cstr(&extra, "");
		if (l->tcpip_data == FWD_DATA_DIRECT_STREAMLOCAL)
			r = r ? r : buf_put_u32(&extra, 0);
		r = r ? r : chan_open_outgoing(l->t, l->type, &extra, p, &ch);
		buf_free(&extra);
	} else if (l->tcpip_data) {
		if (ss.ss_family == AF_UNIX)
			strcpy(ohost, "127.0.0.1");
		else
			fwd_sockaddr_str((struct sockaddr *)&ss, len, ohost, sizeof(ohost), &oport);
		if (buf_init(&extra, 64, DB_MAX_PAYLOAD) != 0) {
			fwd_chan_free(p);
			return;
		}
		r = 0;
		if (l->tcpip_data != FWD_DATA_X11) {
			r = buf_put_cstr(&extra, l->host);
			r = r ? r : buf_put_u32(&extra, l->port);
		}
		r = r ? r : buf_put_cstr(&extra, ohost);
		r = r ? r : buf_put_u32(&extra, oport);
		r = r ? r : chan_open_outgoing(l->t, l->type, &extra, p, &ch);
		buf_free(&extra);
	} else {
		r = chan_open_outgoing(l->t, l->type, NULL, p, &ch);
	}
	if (r != 0) {
		fwd_chan_free(p); /* table full or out of memory: drop this one */
		return;
	}
	p->ch = ch;
	if (l->once)
		fwd_listener_close(l);
}

int fwd_listener_start(struct fwd_listener *l, struct chan_table *t, const struct chan_type *type,
                       int tcpip_data)
{
	int i, r;

	l->t = t;
	l->type = type;
	l->tcpip_data = tcpip_data;
	for (i = 0; i < l->nfds; i++)
		if ((r = loop_add_fd(t->c->loop, l->fds[i], listener_want, listener_accept, l)) !=
		    0) {
			while (--i >= 0)
				loop_del_fd(t->c->loop, l->fds[i]);
			return r;
		}
	return 0;
}

void fwd_listener_close(struct fwd_listener *l)
{
	int i;

	for (i = 0; i < FWD_LISTEN_FDS; i++) {
		if (l->fds[i] < 0)
			continue;
		if (l->t)
			loop_del_fd(l->t->c->loop, l->fds[i]);
		close(l->fds[i]);
		l->fds[i] = -1;
	}
	l->nfds = 0;
	if (l->unix_path[0]) {
		(void)unlink(l->unix_path);
		l->unix_path[0] = '\0';
	}
}

int sockaddr_numeric(const struct sockaddr *sa, socklen_t len, char *host, size_t hostsz,
                     char *serv, size_t servsz)
{
	unsigned port;
	int w = 0;

	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		struct sockaddr_in a;
		memcpy(&a, sa, sizeof(a));
		if (!inet_ntop(AF_INET, &a.sin_addr, host, (socklen_t)hostsz))
			return -1;
		port = ntohs(a.sin_port);
	} else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 a;
		memcpy(&a, sa, sizeof(a));
		if (!inet_ntop(AF_INET6, &a.sin6_addr, host, (socklen_t)hostsz))
			return -1;
		port = ntohs(a.sin6_port);
		/* a link-local address names its interface, as getnameinfo writes it */
		if (a.sin6_scope_id && (IN6_IS_ADDR_LINKLOCAL(&a.sin6_addr) ||
		                        IN6_IS_ADDR_MC_LINKLOCAL(&a.sin6_addr))) {
			char ifn[IF_NAMESIZE];
			size_t n = strlen(host);
			if (if_indextoname(a.sin6_scope_id, ifn))
				w = snprintf(host + n, hostsz - n, "%%%s", ifn);
			else
				w = snprintf(host + n, hostsz - n, "%%%u", (unsigned)a.sin6_scope_id);
			if (w < 0 || (size_t)w >= hostsz - n)
				return -1;
		}
	} else {
		return -1;
	}
	if (serv) {
		w = snprintf(serv, servsz, "%u", port);
		if (w < 0 || (size_t)w >= servsz)
			return -1;
	}
	return 0;
}

void fwd_sockaddr_str(const struct sockaddr *sa, socklen_t len, char *host, size_t hostsz,
                      uint32_t *port)
{
	char serv[12];
	unsigned long long p;

	if (sockaddr_numeric(sa, len, host, hostsz, serv, sizeof(serv)) != 0 ||
	    fmt_parse_whole(serv, 10, 65535, &p) != 0) {
		snprintf(host, hostsz, "?");
		*port = 0;
		return;
	}
	*port = (uint32_t)p;
}
