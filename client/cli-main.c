/* cli-main.c: dbclient's command line, as Dropbear's dbclient takes it, plus OpenSSH's
 * -o keywords and ~/.ssh/config for the programs and people used to ssh.
 *
 * Options come before and after the host; the first argument after the host that is not
 * an option starts the remote command. OpenSSH options we do not implement are ignored
 * so that programs which run ssh keep working (scp passes -x and a row of -o; git -o
 * SendEnv); those that change nothing for us (-a, -k, -oCheckHostIP=no, ...) are
 * ignored silently unless -v, the others with one warning on stderr (none with -q). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <strings.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "crypto.h"
#include "dbclient_usagez.h"
#include "err.h"
#include "faces.h"
#include "fmt.h"
#include "kex.h"
#include "knownhosts.h"
#include "log.h"
#include "pwdb.h"
#include "packet.h"
#include "pathglob.h"

#pragma weak cli_proxy_connect

struct cli_opts cli_opts;
static int exit_status = 255;

static void apply_exit_status(void)
{
	/* runs last (registered first): whatever path exit() took, the status is ours
	 * (output is unbuffered: dprintf and write, no stdio) */
	_exit(exit_status);
}

/* A successful early exit (-h, -V, -o help, -c help). */
static _Noreturn void exit_ok(void)
{
	exit_status = 0;
	exit(0);
}

void cli_set_exit_status(int status)
{
	exit_status = status;
}

/* The text and dbclient(1) both come from doc/dbclient.opts (contrib/mkface.awk). */
static void usage(int fd)
{
	FACE_PUT_USAGE(fd);
}

/* One line on stderr ("dbclient: ...", control characters replaced) and status 255: a
 * connection, auth or command-line error (issue: exit 255 with one clear line). */
_Noreturn void cli_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(255);
}

static void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warn(const char *fmt, ...)
{
	char line[600];
	va_list ap;

	if (cli_opts.quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	dprintf(STDERR_FILENO, "dbclient: Warning: %s\n", line);
}

/* $HOME, else the passwd entry's (read into pw) */
static const char *home_dir(struct pwdb_pw *pw)
{
	const char *h = getenv("HOME");

	if (h && *h)
		return h;
	return pwdb_getpwuid(getuid(), pw) && *pw->dir ? pw->dir : "/";
}

char *cli_expand_path(const char *p)
{
	struct pwdb_pw pw;
	char *out;
	const char *h;

	if (p[0] != '~' || (p[1] && p[1] != '/'))
		return strdup(p);
	h = home_dir(&pw);
	if (!(out = malloc(strlen(h) + strlen(p) + 1)))
		return NULL;
	strcpy(out, h);
	strcat(out, p + 1);
	return out;
}

static unsigned number(const char *what, const char *s, unsigned long max)
{
	unsigned long long v;

	if (fmt_parse_whole(s, 10, max, &v) != 0)
		cli_die("%s: '%s' is not a number from 0 to %lu", what, s, max);
	return (unsigned)v;
}

/* Host and user names from the command line end up in %h and %r of a proxy command run
 * by sh -c and in the argument list of an inner hop's dbclient: as OpenSSH (since 9.6,
 * CVE-2023-51385), none may start with '-' or hold shell metacharacters, spaces or
 * controls, whatever a program that handed them to us let through. */
static const char shell_meta[] = "'`\"$\\;&<>|(){}";

int cli_valid_host(const char *s)
{
	size_t i;

	if (s[0] == '-' || s[0] == 0)
		return 0;
	for (i = 0; s[i]; i++)
		if (strchr(shell_meta, s[i]) || (unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] == 0x7f)
			return 0;
	return 1;
}

int cli_valid_user(const char *s)
{
	size_t i;

	if (s[0] == '-')
		return 0;
	for (i = 0; s[i]; i++)
		if (strchr(shell_meta, s[i]) || (unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] == 0x7f || (s[i] == ' ' && s[i + 1] == '-'))
			return 0;
	return 1;
}

/* [user@]host[/port] */
static void parse_hop(const char *s, struct cli_hop *h)
{
	const char *at = strrchr(s, '@'), *host = at ? at + 1 : s, *slash;
	size_t hl;

	memset(h, 0, sizeof(*h));
	if (at) {
		if ((size_t)(at - s) >= sizeof(h->user) || at == s)
			cli_die("bad user name in '%s'", s);
		memcpy(h->user, s, (size_t)(at - s));
	}
	slash = strchr(host, '/');
	hl = slash ? (size_t)(slash - host) : strlen(host);
	if (hl == 0 || hl >= sizeof(h->host))
		cli_die("bad host name in '%s'", s);
	memcpy(h->host, host, hl);
	if (slash)
		h->port = number("port", slash + 1, 65535);
	if (slash && h->port == 0)
		cli_die("bad port in '%s'", s);
	if (!cli_valid_host(h->host) || !cli_valid_user(h->user))
		cli_die("bad characters in user or host name '%s'", s);
}

static void parse_hosts(struct cli_opts *o, const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;

	if (!copy)
		cli_die("out of memory");
	o->host_arg = arg;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->nhops >= DB_MAX_HOPS)
			cli_die("more than %d hops in '%s'", DB_MAX_HOPS, arg);
		parse_hop(tok, &o->hops[o->nhops++]);
	}
	free(copy);
	if (o->nhops == 0)
		cli_die("no host in '%s'", arg);
}

