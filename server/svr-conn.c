/* svr-conn.c: one server connection: the server's row of the transport (its half of
 * the key exchange, EXT_INFO) and the process setup around it. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto.h"
#include "err.h"
#include "log.h"
#include "server.h"
#include "util.h"

/* Compression the server offers: only the delayed method, which starts after
 * USERAUTH_SUCCESS, so that no anonymous peer reaches the inflater (OpenSSH since 7.4
 * offers no plain "zlib" either). */
#if DB_COMPRESSION
#define SVR_COMP_LIST "zlib@openssh.com,none"
#else
#define SVR_COMP_LIST "none"
#endif

static int svr_proposal(struct conn *c, struct kex_proposal *p)
{
	int r, i;

	if ((r = kex_proposal_make(p, 0, c->srv->hostkey_algs, NULL, NULL, NULL, 0)))
		return r;
	for (i = PROP_COMP_CS; i <= PROP_COMP_SC; i++) {
		free(p->list[i]);
		if (!(p->list[i] = strdup(SVR_COMP_LIST))) {
			kex_proposal_free(p);
			return ERR_NOMEM;
		}
	}
	return 0;
}

/* KEXDH_INIT / KEX_ECDH_INIT (RFC 4253 8, RFC 5656 4, RFC 8731 3): the client's public
 * value in, our reply out: string K_S || our public value || string signature of H. */
