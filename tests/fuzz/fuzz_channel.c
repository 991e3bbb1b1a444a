/* libFuzzer: the connection protocol's channel messages (common/channel.c) and the session
 * request parsers (common/sessreq.c).
 *
 * The input is a list of messages, each uint16 length || payload (message number first).
 * First byte of a payload 0xF0..0xF3 instead feeds the rest to a session request parser
 * (pty-req with its terminal modes, window-change, env, signal name). Every other payload
 * goes to chan_dispatch of a table that accepts two channel types: "a" without fds and
 * "b" with pipes (so the peer's data is written, queued against the window, or dropped).
 * A handler's error ends the input, as the connection would end. What we send is thrown
 * away after each message; the loop never runs. Everything is freed at the end. */
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "buf.h"
#include "channel.h"
#include "crypto.h"
#include "err.h"
#include "log.h"
#include "sessreq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct conn_role role = {.is_client = 0};
static int ready, sv[2];

static int open_a(struct conn *c, struct channel *ch, struct buf *extra)
{
	(void)c;
	(void)ch;
	return buf_avail(extra) ? SSH_OPEN_CONNECT_FAILED : 0;
}

static int open_b(struct conn *c, struct channel *ch, struct buf *extra)
{
	int p1[2], p2[2];

	(void)c;
	(void)extra;
	if (pipe(p1))
		return SSH_OPEN_RESOURCE_SHORTAGE;
	if (pipe(p2)) {
		close(p1[0]);
		close(p1[1]);
		return SSH_OPEN_RESOURCE_SHORTAGE;
	}
	/* the other ends are closed at once: reads see EOF, writes fail (EPIPE) or queue */
	close(p1[1]);
	if (chan_set_fds(ch, p1[0], p2[1], -1, CHAN_ERR_NONE)) {
		close(p2[0]);
		return SSH_OPEN_RESOURCE_SHORTAGE;
	}
	close(p2[0]);
	return 0;
}

static int request(struct conn *c, struct channel *ch, const char *req, int want_reply,
                   struct buf *b)
{
	(void)c;
	(void)want_reply;
	if (strcmp(req, "flush") == 0)
		chan_flush(ch);
	else if (strcmp(req, "close") == 0)
		chan_close(ch);
	(void)buf_skip(b, buf_avail(b));
	return 1;
}

static const struct chan_type ta = {.name = "a", .open = open_a, .request = request};
static const struct chan_type tb = {.name = "b", .open = open_b, .request = request};
static const struct chan_type *const types[] = {&ta, &tb, NULL};

static int global(struct chan_table *t, const char *name, int want_reply, struct buf *b,
                  struct buf *reply)
{
	(void)t;
	(void)want_reply;
	(void)buf_skip(b, buf_avail(b));
	if (strcmp(name, "port") == 0)
		return buf_put_u32(reply, 1234) == 0;
	return 0;
}

static void sessreq(uint8_t which, const uint8_t *p, size_t n)
{
	struct buf b;
	char out[DB_MAX_ENV_LEN + 1], name[DB_MAX_REQ_NAME];

	buf_view(&b, p, n);
	if (which == 0xF0) {
		struct sess_pty_req r;
		struct termios t;
		if (sessreq_pty(&b, &r) == 0) {
			memset(&t, 0, sizeof(t));
			(void)sessreq_ttymodes(r.modes, r.modes_len, &t);
		}
	} else if (which == 0xF1) {
		struct sess_winsize ws;
		(void)sessreq_winch(&b, &ws);
	} else if (which == 0xF2) {
		if (sessreq_env(&b, out, sizeof(out)) == 0 && !strchr(out, '='))
			abort();
	} else if (buf_get_cstr(&b, name, sizeof(name)) == 0) {
		int sig = sessreq_signal(name);
		if (sig && strcmp(sessreq_signame(sig), name) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conn c;
	static struct loop *l;
	struct chan_table t;
	struct buf in;

	if (!ready) {
		if (crypto_init() || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || loop_init(&l))
			abort();
		signal(SIGPIPE, SIG_IGN);
		log_init("fuzz_channel", LOG_TO_STDERR);
		ready = 1;
	}
	if (conn_init(&c, &role, sv[0], l, "fuzz") || chan_table_init(&t, &c, types, 4096))
		abort();
	c.authed = 1;
	t.global_request = global;
	buf_view(&in, data, size);
	while (buf_avail(&in) >= 2) {
		const uint8_t *p;
		uint8_t hdr[2], msg;
		struct buf m;
		if (buf_get_bytes(&in, hdr, 2) ||
		    buf_get_raw(&in, &p, (size_t)hdr[0] << 8 | hdr[1]))
			break;
		buf_view(&m, p, (size_t)hdr[0] << 8 | hdr[1]);
		if (buf_get_u8(&m, &msg))
			continue;
		if (msg >= 0xF0 && msg <= 0xF3) {
			sessreq(msg, buf_ptr(&m), buf_avail(&m));
			continue;
		}
		if (chan_dispatch(&t, msg, &m) != 0)
			break;
		buf_reset(&c.outq);
		buf_reset(&c.kexq);
		c.kexq_n = 0;
	}
	chan_table_free(&t);
	conn_free(&c);
	return 0;
}
