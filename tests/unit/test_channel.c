/* The channel layer (common/channel.c) and the session request parsers (common/sessreq.c)
 * driven in one process: messages from a pretend peer go straight to chan_dispatch, what
 * we send is decoded from the connection's output queue (no key exchange: plaintext
 * packets), and a test channel type moves data through pipes. Checks windows and their
 * re-advertising, backpressure (a slow fd bounds what is queued), EOF and CLOSE in both
 * directions, chan_flush, open failures, and that malformed or out-of-window messages
 * are refused. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "crypto.h"
#include "err.h"
#include "harness.h"
#include "log.h"
#include "sessreq.h"
#include "util.h"

static const struct conn_role role = {.is_client = 0};
static struct conn C;
static struct loop *L;
static struct chan_table T;
static struct pkt_dir rxdir;
static int sv[2];

/* the test type: pipes to the test, counted cleanups and answers */
static int to_test[2], from_test[2]; /* out_fd writes to_test[1]; in_fd reads from_test[0] */
static int cleanups, close_ready_answer = -1, closing_calls, open_answer;
static int use_fds;

static int t_open(struct conn *c, struct channel *ch, struct buf *extra)
{
	(void)c;
	if (buf_end(extra))
		return ERR_TRAILING;
	if (open_answer)
		return open_answer;
	if (use_fds) {
		CHECK_OK(pipe(to_test));
		CHECK_OK(pipe(from_test));
		CHECK_OK(chan_set_fds(ch, from_test[0], to_test[1], -1, CHAN_ERR_NONE));
	}
	return 0;
}

static int t_request(struct conn *c, struct channel *ch, const char *req, int want_reply,
                     struct buf *b)
{
	(void)c;
	(void)ch;
	(void)want_reply;
	if (strcmp(req, "ok") == 0)
		return buf_end(b) ? ERR_TRAILING : 1;
	(void)buf_skip(b, buf_avail(b));
	return 0;
}

static int t_close_ready(struct conn *c, struct channel *ch)
{
	(void)c;
	(void)ch;
	return close_ready_answer;
}

static void t_closing(struct conn *c, struct channel *ch)
{
	(void)c;
	(void)ch;
	closing_calls++;
}

static void t_cleanup(struct conn *c, struct channel *ch)
{
	(void)c;
	(void)ch;
	cleanups++;
}

static const struct chan_type t_type = {
        .name = "test", .open = t_open, .request = t_request, .cleanup = t_cleanup};
static const struct chan_type t_type2 = {.name = "test2",
                                         .open = t_open,
                                         .close_ready = t_close_ready,
                                         .closing = t_closing,
                                         .cleanup = t_cleanup};
static const struct chan_type *const types[] = {&t_type, &t_type2, NULL};

static void setup(uint32_t window)
{
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_OK(loop_init(&L));
	CHECK_OK(conn_init(&C, &role, sv[0], L, "test"));
	C.authed = 1;
	CHECK_OK(chan_table_init(&T, &C, types, window));
	CHECK_OK(pkt_dir_init(&rxdir));
	cleanups = closing_calls = open_answer = 0;
	close_ready_answer = -1;
	use_fds = 1;
	to_test[0] = to_test[1] = from_test[0] = from_test[1] = -1;
}

static struct buf wire; /* what the test has taken of our output, not yet decoded */

static void teardown(void)
{
	chan_table_free(&T);
	conn_free(&C);
	pkt_dir_free(&rxdir);
	buf_free(&wire);
	memset(&wire, 0, sizeof wire);
	loop_free(L);
	close(sv[0]);
	close(sv[1]);
	if (to_test[0] >= 0)
		close(to_test[0]);
	if (from_test[1] >= 0)
		close(from_test[1]);
}

/* One message from the peer: b holds the whole payload. */
static int feed(struct buf *b)
{
	struct buf v;
	uint8_t msg;
	int r;

	buf_view(&v, b->data, b->len);
	CHECK_OK(buf_get_u8(&v, &msg));
	r = chan_dispatch(&T, msg, &v);
	buf_free(b);
	return r;
}

