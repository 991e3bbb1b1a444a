/* cli-session.c: the connection phase as a client (RFC 4254): the channel table, the
 * session channel (pty-req, exec/shell/subsystem, window-change, exit-status and
 * exit-signal), stdin/stdout/stderr as its fds, and the hand-off to forwarding.
 *
 * With a remote pty and a local terminal, stdin is read here (not by the channel layer)
 * so that escape sequences can be taken out: it goes through a pipe whose other end is
 * the channel's input, staged one read at a time, so backpressure still holds. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "client.h"
#include "err.h"
#include "log.h"
#include "safetext.h"
#include "util.h"

#pragma weak cli_fwd_start
#pragma weak cli_netcat_start
#pragma weak cli_fwd_chan_types
#pragma weak cli_fwd_global_reply

/* Terminal mode opcodes (RFC 4254 8). */
#define TTY_OP_END 0
#define TTY_OP_ISPEED 128
#define TTY_OP_OSPEED 129

struct sess {
	int pty;             /* a pty was requested */
	int pump;            /* stdin goes through the escape filter */
	int in_fd;           /* what the channel reads */
	int pump_w;          /* our end of the pump pipe, -1 when closed */
	int stdin_eof;
	size_t stage_len, stage_pos; /* of sess_stage */
	int winch_pipe[2];
};

/* one read of stdin, +1 for a held-back escape tilde. Not in struct sess: that one has an
 * initializer, which would put these 16 kB of zeroes into the file (.data) */
static uint8_t sess_stage[16385];
static struct sess sess = {.pump_w = -1, .winch_pipe = {-1, -1}};

/* -K / ServerAliveInterval and -I (Dropbear's keepalive and idle timeout) */
static struct loop_timer keepalive_timer, idle_timer;
static unsigned keepalive_unanswered;
static int first_reply_seen; /* the exec/shell/subsystem reply comes first */
static int session_over;

#ifdef DB_FUZZ
void cli_session_fuzz_reset(void)
{
	memset(&sess, 0, sizeof(sess));
	sess.pump_w = -1;
	sess.winch_pipe[0] = sess.winch_pipe[1] = -1;
	memset(&keepalive_timer, 0, sizeof(keepalive_timer));
	memset(&idle_timer, 0, sizeof(idle_timer));
	keepalive_unanswered = 0;
	first_reply_seen = 0;
	session_over = 0;
}
#endif

static void record_signal(const uint8_t *name, size_t nl, const uint8_t *msg, size_t ml)
{
	char sname[32], smsg[256];

	/* a remote signal is status 255 with a message (as OpenSSH's ssh); both strings
	 * are the server's: no escapes for the terminal in them, and cut to size */
	safetext(sname, sizeof(sname), name, nl, 0);
	safetext(smsg, sizeof(smsg), msg, ml, safetext_locale_flags());
	cli_tty_restore();
	log_msg(LOG_ERR, "remote command killed by signal %s%s%s", sname, smsg[0] ? ": " : "",
	        smsg);
	cli_set_exit_status(255);
}

/* ---- the session channel's type */

static int put_window(struct buf *b)
{
	struct winsize ws;
	int r;

	memset(&ws, 0, sizeof(ws));
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) != 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0) {
		ws.ws_col = 80;
		ws.ws_row = 24;
	}
	if ((r = buf_put_u32(b, ws.ws_col)) || (r = buf_put_u32(b, ws.ws_row)) ||
	    (r = buf_put_u32(b, ws.ws_xpixel)) || (r = buf_put_u32(b, ws.ws_ypixel)))
		return r;
	return 0;
}

/* A few terminal modes from the local terminal, so that erase, interrupt and friends
 * behave as the person is used to (RFC 4254 8; opcodes 1..5, 10 are VINTR..VEOF, VSUSP). */
