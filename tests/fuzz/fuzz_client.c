/* libFuzzer: dbclient's handling of every server message, end to end, with the real
 * client code (everything under client/): the identification and the lines before it, KEXINIT and
 * negotiation, the key exchange reply (host key, public value, signature), NEWKEYS,
 * EXT_INFO (server-sig-algs), SERVICE_ACCEPT, USERAUTH_FAILURE / SUCCESS / BANNER /
 * PK_OK / INFO_REQUEST (keyboard-interactive prompts) / PASSWD_CHANGEREQ, the session
 * channel's replies, data, extended data, window adjusts, exit-status, exit-signal, EOF
 * and CLOSE, global requests (hostkeys-00@openssh.com, keepalives), the channels a server
 * opens to us (forwarded-tcpip, x11, auth-agent@openssh.com), their data, and a rekey
 * started by the server.
 *
 * Each input is one connection: cli_conn_run (the real entry point, with its static
 * state) on one end of a socketpair, run by its own loop until it ends (fuzz_conn.h). The
 * harness's peer joins that loop through a --wrap of loop_init. The first byte of the
 * input picks how the client is set up:
 *   bit 0    1: the rest is the server's whole byte stream from its first line (banner
 *            lines, ident, KEXINIT, key exchange reply: reaching NEWKEYS then needs a
 *            valid signature, which the fixed seed makes possible for a seed recorded
 *            against this harness); 0: the harness puts a fixed, valid key exchange in
 *            front of the rest (below), which is then everything the server says after
 *            its NEWKEYS, in the clear (the -DDB_FUZZ build, see common/conn-kex.c)
 *   bit 1    StrictHostKeyChecking no-check (-yy) instead of yes with the host key known
 *   bits 2-3 exec "true", a shell with a forced pty (-tt), subsystem "sftp", or -N
 *   bit 4    -A (agent forwarding; SSH_AUTH_SOCK names a socket nobody listens on)
 *   bit 5    -Y (DISPLAY=127.0.0.1:10; -X's untrusted cookie needs a real X server)
 *   bit 6    -R 8022:127.0.0.1:22
 *   bit 7    BatchMode (no password or keyboard-interactive answers)
 *
 * The fixed key exchange: the client's identification, KEXINIT and X25519 public value do
 * not depend on the input (the random generator restarts from its fixed seed for each
 * input, see common/crypto.c), so setup() runs the client once against a server
 * KEXINIT (curve25519-sha256, ssh-ed25519, ext-info-s, kex-strict-s), records what it
 * sends, and answers as a server would: the real X25519 encapsulation, the exchange hash
 * and an Ed25519 signature by a host key made once, then NEWKEYS. setup() checks that a
 * second run with that prefix gets past NEWKEYS to the ssh-userauth service request, so
 * a change in the client that moves the prefix is a setup failure, not silent loss.
 *
 * The OS side effects beneath the client are stubbed at the lowest level (--wrap); every
 * parser and all connection, auth and channel state stay real:
 *   askpass_tty   answers every password and keyboard-interactive prompt with a fixed
 *                 string (no terminal is opened)
 *   fork          fails once a connection runs (xauth, $SSH_ASKPASS: the fallbacks run)
 *   connect       the socket is replaced by one end of a socketpair whose other end is
 *                 closed (the agent, the X display, -R's target: connected, then EOF)
 *   getaddrinfo   numeric addresses only (no DNS query for a fuzzed name)
 * stdin is /dev/null; stdout and stderr go to /dev/null too (LLVMFuzzerInitialize adds
 * -close_fd_mask=3: libFuzzer and the sanitizers keep a copy of stderr for themselves).
 * The identity (-i) is an Ed25519 key file in a temporary directory with known_hosts.
 * fuzz-link: -Wl,--wrap=exit,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup,--wrap=strndup,--wrap=clock_nanosleep,--wrap=fork,--wrap=connect,--wrap=getaddrinfo,--wrap=askpass_tty,--wrap=loop_init,--wrap=conn_init,--wrap=x25519,--wrap=x25519_base,--wrap=ed25519_pubkey,--wrap=ed25519_sign,--wrap=ed25519_verify
 */
#include <netdb.h>
#include <signal.h>
#include <stdio.h>

#define FZ_NET_STUBS
#include "fuzz_conn.h"
#include "fuzz_memo.h"
#include "client/client.h"
#include "kex.h"
#include "key.h"
#include "keyfile.h"
#include "knownhosts.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the OS stubs */

pid_t __real_fork(void);
pid_t __wrap_fork(void);
pid_t __wrap_fork(void)
{
	if (!fz_armed)
		return __real_fork();
	errno = EAGAIN;
	return -1;
}

