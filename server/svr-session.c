/* svr-session.c: the connection phase after authentication (RFC 4254): the dispatch
 * table that hands channel and global messages to the channel layer, the session timers
 * (-K keepalive, -I idle timeout, -M maximum session time) and the reaping of children
 * (SIGCHLD through a self-pipe into the loop). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "svr-session.h"

/* One connection per process (svr_conn_run): the SIGCHLD handler needs a place to write
 * that does not go through c. */
static int sigchld_wfd = -1;

struct svr_sess *svr_sess_of(struct conn *c)
{
	return c->srv->sess;
}

struct chan_table *svr_chans(struct conn *c)
{
	return c->srv->sess ? &c->srv->sess->tab : NULL;
}

static int on_chan_msg(struct conn *c, uint8_t msg, struct buf *b)
{
	return chan_dispatch(&c->srv->sess->tab, msg, b);
}

/* RFC 4252 5.1: userauth requests after success are ignored. */
static int on_late_userauth(struct conn *c, uint8_t msg, struct buf *b)
{
	(void)c;
	(void)msg;
	(void)b;
	return 0;
}

static const struct dispatch conn_table[] = {
        {SSH_MSG_USERAUTH_REQUEST, on_late_userauth},
        {SSH_MSG_GLOBAL_REQUEST, on_chan_msg},
        {SSH_MSG_REQUEST_SUCCESS, on_chan_msg},
        {SSH_MSG_REQUEST_FAILURE, on_chan_msg},
        {SSH_MSG_CHANNEL_OPEN, on_chan_msg},
        {SSH_MSG_CHANNEL_OPEN_CONFIRMATION, on_chan_msg},
        {SSH_MSG_CHANNEL_OPEN_FAILURE, on_chan_msg},
        {SSH_MSG_CHANNEL_WINDOW_ADJUST, on_chan_msg},
        {SSH_MSG_CHANNEL_DATA, on_chan_msg},
        {SSH_MSG_CHANNEL_EXTENDED_DATA, on_chan_msg},
        {SSH_MSG_CHANNEL_EOF, on_chan_msg},
        {SSH_MSG_CHANNEL_CLOSE, on_chan_msg},
        {SSH_MSG_CHANNEL_REQUEST, on_chan_msg},
        {SSH_MSG_CHANNEL_SUCCESS, on_chan_msg},
        {SSH_MSG_CHANNEL_FAILURE, on_chan_msg},
        {0, NULL},
};

/* ---- timers */

/* -K: keepalive@openssh.com with want_reply (OpenSSH's ClientAlive); any answer, even
 * REQUEST_FAILURE, shows the client is there. Too many unanswered ends the connection. */
static void keepalive_fire(void *arg)
{
	struct conn *c = arg;
	struct svr_sess *s = c->srv->sess;
	int r;

	if (s->keepalive_missed >= DB_KEEPALIVE_LIMIT)
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "Keepalive timeout");
	if ((r = chan_global_request(&s->tab, "keepalive@openssh.com", 1, NULL)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot send: %s", err_str(r));
	s->keepalive_missed++;
	loop_timer_set(c->loop, &s->keepalive_timer, c->srv->opts->keepalive * 1000ull,
	               keepalive_fire, c);
}

static void global_reply(struct chan_table *t, int success, struct buf *b)
{
	struct conn *c = t->c;

	(void)success;
	(void)buf_skip(b, buf_avail(b));
	c->srv->sess->keepalive_missed = 0;
}

/* -I: no channel data either way for that long. */
static void idle_fire(void *arg)
{
	struct conn *c = arg;
	struct svr_sess *s = c->srv->sess;
	uint64_t limit = c->srv->opts->idle_timeout * 1000ull, now = loop_now_ms();

	if (now - s->tab.last_data_ms >= limit)
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "Idle timeout");
	loop_timer_set(c->loop, &s->idle_timer, limit - (now - s->tab.last_data_ms), idle_fire, c);
}

/* -M: the whole connection's lifetime after authentication. */
static void max_fire(void *arg)
{
	struct conn *c = arg;
	conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "Maximum session time reached");
}

/* ---- children */

static void on_sigchld(int sig)
{
	int saved = errno;
	(void)sig;
	if (sigchld_wfd >= 0)
		(void)!write(sigchld_wfd, "", 1);
	errno = saved;
}

static void sigchld_io(void *arg, int fd, short rev)
{
	struct conn *c = arg;
	char tmp[64];
	pid_t pid;
	int status;

	(void)rev;
	while (read(fd, tmp, sizeof(tmp)) > 0)
		;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == c->srv->signer_pid)
			conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "the signer helper died");
		svr_chansess_reaped(c, pid, status);
	}
}

static int start_sigchld(struct conn *c, struct svr_sess *s)
{
	struct sigaction sa;
	int r;

	if (pipe2(s->sigchld_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return ERR_IO;
	sigchld_wfd = s->sigchld_pipe[1];
	if ((r = loop_add_fd(c->loop, s->sigchld_pipe[0], NULL, sigchld_io, c)))
		return r;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) != 0)
		return ERR_IO;
	return 0;
}

int svr_session_begin(struct conn *c)
{
	const struct svr_opts *o = c->srv->opts;
	struct svr_sess *s;
	int r;

	if (!(s = calloc(1, sizeof(*s))))
		return ERR_NOMEM;
	s->sigchld_pipe[0] = s->sigchld_pipe[1] = -1;
	c->srv->sess = s;
	/* Small messages (WINDOW_ADJUST, keystrokes) must not wait behind Nagle for the
	 * peer's delayed ACK: with a 24 KiB window that costs 40 ms per window. Dropbear
	 * sets it too. Not a socket (inetd on a pipe): nothing to do. */
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
	if ((r = chan_table_init(&s->tab, c, svr_chantypes, o->recv_window)))
		return r;
	s->tab.global_request = svr_global_request;
	s->tab.global_reply = global_reply;
	s->tab.role_arg = s;
	if ((r = start_sigchld(c, s)))
		return r;
	conn_set_phase(c, conn_table);
	if (o->keepalive)
		loop_timer_set(c->loop, &s->keepalive_timer, o->keepalive * 1000ull, keepalive_fire,
		               c);
	if (o->idle_timeout)
		loop_timer_set(c->loop, &s->idle_timer, o->idle_timeout * 1000ull, idle_fire, c);
	if (o->max_session)
		loop_timer_set(c->loop, &s->max_timer, o->max_session * 1000ull, max_fire, c);
	return 0;
}
