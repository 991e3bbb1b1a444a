/* channel.c: the channel table, windows, EOF/CLOSE and fd-backed data flow (RFC 4254
 * sections 4 and 5). See channel.h for the model; the peer's messages are parsed in
 * channel-msg.c.
 *
 * Sending is gated by conn_can_send(): fds are read only when it is 1, and messages a
 * channel owes (WINDOW_ADJUST, EOF, CLOSE, last requests) wait while it is 0. The loop
 * gives callbacks only for fds, so a table keeps one always-readable eventfd ("kick")
 * whose watcher asks for POLLIN only while some channel owes something and the
 * connection can take it: that turns "the connection drained" into a callback. */
#include "channel.h"
#include "channel-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "util.h"

/* ---- small helpers */

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static int pending_out(const struct channel *ch)
{
	return buf_avail(&ch->wq) || buf_avail(&ch->ewq);
}

/* Our write side is finished: the peer's EOF has been passed on, or out_fd failed. */
static int write_side_done(const struct channel *ch)
{
	return (ch->got_eof || ch->out_err) && !pending_out(ch);
}

/* What the peer sent has reached our fds (or has nowhere to go any more). */
static int writes_drained(const struct channel *ch)
{
	return (!buf_avail(&ch->wq) || ch->out_fd < 0 || ch->out_err) &&
	       (!buf_avail(&ch->ewq) || ch->err_fd < 0 || ch->ewq_err);
}

static int read_side_done(const struct channel *ch)
{
	return ch->in_eof && (ch->err_dir != CHAN_ERR_READ || ch->err_eof);
}

_Noreturn void chan_send_fatal(struct conn *c, int r)
{
	conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot send: %s", err_str(r));
}

/* A message with just the recipient channel: EOF, CLOSE, SUCCESS, FAILURE. */
int chan_send_simple(struct channel *ch, uint8_t msg)
{
	struct buf m;
	int r;

	if ((r = conn_msg_init(&m, msg)))
		return r;
	if ((r = buf_put_u32(&m, ch->remote_id)) == 0)
		r = conn_send_buf(ch->tab->c, &m);
	buf_free(&m);
	return r;
}

/* ---- fds */

static struct chan_watch *watch_of(struct channel *ch, int fd)
{
	int i;
	for (i = 0; i < CHAN_WATCHES; i++)
		if (ch->watch[i].fd == fd)
			return &ch->watch[i];
	return NULL;
}

static int fd_in_use(const struct channel *ch, int fd)
{
	return fd >= 0 && (ch->in_fd == fd || ch->out_fd == fd || ch->err_fd == fd);
}

/* Forgets the fd in *slot; closes it when no other role of the channel uses it. */
static void release_fd(struct channel *ch, int *slot)
{
	int fd = *slot;
	struct chan_watch *w;

	*slot = -1;
	if (fd < 0 || fd_in_use(ch, fd))
		return;
	if ((w = watch_of(ch, fd))) {
		loop_del_fd(ch->tab->c->loop, fd);
		w->fd = -1;
	}
	close(fd);
}

/* The peer's EOF reached our write fd: close it, or for an fd we also read (a socket),
 * shut down its sending half (RFC 4254 5.3: the other direction stays open). A pty
 * master cannot be half-closed: it stays until the channel ends. */
static void close_write_fd(struct channel *ch)
{
	int fd = ch->out_fd;

	if (fd < 0)
		return;
	if (fd == ch->in_fd || fd == ch->err_fd) {
		(void)shutdown(fd, SHUT_WR); /* ENOTSOCK for a pty: nothing to do */
		ch->out_fd = -1;
		return;
	}
	release_fd(ch, &ch->out_fd);
}

/* Writes what q holds to fd; 0, or ERR_IO when the fd failed (the queue is dropped). */
static int write_queue(int fd, struct buf *q)
{
	while (buf_avail(q)) {
		ssize_t n = write(fd, buf_ptr(q), buf_avail(q));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			buf_free(q);
			return ERR_IO;
		}
		(void)buf_skip(q, (size_t)n);
	}
	if (!buf_avail(q))
		buf_free(q); /* a drained queue gives its memory back: RSS stays small */
	return 0;
}

/* Appends data to q, at most max bytes pending. */
static int queue_put(struct buf *q, size_t max, const uint8_t *p, size_t n)
{
	if (!q->data && q->max == 0) {
		int r = buf_init(q, 0, max);
		if (r)
			return r;
	}
	/* Amortised: move the unwritten rest forward once as much has been written as is
	 * left, or when the new data would not fit behind it. */
	if (q->pos && (q->pos >= buf_avail(q) || q->len + n > q->max))
		buf_compact(q);
	return buf_put_bytes(q, p, n);
}

