/* cli-proxy.c: connecting through something else, and being that something (-B).
 *
 * - -J command / ProxyCommand: the command runs under sh -c (OpenSSH's %h %p %r %%
 *   expanded) with one end of a socketpair as its stdin and stdout; we speak SSH on the
 *   other end.
 * - multihop user@h1,user@h2,...,user@hN and ProxyJump: the connection to the last host
 *   runs over `dbclient -B hN:port user@h1,...,user@hN-1`, our own binary executed
 *   directly (never through a shell, so host names are never shell words), which in turn
 *   does the same for its own list. Options that decide how a hop authenticates and
 *   checks host keys are passed down.
 * - -B host:port (netcat mode): no session; stdin and stdout travel through one
 *   direct-tcpip channel (RFC 4254 7.2). dbclient exits when the channel closes.
 *
 * The proxy process gets SIGHUP when we exit (as OpenSSH does with its proxy command). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"
#include "err.h"
#include "fwdnet.h"
#include "log.h"
#include "util.h"

/* Arguments of one inner hop's command line: options, -B, hosts, NULL. */
#define PROXY_MAX_ARGS (2 * CLI_MAX_IDENTITIES + 48)

static pid_t proxy_pid;

static void proxy_atexit(void)
{
	if (proxy_pid > 0)
		(void)kill(proxy_pid, SIGHUP);
}

/* Appends s to out[*n], quoting nothing: these are execv arguments. */
static int add(char **argv, int *n, char *s)
{
	if (!s || *n >= PROXY_MAX_ARGS - 1)
		return ERR_TOOBIG;
	argv[(*n)++] = s;
	argv[*n] = NULL;
	return 0;
}

static char *fmt(const char *f, const char *a, unsigned u)
{
	char *s = NULL;

	if (a ? asprintf(&s, f, a) < 0 : asprintf(&s, f, u) < 0)
		return NULL;
	return s;
}

/* "host:port" for -B, with an IPv6 address in brackets (fwd_parse_hostport). */
static char *hostport(const char *host, unsigned port)
{
	char *s = NULL;

	if (asprintf(&s, strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port) < 0)
		return NULL;
	return s;
}

/* The hop list "user@host/port,..." of hops[0..n-1]. */
static char *hop_list(const struct cli_hop *h, int n)
{
	size_t len = 1;
	char *s, *p;
	int i;

	for (i = 0; i < n; i++)
		len += strlen(h[i].user) + strlen(h[i].host) + 16;
	if (!(s = malloc(len)))
		return NULL;
	p = s;
	for (i = 0; i < n; i++) {
		p += sprintf(p, "%s%s%s%s", i ? "," : "", h[i].user, h[i].user[0] ? "@" : "",
		             h[i].host);
		if (h[i].port)
			p += sprintf(p, "/%u", h[i].port);
	}
	return s;
}

/* ProxyJump "[user@]host[:port][,...]" (ssh_config(5)) as hops; ERR_FORMAT if bad. */
static int parse_jump(const char *v, struct cli_hop *hops, int *n)
{
	char *copy = strdup(v), *save = NULL, *tok;
	uint32_t port;
	int r = 0;

	if (!copy)
		return ERR_NOMEM;
	*n = 0;
	for (tok = strtok_r(copy, ",", &save); tok && !r; tok = strtok_r(NULL, ",", &save)) {
		struct cli_hop *h = &hops[*n];
		if (*n >= DB_MAX_HOPS - 1) {
			r = ERR_TOOBIG;
			break;
		}
		memset(h, 0, sizeof(*h));
		r = fwd_parse_jump(tok, h->user, sizeof(h->user), h->host, sizeof(h->host), &port);
		h->port = port;
		if (!r && (!cli_valid_host(h->host) || !cli_valid_user(h->user)))
			r = ERR_FORMAT; /* it becomes an inner dbclient's argument */
		if (!r)
			(*n)++;
	}
	free(copy);
	return r ? r : *n ? 0 : ERR_FORMAT;
}

