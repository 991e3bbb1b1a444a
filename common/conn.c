/* conn.c: the connection's socket I/O, packet dispatch and the one fatal path. The key
 * exchange message flow is in conn-kex.c. */
#include "conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "options.h"
#include "util.h"

int conn_init(struct conn *c, const struct conn_role *role, int fd, struct loop *loop,
              const char *peer)
{
	int r;

	memset(c, 0, sizeof(*c));
	c->role = role;
	c->fd = fd;
	c->loop = loop;
	c->exit_prefix = "Exit";
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	ident_init(&c->ident, role->is_client);
	if ((r = buf_init(&c->inq, 4096, DB_INQ_MAX)) ||
	    (r = buf_init(&c->outq, 4096, DB_OUTQ_MAX)) ||
	    (r = buf_init(&c->kexq, 0, (size_t)DB_MAX_QUEUED_DURING_KEX * (DB_MAX_PAYLOAD + 4))) ||
	    (r = buf_init(&c->kex.i_ours, 0, DB_MAX_PAYLOAD)) ||
	    (r = buf_init(&c->kex.i_peer, 0, DB_MAX_PAYLOAD)) || (r = pkt_dir_init(&c->rx)) ||
	    (r = pkt_dir_init(&c->tx)))
		return r;
	return 0;
}

void conn_free(struct conn *c)
{
	conn_kex_free(c);
	buf_free(&c->inq);
	buf_free(&c->outq);
	buf_free(&c->kexq);
	buf_free(&c->kex.i_ours);
	buf_free(&c->kex.i_peer);
	pkt_dir_free(&c->rx);
	pkt_dir_free(&c->tx);
}

const char *conn_ident_client(const struct conn *c)
{
	return c->role->is_client ? IDENT_OURS : c->ident.peer;
}

const char *conn_ident_server(const struct conn *c)
{
	return c->role->is_client ? c->ident.peer : IDENT_OURS;
}

/* ---- the one fatal path */

static void vfatal(struct conn *c, int code, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0), noreturn));
static void vfatal(struct conn *c, int code, const char *fmt, va_list ap)
{
	static char why[400];

	vsnprintf(why, sizeof(why), fmt, ap);
	c->disc_code = code;
	c->disc_text = why;
	fatal("%s from <%s>: %s", c->exit_prefix, c->peer, why);
}

_Noreturn void conn_fatal(struct conn *c, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfatal(c, code, fmt, ap);
}