/* Bytes of the window the peer used that have left us (written out or dropped) and can
 * be given back. */
static uint32_t window_freed(const struct channel *ch)
{
	size_t held = buf_avail(&ch->wq) + buf_avail(&ch->ewq);
	uint32_t used = ch->recv_max - ch->recv_window;
	return used > held ? used - (uint32_t)held : 0;
}

/* RFC 4254 5.2: re-advertise once half the window is free, so that the peer is never
 * stopped by a window we could have opened, without an adjust per packet. When the
 * peer has used half the window and the fd took all of it (nothing queued), data is
 * flowing faster than the window lets it: double the window, up to the table's cap.
 * The queue only ever holds what the fd did not take, so a larger window costs memory
 * only while a consumer is slower than the link, and a channel that moves little data
 * never grows. */
static int maybe_adjust(struct channel *ch)
{
	uint32_t freed = window_freed(ch), grow = 0;
	struct buf m;
	int r;

	if (ch->sent_close || ch->got_eof || freed == 0 || freed < ch->recv_max / 2)
		return 0;
	if (ch->recv_max < ch->tab->window_max && !buf_avail(&ch->wq) && !buf_avail(&ch->ewq))
		grow = min_u32(ch->recv_max, ch->tab->window_max - ch->recv_max);
	freed += grow;
	if ((r = conn_msg_init(&m, SSH_MSG_CHANNEL_WINDOW_ADJUST)))
		return r;
	if ((r = buf_put_u32(&m, ch->remote_id)) == 0 && (r = buf_put_u32(&m, freed)) == 0)
		r = conn_send_buf(ch->tab->c, &m);
	buf_free(&m);
	if (r == 0) {
		ch->recv_window += freed;
		ch->recv_max += grow;
	}
	return r;
}

/* The peer's data for out_fd (ext 0) or err_fd (ext 1): written now as far as the fd
 * takes it, the rest queued (the window bounds the queue), or dropped when the fd is
 * gone (its window space is given back all the same). */
