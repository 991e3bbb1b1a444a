/* svr-signer.c: host keys out of reach of the network parser (TinySSH's subprocess_sign).
 *
 * The process that parses network data holds no host private key. Signing the exchange
 * hash happens in a helper that holds the keys, over a socketpair, in frames of
 * uint32 length || payload:
 *   request  byte op || string alg [|| string hash]   op 1: public key, op 2: sign
 *   reply    byte status (0 ok) || string blob
 * The helper signs only hash-sized data (an exchange hash), never anything longer, and
 * parses requests with the bounded buf getters like any other untrusted input.
 *
 * Two lifetimes (see "Design notes" in README.md):
 * - daemon mode: the listener keeps the keys and forks a helper when a connection's
 *   socket becomes readable (a key exchange, or a utmp record, needs one); the helper
 *   answers until it has signed once (or done one utmp request) and exits. An idle
 *   session is one process; a rekey forks again.
 * - inetd mode (-i) has no listener: the helper is forked once for the connection and
 *   serves it to the end, as before.
 *
 * It is also the one process of the connection that stays root after authentication,
 * so it writes the utmp/wtmp/lastlog records of pty sessions (svr-utmp.c):
 *   op 3: login   string line ("pts/N") || string user || string host || uint32 pid
 *   op 4: logout  string line
 * The connection process runs as the user then and has parsed network data: the helper
 * believes nothing it says that it can check. The line must be a pts device owned by
 * that user, the user must exist, only lines it logged in can be logged out, and what is
 * still logged in when the connection process goes away is logged out then. In daemon
 * mode the table of a connection's logins lives in the listener: each helper gets it by
 * the fork and writes it back over a pipe before it exits. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "pwdb.h"
#include "server.h"
#include "svr-sys.h"
#include "util.h"

#define OP_PUBKEY 1
#define OP_SIGN 2
#define OP_LOGIN 3
#define OP_LOGOUT 4
#define LINE_MAX_LEN SIGNER_LINE_MAX
#define HOST_MAX_LEN 256
#define SIGNER_MAX_REQ 1024
#define SIGNER_MAX_REPLY (DB_MAX_PUBKEY_BLOB + 1024)

static int read_full(int fd, void *p, size_t n)
{
	uint8_t *d = p;
	while (n) {
		ssize_t r = read(fd, d, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? ERR_CLOSED : ERR_IO;
		d += r;
		n -= (size_t)r;
	}
	return 0;
}

static int write_full(int fd, const void *p, size_t n)
{
	const uint8_t *d = p;
	while (n) {
		ssize_t r = write(fd, d, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return ERR_IO;
		d += r;
		n -= (size_t)r;
	}
	return 0;
}

static int send_frame(int fd, const struct buf *b)
{
	uint8_t hdr[4];
	int r;

	store_be32(hdr, (uint32_t)b->len);
	if ((r = write_full(fd, hdr, 4)))
		return r;
	return write_full(fd, b->data, b->len);
}

/* Reads one frame of at most max bytes into b (reset first). */
static int recv_frame(int fd, struct buf *b, size_t max)
{
	uint8_t hdr[4], *p;
	uint32_t len;
	int r;

	if ((r = read_full(fd, hdr, 4)))
		return r;
	len = load_be32(hdr);
	if (len == 0 || len > max)
		return ERR_TOOBIG;
	buf_reset(b);
	if ((r = buf_reserve(b, len, &p)))
		return r;
	return read_full(fd, p, len);
}

/* Pty logins this connection has (at most one per channel): the inetd helper's own
 * table, or in daemon mode the listener's copy for this connection. */
static struct signer_logins own_logins;
static struct signer_login *logins = own_logins.l;

/* A daemon-mode helper asked for a signer for at most this long (a connection process
 * that sends half a request holds only its own helper, and not for ever). */
#define HELPER_TIMEOUT 30
/* Requests one daemon-mode helper answers at most (public keys, then one signature). */
#define HELPER_MAX_REQ 8

/* "pts/" and digits only: nothing else names a session's terminal. */
static int valid_line(const char *line)
{
	size_t i;

	if (strncmp(line, "pts/", 4) != 0 || !line[4])
		return 0;
	for (i = 4; line[i]; i++)
		if (line[i] < '0' || line[i] > '9')
			return 0;
	return 1;
}

