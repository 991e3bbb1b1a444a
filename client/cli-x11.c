/* cli-x11.c: X11 forwarding on the client (-X, -Y, ForwardX11; RFC 4254 6.3).
 *
 * Before the shell or command, we read DISPLAY and its real cookie (`xauth list
 * DISPLAY`, MIT-MAGIC-COOKIE-1) and send x11-req with a random fake cookie of the same
 * length: the server and whoever can read the remote ~/.Xauthority only ever see the
 * fake. Each "x11" channel the server then opens is confirmed without an fd; what it
 * sends waits in the channel's queue (chan_type.held) until the X11 connection setup
 * message is whole. It must carry MIT-MAGIC-COOKIE-1 and the fake cookie (compared in
 * constant time, common/x11proto.c); then the real cookie takes its place in the queue,
 * we connect to the local display (the unix socket /tmp/.X11-unix/XN for ":N" and
 * "unix:N", TCP port 6000 + N for "host:N") and the channel carries the rest. Anything
 * else closes the channel before a byte reaches the display.
 *
 * Which real cookie (get_cookie): -Y (ForwardX11Trusted yes) the display's own from
 * `xauth list`, or made up when there is none; -X alone (ForwardX11Trusted no, as in
 * OpenSSH) an untrusted one the X server generates for us (`xauth generate ... untrusted`,
 * the X SECURITY extension: no access to other clients' windows, no input grabbing), and
 * no forwarding at all when that fails (an X server without SECURITY). */
#include "client.h"

#if DB_X11FWD

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli-fwd.h"
#include "crypto.h"
#include "err.h"
#include "log.h"
#include "resolve.h"
#include "util.h"
#include "x11proto.h"

/* How long one xauth run may take (it waits for a lock file at worst). */
#define XAUTH_TIMEOUT_MS 10000
/* How long a connect to a TCP display may block (a local display connects at once). */
#define DISPLAY_CONNECT_MS 5000

static struct {
	int requested;     /* x11-req sent: the server may open x11 channels */
	int reply_pending; /* its answer has not come */
	struct x11_display disp;
	uint8_t real[X11_MAX_COOKIE], fake[X11_MAX_COOKIE];
	size_t cookie_len;
} x11;

/* One x11 channel until its setup is checked. */
struct x11_chan {
	struct conn *c;
	struct channel *ch;
	struct loop_timer timer;
};

/* Runs xauth with argv (argv[0] "xauth"; stdin /dev/null, stderr ours unless quiet) and
 * a bounded wait; the first line of its stdout goes into out (NUL-terminated). Returns
 * that line's length, or -1 when xauth could not run, was killed or exited non-zero. */