int chan_deliver(struct channel *ch, int ext, const uint8_t *p, size_t n)
{
	int fd = ext ? ch->err_fd : ch->out_fd;
	int *failed = ext ? &ch->ewq_err : &ch->out_err;
	struct buf *q = ext ? &ch->ewq : &ch->wq;

	if (ch->sent_close)
		return 0; /* in flight when we closed: nobody wants it now */
	if (ext && ch->err_dir != CHAN_ERR_WRITE && ch->fds_set)
		return 0; /* nowhere to put it: dropped */
	if (ch->fds_set && (fd < 0 || *failed))
		return 0;
	if (ch->fds_set && !buf_avail(q)) {
		while (n) {
			ssize_t w = write(fd, p, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			if (w <= 0) {
				*failed = 1; /* the reader went away: drop from now on */
				return 0;
			}
			p += w;
			n -= (size_t)w;
		}
	}
	if (!n)
		return 0;
	/* not started yet (no fds): held until chan_set_fds, within the window */
	return queue_put(q, ch->recv_max, p, n);
}

/* Reads one chunk from fd and sends it as DATA / EXTENDED_DATA. Returns 2 when a full
 * chunk went out (more may be waiting), 1 when a shorter one did, 0 when nothing is there
 * now, -1 at EOF (or an error, which counts as EOF: a pty master reports EIO once the
 * slave side is closed). The data is read straight into its place in the output queue
 * and encrypted there; with compression or during a key exchange it takes a bounce
 * buffer. */
static int read_chunk(struct channel *ch, int fd, int ext)
{
	struct chan_table *t = ch->tab;
	uint32_t max = min_u32(min_u32(ch->send_window, ch->send_maxpkt), DB_CHAN_MAX_DATA);
	size_t hdr = ext ? 13 : 9; /* byte msg, uint32 channel, [uint32 type], uint32 len */
	uint8_t *p;
	ssize_t n;
	int r;

	if (max == 0)
		return 0;
	if (conn_send_begin(t->c, hdr + max, &p) == 0) {
		do
			n = read(fd, p + hdr, max);
		while (n < 0 && errno == EINTR);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		p[0] = ext ? SSH_MSG_CHANNEL_EXTENDED_DATA : SSH_MSG_CHANNEL_DATA;
		store_be32(p + 1, ch->remote_id);
		if (ext)
			store_be32(p + 5, SSH_EXTENDED_DATA_STDERR);
		store_be32(p + hdr - 4, (uint32_t)n);
		if ((r = conn_send_end(t->c, hdr + (size_t)n)))
			chan_send_fatal(t->c, r);
	} else {
		uint8_t tmp[DB_CHAN_MAX_DATA];
		do
			n = read(fd, tmp, max);
		while (n < 0 && errno == EINTR);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		buf_reset(&t->scratch);
		if ((r = buf_put_u8(&t->scratch,
		                    ext ? SSH_MSG_CHANNEL_EXTENDED_DATA : SSH_MSG_CHANNEL_DATA)) ||
		    (r = buf_put_u32(&t->scratch, ch->remote_id)) ||
		    (ext && (r = buf_put_u32(&t->scratch, SSH_EXTENDED_DATA_STDERR))) ||
		    (r = buf_put_string(&t->scratch, tmp, (size_t)n)) ||
		    (r = conn_send_buf(t->c, &t->scratch)))
			chan_send_fatal(t->c, r);
	}
	ch->send_window -= (uint32_t)n;
	t->last_data_ms = loop_now_ms();
	return (uint32_t)n == max ? 2 : 1;
}

static void mark_eof(struct channel *ch, int ext)
{
	if (ext) {
		ch->err_eof = 1;
		if (ch->err_dir == CHAN_ERR_READ)
			release_fd(ch, &ch->err_fd);
	} else {
		ch->in_eof = 1;
		release_fd(ch, &ch->in_fd);
	}
}

static int can_read(const struct channel *ch)
{
	return ch->state == CHAN_OPEN && !ch->sent_close && !ch->got_close && ch->send_window > 0 &&
	       conn_can_send(ch->tab->c);
}

static void read_some(struct channel *ch, int fd, int ext)
{
	int k, r = 2;

	for (k = 0; k < DB_CHAN_READ_BURST && r == 2; k++) {
		if ((ext ? ch->err_eof : ch->in_eof) || !can_read(ch))
			break;
		r = read_chunk(ch, fd, ext);
		if (r < 0)
			mark_eof(ch, ext);
	}
	if (r > 0)
		conn_flush(ch->tab->c);
}

static short watch_want(void *arg)
{
	struct chan_watch *w = arg;
	struct channel *ch = w->ch;
	short ev = 0;

	if (w->fd == ch->in_fd && !ch->in_eof && can_read(ch))
		ev |= POLLIN;
	if (w->fd == ch->err_fd && ch->err_dir == CHAN_ERR_READ && !ch->err_eof && can_read(ch))
		ev |= POLLIN;
	if (w->fd == ch->out_fd && buf_avail(&ch->wq))
		ev |= POLLOUT;
	if (w->fd == ch->err_fd && ch->err_dir == CHAN_ERR_WRITE && buf_avail(&ch->ewq))
		ev |= POLLOUT;
	return ev;
}

static void watch_io(void *arg, int fd, short rev)
{
	struct chan_watch *w = arg;
	struct channel *ch = w->ch;

	if (fd == ch->out_fd && buf_avail(&ch->wq) && (rev & (POLLOUT | POLLERR | POLLHUP)) &&
	    write_queue(fd, &ch->wq))
		ch->out_err = 1;
	if (fd == ch->err_fd && ch->err_dir == CHAN_ERR_WRITE && buf_avail(&ch->ewq) &&
	    (rev & (POLLOUT | POLLERR | POLLHUP)) && write_queue(fd, &ch->ewq))
		ch->ewq_err = 1;
	/* The reader of out_fd went away (POLLERR on a pipe's write end) while nothing waits
	 * to be written: what the peer sends is dropped from now on, and the fd is let go so
	 * that poll() stops reporting it. */
	if (fd == ch->out_fd && fd != ch->in_fd && fd != ch->err_fd && !buf_avail(&ch->wq) &&
	    (rev & (POLLERR | POLLNVAL))) {
		ch->out_err = 1;
		release_fd(ch, &ch->out_fd);
	}
	/* A few chunks per wake-up and fd while they come full (a bulk source), then out to
	 * the socket at once; other channels and the socket get their turn after that. */
	if (fd == ch->in_fd && (rev & (POLLIN | POLLHUP | POLLERR)))
		read_some(ch, fd, 0);
	if (fd == ch->err_fd && ch->err_dir == CHAN_ERR_READ && (rev & (POLLIN | POLLHUP | POLLERR)))
		read_some(ch, fd, 1);
	chan_service(ch);
}

static void kick_io(void *arg, int fd, short rev);

static short kick_want(void *arg)
{
	struct chan_table *t = arg;
	unsigned i;

	if (!conn_can_send(t->c))
		return 0;
	for (i = 0; i < DB_MAX_CHANNELS; i++)
		if (t->ch[i] && t->ch[i]->dirty)
			return POLLIN;
	return 0;
}

static void kick_io(void *arg, int fd, short rev)
{
	struct chan_table *t = arg;
	unsigned i;

	(void)fd;
	(void)rev;
	for (i = 0; i < DB_MAX_CHANNELS && conn_can_send(t->c); i++)
		if (t->ch[i] && t->ch[i]->dirty)
			chan_service(t->ch[i]);
}

int chan_set_fds(struct channel *ch, int in_fd, int out_fd, int err_fd, int err_dir)
{
	int fds[3] = {in_fd, out_fd, err_fd}, i, r;

	ch->in_fd = in_fd;
	ch->out_fd = out_fd;
	ch->err_fd = err_fd;
	ch->err_dir = err_fd >= 0 ? err_dir : CHAN_ERR_NONE;
	ch->fds_set = 1;
	if (in_fd < 0)
		ch->in_eof = 1;
	if (ch->err_dir != CHAN_ERR_READ)
		ch->err_eof = 1;
	for (i = 0; i < 3; i++) {
		struct chan_watch *w;
		if (fds[i] < 0 || watch_of(ch, fds[i]))
			continue;
		if (fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK) != 0)
			return ERR_IO;
		if (!(w = watch_of(ch, -1)))
			return ERR_INVALID;
		if ((r = loop_add_fd(ch->tab->c->loop, fds[i], watch_want, watch_io, w)))
			return r;
		w->fd = fds[i];
	}
	/* What the peer sent before there was an fd goes out now. */
	if (out_fd >= 0 && buf_avail(&ch->wq) && write_queue(out_fd, &ch->wq))
		ch->out_err = 1;
	if (ch->err_dir == CHAN_ERR_WRITE && buf_avail(&ch->ewq) && write_queue(err_fd, &ch->ewq))
		ch->ewq_err = 1;
	if (out_fd < 0)
		buf_free(&ch->wq);
	if (ch->err_dir != CHAN_ERR_WRITE)
		buf_free(&ch->ewq);
	ch->dirty = 1;
	return 0;
}

