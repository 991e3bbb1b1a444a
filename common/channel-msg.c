/* channel-msg.c: the connection protocol's messages (RFC 4254 sections 4 and 5): what the
 * peer sends, parsed with the buf getters and checked against the channel's state, and
 * what we send to open channels and ask requests. The data flow itself is channel.c. */
#include "channel.h"
#include "channel-internal.h"

#include <string.h>

#include "err.h"
#include "log.h"

const uint8_t chan_msgs[] = {
        SSH_MSG_GLOBAL_REQUEST,
        SSH_MSG_REQUEST_SUCCESS,
        SSH_MSG_REQUEST_FAILURE,
        SSH_MSG_CHANNEL_OPEN,
        SSH_MSG_CHANNEL_OPEN_CONFIRMATION,
        SSH_MSG_CHANNEL_OPEN_FAILURE,
        SSH_MSG_CHANNEL_WINDOW_ADJUST,
        SSH_MSG_CHANNEL_DATA,
        SSH_MSG_CHANNEL_EXTENDED_DATA,
        SSH_MSG_CHANNEL_EOF,
        SSH_MSG_CHANNEL_CLOSE,
        SSH_MSG_CHANNEL_REQUEST,
        SSH_MSG_CHANNEL_SUCCESS,
        SSH_MSG_CHANNEL_FAILURE,
        0,
};

int chan_open_outgoing(struct chan_table *t, const struct chan_type *type, const struct buf *extra,
                       void *priv, struct channel **out)
{
	struct channel *ch = chan_alloc(t, type);
	struct buf m;
	int r;

	if (!ch)
		return ERR_TOOBIG;
	ch->priv = priv;
	ch->state = CHAN_OPENING;
	/* RFC 4254 5.1: string type, uint32 sender channel, uint32 window, uint32 max packet */
	if ((r = conn_msg_init(&m, SSH_MSG_CHANNEL_OPEN)) == 0) {
		if ((r = buf_put_cstr(&m, type->name)) == 0 &&
		    (r = buf_put_u32(&m, ch->local_id)) == 0 &&
		    (r = buf_put_u32(&m, ch->recv_max)) == 0 &&
		    (r = buf_put_u32(&m, DB_CHAN_MAX_DATA)) == 0 &&
		    (!extra || (r = buf_put_bytes(&m, extra->data, extra->len)) == 0))
			r = conn_send_buf(t->c, &m);
		buf_free(&m);
	}
	if (r) {
		ch->priv = NULL; /* the caller keeps what it passed */
		t->ch[ch->local_id] = NULL;
		t->nopen--;
		free(ch);
		return r;
	}
	*out = ch;
	return 0;
}

static int send_confirmation(struct channel *ch)
{
	struct buf m;
	int r;

	if ((r = conn_msg_init(&m, SSH_MSG_CHANNEL_OPEN_CONFIRMATION)))
		return r;
	if ((r = buf_put_u32(&m, ch->remote_id)) == 0 && (r = buf_put_u32(&m, ch->local_id)) == 0 &&
	    (r = buf_put_u32(&m, ch->recv_max)) == 0 &&
	    (r = buf_put_u32(&m, DB_CHAN_MAX_DATA)) == 0)
		r = conn_send_buf(ch->tab->c, &m);
	buf_free(&m);
	return r;
}

static int send_open_failure(struct conn *c, uint32_t remote, uint32_t reason, const char *text)
{
	struct buf m;
	int r;

	if ((r = conn_msg_init(&m, SSH_MSG_CHANNEL_OPEN_FAILURE)))
		return r;
	if ((r = buf_put_u32(&m, remote)) == 0 && (r = buf_put_u32(&m, reason)) == 0 &&
	    (r = buf_put_cstr(&m, text)) == 0 && (r = buf_put_cstr(&m, "")) == 0)
		r = conn_send_buf(c, &m);
	buf_free(&m);
	return r;
}

int chan_open_confirm(struct channel *ch)
{
	int r;

	if (ch->state != CHAN_PENDING)
		return ERR_INVALID;
	ch->state = CHAN_OPEN;
	if ((r = send_confirmation(ch)))
		return r;
	chan_service(ch);
	return 0;
}

int chan_open_fail(struct channel *ch, uint32_t reason, const char *text)
{
	struct conn *c = ch->tab->c;
	uint32_t remote = ch->remote_id;

	if (ch->state != CHAN_PENDING)
		return ERR_INVALID;
	chan_free(ch);
	return send_open_failure(c, remote, reason, text ? text : "");
}