static void list_algs(const char *what)
{
	int i;

	dprintf(STDOUT_FILENO, "Available %ss:\n", what);
	if (!strcmp(what, "cipher"))
		for (i = 0; cipher_algs[i]; i++)
			dprintf(STDOUT_FILENO, "%s\n", cipher_name(cipher_algs[i]));
	else
		for (i = 0; mac_algs[i]; i++)
			dprintf(STDOUT_FILENO, "%s\n", mac_name(mac_algs[i]));
	exit_ok();
}

/* State of the command line while it is read. */
struct cmdline {
	struct sshcfg cfg; /* -o values: set first, so they win over the files */
	const char *cfgfile;
	const char *port, *user;
	int yes;
	int tty;
	int x11; /* -X 1, -Y 2, -x 0; -1: as the config says */
	int verbose;
};

static void o_option(struct cmdline *cl, const char *arg)
{
	int r;

	if (!strcasecmp(arg, "help")) {
		dprintf(STDOUT_FILENO, "Available options (-o, ~/.ssh/config):\n");
		for (r = 0; r < CFG_NKW; r++)
			dprintf(STDOUT_FILENO, "\t%s\n", sshcfg_keyword_name(r));
		exit_ok();
	}
	r = sshcfg_option(&cl->cfg, arg);
	if (r == ERR_UNSUPPORTED) {
		size_t kl = strcspn(arg, " \t=");
		if (!sshcfg_ignored_keyword(arg, kl) || cl->verbose)
			warn("ignoring unknown option -o %s", arg);
	} else if (r == ERR_TOOBIG) {
		warn("too many -o %s", arg);
	} else if (r) {
		cli_die("bad option -o '%s'", arg);
	}
}

/* OpenSSH options that take an argument, so that their argument is skipped too. */
static int openssh_opt_has_arg(char ch)
{
	return strchr("eEDOPSwQ", ch) != NULL;
}

/* -D / DynamicForward "[bind:]port": 0, or -1 when it does not parse or is one too many. */
static int add_dynamic(struct cli_opts *o, const char *arg)
{
	struct fwdspec *f;

	if (o->ndyn_fwd >= DB_MAX_CLI_FWDS)
		return -1;
	f = &o->dyn_fwd[o->ndyn_fwd];
	memset(f, 0, sizeof(*f));
	/* as -L: an empty bind address ("":port) is every address */
	if (arg[0] == ':' && arg[1]) {
		snprintf(f->listen_host, sizeof(f->listen_host), "*");
		if (fwd_parse_listen(arg + 1, f->connect_host, sizeof(f->connect_host),
		                     &f->listen_port) != 0 || f->connect_host[0])
			return -1;
		f->connect_host[0] = '\0';
	} else if (fwd_parse_listen(arg, f->listen_host, sizeof(f->listen_host),
	                            &f->listen_port) != 0) {
		return -1;
	}
	if (f->listen_port == 0 || f->listen_port > 65535)
		return -1;
	o->ndyn_fwd++;
	return 0;
}

