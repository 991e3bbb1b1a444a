/* cli-socks.c: dbclient -D [bind:]port and DynamicForward, a SOCKS server on a local
 * port (SOCKS4, SOCKS4a, SOCKS5 without authentication: common/socks.c parses) whose
 * every CONNECT becomes a direct-tcpip channel (RFC 4254 7.2) to the host and port the
 * SOCKS client named: the server makes the connection, names included.
 *
 * cli-tcpfwd.c binds the listener like -L's and hands it here. Each accepted connection
 * negotiates first, with a bounded buffer (SOCKS_MAX_MSG), a deadline
 * (DB_CLI_SOCKS_TIMEOUT_MS) and at most DB_CLI_SOCKS_PENDING at once (more wait in the
 * listen backlog). A SOCKS client is as untrusted as the network: a malformed or
 * unsupported request gets the refusal its version has, one line on stderr, and that
 * connection alone is closed. When the channel is confirmed we answer success and the
 * socket belongs to the channel table like any forwarded connection. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli-fwd.h"
#include "client.h"
#include "err.h"
#include "fwdnet.h"
#include "log.h"
#include "socks.h"

#if DB_CLI_SOCKS

struct socks_conn {
	struct conn *c;
	int fd;      /* ours until the channel takes it; -1 after */
	int watched; /* negotiating: fd in the loop, timer armed, counted in npending */
	struct loop_timer timer;
	struct socks_req req;
	uint8_t in[SOCKS_MAX_MSG];
	size_t n;
	char peer[64];
	uint32_t peer_port;
};

static struct fwd_listener *dyn[DB_MAX_CLI_FWDS];
static unsigned npending;

static void set_hold(void)
{
	int i;

	for (i = 0; i < DB_MAX_CLI_FWDS; i++)
		if (dyn[i])
			dyn[i]->hold = npending >= DB_CLI_SOCKS_PENDING;
}

/* The negotiation is over (whichever way): stop watching and counting it. */
static void sc_unwatch(struct socks_conn *sc)
{
	if (!sc->watched)
		return;
	sc->watched = 0;
	loop_del_fd(sc->c->loop, sc->fd);
	loop_timer_cancel(sc->c->loop, &sc->timer);
	npending--;
	set_hold();
}

static void sc_free(struct socks_conn *sc)
{
	sc_unwatch(sc);
	if (sc->fd >= 0)
		close(sc->fd);
	free(sc);
}

/* A small answer on a socket that has sent us only its request: its send buffer is
 * empty, so all of it goes or the client is gone. */
