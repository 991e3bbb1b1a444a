/* cli-tcpfwd.c: the client's TCP forwarding (RFC 4254 section 7).
 *
 * -L [bind:]port:host:hostport: we listen (on loopback unless -g or a bind address says
 * otherwise, as OpenSSH's client does) and open a direct-tcpip channel per connection.
 * -R [bind:]port:host:hostport: we ask the server to listen (tcpip-forward, address
 * "localhost" unless -g or a bind address is given); each forwarded-tcpip channel it
 * opens for that port is connected to host:hostport from here. Only the destinations
 * the user named can be reached this way: a forwarded-tcpip for any other port is
 * refused. ExitOnForwardFailure makes a failed listener or a refused tcpip-forward end
 * dbclient with status 255.
 *
 * Unix sockets (OpenSSH's PROTOCOL 2.4, DB_STREAMLOCAL): either side of -L / -R may be a
 * path. -L PORT:/path opens direct-streamlocal@openssh.com channels; -L /path:host:port
 * listens on a socket here (mode 0600, removed when dbclient ends, also on SIGTERM);
 * -R /path:host:port sends streamlocal-forward@openssh.com, and the server's
 * forwarded-streamlocal@openssh.com channels for that path are connected here; -R
 * PORT:/path connects forwarded-tcpip channels to a socket here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

#ifdef DB_FUZZ
/* Only -R: the fuzz target gives no -L (lfwd stays empty). */
void cli_tcpfwd_fuzz_reset(void)
{
	memset(rfwd, 0, sizeof(rfwd));
	rfwd_sent = rfwd_answered = 0;
}
#endif

static const struct chan_type chan_direct_tcpip = {
        .name = "direct-tcpip",
        .confirmed = fwd_chan_confirmed,
        .open_failed = fwd_chan_open_failed,
        .cleanup = fwd_chan_cleanup,
};

#if DB_STREAMLOCAL
static const struct chan_type chan_direct_streamlocal = {
        .name = "direct-streamlocal@openssh.com",
        .confirmed = fwd_chan_confirmed,
        .open_failed = fwd_chan_open_failed,
        .cleanup = fwd_chan_cleanup,
};
#endif

/* The listening side of a spec, for messages. */
static const char *listen_str(const struct fwdspec *f, char *buf, size_t n)
{
	if (f->listen_unix)
		snprintf(buf, n, "%s", f->listen_host);
	else
		snprintf(buf, n, "port %u", (unsigned)f->listen_port);
	return buf;
}

/* The connecting side of a spec, for messages. */
static const char *connect_str(const struct fwdspec *f, char *buf, size_t n)
{
	if (f->connect_unix)
		snprintf(buf, n, "%s", f->connect_host);
	else
		snprintf(buf, n, "%s:%u", f->connect_host, (unsigned)f->connect_port);
	return buf;
}

/* Our -L unix sockets go when dbclient ends (the process that made them only: -f's
 * parent must not remove its child's). */
static pid_t unix_owner;

void cli_fwd_signal_cleanup(void)
{
	int i;

	if (unix_owner != getpid())
		return;
	for (i = 0; i < DB_MAX_CLI_FWDS; i++)
		if (lfwd[i] && lfwd[i]->unix_path[0])
			(void)unlink(lfwd[i]->unix_path);
}

