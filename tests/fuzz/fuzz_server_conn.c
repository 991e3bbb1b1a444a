/* libFuzzer: the server's connection layer after authentication, end to end, with the
 * real channel types (session, direct-tcpip, direct-streamlocal, forwarded ones, agent
 * and x11 where compiled in) and every channel and global request (pty-req, env, exec,
 * shell, subsystem, window-change, signal, break, exit-status, auth-agent-req,
 * tcpip-forward, streamlocal-forward, keepalive...), data, extended data, window adjusts,
 * EOF and CLOSE, as svr_session_begin installs them.
 *
 * Each input is one connection of the real svr_conn_role on a socketpair (fuzz_conn.h):
 * before the loop runs, the harness does what a successful login does (the session layer
 * begins, the connection counts as authenticated, as the user running the fuzzer, with
 * restrictions picked by the input's first byte), and prefixes the input with a fixed
 * client identification, KEXINIT (curve25519-sha256, none compression), KEX_ECDH_INIT and
 * NEWKEYS. The rest of the input is the client's connection-layer packets, in the clear
 * (-DDB_FUZZ). The corpus (tests/fuzz/gen_corpus.py) holds every channel type and request
 * as OpenSSH sends them.
 *
 * The harness must not run shells or reach the network, so the OS calls beneath the
 * session and forwarding code are stubbed at the lowest level (--wrap), while every
 * parser and all channel state stay real:
 *   fork          (once a connection runs) returns a made-up child pid (the parent's side runs: pipes, the pty,
 *                 the channel's fds; the child's side, execv, never runs), kill and
 *                 execv do nothing (execv aborts: it must be unreachable)
 *   connect       the socket is replaced by one end of a socketpair whose other end is
 *                 closed (connected at once; reads see EOF)
 *   getaddrinfo   numeric addresses only (no DNS query for a fuzzed name)
 *   bind, listen  succeed without binding (no port is opened, no socket file made)
 *   mkdtemp       names the directory without making it
 *   signer_login, signer_logout   no utmp record (the real signer would write one)
 * A pty is a real one from devpts (harmless; closed after each input, with every other
 * descriptor the connection opened).
 * fuzz-link: -Wl,--wrap=exit,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup,--wrap=strndup,--wrap=clock_nanosleep,--wrap=fork,--wrap=execv,--wrap=kill,--wrap=connect,--wrap=getaddrinfo,--wrap=bind,--wrap=listen,--wrap=mkdtemp,--wrap=signer_login,--wrap=signer_logout,--wrap=x25519,--wrap=x25519_base,--wrap=ed25519_pubkey,--wrap=ed25519_sign,--wrap=ed25519_verify
 */
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>

#define FZ_NET_STUBS
#include "fuzz_conn.h"
#include "fuzz_memo.h"
#include "server/server.h"
#include "server/svr-auth.h"
#include "server/svr-fwd.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the OS stubs */

/* set while the harness ends what the connection left (X11 displays run xauth as they
 * go): those forks are stand-ins too */
static int fz_cleaning;

pid_t __real_fork(void);
pid_t __wrap_fork(void);
pid_t __wrap_fork(void)
{
	static pid_t next = 0x3ffff000;

	if (!fz_armed && !fz_cleaning)
		return __real_fork(); /* setup: the host key signer, a real helper */
	return next++;
}

int __wrap_execv(const char *path, char *const argv[]);
int __wrap_execv(const char *path, char *const argv[])
{
	(void)path, (void)argv;
	abort(); /* only a child runs this, and there is none */
}

int __wrap_kill(pid_t pid, int sig);
int __wrap_kill(pid_t pid, int sig)
{
	(void)pid, (void)sig;
	return 0;
}

int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len);
int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	(void)fd, (void)sa, (void)len;
	return 0;
}

int __wrap_listen(int fd, int backlog);
int __wrap_listen(int fd, int backlog)
{
	(void)fd, (void)backlog;
	return 0;
}

char *__wrap_mkdtemp(char *tmpl);
char *__wrap_mkdtemp(char *tmpl)
{
	size_t n = strlen(tmpl);

	if (n < 6 || strcmp(tmpl + n - 6, "XXXXXX") != 0) {
		errno = EINVAL;
		return NULL;
	}
	memcpy(tmpl + n - 6, "fuzz00", 6);
	return tmpl;
}

int __wrap_signer_login(int fd, const char *line, const char *user, const char *host,
                        pid_t pid);
int __wrap_signer_login(int fd, const char *line, const char *user, const char *host,
                        pid_t pid)
{
	(void)fd, (void)line, (void)user, (void)host, (void)pid;
	return 0;
}

int __wrap_signer_logout(int fd, const char *line);
int __wrap_signer_logout(int fd, const char *line)
{
	(void)fd, (void)line;
	return 0;
}

/* ---- the fixed key exchange in front of every input */

static struct buf prefix;

static void put_packet(struct buf *out, const struct buf *payload)
{
	size_t pad = 8 - (payload->len + 5) % 8;
	static const uint8_t zeros[16];

	if (pad < 4)
		pad += 8;
	if (buf_put_u32(out, (uint32_t)(payload->len + 1 + pad)) || buf_put_u8(out, (uint8_t)pad) ||
	    buf_put_bytes(out, payload->data, payload->len) || buf_put_bytes(out, zeros, pad))
		abort();
}