static int put_modes(struct buf *b)
{
	static const struct {
		uint8_t op;
		int idx;
	} cc[] = {{1, VINTR}, {2, VQUIT}, {3, VERASE}, {4, VKILL}, {5, VEOF}, {10, VSUSP}};
	struct termios t;
	struct buf m;
	size_t i;
	int r;

	if ((r = buf_init(&m, 64, 256)))
		return r;
	if (tcgetattr(STDIN_FILENO, &t) == 0) {
		for (i = 0; i < ARRAY_SIZE(cc) && r == 0; i++)
			if ((r = buf_put_u8(&m, cc[i].op)) == 0)
				r = buf_put_u32(&m, t.c_cc[cc[i].idx]);
		if (r == 0 && (r = buf_put_u8(&m, TTY_OP_ISPEED)) == 0 &&
		    (r = buf_put_u32(&m, 38400)) == 0 && (r = buf_put_u8(&m, TTY_OP_OSPEED)) == 0)
			r = buf_put_u32(&m, 38400);
	}
	if (r == 0 && (r = buf_put_u8(&m, TTY_OP_END)) == 0)
		r = buf_put_string(b, m.data, m.len);
	buf_free(&m);
	return r;
}

static int dup_cloexec(int fd)
{
	return fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

static int sess_confirmed(struct conn *c, struct channel *ch, struct buf *b)
{
	const struct cli_opts *o = c->cli->opts;
	struct buf d;
	const char *term = getenv("TERM");
	int r, i;

	(void)b;
	(void)buf_skip(b, buf_avail(b));
	if (o->agent_fwd && cli_fwd_chan_types &&
	    (r = chan_send_request(ch, "auth-agent-req@openssh.com", 0, NULL)))
		return r;
	if ((r = buf_init(&d, 256, DB_MAX_COMMAND + 64)))
		return r;
	for (i = 0; i < o->nsetenv; i++) {
		/* SetEnv NAME=value (RFC 4254 6.4); the server may refuse it silently */
		const char *eq = strchr(o->setenv[i], '=');
		if (!eq || eq == o->setenv[i]) {
			log_msg(LOG_WARNING, "SetEnv '%s' is not NAME=value: not sent", o->setenv[i]);
			continue;
		}
		if ((r = buf_put_string(&d, (const uint8_t *)o->setenv[i],
		                        (size_t)(eq - o->setenv[i]))) ||
		    (r = buf_put_cstr(&d, eq + 1)) || (r = chan_send_request(ch, "env", 0, &d)))
			goto out;
		buf_reset(&d);
	}
	if (sess.pty) {
		if ((r = buf_put_cstr(&d, term && *term ? term : "vt100")) || (r = put_window(&d)) ||
		    (r = put_modes(&d)) || (r = chan_send_request(ch, "pty-req", 0, &d)))
			goto out;
		buf_reset(&d);
	}
#if DB_X11FWD
	if (o->x11_fwd && (r = cli_x11_request(c, ch)))
		goto out;
#endif
	if (o->command) {
		if ((r = buf_put_cstr(&d, o->command)) ||
		    (r = chan_send_request(ch, o->subsystem ? "subsystem" : "exec", 1, &d)))
			goto out;
	} else if ((r = chan_send_request(ch, "shell", 1, NULL))) {
		goto out;
	}
	/* The channel owns (and closes) its fds: it gets copies, so that 0..2 stay open for
	 * restoring their flags at exit. The remote pty merges stderr into its output. */
	r = chan_set_fds(ch, sess.in_fd, dup_cloexec(STDOUT_FILENO),
	                 sess.pty ? -1 : dup_cloexec(STDERR_FILENO), CHAN_ERR_WRITE);
out:
	buf_free(&d);
	return r;
}

static void sess_open_failed(struct conn *c, struct channel *ch, uint32_t reason,
                             const char *desc)
{
	(void)ch;
	conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "the server refused a session (%u): %s",
	           reason, desc);
}

static int sess_request(struct conn *c, struct channel *ch, const char *req, int want_reply,
                        struct buf *b)
{
	(void)c;
	(void)ch;
	(void)want_reply;
	if (!strcmp(req, "exit-status")) {
		uint32_t st;
		int r;
		if ((r = buf_get_u32(b, &st)) || (r = buf_end(b)))
			return r;
		c->cli->got_exit = 1;
		cli_set_exit_status((int)(st & 0xff));
		return 1;
	}
	if (!strcmp(req, "exit-signal")) {
		/* RFC 4254 6.10: any message length is valid; record_signal shortens it */
		const uint8_t *name, *msg, *lang;
		size_t nl, ml, ll;
		int core, r;
		if ((r = buf_get_string(b, &name, &nl)) || (r = buf_get_bool(b, &core)) ||
		    (r = buf_get_string(b, &msg, &ml)) || (r = buf_get_string(b, &lang, &ll)))
			return r;
		(void)buf_skip(b, buf_avail(b));
		c->cli->got_exit = 1;
		record_signal(name, nl, msg, ml);
		return 1;
	}
	(void)buf_skip(b, buf_avail(b)); /* eow@openssh.com and others: nothing to do */
	return 0;
}

