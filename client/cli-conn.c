/* cli-conn.c: the TCP connection and the client's row of the transport: our KEXINIT, the
 * client half of the key exchange (RFC 4253 8, RFC 5656 4, RFC 8731 3), the server's
 * signature over the exchange hash, known_hosts, and EXT_INFO (RFC 8308). */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "crypto.h"
#include "err.h"
#include "fdio.h"
#include "kex.h"
#include "knownhosts.h"
#include "log.h"
#include "resolve.h"
#include "util.h"

static struct cli_state cli;
static struct conn the_conn;

/* ---- known_hosts */

static void kh_name(const struct cli_opts *o, char *out, size_t outsz)
{
	if (knownhosts_name(o->host, o->port, out, outsz))
		cli_die("host name too long");
}

/* Streams the file through the line checker; a missing file is an empty one. */
static void kh_scan(const char *path, struct kh_check *st)
{
	static char line[KH_MAX_LINE + 2];
	static struct fdin f;
	unsigned lineno = 0;
	size_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return;
	fdin_init(&f, fd);
	while ((n = fdin_gets(&f, line, sizeof(line)))) {
		int whole = line[n - 1] == '\n';
		lineno++;
		if (!whole && n == sizeof(line) - 1) {
			int ch; /* over-long: skip the rest of it */
			while ((ch = fdin_getc(&f)) >= 0 && ch != '\n')
				;
			continue;
		}
		if (whole)
			n--;
		if (n && line[n - 1] == '\r')
			n--;
		knownhosts_check_line(st, line, n, lineno);
	}
	close(fd);
}

/* The host key algorithms we accept, those of key types known_hosts has for this host
 * first (as OpenSSH orders them), so that a known host is not asked about a key of
 * another type it also has. */
static void hostkey_algs(const struct cli_opts *o, char *out, size_t outsz)
{
	static const char *const algs[] = {
	        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	        "rsa-sha2-512", "rsa-sha2-256",
#if DB_SIG_SSH_RSA
	        "ssh-rsa",
#endif
	};
	char name[KH_MAX_NAME];
	struct kh_check st;
	size_t i;
	int pass;

	memset(&st, 0, sizeof(st));
	out[0] = 0;
	if (o->hk_check != CLI_HK_OFF) {
		kh_name(o, name, sizeof(name));
		st.name = name;
		st.keytype = "";
		kh_scan(o->known_hosts, &st);
	}
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < ARRAY_SIZE(algs); i++) {
			enum key_type t = key_type_from_name(algs[i], strlen(algs[i]));
			if (!strncmp(algs[i], "rsa-", 4))
				t = KEY_RSA;
			if (t == KEY_NONE || !!(st.types_seen & (1u << t)) != !pass)
				continue;
			if (out[0])
				strncat(out, ",", outsz - strlen(out) - 1);
			strncat(out, algs[i], outsz - strlen(out) - 1);
		}
}

static int kh_append(const char *path, const char *name, const struct key *k)
{
	struct buf line;
	char dir[DB_MAX_PATH], *slash;
	int fd, r;
	struct stat st;

	/* the directories on the way (~/.ssh, usually) are made private, as ssh does */
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return ERR_IO;
		*slash = '/';
	}
	if ((r = buf_init(&line, 256, KH_MAX_LINE)))
		return r;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		buf_free(&line);
		return ERR_IO;
	}
	/* a file whose last line lacks its newline gets one first */
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		char last = '\n';
		int rfd = open(path, O_RDONLY | O_CLOEXEC);
		if (rfd >= 0) {
			if (pread(rfd, &last, 1, st.st_size - 1) == 1 && last != '\n')
				(void)buf_put_u8(&line, '\n');
			close(rfd);
		}
	}
	if ((r = knownhosts_line(name, k, &line)) == 0 &&
	    write(fd, line.data, line.len) != (ssize_t)line.len)
		r = ERR_IO;
	if (close(fd) != 0 && r == 0)
		r = ERR_IO;
	buf_free(&line);
	return r;
}

/* One answer line from stdin, read a byte at a time so that nothing after it (the
 * session's own input) is consumed; at most sz - 1 bytes kept. 0 at end of input. */
