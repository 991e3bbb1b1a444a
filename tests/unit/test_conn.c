/* The connection's transport flow driven in one process: a server row and a client row
 * written here (the real ones live in server/ and client/) talk over a socketpair
 * through one loop. Checks key exchange with each cipher family and kex method, and that
 * rekeying started by either side, by the byte limit or with messages held back during
 * the exchange loses and reorders nothing. A protocol error would exit the program
 * through fatal(), which the runner reports as a crash. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "err.h"
#include "harness.h"
#include "key.h"
#include "log.h"
#include "options.h"

#define MSG_TEST 192 /* a local-extension number (RFC 4250 4.1): u32 counter */

static struct key *hostkey;
static const char *opt_kex, *opt_cipher, *opt_mac;
static int opt_compress;

struct side {
	struct conn c;
	uint32_t next_rx, sent;
	struct buf q_c; /* client: its public value, for the hash */
};
static struct side S, C;
static unsigned want_msgs;
static unsigned rekey_every;
static int rekey_by_bytes;
static struct loop_timer pump_timer, watchdog_timer;
static int held_back;
static size_t bulk_size;  /* >0: each side sends messages of this size while it may */
static int small_sockbuf; /* tiny kernel socket buffers, so that queues fill up */
static int stalled;

static int test_msg(struct conn *c, uint8_t msg, struct buf *b)
{
	struct side *s = c == &S.c ? &S : &C;
	uint32_t n;
	int r;

	(void)msg;
	if ((r = buf_get_u32(b, &n)))
		return r;
	(void)buf_skip(b, buf_avail(b)); /* padding to make packets of many sizes */
	CHECK(n == s->next_rx);
	s->next_rx = n + 1;
	return 0;
}

static const struct dispatch app_table[] = {{MSG_TEST, test_msg}, {0, NULL}};

/* ---- server row */

static int srv_proposal(struct conn *c, struct kex_proposal *p)
{
	(void)c;
	return kex_proposal_make(p, 0, "ssh-ed25519", opt_kex, opt_cipher, opt_mac, opt_compress);
}

static int srv_kex_init(struct conn *c, uint8_t msg, struct buf *b)
{
	const struct kex_ops *kx = c->kex.res.kex;
	const uint8_t *qc = buf_ptr(b);
	size_t avail = buf_avail(b), hl = hash_len(kx->hash);
	struct buf pub, k, ks, sig, m;
	uint8_t h[HASH_MAX_LEN];
	int r;

	(void)msg;
	CHECK_OK(buf_init(&pub, 64, 4096));
	CHECK_OK(buf_init_secret(&k, 64, 4096));
	CHECK_OK(buf_init(&ks, 64, 4096));
	CHECK_OK(buf_init(&sig, 64, 4096));
	CHECK_OK(conn_msg_init(&m, SSH_MSG_KEX_ECDH_REPLY));
	if ((r = kx->encaps(b, &pub, &k)) || (r = buf_end(b)))
		return r;
	CHECK_OK(key_put_blob(hostkey, &ks));
	CHECK_OK(kex_hash(kx->hash, conn_ident_client(c), conn_ident_server(c), c->kex.i_peer.data,
	                  c->kex.i_peer.len, c->kex.i_ours.data, c->kex.i_ours.len, ks.data, ks.len,
	                  qc, avail - buf_avail(b), pub.data, pub.len, k.data, k.len, h));
	CHECK_OK(conn_kex_keys(c, k.data, k.len, h, hl));
	CHECK_OK(key_sign(hostkey, c->kex.res.hostkey_alg, h, hl, &sig));
	CHECK_OK(buf_put_string(&m, ks.data, ks.len));
	CHECK_OK(buf_put_bytes(&m, pub.data, pub.len));
	CHECK_OK(buf_put_string(&m, sig.data, sig.len));
	CHECK_OK(conn_send_buf(c, &m));
	CHECK_OK(conn_send_newkeys(c));
	buf_free(&pub);
	buf_free(&k);
	buf_free(&ks);
	buf_free(&sig);
	buf_free(&m);
	return 0;
}

static const struct dispatch srv_kex_msgs[] = {{SSH_MSG_KEX_ECDH_INIT, srv_kex_init}, {0, NULL}};
static const struct conn_role srv_row = {
        .is_client = 0,
        .proposal = srv_proposal,
        .kex_msgs = srv_kex_msgs,
};

/* ---- client row */

static int cli_proposal(struct conn *c, struct kex_proposal *p)
{
	(void)c;
	return kex_proposal_make(p, 1, "ssh-ed25519", opt_kex, opt_cipher, opt_mac, opt_compress);
}