_Noreturn void conn_exit(struct conn *c, const char *fmt, ...)
{
	char why[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_msg(LOG_INFO, "%s from <%s>: %s", c->exit_prefix, c->peer, why);
	exit(0);
}

static size_t outq_pending(const struct conn *c)
{
	return buf_avail(&c->outq);
}

/* Writes what the socket takes now; 0, or ERR_IO / ERR_CLOSED. */
static int write_out(struct conn *c)
{
	while (outq_pending(c)) {
		ssize_t n = write(c->fd, buf_ptr(&c->outq), outq_pending(c));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return errno == EPIPE || errno == ECONNRESET ? ERR_CLOSED : ERR_IO;
		(void)buf_skip(&c->outq, (size_t)n);
	}
	/* The queue is appended to while the socket drains it from the front; under steady
	 * load it may never empty, so move what is left forward once as much has gone as is
	 * left (amortised one copy per byte), or it would creep up to DB_OUTQ_MAX. */
	if (c->outq.pos >= outq_pending(c))
		buf_compact(&c->outq);
	return 0;
}

/* The fatal hook: tell the peer why, if it speaks SSH and the transport can carry it
 * (RFC 4253 section 11.1), then give the socket a bounded moment to take it. */
static void send_disconnect(const char *reason, void *arg)
{
	struct conn *c = arg;
	struct buf m;
	uint64_t until;

	if (!c->ident_done || c->fd < 0)
		return;
	if (conn_msg_init(&m, SSH_MSG_DISCONNECT) == 0 &&
	    buf_put_u32(&m, c->disc_code ? (uint32_t)c->disc_code
	                                 : SSH_DISCONNECT_PROTOCOL_ERROR) == 0 &&
	    buf_put_cstr(&m, c->disc_text ? c->disc_text : reason) == 0 &&
	    buf_put_cstr(&m, "") == 0)
		(void)pkt_encode(&c->tx, m.data, m.len, &c->outq);
	buf_free(&m);
	until = loop_now_ms() + 1000;
	while (outq_pending(c)) {
		struct pollfd p = {.fd = c->fd, .events = POLLOUT};
		uint64_t now = loop_now_ms();
		if (now >= until || poll(&p, 1, (int)(until - now)) <= 0 || write_out(c))
			break;
	}
}

/* ---- sending */

int conn_msg_init(struct buf *b, uint8_t msg)
{
	int r = buf_init(b, 256, DB_MAX_PAYLOAD);
	if (r == 0)
		r = buf_put_u8(b, msg);
	return r;
}

/* RFC 4253 7.1: between our KEXINIT and our NEWKEYS only transport generic messages
 * (1..19 but not SERVICE_REQUEST/ACCEPT, and EXT_INFO belongs after NEWKEYS) and key
 * exchange messages (20..49) may be sent. */
static int sendable_during_kex(uint8_t msg)
{
	return (msg >= 1 && msg <= 4) || (msg >= 20 && msg <= 49);
}

int conn_send(struct conn *c, const uint8_t *p, size_t n)
{
	int r;

	if (n == 0)
		return ERR_INVALID;
	if (n > DB_MAX_PAYLOAD)
		return ERR_TOOBIG;
	if (c->kex.we_sent_kexinit && !sendable_during_kex(p[0])) {
		/* Local producers stop at conn_can_send(); only replies to a peer that keeps
		 * talking without answering our KEXINIT can get here, and only so many. */
		if (c->kexq_n >= DB_MAX_QUEUED_DURING_KEX)
			conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR,
			           "too many messages held back during key exchange");
		r = buf_put_string(&c->kexq, p, n);
		if (r == 0)
			c->kexq_n++;
		return r;
	}
	r = pkt_encode(&c->tx, p, n, &c->outq);
	if (r == 0)
		conn_kex_check_rekey(c);
	return r;
}

int conn_send_begin(struct conn *c, size_t max, uint8_t **payload)
{
	if (c->kex.we_sent_kexinit)
		return ERR_AGAIN; /* held back in kexq by conn_send, which copies anyway */
	/* Only into room the queue already has (bulk data made it grow): a few bytes typed
	 * in a session must not reserve a whole maximum packet (RSS per session). 128 bytes
	 * cover the header, padding and the longest MAC. */
	if (c->outq.cap - c->outq.len < max + 128)
		return ERR_AGAIN;
	return pkt_begin(&c->tx, max, &c->outq, payload);
}

int conn_send_end(struct conn *c, size_t n)
{
	int r = pkt_end(&c->tx, n, &c->outq);
	if (r == 0)
		conn_kex_check_rekey(c);
	return r;
}

int conn_send_buf(struct conn *c, const struct buf *payload)
{
	return conn_send(c, payload->data, payload->len);
}

int conn_can_send(const struct conn *c)
{
	return !c->kex.we_sent_kexinit && outq_pending(c) < DB_OUTQ_SOFT;
}

void conn_set_phase(struct conn *c, const struct dispatch *table)
{
	c->phase = table;
}

void conn_set_authed(struct conn *c)
{
	c->authed = 1;
}

/* ---- transport messages (RFC 4253 section 11) */

static int on_disconnect(struct conn *c, uint8_t msg, struct buf *b)
{
	uint32_t code = 0;
	char text[256] = "";

	(void)msg;
	/* Best effort: the peer is leaving whatever it wrote. */
	if (buf_get_u32(b, &code) == 0 && buf_get_cstr(b, text, sizeof(text)) != 0)
		text[0] = 0;
	c->fd = -1; /* nothing more to say to it */
	/* Dropbear's wording, which log watchers know; the peer's reason at -v */
	dbg(1, "DISCONNECT from <%s>: reason %u: %s", c->peer, code, text);
	conn_exit(c, "Disconnect received");
}

static int on_ignore(struct conn *c, uint8_t msg, struct buf *b)
{
	(void)c;
	(void)msg;
	(void)b; /* RFC 4253 11.2: the contents do not matter */
	return 0;
}

static int on_unimplemented(struct conn *c, uint8_t msg, struct buf *b)
{
	uint32_t seq;
	int r;

	(void)msg;
	if ((r = buf_get_u32(b, &seq)) || (r = buf_end(b)))
		return r;
	dbg(1, "peer <%s> did not implement our packet %u", c->peer, seq);
	return 0;
}