static void parse_args(struct cmdline *cl, int argc, char **argv)
{
	struct cli_opts *o = &cli_opts;
	int i, j, cmd_start = -1, dashdash = 0;
	size_t total = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || a[1] == 0) {
			if (!o->host_arg) {
				parse_hosts(o, a);
				continue;
			}
			cmd_start = i;
			break;
		}
		if (!strcmp(a, "--")) {
			dashdash = 1;
			continue;
		}
		for (j = 1; a[j]; j++) {
			char ch = a[j];
			const char *arg = NULL;
			if (strchr("plioLRWKIBJcmbFeEDOPSwQ", ch)) {
				/* the argument is the rest of this word or the next one */
				if (a[j + 1])
					arg = a + j + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					cli_die("option -%c needs an argument", ch);
			}
			switch (ch) {
			case 'p': cl->port = arg; break;
			case 'l': cl->user = arg; break;
			case 'i': (void)sshcfg_set(&cl->cfg, CFG_IDENTITYFILE, arg); break;
			case 'o': o_option(cl, arg); break;
			case 'F': cl->cfgfile = arg; break;
			case 't': cl->tty = cl->tty >= 1 ? 2 : 1; break;
			case 'T': cl->tty = 0; break;
			case 'N': o->no_cmd = 1; break;
			case 'f': o->background = 1; break;
			case 'q': o->quiet = 1; break;
			case 'y': cl->yes++; break;
			case 's': o->subsystem = 1; break;
			case 'n': o->stdin_null = 1; break;
			case 'A': o->agent_fwd = 1; break;
			case 'X': cl->x11 = 1; break;
			case 'Y': cl->x11 = 2; break;
			case 'x': cl->x11 = 0; break;
			case 'g': o->gateway_ports = 1; break;
			case 'C': o->compression = 1; break;
			case '4': o->family = AF_INET; break;
			case '6': o->family = AF_INET6; break;
			case 'L':
			case 'R': {
				struct fwdspec *f = ch == 'L' ? &o->local_fwd[o->nlocal_fwd]
				                              : &o->remote_fwd[o->nremote_fwd];
				int *n = ch == 'L' ? &o->nlocal_fwd : &o->nremote_fwd;
				if (*n >= DB_MAX_CLI_FWDS)
					cli_die("more than %d -%c forwardings", DB_MAX_CLI_FWDS, ch);
				if (fwd_parse_spec(arg, ch == 'R' ? FWD_LISTEN_PORT0 : 0, f))
					cli_die("bad forwarding -%c '%s'", ch, arg);
				(*n)++;
				break;
			}
			case 'W':
				o->recv_window = number("-W", arg, DB_MAX_RECV_WINDOW);
				if (o->recv_window == 0)
					cli_die("-W: the window must not be 0");
				break;
			case 'K': o->keepalive = number("-K", arg, 1u << 30); break;
			case 'I': o->idle_timeout = number("-I", arg, 1u << 30); break;
			case 'B':
				if (fwd_parse_hostport(arg, 0, o->netcat_host, sizeof(o->netcat_host),
				                       &o->netcat_port))
					cli_die("bad -B '%s': want host:port", arg);
				break;
			case 'J': o->proxy_cmd = arg; break;
			case 'D':
				if (!DB_CLI_SOCKS)
					cli_die("-D is not supported in this build");
				if (add_dynamic(o, arg) != 0)
					cli_die("bad -D '%s': want [bind_address:]port", arg);
				break;
			case 'c':
				if (!strcmp(arg, "help"))
					list_algs("cipher");
				o->ciphers = arg;
				break;
			case 'm':
				if (!strcmp(arg, "help"))
					list_algs("MAC");
				o->macs = arg;
				break;
			case 'b': o->bind_addr = arg; break;
			case 'V': dprintf(STDERR_FILENO, "Dropbear v%s\n", DB_VERSION); exit_ok();
			case 'h': usage(STDOUT_FILENO); exit_ok();
			case 'v': cl->verbose++; break;
			case 'z': case 'M': case 'a': case 'k':
				if (cl->verbose)
					warn("ignoring option -%c", ch);
				break;
			case 'G':
				cli_die("-G is not supported");
			case 'O':
				/* OpenSSH would talk to a ControlMaster's socket; running the command
				 * on a new connection instead would surprise ("-O exit" runs it) */
				cli_die("-O %s: there is no control socket (connection sharing, "
				        "ControlMaster, is not supported): nothing done", arg);
			default:
				if (arg && openssh_opt_has_arg(ch)) {
					if (ch != 'e' || strcmp(arg, "none") != 0)
						warn("ignoring option -%c %s", ch, arg);
				} else {
					warn("ignoring unknown option -%c", ch);
				}
			}
			if (arg)
				break; /* the argument was the rest of this word */
		}
	}
	if (!o->host_arg)
		cli_die("no host given (dbclient -h for help)");
	if (cmd_start > 0) {
		for (i = cmd_start; i < argc; i++)
			total += strlen(argv[i]) + 1;
		if (!(o->command = malloc(total)))
			cli_die("out of memory");
		o->command[0] = 0;
		for (i = cmd_start; i < argc; i++) {
			if (i > cmd_start)
				strcat(o->command, " ");
			strcat(o->command, argv[i]);
		}
	}
}