static int cli_negotiated(struct conn *c)
{
	struct buf m;
	int r;

	buf_reset(&C.q_c);
	if ((r = c->kex.res.kex->keypair(&c->kex.method_state, &C.q_c)))
		return r;
	CHECK_OK(conn_msg_init(&m, SSH_MSG_KEX_ECDH_INIT));
	CHECK_OK(buf_put_bytes(&m, C.q_c.data, C.q_c.len));
	r = conn_send_buf(c, &m);
	buf_free(&m);
	return r;
}

static int cli_kex_reply(struct conn *c, uint8_t msg, struct buf *b)
{
	const struct kex_ops *kx = c->kex.res.kex;
	const uint8_t *ks, *sig, *qs;
	size_t ksn, sign, qsn, avail, hl = hash_len(kx->hash);
	struct key *k_s = NULL;
	struct buf k;
	uint8_t h[HASH_MAX_LEN];
	int r;

	(void)msg;
	if ((r = buf_get_string(b, &ks, &ksn)))
		return r;
	qs = buf_ptr(b);
	avail = buf_avail(b);
	CHECK_OK(buf_init_secret(&k, 64, 4096));
	if ((r = kx->decaps(c->kex.method_state, b, &k)))
		return r;
	qsn = avail - buf_avail(b);
	if ((r = buf_get_string(b, &sig, &sign)) || (r = buf_end(b)))
		return r;
	CHECK_OK(key_from_blob(ks, ksn, &k_s));
	CHECK(key_equal_public(k_s, hostkey));
	CHECK_OK(kex_hash(kx->hash, conn_ident_client(c), conn_ident_server(c), c->kex.i_ours.data,
	                  c->kex.i_ours.len, c->kex.i_peer.data, c->kex.i_peer.len, ks, ksn,
	                  C.q_c.data, C.q_c.len, qs, qsn, k.data, k.len, h));
	CHECK_OK(key_verify(k_s, c->kex.res.hostkey_alg, sig, sign, h, hl));
	CHECK_OK(conn_kex_keys(c, k.data, k.len, h, hl));
	key_free(k_s);
	buf_free(&k);
	return conn_send_newkeys(c);
}

static const struct dispatch cli_kex_msgs[] = {{SSH_MSG_KEX_ECDH_REPLY, cli_kex_reply}, {0, NULL}};
static const struct conn_role cli_row = {
        .is_client = 1,
        .proposal = cli_proposal,
        .kex_negotiated = cli_negotiated,
        .kex_msgs = cli_kex_msgs,
};

/* ---- driving both */

static void send_test(struct side *s)
{
	static uint8_t m[DB_MAX_PAYLOAD];
	size_t n = bulk_size ? bulk_size : 5 + (s->sent * 37) % 500;

	memset(m, 0xa5, n);
	m[0] = MSG_TEST;
	store_be32(m + 1, s->sent);
	{
		int r_ = conn_send(&s->c, m, n);
		if (r_)
			fprintf(stderr, "conn_send: %s (outq %zu, n %zu)\n", err_str(r_), s->c.outq.len - s->c.outq.pos, n);
		CHECK(r_ == 0);
	}
	if (s->c.kexq_n)
		held_back = 1; /* this one waits for NEWKEYS */
	s->sent++;
}

/* Runs every loop turn: sends a few messages from each side and starts rekeys. Some
 * messages go out while a kex runs, to be held back and flushed in order. */
static void pump(void *arg)
{
	struct loop *l = arg;
	int i;

	if (S.c.kex.done == 0 || C.c.kex.done == 0) {
		loop_timer_set(l, &pump_timer, 1, pump, l);
		return;
	}
	for (i = 0; i < 3; i++) {
		struct side *s = i & 1 ? &C : &S;
		if (bulk_size) {
			/* like a channel reading a fast fd: produce while allowed */
			while (s->sent < want_msgs && conn_can_send(&s->c))
				send_test(s);
			continue;
		}
		if (s->sent < want_msgs && (conn_can_send(&s->c) || s->c.kexq_n < 8))
			send_test(s);
		if (rekey_every && s->sent && s->sent % rekey_every == 0 && s->sent < want_msgs) {
			if (rekey_by_bytes)
				s->c.tx.bytes = DB_REKEY_BYTES; /* as if 1 GiB had gone out */
			else
				CHECK_OK(conn_kex_start(&s->c));
		}
	}
	if (S.next_rx >= want_msgs && C.next_rx >= want_msgs && !S.c.kex.we_sent_kexinit &&
	    !C.c.kex.we_sent_kexinit && !S.c.kex.peer_sent_kexinit && !C.c.kex.peer_sent_kexinit)
		loop_stop(l);
	else
		loop_timer_set(l, &pump_timer, 1, pump, l);
}

/* Not a timing check: a bound on a hang, far above what the run needs. */
static void watchdog(void *arg)
{
	stalled = 1;
	loop_stop(arg);
}