static void make_prefix(void)
{
	static const char *const lists[PROP_MAX] = {
	        "curve25519-sha256,kex-strict-c-v00@openssh.com", "ssh-ed25519", "aes128-ctr",
	        "aes128-ctr", "hmac-sha2-256", "hmac-sha2-256", "none", "none", "", ""};
	uint8_t q[32] = {9}; /* the X25519 base point: a valid public value */
	static const uint8_t cookie[16];
	struct buf m;
	int i;

	if (buf_init(&prefix, 1024, 1 << 16) ||
	    buf_put_bytes(&prefix, "SSH-2.0-OpenSSH_10.0 fuzz\r\n", 27) || buf_init(&m, 256, 4096))
		abort();
	if (buf_put_u8(&m, 20) || buf_put_bytes(&m, cookie, 16))
		abort();
	for (i = 0; i < PROP_MAX; i++)
		if (buf_put_cstr(&m, lists[i]))
			abort();
	if (buf_put_u8(&m, 0) || buf_put_u32(&m, 0))
		abort();
	put_packet(&prefix, &m);
	buf_reset(&m);
	if (buf_put_u8(&m, 30) || buf_put_string(&m, q, sizeof(q)))
		abort();
	put_packet(&prefix, &m);
	buf_reset(&m);
	if (buf_put_u8(&m, 21))
		abort();
	put_packet(&prefix, &m);
	buf_free(&m);
}

/* ---- per input */

static struct svr_opts opts;
static int signer_fd = -1;

static void setup(void)
{
	static struct hostkeys hk;
	pid_t pid;

	log_init("fuzz_server_conn", getenv("FUZZ_LOG") ? LOG_TO_STDERR : 0);
	if (crypto_init())
		abort();
	signal(SIGPIPE, SIG_IGN); /* as svr_conn_run does */
	opts.max_auth_tries = DB_MAX_AUTH_TRIES;
	opts.child_fd = -1;
	opts.sftp_server = "internal-sftp";
	hk.gen[KEY_ED25519] = 1;
	if (signer_start(&hk, NULL, 0, &signer_fd, &pid))
		abort();
	make_prefix();
	fz_fds_mark();
}

static void restrictions(struct svr_restrict *rs, uint8_t flags)
{
	memset(rs, 0, sizeof(*rs));
	rs->no_pty = flags & 1;
	rs->no_port_fwd = (flags >> 1) & 1;
	rs->no_agent_fwd = (flags >> 2) & 1;
	rs->no_x11_fwd = (flags >> 3) & 1;
	if (flags & 0x10)
		rs->command = strdup("echo forced");
	if (flags & 0x20) {
		rs->permitopen[rs->npermitopen++] = strdup("127.0.0.1:22");
		rs->permitlisten[rs->npermitlisten++] = strdup("localhost:8022");
	}
	if (flags & 0x40)
		rs->environment[rs->nenvironment++] = strdup("FUZZ=1");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct conn c;
	static struct svr_state srv;
	static struct loop *loop;
	static struct fz_peer peer;
	static struct buf in;
	static int sv[2];
	struct passwd *pw;

	if (size < 1)
		return 0;
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
	srv.signer_pid = -1;
	snprintf(srv.hostkey_algs, sizeof(srv.hostkey_algs), "ssh-ed25519");
	if (!(pw = getpwuid(getuid())))
		abort();
	snprintf(srv.user.name, sizeof(srv.user.name), "%s", pw->pw_name);
	snprintf(srv.user.home, sizeof(srv.user.home), "%s", pw->pw_dir);
	snprintf(srv.user.shell, sizeof(srv.user.shell), "/bin/sh");
	srv.user.uid = pw->pw_uid;
	srv.user.gid = pw->pw_gid;
	if (fz_socketpair(sv) || buf_init(&in, prefix.len + size, prefix.len + size) ||
	    buf_put_bytes(&in, prefix.data, prefix.len) || buf_put_bytes(&in, data + 1, size - 1))
		abort();
	if (loop_init(&loop) || conn_init(&c, &svr_conn_role, sv[0], loop, "127.0.0.2:2222"))
		abort();
	c.srv = &srv;
	c.exit_prefix = "Exit (fuzz)";
	peer = (struct fz_peer){.fd = sv[1], .data = in.data, .size = in.len};
	if (setjmp(fz_jmp) == 0) {
		fz_armed = 1;
		restrictions(&srv.restrict_, data[0]);
		/* what auth_success() does, but for the privilege drop (we already are the user) */
		conn_set_authed(&c);
		if (pkt_dir_comp_start(&c.tx) || pkt_dir_comp_start(&c.rx) || svr_session_begin(&c) ||
		    conn_start(&c) || loop_add_fd(loop, sv[1], fz_peer_want, fz_peer_io, &peer))
			abort();
		(void)loop_run(loop);
		abort();
	}
	fz_armed = 0;
	log_fuzz_reset();
	/* what the process's exit would have ended: the forwardings, the agent socket */
#if DB_SVR_AGENTFWD
	svr_agent_cleanup();
#endif
#if DB_STREAMLOCAL
	svr_streamlocal_cleanup();
#endif
#if DB_X11FWD
	fz_cleaning = 1;
	svr_x11_cleanup(); /* before the harness frees the displays it still lists */
	fz_cleaning = 0;
#endif
#if DB_SVR_REMOTETCPFWD
	svr_tcpfwd_fuzz_reset();
#endif
	conn_free(&c);
	loop_free(loop);
	buf_free(&in);
	fz_close_new_fds(); /* what the process's exit would have closed */
	fz_free_leftovers();
	return 0;
}
