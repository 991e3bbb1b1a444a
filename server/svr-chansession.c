/* svr-chansession.c: the "session" channel (RFC 4254 section 6): pty-req, env,
 * window-change, shell, exec, subsystem, signal; the child process behind it; exit-status
 * and exit-signal when it ends.
 *
 * The child gets pipes for stdin, stdout and stderr (stderr goes out as EXTENDED_DATA),
 * or the pty slave for all three. When it exits, what its pipes hold is sent and the
 * channel closes, even if a background job it left still holds them (Dropbear's
 * behaviour: `sleep 10 & echo hi` returns at once with "hi"). The same holds for a pty:
 * once the child is gone, what the master holds is read (Linux moves what the slave
 * wrote to the master before it reports EIO or nothing more) and the channel closes. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "svr-session.h"
#include "svr-sys.h"
#if DB_X11FWD
#include "svr-fwd.h"
#endif
#if DB_SFTP_BUILTIN
#include "sftp/sftp.h"
#endif

static const char *const sftp_paths[] = {DB_SFTP_SERVER_PATHS};

static struct chansess *cs(struct channel *ch)
{
	return ch->priv;
}

static void unlink_sess(struct conn *c, struct chansess *s)
{
	struct chansess **pp;

	for (pp = &c->srv->sess->list; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
}

static void free_sess(struct conn *c, struct chansess *s)
{
	int i;

	unlink_sess(c, s);
	for (i = 0; i < s->nenv; i++)
		free(s->env[i]);
	free(s);
}

static int sess_open(struct conn *c, struct channel *ch, struct buf *extra)
{
	struct svr_sess *S = c->srv->sess;
	struct chansess *s;
	int r;

	if ((r = buf_end(extra)))
		return r;
	if (!(s = calloc(1, sizeof(*s))))
		return SSH_OPEN_RESOURCE_SHORTAGE;
	s->master = s->slave = -1;
	s->ch = ch;
	ch->priv = s;
	s->next = S->list;
	S->list = s;
	return 0;
}

int svr_sess_setenv(struct channel *ch, const char *name, const char *value)
{
	struct chansess *s = cs(ch);
	size_t n = strlen(name) + strlen(value) + 2;
	char *e;

	if (ch->type != &svr_chan_session || s->nenv >= DB_MAX_SESS_ENV)
		return ERR_TOOBIG;
	if (!(e = malloc(n)))
		return ERR_NOMEM;
	snprintf(e, n, "%s=%s", name, value);
	s->env[s->nenv++] = e;
	return 0;
}

/* ---- requests before the child starts */

static int req_pty(struct conn *c, struct chansess *s, struct buf *b)
{
	struct sess_pty_req p;
	int r;

	/* a TERM or mode string past our limits is refused, not the connection's end */
	if ((r = sessreq_pty(b, &p)))
		return r == ERR_INVALID || r == ERR_TOOBIG ? 0 : r;
	if (c->srv->restrict_.no_pty) {
		log_msg(LOG_INFO, "pty refused: no-pty in authorized_keys");
		return 0;
	}
	if (s->have_pty || s->pid)
		return 0;
	if (pty_open(&s->master, &s->slave, s->tty, sizeof(s->tty))) {
		log_msg(LOG_WARNING, "cannot allocate a pty: %s", strerror(errno));
		return 0;
	}
	s->have_pty = 1;
	memcpy(s->term, p.term, sizeof(s->term));
	pty_winsize(s->master, &p.ws);
	if (pty_modes(s->slave, p.modes, p.modes_len))
		dbg(1, "terminal modes not applied");
	return 1;
}

static int req_winch(struct chansess *s, struct buf *b)
{
	struct sess_winsize ws;
	int r;

	if ((r = sessreq_winch(b, &ws)))
		return r;
	if (!s->have_pty || s->master < 0 ||
	    (s->ch->in_fd != s->master && s->ch->out_fd != s->master && s->pid))
		return 0;
	pty_winsize(s->master, &ws);
	return 1;
}

static int req_env(struct chansess *s, struct buf *b)
{
	char e[DB_MAX_ENV_LEN + 1];
	int r;

	r = sessreq_env(b, e, sizeof(e));
	if (r == ERR_INVALID || r == ERR_TOOBIG) {
		dbg(1, "env request refused");
		return 0;
	}
	if (r)
		return r;
	if (s->pid || s->nenv >= DB_MAX_SESS_ENV)
		return 0;
	if (!(s->env[s->nenv] = strdup(e)))
		return ERR_NOMEM;
	s->nenv++;
	return 1;
}

