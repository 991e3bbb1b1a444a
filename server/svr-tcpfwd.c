/* svr-tcpfwd.c: TCP forwarding on the server (RFC 4254 section 7) and the answer to the
 * client's global requests.
 *
 * direct-tcpip (-L on the client): we connect to the host the client names, unless -j,
 * no-port-forwarding or permitopen says no. tcpip-forward (-R): we listen, unless -k,
 * no-port-forwarding or permitlisten says no; without -a only on loopback, whatever
 * address the client asked for (Dropbear's and OpenSSH's GatewayPorts=no default), and
 * ports below 1024 only for root. Each connection to such a port becomes a
 * forwarded-tcpip channel to the client.
 *
 * Without DB_SVR_LOCALTCPFWD / DB_SVR_REMOTETCPFWD (options.h) the request is refused as
 * -j / -k refuse it, and the code that would serve it is not built. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fwdnet.h"
#include "fwdspec.h"
#include "log.h"
#include "svr-fwd.h"

#if DB_SVR_REMOTETCPFWD
/* Remote forwardings of this connection. One connection per process (svr_conn_run), so
 * this is the connection's state. */
static struct fwd_listener *rfwd[DB_MAX_SVR_LISTENERS];

#ifdef DB_FUZZ
/* The fuzzing build runs many connections in one process (tests/fuzz/fuzz_server_conn.c):
 * each starts with none of the last one's forwardings. */
void svr_tcpfwd_fuzz_reset(void)
{
	int i;

	for (i = 0; i < DB_MAX_SVR_LISTENERS; i++)
		if (rfwd[i]) {
			fwd_listener_close(rfwd[i]);
			free(rfwd[i]);
			rfwd[i] = NULL;
		}
}
#endif
#endif /* DB_SVR_REMOTETCPFWD */