static int on_debug(struct conn *c, uint8_t msg, struct buf *b)
{
	int show;
	const uint8_t *text, *lang;
	size_t tn, ln;
	int r;

	(void)msg;
	if ((r = buf_get_bool(b, &show)) || (r = buf_get_string(b, &text, &tn)) ||
	    (r = buf_get_string(b, &lang, &ln)) || (r = buf_end(b)))
		return r;
	dbg(1, "debug message from <%s>: %.*s", c->peer, (int)(tn > 200 ? 200 : tn),
	    (const char *)text);
	return 0;
}

/* RFC 8308 section 2.3. */
static int on_ext_info(struct conn *c, uint8_t msg, struct buf *b)
{
	uint32_t n, i;
	int r;

	(void)msg;
	if ((r = buf_get_u32(b, &n)))
		return r;
	if (n > DB_MAX_EXTENSIONS)
		return ERR_TOOBIG;
	for (i = 0; i < n; i++) {
		const uint8_t *name, *val;
		size_t nl, vl;
		if ((r = buf_get_string(b, &name, &nl)) || (r = buf_get_string(b, &val, &vl)))
			return r;
		if (c->role->ext_info && (r = c->role->ext_info(c, name, nl, val, vl)))
			return r;
	}
	return buf_end(b);
}

static int on_kexinit(struct conn *c, uint8_t msg, struct buf *b)
{
	(void)msg;
	return conn_kex_on_kexinit(c, b);
}

static int on_newkeys(struct conn *c, uint8_t msg, struct buf *b)
{
	(void)msg;
	return conn_kex_on_newkeys(c, b);
}

static conn_handler lookup(const struct dispatch *t, uint8_t msg)
{
	for (; t && t->fn; t++)
		if (t->msg == msg)
			return t->fn;
	return NULL;
}

/* While the peer's key exchange runs (and before the first one is done) only transport
 * and key exchange messages may arrive (RFC 4253 7.1); under strict kex not even
 * IGNORE/DEBUG/UNIMPLEMENTED during the first one (OpenSSH PROTOCOL, the Terrapin fix). */
static conn_handler kex_phase_handler(struct conn *c, uint8_t msg)
{
	struct conn_kex *k = &c->kex;
	int strict_first = k->strict && k->done == 0 && !k->got_newkeys;

	switch (msg) {
	case SSH_MSG_IGNORE:
	case SSH_MSG_UNIMPLEMENTED:
	case SSH_MSG_DEBUG:
		if (!strict_first)
			return msg == SSH_MSG_IGNORE  ? on_ignore
			       : msg == SSH_MSG_DEBUG ? on_debug
			                              : on_unimplemented;
		break;
	case SSH_MSG_KEXINIT:
		if (k->peer_sent_kexinit)
			conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "KEXINIT during key exchange");
		return on_kexinit;
	case SSH_MSG_NEWKEYS:
		if (!k->peer_sent_kexinit || !k->have_keys)
			conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected NEWKEYS");
		return on_newkeys;
	default:
		if (msg >= 30 && msg <= 49) {
			conn_handler fn = NULL;
			if (k->peer_sent_kexinit && !k->have_keys)
				fn = lookup(c->role->kex_msgs, msg);
			if (!fn)
				conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR,
				           "unexpected key exchange message %u", msg);
			return fn;
		}
	}
	if (strict_first)
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR,
		           "strict KEX violation: message %u during the initial key exchange", msg);
	conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected message %u during key exchange",
	           msg);
}

static void send_unimplemented(struct conn *c, uint32_t seq)
{
	uint8_t m[5];
	int r;

	m[0] = SSH_MSG_UNIMPLEMENTED;
	store_be32(m + 1, seq);
	if ((r = conn_send(c, m, sizeof(m))))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot send: %s", err_str(r));
}