static int req_signal(struct chansess *s, struct buf *b)
{
	char name[DB_MAX_REQ_NAME];
	int r, sig;

	if ((r = buf_get_cstr(b, name, sizeof(name))) || (r = buf_end(b)))
		return r == ERR_TOOBIG || r == ERR_FORMAT ? 0 : r;
	sig = sessreq_signal(name);
	if (!sig || !s->pid || s->exited)
		return 0;
	/* the child leads its own session and process group (setsid) */
	return killpg(s->pid, sig) == 0;
}

/* ---- the child */

static void close_from(int lowfd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0u, 0) == 0)
		return;
#endif
	for (int fd = lowfd; fd < 1024; fd++)
		close(fd);
}

/* In the child, set up as for a command: the built-in SFTP server (k->sftp > 0), or the
 * refusal of a forced internal-sftp asked for a shell or command (k->sftp < 0). The log
 * keeps going where the server's goes (logfd: its stderr, when it logs there). */
static _Noreturn void child_builtin(const struct sess_cmd *k, int logfd)
{
	if (logfd >= 0 && dup2(logfd, 3) == 3) {
		log_set_fd(3);
		close_from(4);
	} else {
		close_from(3);
	}
	if (k->sftp < 0) {
		dprintf(2, "This service allows sftp connections only.\n");
		_exit(1);
	}
#if DB_SFTP_BUILTIN
	{
		struct sftp_opts o = {0};
		_exit(sftp_serve(0, 1, &o));
	}
#else
	_exit(1);
#endif
}

static _Noreturn void child(struct conn *c, struct chansess *s, const struct sess_cmd *k, int fd0,
                            int fd1, int fd2)
{
	static const int sigs[] = {SIGPIPE, SIGCHLD, SIGINT,  SIGQUIT, SIGTERM, SIGHUP,
	                           SIGTTIN, SIGTTOU, SIGTSTP, SIGALRM, SIGUSR1, SIGUSR2};
	const char *shell = c->srv->user.shell[0] ? c->srv->user.shell : "/bin/sh";
	const char *base = strrchr(shell, '/') ? strrchr(shell, '/') + 1 : shell;
	char argv0[DB_MAX_PATH + 2];
	char *argv[4];
	sigset_t none;
	size_t i;
	int logfd = -1;

	/* ignored signals stay ignored across exec: give the command the defaults */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (setsid() < 0)
		_exit(1);
	/* a daemon started without fds 0-2 may have got pipe ends there: move them up
	 * first, so that the dup2()s below cannot overwrite one another's source */
	if (fd0 < 3)
		fd0 = fcntl(fd0, F_DUPFD_CLOEXEC, 3);
	if (fd1 < 3)
		fd1 = fcntl(fd1, F_DUPFD_CLOEXEC, 3);
	if (fd2 < 3)
		fd2 = fcntl(fd2, F_DUPFD_CLOEXEC, 3);
	if (fd0 < 0 || fd1 < 0 || fd2 < 0)
		_exit(1);
	if (k->sftp) {
		/* the connection's fatal path must not run here; the log's fd 2 is about to go */
		log_set_fatal_hook(NULL, NULL);
		logfd = log_to_stderr() ? fcntl(2, F_DUPFD_CLOEXEC, 3) : -1;
	}
	if (s->have_pty && ioctl(fd0, TIOCSCTTY, 0) != 0)
		_exit(1);
	if (dup2(fd0, 0) < 0 || dup2(fd1, 1) < 0 || dup2(fd2, 2) < 0)
		_exit(1);
	/* (before close_from: SSH_CONNECTION needs the connection's socket) */
	if (sess_child_env(c, s, k) != 0)
		_exit(1);
	if (chdir(c->srv->user.home) != 0 && chdir("/") != 0)
		_exit(1);
	if (k->sftp)
		child_builtin(k, logfd);
	close_from(3);
#if DB_X11FWD
	if (s->x11)
		svr_x11_child(s->x11); /* as OpenSSH: before the shell's own rc files */
#endif
	if (k->login && s->have_pty)
		sess_child_motd(c);
	if (k->cmd) {
		argv[0] = (char *)base;
		argv[1] = "-c";
		argv[2] = (char *)k->cmd;
		argv[3] = NULL;
	} else {
		/* a login shell: argv[0] starts with '-' */
		snprintf(argv0, sizeof(argv0), "-%s", base);
		argv[0] = argv0;
		argv[1] = NULL;
	}
	execv(shell, argv);
	dprintf(2, "dropbear: cannot run %s: %s\n", shell, strerror(errno));
	_exit(1);
}