/* ---- channel lifetime */

struct channel *chan_alloc(struct chan_table *t, const struct chan_type *type)
{
	struct channel *ch;
	uint32_t i;
	int k;

	for (i = 0; i < DB_MAX_CHANNELS && t->ch[i]; i++)
		;
	if (i == DB_MAX_CHANNELS)
		return NULL;
	ch = calloc(1, sizeof(*ch) + CHAN_WATCHES * sizeof(struct chan_watch));
	if (!ch)
		return NULL;
	ch->watch = (struct chan_watch *)(ch + 1);
	for (k = 0; k < CHAN_WATCHES; k++) {
		ch->watch[k].ch = ch;
		ch->watch[k].fd = -1;
	}
	ch->tab = t;
	ch->type = type;
	ch->local_id = i;
	ch->in_fd = ch->out_fd = ch->err_fd = -1;
	ch->recv_window = ch->recv_max = t->window;
	t->ch[i] = ch;
	t->nopen++;
	return ch;
}

void chan_free(struct channel *ch)
{
	struct chan_table *t = ch->tab;

	if (ch->type->cleanup)
		ch->type->cleanup(t->c, ch);
	release_fd(ch, &ch->in_fd);
	release_fd(ch, &ch->out_fd);
	release_fd(ch, &ch->err_fd);
	buf_free(&ch->wq);
	buf_free(&ch->ewq);
	t->ch[ch->local_id] = NULL;
	t->nopen--;
	free(ch);
	if (t->freed)
		t->freed(t);
}

/* Sends what the channel owes, in protocol order, as far as the connection takes it;
 * frees the channel once CLOSE went both ways. ch may be gone afterwards. */
