/* svr-streamlocal.c: Unix-domain socket forwarding on the server (OpenSSH's PROTOCOL 2.4).
 *
 * direct-streamlocal@openssh.com (ssh -L port:/path): we connect to the socket at the
 * path. streamlocal-forward@openssh.com (ssh -R /path:...): we make a listening socket
 * at the path (mode 0600 through the umask, as OpenSSH's StreamLocalBindMask 0177; an
 * existing file is never replaced) whose connections become
 * forwarded-streamlocal@openssh.com channels to the client; cancel-streamlocal-forward
 * or the end of the connection closes it and removes the file.
 *
 * Every file operation (connect, bind, unlink) is done by this process, which runs as
 * the user by now (svr_user_drop): the kernel checks the user's own permissions, never
 * root's (Dropbear's CVE-2025-14282 came from doing this as root). We check that once
 * more before touching anything. Refused under a forced command (authorized_keys
 * command= or -c: the key was meant for that command only), no-port-forwarding /
 * restrict, and -j (direct) / -k (forward), as Dropbear and OpenSSH do. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fwdnet.h"
#include "fwdspec.h"
#include "log.h"
#include "svr-fwd.h"

#if DB_STREAMLOCAL

/* One connection per process: this is the connection's state. */
static struct fwd_listener *slfwd[DB_MAX_SVR_LISTENERS];
static pid_t sl_owner; /* forked children (sessions) must not remove the sockets */

/* NULL when allowed, else why not (for the log). */
static const char *refusal(struct conn *c, int remote)
{
	const struct svr_restrict *rs = &c->srv->restrict_;
	const struct svr_opts *o = c->srv->opts;

	if (rs->no_port_fwd)
		return "no-port-forwarding";
	if (rs->command || o->forced_command)
		return "a forced command";
	if (remote ? o->no_remote_fwd : o->no_local_fwd)
		return remote ? "remote forwarding disabled (-k)" : "local forwarding disabled (-j)";
	/* the kernel must check the user's permissions, not ours */
	if (geteuid() != c->srv->user.uid || getuid() != c->srv->user.uid)
		return "not running as the user";
	return NULL;
}