/* ---- config files */

static void cfg_warn(void *arg, const char *file, unsigned line, const char *msg)
{
	(void)arg;
	warn("%s line %u: %s", file, line, msg);
}

static int cfg_checkperm; /* reading ~/.ssh/config rather than -F */

static int read_text(const char *path, char **text, size_t *n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	size_t got = 0;

	if (fd < 0)
		return ERR_IO;
	if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode)) {
		/* -F /dev/null, as people use with OpenSSH: no configuration */
		close(fd);
		*n = 0;
		return (*text = malloc(1)) ? 0 : ERR_NOMEM;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > DB_CFG_MAX_FILE) {
		close(fd);
		return ERR_INVALID;
	}
	/* a config file runs commands (ProxyCommand): ~/.ssh/config (and what it includes)
	 * that someone else owns or may write is refused, as OpenSSH's "Bad owner or
	 * permissions" (readconf.c); -F files are the user's explicit choice */
	if (cfg_checkperm && ((st.st_uid != 0 && st.st_uid != getuid()) || (st.st_mode & 022))) {
		close(fd);
		cli_die("Bad owner or permissions on %s", path);
	}
	*text = malloc((size_t)st.st_size + 1);
	if (!*text) {
		close(fd);
		return ERR_NOMEM;
	}
	while (got < (size_t)st.st_size) { /* a file that shrank meanwhile: what was there */
		ssize_t r = read(fd, *text + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	*n = got;
	return 0;
}

static int parse_file(struct sshcfg *cfg, const struct sshcfg_ctx *ctx, const char *path,
                      int depth, int must_exist)
{
	char *text = NULL;
	size_t n = 0;
	int r = read_text(path, &text, &n);

	if (r) {
		if (must_exist)
			cli_die("cannot read config file %s: %s", path,
			    r == ERR_IO ? strerror(errno) : err_str(r));
		return 0;
	}
	r = sshcfg_parse(cfg, ctx, path, text, n, depth);
	free(text);
	return r;
}

/* Include: ~ expanded, relative to ~/.ssh, glob patterns (ssh_config(5)). */
static int cfg_include(struct sshcfg *cfg, const struct sshcfg_ctx *ctx, const char *arg,
                       int depth)
{
	char *p, path[DB_MAX_PATH];
	struct pwdb_pw hp;
	struct pathglob g = {0};
	size_t i;
	int r = 0;

	if (arg[0] == '~' || arg[0] == '/')
		p = cli_expand_path(arg);
	else {
		snprintf(path, sizeof(path), "%s/.ssh/%s", home_dir(&hp), arg);
		p = strdup(path);
	}
	if (!p)
		return ERR_NOMEM;
	if (pathglob(p, &g) == 0) {
		for (i = 0; i < g.n && r == 0; i++)
			r = parse_file(cfg, ctx, g.v[i], depth, 0);
		pathglob_free(&g);
	}
	free(p);
	return r;
}

static int yesno_opt(const struct sshcfg *cfg, int kw, int dflt)
{
	const char *v = cfg->val[kw];
	int r;

	if (!v)
		return dflt;
	if ((r = sshcfg_yesno(v)) < 0) {
		warn("%s: '%s' is not yes or no, ignored", sshcfg_keyword_name(kw), v);
		return dflt;
	}
	return r;
}

static void resolve(struct cmdline *cl)
{
	struct cli_opts *o = &cli_opts;
	struct cli_hop *t = &o->hops[o->nhops - 1];
	struct sshcfg *cfg = &cl->cfg;
	struct sshcfg_ctx ctx;
	static struct pwdb_pw me; /* o->user may stay pointing at its name */
	struct pwdb_pw hp;
	const char *v;
	char path[DB_MAX_PATH];
	int i;

	memset(&ctx, 0, sizeof(ctx));
	ctx.host = t->host;
	ctx.localuser = pwdb_getpwuid(getuid(), &me) ? me.name : "";
	ctx.user = t->user[0] ? t->user : cl->user ? cl->user : ctx.localuser;
	ctx.include = cfg_include;
	ctx.warn = cfg_warn;
	ctx.warn_ignored = cl->verbose;
	if (cl->user && !cli_valid_user(cl->user))
		cli_die("bad characters in user name '%s'", cl->user);
	if (cl->user && !cfg->val[CFG_USER] && !t->user[0])
		(void)sshcfg_set(cfg, CFG_USER, cl->user);
	if (cl->cfgfile) {
		if (strcmp(cl->cfgfile, "none") != 0)
			parse_file(cfg, &ctx, cl->cfgfile, 0, 1);
	} else {
		snprintf(path, sizeof(path), "%s/.ssh/config", home_dir(&hp));
		cfg_checkperm = 1;
		parse_file(cfg, &ctx, path, 0, 0);
		cfg_checkperm = 0;
	}

	o->host_alias = t->host;
	o->host = cfg->val[CFG_HOSTNAME] ? cfg->val[CFG_HOSTNAME] : t->host;
	o->user = t->user[0] ? t->user : cfg->val[CFG_USER] ? cfg->val[CFG_USER] : ctx.localuser;
	if (t->port)
		o->port = t->port;
	else if (cl->port)
		o->port = number("-p", cl->port, 65535);
	else if ((v = cfg->val[CFG_PORT]))
		o->port = number("Port", v, 65535);
	else
		o->port = 22;
	if (o->port == 0)
		cli_die("port 0 is not a port");

	o->batch_mode = yesno_opt(cfg, CFG_BATCHMODE, 0);
	o->password_auth = yesno_opt(cfg, CFG_PASSWORDAUTHENTICATION, 1);
	o->kbd_auth = yesno_opt(cfg, CFG_KBDINTERACTIVEAUTHENTICATION, 1);
	o->pubkey_auth = yesno_opt(cfg, CFG_PUBKEYAUTHENTICATION, 1);
	o->identities_only = yesno_opt(cfg, CFG_IDENTITIESONLY, 0);
	o->disable_trivial_auth = yesno_opt(cfg, CFG_DISABLETRIVIALAUTH, 0);
	if (yesno_opt(cfg, CFG_USESYSLOG, 0))
		log_init("dbclient", LOG_TO_STDERR | LOG_TO_SYSLOG); /* as Dropbear's -o */
	o->setenv = cfg->multi[CFG_SETENV - CFG_NSINGLE];
	o->nsetenv = cfg->nmulti[CFG_SETENV - CFG_NSINGLE];
	o->compression = yesno_opt(cfg, CFG_COMPRESSION, o->compression);
	o->exit_on_fwd_failure = yesno_opt(cfg, CFG_EXITONFORWARDFAILURE, 0);
	o->agent_fwd = yesno_opt(cfg, CFG_FORWARDAGENT, o->agent_fwd);
	/* as OpenSSH: -X / -Y / -x win over ForwardX11; -Y means trusted */
	o->x11_fwd = cl->x11 >= 0 ? cl->x11 > 0 : yesno_opt(cfg, CFG_FORWARDX11, 0);
	o->x11_trusted = cl->x11 == 2 || yesno_opt(cfg, CFG_FORWARDX11TRUSTED, 0);
	if (o->x11_fwd && !DB_X11FWD)
		cli_die("X11 forwarding (-X, -Y, ForwardX11) is not supported in this build");
	o->gateway_ports = yesno_opt(cfg, CFG_GATEWAYPORTS, o->gateway_ports);
	if ((v = cfg->val[CFG_CONNECTTIMEOUT]))
		o->connect_timeout = number("ConnectTimeout", v, 86400);
	if ((v = cfg->val[CFG_SERVERALIVEINTERVAL]) && !o->keepalive)
		o->keepalive = number("ServerAliveInterval", v, 1u << 30);
	if (!o->bind_addr)
		o->bind_addr = cfg->val[CFG_BINDADDRESS];
	if (!o->ciphers)
		o->ciphers = cfg->val[CFG_CIPHERS];
	if (!o->macs)
		o->macs = cfg->val[CFG_MACS];
	o->kex = cfg->val[CFG_KEXALGORITHMS];
	if (!o->proxy_cmd && (v = cfg->val[CFG_PROXYCOMMAND]) && strcmp(v, "none") != 0)
		o->proxy_cmd = v;
	if ((v = cfg->val[CFG_PROXYJUMP]) && strcmp(v, "none") != 0)
		o->proxy_jump = v;
	for (i = 0; i < cfg->nmulti[CFG_LOCALFORWARD - CFG_NSINGLE]; i++) {
		const char *s = cfg->multi[CFG_LOCALFORWARD - CFG_NSINGLE][i];
		char spec[DB_MAX_FWD_HOST * 2 + 16], *sp;
		/* "PORT HOST:PORT" is -L PORT:HOST:PORT */
		snprintf(spec, sizeof(spec), "%s", s);
		if ((sp = strchr(spec, ' ')))
			*sp = ':';
		if (o->nlocal_fwd < DB_MAX_CLI_FWDS &&
		    fwd_parse_spec(spec, 0, &o->local_fwd[o->nlocal_fwd]) == 0)
			o->nlocal_fwd++;
		else
			warn("LocalForward '%s' ignored", s);
	}
	for (i = 0; i < cfg->nmulti[CFG_REMOTEFORWARD - CFG_NSINGLE]; i++) {
		const char *s = cfg->multi[CFG_REMOTEFORWARD - CFG_NSINGLE][i];
		char spec[DB_MAX_FWD_HOST * 2 + 16], *sp;
		snprintf(spec, sizeof(spec), "%s", s);
		if ((sp = strchr(spec, ' ')))
			*sp = ':';
		if (o->nremote_fwd < DB_MAX_CLI_FWDS &&
		    fwd_parse_spec(spec, FWD_LISTEN_PORT0, &o->remote_fwd[o->nremote_fwd]) == 0)
			o->nremote_fwd++;
		else
			warn("RemoteForward '%s' ignored", s);
	}

	for (i = 0; i < cfg->nmulti[CFG_DYNAMICFORWARD - CFG_NSINGLE]; i++) {
		const char *s = cfg->multi[CFG_DYNAMICFORWARD - CFG_NSINGLE][i];
		if (!DB_CLI_SOCKS || add_dynamic(o, s) != 0)
			warn("DynamicForward '%s' ignored", s);
	}

	/* host keys: -y/-yy win over StrictHostKeyChecking */
	o->hk_check = CLI_HK_ASK;
	if ((v = cfg->val[CFG_STRICTHOSTKEYCHECKING])) {
		if (!strcasecmp(v, "yes"))
			o->hk_check = CLI_HK_YES;
		else if (!strcasecmp(v, "no") || !strcasecmp(v, "off"))
			o->hk_check = CLI_HK_NO;
		else if (!strcasecmp(v, "accept-new"))
			o->hk_check = CLI_HK_ACCEPT_NEW;
		else if (strcasecmp(v, "ask") != 0)
			warn("StrictHostKeyChecking '%s' unknown, using ask", v);
	}
	if (cl->yes == 1)
		o->hk_check = CLI_HK_ACCEPT_NEW;
	else if (cl->yes >= 2)
		o->hk_check = CLI_HK_OFF;
	if ((v = cfg->val[CFG_USERKNOWNHOSTSFILE])) {
		/* several files may be given: the first is read and written */
		char first[DB_MAX_PATH];
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(v, " \t"), v);
		o->known_hosts = cli_expand_path(first);
	} else {
		snprintf(path, sizeof(path), "%s/.ssh/known_hosts", home_dir(&hp));
		o->known_hosts = strdup(path);
	}
	if (!o->known_hosts)
		cli_die("out of memory");

	/* identities: the named ones, or the defaults that exist */
	for (i = 0; i < cfg->nmulti[CFG_IDENTITYFILE - CFG_NSINGLE]; i++)
		if (o->nidentity < CLI_MAX_IDENTITIES &&
		    (o->identity[o->nidentity] =
		             cli_expand_path(cfg->multi[CFG_IDENTITYFILE - CFG_NSINGLE][i])))
			o->nidentity++;
	if (o->nidentity == 0) {
		static const char *const defaults[] = {"id_dropbear", "id_ed25519", "id_ecdsa",
		                                       "id_rsa"};
		for (i = 0; i < 4; i++) {
			snprintf(path, sizeof(path), "%s/.ssh/%s", home_dir(&hp), defaults[i]);
			if (access(path, R_OK) == 0 && (o->identity[o->nidentity] = strdup(path)))
				o->nidentity++;
		}
	}

	/* the session */
	if ((v = cfg->val[CFG_REQUESTTTY]) && cl->tty < 0) {
		if (!strcasecmp(v, "no"))
			cl->tty = 0;
		else if (!strcasecmp(v, "yes"))
			cl->tty = 1;
		else if (!strcasecmp(v, "force"))
			cl->tty = 2;
	}
	o->tty = cl->tty;
	if (o->subsystem && !o->command)
		cli_die("-s needs a subsystem name as the command");
	o->verbose = cl->verbose;
}