static struct buf msg(uint8_t type)
{
	struct buf b;
	CHECK_OK(buf_init(&b, 64, DB_MAX_PAYLOAD));
	CHECK_OK(buf_put_u8(&b, type));
	return b;
}

static int peer_open(const char *type, uint32_t remote, uint32_t window, uint32_t maxpkt)
{
	struct buf b = msg(SSH_MSG_CHANNEL_OPEN);
	CHECK_OK(buf_put_cstr(&b, type));
	CHECK_OK(buf_put_u32(&b, remote));
	CHECK_OK(buf_put_u32(&b, window));
	CHECK_OK(buf_put_u32(&b, maxpkt));
	return feed(&b);
}

static int peer_data(uint32_t id, const void *p, size_t n)
{
	struct buf b = msg(SSH_MSG_CHANNEL_DATA);
	CHECK_OK(buf_put_u32(&b, id));
	CHECK_OK(buf_put_string(&b, p, n));
	return feed(&b);
}

static int peer_simple(uint8_t type, uint32_t id)
{
	struct buf b = msg(type);
	CHECK_OK(buf_put_u32(&b, id));
	return feed(&b);
}

static int peer_adjust(uint32_t id, uint32_t n)
{
	struct buf b = msg(SSH_MSG_CHANNEL_WINDOW_ADJUST);
	CHECK_OK(buf_put_u32(&b, id));
	CHECK_OK(buf_put_u32(&b, n));
	return feed(&b);
}

/* The next message we sent, or 0 when there is none; *p views it (after the type). What
 * we sent is on the socket (a channel that read bulk data flushes it at once:
 * conn_flush) and then in the output queue: both are taken, in that order. */
static uint8_t next_out(struct buf *p)
{
	uint8_t t, tmp[4096], *q;
	ssize_t n;

	if (!wire.data)
		CHECK_OK(buf_init(&wire, 0, 1u << 26));
	buf_compact(&wire);
	while ((n = recv(sv[1], tmp, sizeof tmp, MSG_DONTWAIT)) > 0)
		CHECK_OK(buf_put_bytes(&wire, tmp, (size_t)n));
	if (buf_avail(&C.outq)) {
		CHECK_OK(buf_reserve(&wire, buf_avail(&C.outq), &q));
		memcpy(q, buf_ptr(&C.outq), buf_avail(&C.outq));
		buf_reset(&C.outq);
	}
	if (pkt_decode(&rxdir, &wire, p) != 0)
		return 0;
	CHECK_OK(buf_get_u8(p, &t));
	return t;
}

/* Skips our messages until one of type t; 1 if found. */
static int expect(uint8_t t, struct buf *p)
{
	uint8_t got;
	while ((got = next_out(p)) != 0)
		if (got == t)
			return 1;
	return 0;
}

static void stop_cb(void *arg)
{
	loop_stop(arg);
}

/* One round of the loop (the fds' callbacks run for what is ready now). */
static void spin(void)
{
	struct loop_timer t;
	memset(&t, 0, sizeof(t));
	loop_timer_set(L, &t, 20, stop_cb, L);
	CHECK_OK(loop_run(L));
	loop_timer_cancel(L, &t);
}

static void open_test_channel(uint32_t window, uint32_t maxpkt)
{
	struct buf p;
	uint32_t rid, lid, w, m;

	CHECK_OK(peer_open("test", 7, window, maxpkt));
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_OPEN_CONFIRMATION);
	CHECK_OK(buf_get_u32(&p, &rid));
	CHECK_OK(buf_get_u32(&p, &lid));
	CHECK_OK(buf_get_u32(&p, &w));
	CHECK_OK(buf_get_u32(&p, &m));
	CHECK(rid == 7 && lid == 0);
	CHECK(w == T.window);
	CHECK(m <= DB_MAX_PAYLOAD - 13 && m > 0);
}