static int serve_utmp(uint8_t op, struct buf *req)
{
	char line[LINE_MAX_LEN], user[DB_MAX_USERNAME], host[HOST_MAX_LEN], dev[LINE_MAX_LEN + 8];
	struct pwdb_pw pw;
	struct stat st;
	uint32_t pid;
	size_t i, freeslot = DB_MAX_CHANNELS;
	int r;

	if ((r = buf_get_cstr(req, line, sizeof(line))))
		return r;
	if (!valid_line(line))
		return ERR_INVALID;
	if (op == OP_LOGOUT) {
		if ((r = buf_end(req)))
			return r;
		for (i = 0; i < DB_MAX_CHANNELS; i++)
			if (logins[i].pid && strcmp(logins[i].line, line) == 0) {
				utmp_logout(logins[i].line, logins[i].pid);
				logins[i].pid = 0;
				return 0;
			}
		return ERR_INVALID;
	}
	if ((r = buf_get_cstr(req, user, sizeof(user))) ||
	    (r = buf_get_cstr(req, host, sizeof(host))) || (r = buf_get_u32(req, &pid)) ||
	    (r = buf_end(req)))
		return r;
	if (pid <= 1 || pid > INT32_MAX)
		return ERR_INVALID;
	for (i = 0; host[i]; i++)
		if (host[i] < 32 || host[i] > 126)
			host[i] = '?';
	/* the pty must be one the user holds: a connection process running as that user
	 * can only name its own terminals, and only as its own user */
	if (!pwdb_getpwnam(user, &pw))
		return ERR_INVALID;
	snprintf(dev, sizeof(dev), "/dev/%s", line);
	if (stat(dev, &st) != 0 || !S_ISCHR(st.st_mode) || st.st_uid != pw.uid)
		return ERR_INVALID;
	for (i = 0; i < DB_MAX_CHANNELS; i++) {
		if (logins[i].pid && strcmp(logins[i].line, line) == 0)
			return ERR_EXISTS;
		if (!logins[i].pid && freeslot == DB_MAX_CHANNELS)
			freeslot = i;
	}
	if (freeslot == DB_MAX_CHANNELS)
		return ERR_TOOBIG;
	memcpy(logins[freeslot].line, line, sizeof(line));
	logins[freeslot].pid = (pid_t)pid;
	utmp_login(line, pw.name, pw.uid, host, (pid_t)pid);
	return 0;
}

void signer_logout_all(struct signer_logins *lg)
{
	size_t i;

	for (i = 0; i < DB_MAX_CHANNELS; i++)
		if (lg->l[i].pid) {
			utmp_logout(lg->l[i].line, lg->l[i].pid);
			lg->l[i].pid = 0;
		}
}

/* One request: the reply's status and blob go to out. */
static int serve(struct hostkeys *hk, struct buf *req, struct buf *out)
{
	struct key *k;
	char alg[64];
	const uint8_t *h;
	size_t hn;
	uint8_t op;
	int r;

	if ((r = buf_get_u8(req, &op)))
		return r;
	if (op == OP_LOGIN || op == OP_LOGOUT)
		return serve_utmp(op, req);
	if ((r = buf_get_cstr(req, alg, sizeof(alg))))
		return r;
	if ((r = hostkeys_get(hk, hostkeys_alg_type(alg, strlen(alg)), &k)))
		return r;
	if (op == OP_PUBKEY) {
		if ((r = buf_end(req)))
			return r;
		return key_put_blob(k, out);
	}
	if (op != OP_SIGN)
		return ERR_INVALID;
	if ((r = buf_get_string(req, &h, &hn)) || (r = buf_end(req)))
		return r;
	if (hn < 20 || hn > HASH_MAX_LEN)
		return ERR_INVALID; /* an exchange hash, nothing else */
	if (!key_sig_alg_ok(k, alg, strlen(alg)))
		return ERR_UNSUPPORTED;
	return key_sign(k, alg, h, hn, out);
}

#ifdef DB_FUZZ
/* The fuzzing build only (tests/fuzz/fuzz_signer.c): one request, in process. */
int signer_fuzz_serve(struct hostkeys *hk, struct buf *req, struct buf *out)
{
	return serve(hk, req, out);
}
#endif

/* Answers requests on fd until EOF, an error, or (once) the first request that is not
 * a public key query. */
static void serve_loop(struct hostkeys *hk, int fd, int once)
{
	struct buf req, reply, blob;
	int n = 0;

	if (buf_init(&req, SIGNER_MAX_REQ, SIGNER_MAX_REQ) ||
	    buf_init(&reply, 1024, SIGNER_MAX_REPLY + 16) ||
	    buf_init(&blob, 1024, SIGNER_MAX_REPLY))
		return;
	for (;;) {
		int r = recv_frame(fd, &req, SIGNER_MAX_REQ);
		uint8_t op = req.len ? req.data[0] : 0;
		if (r)
			break; /* the connection process went away (or misbehaved) */
		buf_reset(&blob);
		buf_reset(&reply);
		r = serve(hk, &req, &blob);
		if (r)
			log_msg(LOG_WARNING, "Host key signer: %s", err_str(r));
		if ((r ? buf_put_u8(&reply, 1) || buf_put_string(&reply, "", 0)
		       : buf_put_u8(&reply, 0) || buf_put_string(&reply, blob.data, blob.len)) ||
		    send_frame(fd, &reply))
			break;
		if (once && (op != OP_PUBKEY || ++n >= HELPER_MAX_REQ))
			break;
	}
	buf_free(&req);
	buf_free(&reply);
	buf_free(&blob);
}