static void sess_reply(struct conn *c, struct channel *ch, int success)
{
	const struct cli_opts *o = c->cli->opts;

#if DB_X11FWD
	if (cli_x11_reply(c, success))
		return; /* x11-req's, sent before the shell or command */
#endif
	if (first_reply_seen) {
		/* a keepalive's answer: success or failure, the server is alive */
		keepalive_unanswered = 0;
		return;
	}
	first_reply_seen = 1;
	if (success)
		return;
	log_msg(LOG_ERR, "%s request failed on the session channel",
	        o->command ? (o->subsystem ? "subsystem" : "exec") : "shell");
	chan_close(ch);
}

/* OpenSSH sends exit-status after its EOF: we close only when the server does (and
 * answer its CLOSE), so that the status is never lost to our early CLOSE. */
static int sess_close_ready(struct conn *c, struct channel *ch)
{
	(void)c;
	(void)ch;
	return 0;
}

/* The session is over (its cleanup ran): dbclient ends once no channel is left
 * (session_over, above). */

static void sess_cleanup(struct conn *c, struct channel *ch)
{
	(void)ch;
	c->cli->session = NULL;
	if (!c->cli->got_exit)
		cli_set_exit_status(255); /* closed without a status: as OpenSSH, 255 */
	cli_tty_restore();
	cli_session_over(c);
}

void cli_session_over(struct conn *c)
{
	session_over = 1;
	/* Forwarded connections still open go on until they are done, every byte and the
	 * EOFs carried (OpenSSH's ssh waits for them too); the last one's end ends the loop
	 * (chans_freed). nopen still counts the ending channel itself here. */
	if (c->cli->chans.nopen > 1)
		dbg(1, "session over: waiting for %u forwarded connection(s)",
		    c->cli->chans.nopen - 1);
	else
		loop_stop(c->loop);
}

static void chans_freed(struct chan_table *t)
{
	if (session_over && t->nopen == 0)
		loop_stop(t->c->loop);
}

static const struct chan_type sess_type = {
        .name = "session",
        .open = NULL,
        .confirmed = sess_confirmed,
        .open_failed = sess_open_failed,
        .request = sess_request,
        .reply = sess_reply,
        .close_ready = sess_close_ready,
        .closing = NULL,
        .cleanup = sess_cleanup,
};

/* ---- the escape filter pump */

static void pump_close(struct conn *c)
{
	if (sess.pump_w < 0)
		return;
	loop_del_fd(c->loop, sess.pump_w);
	close(sess.pump_w);
	sess.pump_w = -1;
}

static short stdin_want(void *arg)
{
	(void)arg;
	return !sess.stdin_eof && sess.stage_len == sess.stage_pos ? POLLIN : 0;
}

static short pumpw_want(void *arg)
{
	(void)arg;
	return sess.stage_len > sess.stage_pos ? POLLOUT : 0;
}

static void pump_flush(struct conn *c)
{
	while (sess.stage_pos < sess.stage_len && sess.pump_w >= 0) {
		ssize_t n = write(sess.pump_w, sess_stage + sess.stage_pos,
		                  sess.stage_len - sess.stage_pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			sess.stage_pos = sess.stage_len; /* the channel is gone: drop it */
			break;
		}
		sess.stage_pos += (size_t)n;
	}
	sess.stage_pos = sess.stage_len = 0;
	if (sess.stdin_eof)
		pump_close(c); /* the channel sees EOF and sends CHANNEL_EOF */
}