static int direct_open(struct conn *c, struct channel *ch, struct buf *extra)
{
	char path[FWD_MAX_SOCK_PATH];
	const char *why;
	int r;

	r = fwd_parse_streamlocal(extra, FWD_SL_DIRECT, path, sizeof(path));
	if (r == ERR_INVALID) {
		log_msg(LOG_INFO, "direct-streamlocal refused: bad socket path");
		snprintf(ch->fail_text, sizeof(ch->fail_text), "bad socket path");
		return SSH_OPEN_CONNECT_FAILED;
	}
	if (r)
		return r;
	if ((why = refusal(c, 0)) != NULL) {
		log_msg(LOG_INFO, "direct-streamlocal to %s refused: %s", path, why);
		snprintf(ch->fail_text, sizeof(ch->fail_text), "port forwarding disabled");
		return SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
	dbg(1, "direct-streamlocal to %s", path);
	r = fwd_connect_unix(c, ch, path);
	if (r == SSH_OPEN_CONNECT_FAILED)
		log_msg(LOG_INFO, "direct-streamlocal to %s failed: %s", path, strerror(errno));
	return r;
}

const struct chan_type svr_chan_direct_streamlocal = {
        .name = "direct-streamlocal@openssh.com",
        .open = direct_open,
        .cleanup = fwd_chan_cleanup,
};

static const struct chan_type chan_forwarded_streamlocal = {
        .name = "forwarded-streamlocal@openssh.com",
        .confirmed = fwd_chan_confirmed,
        .open_failed = fwd_chan_open_failed,
        .cleanup = fwd_chan_cleanup,
};

static int find(const char *path)
{
	int i;

	for (i = 0; i < DB_MAX_SVR_LISTENERS; i++)
		if (slfwd[i] && strcmp(slfwd[i]->host, path) == 0)
			return i;
	return -1;
}

void svr_streamlocal_cleanup(void)
{
	int i;

	if (sl_owner != getpid())
		return;
	for (i = 0; i < DB_MAX_SVR_LISTENERS; i++)
		if (slfwd[i]) {
			struct fwd_listener *l = slfwd[i];
			slfwd[i] = NULL; /* first: the signal handler looks at slfwd */
			fwd_listener_close(l); /* unlinks the socket */
			free(l);
		}
}

static void sl_atexit(void)
{
	svr_streamlocal_cleanup();
}

/* SIGTERM / SIGHUP end the process without atexit: remove the files from the handler
 * (unlink and getpid are async-signal-safe), then die of the signal as before. */
static void sl_on_signal(int sig)
{
	int i;

	if (sl_owner == getpid())
		for (i = 0; i < DB_MAX_SVR_LISTENERS; i++)
			if (slfwd[i] && slfwd[i]->unix_path[0])
				(void)unlink(slfwd[i]->unix_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int forward(struct chan_table *t, struct buf *b)
{
	struct conn *c = t->c;
	char path[FWD_MAX_SOCK_PATH];
	struct fwd_listener *l;
	const char *why;
	mode_t old;
	int r, slot;

	r = fwd_parse_streamlocal(b, FWD_SL_REQUEST, path, sizeof(path));
	if (r == ERR_INVALID) {
		log_msg(LOG_INFO, "streamlocal-forward refused: bad socket path");
		return 0;
	}
	if (r)
		return r;
	if ((why = refusal(c, 1)) != NULL) {
		log_msg(LOG_INFO, "streamlocal-forward %s refused: %s", path, why);
		return 0;
	}
	if (find(path) >= 0) {
		log_msg(LOG_INFO, "streamlocal-forward %s refused: already forwarded", path);
		return 0;
	}
	for (slot = 0; slot < DB_MAX_SVR_LISTENERS && slfwd[slot]; slot++)
		;
	if (slot == DB_MAX_SVR_LISTENERS || !(l = malloc(sizeof(*l)))) {
		log_msg(LOG_INFO, "streamlocal-forward %s refused: too many forwardings", path);
		return 0;
	}
	fwd_listener_init(l);
	old = umask(0177); /* the socket: the user only (OpenSSH's StreamLocalBindMask) */
	r = fwd_listen_unix(l, path);
	umask(old);
	if (r == 0) {
		snprintf(l->host, sizeof(l->host), "%s", path);
		r = fwd_listener_start(l, t, &chan_forwarded_streamlocal, FWD_DATA_STREAMLOCAL);
	}
	if (r) {
		log_msg(LOG_INFO, "streamlocal-forward %s failed: %s", path,
		        r == ERR_IO ? strerror(errno) : err_str(r));
		/* a socket we did not bind is not ours to remove */
		if (r == ERR_IO || r == ERR_TOOBIG)
			l->unix_path[0] = '\0';
		fwd_listener_close(l);
		free(l);
		return 0;
	}
	if (sl_owner != getpid()) {
		sl_owner = getpid();
		(void)atexit(sl_atexit);
		signal(SIGTERM, sl_on_signal);
		signal(SIGHUP, sl_on_signal);
	}
	slfwd[slot] = l;
	log_msg(LOG_INFO, "remote forwarding: listening on %s for %s", path, c->srv->user.name);
	return 1;
}

static int cancel(struct buf *b)
{
	char path[FWD_MAX_SOCK_PATH];
	int r, i;

	r = fwd_parse_streamlocal(b, FWD_SL_REQUEST, path, sizeof(path));
	if (r == ERR_INVALID)
		return 0;
	if (r)
		return r;
	if ((i = find(path)) < 0)
		return 0;
	{
		struct fwd_listener *l = slfwd[i];
		slfwd[i] = NULL; /* first: the signal handler looks at slfwd */
		fwd_listener_close(l);
		free(l);
	}
	dbg(1, "cancelled remote forwarding %s", path);
	return 1;
}

int svr_streamlocal_request(struct chan_table *t, const char *name, struct buf *b)
{
	if (strcmp(name, "streamlocal-forward@openssh.com") == 0)
		return forward(t, b);
	if (strcmp(name, "cancel-streamlocal-forward@openssh.com") == 0)
		return cancel(b);
	return -1000; /* not ours */
}

#endif /* DB_STREAMLOCAL */