/* Options the inner dbclient needs to authenticate and check host keys as we would. */
static int pass_options(const struct cli_opts *o, char **argv, int *n)
{
	static const char *const hk[] = {
	        [CLI_HK_ASK] = NULL,
	        [CLI_HK_YES] = "StrictHostKeyChecking=yes",
	        [CLI_HK_ACCEPT_NEW] = "StrictHostKeyChecking=accept-new",
	        [CLI_HK_NO] = "StrictHostKeyChecking=no",
	        [CLI_HK_OFF] = NULL,
	};
	int r = 0, i;

	for (i = 0; i < o->verbose && !r; i++)
		r = add(argv, n, "-v");
	if (o->quiet && !r)
		r = add(argv, n, "-q");
	if (o->hk_check == CLI_HK_OFF) {
		r = r ? r : add(argv, n, "-y");
		r = r ? r : add(argv, n, "-y");
	} else if ((unsigned)o->hk_check < ARRAY_SIZE(hk) && hk[o->hk_check]) {
		r = r ? r : add(argv, n, "-o");
		r = r ? r : add(argv, n, (char *)hk[o->hk_check]);
	}
	if (o->known_hosts) {
		r = r ? r : add(argv, n, "-o");
		r = r ? r : add(argv, n, fmt("UserKnownHostsFile=%s", o->known_hosts, 0));
	}
	for (i = 0; i < o->nidentity && !r; i++) {
		r = add(argv, n, "-i");
		r = r ? r : add(argv, n, o->identity[i]);
	}
	if (o->batch_mode) {
		r = r ? r : add(argv, n, "-o");
		r = r ? r : add(argv, n, "BatchMode=yes");
	}
	if (o->identities_only) {
		r = r ? r : add(argv, n, "-o");
		r = r ? r : add(argv, n, "IdentitiesOnly=yes");
	}
	if (!o->password_auth) {
		r = r ? r : add(argv, n, "-o");
		r = r ? r : add(argv, n, "PasswordAuthentication=no");
	}
	if (!o->kbd_auth) {
		r = r ? r : add(argv, n, "-o");
		r = r ? r : add(argv, n, "KbdInteractiveAuthentication=no");
	}
	if (!o->pubkey_auth) {
		r = r ? r : add(argv, n, "-o");
		r = r ? r : add(argv, n, "PubkeyAuthentication=no");
	}
	if (o->ciphers) {
		r = r ? r : add(argv, n, "-c");
		r = r ? r : add(argv, n, (char *)o->ciphers);
	}
	if (o->macs) {
		r = r ? r : add(argv, n, "-m");
		r = r ? r : add(argv, n, (char *)o->macs);
	}
	if (o->kex) {
		r = r ? r : add(argv, n, "-o");
		r = r ? r : add(argv, n, fmt("KexAlgorithms=%s", o->kex, 0));
	}
	if (o->connect_timeout) {
		r = r ? r : add(argv, n, "-o");
		r = r ? r : add(argv, n, fmt("ConnectTimeout=%u", NULL, o->connect_timeout));
	}
	return r;
}

/* Starts the proxy on one end of a socketpair: argv executed directly (path) or, with
 * path NULL, argv[2] under sh -c. *fd gets our end. */
static int spawn(const char *path, char *const *argv, int *fd)
{
	int sv[2], saved;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return ERR_IO;
	pid = fork();
	if (pid < 0) {
		saved = errno;
		close(sv[0]);
		close(sv[1]);
		errno = saved;
		return ERR_IO;
	}
	if (pid == 0) {
		/* the child: its stdin and stdout are the socket; stderr stays ours */
		if (dup2(sv[1], 0) < 0 || dup2(sv[1], 1) < 0)
			_exit(255);
		/* dup2 onto itself keeps close-on-exec: when stdin or stdout was closed, the
		 * socket may already be 0 or 1 */
		(void)fcntl(0, F_SETFD, 0);
		(void)fcntl(1, F_SETFD, 0);
		signal(SIGPIPE, SIG_DFL);
		execv(path, argv);
		if (errno == ENOENT && strchr(path, '/') == NULL)
			execvp(path, argv);
		dprintf(STDERR_FILENO, "dbclient: cannot run %s: %s\n", path, strerror(errno));
		_exit(255);
	}
	close(sv[1]);
	proxy_pid = pid;
	atexit(proxy_atexit);
	(void)fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	*fd = sv[0];
	return 0;
}

/* The proxy command with %h %p %r %% expanded (ssh_config(5) TOKENS), for sh -c. */
static char *expand_cmd(const char *cmd, const struct cli_opts *o)
{
	size_t cap = strlen(cmd) + 1, len = 0;
	char *out = malloc(cap), *t;
	const char *p;

	if (!out)
		return NULL;
	for (p = cmd; *p; p++) {
		char num[12];
		const char *ins = NULL;
		size_t n;
		if (p[0] == '%' && p[1]) {
			p++;
			if (*p == 'h')
				ins = o->host;
			else if (*p == 'p')
				snprintf(num, sizeof(num), "%u", o->port), ins = num;
			else if (*p == 'r')
				ins = o->user ? o->user : "";
			else if (*p == '%')
				ins = "%";
			else {
				free(out);
				return NULL;
			}
		}
		n = ins ? strlen(ins) : 1;
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			if (!(t = realloc(out, cap))) {
				free(out);
				return NULL;
			}
			out = t;
		}
		memcpy(out + len, ins ? ins : p, n);
		len += n;
	}
	out[len] = '\0';
	return out;
}