static void test_open_and_unknown_type(void)
{
	struct buf p;
	uint32_t rid, code;

	setup(1000);
	open_test_channel(100, 100);
	CHECK(T.nopen == 1);
	CHECK_OK(peer_open("nonesuch", 9, 100, 100));
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_OPEN_FAILURE);
	CHECK_OK(buf_get_u32(&p, &rid));
	CHECK_OK(buf_get_u32(&p, &code));
	CHECK(rid == 9 && code == SSH_OPEN_UNKNOWN_CHANNEL_TYPE);
	/* a type's refusal */
	open_answer = SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
	CHECK_OK(peer_open("test", 10, 100, 100));
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_OPEN_FAILURE);
	CHECK_OK(buf_get_u32(&p, &rid));
	CHECK_OK(buf_get_u32(&p, &code));
	CHECK(rid == 10 && code == SSH_OPEN_ADMINISTRATIVELY_PROHIBITED);
	CHECK(T.nopen == 1 && cleanups == 1);
	teardown();
}

static void test_table_full(void)
{
	struct buf p;
	uint32_t i, rid, code;

	setup(1000);
	use_fds = 0;
	for (i = 0; i < DB_MAX_CHANNELS; i++) {
		CHECK_OK(peer_open("test", i, 100, 100));
		CHECK(next_out(&p) == SSH_MSG_CHANNEL_OPEN_CONFIRMATION);
	}
	CHECK_OK(peer_open("test", 999, 100, 100));
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_OPEN_FAILURE);
	CHECK_OK(buf_get_u32(&p, &rid));
	CHECK_OK(buf_get_u32(&p, &code));
	CHECK(rid == 999 && code == SSH_OPEN_RESOURCE_SHORTAGE);
	teardown();
	CHECK(cleanups == DB_MAX_CHANNELS);
}

static void test_data_to_fd_and_window(void)
{
	uint8_t data[1100], got[1100];
	struct buf p;
	uint32_t id, n;

	memset(data, 'a', sizeof(data));
	setup(1000);
	open_test_channel(100, 100);
	CHECK_OK(peer_data(0, data, 400));
	CHECK(read(to_test[0], got, sizeof(got)) == 400);
	/* 400 of 1000 used and written out: not yet half, no adjust */
	CHECK(next_out(&p) == 0);
	CHECK_OK(peer_data(0, data, 200));
	CHECK(read(to_test[0], got, sizeof(got)) == 200);
	CHECK(expect(SSH_MSG_CHANNEL_WINDOW_ADJUST, &p));
	CHECK_OK(buf_get_u32(&p, &id));
	CHECK_OK(buf_get_u32(&p, &n));
	CHECK(id == 7 && n == 600);
	/* the window is 1000 again: 1001 bytes is a protocol error */
	CHECK(peer_data(0, data, 1001) == ERR_PROTOCOL);
	CHECK_OK(peer_data(0, data, 1000));
	teardown();
}

static void test_backpressure_bounded(void)
{
	uint8_t chunk[1000], sink[65536];
	struct buf p;
	uint32_t sent = 0;
	ssize_t n;
	size_t total = 0;

	memset(chunk, 'b', sizeof(chunk));
	setup(200000);
	open_test_channel(100, 100);
	/* nobody reads to_test: the pipe fills (64 KiB), then the rest queues within the
	 * window, and no window is given back while it sits there */
	while (sent + sizeof(chunk) <= 200000) {
		CHECK_OK(peer_data(0, chunk, sizeof(chunk)));
		sent += sizeof(chunk);
	}
	CHECK(peer_data(0, chunk, 1) == ERR_PROTOCOL);
	while (next_out(&p))
		CHECK(0); /* nothing: no WINDOW_ADJUST while the data waits */
	CHECK(T.ch[0]->wq.cap <= 200000);
	/* the reader drains: queued data goes out, the window comes back */
	fcntl(to_test[0], F_SETFL, O_NONBLOCK);
	while (total < 200000) {
		while ((n = read(to_test[0], sink, sizeof(sink))) > 0)
			total += (size_t)n;
		spin();
	}
	CHECK(total == 200000);
	CHECK(expect(SSH_MSG_CHANNEL_WINDOW_ADJUST, &p));
	CHECK(T.ch[0]->wq.cap == 0); /* the queue gave its memory back */
	teardown();
}