static int xauth_run(char *const argv[], int quiet, char *out, size_t outsz)
{
	int p[2], dn, st = -1;
	size_t n = 0;
	uint64_t deadline = loop_now_ms() + XAUTH_TIMEOUT_MS;
	pid_t pid;

	out[0] = 0;
	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dn = open("/dev/null", O_RDWR);
		if (dn >= 0) {
			dup2(dn, 0);
			if (quiet)
				dup2(dn, 2);
		}
		dup2(p[1], 1);
		execv(DB_XAUTH_PATH, argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	while (n + 1 < outsz) {
		struct pollfd pf = {p[0], POLLIN, 0};
		uint64_t now = loop_now_ms();
		ssize_t k;
		if (now >= deadline || poll(&pf, 1, (int)(deadline - now)) == 0) {
			kill(pid, SIGKILL);
			break;
		}
		k = read(p[0], out + n, outsz - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	close(p[0]);
	if (n + 1 >= outsz)
		kill(pid, SIGKILL); /* more than we read: no use */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	out[n] = 0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return (int)strcspn(out, "\n");
}

/* The cookie to give X clients (x11.real): the display's own (trusted), or (untrusted,
 * OpenSSH's ForwardX11Trusted no) one the X server makes with `xauth generate ...
 * untrusted`, which its SECURITY extension keeps from other clients' windows and input.
 * The generated entry goes into a file in a private directory (mkdtemp: 0700, in $TMPDIR
 * or /tmp), both removed as soon as it has been read. 0; ERR_UNSUPPORTED when nothing may be forwarded. */
static int get_cookie(const char *display, int trusted)
{
	char line[1024], xdisp[300], dir[256], file[sizeof(dir) + 16], tmo[16];
	const char *tmp = getenv("TMPDIR");
	int n = -1, generated = 0;

	/* as OpenSSH: xauth files a local display under the local family ("unix:N") */
	if (strncmp(display, "localhost:", 10) == 0)
		snprintf(xdisp, sizeof(xdisp), "unix:%s", display + 10);
	else
		snprintf(xdisp, sizeof(xdisp), "%s", display);
	if (!trusted) {
		if (!tmp || tmp[0] != '/' || strlen(tmp) > sizeof(dir) - 32)
			tmp = "/tmp";
		snprintf(dir, sizeof(dir), "%s/dbclient-x11-XXXXXX", tmp);
		if (mkdtemp(dir)) {
			char *gen[] = {"xauth", "-f", file, "generate", xdisp, X11_PROTO_MIT,
			               "untrusted", "timeout", tmo, NULL};
			char *list[] = {"xauth", "-f", file, "list", xdisp, NULL};
			snprintf(file, sizeof(file), "%s/xauthfile", dir);
			/* the X server drops an untrusted cookie nobody has used for this long */
			snprintf(tmo, sizeof(tmo), "%u", (unsigned)DB_X11_UNTRUSTED_TIMEOUT);
			if (xauth_run(gen, 1, line, sizeof(line)) >= 0) {
				generated = 1;
				n = xauth_run(list, 1, line, sizeof(line));
			}
			(void)unlink(file);
			(void)rmdir(dir);
		}
		if (!generated) {
			/* OpenSSH's words; it forwards nothing then either */
			log_msg(LOG_WARNING, "Warning: untrusted X11 forwarding setup failed: xauth "
			                     "key data not generated");
			return ERR_UNSUPPORTED;
		}
	} else {
		char *list[] = {"xauth", "list", xdisp, NULL};
		n = xauth_run(list, 0, line, sizeof(line));
	}
	if (n <= 0 || x11_xauth_line(line, (size_t)n, x11.real, &x11.cookie_len) != 0) {
		wipe(line, sizeof(line));
		if (!trusted) {
			log_msg(LOG_WARNING, "Warning: untrusted X11 forwarding setup failed: xauth "
			                     "key data not generated");
			return ERR_UNSUPPORTED;
		}
		/* as OpenSSH: an X server without access control still works */
		log_msg(LOG_WARNING, "Warning: No xauth data; using fake authentication data for "
		                     "X11 forwarding.");
		x11.cookie_len = 16;
		return rand_bytes(x11.real, x11.cookie_len);
	}
	wipe(line, sizeof(line));
	dbg(1, "X11: %s cookie for %s", trusted ? "trusted" : "untrusted (generated)", xdisp);
	return 0;
}

/* The cookies live as long as dbclient: wiped on its way out. */
static void x11_wipe(void)
{
	wipe(&x11, sizeof(x11));
}

#ifdef DB_FUZZ
void cli_x11_fuzz_reset(void)
{
	x11_wipe();
}
#endif

int cli_x11_request(struct conn *c, struct channel *ch)
{
	const char *display = getenv("DISPLAY");
	char hex[2 * X11_MAX_COOKIE + 1];
	struct buf d;
	int r;

	if (!display || !*display) {
		log_msg(LOG_WARNING, "X11 forwarding requested but DISPLAY not set");
		return 0;
	}
	if (x11_display_parse(display, &x11.disp) != 0) {
		log_msg(LOG_WARNING, "X11 forwarding: DISPLAY '%.64s' not understood", display);
		return 0;
	}
#ifdef DB_FUZZ
	/* once per connection is once per process, but not in the fuzzing build, whose
	 * cli_x11_fuzz_reset wipes instead */
#else
	(void)atexit(x11_wipe);
#endif
	if ((r = get_cookie(display, c->cli->opts->x11_trusted)) == ERR_UNSUPPORTED)
		return 0; /* the session goes on without X11 */
	if (r)
		return r;
	if ((r = rand_bytes(x11.fake, x11.cookie_len)))
		return r;
	x11_hex(x11.fake, x11.cookie_len, hex);
	if ((r = buf_init(&d, 128, 512)))
		return r;
	/* RFC 4254 6.3.1: single connection, protocol, cookie, screen */
	if ((r = buf_put_bool(&d, 0)) == 0 && (r = buf_put_cstr(&d, X11_PROTO_MIT)) == 0 &&
	    (r = buf_put_cstr(&d, hex)) == 0 && (r = buf_put_u32(&d, x11.disp.screen)) == 0)
		r = chan_send_request(ch, "x11-req", 1, &d);
	buf_free(&d);
	wipe(hex, sizeof(hex));
	if (r == 0) {
		x11.requested = 1;
		x11.reply_pending = 1;
		dbg(1, "X11 forwarding requested for %s", display);
	}
	return r;
}

int cli_x11_reply(struct conn *c, int success)
{
	(void)c;
	if (!x11.reply_pending)
		return 0;
	x11.reply_pending = 0;
	if (!success) {
		x11.requested = 0;
		/* OpenSSH's words, which scripts and people know */
		log_msg(LOG_WARNING, "X11 forwarding request failed");
	}
	return 1;
}

/* A connected socket to the local display, or -1 (logged). */
static int connect_display(void)
{
	int fd;

	if (!x11.disp.host[0]) {
		struct sockaddr_un sun;
		socklen_t len;
		int abstract;
		/* the path first; Linux X servers also listen on the same name in the
		 * abstract namespace, which a chroot or a private /tmp cannot hide */
		for (abstract = 0; abstract < 2; abstract++) {
			memset(&sun, 0, sizeof(sun));
			sun.sun_family = AF_UNIX;
			snprintf(sun.sun_path + abstract, sizeof(sun.sun_path) - 1,
			         "/tmp/.X11-unix/X%u", x11.disp.num);
			len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract +
			                  strlen(sun.sun_path + abstract) + !abstract);
			fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (fd < 0)
				break;
			if (connect(fd, (struct sockaddr *)&sun, len) == 0)
				return fd;
			close(fd);
		}
		log_msg(LOG_WARNING, "X11 forwarding: cannot connect to display :%u: %s",
		        x11.disp.num, strerror(errno));
		return -1;
	} else {
		struct addrinfo hints, *ai, *a;
		char port[12];
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		snprintf(port, sizeof(port), "%u", X11_TCP_PORT + x11.disp.num);
		if (resolve(x11.disp.host, port, &hints, &ai) != 0) {
			log_msg(LOG_WARNING, "X11 forwarding: unknown display host %.64s",
			        x11.disp.host);
			return -1;
		}
		for (fd = -1, a = ai; a && fd < 0; a = a->ai_next) {
			struct pollfd pf;
			int err = 0;
			socklen_t el = sizeof(err);
			fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			            a->ai_protocol);
			if (fd < 0)
				continue;
			if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
				break;
			pf.fd = fd;
			pf.events = POLLOUT;
			if (errno == EINPROGRESS && poll(&pf, 1, DISPLAY_CONNECT_MS) == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0)
				break;
			close(fd);
			fd = -1;
		}
		resolve_free(ai);
		if (fd < 0)
			log_msg(LOG_WARNING, "X11 forwarding: cannot connect to display %.64s:%u",
			        x11.disp.host, x11.disp.num);
		return fd;
	}
}

static void x11_timeout(void *arg)
{
	struct x11_chan *p = arg;

	log_msg(LOG_INFO, "X11 channel %u: no connection setup in time: closed",
	        p->ch->local_id);
	chan_close(p->ch);
}

static int x11_open(struct conn *c, struct channel *ch, struct buf *extra)
{
	const uint8_t *addr;
	size_t alen;
	uint32_t port;
	struct x11_chan *p;
	int r;

	/* RFC 4254 6.3.2: string originator address, uint32 originator port */
	if ((r = buf_get_string(extra, &addr, &alen)) || (r = buf_get_u32(extra, &port)) ||
	    (r = buf_end(extra)))
		return r;
	if (!x11.requested) {
		/* a server must not reach our display unless we asked */
		log_msg(LOG_WARNING, "server opened an X11 channel without -X: refused");
		snprintf(ch->fail_text, sizeof(ch->fail_text), "X11 forwarding not requested");
		return SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
	if (!(p = calloc(1, sizeof(*p))))
		return SSH_OPEN_RESOURCE_SHORTAGE;
	p->c = c;
	p->ch = ch;
	ch->priv = p;
	loop_timer_set(c->loop, &p->timer, DB_X11_SETUP_TIMEOUT_MS, x11_timeout, p);
	return 0; /* confirmed; the data waits for x11_held */
}

static void x11_held(struct conn *c, struct channel *ch)
{
	struct x11_chan *p = ch->priv;
	size_t off = 0;
	int r, fd;

	if (!buf_avail(&ch->wq))
		return; /* nothing held (data after our CLOSE is dropped) */
	r = x11_setup_check(buf_ptr(&ch->wq), buf_avail(&ch->wq), X11_PROTO_MIT, x11.fake,
	                    x11.cookie_len, &off);
	if (r == ERR_AGAIN)
		return;
	loop_timer_cancel(c->loop, &p->timer);
	if (r) {
		log_msg(LOG_WARNING, "X11 connection rejected because of wrong authentication.");
		chan_close(ch);
		return;
	}
	/* the queue is ours (an owned buffer) until chan_set_fds writes it out */
	memcpy(ch->wq.data + ch->wq.pos + off, x11.real, x11.cookie_len);
	if ((fd = connect_display()) < 0) {
		chan_close(ch);
		return;
	}
	if ((r = chan_set_fds(ch, fd, fd, -1, CHAN_ERR_NONE)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "X11 channel: %s", err_str(r));
	chan_poke(ch);
}

static void x11_cleanup(struct conn *c, struct channel *ch)
{
	struct x11_chan *p = ch->priv;

	if (!p)
		return;
	loop_timer_cancel(c->loop, &p->timer);
	free(p);
	ch->priv = NULL;
}

const struct chan_type cli_chan_x11 = {
        .name = "x11",
        .open = x11_open,
        .cleanup = x11_cleanup,
        .held = x11_held,
};

#endif /* DB_X11FWD */
