/* svr-x11.c: X11 forwarding on the server (RFC 4254 6.3).
 *
 * x11-req on a session channel, before its shell or command: we listen on localhost
 * (127.0.0.1, and ::1 where there is IPv6) at TCP port 6000 + N for the first free display
 * N from DB_X11_DISPLAY_OFFSET, as OpenSSH's X11UseLocalhost does, and the child gets
 * DISPLAY=localhost:N.S. Before the shell or command runs, the child (already the user)
 * feeds xauth "remove unix:N.S" and "add unix:N.S PROTO COOKIE" with the cookie the client
 * sent, which is the client's fake one: the real cookie never leaves the client. (xauth
 * files localhost:N under the local family, the same entry as unix:N; OpenSSH uses that
 * form too.) Each connection to the display becomes an "x11" channel to the client
 * (originator address and port, 6.3.2); with single-connection the listener closes after
 * the first. When the session channel ends, the listener closes and the entry is removed
 * from the same file it went into (auth_file: XAUTHORITY as the child has it, or
 * ~/.Xauthority; named to xauth with -f both times).
 *
 * This process runs as the user since authentication: the socket, xauth and the user's
 * ~/.Xauthority are touched with the user's credentials only. */
#include "svr-fwd.h"

#if DB_X11FWD

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "fwdnet.h"
#include "log.h"
#include "svr-session.h"
#include "svr-sys.h"
#include "util.h"
#include "x11proto.h"

struct svr_x11 {
	struct fwd_listener l;
	unsigned display, screen;
	char proto[X11_MAX_PROTO + 1];
	char cookie[2 * X11_MAX_COOKIE + 1]; /* hex, as xauth takes it */
	char authfile[DB_MAX_PATH];           /* the file xauth adds to and removes from */
	pid_t owner; /* the process that made it: a forked child must not undo it */
	struct svr_x11 *next;
};

static const struct chan_type chan_x11 = {
        .name = "x11",
        .confirmed = fwd_chan_confirmed,
        .open_failed = fwd_chan_open_failed,
        .cleanup = fwd_chan_cleanup,
};

/* Every display of this connection, for the exit path. */
static struct svr_x11 *displays;
static int atexit_set;

/* One loopback socket on port; -1 with errno on failure. */
static int listen_loopback(int family, unsigned port)
{
	struct sockaddr_in a4;
	struct sockaddr_in6 a6;
	const struct sockaddr *sa;
	socklen_t len;

	if (family == AF_INET) {
		memset(&a4, 0, sizeof(a4));
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)port);
		a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa = (const struct sockaddr *)&a4;
		len = sizeof(a4);
	} else {
		memset(&a6, 0, sizeof(a6));
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)port);
		a6.sin6_addr = in6addr_loopback;
		sa = (const struct sockaddr *)&a6;
		len = sizeof(a6);
	}
	return fwd_listen_sockaddr(sa, len);
}

/* The first display number whose port is free on 127.0.0.1 and (where there is IPv6)
 * on ::1: a display taken on one of them is skipped whole, or an X client connecting to
 * "localhost" could reach someone else's. 0, or ERR_IO (errno kept). */
static int bind_display(struct svr_x11 *x)
{
	unsigned n;
	int fd4, fd6;

	for (n = DB_X11_DISPLAY_OFFSET; n < DB_X11_DISPLAY_OFFSET + DB_X11_MAX_DISPLAYS &&
	                                n <= X11_MAX_DISPLAY;
	     n++) {
		if ((fd4 = listen_loopback(AF_INET, X11_TCP_PORT + n)) < 0) {
			if (errno == EADDRINUSE)
				continue;
			return ERR_IO;
		}
		fd6 = listen_loopback(AF_INET6, X11_TCP_PORT + n);
		if (fd6 < 0 && errno == EADDRINUSE) {
			close(fd4);
			continue;
		}
		x->l.fds[x->l.nfds++] = fd4;
		if (fd6 >= 0) /* no IPv6 (EADDRNOTAVAIL, EAFNOSUPPORT): IPv4 alone */
			x->l.fds[x->l.nfds++] = fd6;
		x->display = n;
		return 0;
	}
	errno = EADDRINUSE;
	return ERR_IO;
}

/* Runs xauth -q with args, stdin from input (NULL: /dev/null); waits for it when wait.
 * keep_fds (-1 terminated, may be NULL) stay open in xauth: the display's sockets, so
 * that nobody takes the display number before its entry is gone. */