/* The default window (table window 0) starts at DB_RECV_WINDOW and doubles at each
 * adjust while the fd takes everything, up to DB_RECV_WINDOW_GROW; it does not grow
 * while data waits in the queue; a -W window never grows. */
static void test_window_grows_while_data_flows(void)
{
	static uint8_t chunk[DB_CHAN_MAX_DATA > 16384 ? 16384 : DB_CHAN_MAX_DATA], sink[65536];
	struct buf p;
	uint32_t id, n, win = DB_RECV_WINDOW, granted = DB_RECV_WINDOW, used = 0;
	int adjusts = 0;

	memset(chunk, 'g', sizeof chunk);
	setup(0);
	CHECK(T.window == DB_RECV_WINDOW && T.window_max == DB_RECV_WINDOW_GROW);
	T.window_max = 64 * DB_RECV_WINDOW; /* growth is off by default for now (options.h) */
	CHECK_OK(peer_open("test", 7, 1u << 30, DB_CHAN_MAX_DATA));
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_OPEN_CONFIRMATION);
	fcntl(to_test[0], F_SETFL, O_NONBLOCK);
	/* a fast consumer: read everything after each message */
	while (adjusts < 40 && T.ch[0]->recv_max < T.window_max) {
		size_t m = sizeof chunk < granted - used ? sizeof chunk : granted - used;
		CHECK(m > 0);
		if (!m)
			break;
		CHECK_OK(peer_data(0, chunk, m));
		used += (uint32_t)m;
		while (read(to_test[0], sink, sizeof sink) > 0)
			;
		spin();
		while (expect(SSH_MSG_CHANNEL_WINDOW_ADJUST, &p)) {
			CHECK_OK(buf_get_u32(&p, &id));
			CHECK_OK(buf_get_u32(&p, &n));
			granted += n;
			adjusts++;
			CHECK(T.ch[0]->recv_max >= win); /* never shrinks */
			win = T.ch[0]->recv_max;
		}
		CHECK(granted - used == T.ch[0]->recv_window);
	}
	CHECK(T.ch[0]->recv_max == 64 * DB_RECV_WINDOW);
	CHECK(adjusts < 20); /* doubling: a handful of steps */
	/* at the cap: adjusts give back only what was used */
	teardown();

	/* a consumer that does not read (its pipe is full): the data queues, no adjust,
	 * and the window stays put */
	setup(0);
	T.window_max = 64 * DB_RECV_WINDOW;
	CHECK_OK(peer_open("test", 7, 1u << 30, DB_CHAN_MAX_DATA));
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_OPEN_CONFIRMATION);
	fcntl(to_test[1], F_SETFL, O_NONBLOCK);
	while (write(to_test[1], sink, sizeof sink) > 0)
		;
	for (used = 0; used + sizeof chunk <= DB_RECV_WINDOW; used += sizeof chunk)
		CHECK_OK(peer_data(0, chunk, sizeof chunk));
	spin();
	CHECK(T.ch[0]->recv_max == DB_RECV_WINDOW);
	teardown();

	/* -W: fixed */
	setup(30000);
	CHECK(T.window == 30000 && T.window_max == 30000);
	teardown();
}