int __wrap_askpass_tty(const char *prompt, char *buf, size_t bufsz);
int __wrap_askpass_tty(const char *prompt, char *buf, size_t bufsz)
{
	(void)prompt;
	snprintf(buf, bufsz, "fuzz-answer");
	return 0;
}

/* The client makes its loop and its connection inside cli_conn_run: the harness learns
 * both here, and adds its peer to that loop. */
static struct fz_peer peer;
static struct loop *cur_loop;
static struct conn *cur_conn;

int __real_loop_init(struct loop **out);
int __wrap_loop_init(struct loop **out);
int __wrap_loop_init(struct loop **out)
{
	int r = __real_loop_init(out);

	if (r == 0) {
		cur_loop = *out;
		if (loop_add_fd(cur_loop, peer.fd, fz_peer_want, fz_peer_io, &peer))
			abort();
	}
	return r;
}

int __real_conn_init(struct conn *c, const struct conn_role *role, int fd, struct loop *loop,
                     const char *peer_name);
int __wrap_conn_init(struct conn *c, const struct conn_role *role, int fd, struct loop *loop,
                     const char *peer_name);
int __wrap_conn_init(struct conn *c, const struct conn_role *role, int fd, struct loop *loop,
                     const char *peer_name)
{
	int r = __real_conn_init(c, role, fd, loop, peer_name);

	if (r == 0)
		cur_conn = c;
	return r;
}

/* ---- one connection */

static char dir[64], kh_path[96], id_path[96], agent_path[96];
static char *identities[1];

static void set_opts(uint8_t flags)
{
	static struct fwdspec rspec;
	struct cli_opts *o = &cli_opts;

	memset(o, 0, sizeof(*o));
	o->nhops = 1;
	o->host_arg = o->host = o->host_alias = "127.0.0.1";
	o->user = "fuzz";
	o->port = 22;
	o->tty = -1;
	o->known_hosts = kh_path;
	o->hk_check = flags & 2 ? CLI_HK_OFF : CLI_HK_YES;
	identities[0] = id_path;
	memcpy(o->identity, identities, sizeof(identities));
	o->nidentity = 1;
	o->password_auth = o->kbd_auth = o->pubkey_auth = 1;
	o->quiet = 1;
	switch ((flags >> 2) & 3) {
	case 0:
		o->command = "true";
		break;
	case 1:
		o->tty = 2;
		break;
	case 2:
		o->command = "sftp";
		o->subsystem = 1;
		break;
	default:
		o->no_cmd = 1;
		break;
	}
	o->agent_fwd = (flags >> 4) & 1;
	o->x11_fwd = (flags >> 5) & 1;
	/* -Y: -X alone needs a real X server to generate an untrusted cookie (xauth), and
	 * without one forwards nothing */
	o->x11_trusted = o->x11_fwd;
	if (flags & 0x40) {
		if (fwd_parse_spec("8022:127.0.0.1:22", FWD_LISTEN_PORT0, &rspec))
			abort();
		o->remote_fwd[0] = rspec;
		o->nremote_fwd = 1;
	}
	o->batch_mode = (flags >> 7) & 1;
}

/* Runs the client on the server byte stream in[0..n); what it sends goes to capture when
 * that is not NULL. */
static void run_one(uint8_t flags, const uint8_t *in, size_t n, struct buf *capture)
{
	int sv[2];

	log_fuzz_reset();
	rand_fuzz_reset();
	if (getenv("FUZZ_LOG"))
		log_set_verbose(2);
	cli_session_fuzz_reset();
	cli_tcpfwd_fuzz_reset();
	cli_x11_fuzz_reset();
	set_opts(flags);
	if (fz_socketpair(sv))
		abort();
	peer = (struct fz_peer){.fd = sv[1], .data = in, .size = n, .capture = capture};
	cur_loop = NULL;
	cur_conn = NULL;
	if (setjmp(fz_jmp) == 0) {
		fz_armed = 1;
		cli_conn_run(sv[0], "127.0.0.1:22");
	}
	fz_armed = 0;
	log_fuzz_reset();
	/* what the process's exit would have ended */
	if (cur_conn)
		conn_free(cur_conn);
	if (cur_loop)
		loop_free(cur_loop);
	close(sv[0]);
	close(sv[1]);
	fz_close_new_fds(); /* what the process's exit would have closed */
	fz_free_leftovers();
}

/* ---- the fixed key exchange (see the top) */

static struct buf prefix, hello; /* the server's fixed part; what the client says first */
static struct key *hostkey;