static void stdin_io(void *arg, int fd, short rev)
{
	struct conn *c = arg;
	ssize_t n;

	(void)rev;
	n = read(fd, sess_stage, sizeof(sess_stage) - 1);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		sess.stdin_eof = 1;
		loop_del_fd(c->loop, fd);
		pump_flush(c);
		return;
	}
	sess.stage_pos = 0;
	sess.stage_len = cli_tty_escapes(c, sess_stage, (size_t)n);
	pump_flush(c);
}

static void pumpw_io(void *arg, int fd, short rev)
{
	(void)fd;
	(void)rev;
	pump_flush(arg);
}

/* ---- SIGWINCH */

static void on_winch(int sig)
{
	int e = errno;
	ssize_t w;
	(void)sig;
	w = write(sess.winch_pipe[1], "w", 1);
	(void)w;
	errno = e;
}

static void winch_io(void *arg, int fd, short rev)
{
	struct conn *c = arg;
	char tmp[64];
	struct buf d;

	(void)rev;
	while (read(fd, tmp, sizeof(tmp)) > 0)
		;
	if (!c->cli->session || c->cli->session->state != CHAN_OPEN)
		return;
	if (buf_init(&d, 32, 64) == 0) {
		if (put_window(&d) == 0)
			(void)chan_send_request(c->cli->session, "window-change", 0, &d);
		buf_free(&d);
	}
}

static int setup_winch(struct conn *c)
{
	struct sigaction sa;

	/* close-on-exec: no child of ours (a proxy command, $SSH_ASKPASS) needs it */
	if (pipe2(sess.winch_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return ERR_IO;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, NULL);
	return loop_add_fd(c->loop, sess.winch_pipe[0], NULL, winch_io, c);
}

/* ---- keepalive and idle timeout */

static void keepalive_tick(void *arg)
{
	struct conn *c = arg;
	const struct cli_opts *o = c->cli->opts;
	struct channel *ch = c->cli->session;

	if (keepalive_unanswered >= DB_KEEPALIVE_LIMIT)
		conn_fatal(c, SSH_DISCONNECT_CONNECTION_LOST,
		           "Timeout: the server did not answer %u keepalives", DB_KEEPALIVE_LIMIT);
	if (ch && ch->state == CHAN_OPEN && first_reply_seen) {
		/* a request the server must answer (RFC 4254 5.4), on our own channel so
		 * that its reply is ours; any answer, even a failure, shows it is alive */
		if (chan_send_request(ch, "keepalive@openssh.com", 1, NULL) == 0)
			keepalive_unanswered++;
	} else {
		uint8_t m[5] = {SSH_MSG_IGNORE, 0, 0, 0, 0}; /* keeps NAT state, at least */
		(void)conn_send(c, m, sizeof(m));
	}
	loop_timer_set(c->loop, &keepalive_timer, o->keepalive * 1000ull, keepalive_tick, c);
}

static void idle_tick(void *arg)
{
	struct conn *c = arg;
	const struct cli_opts *o = c->cli->opts;
	uint64_t now = loop_now_ms(), last = c->cli->chans.last_data_ms, limit = o->idle_timeout * 1000ull;

	if (last && now - last >= limit)
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "Idle timeout (%u seconds)",
		           o->idle_timeout);
	loop_timer_set(c->loop, &idle_timer, last ? limit - (now - last) + 1 : limit, idle_tick, c);
}

/* ---- the connection phase */

static int to_channels(struct conn *c, uint8_t msg, struct buf *b)
{
	return chan_dispatch(&c->cli->chans, msg, b);
}

const struct dispatch cli_conn_table[] = {
        {SSH_MSG_GLOBAL_REQUEST, to_channels},
        {SSH_MSG_REQUEST_SUCCESS, to_channels},
        {SSH_MSG_REQUEST_FAILURE, to_channels},
        {SSH_MSG_CHANNEL_OPEN, to_channels},
        {SSH_MSG_CHANNEL_OPEN_CONFIRMATION, to_channels},
        {SSH_MSG_CHANNEL_OPEN_FAILURE, to_channels},
        {SSH_MSG_CHANNEL_WINDOW_ADJUST, to_channels},
        {SSH_MSG_CHANNEL_DATA, to_channels},
        {SSH_MSG_CHANNEL_EXTENDED_DATA, to_channels},
        {SSH_MSG_CHANNEL_EOF, to_channels},
        {SSH_MSG_CHANNEL_CLOSE, to_channels},
        {SSH_MSG_CHANNEL_REQUEST, to_channels},
        {SSH_MSG_CHANNEL_SUCCESS, to_channels},
        {SSH_MSG_CHANNEL_FAILURE, to_channels},
        {0, NULL},
};