int chan_send_request(struct channel *ch, const char *req, int want_reply, const struct buf *data)
{
	struct buf m;
	int r;

	if (ch->state != CHAN_OPEN || ch->sent_close)
		return ERR_INVALID;
	if ((r = conn_msg_init(&m, SSH_MSG_CHANNEL_REQUEST)))
		return r;
	if ((r = buf_put_u32(&m, ch->remote_id)) == 0 && (r = buf_put_cstr(&m, req)) == 0 &&
	    (r = buf_put_bool(&m, want_reply)) == 0 &&
	    (!data || (r = buf_put_bytes(&m, data->data, data->len)) == 0))
		r = conn_send_buf(ch->tab->c, &m);
	buf_free(&m);
	if (r == 0 && want_reply)
		ch->pending_replies++;
	return r;
}

int chan_global_request(struct chan_table *t, const char *name, int want_reply,
                        const struct buf *data)
{
	struct buf m;
	int r;

	if ((r = conn_msg_init(&m, SSH_MSG_GLOBAL_REQUEST)))
		return r;
	if ((r = buf_put_cstr(&m, name)) == 0 && (r = buf_put_bool(&m, want_reply)) == 0 &&
	    (!data || (r = buf_put_bytes(&m, data->data, data->len)) == 0))
		r = conn_send_buf(t->c, &m);
	buf_free(&m);
	if (r == 0 && want_reply)
		t->global_pending++;
	return r;
}

/* ---- messages from the peer */

/* A request or type name: copied when it fits, "" (unknown to everyone) when longer. */
static int get_name(struct buf *b, char *out, size_t outsz)
{
	const uint8_t *p;
	size_t n;
	int r;

	if ((r = buf_get_string(b, &p, &n)))
		return r;
	out[0] = 0;
	if (n < outsz && !memchr(p, 0, n)) {
		memcpy(out, p, n);
		out[n] = 0;
	}
	return 0;
}

/* The channel a message names: it must exist and be open, and the peer must not have
 * closed it (RFC 4254 5.3: nothing follows a CLOSE). */
static int get_open_channel(struct chan_table *t, struct buf *b, struct channel **out)
{
	uint32_t id;
	struct channel *ch;
	int r;

	if ((r = buf_get_u32(b, &id)))
		return r;
	ch = chan_get(t, id);
	if (!ch || ch->state != CHAN_OPEN || ch->got_close) {
		log_msg(LOG_INFO, "message for channel %u, which is not open", id);
		return ERR_PROTOCOL;
	}
	*out = ch;
	return 0;
}

static int on_global_request(struct chan_table *t, struct buf *b)
{
	char name[DB_MAX_REQ_NAME];
	struct buf reply;
	int want, ok = 0, r;

	if ((r = get_name(b, name, sizeof(name))) || (r = buf_get_bool(b, &want)))
		return r;
	if ((r = conn_msg_init(&reply, SSH_MSG_REQUEST_SUCCESS)))
		return r;
	if (t->global_request && name[0])
		ok = t->global_request(t, name, want, b, &reply);
	else
		(void)buf_skip(b, buf_avail(b)); /* RFC 4254 4: unknown ones just fail */
	if (ok < 0) {
		buf_free(&reply);
		return ok;
	}
	if (want) {
		if (!ok) {
			buf_reset(&reply);
			r = buf_put_u8(&reply, SSH_MSG_REQUEST_FAILURE);
		}
		if (r == 0)
			r = conn_send_buf(t->c, &reply);
	}
	buf_free(&reply);
	return r;
}

static int on_global_reply(struct chan_table *t, uint8_t msg, struct buf *b)
{
	if (t->global_pending == 0)
		return ERR_PROTOCOL; /* an answer to nothing we asked */
	t->global_pending--;
	if (t->global_reply)
		t->global_reply(t, msg == SSH_MSG_REQUEST_SUCCESS, b);
	else
		(void)buf_skip(b, buf_avail(b));
	return 0;
}

