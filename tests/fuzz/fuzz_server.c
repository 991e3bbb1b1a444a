/* libFuzzer: the server's whole pre-authentication path, end to end, from the client's
 * byte stream: identification, KEXINIT and negotiation, the key exchange method's
 * message (every method compiled in: curve25519, ECDH, DH, mlkem768x25519, sntrup761),
 * the exchange hash signed by the real host key signer (a forked helper, as in the
 * daemon), NEWKEYS, EXT_INFO, the ssh-userauth service and USERAUTH_REQUEST of every
 * method (none, password, publickey query and signed, keyboard-interactive and its
 * INFO_RESPONSE), the failure replies and the attempt limits.
 *
 * The input is what a client sends, as it would send it: "SSH-2.0-..." and then binary
 * packets, in the clear after NEWKEYS too (the -DDB_FUZZ build, see fuzz_conn.h). The
 * connection is svr_conn_role on a socketpair run by the real loop (fuzz_conn.h); the
 * corpus (tests/fuzz/corpus/fuzz_server) starts from the first packets of real OpenSSH and
 * paramiko clients, one file per key exchange method, followed by each kind of auth
 * request. authorized_keys (-D) is a directory made here holding one ed25519 key, the one
 * the seeds' publickey requests name; crypt(3) and sleeping are stubbed (a password never
 * matches, the failure delay is not waited), nothing else.
 * fuzz-link: -Wl,--wrap=exit,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup,--wrap=strndup,--wrap=clock_nanosleep,--wrap=crypt_r,--wrap=x25519,--wrap=x25519_base,--wrap=ed25519_pubkey,--wrap=ed25519_sign,--wrap=ed25519_verify
 */
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fuzz_conn.h"
#include "fuzz_memo.h"
#include "server/server.h"
#include "server/svr-auth.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_USER_KEY \
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPZ7wvBbymIR7yFTqG9YcD4ITR5Jnp189VZov7clDhH+ fuzz"

char *__wrap_crypt_r(const char *phrase, const char *setting, void *data);
char *__wrap_crypt_r(const char *phrase, const char *setting, void *data)
{
	static char out[] = "$6$fuzz$never.matches";

	(void)phrase, (void)setting, (void)data;
	return out;
}

static struct svr_opts opts;
static int signer_fd = -1;
static char keydir[64];

static void remove_keydir(void)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/authorized_keys", keydir);
	unlink(p);
	rmdir(keydir);
}

static void setup(void)
{
	static struct hostkeys hk;
	char p[128];
	FILE *f;
	pid_t pid;

	/* FUZZ_LOG=1: the connection's log lines on stderr (to see where an input ends) */
	log_init("fuzz_server", getenv("FUZZ_LOG") ? LOG_TO_STDERR : 0);
	if (crypto_init())
		abort();
	signal(SIGPIPE, SIG_IGN); /* as svr_conn_run does */
	snprintf(keydir, sizeof(keydir), "/tmp/fuzz_server.XXXXXX");
	if (!mkdtemp(keydir))
		abort();
	atexit(remove_keydir);
	snprintf(p, sizeof(p), "%s/authorized_keys", keydir);
	if (!(f = fopen(p, "w")))
		abort();
	fprintf(f, "# the seeds' key, and one with options\n%s\n"
	           "no-pty,command=\"true\",from=\"10.0.0.0/8\" %s\n",
	        FUZZ_USER_KEY, FUZZ_USER_KEY);
	fclose(f);
	opts.max_auth_tries = DB_MAX_AUTH_TRIES;
	opts.authkeys_dir = keydir;
	opts.child_fd = -1;
	/* every host key type, made on first use in the signer, which keeps them */
	hk.gen[KEY_ED25519] = 1;
	hk.gen[KEY_ECDSA_P256] = 1;
	hk.gen[KEY_RSA] = 1;
	if (signer_start(&hk, NULL, 0, &signer_fd, &pid))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct conn c;
	static struct svr_state srv;
	static struct loop *loop;
	static struct fz_peer peer;
	static int sv[2];

	if (!ready) {
		setup();
		ready = 1;
	}
	log_fuzz_reset();
	rand_fuzz_reset();
	if (getenv("FUZZ_LOG"))
		log_set_verbose(2);
	memset(&srv, 0, sizeof(srv));
	srv.opts = &opts;
	srv.unauth_fd = -1;
	srv.signer_fd = signer_fd;
	if (fz_socketpair(sv))
		abort();
	if (loop_init(&loop) || conn_init(&c, &svr_conn_role, sv[0], loop, "127.0.0.2:2222") ||
	    hostkeys_alg_list(&(struct hostkeys){.gen = {[KEY_ED25519] = 1, [KEY_ECDSA_P256] = 1,
	                                                  [KEY_RSA] = 1}},
	                      srv.hostkey_algs, sizeof(srv.hostkey_algs)))
		abort();
	c.srv = &srv;
	c.exit_prefix = "Exit before auth";
	peer = (struct fz_peer){.fd = sv[1], .data = data, .size = size};
	if (setjmp(fz_jmp) == 0) {
		fz_armed = 1;
		svr_auth_start(&c);
		if (conn_start(&c) || loop_add_fd(loop, sv[1], fz_peer_want, fz_peer_io, &peer))
			abort();
		(void)loop_run(loop);
		/* the loop only stops through loop_stop, which nothing here calls */
		abort();
	}
	fz_armed = 0;
	log_fuzz_reset();
	/* a successful login would have left the pre-auth path: it cannot happen here (no
	 * password matches, no signature over this session's id is in the corpus) */
	if (c.authed)
		abort();
	conn_free(&c);
	loop_free(loop);
	close(sv[0]);
	close(sv[1]);
	wipe(&svr_auth, sizeof(svr_auth));
	fz_free_leftovers();
	return 0;
}