/* Forks the child for k; 1 on success, 0 when it cannot start (the request fails). */
static int start(struct conn *c, struct chansess *s, const struct sess_cmd *k)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, r;
	pid_t pid;

	if (!s->have_pty && (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 ||
	                     pipe2(err, O_CLOEXEC) != 0)) {
		log_msg(LOG_WARNING, "cannot make pipes: %s", strerror(errno));
		goto fail;
	}
	pid = svr_fork();
	if (pid < 0) {
		log_msg(LOG_WARNING, "cannot fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		if (s->have_pty)
			child(c, s, k, s->slave, s->slave, s->slave);
		child(c, s, k, in[0], out[1], err[1]);
	}
	s->pid = pid;
	if (s->have_pty) {
		char host[NI_MAXHOST], conn_s[2 * NI_MAXHOST + 64];
		close(s->slave);
		s->slave = -1;
		r = chan_set_fds(s->ch, s->master, s->master, -1, CHAN_ERR_NONE);
		sess_conn_addrs(c, conn_s, sizeof(conn_s), host, sizeof(host));
		if (signer_login(c->srv->signer_fd, s->tty + 5, c->srv->user.name, host, pid) == 0)
			s->logged_in = 1;
		else
			dbg(1, "no utmp record for %s", s->tty);
	} else {
		close(in[0]);
		close(out[1]);
		close(err[1]);
		r = chan_set_fds(s->ch, out[0], in[1], err[0], CHAN_ERR_READ);
	}
	if (r)
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "session fds: %s", err_str(r));
	dbg(1, "session child %d started: %s", (int)pid,
	    k->sftp ? "built-in sftp" : k->cmd ? k->cmd : "login shell");
	return 1;
fail:
	for (r = 0; r < 2; r++) {
		if (in[r] >= 0)
			close(in[r]);
		if (out[r] >= 0)
			close(out[r]);
		if (err[r] >= 0)
			close(err[r]);
	}
	return 0;
}

/* The sftp subsystem's program: -S PATH when it exists, else the first of
 * DB_SFTP_SERVER_PATHS that does; NULL for the built-in server (also with -S internal-sftp,
 * OpenSSH's name for it). *none is set when there is neither. */
static const char *find_sftp_server(struct conn *c, int *none)
{
	const char *opt = c->srv->opts->sftp_server;
	size_t i;

	*none = 0;
	if (opt && strcmp(opt, "internal-sftp") != 0) {
		if (access(opt, X_OK) == 0)
			return opt;
		log_msg(LOG_INFO, "sftp-server %.200s not found", opt);
	}
	for (i = 0; !opt && i < sizeof(sftp_paths) / sizeof(sftp_paths[0]); i++)
		if (access(sftp_paths[i], X_OK) == 0)
			return sftp_paths[i];
	*none = !DB_SFTP_BUILTIN;
	return NULL;
}

/* shell (what = 0), exec (1) or subsystem (2). A forced command (authorized_keys
 * command= first, then -c) replaces what the client asked for, which goes to
 * SSH_ORIGINAL_COMMAND. */
static int req_start(struct conn *c, struct chansess *s, int what, struct buf *b)
{
	const char *forced = c->srv->restrict_.command ? c->srv->restrict_.command
	                                               : c->srv->opts->forced_command;
	struct sess_cmd k = {NULL, NULL, 0, 0};
	char *asked = NULL;
	const uint8_t *p;
	size_t n;
	int r;

	if (what == 0) {
		if ((r = buf_end(b)))
			return r;
	} else {
		if ((r = buf_get_string(b, &p, &n)) || (r = buf_end(b)))
			return r;
		if (n > DB_MAX_COMMAND || memchr(p, 0, n))
			return 0;
		if (!(asked = malloc(n + 1)))
			return ERR_NOMEM;
		memcpy(asked, p, n);
		asked[n] = 0;
	}
	if (s->pid) {
		free(asked);
		return 0; /* one command per session channel */
	}
	if (forced && strcmp(forced, "internal-sftp") == 0) {
		/* OpenSSH's rule: a forced internal-sftp serves the sftp subsystem and refuses
		 * everything else */
		int sftp = what == 2 && strcmp(asked, "sftp") == 0;
		log_msg(LOG_INFO, "forced internal-sftp for '%s'%s", c->srv->user.name,
		        sftp ? "" : ": refusing a shell or command");
		k.sftp = DB_SFTP_BUILTIN && sftp ? 1 : -1;
		free(asked);
		return start(c, s, &k);
	}
	if (what == 2) {
		int none = 1;
		const char *prog = strcmp(asked, "sftp") == 0 ? find_sftp_server(c, &none) : NULL;
		if (none) {
			log_msg(LOG_INFO, "subsystem '%.64s' not available", asked);
			free(asked);
			return 0;
		}
		free(asked);
		asked = NULL;
		if (prog) {
			log_msg(LOG_INFO, "sftp subsystem for '%s': %s", c->srv->user.name, prog);
			if (!(asked = strdup(prog)))
				return ERR_NOMEM;
		} else if (!forced) {
			log_msg(LOG_INFO, "sftp subsystem for '%s': built-in server",
			        c->srv->user.name);
			k.sftp = 1;
			return start(c, s, &k);
		}
	}
	k.cmd = asked;
	if (forced) {
		/* a subsystem the built-in server would have served is "internal-sftp" */
		k.orig_cmd = asked ? asked : what == 2 ? "internal-sftp" : NULL;
		k.cmd = forced;
		log_msg(LOG_INFO, "running the forced command for '%s'", c->srv->user.name);
	}
	k.login = k.cmd == NULL;
	r = start(c, s, &k);
	free(asked);
	return r;
}