static void handle_packet(struct conn *c, struct buf *p)
{
	conn_handler fn;
	uint8_t msg;
	int r;

	c->rx_seqnr = c->rx.seq - 1; /* pkt_decode counted it already */
	if (buf_get_u8(p, &msg))
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "empty packet");
	if (c->kex.skip_next) {
		/* RFC 4253 7: the peer's guessed kex packet for a method we did not pick */
		c->kex.skip_next = 0;
		return;
	}
	if (!c->authed && ++c->unauth_packets > DB_MAX_UNAUTH_PACKETS)
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR,
		           "too many packets before authentication");
	if (msg == SSH_MSG_DISCONNECT)
		fn = on_disconnect;
	else if (c->kex.peer_sent_kexinit || (c->kex.done == 0 && !c->kex.got_newkeys))
		fn = kex_phase_handler(c, msg); /* the peer is in a key exchange */
	else if (msg == SSH_MSG_IGNORE)
		fn = on_ignore;
	else if (msg == SSH_MSG_DEBUG)
		fn = on_debug;
	else if (msg == SSH_MSG_UNIMPLEMENTED)
		fn = on_unimplemented;
	else if (msg == SSH_MSG_EXT_INFO)
		fn = on_ext_info;
	else if (msg == SSH_MSG_KEXINIT)
		fn = on_kexinit; /* the peer starts a rekey (RFC 4253 section 9) */
	else if (msg == SSH_MSG_NEWKEYS || (msg >= 30 && msg <= 49))
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR,
		           "key exchange message %u outside a key exchange", msg);
	else if (!(fn = lookup(c->phase, msg))) {
		/* RFC 4253 11.4: answer what we do not know, and go on */
		dbg(1, "unimplemented message %u from <%s>", msg, c->peer);
		send_unimplemented(c, c->rx_seqnr);
		return;
	}
	r = fn(c, msg, p);
	if (r)
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "bad message %u: %s", msg, err_str(r));
}

/* ---- the socket */

/* Moves the unread input to the front so that the buffer's room is all at the end. */
static void inq_compact(struct conn *c)
{
	buf_compact(&c->inq);
}

static int pkt_error_code(int r)
{
	return r == ERR_BADSIG ? SSH_DISCONNECT_MAC_ERROR : SSH_DISCONNECT_PROTOCOL_ERROR;
}

static const char *pkt_error_text(int r)
{
	switch (r) {
	case ERR_BADSIG:
		return "bad packet MAC or authentication tag";
	case ERR_TOOBIG:
		return "packet too large";
	case ERR_PROTOCOL:
		return "bad packet length, padding or compressed data";
	}
	return err_str(r);
}

/* Handles every whole line or packet in the input, unless the replies we owe are backed
 * up: then the rest waits until the socket drains (the peer cannot make us queue without
 * bound). Channels stop producing earlier, at DB_OUTQ_SOFT (conn_can_send). */
static void process(struct conn *c)
{
	while (outq_pending(c) < DB_OUTQ_READ_STOP) {
		struct buf payload;
		int r;

		if (!c->ident_done) {
			r = ident_parse(&c->ident, &c->inq);
			if (r == ERR_AGAIN)
				break;
			if (r)
				conn_fatal(c,
				           r == ERR_UNSUPPORTED
				                   ? SSH_DISCONNECT_PROTOCOL_VERSION_NOT_SUPPORTED
				                   : SSH_DISCONNECT_PROTOCOL_ERROR,
				           "bad identification: %s", c->ident.why);
			c->ident_done = 1;
			dbg(1, "<%s> is '%s'", c->peer, c->ident.peer);
			continue;
		}
		r = pkt_decode(&c->rx, &c->inq, &payload);
		if (r == ERR_AGAIN)
			break;
		if (r)
			conn_fatal(c, pkt_error_code(r), "%s", pkt_error_text(r));
		handle_packet(c, &payload);
		conn_kex_check_rekey(c);
	}
	/* Compacted lazily: an empty queue just rewinds; a partial packet moves forward
	 * once as much has been consumed as is left (amortised one copy per byte at most),
	 * and read_in() compacts when the room behind it gets short. */
	if (c->inq.pos >= buf_avail(&c->inq))
		inq_compact(c);
	if (c->rx_eof) {
		if (buf_avail(&c->inq) == 0)
			conn_exit(c, "Exited normally");
		if (outq_pending(c) < DB_OUTQ_READ_STOP)
			conn_fatal(c, SSH_DISCONNECT_CONNECTION_LOST,
			           "connection closed in the middle of a %s",
			           c->ident_done ? "packet" : "line");
	}
}

