/* svr-main.c: dropbear's command line (Dropbear-compatible options) and -Q. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "dropbear_usagez.h"
#include "err.h"
#include "faces.h"
#include "fmt.h"
#include "kex.h"
#include "log.h"
#include "packet.h"
#include "server.h"

/* The text and dropbear(8) both come from doc/dropbear.opts (contrib/mkface.awk). */
static void usage(int fd)
{
	FACE_PUT_USAGE(fd);
}

/* A whole decimal number in [min, max]; 0 on success, one line and -1 otherwise. */
static int number(char opt, const char *arg, unsigned long min, unsigned long max,
                  unsigned long *out)
{
	unsigned long long v;

	if (fmt_parse_whole(arg, 10, max, &v) != 0 || v < min) {
		dprintf(STDERR_FILENO, "dropbear: -%c: '%s' is not a number from %lu to %lu\n", opt,
		        arg, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int query(const char *what)
{
	size_t i;

	if (strcmp(what, "kex") == 0) {
		for (i = 0; kex_algs[i]; i++)
			dprintf(STDOUT_FILENO, "%s\n", kex_algs[i]->name);
	} else if (strcmp(what, "key") == 0) {
		char list[512];
		if (hostkeys_sig_algs(list, sizeof(list), "\n") == 0 && list[0])
			dprintf(STDOUT_FILENO, "%s\n", list);
	} else if (strcmp(what, "cipher") == 0) {
		for (i = 0; cipher_algs[i]; i++)
			dprintf(STDOUT_FILENO, "%s\n", cipher_name(cipher_algs[i]));
	} else if (strcmp(what, "mac") == 0) {
		for (i = 0; mac_algs[i]; i++)
			dprintf(STDOUT_FILENO, "%s\n", mac_name(mac_algs[i]));
	} else if (strcmp(what, "compression") == 0) {
		for (i = 0; comp_algs[i]; i++)
			dprintf(STDOUT_FILENO, "%s\n", comp_algs[i]);
	} else {
		dprintf(STDERR_FILENO, "dropbear: -Q: unknown query '%s' (kex, key, cipher, mac, compression)\n",
		        what);
		return 1;
	}
	return 0;
}

/* The hidden --connection FD,PIPE,SIGNER,PEER of a re-executed connection
 * (svr-listen.c). */
static int connection_spec(struct svr_opts *o, const char *spec)
{
	const char *end;
	unsigned long long v[3];
	int i;

	for (i = 0; i < 3; i++) {
		if (fmt_parse_num(spec, &end, 10, INT_MAX, &v[i]) != 0 || *end != ',')
			return -1;
		spec = end + 1;
	}
	if (!*spec)
		return -1;
	o->child_fd = (int)v[0];
	o->child_pipe = (int)v[1];
	o->child_signer = (int)v[2];
	o->child_peer = spec;
	return 0;
}

/* A connection re-executed by the listener: it loads no host key (the listener keeps
 * them and forks a signer when we ask) and runs. */
static int run_connection(struct svr_opts *o, int verbose)
{
	static char ident[32];

	snprintf(ident, sizeof(ident), "dropbear[%d]", (int)getpid());
	log_init(o->log_stderr ? ident : "dropbear",
	         o->log_stderr ? LOG_TO_STDERR | LOG_STAMP : LOG_TO_SYSLOG);
	log_set_verbose(verbose);
	/* the listener spawned us without a word: this is the connection's first line */
	log_msg(LOG_INFO, "Child connection from %s", o->child_peer);
	if (!o->child_algs) {
		log_msg(LOG_ERR, "--connection without --hostkey-algs");
		return 1;
	}
	svr_conn_run(o->child_fd, o->child_peer, o->child_algs, o->child_signer, 0,
	             o->child_pipe, o);
}

/* Host key files by absolute path: the daemon leaves its directory when it goes into
 * the background, and each re-executed connection reads them again. */
static void absolute_keys(struct svr_opts *o)
{
	static char abs[SVR_MAX_HOSTKEY_FILES][PATH_MAX];
	int i;

	for (i = 0; i < o->nhostkey_files; i++)
		if (o->hostkey_files[i][0] != '/' && realpath(o->hostkey_files[i], abs[i]))
			o->hostkey_files[i] = abs[i];
}

/* Dropbear's option syntax: flags may be grouped ("-FE"), an argument may be attached
 * ("-p2222") or the next word. */
int server_main(int argc, char **argv)
{
	struct svr_opts o;
	struct hostkeys hk;
	const char *q = NULL;
	int i, verbose = 0, r;

	memset(&o, 0, sizeof(o));
	o.pidfile = DB_PIDFILE;
	o.max_auth_tries = DB_MAX_AUTH_TRIES;
	o.recv_window = 0; /* grows from DB_RECV_WINDOW up to DB_RECV_WINDOW_GROW */
	o.argc = argc;
	o.argv = argv;
	o.child_fd = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t j;

		if (strcmp(a, "--connection") == 0) {
			if (i + 1 == argc || connection_spec(&o, argv[++i])) {
				dprintf(STDERR_FILENO, "dropbear: --connection: bad argument\n");
				return 1;
			}
			continue;
		}
		if (strcmp(a, "--hostkey-algs") == 0) {
			if (i + 1 == argc) {
				dprintf(STDERR_FILENO, "dropbear: --hostkey-algs: missing argument\n");
				return 1;
			}
			o.child_algs = argv[++i];
			continue;
		}
		if (a[0] != '-' || !a[1]) {
			dprintf(STDERR_FILENO, "dropbear: unexpected argument '%s'\n", a);
			return 1;
		}
		for (j = 1; a[j]; j++) {
			const char *arg;
			char ch = a[j];

			switch (ch) {
			case 'F':
				o.foreground = 1;
				continue;
			case 'E':
				o.log_stderr = 1;
				continue;
			case 'R':
				o.gen_hostkeys = 1;
				continue;
			case 'v':
				verbose++;
				continue;
			case 'i': o.inetd = 1; continue;
			case 'm': o.no_motd = 1; continue;
			case 'e': o.pass_env = 1; continue;
			case 'w': o.no_root = 1; continue;
			case 's': o.no_password = 1; continue;
			case 'g': o.no_root_password = 1; continue;
			case 'B': o.allow_blank_password = 1; continue;
			case 't': o.two_factor = 1; continue;
			case 'j': o.no_local_fwd = 1; continue;
			case 'k': o.no_remote_fwd = 1; continue;
			case 'a': o.fwd_any_host = 1; continue;
			case 'x': o.no_x11_fwd = 1; continue;
			case 'z': continue; /* Dropbear's "disable QoS": we set no QoS bits */
			case 'V':
				dprintf(STDERR_FILENO, "Dropbear v%s\n", DB_VERSION);
				return 0;
			case 'h':
				usage(STDOUT_FILENO);
				return 0;
			case 'p': case 'r': case 'P': case 'Q': case 'b': case 'D': case 'G':
			case 'T': case 'c': case 'W': case 'K': case 'I': case 'M': case 'S':
				break;
			default:
				dprintf(STDERR_FILENO, "dropbear: unknown option '-%c' (see -h)\n", ch);
				return 1;
			}
			arg = a[j + 1] ? a + j + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!arg || !*arg) {
				dprintf(STDERR_FILENO, "dropbear: option -%c needs an argument\n", ch);
				return 1;
			}
			if (ch == 'p') {
				if (o.nlisten == DB_MAX_LISTEN) {
					dprintf(STDERR_FILENO, "dropbear: at most %d -p options\n",
					        DB_MAX_LISTEN);
					return 1;
				}
				o.listen[o.nlisten++] = arg;
			} else if (ch == 'r') {
				if (o.nhostkey_files == SVR_MAX_HOSTKEY_FILES) {
					dprintf(STDERR_FILENO, "dropbear: at most %d -r options\n",
					        SVR_MAX_HOSTKEY_FILES);
					return 1;
				}
				o.hostkey_files[o.nhostkey_files++] = arg;
			} else if (ch == 'P') {
				o.pidfile = arg;
			} else if (ch == 'Q') {
				q = arg;
			} else if (ch == 'b') {
				o.banner = arg;
			} else if (ch == 'D') {
				o.authkeys_dir = arg;
			} else if (ch == 'G') {
				o.group = arg;
			} else if (ch == 'c') {
				o.forced_command = arg;
			} else if (ch == 'S') {
				o.sftp_server = arg;
			} else {
				unsigned long v;
				if (ch == 'T' && number(ch, arg, 1, 1000, &v) == 0)
					o.max_auth_tries = (unsigned)v;
				else if (ch == 'W' && number(ch, arg, 1, DB_MAX_RECV_WINDOW, &v) == 0)
					o.recv_window = (uint32_t)v;
				else if (ch == 'K' && number(ch, arg, 0, 86400 * 365, &v) == 0)
					o.keepalive = (unsigned)v;
				else if (ch == 'I' && number(ch, arg, 0, 86400 * 365, &v) == 0)
					o.idle_timeout = (unsigned)v;
				else if (ch == 'M' && number(ch, arg, 0, 86400 * 365, &v) == 0)
					o.max_session = (unsigned)v;
				else
					return 1;
			}
			break; /* the argument ended this word */
		}
	}
	if (crypto_init() != 0) {
		dprintf(STDERR_FILENO, "dropbear: cannot initialise the crypto library\n");
		return 1;
	}
	if (q)
		return query(q);
	/* Start-up errors also go to the terminal; svr_listen_run settles on syslog. */
	if (o.child_fd >= 0)
		return run_connection(&o, verbose);
	log_init("dropbear", o.log_stderr ? LOG_TO_STDERR | LOG_STAMP : LOG_TO_STDERR | LOG_TO_SYSLOG);
	log_set_verbose(verbose);
	absolute_keys(&o);
	if (hostkeys_load(&hk, o.hostkey_files, o.nhostkey_files, o.gen_hostkeys))
		return 1;
	/* returns only when the daemon could not start: the keys are wiped before exit */
	r = svr_listen_run(&o, &hk);
	hostkeys_free(&hk);
	return r ? 1 : 0;
}