static size_t stdin_answer(char *answer, size_t sz)
{
	size_t n = 0;
	char ch;

	for (;;) {
		ssize_t r = read(STDIN_FILENO, &ch, 1);
		if (r < 0 && errno == EAGAIN) {
			struct pollfd p = {STDIN_FILENO, POLLIN, 0};
			(void)poll(&p, 1, -1);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return n;
		if (ch == '\n')
			return n ? n : 1;
		if (n + 1 < sz)
			answer[n++] = ch;
		answer[n] = 0;
	}
}

/* Dropbear's question, on /dev/tty; without a terminal, as Dropbear does, on stderr with
 * the answer read from stdin (`echo y | dbclient host cmd`). 1 when the answer is yes,
 * 0 when no, -1 when there is nobody to ask (no terminal and stdin at its end). */
static int ask_new_host(const char *name, const char *type, const char *fp)
{
	static const char q[] = "\nHost '%s' is not in the trusted hosts file.\n(%s fingerprint %s)\n"
	                        "Do you want to continue connecting? (y/n) ";
	char answer[16] = "";
	struct fdin in;
	int tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);

	if (tty < 0) {
		dprintf(STDERR_FILENO, q, name, type, fp);
		if (stdin_answer(answer, sizeof(answer)) == 0) {
			(void)fd_puts(STDERR_FILENO, "\n");
			return -1;
		}
		return answer[0] == 'y' || answer[0] == 'Y';
	}
	dprintf(tty, q, name, type, fp);
	fdin_init(&in, tty);
	(void)fdin_gets(&in, answer, sizeof(answer));
	close(tty);
	return answer[0] == 'y' || answer[0] == 'Y';
}

static void check_host_key(struct conn *c, const struct key *k, const uint8_t *blob,
                           size_t bloblen)
{
	const struct cli_opts *o = c->cli->opts;
	const char *type = key_type_name(key_type(k));
	char name[KH_MAX_NAME], fp[KEY_FP_LEN];
	struct kh_check st;
	int r;

	if (o->hk_check == CLI_HK_OFF)
		return;
	kh_name(o, name, sizeof(name));
	if (key_fingerprint(k, fp, sizeof(fp)))
		snprintf(fp, sizeof(fp), "?");
	memset(&st, 0, sizeof(st));
	st.name = name;
	st.keytype = type;
	st.blob = blob;
	st.bloblen = bloblen;
	kh_scan(o->known_hosts, &st);
	switch (st.status) {
	case KH_OK:
		dbg(1, "host key for %s found in %s line %u", name, o->known_hosts, st.line);
		return;
	case KH_REVOKED:
		conn_fatal(c, SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE,
		           "host key for %s is revoked (%s line %u): %s %s", name, o->known_hosts,
		           st.line, type, fp);
	case KH_CHANGED:
		conn_fatal(c, SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE,
		           "Host key mismatch for %s! The %s key (%s) differs from the one in %s "
		           "line %u: someone may be intercepting the connection, or the host key "
		           "changed. Remove that line to accept the new key.",
		           name, type, fp, o->known_hosts, st.line);
	case KH_UNKNOWN:
	case KH_OTHER_TYPE:
		break;
	}
	switch (o->hk_check) {
	case CLI_HK_YES:
		conn_fatal(c, SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE,
		           "no %s host key for %s in %s (%s) and StrictHostKeyChecking is yes",
		           type, name, o->known_hosts, fp);
	case CLI_HK_ASK:
		if (o->batch_mode)
			conn_fatal(c, SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE,
			           "host key for %s not known (%s %s) and BatchMode is set: use -y "
			           "or StrictHostKeyChecking accept-new",
			           name, type, fp);
		r = ask_new_host(name, type, fp);
		/* a person may take longer than the key exchange timer allows; the server
		 * has its own login timeout */
		loop_timer_cancel(c->loop, &c->ident_timer);
		if (r < 0)
			conn_fatal(c, SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE,
			           "host key for %s not known (%s %s), no terminal to ask and no answer on stdin: use -y",
			           name, type, fp);
		if (r == 0)
			conn_fatal(c, SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE, "host key not accepted");
		break;
	default:
		break;
	}
	if ((r = kh_append(o->known_hosts, name, k)))
		log_msg(LOG_WARNING, "Warning: cannot add the host key to %s: %s", o->known_hosts,
		        r == ERR_IO ? strerror(errno) : err_str(r));
	else if (!o->quiet)
		log_msg(LOG_WARNING, "Warning: Permanently added '%s' (%s) to the list of known hosts.",
		        name, type);
}

/* ---- the role */

static int cli_proposal(struct conn *c, struct kex_proposal *p)
{
	const struct cli_opts *o = c->cli->opts;
	char algs[256];

	hostkey_algs(o, algs, sizeof(algs));
	return kex_proposal_make(p, 1, algs, o->kex, o->ciphers, o->macs, o->compression);
}