static void run_xauth(const char *const *args, const char *input, const int *keep_fds,
                      int wait)
{
	char *argv[10];
	int p[2] = {-1, -1}, i, fd, dn;
	pid_t pid;

	argv[0] = "xauth";
	for (i = 0; args[i] && i < 8; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	if (input && pipe2(p, O_CLOEXEC) != 0)
		return;
	pid = svr_fork();
	if (pid == 0) {
		dn = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (input)
			dup2(p[0], 0);
		else if (dn >= 0)
			dup2(dn, 0);
		if (!wait && dn >= 0) {
			/* at the session's end: nothing of it goes to the server's log */
			dup2(dn, 1);
			dup2(dn, 2);
		}
		for (fd = 3; fd < 1024; fd++) {
			int keep = 0;
			for (i = 0; keep_fds && keep_fds[i] >= 0; i++)
				keep |= keep_fds[i] == fd;
			if (keep)
				(void)fcntl(fd, F_SETFD, 0);
			else
				close(fd);
		}
		execv(DB_XAUTH_PATH, argv);
		_exit(127);
	}
	if (input) {
		close(p[0]);
		if (pid > 0) {
			size_t off = 0, n = strlen(input);
			while (off < n) {
				ssize_t w = write(p[1], input + off, n - off);
				if (w < 0 && errno == EINTR)
					continue;
				if (w <= 0)
					break; /* xauth is gone (EPIPE: SIGPIPE is ignored here) */
				off += (size_t)w;
			}
		}
		close(p[1]);
	}
	if (pid > 0 && wait)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

void svr_x11_child(const struct svr_x11 *x)
{
	char in[2 * (32 + X11_MAX_PROTO + 2 * X11_MAX_COOKIE)];
	const char *const args[] = {"-q", "-f", x->authfile, "-", NULL};
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);

	/* OpenSSH's sequence: an old entry for the display goes first */
	snprintf(in, sizeof(in), "remove unix:%u.%u\nadd unix:%u.%u %s %s\n", x->display,
	         x->screen, x->display, x->screen, x->proto, x->cookie);
	run_xauth(args, in, NULL, 1);
	wipe(in, sizeof(in));
	signal(SIGPIPE, old);
}

static void unlink_display(struct svr_x11 *x)
{
	struct svr_x11 **pp;

	for (pp = &displays; *pp; pp = &(*pp)->next)
		if (*pp == x) {
			*pp = x->next;
			break;
		}
}

void svr_x11_end(struct svr_x11 *x)
{
	char disp[32];
	const char *args[] = {"-q", "-f", x->authfile, "remove", disp, NULL};
	int keep[FWD_LISTEN_FDS + 1], i, k = 0;

	if (!x)
		return;
	unlink_display(x);
	if (x->owner == getpid()) {
		/* xauth runs on its own (reaped with the session's children); it holds the
		 * display's sockets until the entry is gone */
		snprintf(disp, sizeof(disp), "unix:%u.%u", x->display, x->screen);
		for (i = 0; i < FWD_LISTEN_FDS; i++)
			if (x->l.fds[i] >= 0)
				keep[k++] = x->l.fds[i];
		keep[k] = -1;
		run_xauth(args, NULL, keep, 0);
		fwd_listener_close(&x->l);
		dbg(1, "X11 display localhost:%u closed", x->display);
	}
	wipe(x->cookie, sizeof(x->cookie));
	free(x);
}

void svr_x11_cleanup(void)
{
	while (displays)
		svr_x11_end(displays);
}

/* The file xauth is to use: XAUTHORITY as the session's child will have it (an
 * environment="" option from authorized_keys wins, as in svr-env.c; else the server's own
 * environment under -e; env requests cannot set it), relative to the home directory the
 * child starts in, or ~/.Xauthority. Named with -f both when the entry is added (in the
 * child) and when it is removed (here, at the session's end), so both touch one file.
 * 0, or ERR_TOOBIG. */
static int auth_file(struct conn *c, char *out, size_t outsz)
{
	const struct svr_restrict *rs = &c->srv->restrict_;
	const char *v = NULL, *home = c->srv->user.home;
	int i, n;

	for (i = 0; i < rs->nenvironment; i++)
		if (rs->environment[i] && strncmp(rs->environment[i], "XAUTHORITY=", 11) == 0)
			v = rs->environment[i] + 11;
	if (!v && c->srv->opts->pass_env)
		v = getenv("XAUTHORITY");
	if (!v || !*v)
		n = snprintf(out, outsz, "%s/.Xauthority", home);
	else if (*v == '/')
		n = snprintf(out, outsz, "%s", v);
	else
		n = snprintf(out, outsz, "%s/%s", home, v);
	return n < 0 || (size_t)n >= outsz ? ERR_TOOBIG : 0;
}

/* The reasons to refuse before anything is made, or NULL. */
static const char *refusal(struct conn *c, struct chansess *s)
{
	if (c->srv->opts->no_x11_fwd)
		return "disabled (-x)";
	if (c->srv->restrict_.no_x11_fwd)
		return "no-X11-forwarding in authorized_keys";
	if (s->x11)
		return "already forwarding X11 on this session";
	if (s->pid)
		return "the session has started";
	if (access(DB_XAUTH_PATH, X_OK) != 0)
		return "no xauth program (" DB_XAUTH_PATH ")";
	return NULL;
}

int svr_x11_req(struct conn *c, struct channel *ch, int want_reply, struct buf *b)
{
	struct chansess *s = ch->priv;
	struct svr_x11 *x;
	char proto[X11_MAX_PROTO + 1], cookie[2 * X11_MAX_COOKIE + 1], disp[32];
	const char *why;
	uint32_t screen;
	int single, r;

	(void)want_reply;
	/* RFC 4254 6.3.1: boolean single connection, string x11 authentication protocol,
	 * string x11 authentication cookie, uint32 x11 screen number */
	r = buf_get_bool(b, &single);
	r = r ? r : buf_get_cstr(b, proto, sizeof(proto));
	r = r ? r : buf_get_cstr(b, cookie, sizeof(cookie));
	r = r ? r : buf_get_u32(b, &screen);
	r = r ? r : buf_end(b);
	if (r == ERR_TOOBIG || r == ERR_FORMAT) {
		log_msg(LOG_INFO, "X11 forwarding refused: protocol name or cookie too long");
		r = 0;
		goto out;
	}
	if (r)
		goto out;
	if ((why = refusal(c, s)) == NULL && (x11_req_check(proto, cookie) || screen > 65535))
		why = "bad authentication protocol, cookie or screen";
	if (why) {
		log_msg(LOG_INFO, "X11 forwarding refused: %s", why);
		r = 0;
		goto out;
	}
	if (!(x = calloc(1, sizeof(*x)))) {
		r = ERR_NOMEM;
		goto out;
	}
	if (auth_file(c, x->authfile, sizeof(x->authfile)) != 0) {
		log_msg(LOG_INFO, "X11 forwarding refused: XAUTHORITY path too long");
		free(x);
		r = 0;
		goto out;
	}
	fwd_listener_init(&x->l);
	if (bind_display(x) != 0) {
		log_msg(LOG_WARNING, "X11 forwarding: no display to listen on: %s", strerror(errno));
		free(x);
		r = 0;
		goto out;
	}
	x->screen = screen;
	x->owner = getpid();
	memcpy(x->proto, proto, sizeof(proto));
	memcpy(x->cookie, cookie, sizeof(cookie));
	x->l.once = single;
	snprintf(disp, sizeof(disp), "localhost:%u.%u", x->display, x->screen);
	if ((r = fwd_listener_start(&x->l, ch->tab, &chan_x11, FWD_DATA_X11)) != 0 ||
	    (r = svr_sess_setenv(ch, "DISPLAY", disp)) != 0) {
		log_msg(LOG_WARNING, "X11 forwarding: %s", err_str(r));
		fwd_listener_close(&x->l);
		wipe(x->cookie, sizeof(x->cookie));
		free(x);
		r = 0;
		goto out;
	}
	s->x11 = x;
	x->next = displays;
	displays = x;
	if (!atexit_set && atexit(svr_x11_cleanup) == 0)
		atexit_set = 1;
	log_msg(LOG_INFO, "X11 forwarding for '%s' on display %s%s", c->srv->user.name, disp,
	        single ? " (single connection)" : "");
	r = 1;
out:
	wipe(cookie, sizeof(cookie));
	return r;
}

#endif /* DB_X11FWD */