static void test_read_respects_peer_window(void)
{
	uint8_t data[300];
	struct buf p;
	const uint8_t *s;
	size_t n, total = 0;
	uint32_t id;

	memset(data, 'c', sizeof(data));
	setup(1000);
	open_test_channel(50, 20); /* the peer allows 50 bytes, 20 per packet */
	CHECK(write(from_test[1], data, sizeof(data)) == (ssize_t)sizeof(data));
	spin();
	spin();
	spin();
	while (next_out(&p) == SSH_MSG_CHANNEL_DATA) {
		CHECK_OK(buf_get_u32(&p, &id));
		CHECK_OK(buf_get_string(&p, &s, &n));
		CHECK(n <= 20);
		total += n;
	}
	CHECK(total == 50);
	CHECK_OK(peer_adjust(0, 250));
	spin();
	spin();
	spin();
	spin();
	while (next_out(&p) == SSH_MSG_CHANNEL_DATA) {
		CHECK_OK(buf_get_u32(&p, &id));
		CHECK_OK(buf_get_string(&p, &s, &n));
		total += n;
	}
	CHECK(total == 300);
	/* the window may not pass 2^32 - 1 */
	CHECK_OK(peer_adjust(0, 0x80000000u));
	CHECK(peer_adjust(0, 0x80000000u) == ERR_PROTOCOL);
	teardown();
}

static void test_eof_and_close_both_ways(void)
{
	uint8_t tmp[16];
	struct buf p;

	setup(1000);
	open_test_channel(1000, 1000);
	/* the peer's EOF closes our write fd: the reader sees EOF */
	CHECK_OK(peer_simple(SSH_MSG_CHANNEL_EOF, 0));
	CHECK(read(to_test[0], tmp, sizeof(tmp)) == 0);
	/* data after EOF is an error */
	CHECK(peer_data(0, "x", 1) == ERR_PROTOCOL);
	/* our fd's EOF sends EOF, then (default rule: both ways done) CLOSE */
	close(from_test[1]);
	from_test[1] = -1;
	spin();
	CHECK(expect(SSH_MSG_CHANNEL_EOF, &p));
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_CLOSE);
	CHECK(cleanups == 0);
	CHECK_OK(peer_simple(SSH_MSG_CHANNEL_CLOSE, 0));
	CHECK(cleanups == 1 && T.nopen == 0);
	/* the channel is gone: messages for it are errors */
	CHECK(peer_data(0, "x", 1) == ERR_PROTOCOL);
	/* but a late WINDOW_ADJUST (paramiko sends one after its CLOSE) is ignored, not a
	 * reason to end the connection; so is one for an id never used */
	CHECK_OK(peer_adjust(0, 1000));
	CHECK_OK(peer_adjust(77, 1000));
	CHECK(next_out(&p) == 0);
	teardown();
}

static void test_peer_close_first_drains(void)
{
	uint8_t tmp[16];
	struct buf p;

	setup(1000);
	open_test_channel(1000, 1000);
	CHECK_OK(peer_data(0, "hello", 5));
	CHECK_OK(peer_simple(SSH_MSG_CHANNEL_CLOSE, 0));
	CHECK(expect(SSH_MSG_CHANNEL_CLOSE, &p));
	CHECK(read(to_test[0], tmp, sizeof(tmp)) == 5 && memcmp(tmp, "hello", 5) == 0);
	CHECK(cleanups == 1);
	teardown();
}

static void test_close_ready_and_flush(void)
{
	struct buf p;
	const uint8_t *s;
	size_t n;
	uint32_t id;
	int keep;

	setup(1000);
	CHECK_OK(peer_open("test2", 3, 1000, 1000));
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_OPEN_CONFIRMATION);
	close_ready_answer = 0;
	/* a "background job" keeps the write end open: no EOF by itself */
	keep = dup(from_test[1]);
	CHECK(write(from_test[1], "hi\n", 3) == 3);
	close(from_test[1]);
	from_test[1] = keep;
	chan_flush(T.ch[0]);
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_DATA);
	CHECK_OK(buf_get_u32(&p, &id));
	CHECK_OK(buf_get_string(&p, &s, &n));
	CHECK(n == 3 && memcmp(s, "hi\n", 3) == 0);
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_EOF);
	CHECK(next_out(&p) == 0); /* close_ready says not yet */
	close_ready_answer = 1;
	chan_poke(T.ch[0]);
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_CLOSE);
	CHECK(closing_calls == 1);
	CHECK_OK(peer_simple(SSH_MSG_CHANNEL_CLOSE, 0));
	CHECK(cleanups == 1);
	teardown();
}