static void go_background(struct conn *c)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "-f: cannot fork: %s", strerror(errno));
	if (pid > 0)
		_exit(0); /* the parent's job is done; the child keeps the connection */
	setsid();
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, STDIN_FILENO);
		if (fd > 2)
			close(fd);
	}
}

static int open_session(struct conn *c)
{
	const struct cli_opts *o = c->cli->opts;
	int interactive = isatty(STDIN_FILENO), p[2];

	sess.in_fd = dup_cloexec(STDIN_FILENO);
	if (o->stdin_null || o->background) {
		close(sess.in_fd);
		if ((sess.in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
			return ERR_IO;
	}
	/* -t forces a pty (Dropbear); by default one when there is no command and stdin is
	 * a terminal (OpenSSH and Dropbear agree); never with -T or for a subsystem */
	if (o->tty > 0)
		sess.pty = 1;
	else if (o->tty < 0)
		sess.pty = !o->command && interactive;
	if (o->subsystem && o->tty < 1)
		sess.pty = 0;
	if (sess.pty && interactive && !o->stdin_null && !o->background) {
		if (cli_tty_raw() != 0)
			log_msg(LOG_WARNING, "Warning: cannot put the terminal into raw mode");
		if (pipe(p) != 0)
			return ERR_IO;
		fcntl(p[1], F_SETFL, fcntl(p[1], F_GETFL) | O_NONBLOCK);
		fcntl(p[1], F_SETFD, FD_CLOEXEC);
		fcntl(p[0], F_SETFD, FD_CLOEXEC);
		fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
		close(sess.in_fd);
		sess.in_fd = p[0];
		sess.pump_w = p[1];
		sess.pump = 1;
		if (loop_add_fd(c->loop, STDIN_FILENO, stdin_want, stdin_io, c) ||
		    loop_add_fd(c->loop, p[1], pumpw_want, pumpw_io, c))
			return ERR_NOMEM;
	}
	if (sess.pty && setup_winch(c))
		return ERR_IO;
	return chan_open_outgoing(&c->cli->chans, &sess_type, NULL, NULL, &c->cli->session);
}

void cli_session_start(struct conn *c)
{
	const struct cli_opts *o = c->cli->opts;
	int r;

	cli_tty_save_flags();
	if ((r = chan_table_init(&c->cli->chans, c, cli_fwd_chan_types ? cli_fwd_chan_types() : NULL,
	                         o->recv_window)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "channels: %s", err_str(r));
	c->cli->chans.role_arg = c->cli;
	if (cli_fwd_global_reply)
		c->cli->chans.global_reply = cli_fwd_global_reply;
	c->cli->chans.freed = chans_freed;
	c->cli->chans_ready = 1;
	c->cli->chans.last_data_ms = loop_now_ms();
	conn_set_phase(c, cli_conn_table);
	if (o->keepalive)
		loop_timer_set(c->loop, &keepalive_timer, o->keepalive * 1000ull, keepalive_tick, c);
	if (o->idle_timeout)
		loop_timer_set(c->loop, &idle_timer, o->idle_timeout * 1000ull, idle_tick, c);
	if (o->background)
		go_background(c);
	if (o->nlocal_fwd || o->nremote_fwd || o->ndyn_fwd || o->agent_fwd) {
		if (!cli_fwd_start)
			conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION,
			           "port and agent forwarding are not supported in this build");
		if ((r = cli_fwd_start(c)))
			conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "forwarding: %s", err_str(r));
	}
	if (o->netcat_host[0]) {
		if (!cli_netcat_start)
			conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION,
			           "-B is not supported in this build");
		if ((r = cli_netcat_start(c)))
			conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "-B: %s", err_str(r));
		return;
	}
	if (o->no_cmd)
		return;
	if ((r = open_session(c)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot open a session: %s",
		           err_str(r));
}
