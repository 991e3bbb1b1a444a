/* svr-main.c: dropbear's command line (Dropbear-compatible options) and -Q. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "err.h"
#include "faces.h"
#include "kex.h"
#include "log.h"
#include "packet.h"
#include "server.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "Dropbear server v%s\n"
	        "Usage: dropbear [options]\n"
	        "-r keyfile      Host key file (repeatable; one key of each type)\n"
	        "                default: %s\n"
	        "                         %s\n"
	        "                         %s\n"
	        "-R              Create host keys as required\n"
	        "-F              Don't fork into background\n"
	        "-E              Log to stderr rather than syslog\n"
	        "-P pidfile      Create pid file PIDFILE (default %s)\n"
	        "-p [address:]port\n"
	        "                Listen on specified address and TCP port (repeatable, max %d)\n"
	        "                [IPv6]:port for IPv6 addresses; default: port %s on all "
	        "addresses\n"
	        "-Q kex|key|cipher|mac|compression\n"
	        "                List the algorithms compiled in\n"
	        "-v              Verbose: debug output (repeatable)\n"
	        "-V              Version\n"
	        "-h              This help\n",
	        DB_VERSION, DB_ED25519_HOST_KEY, DB_ECDSA_HOST_KEY, DB_RSA_HOST_KEY, DB_PIDFILE,
	        DB_MAX_LISTEN, DB_DEFAULT_PORT);
}

static int query(const char *what)
{
	size_t i;

	if (strcmp(what, "kex") == 0) {
		for (i = 0; kex_algs[i]; i++)
			printf("%s\n", kex_algs[i]->name);
	} else if (strcmp(what, "key") == 0) {
		char list[512];
		if (hostkeys_sig_algs(list, sizeof(list), "\n") == 0 && list[0])
			printf("%s\n", list);
	} else if (strcmp(what, "cipher") == 0) {
		for (i = 0; cipher_algs[i]; i++)
			printf("%s\n", cipher_name(cipher_algs[i]));
	} else if (strcmp(what, "mac") == 0) {
		for (i = 0; mac_algs[i]; i++)
			printf("%s\n", mac_name(mac_algs[i]));
	} else if (strcmp(what, "compression") == 0) {
		for (i = 0; comp_algs[i]; i++)
			printf("%s\n", comp_algs[i]);
	} else {
		fprintf(stderr,
		        "dropbear: -Q: unknown query '%s' (kex, key, cipher, mac, compression)\n",
		        what);
		return 1;
	}
	return 0;
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
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t j;

		if (a[0] != '-' || !a[1]) {
			fprintf(stderr, "dropbear: unexpected argument '%s'\n", a);
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
			case 'V':
				fprintf(stderr, "Dropbear v%s\n", DB_VERSION);
				return 0;
			case 'h':
				usage(stdout);
				return 0;
			case 'p':
			case 'r':
			case 'P':
			case 'Q':
				break;
			default:
				fprintf(stderr, "dropbear: unknown option '-%c' (see -h)\n", ch);
				return 1;
			}
			arg = a[j + 1] ? a + j + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!arg || !*arg) {
				fprintf(stderr, "dropbear: option -%c needs an argument\n", ch);
				return 1;
			}
			if (ch == 'p') {
				if (o.nlisten == DB_MAX_LISTEN) {
					fprintf(stderr, "dropbear: at most %d -p options\n",
					        DB_MAX_LISTEN);
					return 1;
				}
				o.listen[o.nlisten++] = arg;
			} else if (ch == 'r') {
				if (o.nhostkey_files == SVR_MAX_HOSTKEY_FILES) {
					fprintf(stderr, "dropbear: at most %d -r options\n",
					        SVR_MAX_HOSTKEY_FILES);
					return 1;
				}
				o.hostkey_files[o.nhostkey_files++] = arg;
			} else if (ch == 'P') {
				o.pidfile = arg;
			} else {
				q = arg;
			}
			break; /* the argument ended this word */
		}
	}
	if (crypto_init() != 0) {
		fprintf(stderr, "dropbear: cannot initialise the crypto library\n");
		return 1;
	}
	if (q)
		return query(q);
	/* Start-up errors also go to the terminal; svr_listen_run settles on syslog. */
	log_init("dropbear", o.log_stderr ? LOG_TO_STDERR : LOG_TO_STDERR | LOG_TO_SYSLOG);
	log_set_verbose(verbose);
	if (hostkeys_load(&hk, o.hostkey_files, o.nhostkey_files, o.gen_hostkeys))
		return 1;
	r = svr_listen_run(&o, &hk);
	return r ? 1 : 0;
}