/* Reads straight into the tail of inq: the ciphertext needs no wiping and no staging
 * copy, and one read takes all the room the buffer has (it grows to two whole packets
 * under a bulk transfer), so that costs one read() per packet or less. */
static void read_in(struct conn *c)
{
	size_t room;
	uint8_t *p;
	ssize_t n;
	int r;

	if (c->inq.cap - c->inq.len < 4096)
		inq_compact(c);
	room = c->inq.cap - c->inq.len;
	if (room < 4096) /* grow; an idle connection stays at its first few KiB */
		room = c->inq.max - c->inq.len < 16384 ? c->inq.max - c->inq.len : 16384;
	if (room == 0)
		return;
	if ((r = buf_reserve(&c->inq, room, &p)))
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "input buffer: %s", err_str(r));
	c->inq.len -= room; /* only what read() fills becomes data */
	n = read(c->fd, p, room);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		if (errno == ECONNRESET) {
			c->rx_eof = 1;
			return;
		}
		conn_fatal(c, SSH_DISCONNECT_CONNECTION_LOST, "read error: %s", strerror(errno));
	}
	if (n == 0) {
		c->rx_eof = 1;
		return;
	}
	c->inq.len += (size_t)n;
#if DB_TCP_QUICKACK
	/* Before authentication: acknowledge what we just read now, not after Linux's
	 * delayed-ACK timer (40 ms). A peer that leaves Nagle on (OpenSSH's ssh without a
	 * tty) holds its next small packet until our ACK: twice per login (KEXINIT then
	 * ECDH_INIT, NEWKEYS then SERVICE_REQUEST), each a 40 ms stall. The kernel turns
	 * quick ACKs off again by itself, hence once per read; on a socket that is not TCP
	 * (inetd on a pipe) it just fails. */
	if (!c->authed)
		(void)setsockopt(c->fd, IPPROTO_TCP, TCP_QUICKACK, &(int){1}, sizeof(int));
#endif
}

void conn_flush(struct conn *c)
{
	int r = write_out(c);
	if (r == ERR_CLOSED) {
		c->fd = -1;
		conn_exit(c, "connection closed by peer");
	}
	/* any other error shows again at the next POLLOUT, which ends the connection */
}

static short conn_want(void *arg)
{
	struct conn *c = arg;
	short ev = 0;

	if (outq_pending(c))
		ev |= POLLOUT;
	/* backpressure: no reading while the replies we owe pile up, nor while the input
	 * already holds more than one whole packet's worth */
	if (!c->rx_eof && outq_pending(c) < DB_OUTQ_READ_STOP && buf_avail(&c->inq) < c->inq.max)
		ev |= POLLIN;
	return ev;
}

static void conn_io(void *arg, int fd, short rev)
{
	struct conn *c = arg;
	int r;

	(void)fd;
	if (rev & POLLOUT) {
		r = write_out(c);
		if (r == ERR_CLOSED) {
			c->fd = -1;
			conn_exit(c, "connection closed by peer");
		}
		if (r)
			conn_fatal(c, SSH_DISCONNECT_CONNECTION_LOST, "write error: %s",
			           strerror(errno));
	}
	if (rev & (POLLIN | POLLHUP | POLLERR))
		read_in(c);
	if (rev & POLLNVAL)
		conn_fatal(c, SSH_DISCONNECT_CONNECTION_LOST, "socket closed");
	process(c);
	/* Opportunistic write: most replies fit the socket buffer right away. */
	conn_flush(c);
}

static void ident_timeout(void *arg)
{
	struct conn *c = arg;
	conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "Timeout: no key exchange within %d seconds",
	           DB_IDENT_TIMEOUT);
}

int conn_start(struct conn *c)
{
	int r;

	log_set_fatal_hook(send_disconnect, c);
	if ((r = buf_put_bytes(&c->outq, IDENT_OURS "\r\n", strlen(IDENT_OURS) + 2)))
		return r;
	/* Our KEXINIT right behind our identification: it saves a round trip, and it is the
	 * first packet, as strict kex wants. */
	if ((r = conn_kex_start(c)))
		return r;
	if ((r = loop_add_fd(c->loop, c->fd, conn_want, conn_io, c)))
		return r;
	loop_timer_set(c->loop, &c->ident_timer, DB_IDENT_TIMEOUT * 1000ull, ident_timeout, c);
	return 0;
}