static int cli_kex_negotiated(struct conn *c)
{
	const struct kex_ops *kx = c->kex.res.kex;
	struct buf m;
	int r;

	if (c->kex.method_state && kx->free_state)
		kx->free_state(c->kex.method_state);
	c->kex.method_state = NULL;
	buf_free(&c->cli->kex_qc);
	if ((r = buf_init(&c->cli->kex_qc, 256, DB_MAX_PAYLOAD)) ||
	    (r = kx->keypair(&c->kex.method_state, &c->cli->kex_qc)))
		return r;
	if ((r = conn_msg_init(&m, SSH_MSG_KEX_ECDH_INIT)))
		return r;
	if ((r = buf_put_bytes(&m, c->cli->kex_qc.data, c->cli->kex_qc.len)) == 0)
		r = conn_send_buf(c, &m);
	buf_free(&m);
	return r;
}

/* KEXDH_REPLY / KEX_ECDH_REPLY: string K_S || the server's public value || string
 * signature of H. */
static int cli_kex_reply(struct conn *c, uint8_t msg, struct buf *b)
{
	const struct kex_ops *kx = c->kex.res.kex;
	const char *alg = c->kex.res.hostkey_alg;
	const uint8_t *ks, *qs, *sig;
	size_t kslen, qslen, siglen, hlen = hash_len(kx->hash), before;
	uint8_t h[HASH_MAX_LEN];
	struct key *k = NULL;
	struct buf kbuf;
	int r;

	(void)msg;
	if (!c->kex.method_state)
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "kex reply before our kex init");
	if ((r = buf_get_string(b, &ks, &kslen)))
		return r;
	if ((r = buf_init_secret(&kbuf, 256, 4096)))
		return r;
	qs = buf_ptr(b);
	before = buf_avail(b);
	if ((r = kx->decaps(c->kex.method_state, b, &kbuf)))
		conn_fatal(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "%s: bad server public value: %s",
		           kx->name, err_str(r));
	qslen = before - buf_avail(b);
	if ((r = buf_get_string(b, &sig, &siglen)) || (r = buf_end(b)))
		goto out;
	if ((r = key_from_blob(ks, kslen, &k)))
		conn_fatal(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "bad server host key: %s",
		           err_str(r));
	if (!key_sig_alg_ok(k, alg, strlen(alg)))
		conn_fatal(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
		           "server host key is %s, not the negotiated %s",
		           key_type_name(key_type(k)), alg);
	if ((r = kex_hash(kx->hash, conn_ident_client(c), conn_ident_server(c),
	                  c->kex.i_ours.data, c->kex.i_ours.len, c->kex.i_peer.data,
	                  c->kex.i_peer.len, ks, kslen, c->cli->kex_qc.data, c->cli->kex_qc.len, qs, qslen,
	                  kbuf.data, kbuf.len, h)))
		goto out;
	if (key_verify(k, alg, sig, siglen, h, hlen) != 0)
		conn_fatal(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
		           "the server's %s signature of the exchange hash does not verify", alg);
	if (!c->cli->hostkey) {
		check_host_key(c, k, ks, kslen);
		c->cli->hostkey = k;
		k = NULL;
	} else if (!key_equal_public(c->cli->hostkey, k)) {
		/* a rekey must not change who we talk to */
		conn_fatal(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "host key changed during rekey");
	}
	if ((r = conn_kex_keys(c, kbuf.data, kbuf.len, h, hlen)) || (r = conn_send_newkeys(c)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "after the key exchange: %s",
		           err_str(r));
out:
	wipe(h, sizeof(h));
	buf_free(&kbuf);
	key_free(k);
	return r;
}

static const struct dispatch cli_kex_msgs[] = {
        {SSH_MSG_KEX_ECDH_REPLY, cli_kex_reply}, /* also KEXDH_REPLY */
        {0, NULL},
};

static int cli_kex_done(struct conn *c, int first)
{
	if (first)
		cli_auth_start(c);
	return 0;
}

static int cli_ext_info(struct conn *c, const uint8_t *name, size_t nlen, const uint8_t *val,
                        size_t vlen)
{
	char algs[sizeof(c->cli->sig_algs)];

	if (nlen != 15 || memcmp(name, "server-sig-algs", 15) != 0)
		return 0;
	if (vlen >= sizeof(algs) || memchr(val, 0, vlen))
		vlen = 0; /* unusable: as if none came (we then try the safe defaults) */
	memcpy(algs, val, vlen);
	algs[vlen] = 0;
	cli_auth_sig_algs(c, algs);
	return 0;
}

static const struct conn_role cli_role = {
        .is_client = 1,
        .proposal = cli_proposal,
        .kex_negotiated = cli_kex_negotiated,
        .kex_msgs = cli_kex_msgs,
        .newkeys_sent = NULL,
        .kex_done = cli_kex_done,
        .ext_info = cli_ext_info,
};

/* ---- the socket */