static int sess_request(struct conn *c, struct channel *ch, const char *req, int want_reply,
                        struct buf *b)
{
	struct chansess *s = cs(ch);
	size_t i;

	if (strcmp(req, "pty-req") == 0)
		return req_pty(c, s, b);
	if (strcmp(req, "window-change") == 0)
		return req_winch(s, b);
	if (strcmp(req, "env") == 0)
		return req_env(s, b);
	if (strcmp(req, "shell") == 0)
		return req_start(c, s, 0, b);
	if (strcmp(req, "exec") == 0)
		return req_start(c, s, 1, b);
	if (strcmp(req, "subsystem") == 0)
		return req_start(c, s, 2, b);
	if (strcmp(req, "signal") == 0)
		return req_signal(s, b);
	for (i = 0; svr_sess_reqs[i].name; i++)
		if (strcmp(req, svr_sess_reqs[i].name) == 0)
			return svr_sess_reqs[i].fn(c, ch, want_reply, b);
	dbg(1, "session request '%s' refused", req);
	(void)buf_skip(b, buf_avail(b));
	return 0;
}

/* ---- the end */

void svr_chansess_reaped(struct conn *c, pid_t pid, int status)
{
	struct chansess *s;

	for (s = c->srv->sess->list; s && s->pid != pid; s = s->next)
		;
	if (!s)
		return;
	dbg(1, "session child %d exited (status 0x%x)", (int)pid, (unsigned)status);
	s->exited = 1;
	s->status = status;
	if (!s->ch) {
		free_sess(c, s);
		return;
	}
	chan_flush(s->ch);
}

static int sess_close_ready(struct conn *c, struct channel *ch)
{
	(void)c;
	return cs(ch)->exited;
}

/* RFC 4254 6.10: exit-status, or exit-signal for a child killed by a signal. */
static void sess_closing(struct conn *c, struct channel *ch)
{
	struct chansess *s = cs(ch);
	struct buf d;
	int r;

	if (!s->exited)
		return;
	if ((r = buf_init(&d, 64, 256)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "out of memory");
	if (WIFSIGNALED(s->status) && sessreq_signame(WTERMSIG(s->status))) {
		if ((r = buf_put_cstr(&d, sessreq_signame(WTERMSIG(s->status)))) == 0 &&
		    (r = buf_put_bool(&d, WCOREDUMP(s->status))) == 0 &&
		    (r = buf_put_cstr(&d, "")) == 0 && (r = buf_put_cstr(&d, "")) == 0)
			r = chan_send_request(ch, "exit-signal", 0, &d);
	} else {
		uint32_t code = WIFEXITED(s->status) ? (uint32_t)WEXITSTATUS(s->status)
		                                     : 128u + (uint32_t)WTERMSIG(s->status);
		if ((r = buf_put_u32(&d, code)) == 0)
			r = chan_send_request(ch, "exit-status", 0, &d);
	}
	buf_free(&d);
	if (r)
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot send exit status: %s",
		           err_str(r));
}

static void sess_cleanup(struct conn *c, struct channel *ch)
{
	struct chansess *s = cs(ch);

	if (!s)
		return; /* sess_open refused it before its state existed */
#if DB_X11FWD
	if (s->x11)
		svr_x11_end(s->x11);
	s->x11 = NULL;
#endif
	if (s->logged_in && signer_logout(c->srv->signer_fd, s->tty + 5) != 0)
		dbg(1, "no utmp logout for %s", s->tty);
	s->logged_in = 0;
	if (s->slave >= 0)
		close(s->slave);
	/* the master belongs to the channel once the child started (its fds are closed by
	 * the channel layer); before that it is ours */
	if (!s->pid && s->master >= 0)
		close(s->master);
	s->slave = s->master = -1;
	s->ch = NULL;
	ch->priv = NULL;
	if (s->pid && !s->exited) {
		/* the client closed the channel under a running command: hang it up */
		(void)killpg(s->pid, SIGHUP);
		return; /* freed when reaped */
	}
	free_sess(c, s);
}

const struct chan_type svr_chan_session = {
        .name = "session",
        .open = sess_open,
        .request = sess_request,
        .close_ready = sess_close_ready,
        .closing = sess_closing,
        .cleanup = sess_cleanup,
};
