/* cli-tcpfwd.c: the client's TCP forwarding (RFC 4254 section 7).
 *
 * -L [bind:]port:host:hostport: we listen (on loopback unless -g or a bind address says
 * otherwise, as OpenSSH's client does) and open a direct-tcpip channel per connection.
 * -R [bind:]port:host:hostport: we ask the server to listen (tcpip-forward, address
 * "localhost" unless -g or a bind address is given); each forwarded-tcpip channel it
 * opens for that port is connected to host:hostport from here. Only the destinations
 * the user named can be reached this way: a forwarded-tcpip for any other port is
 * refused. ExitOnForwardFailure makes a failed listener or a refused tcpip-forward end
 * dbclient with status 255. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-fwd.h"
#include "client.h"
#include "err.h"
#include "fwdnet.h"
#include "log.h"

static struct fwd_listener *lfwd[DB_MAX_CLI_FWDS];

/* -R state, by index into cli_opts.remote_fwd; replies arrive in the order we asked
 * (RFC 4254 4). */
static struct {
	int state;      /* 0 waiting, 1 listening, -1 refused */
	uint32_t bound; /* the port the server listens on */
} rfwd[DB_MAX_CLI_FWDS];
static int rfwd_sent, rfwd_answered;

static const struct chan_type chan_direct_tcpip = {
        .name = "direct-tcpip",
        .confirmed = fwd_chan_confirmed,
        .open_failed = fwd_chan_open_failed,
        .cleanup = fwd_chan_cleanup,
};

static enum fwd_bind local_bind(const struct cli_opts *o, const char *h)
{
	if (h[0] == '\0')
		return o->gateway_ports ? FWD_BIND_ANY : FWD_BIND_LOOPBACK;
	if (strcmp(h, "*") == 0)
		return FWD_BIND_ANY;
	if (strcmp(h, "localhost") == 0)
		return FWD_BIND_LOOPBACK;
	return FWD_BIND_HOST;
}

/* -L, or -D when dynamic (f->connect_host unused). */
static int start_local(struct conn *c, const struct fwdspec *f, int dynamic)
{
	const struct cli_opts *o = c->cli->opts;
	struct fwd_listener *l;
	uint32_t bound;
	int r, i;

	for (i = 0; i < DB_MAX_CLI_FWDS && lfwd[i]; i++)
		;
	if (i == DB_MAX_CLI_FWDS || !(l = malloc(sizeof(*l))))
		return ERR_NOMEM;
	fwd_listener_init(l);
	r = fwd_listen_tcp(l, local_bind(o, f->listen_host), f->listen_host, f->listen_port,
	                   &bound);
	if (r == 0 && dynamic) {
		r = cli_socks_start(c, l);
	} else if (r == 0) {
		snprintf(l->host, sizeof(l->host), "%s", f->connect_host);
		l->port = f->connect_port;
		r = fwd_listener_start(l, &c->cli->chans, &chan_direct_tcpip, 1);
	}
	if (r && dynamic) {
		fprintf(stderr, "dbclient: cannot listen on port %u for -D: %s\n",
		        (unsigned)f->listen_port, r == ERR_IO ? strerror(errno) : err_str(r));
	} else if (r) {
		fprintf(stderr, "dbclient: cannot listen on port %u for -L %s:%u: %s\n",
		        (unsigned)f->listen_port, f->connect_host, (unsigned)f->connect_port,
		        r == ERR_IO ? strerror(errno) : err_str(r));
	}
	if (r) {
		fwd_listener_close(l);
		free(l);
		return r;
	}
	if (dynamic)
		dbg(1, "-D: SOCKS on port %u", (unsigned)bound);
	else
		dbg(1, "-L: port %u forwarded to %s:%u", (unsigned)bound, f->connect_host,
		    (unsigned)f->connect_port);
	lfwd[i] = l;
	return 0;
}