static int svr_kex_init(struct conn *c, uint8_t msg, struct buf *b)
{
	const struct kex_ops *kx = c->kex.res.kex;
	const char *alg = c->kex.res.hostkey_alg;
	const uint8_t *qc = buf_ptr(b);
	size_t avail = buf_avail(b), qclen, hlen = hash_len(kx->hash);
	uint8_t h[HASH_MAX_LEN];
	struct buf pub, k, ks, sig, reply;
	int r;

	(void)msg;
	memset(&k, 0, sizeof(k));
	if ((r = buf_init(&pub, 256, DB_MAX_PAYLOAD)) || (r = buf_init_secret(&k, 256, 4096)) ||
	    (r = buf_init(&ks, 256, DB_MAX_PUBKEY_BLOB)) || (r = buf_init(&sig, 256, 4096)) ||
	    (r = conn_msg_init(&reply, SSH_MSG_KEX_ECDH_REPLY)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "out of memory");
	r = kx->encaps(b, &pub, &k);
	if (r)
		conn_fatal(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "%s: bad client public value: %s",
		           kx->name, err_str(r));
	qclen = avail - buf_avail(b); /* exactly what encaps consumed is Q_C / e */
	if ((r = buf_end(b)))
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "%s: trailing bytes in kex init",
		           kx->name);
	if ((r = signer_pubkey(c->srv->signer_fd, alg, &ks)))
		conn_fatal(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "no %s host key: %s", alg,
		           err_str(r));
	if ((r = kex_hash(kx->hash, conn_ident_client(c), conn_ident_server(c), c->kex.i_peer.data,
	                  c->kex.i_peer.len, c->kex.i_ours.data, c->kex.i_ours.len, ks.data, ks.len,
	                  qc, qclen, pub.data, pub.len, k.data, k.len, h)) ||
	    (r = conn_kex_keys(c, k.data, k.len, h, hlen)))
		conn_fatal(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "exchange hash: %s", err_str(r));
	buf_free(&k);
	if ((r = signer_sign(c->srv->signer_fd, alg, h, hlen, &sig)))
		conn_fatal(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
		           "cannot sign with the %s host key: %s", alg, err_str(r));
	wipe(h, sizeof(h));
	if ((r = buf_put_string(&reply, ks.data, ks.len)) ||
	    (r = buf_put_bytes(&reply, pub.data, pub.len)) ||
	    (r = buf_put_string(&reply, sig.data, sig.len)) || (r = conn_send_buf(c, &reply)) ||
	    (r = conn_send_newkeys(c)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot send kex reply: %s",
		           err_str(r));
	buf_free(&pub);
	buf_free(&ks);
	buf_free(&sig);
	buf_free(&reply);
	return 0;
}

static const struct dispatch svr_kex_msgs[] = {
        {SSH_MSG_KEX_ECDH_INIT, svr_kex_init}, /* also KEXDH_INIT: the same number */
        {0, NULL},
};

/* RFC 8308 2.4: EXT_INFO right after our first NEWKEYS when the client asked for it;
 * server-sig-algs says which signature algorithms publickey auth accepts (2.1). */
static int svr_newkeys_sent(struct conn *c, int first)
{
	char algs[256];
	struct buf m;
	int r;

	if (!first || !c->kex.peer_ext_info)
		return 0;
	if ((r = hostkeys_sig_algs(algs, sizeof(algs), ",")) ||
	    (r = conn_msg_init(&m, SSH_MSG_EXT_INFO)))
		return r;
	if ((r = buf_put_u32(&m, 1)) == 0 && (r = buf_put_cstr(&m, "server-sig-algs")) == 0 &&
	    (r = buf_put_cstr(&m, algs)) == 0)
		r = conn_send_buf(c, &m);
	buf_free(&m);
	return r;
}

static int svr_kex_done(struct conn *c, int first)
{
	if (first)
		svr_auth_kex_done(c);
	return 0;
}

const struct conn_role svr_conn_role = {
        .is_client = 0,
        .proposal = svr_proposal,
        .kex_negotiated = NULL, /* the server waits for the client's public value */
        .kex_msgs = svr_kex_msgs,
        .newkeys_sent = svr_newkeys_sent,
        .kex_done = svr_kex_done,
        .ext_info = NULL, /* nothing a client may announce concerns us yet */
};

static struct svr_state srv;

/* At exit: the signer sees EOF and goes; we reap it rather than leave a zombie for an
 * init that may not collect it (a container's PID 1). (In daemon mode the helpers are
 * the listener's children.) */
static void stop_signer(void)
{
	if (srv.signer_fd < 0)
		return;
	close(srv.signer_fd);
	srv.signer_fd = -1;
	if (srv.signer_pid <= 0)
		return;
	kill(srv.signer_pid, SIGTERM);
	while (waitpid(srv.signer_pid, NULL, 0) < 0 && errno == EINTR)
		;
}

_Noreturn void svr_conn_run(int fd, const char *peer, const char *hostkey_algs,
                            int signer_fd, pid_t signer_pid, int unauth_fd,
                            const struct svr_opts *o)
{
	static struct conn c;
	struct loop *loop;
	int r;

	signal(SIGPIPE, SIG_IGN);
	/* srv is zero as the process started (no memset: its untouched pages stay
	 * unmapped) */
	srv.opts = o;
	srv.unauth_fd = unauth_fd;
	srv.signer_fd = signer_fd;
	srv.signer_pid = signer_pid;
	atexit(stop_signer);
	/* no program run for the user inherits the signer's socket (a re-executed
	 * connection got it without close-on-exec) */
	if (fcntl(signer_fd, F_SETFD, FD_CLOEXEC) != 0 ||
	    (unauth_fd >= 0 && fcntl(unauth_fd, F_SETFD, FD_CLOEXEC) != 0))
		fatal("Exit before auth from <%s>: bad descriptors", peer);
	if (snprintf(srv.hostkey_algs, sizeof(srv.hostkey_algs), "%s", hostkey_algs) >=
	    (int)sizeof(srv.hostkey_algs))
		fatal("Exit before auth from <%s>: host key list too long", peer);
	/* Key exchange and auth are round trips of small packets: no Nagle delay (fails
	 * harmlessly on a pipe or a non-TCP socket in inetd mode). */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)
		fatal("Exit before auth from <%s>: cannot set the socket non-blocking", peer);
	if ((r = loop_init(&loop)) || (r = conn_init(&c, &svr_conn_role, fd, loop, peer)))
		fatal("Exit before auth from <%s>: %s", peer, err_str(r));
	c.srv = &srv;
	c.exit_prefix = "Exit before auth";
	svr_auth_start(&c);
	if ((r = conn_start(&c)))
		conn_fatal(&c, SSH_DISCONNECT_BY_APPLICATION, "cannot start: %s", err_str(r));
	if ((r = loop_run(loop)))
		conn_fatal(&c, SSH_DISCONNECT_BY_APPLICATION, "poll: %s", err_str(r));
	conn_exit(&c, "Exited normally");
}