static void run_pair(const char *kex, const char *cipher, const char *mac, int compress,
                     unsigned msgs, unsigned every, int by_bytes)
{
	struct loop *l;
	int sv[2];

	opt_kex = kex;
	opt_cipher = cipher;
	opt_mac = mac;
	opt_compress = compress;
	want_msgs = msgs;
	rekey_every = every;
	rekey_by_bytes = by_bytes;
	held_back = 0;
	memset(&pump_timer, 0, sizeof(pump_timer));
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	if (small_sockbuf) {
		int sz = 4096, i;
		for (i = 0; i < 2; i++) {
			setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
			setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
		}
	}
	stalled = 0;
	memset(&watchdog_timer, 0, sizeof(watchdog_timer));
	CHECK_OK(loop_init(&l));
	memset(&S, 0, sizeof(S));
	memset(&C, 0, sizeof(C));
	CHECK_OK(buf_init(&C.q_c, 64, 4096));
	CHECK_OK(conn_init(&S.c, &srv_row, sv[0], l, "server-side"));
	CHECK_OK(conn_init(&C.c, &cli_row, sv[1], l, "client-side"));
	conn_set_phase(&S.c, app_table);
	conn_set_phase(&C.c, app_table);
	conn_set_authed(&S.c);
	conn_set_authed(&C.c);
	CHECK_OK(conn_start(&S.c));
	CHECK_OK(conn_start(&C.c));
	loop_timer_set(l, &pump_timer, 1, pump, l);
	loop_timer_set(l, &watchdog_timer, 60000, watchdog, l);
	CHECK_OK(loop_run(l));
	CHECK(!stalled);
	CHECK(S.next_rx == msgs && C.next_rx == msgs);
	CHECK(S.c.kex.strict && C.c.kex.strict);
	CHECK(S.c.kex.done == C.c.kex.done);
	CHECK(S.c.kex.sid_len > 0 && S.c.kex.sid_len == C.c.kex.sid_len &&
	      memcmp(S.c.kex.session_id, C.c.kex.session_id, S.c.kex.sid_len) == 0);
	if (every) {
		CHECK(S.c.kex.done >= 1 + (msgs - 1) / every);
		CHECK(held_back); /* messages were held back during a kex, and came in order */
	}
	conn_free(&S.c);
	conn_free(&C.c);
	buf_free(&C.q_c);
	loop_free(l);
	close(sv[0]);
	close(sv[1]);
}

static void test_chacha_x25519(void)
{
	run_pair("curve25519-sha256", "chacha20-poly1305@openssh.com", NULL, 0, 50, 0, 0);
}

static void test_aesctr_etm_ecdh(void)
{
	run_pair("ecdh-sha2-nistp256", "aes128-ctr", "hmac-sha2-256-etm@openssh.com", 0, 50, 0, 0);
}

static void test_aesctr_mac_dh(void)
{
	run_pair("diffie-hellman-group14-sha256", "aes256-ctr", "hmac-sha2-512", 0, 30, 0, 0);
}

static void test_gcm(void)
{
	run_pair("curve25519-sha256", "aes256-gcm@openssh.com", NULL, 0, 50, 0, 0);
}

static void test_rekey_both_sides(void)
{
	run_pair("curve25519-sha256", "chacha20-poly1305@openssh.com", NULL, 0, 400, 40, 0);
}

static void test_rekey_by_bytes(void)
{
	run_pair("curve25519-sha256", "aes128-gcm@openssh.com", NULL, 0, 300, 50, 1);
}

static void test_rekey_with_zlib(void)
{
	/* "zlib" runs from NEWKEYS on: the stream must survive key changes */
	run_pair("ecdh-sha2-nistp384", "aes128-ctr", "hmac-sha2-256", 1, 300, 60, 0);
}

/* Both sides produce bulk output whenever conn_can_send() allows, as channels do, over
 * tiny socket buffers: each side's queue reaches the soft limit while the other's does,
 * and each must keep reading the other or both stall (the SSH mutual-backpressure
 * deadlock). */
static void test_both_sides_saturated(void)
{
	bulk_size = 30000;
	small_sockbuf = 1;
	run_pair("curve25519-sha256", "aes128-gcm@openssh.com", NULL, 0, 300, 0, 0);
	bulk_size = 0;
	small_sockbuf = 0;
}

int main(void)
{
	log_init("test_conn", LOG_TO_STDERR);
	CHECK_OK(crypto_init());
	if (key_generate(KEY_ED25519, 0, &hostkey) != 0)
		return 1;
	RUN(test_chacha_x25519);
	RUN(test_aesctr_etm_ecdh);
	RUN(test_aesctr_mac_dh);
	RUN(test_gcm);
	RUN(test_rekey_both_sides);
	RUN(test_rekey_by_bytes);
	RUN(test_rekey_with_zlib);
	RUN(test_both_sides_saturated);
	key_free(hostkey);
	return harness_done("test_conn");
}