int client_main(int argc, char **argv)
{
	struct cmdline cl;
	char peer[sizeof(((struct conn *)0)->peer)];
	int fd, r;

	atexit(apply_exit_status);
	log_init("dbclient", LOG_TO_STDERR);
	memset(&cl, 0, sizeof(cl));
	cl.tty = -1;
	cl.x11 = -1;
	parse_args(&cl, argc, argv);
	log_set_verbose(cl.verbose);
	if ((r = crypto_init()))
		cli_die("crypto init: %s", err_str(r));
	resolve(&cl);
	signal(SIGPIPE, SIG_IGN);
	if (cli_opts.hk_check == CLI_HK_OFF)
		warn("-yy: the server's host key is not checked");

	if (cli_opts.proxy_cmd || cli_opts.proxy_jump || cli_opts.nhops > 1) {
		if (!cli_proxy_connect)
			cli_die("proxy commands and multihop are not supported in this build");
		if ((r = cli_proxy_connect(&cli_opts, &fd, peer, sizeof(peer))))
			cli_die("cannot connect through the proxy: %s", err_str(r));
	} else {
		fd = cli_connect(&cli_opts);
		snprintf(peer, sizeof(peer), "%s:%u", cli_opts.host, cli_opts.port);
	}
	cli_conn_run(fd, peer);
}