static void test_requests_and_globals(void)
{
	struct buf b, p;

	setup(1000);
	open_test_channel(1000, 1000);
	b = msg(SSH_MSG_CHANNEL_REQUEST);
	CHECK_OK(buf_put_u32(&b, 0));
	CHECK_OK(buf_put_cstr(&b, "ok"));
	CHECK_OK(buf_put_bool(&b, 1));
	CHECK_OK(feed(&b));
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_SUCCESS);
	b = msg(SSH_MSG_CHANNEL_REQUEST);
	CHECK_OK(buf_put_u32(&b, 0));
	CHECK_OK(buf_put_cstr(&b, "nope"));
	CHECK_OK(buf_put_bool(&b, 1));
	CHECK_OK(buf_put_u32(&b, 5));
	CHECK_OK(feed(&b));
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_FAILURE);
	/* no reply without want_reply */
	b = msg(SSH_MSG_CHANNEL_REQUEST);
	CHECK_OK(buf_put_u32(&b, 0));
	CHECK_OK(buf_put_cstr(&b, "nope"));
	CHECK_OK(buf_put_bool(&b, 0));
	CHECK_OK(feed(&b));
	CHECK(next_out(&p) == 0);
	/* a global request without a handler fails */
	b = msg(SSH_MSG_GLOBAL_REQUEST);
	CHECK_OK(buf_put_cstr(&b, "keepalive@openssh.com"));
	CHECK_OK(buf_put_bool(&b, 1));
	CHECK_OK(feed(&b));
	CHECK(next_out(&p) == SSH_MSG_REQUEST_FAILURE);
	/* an answer to a question we never asked */
	b = msg(SSH_MSG_REQUEST_SUCCESS);
	CHECK(feed(&b) == ERR_PROTOCOL);
	CHECK(peer_simple(SSH_MSG_CHANNEL_SUCCESS, 0) == ERR_PROTOCOL);
	CHECK_OK(chan_global_request(&T, "x@example.com", 1, NULL));
	b = msg(SSH_MSG_REQUEST_FAILURE);
	CHECK_OK(feed(&b));
	teardown();
}

static void test_malformed(void)
{
	static const uint8_t bad[][12] = {
	        {SSH_MSG_CHANNEL_DATA, 0, 0, 0},                        /* truncated id */
	        {SSH_MSG_CHANNEL_DATA, 0, 0, 0, 0, 0, 0, 0, 9, 'a'},    /* string overruns */
	        {SSH_MSG_CHANNEL_EOF, 0, 0, 0, 0, 1},                   /* trailing byte */
	        {SSH_MSG_CHANNEL_CLOSE, 0, 0, 0, 5},                    /* no such channel */
	        {SSH_MSG_CHANNEL_WINDOW_ADJUST, 0, 0, 0, 0, 0},         /* truncated */
	        {SSH_MSG_CHANNEL_OPEN_CONFIRMATION, 0, 0, 0, 0},        /* not opening */
	        {SSH_MSG_CHANNEL_OPEN, 0, 0, 0, 4, 't', 'e', 's', 't'}, /* no ids */
	        {SSH_MSG_CHANNEL_REQUEST, 0, 0, 0, 0, 0, 0, 0, 2, 'o'}, /* bad name */
	        {SSH_MSG_CHANNEL_EXTENDED_DATA, 0, 0, 0, 0, 0, 0},      /* no code */
	        {SSH_MSG_GLOBAL_REQUEST, 0, 0, 0, 1, 'x'},              /* no want_reply */
	};
	static const size_t len[] = {4, 10, 6, 5, 6, 5, 9, 10, 7, 6};
	size_t i;

	setup(1000);
	open_test_channel(1000, 1000);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct buf v;
		uint8_t m;
		buf_view(&v, bad[i], len[i]);
		CHECK_OK(buf_get_u8(&v, &m));
		CHECK(chan_dispatch(&T, m, &v) < 0);
	}
	/* maximum packet 0: nothing could ever be sent */
	CHECK(peer_open("test", 1, 100, 0) == ERR_PROTOCOL);
	teardown();
}