static int on_open(struct chan_table *t, struct buf *b)
{
	char name[DB_MAX_REQ_NAME];
	uint32_t remote, window, maxpkt;
	const struct chan_type *type = NULL;
	struct channel *ch;
	size_t i;
	int r;

	if ((r = get_name(b, name, sizeof(name))) || (r = buf_get_u32(b, &remote)) ||
	    (r = buf_get_u32(b, &window)) || (r = buf_get_u32(b, &maxpkt)))
		return r;
	for (i = 0; t->types && t->types[i] && name[0]; i++)
		if (strcmp(t->types[i]->name, name) == 0)
			type = t->types[i];
	if (!type) {
		dbg(1, "refusing channel type '%s'", name);
		return send_open_failure(t->c, remote, SSH_OPEN_UNKNOWN_CHANNEL_TYPE,
		                         "unknown channel type");
	}
	if (maxpkt == 0)
		return ERR_PROTOCOL; /* no data could ever be sent */
	if (!(ch = chan_alloc(t, type)))
		return send_open_failure(t->c, remote, SSH_OPEN_RESOURCE_SHORTAGE,
		                         "too many channels");
	ch->remote_id = remote;
	ch->send_window = window;
	ch->send_maxpkt = maxpkt;
	ch->state = CHAN_PENDING;
	r = type->open ? type->open(t->c, ch, b) : buf_end(b);
	if (r < 0) {
		chan_free(ch);
		return r;
	}
	if (r == CHAN_OPEN_LATER)
		return 0;
	if (r > 0) {
		char text[sizeof(ch->fail_text)];
		memcpy(text, ch->fail_text, sizeof(text));
		chan_free(ch);
		return send_open_failure(t->c, remote, (uint32_t)r, text[0] ? text : "refused");
	}
	return chan_open_confirm(ch);
}

static int on_open_reply(struct chan_table *t, uint8_t msg, struct buf *b)
{
	uint32_t id, v1, v2, v3;
	struct channel *ch;
	int r;

	if ((r = buf_get_u32(b, &id)))
		return r;
	ch = chan_get(t, id);
	if (!ch || ch->state != CHAN_OPENING)
		return ERR_PROTOCOL;
	if (msg == SSH_MSG_CHANNEL_OPEN_FAILURE) {
		char desc[256];
		const uint8_t *p;
		size_t n, k;
		if ((r = buf_get_u32(b, &v1)) || (r = buf_get_string(b, &p, &n)) ||
		    (r = buf_skip(b, buf_avail(b)))) /* the language tag */
			return r;
		for (k = 0; k < n && k + 1 < sizeof(desc); k++)
			desc[k] = p[k] >= 32 && p[k] < 127 ? (char)p[k] : '?';
		desc[k] = 0;
		if (ch->type->open_failed)
			ch->type->open_failed(t->c, ch, v1, desc);
		chan_free(ch);
		return 0;
	}
	/* RFC 4254 5.1: recipient, sender channel, initial window, maximum packet */
	if ((r = buf_get_u32(b, &v1)) || (r = buf_get_u32(b, &v2)) || (r = buf_get_u32(b, &v3)))
		return r;
	if (v3 == 0)
		return ERR_PROTOCOL;
	ch->remote_id = v1;
	ch->send_window = v2;
	ch->send_maxpkt = v3;
	ch->state = CHAN_OPEN;
	r = ch->type->confirmed ? ch->type->confirmed(t->c, ch, b) : buf_end(b);
	if (r)
		return r;
	chan_service(ch);
	return 0;
}

static int on_data(struct chan_table *t, uint8_t msg, struct buf *b)
{
	struct channel *ch;
	const uint8_t *p;
	uint32_t code = 0;
	size_t n;
	int r;

	if ((r = get_open_channel(t, b, &ch)) ||
	    (msg == SSH_MSG_CHANNEL_EXTENDED_DATA && (r = buf_get_u32(b, &code))) ||
	    (r = buf_get_string(b, &p, &n)) || (r = buf_end(b)))
		return r;
	if (ch->got_eof) {
		log_msg(LOG_INFO, "channel %u: data after EOF", ch->local_id);
		return ERR_PROTOCOL;
	}
	/* RFC 4254 5.2: never more than the window we gave */
	if (n > ch->recv_window) {
		log_msg(LOG_INFO, "channel %u: peer sent %zu bytes, window %u", ch->local_id, n,
		        ch->recv_window);
		return ERR_PROTOCOL;
	}
	ch->recv_window -= (uint32_t)n;
	t->last_data_ms = loop_now_ms();
	if (msg == SSH_MSG_CHANNEL_EXTENDED_DATA && code != SSH_EXTENDED_DATA_STDERR)
		r = 0; /* no other type is defined: dropped */
	else
		r = chan_deliver(ch, msg == SSH_MSG_CHANNEL_EXTENDED_DATA, p, n);
	if (r)
		return r;
	if (!ch->fds_set && ch->type->held) {
		ch->type->held(t->c, ch); /* it services (or frees) ch */
		return 0;
	}
	chan_service(ch);
	return 0;
}