/* -b [address][:port] */
static void bind_local(int fd, const struct cli_opts *o, int family)
{
	char host[DB_MAX_FWD_HOST] = "", *colon;
	const char *port = NULL;
	struct addrinfo hints, *res;

	if (!o->bind_addr)
		return;
	snprintf(host, sizeof(host), "%s", o->bind_addr);
	if (host[0] == '[' && (colon = strchr(host, ']'))) {
		/* [v6addr]:port: the port follows "]:" in the original */
		size_t close_at = (size_t)(colon - host);
		if (o->bind_addr[close_at + 1] == ':')
			port = o->bind_addr + close_at + 2;
		*colon = 0;
		memmove(host, host + 1, strlen(host + 1) + 1);
	} else if ((colon = strrchr(host, ':')) && strchr(host, ':') == colon) {
		*colon = 0;
		port = colon + 1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if (resolve(host[0] ? host : NULL, port && *port ? port : "0", &hints, &res) != 0)
		cli_die("-b %s: cannot resolve", o->bind_addr);
	if (bind(fd, res->ai_addr, res->ai_addrlen) != 0)
		cli_die("-b %s: cannot bind: %s", o->bind_addr, strerror(errno));
	resolve_free(res);
}

int cli_connect(const struct cli_opts *o)
{
	struct addrinfo hints, *res, *ai;
	char port[8];
	int fd = -1, err = 0, r;
	struct kex_proposal p;

	/* a bad -c / -m / KexAlgorithms is a command-line error: say so before connecting */
	memset(&p, 0, sizeof(p));
	r = kex_proposal_make(&p, 1, "ssh-ed25519", o->kex, o->ciphers, o->macs, 0);
	kex_proposal_free(&p);
	if (r)
		cli_die("unknown or malformed algorithm in -c/-m/Ciphers/MACs/KexAlgorithms "
		    "(-c help, -m help list them)");
	snprintf(port, sizeof(port), "%u", o->port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = o->family;
	hints.ai_socktype = SOCK_STREAM;
	if ((r = resolve(o->host, port, &hints, &res)) != 0)
		cli_die("cannot resolve %s: %s", o->host, resolve_strerror(r));
	for (ai = res; ai; ai = ai->ai_next) {
		struct pollfd pf;
		socklen_t sl = sizeof(err);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		bind_local(fd, o, ai->ai_family);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			pf.fd = fd;
			pf.events = POLLOUT;
			r = poll(&pf, 1, o->connect_timeout ? (int)o->connect_timeout * 1000 : -1);
			if (r == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) == 0 && !err)
				break;
			if (r == 0)
				err = ETIMEDOUT;
		} else {
			err = errno;
		}
		close(fd);
		fd = -1;
	}
	resolve_free(res);
	if (fd < 0)
		cli_die("connect to %s port %u: %s", o->host, o->port, strerror(err));
	/* Small packets (keystrokes, window adjusts) must not wait for Nagle's 40 ms. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
	return fd;
}

/* A clean goodbye once the session is over (RFC 4253 11.1), given a bounded moment to
 * leave. */
static void say_goodbye(struct conn *c)
{
	struct buf m;
	uint64_t until = loop_now_ms() + 1000;

	if (conn_msg_init(&m, SSH_MSG_DISCONNECT) == 0 &&
	    buf_put_u32(&m, SSH_DISCONNECT_BY_APPLICATION) == 0 &&
	    buf_put_cstr(&m, "disconnected by user") == 0 && buf_put_cstr(&m, "") == 0)
		(void)conn_send_buf(c, &m);
	buf_free(&m);
	while (buf_avail(&c->outq) && c->fd >= 0) {
		struct pollfd p = {.fd = c->fd, .events = POLLOUT};
		uint64_t now = loop_now_ms();
		ssize_t n;
		if (now >= until || poll(&p, 1, (int)(until - now)) <= 0)
			break;
		n = write(c->fd, buf_ptr(&c->outq), buf_avail(&c->outq));
		if (n <= 0)
			break;
		(void)buf_skip(&c->outq, (size_t)n);
	}
}

_Noreturn void cli_conn_run(int fd, const char *peer)
{
	struct conn *c = &the_conn;
	struct loop *loop;
	int r;

	memset(&cli, 0, sizeof(cli));
	cli.opts = &cli_opts;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)
		cli_die("cannot set the socket non-blocking");
	if ((r = loop_init(&loop)) || (r = conn_init(c, &cli_role, fd, loop, peer)))
		cli_die("%s", err_str(r));
	c->cli = &cli;
	c->exit_prefix = "Disconnected";
	if ((r = conn_start(c)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot start: %s", err_str(r));
	if ((r = loop_run(loop)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "poll: %s", err_str(r));
	/* the loop stops when the session is over; apply_exit_status (cli-main.c) turns
	 * this exit into the status the session recorded */
	say_goodbye(c);
	exit(0);
}