static void test_outgoing_open(void)
{
	struct channel *ch;
	struct buf b, p;
	char name[32];

	setup(1000);
	CHECK_OK(chan_open_outgoing(&T, &t_type, NULL, NULL, &ch));
	CHECK(next_out(&p) == SSH_MSG_CHANNEL_OPEN);
	CHECK_OK(buf_get_cstr(&p, name, sizeof(name)));
	CHECK(strcmp(name, "test") == 0);
	/* refused: the channel goes */
	b = msg(SSH_MSG_CHANNEL_OPEN_FAILURE);
	CHECK_OK(buf_put_u32(&b, ch->local_id));
	CHECK_OK(buf_put_u32(&b, SSH_OPEN_CONNECT_FAILED));
	CHECK_OK(buf_put_cstr(&b, "no\x01way"));
	CHECK_OK(buf_put_cstr(&b, ""));
	CHECK_OK(feed(&b));
	CHECK(T.nopen == 0 && cleanups == 1);
	/* confirmed: open */
	CHECK_OK(chan_open_outgoing(&T, &t_type, NULL, NULL, &ch));
	b = msg(SSH_MSG_CHANNEL_OPEN_CONFIRMATION);
	CHECK_OK(buf_put_u32(&b, ch->local_id));
	CHECK_OK(buf_put_u32(&b, 42));
	CHECK_OK(buf_put_u32(&b, 5000));
	CHECK_OK(buf_put_u32(&b, 1000));
	CHECK_OK(feed(&b));
	CHECK(ch->state == CHAN_OPEN && ch->remote_id == 42 && ch->send_window == 5000);
	teardown();
}

/* ---- session request parsers */

static void test_sessreq_pty_and_modes(void)
{
	struct sess_pty_req r;
	struct termios t;
	struct buf b, v;
	uint8_t modes[] = {53, 0, 0, 0, 0,  /* ECHO off */
	                   3,  0, 0, 0, 8,  /* VERASE = ^H */
	                   42, 0, 0, 0, 1,  /* IUTF8 on */
	                   99, 0, 0, 0, 1,  /* unknown: ignored */
	                   0,               /* TTY_OP_END */
	                   53, 0, 0, 0, 1}; /* after the end: not applied */

	CHECK_OK(buf_init(&b, 64, 4096));
	CHECK_OK(buf_put_cstr(&b, "xterm-256color"));
	CHECK_OK(buf_put_u32(&b, 80));
	CHECK_OK(buf_put_u32(&b, 24));
	CHECK_OK(buf_put_u32(&b, 0));
	CHECK_OK(buf_put_u32(&b, 0));
	CHECK_OK(buf_put_string(&b, modes, sizeof(modes)));
	buf_view(&v, b.data, b.len);
	CHECK_OK(sessreq_pty(&v, &r));
	CHECK(strcmp(r.term, "xterm-256color") == 0 && r.ws.cols == 80 && r.ws.rows == 24);
	memset(&t, 0, sizeof(t));
	t.c_lflag = ECHO;
	CHECK_OK(sessreq_ttymodes(r.modes, r.modes_len, &t));
	CHECK(!(t.c_lflag & ECHO));
	CHECK(t.c_cc[VERASE] == 8);
	CHECK(t.c_iflag & IUTF8);
	/* a mode cut short */
	CHECK(sessreq_ttymodes(modes, 3, &t) == ERR_TRUNCATED);
	/* an opcode from 160 up stops parsing */
	{
		uint8_t m2[] = {200, 53, 0, 0, 0, 1};
		t.c_lflag = 0;
		CHECK_OK(sessreq_ttymodes(m2, sizeof(m2), &t));
		CHECK(t.c_lflag == 0);
	}
	buf_free(&b);
	/* a TERM that is not a plain word, trailing bytes */
	CHECK_OK(buf_init(&b, 64, 4096));
	CHECK_OK(buf_put_cstr(&b, "../x"));
	CHECK_OK(buf_put_u32(&b, 80));
	CHECK_OK(buf_put_u32(&b, 24));
	CHECK_OK(buf_put_u32(&b, 0));
	CHECK_OK(buf_put_u32(&b, 0));
	CHECK_OK(buf_put_string(&b, "", 0));
	buf_view(&v, b.data, b.len);
	CHECK(sessreq_pty(&v, &r) == ERR_INVALID);
	CHECK_OK(buf_put_u8(&b, 0));
	buf_view(&v, b.data, b.len);
	CHECK(sessreq_pty(&v, &r) != 0);
	buf_free(&b);
}