#if DB_SVR_LOCALTCPFWD
static int direct_open(struct conn *c, struct channel *ch, struct buf *extra)
{
	const struct svr_restrict *rs = &c->srv->restrict_;
	struct fwd_tcpip_open o;
	int r;

	r = fwd_parse_tcpip_open(extra, 0, &o);
	if (r == ERR_INVALID) {
		log_msg(LOG_INFO, "direct-tcpip refused: bad destination");
		snprintf(ch->fail_text, sizeof(ch->fail_text), "bad destination");
		return SSH_OPEN_CONNECT_FAILED;
	}
	if (r)
		return r;
	if (c->srv->opts->no_local_fwd || rs->no_port_fwd) {
		log_msg(LOG_INFO, "direct-tcpip to %s:%u refused: %s", o.host, (unsigned)o.port,
		        rs->no_port_fwd ? "no-port-forwarding" : "local forwarding disabled (-j)");
		snprintf(ch->fail_text, sizeof(ch->fail_text), "port forwarding disabled");
		return SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
	if (!fwd_permit_open(rs->permitopen, rs->npermitopen, o.host, o.port)) {
		log_msg(LOG_INFO, "direct-tcpip to %s:%u refused: not in permitopen", o.host,
		        (unsigned)o.port);
		snprintf(ch->fail_text, sizeof(ch->fail_text), "not permitted by permitopen");
		return SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
	dbg(1, "direct-tcpip to %s:%u from %s:%u", o.host, (unsigned)o.port, o.orig,
	    (unsigned)o.orig_port);
	return fwd_connect_tcp(c, ch, o.host, o.port);
}

const struct chan_type svr_chan_direct_tcpip = {
        .name = "direct-tcpip",
        .open = direct_open,
        .cleanup = fwd_chan_cleanup,
};
#else
/* Not built in: refused as -j refuses it (a client reports "administratively
 * prohibited" and goes on), not as an unknown channel type. */
static int direct_open(struct conn *c, struct channel *ch, struct buf *extra)
{
	(void)c;
	(void)extra;
	log_msg(LOG_INFO, "direct-tcpip refused: local forwarding not built in");
	snprintf(ch->fail_text, sizeof(ch->fail_text), "port forwarding disabled");
	return SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
}

const struct chan_type svr_chan_direct_tcpip = {
        .name = "direct-tcpip",
        .open = direct_open,
};
#endif /* DB_SVR_LOCALTCPFWD */

#if DB_SVR_REMOTETCPFWD

static const struct chan_type chan_forwarded_tcpip = {
        .name = "forwarded-tcpip",
        .confirmed = fwd_chan_confirmed,
        .open_failed = fwd_chan_open_failed,
        .cleanup = fwd_chan_cleanup,
};

/* How the listener binds for a requested address (RFC 4254 7.1: "" all addresses,
 * "0.0.0.0" all IPv4, "::" all IPv6, "localhost" loopback of every family). */
static enum fwd_bind bind_mode(const struct svr_opts *o, const char *addr)
{
	if (!o->fwd_any_host || strcmp(addr, "localhost") == 0)
		return FWD_BIND_LOOPBACK;
	if (addr[0] == '\0' || strcmp(addr, "*") == 0)
		return FWD_BIND_ANY;
	return FWD_BIND_HOST;
}

static int find_rfwd(const char *addr, uint32_t port)
{
	int i;

	for (i = 0; i < DB_MAX_SVR_LISTENERS; i++)
		if (rfwd[i] && strcmp(rfwd[i]->req_host, addr) == 0 &&
		    (rfwd[i]->req_port == port || rfwd[i]->port == port))
			return i;
	return -1;
}

static int tcpip_forward(struct chan_table *t, struct buf *b, struct buf *reply)
{
	struct conn *c = t->c;
	const struct svr_restrict *rs = &c->srv->restrict_;
	char addr[DB_MAX_FWD_HOST];
	struct fwd_listener *l;
	uint32_t port, bound = 0;
	int r, slot;

	r = fwd_parse_tcpip_forward(b, addr, sizeof(addr), &port);
	if (r == ERR_INVALID) {
		log_msg(LOG_INFO, "tcpip-forward refused: bad address or port");
		return 0;
	}
	if (r)
		return r;
	if (c->srv->opts->no_remote_fwd || rs->no_port_fwd) {
		log_msg(LOG_INFO, "tcpip-forward %s:%u refused: %s", addr, (unsigned)port,
		        rs->no_port_fwd ? "no-port-forwarding" : "remote forwarding disabled (-k)");
		return 0;
	}
	if (!fwd_permit_listen(rs->permitlisten, rs->npermitlisten, addr, port)) {
		log_msg(LOG_INFO, "tcpip-forward %s:%u refused: not in permitlisten", addr,
		        (unsigned)port);
		return 0;
	}
	if (port != 0 && port < 1024 && getuid() != 0) {
		log_msg(LOG_INFO, "tcpip-forward %s:%u refused: privileged port", addr,
		        (unsigned)port);
		return 0;
	}
	if (port != 0 && find_rfwd(addr, port) >= 0) {
		log_msg(LOG_INFO, "tcpip-forward %s:%u refused: already forwarded", addr,
		        (unsigned)port);
		return 0;
	}
	for (slot = 0; slot < DB_MAX_SVR_LISTENERS && rfwd[slot]; slot++)
		;
	if (slot == DB_MAX_SVR_LISTENERS) {
		log_msg(LOG_INFO, "tcpip-forward %s:%u refused: too many forwardings", addr,
		        (unsigned)port);
		return 0;
	}
	if (!(l = malloc(sizeof(*l))))
		return 0;
	fwd_listener_init(l);
	r = fwd_listen_tcp(l, bind_mode(c->srv->opts, addr), addr, port, &bound);
	if (r) {
		log_msg(LOG_INFO, "tcpip-forward %s:%u failed: %s", addr, (unsigned)port,
		        r == ERR_IO ? strerror(errno) : err_str(r));
		fwd_listener_close(l);
		free(l);
		return 0;
	}
	/* forwarded-tcpip names the address as the client asked for it and the port in
	 * use, which is how the client finds its forwarding (RFC 4254 7.1) */
	strcpy(l->host, addr);
	l->port = bound;
	strcpy(l->req_host, addr);
	l->req_port = port;
	if ((r = fwd_listener_start(l, t, &chan_forwarded_tcpip, 1)) != 0) {
		fwd_listener_close(l);
		free(l);
		return 0;
	}
	/* RFC 4254 7.1: the port is in the reply only when the client asked for port 0 */
	if (port == 0 && (r = buf_put_u32(reply, bound)) != 0) {
		fwd_listener_close(l);
		free(l);
		return r;
	}
	rfwd[slot] = l;
	log_msg(LOG_INFO, "remote forwarding: listening on %s port %u for %s",
	        bind_mode(c->srv->opts, addr) == FWD_BIND_LOOPBACK ? "loopback"
	        : addr[0]                                          ? addr
	                                                           : "all addresses",
	        (unsigned)bound, c->srv->user.name);
	return 1;
}

static int cancel_forward(struct buf *b)
{
	char addr[DB_MAX_FWD_HOST];
	uint32_t port;
	int r, i;

	r = fwd_parse_tcpip_forward(b, addr, sizeof(addr), &port);
	if (r == ERR_INVALID)
		return 0;
	if (r)
		return r;
	if ((i = find_rfwd(addr, port)) < 0)
		return 0;
	fwd_listener_close(rfwd[i]);
	free(rfwd[i]);
	rfwd[i] = NULL;
	dbg(1, "cancelled remote forwarding %s:%u", addr, (unsigned)port);
	return 1;
}
#endif /* DB_SVR_REMOTETCPFWD */

int svr_fwd_global_request(struct chan_table *t, const char *name, int want_reply, struct buf *b,
                           struct buf *reply)
{
	(void)want_reply;
#if DB_STREAMLOCAL
	{
		int r = svr_streamlocal_request(t, name, b);
		if (r != -1000)
			return r;
	}
#endif
#if DB_SVR_REMOTETCPFWD
	if (strcmp(name, "tcpip-forward") == 0)
		return tcpip_forward(t, b, reply);
	if (strcmp(name, "cancel-tcpip-forward") == 0)
		return cancel_forward(b);
#else
	(void)t;
	(void)reply;
	if (strcmp(name, "tcpip-forward") == 0)
		log_msg(LOG_INFO, "tcpip-forward refused: remote forwarding not built in");
#endif
	/* keepalive@openssh.com, no-more-sessions@openssh.com and the rest: RFC 4254 4
	 * says to fail what we do not know; OpenSSH's keepalive only wants an answer. */
	dbg(2, "global request '%s' refused", name);
	(void)buf_skip(b, buf_avail(b));
	return 0;
}