void chan_service(struct channel *ch)
{
	struct conn *c = ch->tab->c;
	int r;

	ch->dirty = 0;
	if (ch->state != CHAN_OPEN)
		return;
	/* the write side: queued data out (the watcher does it), then the peer's EOF on */
	if (ch->got_eof && !pending_out(ch)) {
		close_write_fd(ch);
		if (ch->err_dir == CHAN_ERR_WRITE)
			release_fd(ch, &ch->err_fd);
	}
	if (ch->force_close || ch->got_close) {
		mark_eof(ch, 0);
		mark_eof(ch, 1);
	}
	if (!conn_can_send(c)) {
		ch->dirty = 1; /* the kick watcher comes back when it can */
		return;
	}
	/* chan_flush: whatever the read fds hold right now, then EOF */
	while (ch->flushing && !read_side_done(ch) && ch->send_window > 0 && conn_can_send(c)) {
		int ext = ch->in_eof;
		if (read_chunk(ch, ext ? ch->err_fd : ch->in_fd, ext) <= 0)
			mark_eof(ch, ext);
	}
	if (!conn_can_send(c)) {
		ch->dirty = 1;
		return;
	}
	if ((r = maybe_adjust(ch)))
		chan_send_fatal(c, r);
	if (!ch->sent_eof && !ch->sent_close && read_side_done(ch)) {
		if ((r = chan_send_simple(ch, SSH_MSG_CHANNEL_EOF)))
			chan_send_fatal(c, r);
		ch->sent_eof = 1;
	}
	if (!ch->sent_close &&
	    (ch->got_close || ch->force_close ||
	     (ch->sent_eof &&
	      (ch->type->close_ready ? ch->type->close_ready(c, ch) : write_side_done(ch))))) {
		if (ch->type->closing)
			ch->type->closing(c, ch);
		if ((r = chan_send_simple(ch, SSH_MSG_CHANNEL_CLOSE)))
			chan_send_fatal(c, r);
		ch->sent_close = 1;
		/* RFC 4254 5.3: we said our last word. Unless the peer closed first (then what
		 * it sent is still written out), what it sends from now on is dropped. */
		if (!ch->got_close) {
			buf_free(&ch->wq);
			buf_free(&ch->ewq);
			release_fd(ch, &ch->out_fd);
			release_fd(ch, &ch->err_fd);
		}
	}
	if (ch->sent_close && ch->got_close && writes_drained(ch))
		chan_free(ch);
}

/* Stops watching fd (it stays open, owned by the channel). */
static void unwatch(struct channel *ch, int fd)
{
	struct chan_watch *w;

	if (fd >= 0 && (w = watch_of(ch, fd))) {
		loop_del_fd(ch->tab->c->loop, fd);
		w->fd = -1;
	}
}

void chan_flush(struct channel *ch)
{
	ch->flushing = 1;
	/* From now on chan_service() reads (WINDOW_ADJUST and the kick call it) until a read finds
	 * nothing. The read fds' watchers go: a pipe whose writers are gone reports POLLHUP
	 * to every poll(), which would spin the loop while the peer's window is closed. A
	 * shared fd (a pty master) takes no more of the peer's data either: whoever would
	 * have read it is gone. */
	if (ch->in_fd >= 0 && ch->in_fd == ch->out_fd) {
		ch->out_err = 1;
		buf_free(&ch->wq);
		release_fd(ch, &ch->out_fd);
	}
	unwatch(ch, ch->in_fd);
	if (ch->err_dir == CHAN_ERR_READ)
		unwatch(ch, ch->err_fd);
	chan_service(ch);
}

void chan_close(struct channel *ch)
{
	ch->force_close = 1;
	if (ch->state == CHAN_OPEN)
		chan_service(ch);
}

void chan_poke(struct channel *ch)
{
	chan_service(ch);
}

struct channel *chan_get(struct chan_table *t, uint32_t id)
{
	return id < DB_MAX_CHANNELS ? t->ch[id] : NULL;
}

/* ---- the table */

int chan_table_init(struct chan_table *t, struct conn *c, const struct chan_type *const *types,
                    uint32_t window)
{
	int r;

	memset(t, 0, sizeof(*t));
	t->c = c;
	t->types = types;
	t->window = window ? window : DB_RECV_WINDOW;
	t->window_max = window ? window : DB_RECV_WINDOW_GROW;
	t->kick_fd = -1;
	t->last_data_ms = loop_now_ms();
	if ((r = buf_init(&t->scratch, 0, DB_MAX_PAYLOAD)))
		return r;
	/* count 1, never read: always readable, polled only when there is work */
	t->kick_fd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->kick_fd < 0)
		return ERR_IO;
	if ((r = loop_add_fd(c->loop, t->kick_fd, kick_want, kick_io, t)))
		return r;
	t->kick_registered = 1;
	return 0;
}

void chan_table_free(struct chan_table *t)
{
	unsigned i;

	for (i = 0; i < DB_MAX_CHANNELS; i++)
		if (t->ch[i])
			chan_free(t->ch[i]);
	if (t->kick_registered)
		loop_del_fd(t->c->loop, t->kick_fd);
	if (t->kick_fd >= 0)
		close(t->kick_fd);
	t->kick_fd = -1;
	t->kick_registered = 0;
	buf_free(&t->scratch);
}