static int on_window_adjust(struct chan_table *t, struct buf *b)
{
	struct channel *ch;
	uint32_t id, n;
	int r;

	if ((r = buf_get_u32(b, &id)) || (r = buf_get_u32(b, &n)) || (r = buf_end(b)))
		return r;
	/* A peer may send WINDOW_ADJUST after its own CLOSE (paramiko does, from a reader
	 * thread that measured its window before the CLOSE went out), when we may have freed
	 * the channel already. Harmless: ignored, as OpenSSH does, not a reason to end the
	 * connection and every other channel with it. */
	ch = chan_get(t, id);
	if (!ch || ch->state != CHAN_OPEN || ch->got_close) {
		dbg(1, "window adjust for channel %u, which is not open: ignored", id);
		return 0;
	}
	/* RFC 4254 5.2: the window may not grow past 2^32 - 1 */
	if (n > UINT32_MAX - ch->send_window)
		return ERR_PROTOCOL;
	ch->send_window += n;
	chan_service(ch);
	return 0;
}

static int on_eof_close(struct chan_table *t, uint8_t msg, struct buf *b)
{
	struct channel *ch;
	int r;

	if ((r = get_open_channel(t, b, &ch)) || (r = buf_end(b)))
		return r;
	if (msg == SSH_MSG_CHANNEL_EOF)
		ch->got_eof = 1;
	else
		ch->got_close = 1;
	chan_service(ch);
	return 0;
}

static int on_request(struct chan_table *t, struct buf *b)
{
	char name[DB_MAX_REQ_NAME];
	struct channel *ch;
	int want, ok = 0, r;

	if ((r = get_open_channel(t, b, &ch)) || (r = get_name(b, name, sizeof(name))) ||
	    (r = buf_get_bool(b, &want)))
		return r;
	if (ch->sent_close) {
		(void)buf_skip(b, buf_avail(b)); /* too late: RFC 4254 5.3 lets us say nothing */
		return 0;
	}
	if (ch->type->request && name[0])
		ok = ch->type->request(t->c, ch, name, want, b);
	else
		(void)buf_skip(b, buf_avail(b));
	if (ok < 0)
		return ok;
	if (want &&
	    (r = chan_send_simple(ch, ok ? SSH_MSG_CHANNEL_SUCCESS : SSH_MSG_CHANNEL_FAILURE)))
		return r;
	chan_service(ch);
	return 0;
}

static int on_request_reply(struct chan_table *t, uint8_t msg, struct buf *b)
{
	struct channel *ch;
	int r;

	if ((r = get_open_channel(t, b, &ch)) || (r = buf_end(b)))
		return r;
	if (ch->pending_replies == 0)
		return ERR_PROTOCOL;
	ch->pending_replies--;
	if (ch->type->reply)
		ch->type->reply(t->c, ch, msg == SSH_MSG_CHANNEL_SUCCESS);
	chan_service(ch);
	return 0;
}

int chan_dispatch(struct chan_table *t, uint8_t msg, struct buf *b)
{
	switch (msg) {
	case SSH_MSG_GLOBAL_REQUEST:
		return on_global_request(t, b);
	case SSH_MSG_REQUEST_SUCCESS:
	case SSH_MSG_REQUEST_FAILURE:
		return on_global_reply(t, msg, b);
	case SSH_MSG_CHANNEL_OPEN:
		return on_open(t, b);
	case SSH_MSG_CHANNEL_OPEN_CONFIRMATION:
	case SSH_MSG_CHANNEL_OPEN_FAILURE:
		return on_open_reply(t, msg, b);
	case SSH_MSG_CHANNEL_WINDOW_ADJUST:
		return on_window_adjust(t, b);
	case SSH_MSG_CHANNEL_DATA:
	case SSH_MSG_CHANNEL_EXTENDED_DATA:
		return on_data(t, msg, b);
	case SSH_MSG_CHANNEL_EOF:
	case SSH_MSG_CHANNEL_CLOSE:
		return on_eof_close(t, msg, b);
	case SSH_MSG_CHANNEL_REQUEST:
		return on_request(t, b);
	case SSH_MSG_CHANNEL_SUCCESS:
	case SSH_MSG_CHANNEL_FAILURE:
		return on_request_reply(t, msg, b);
	}
	return ERR_UNSUPPORTED;
}