static _Noreturn void signer_main(struct hostkeys *hk, int fd)
{
	/* The connection process ends us by closing the socket (and sends SIGTERM as it
	 * goes): we finish the logout records first. */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	serve_loop(hk, fd, 0);
	signer_logout_all(&own_logins);
	hostkeys_free(hk);
	_exit(0);
}

_Noreturn void signer_helper(struct hostkeys *hk, int fd, struct signer_logins *lg,
                             int report_fd)
{
	signal(SIGPIPE, SIG_IGN);
	alarm(HELPER_TIMEOUT);
	logins = lg->l;
	serve_loop(hk, fd, 1);
	/* the table back to the listener (its own pipe, far larger than the table) */
	if (write_full(report_fd, lg, sizeof(*lg)) != 0)
		log_msg(LOG_WARNING, "Host key signer: cannot report the utmp table");
	/* hk is the listener's memory, shared with it until written: nothing of ours to
	 * wipe, and writing would only copy the pages */
	(void)hk;
	_exit(0);
}

int signer_start(struct hostkeys *hk, const int *close_fds, int nclose, int *fd, pid_t *pid_out)
{
	int sv[2], i;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return ERR_IO;
	pid = svr_fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return ERR_IO;
	}
	if (pid == 0) {
		close(sv[0]);
		/* The helper never sees the network, nor holds the listener's pipe open
		 * (which would hide the connection's authentication from the listener). */
		for (i = 0; i < nclose; i++)
			close(close_fds[i]);
		signal(SIGPIPE, SIG_IGN);
		signer_main(hk, sv[1]);
	}
	close(sv[1]);
	*fd = sv[0];
	*pid_out = pid;
	return 0;
}

static int call(int fd, const struct buf *req, struct buf *out)
{
	struct buf reply;
	const uint8_t *p;
	size_t n;
	uint8_t status;
	int r;

	if ((r = buf_init(&reply, 1024, SIGNER_MAX_REPLY + 16)))
		return r;
	if ((r = send_frame(fd, req)) == 0 &&
	    (r = recv_frame(fd, &reply, SIGNER_MAX_REPLY + 16)) == 0 &&
	    (r = buf_get_u8(&reply, &status)) == 0 && (r = buf_get_string(&reply, &p, &n)) == 0 &&
	    (r = buf_end(&reply)) == 0) {
		if (status != 0)
			r = ERR_CRYPTO;
		else
			r = buf_put_bytes(out, p, n);
	}
	buf_free(&reply);
	return r;
}

int signer_pubkey(int fd, const char *alg, struct buf *blob)
{
	struct buf req;
	int r;

	if ((r = buf_init(&req, 128, SIGNER_MAX_REQ)))
		return r;
	if ((r = buf_put_u8(&req, OP_PUBKEY)) == 0 && (r = buf_put_cstr(&req, alg)) == 0)
		r = call(fd, &req, blob);
	buf_free(&req);
	return r;
}

int signer_sign(int fd, const char *alg, const uint8_t *h, size_t n, struct buf *sig)
{
	struct buf req;
	int r;

	if ((r = buf_init(&req, 128, SIGNER_MAX_REQ)))
		return r;
	if ((r = buf_put_u8(&req, OP_SIGN)) == 0 && (r = buf_put_cstr(&req, alg)) == 0 &&
	    (r = buf_put_string(&req, h, n)) == 0)
		r = call(fd, &req, sig);
	buf_free(&req);
	return r;
}

int signer_login(int fd, const char *line, const char *user, const char *host, pid_t pid)
{
	struct buf req, out;
	int r;

	if ((r = buf_init(&req, 128, SIGNER_MAX_REQ)))
		return r;
	if ((r = buf_init(&out, 0, 64))) {
		buf_free(&req);
		return r;
	}
	if ((r = buf_put_u8(&req, OP_LOGIN)) == 0 && (r = buf_put_cstr(&req, line)) == 0 &&
	    (r = buf_put_cstr(&req, user)) == 0 && (r = buf_put_cstr(&req, host)) == 0 &&
	    (r = buf_put_u32(&req, (uint32_t)pid)) == 0)
		r = call(fd, &req, &out);
	buf_free(&req);
	buf_free(&out);
	return r;
}

int signer_logout(int fd, const char *line)
{
	struct buf req, out;
	int r;

	if ((r = buf_init(&req, 64, SIGNER_MAX_REQ)))
		return r;
	if ((r = buf_init(&out, 0, 64))) {
		buf_free(&req);
		return r;
	}
	if ((r = buf_put_u8(&req, OP_LOGOUT)) == 0 && (r = buf_put_cstr(&req, line)) == 0)
		r = call(fd, &req, &out);
	buf_free(&req);
	buf_free(&out);
	return r;
}