static void local_atexit(void)
{
	int i;

	if (unix_owner != getpid())
		return;
	for (i = 0; i < DB_MAX_CLI_FWDS; i++)
		if (lfwd[i] && lfwd[i]->unix_path[0])
			fwd_listener_close(lfwd[i]);
}

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
	bound = f->listen_port;
	if (f->listen_unix && !DB_STREAMLOCAL) {
		r = ERR_UNSUPPORTED;
	} else if (f->listen_unix) {
		/* the user's only, as OpenSSH's StreamLocalBindMask 0177 */
		mode_t old = umask(0177);
		r = fwd_listen_unix(l, f->listen_host);
		umask(old);
		if (r == 0 && unix_owner != getpid()) {
			unix_owner = getpid();
			(void)atexit(local_atexit);
		}
	} else {
		r = fwd_listen_tcp(l, local_bind(o, f->listen_host), f->listen_host,
		                   f->listen_port, &bound);
	}
	if (r == 0 && dynamic) {
		r = cli_socks_start(c, l);
	} else if (r == 0 && f->connect_unix) {
#if DB_STREAMLOCAL
		snprintf(l->host, sizeof(l->host), "%s", f->connect_host);
		r = fwd_listener_start(l, &c->cli->chans, &chan_direct_streamlocal,
		                       FWD_DATA_DIRECT_STREAMLOCAL);
#else
		r = ERR_UNSUPPORTED;
#endif
	} else if (r == 0) {
		snprintf(l->host, sizeof(l->host), "%s", f->connect_host);
		l->port = f->connect_port;
		r = fwd_listener_start(l, &c->cli->chans, &chan_direct_tcpip, 1);
	}
	if (r) {
		char ls[DB_MAX_FWD_HOST + 16], cs[DB_MAX_FWD_HOST + 16];
		int e = errno;
		if (r == ERR_IO && f->listen_unix && e == EADDRINUSE)
			l->unix_path[0] = '\0'; /* someone else's file: not ours to remove */
		dprintf(STDERR_FILENO, "dbclient: cannot listen on %s for -%c %s: %s\n",
		        listen_str(f, ls, sizeof(ls)), dynamic ? 'D' : 'L',
		        dynamic ? "" : connect_str(f, cs, sizeof(cs)),
		        r == ERR_IO ? strerror(e) : err_str(r));
	}
	if (r) {
		fwd_listener_close(l);
		free(l);
		return r;
	}
	if (dynamic)
		dbg(1, "-D: SOCKS on port %u", (unsigned)bound);
	else
		dbg(1, "-L: %s forwarded to %s", f->listen_unix ? f->listen_host : "a port",
		    f->connect_unix ? f->connect_host : f->connect_host);
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
	if (f->listen_unix) {
		/* OpenSSH's PROTOCOL 2.4: string socket path */
		if (!DB_STREAMLOCAL)
			r = ERR_UNSUPPORTED;
		else if ((r = buf_put_cstr(&data, f->listen_host)) == 0)
			r = chan_global_request(&c->cli->chans, "streamlocal-forward@openssh.com", 1,
			                        &data);
		buf_free(&data);
		return r;
	}
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
	if (success && f->listen_unix) {
		rfwd[i].state = 1;
		dbg(1, "-R: server socket %s forwarded", f->listen_host);
	} else if (success) {
		uint32_t port = f->listen_port;
		/* RFC 4254 7.1: the port the server chose, for a request of port 0 */
		if (port == 0 && (buf_get_u32(b, &port) != 0 || port == 0 || port > 65535)) {
			cli_set_exit_status(255);
			conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR,
			           "tcpip-forward reply without a port");
		}
		if (f->listen_port == 0)
			dprintf(STDERR_FILENO, "Allocated port %u for remote forward to %s:%u\n",
			        (unsigned)port, f->connect_host, (unsigned)f->connect_port);
		rfwd[i].state = 1;
		rfwd[i].bound = port;
		dbg(1, "-R: server port %u forwarded to %s:%u", (unsigned)port, f->connect_host,
		    (unsigned)f->connect_port);
	} else {
		rfwd[i].state = -1;
		if (o->exit_on_fwd_failure) {
			cli_set_exit_status(255);
			if (f->listen_unix)
				conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION,
				           "remote forwarding failed for listen path %s",
				           f->listen_host);
			conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION,
			           "remote port forwarding failed for listen port %u",
			           (unsigned)f->listen_port);
		}
		if (f->listen_unix)
			dprintf(STDERR_FILENO, "Warning: remote forwarding failed for listen path %s\n",
			        f->listen_host);
		else
			dprintf(STDERR_FILENO, "Warning: remote port forwarding failed for listen port %u\n",
			        (unsigned)f->listen_port);
	}
	(void)buf_skip(b, buf_avail(b));
}

/* Connects a channel the server opened for one of our -R forwardings. */
static int connect_to(struct conn *c, struct channel *ch, const struct fwdspec *f)
{
	if (f->connect_unix) {
		int r = DB_STREAMLOCAL ? fwd_connect_unix(c, ch, f->connect_host)
		                       : SSH_OPEN_CONNECT_FAILED;
		if (r == SSH_OPEN_CONNECT_FAILED)
			log_msg(LOG_WARNING, "-R: cannot connect to %s: %s", f->connect_host,
			        strerror(errno));
		return r;
	}
	return fwd_connect_tcp(c, ch, f->connect_host, f->connect_port);
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
		if (rfwd[i].state == 1 && !o->remote_fwd[i].listen_unix &&
		    rfwd[i].bound == t.port) {
			dbg(1, "forwarded-tcpip from %s:%u", t.orig, (unsigned)t.orig_port);
			return connect_to(c, ch, &o->remote_fwd[i]);
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

#if DB_STREAMLOCAL
/* The server opened a channel for a connection to one of our -R socket paths. */
static int forwarded_sl_open(struct conn *c, struct channel *ch, struct buf *extra)
{
	const struct cli_opts *o = c->cli->opts;
	char path[FWD_MAX_SOCK_PATH];
	int r, i;

	r = fwd_parse_streamlocal(extra, FWD_SL_FORWARDED, path, sizeof(path));
	if (r == ERR_INVALID)
		return SSH_OPEN_CONNECT_FAILED;
	if (r)
		return r;
	for (i = 0; i < rfwd_answered; i++)
		if (rfwd[i].state == 1 && o->remote_fwd[i].listen_unix &&
		    strcmp(o->remote_fwd[i].listen_host, path) == 0) {
			dbg(1, "forwarded-streamlocal for %s", path);
			return connect_to(c, ch, &o->remote_fwd[i]);
		}
	log_msg(LOG_WARNING, "server opened forwarded-streamlocal for %s, which we did not forward",
	        path);
	snprintf(ch->fail_text, sizeof(ch->fail_text), "no such forwarding");
	return SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
}

const struct chan_type cli_chan_forwarded_streamlocal = {
        .name = "forwarded-streamlocal@openssh.com",
        .open = forwarded_sl_open,
        .cleanup = fwd_chan_cleanup,
};
#endif
