/* fwdnet.h: the sockets of forwarding, shared by the server and the client.
 *
 * - Listeners: TCP (loopback, every address, or one address; port 0 picks a free port,
 *   the same on every address family) or a unix socket (agent forwarding). Each accepted
 *   connection becomes an outgoing channel of the listener's type (RFC 4254 7.1, 7.2;
 *   OpenSSH's PROTOCOL 4.1 for auth-agent@openssh.com). A listener accepts only while
 *   the connection can send and the channel table has room (backpressure: waiting
 *   connections stay in the kernel's backlog).
 * - Outgoing connects for channels the peer opens (direct-tcpip on the server,
 *   forwarded-tcpip on the client): non-blocking, every address of the name in turn, the
 *   channel confirmed or refused when done (CHAN_OPEN_LATER).
 *
 * Once a channel is confirmed its socket belongs to the channel table (chan_set_fds),
 * which moves the data under the windows. Nothing here exits or prints; errors are
 * ERR_* codes and the caller logs them. */
#ifndef FWDNET_H
#define FWDNET_H

#include <stdint.h>
#include <sys/socket.h>

#include "channel.h"
#include "options.h"

#define FWD_DATA_STREAMLOCAL 2
#define FWD_DATA_DIRECT_STREAMLOCAL 3 /* string path, string reserved, uint32 reserved */
#define FWD_DATA_X11 4 /* string originator address, uint32 originator port (RFC 4254 6.3.2) */

/* Sockets one listener may hold: one per address family. */
#define FWD_LISTEN_FDS 2

/* How a TCP listener binds. */
enum fwd_bind {
	FWD_BIND_LOOPBACK, /* 127.0.0.1 and ::1 */
	FWD_BIND_ANY,      /* every address (0.0.0.0 and ::) */
	FWD_BIND_HOST,     /* the addresses of one name or address */
};

struct fwd_listener {
	struct chan_table *t;
	const struct chan_type *type; /* opened for each accepted connection */
	/* 1: CHANNEL_OPEN carries string host, uint32 port, string originator address,
	 * uint32 originator port (direct-tcpip, forwarded-tcpip), with host/port below;
	 * 0: nothing (auth-agent@openssh.com); FWD_DATA_STREAMLOCAL: string host (the
	 * socket path), string reserved (forwarded-streamlocal@openssh.com). */
	int tcpip_data;
	char host[DB_MAX_FWD_HOST]; /* forwarded-tcpip: the address as requested; client
	                             * direct-tcpip: the host to connect to */
	uint32_t port;              /* forwarded-tcpip: the bound port; direct-tcpip: the
	                             * port to connect to */
	int fds[FWD_LISTEN_FDS];
	int nfds;
	char unix_path[108]; /* a unix listener's path, unlinked by fwd_listener_close */
	uint64_t paused_until; /* out of fds: no accepting before this (loop_now_ms) */
	/* Set before fwd_listener_start to take accepted sockets instead of opening a channel
	 * for each (dbclient -D negotiates SOCKS first): the hook owns fd from then on. */
	void (*on_accept)(struct fwd_listener *l, int fd, const struct sockaddr *sa,
	                  socklen_t len);
	int hold; /* the caller's: nonzero stops accepting for now (the backlog waits) */
	int once; /* the caller's: closed after the first connection (X11 single-connection) */
	/* the caller's own */
	char req_host[DB_MAX_FWD_HOST];
	uint32_t req_port;
	void *arg;
};

/* A listening socket (non-blocking, close-on-exec; SO_REUSEADDR but for Unix sockets,
 * IPV6_V6ONLY for IPv6) bound to sa; -1 with errno on failure. */
int fwd_listen_sockaddr(const struct sockaddr *sa, socklen_t len);
/* Binds and listens (TCP): bind is FWD_BIND_*, host is used for FWD_BIND_HOST only.
 * port 0 picks a free port; *bound gets the port in use. The fds are not watched yet.
 * ERR_IO (errno kept) when no address could be bound, ERR_INVALID for a name that does
 * not resolve. */
int fwd_listen_tcp(struct fwd_listener *l, enum fwd_bind bind, const char *host, uint32_t port,
                   uint32_t *bound);
/* A unix stream socket at path (mode from the umask; the caller makes the directory
 * private). */
int fwd_listen_unix(struct fwd_listener *l, const char *path);
/* Starts accepting on l's fds through t's connection loop: each connection opens a
 * channel of type (whose confirmed / open_failed / cleanup must be fwd_chan_confirmed,
 * fwd_chan_open_failed, fwd_chan_cleanup, or call them). l must stay valid until
 * fwd_listener_close. */
int fwd_listener_start(struct fwd_listener *l, struct chan_table *t, const struct chan_type *type,
                       int tcpip_data);
/* Stops watching, closes the sockets (unlinks a unix socket). Open channels go on. */
void fwd_listener_close(struct fwd_listener *l);
/* Sets every fd slot to -1 (call before anything else). */
void fwd_listener_init(struct fwd_listener *l);

/* ---- generic handlers for channels that carry one socket */
/* For chan_type rows of channels we open from a listener. */
int fwd_chan_confirmed(struct conn *c, struct channel *ch, struct buf *b);
void fwd_chan_open_failed(struct conn *c, struct channel *ch, uint32_t reason, const char *desc);
/* For every row whose channel was set up by fwdnet (listener or connect). */
void fwd_chan_cleanup(struct conn *c, struct channel *ch);

/* For a peer-opened channel: connects to host:port without blocking the loop (the name
 * lookup itself, resolve(): getaddrinfo() with DB_DNS, may block). Returns what
 * chan_type.open returns:
 * 0 (connected at once; fds set), CHAN_OPEN_LATER (confirmed or refused later, with
 * SSH_OPEN_CONNECT_FAILED), or SSH_OPEN_CONNECT_FAILED / SSH_OPEN_RESOURCE_SHORTAGE now.
 * The channel's type must have fwd_chan_cleanup as cleanup. */
int fwd_connect_tcp(struct conn *c, struct channel *ch, const char *host, uint32_t port);
/* The same for a unix socket path (agent): connected at once or refused. */
int fwd_connect_unix(struct conn *c, struct channel *ch, const char *path);

/* getnameinfo(NI_NUMERICHOST | NI_NUMERICSERV) for IPv4 and IPv6: 0, or -1 (another
 * family, a buffer too small). Not getnameinfo: musl's links its reverse-DNS code
 * (2.5 kB of the static binary) that numeric answers never run. serv may be NULL. */
int sockaddr_numeric(const struct sockaddr *sa, socklen_t len, char *host, size_t hostsz,
                     char *serv, size_t servsz);

/* "ADDR" and port of a socket address, for originator fields and logs. */
void fwd_sockaddr_str(const struct sockaddr *sa, socklen_t len, char *host, size_t hostsz,
                      uint32_t *port);

#endif