static void put_packet(struct buf *out, const uint8_t *p, size_t n)
{
	size_t pad = 8 - (n + 5) % 8;
	static const uint8_t zeros[16];

	if (pad < 4)
		pad += 8;
	if (buf_put_u32(out, (uint32_t)(n + 1 + pad)) || buf_put_u8(out, (uint8_t)pad) ||
	    buf_put_bytes(out, p, n) || buf_put_bytes(out, zeros, pad))
		abort();
}

/* The next clear packet's payload from b (RFC 4253 6). */
static void get_packet(struct buf *b, const uint8_t **p, size_t *n)
{
	uint32_t len;
	uint8_t pad;

	if (buf_get_u32(b, &len) || buf_get_u8(b, &pad) || len < 1u + pad ||
	    buf_avail(b) < len - 1)
		abort();
	*p = buf_ptr(b);
	*n = len - 1 - pad;
	if (buf_skip(b, len - 1))
		abort();
}

static const char server_ident[] = "SSH-2.0-OpenSSH_10.5 fuzz";

static void make_prefix(void)
{
	static const char *const lists[PROP_MAX] = {
	        "curve25519-sha256,ext-info-s,kex-strict-s-v00@openssh.com", "ssh-ed25519",
	        "aes128-ctr", "aes128-ctr", "hmac-sha2-256", "hmac-sha2-256", "none", "none", "", ""};
	static const uint8_t cookie[16] = {1, 2, 3};
	struct buf kexinit, out, ks, in, qs, k, sig, reply;
	const uint8_t *p, *ic, *qc;
	size_t n, icn, qcn;
	char v_c[256];
	uint8_t h[HASH_MAX_LEN];
	int i;

	if (buf_init(&kexinit, 512, 4096) || buf_put_u8(&kexinit, 20) ||
	    buf_put_bytes(&kexinit, cookie, 16))
		abort();
	for (i = 0; i < PROP_MAX; i++)
		if (buf_put_cstr(&kexinit, lists[i]))
			abort();
	if (buf_put_u8(&kexinit, 0) || buf_put_u32(&kexinit, 0))
		abort();
	if (buf_init(&prefix, 2048, 1 << 16) ||
	    buf_put_bytes(&prefix, server_ident, strlen(server_ident)) ||
	    buf_put_bytes(&prefix, "\r\n", 2))
		abort();
	put_packet(&prefix, kexinit.data, kexinit.len);

	/* what the client says to that: its identification, KEXINIT, KEX_ECDH_INIT */
	if (buf_init(&out, 4096, 1 << 20))
		abort();
	run_one(0, prefix.data, prefix.len, &out);
	if (buf_init(&hello, out.len, out.len) || buf_put_bytes(&hello, out.data, out.len))
		abort();
	p = memchr(out.data, '\n', out.len);
	if (!p || (n = (size_t)(p - out.data)) < 2 || n >= sizeof(v_c) || p[-1] != '\r')
		abort();
	memcpy(v_c, out.data, n - 1);
	v_c[n - 1] = 0;
	if (buf_skip(&out, n + 1))
		abort();
	get_packet(&out, &ic, &icn);
	get_packet(&out, &qc, &qcn);
	if (icn < 1 || ic[0] != 20 || qcn < 1 || qc[0] != 30)
		abort();
	qc++, qcn--; /* the encoded Q_C: string */

	/* the server's answer */
	if (buf_init(&ks, 64, 1024) || key_put_blob(hostkey, &ks) || buf_init(&qs, 64, 1024) ||
	    buf_init_secret(&k, 64, 1024) || buf_init(&sig, 128, 1024) ||
	    buf_init(&reply, 256, 4096))
		abort();
	buf_view(&in, qc, qcn);
	if (kex_curve25519_sha256.encaps(&in, &qs, &k) || buf_end(&in) ||
	    kex_hash(HASH_SHA256, v_c, server_ident, ic, icn, kexinit.data, kexinit.len, ks.data,
	             ks.len, qc, qcn, qs.data, qs.len, k.data, k.len, h) ||
	    key_sign(hostkey, "ssh-ed25519", h, hash_len(HASH_SHA256), &sig))
		abort();
	if (buf_put_u8(&reply, 31) || buf_put_string(&reply, ks.data, ks.len) ||
	    buf_put_bytes(&reply, qs.data, qs.len) || buf_put_string(&reply, sig.data, sig.len))
		abort();
	put_packet(&prefix, reply.data, reply.len);
	put_packet(&prefix, (const uint8_t *)"\x15", 1); /* NEWKEYS */

	/* the check: with the prefix, the client gets to SERVICE_REQUEST ssh-userauth */
	buf_reset(&out);
	run_one(0, prefix.data, prefix.len, &out);
	p = memchr(out.data, '\n', out.len);
	if (!p || buf_skip(&out, (size_t)(p - out.data) + 1))
		abort();
	for (i = 0; i < 4; i++) {
		get_packet(&out, &p, &n);
		if (i == 3 && !(n > 1 && p[0] == 5)) {
			fprintf(stderr, "fuzz_client: the fixed key exchange did not reach the "
			                "service request (message %u): the prefix is stale\n",
			        n ? p[0] : 0);
			abort();
		}
	}
	wipe(h, sizeof(h));
	buf_free(&kexinit);
	buf_free(&out);
	buf_free(&ks);
	buf_free(&qs);
	buf_free(&k);
	buf_free(&sig);
	buf_free(&reply);
}