static int env_of(const char *name, const char *val, char *out, size_t outsz)
{
	struct buf b, v;
	int r;

	CHECK_OK(buf_init(&b, 64, 8192));
	CHECK_OK(buf_put_cstr(&b, name));
	CHECK_OK(buf_put_cstr(&b, val));
	buf_view(&v, b.data, b.len);
	r = sessreq_env(&v, out, outsz);
	buf_free(&b);
	return r;
}

static void test_sessreq_env_and_signals(void)
{
	char out[DB_MAX_ENV_LEN + 1], big[DB_MAX_ENV_LEN + 10];

	CHECK_OK(env_of("LANG", "C.UTF-8", out, sizeof(out)));
	CHECK(strcmp(out, "LANG=C.UTF-8") == 0);
	CHECK_OK(env_of("LC_ALL", "de_DE.UTF-8", out, sizeof(out)));
	CHECK(env_of("LD_PRELOAD", "/tmp/x.so", out, sizeof(out)) == ERR_INVALID);
	CHECK(env_of("PATH", "/tmp", out, sizeof(out)) == ERR_INVALID);
	CHECK(env_of("LC_", "x", out, sizeof(out)) == ERR_INVALID);
	CHECK(env_of("LANG=x", "y", out, sizeof(out)) == ERR_INVALID);
	CHECK(env_of("LANG", "a\nb", out, sizeof(out)) == ERR_INVALID);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CHECK(env_of("LANG", big, out, sizeof(out)) == ERR_TOOBIG);
	CHECK(sessreq_signal("TERM") == SIGTERM && sessreq_signal("INT") == SIGINT);
	CHECK(sessreq_signal("SIGTERM") == 0 && sessreq_signal("") == 0);
	CHECK(strcmp(sessreq_signame(SIGKILL), "KILL") == 0);
	CHECK(sessreq_signame(SIGWINCH) == NULL);
}

int main(void)
{
	log_init("test_channel", LOG_TO_STDERR);
	signal(SIGPIPE, SIG_IGN);
	CHECK_OK(crypto_init());
	RUN(test_open_and_unknown_type);
	RUN(test_table_full);
	RUN(test_data_to_fd_and_window);
	RUN(test_backpressure_bounded);
	RUN(test_window_grows_while_data_flows);
	RUN(test_read_respects_peer_window);
	RUN(test_eof_and_close_both_ways);
	RUN(test_peer_close_first_drains);
	RUN(test_close_ready_and_flush);
	RUN(test_requests_and_globals);
	RUN(test_malformed);
	RUN(test_outgoing_open);
	RUN(test_sessreq_pty_and_modes);
	RUN(test_sessreq_env_and_signals);
	return harness_done("test_channel");
}