/* Our own executable, for the inner hops. */
static const char *self_path(void)
{
	static char path[DB_MAX_PATH];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n > 0) {
		path[n] = '\0';
		return path;
	}
	return program_invocation_name; /* resolved by execvp when it has no '/' */
}

int cli_proxy_connect(const struct cli_opts *o, int *fd, char *peer, size_t peersz)
{
	char *argv[PROXY_MAX_ARGS];
	struct cli_hop jump[DB_MAX_HOPS];
	const struct cli_hop *hops = o->hops;
	int n = 0, nh = o->nhops - 1, r;

	argv[0] = NULL;
	if (o->nhops <= 1 && o->proxy_cmd) {
		char *cmd = expand_cmd(o->proxy_cmd, o);
		if (!cmd)
			return ERR_INVALID;
		argv[0] = "sh";
		argv[1] = "-c";
		argv[2] = cmd;
		argv[3] = NULL;
		snprintf(peer, peersz, "%s:%u (via proxy command)", o->host, o->port);
		dbg(1, "proxy command: %s", cmd);
		return spawn("/bin/sh", argv, fd);
	}
	if (o->nhops <= 1) {
		/* ProxyJump: its hosts come before the target */
		if (!o->proxy_jump || (r = parse_jump(o->proxy_jump, jump, &nh)) != 0)
			return ERR_INVALID;
		hops = jump;
	}
	/* dbclient [options] -B target:port hop1,...,hopN-1: argv[0] "dbclient" picks the
	 * client face of the multi-call binary */
	r = add(argv, &n, "dbclient");
	r = r ? r : pass_options(o, argv, &n);
	if (o->proxy_cmd && o->nhops > 1) { /* the proxy command reaches the first hop */
		r = r ? r : add(argv, &n, "-J");
		r = r ? r : add(argv, &n, (char *)o->proxy_cmd);
	}
	r = r ? r : add(argv, &n, "-o");
	r = r ? r : add(argv, &n, "ProxyJump=none");
	r = r ? r : add(argv, &n, "-B");
	r = r ? r : add(argv, &n, hostport(o->host, o->port));
	r = r ? r : add(argv, &n, hop_list(hops, nh));
	if (r)
		return r;
	snprintf(peer, peersz, "%s:%u (via %s)", o->host, o->port, argv[n - 1]);
	if (log_verbose() > 0) {
		int i;
		for (i = 0; i < n; i++)
			dbg(1, "hop argv[%d] = %s", i, argv[i]);
	}
	return spawn(self_path(), argv, fd);
}

/* ---- -B host:port */

static void netcat_open_failed(struct conn *c, struct channel *ch, uint32_t reason,
                               const char *desc)
{
	(void)ch;
	(void)reason;
	dprintf(STDERR_FILENO, "dbclient: channel to %s:%u refused: %s\n", c->cli->opts->netcat_host,
	        (unsigned)c->cli->opts->netcat_port, desc);
	cli_set_exit_status(255);
}

static int netcat_confirmed(struct conn *c, struct channel *ch, struct buf *b)
{
	(void)c;
	(void)b;
	cli_set_exit_status(0);
	return chan_set_fds(ch, 0, 1, -1, CHAN_ERR_NONE);
}

static void netcat_cleanup(struct conn *c, struct channel *ch)
{
	(void)ch;
	/* the one channel is over: so is dbclient (cli_conn_run exits after the loop), once
	 * connections of -L / -R / -D still open are done, as after a session */
	cli_session_over(c);
}

static const struct chan_type chan_netcat = {
        .name = "direct-tcpip",
        .confirmed = netcat_confirmed,
        .open_failed = netcat_open_failed,
        .cleanup = netcat_cleanup,
};

int cli_netcat_start(struct conn *c)
{
	const struct cli_opts *o = c->cli->opts;
	struct channel *ch;
	struct buf extra;
	int r;

	if ((r = buf_init(&extra, 64, DB_MAX_PAYLOAD)))
		return r;
	/* RFC 4254 7.2: host and port to connect to, then the originator: stdin has no
	 * address, so the loopback one and port 0 as Dropbear sends */
	if ((r = buf_put_cstr(&extra, o->netcat_host)) == 0 &&
	    (r = buf_put_u32(&extra, o->netcat_port)) == 0 &&
	    (r = buf_put_cstr(&extra, "127.0.0.1")) == 0 && (r = buf_put_u32(&extra, 0)) == 0)
		r = chan_open_outgoing(&c->cli->chans, &chan_netcat, &extra, NULL, &ch);
	buf_free(&extra);
	cli_set_exit_status(255);
	return r;
}