static int request_remote(struct conn *c, const struct fwdspec *f)
{
	const struct cli_opts *o = c->cli->opts;
	const char *addr;
	struct buf data;
	int r;

	/* what the server should bind (OpenSSH's channel_rfwd_bind_host) */
	if (f->listen_host[0] == '\0')
		addr = o->gateway_ports ? "" : "localhost";
	else if (strcmp(f->listen_host, "*") == 0)
		addr = "";
	else
		addr = f->listen_host;
	if ((r = buf_init(&data, 64, DB_MAX_PAYLOAD)))
		return r;
	if ((r = buf_put_cstr(&data, addr)) == 0 && (r = buf_put_u32(&data, f->listen_port)) == 0)
		r = chan_global_request(&c->cli->chans, "tcpip-forward", 1, &data);
	buf_free(&data);
	return r;
}

int cli_fwd_start(struct conn *c)
{
	const struct cli_opts *o = c->cli->opts;
	int i, r;

	for (i = 0; i < o->nlocal_fwd; i++)
		if ((r = start_local(c, &o->local_fwd[i], 0)) != 0 && o->exit_on_fwd_failure)
			return r;
#if DB_CLI_SOCKS
	for (i = 0; i < o->ndyn_fwd; i++)
		if ((r = start_local(c, &o->dyn_fwd[i], 1)) != 0 && o->exit_on_fwd_failure)
			return r;
#endif
	for (i = 0; i < o->nremote_fwd; i++) {
		if ((r = request_remote(c, &o->remote_fwd[i])) != 0)
			return r;
		rfwd_sent++;
	}
	return 0;
}

void cli_fwd_global_reply(struct chan_table *t, int success, struct buf *b)
{
	struct conn *c = t->c;
	const struct cli_opts *o = c->cli->opts;
	const struct fwdspec *f;
	int i;

	if (rfwd_answered >= rfwd_sent) {
		(void)buf_skip(b, buf_avail(b));
		return;
	}
	i = rfwd_answered++;
	f = &o->remote_fwd[i];
	if (success) {
		uint32_t port = f->listen_port;
		/* RFC 4254 7.1: the port the server chose, for a request of port 0 */
		if (port == 0 && (buf_get_u32(b, &port) != 0 || port == 0 || port > 65535)) {
			cli_set_exit_status(255);
			conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR,
			           "tcpip-forward reply without a port");
		}
		if (f->listen_port == 0)
			fprintf(stderr, "Allocated port %u for remote forward to %s:%u\n",
			        (unsigned)port, f->connect_host, (unsigned)f->connect_port);
		rfwd[i].state = 1;
		rfwd[i].bound = port;
		dbg(1, "-R: server port %u forwarded to %s:%u", (unsigned)port, f->connect_host,
		    (unsigned)f->connect_port);
	} else {
		rfwd[i].state = -1;
		if (o->exit_on_fwd_failure) {
			cli_set_exit_status(255);
			conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION,
			           "remote port forwarding failed for listen port %u",
			           (unsigned)f->listen_port);
		}
		fprintf(stderr, "Warning: remote port forwarding failed for listen port %u\n",
		        (unsigned)f->listen_port);
	}
	(void)buf_skip(b, buf_avail(b));
}

/* The server opened a channel for a connection to one of our -R ports. */
static int forwarded_open(struct conn *c, struct channel *ch, struct buf *extra)
{
	const struct cli_opts *o = c->cli->opts;
	struct fwd_tcpip_open t;
	int r, i;

	r = fwd_parse_tcpip_open(extra, 1, &t);
	if (r == ERR_INVALID)
		return SSH_OPEN_CONNECT_FAILED;
	if (r)
		return r;
	for (i = 0; i < rfwd_answered; i++)
		if (rfwd[i].state == 1 && rfwd[i].bound == t.port) {
			const struct fwdspec *f = &o->remote_fwd[i];
			dbg(1, "forwarded-tcpip from %s:%u to %s:%u", t.orig, (unsigned)t.orig_port,
			    f->connect_host, (unsigned)f->connect_port);
			return fwd_connect_tcp(c, ch, f->connect_host, f->connect_port);
		}
	log_msg(LOG_WARNING, "server opened forwarded-tcpip for port %u, which we did not forward",
	        (unsigned)t.port);
	snprintf(ch->fail_text, sizeof(ch->fail_text), "no such forwarding");
	return SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
}

const struct chan_type cli_chan_forwarded_tcpip = {
        .name = "forwarded-tcpip",
        .open = forwarded_open,
        .cleanup = fwd_chan_cleanup,
};