static int sc_send(struct socks_conn *sc, enum socks_answer a)
{
	uint8_t out[SOCKS_MAX_REPLY];
	size_t len = socks_reply(&sc->req, a, out);

	if (len == 0)
		return 0;
	return send(sc->fd, out, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

static void sc_refuse(struct socks_conn *sc, const char *why)
{
	(void)sc_send(sc, SOCKS_R_FAIL);
	log_msg(LOG_WARNING, "SOCKS connection from %s port %u closed: %s", sc->peer,
	        (unsigned)sc->peer_port, why);
	sc_free(sc);
}

/* ---- the channel */

static int socks_confirmed(struct conn *c, struct channel *ch, struct buf *b)
{
	struct socks_conn *sc = ch->priv;
	int fd;

	(void)c;
	(void)b;
	if (!sc || sc->fd < 0)
		return ERR_INVALID;
	/* if the answer cannot go, the client is gone: the channel sees the error and ends */
	(void)sc_send(sc, SOCKS_R_OK);
	fd = sc->fd;
	sc->fd = -1;
	return chan_set_fds(ch, fd, fd, -1, CHAN_ERR_NONE);
}

static void socks_open_failed(struct conn *c, struct channel *ch, uint32_t reason,
                              const char *desc)
{
	struct socks_conn *sc = ch->priv;

	(void)c;
	if (!sc)
		return;
	/* RFC 1928 6: X'02' connection not allowed by ruleset, X'05' connection refused */
	sc->req.reply = reason == SSH_OPEN_ADMINISTRATIVELY_PROHIBITED ? 2 : SOCKS5_REFUSED;
	(void)sc_send(sc, SOCKS_R_FAIL);
	log_msg(LOG_WARNING, "SOCKS: channel to %s port %u refused: %s", sc->req.host,
	        (unsigned)sc->req.port, desc);
}

static void socks_cleanup(struct conn *c, struct channel *ch)
{
	(void)c;
	if (ch->priv)
		sc_free(ch->priv);
	ch->priv = NULL;
}

static const struct chan_type chan_socks = {
        .name = "direct-tcpip",
        .confirmed = socks_confirmed,
        .open_failed = socks_open_failed,
        .cleanup = socks_cleanup,
};

/* ---- negotiating */

static void sc_connect(struct socks_conn *sc)
{
	struct channel *ch;
	struct buf extra;
	int r;

	sc_unwatch(sc);
	if ((r = buf_init(&extra, 64, DB_MAX_PAYLOAD)) != 0) {
		sc_refuse(sc, err_str(r));
		return;
	}
	/* RFC 4254 7.2: host and port to connect to, then the originator */
	r = buf_put_cstr(&extra, sc->req.host);
	r = r ? r : buf_put_u32(&extra, sc->req.port);
	r = r ? r : buf_put_cstr(&extra, sc->peer);
	r = r ? r : buf_put_u32(&extra, sc->peer_port);
	r = r ? r : chan_open_outgoing(&sc->c->cli->chans, &chan_socks, &extra, sc, &ch);
	buf_free(&extra);
	if (r) {
		sc->req.reply = SOCKS5_FAILURE;
		sc_refuse(sc, r == ERR_TOOBIG ? "too many channels" : err_str(r));
		return;
	}
	dbg(1, "SOCKS%d from %s port %u: direct-tcpip to %s port %u", sc->req.version, sc->peer,
	    (unsigned)sc->peer_port, sc->req.host, (unsigned)sc->req.port);
}

static void sc_readable(void *arg, int fd, short revents)
{
	struct socks_conn *sc = arg;
	size_t used;
	ssize_t got;
	int res;

	(void)revents;
	got = read(fd, sc->in + sc->n, sizeof(sc->in) - sc->n);
	if (got < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (got <= 0) {
		dbg(1, "SOCKS connection from %s port %u closed before its request", sc->peer,
		    (unsigned)sc->peer_port);
		sc_free(sc);
		return;
	}
	sc->n += (size_t)got;
	for (;;) {
		res = socks_parse(&sc->req, sc->in, sc->n, &used);
		if (res == SOCKS_METHOD) {
			if (sc_send(sc, SOCKS_R_METHOD) != 0) {
				sc_free(sc);
				return;
			}
			memmove(sc->in, sc->in + used, sc->n - used);
			sc->n -= used;
			continue;
		}
		break;
	}
	if (res == SOCKS_MORE) {
		if (sc->n == sizeof(sc->in))
			sc_refuse(sc, "request too long");
		return;
	}
	if (res < 0) {
		char why[64];
		snprintf(why, sizeof(why), "bad SOCKS request (%s)", err_str(res));
		sc_refuse(sc, why);
		return;
	}
	if (used != sc->n) {
		/* data the client sent before our answer would have to reach the channel
		 * first; well-behaved clients wait (RFC 1928 6) */
		sc->req.reply = SOCKS5_FAILURE;
		sc_refuse(sc, "data sent before the SOCKS reply");
		return;
	}
	sc_connect(sc);
}

static void sc_timeout(void *arg)
{
	struct socks_conn *sc = arg;

	sc_refuse(sc, "no complete SOCKS request in time");
}

static void socks_accept(struct fwd_listener *l, int fd, const struct sockaddr *sa,
                         socklen_t len)
{
	struct conn *c = l->t->c;
	struct socks_conn *sc = calloc(1, sizeof(*sc));

	if (!sc) {
		close(fd);
		return;
	}
	sc->c = c;
	sc->fd = fd;
	socks_init(&sc->req);
	if (sa->sa_family == AF_UNIX)
		snprintf(sc->peer, sizeof(sc->peer), "127.0.0.1");
	else
		fwd_sockaddr_str(sa, len, sc->peer, sizeof(sc->peer), &sc->peer_port);
	if (loop_add_fd(c->loop, fd, NULL, sc_readable, sc) != 0) {
		sc_free(sc);
		return;
	}
	sc->watched = 1;
	npending++;
	set_hold();
	loop_timer_set(c->loop, &sc->timer, DB_CLI_SOCKS_TIMEOUT_MS, sc_timeout, sc);
}

int cli_socks_start(struct conn *c, struct fwd_listener *l)
{
	int i, r;

	for (i = 0; i < DB_MAX_CLI_FWDS && dyn[i]; i++)
		;
	if (i == DB_MAX_CLI_FWDS)
		return ERR_TOOBIG;
	l->on_accept = socks_accept;
	if ((r = fwd_listener_start(l, &c->cli->chans, &chan_socks, 0)) == 0)
		dyn[i] = l;
	return r;
}

#endif /* DB_CLI_SOCKS */