/* ---- setup */

static void remove_dir(void)
{
	unlink(kh_path);
	unlink(id_path);
	rmdir(dir);
}

static void setup(void)
{
	struct key *id = NULL;
	struct buf b;
	char name[KH_MAX_NAME];
	FILE *f;
	int fd;

	log_init("fuzz_client", getenv("FUZZ_LOG") ? LOG_TO_STDERR : 0);
	/* cli-session.c reaches the forwarding files through weak symbols, which do not
	 * pull their objects out of libfaces.a: this does (as dbclient links them all) */
	if (!cli_fwd_chan_types())
		abort();
	if (crypto_init())
		abort();
	signal(SIGPIPE, SIG_IGN); /* as client_main does */
	if ((fd = open("/dev/null", O_RDONLY)) < 0 || dup2(fd, STDIN_FILENO) < 0)
		abort();
	close(fd);
	snprintf(dir, sizeof(dir), "/tmp/fuzz_client.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	atexit(remove_dir);
	snprintf(kh_path, sizeof(kh_path), "%s/known_hosts", dir);
	snprintf(id_path, sizeof(id_path), "%s/id_ed25519", dir);
	snprintf(agent_path, sizeof(agent_path), "%s/agent.sock", dir);
	setenv("SSH_AUTH_SOCK", agent_path, 1);
	setenv("DISPLAY", "127.0.0.1:10", 1);
	unsetenv("SSH_ASKPASS");
	unsetenv("DROPBEAR_PASSWORD");
	/* the keys: made from the fixed seed, the same in every run */
	rand_fuzz_reset();
	if (key_generate(KEY_ED25519, 0, &hostkey) || key_generate(KEY_ED25519, 0, &id) ||
	    buf_init_secret(&b, 256, 4096) || keyfile_dropbear_put(id, &b) ||
	    keyfile_write_new(id_path, b.data, b.len, 0600))
		abort();
	buf_free(&b);
	key_free(id);
	if (buf_init(&b, 256, 4096) || knownhosts_name("127.0.0.1", 22, name, sizeof(name)) ||
	    knownhosts_line(name, hostkey, &b) || !(f = fopen(kh_path, "w")) ||
	    fwrite(b.data, 1, b.len, f) != b.len || fclose(f))
		abort();
	buf_free(&b);
	fz_fds_mark();
	make_prefix();
	if (getenv("FUZZ_CLIENT_PREFIX")) {
		/* for tests/fuzz/gen_corpus_client.py, as hex lines: the prefix a seed follows,
		 * and what the client sends first (its identification, KEXINIT and X25519
		 * value, the same in every run) */
		size_t i;
		for (i = 0; i < prefix.len; i++)
			printf("%02x", prefix.data[i]);
		printf("\n");
		for (i = 0; i < hello.len; i++)
			printf("%02x", hello.data[i]);
		printf("\n");
		fflush(stdout);
		remove_dir();
		_exit(0); /* libFuzzer reports exit() from a target as a finding */
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* the connection writes the session's output to stdout and stderr */
	static char flag[] = "-close_fd_mask=3";
	static char *args[256];
	int i;

	if (getenv("FUZZ_LOG") || getenv("FUZZ_CLIENT_PREFIX") || *argc + 2 > (int)ARRAY_SIZE(args))
		return 0;
	for (i = 0; i < *argc; i++)
		args[i] = (*argv)[i];
	args[i++] = flag;
	args[i] = NULL;
	*argc = i;
	*argv = args;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct buf in;

	if (size < 1)
		return 0;
	if (!ready) {
		setup();
		ready = 1;
	}
	if (data[0] & 1) {
		run_one(data[0], data + 1, size - 1, NULL);
		return 0;
	}
	if (buf_init(&in, prefix.len + size, prefix.len + size) ||
	    buf_put_bytes(&in, prefix.data, prefix.len) || buf_put_bytes(&in, data + 1, size - 1))
		abort();
	run_one(data[0], in.data, in.len, NULL);
	buf_free(&in);
	return 0;
}
