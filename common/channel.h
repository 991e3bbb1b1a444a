/* channel.h: the connection protocol's channels (RFC 4254 sections 4 and 5), the same
 * code for the server, the client and forwarding.
 *
 * A struct chan_table holds one connection's channels (at most DB_MAX_CHANNELS; our
 * channel number is the slot index). A role (server/ or client/) creates the table,
 * gives it the channel types it accepts from the peer, and routes the connection-phase
 * messages (GLOBAL_REQUEST..REQUEST_FAILURE 80..82, CHANNEL_* 90..100) to chan_dispatch
 * from its own dispatch table (struct conn has no channel field: the role keeps the
 * table, e.g. in c->srv->sess).
 *
 * What a channel type does on open, on request and on close is a `const struct
 * chan_type` row. Data flow is generic: a channel may have
 *   - an input fd (in_fd):   bytes read from it go to the peer as CHANNEL_DATA;
 *   - an output fd (out_fd): the peer's CHANNEL_DATA is written to it;
 *   - an extended-data fd (err_fd): read from and sent as EXTENDED_DATA type 1 (the
 *     server's stderr, CHAN_ERR_READ), or written with the peer's EXTENDED_DATA (the
 *     client's stderr, CHAN_ERR_WRITE).
 * in_fd and out_fd may be the same fd (a pty master, a TCP socket). Fds are made
 * non-blocking and watched through the connection's loop.
 *
 * Backpressure (no unbounded buffers): an fd is read only while the peer's window is
 * open and conn_can_send() is 1; data from the peer is written straight to the fd and
 * only the part the fd does not take now is queued, which the receive window bounds; the
 * window is re-advertised (WINDOW_ADJUST) only as queued bytes leave for the fd.
 *
 * EOF and CLOSE (RFC 4254 5.3): the peer's EOF closes our write fd (shutdown(SHUT_WR)
 * for a socket used both ways) once its queue is written; EOF on our read fds (both
 * in_fd and a CHAN_ERR_READ err_fd) sends CHANNEL_EOF. We send CLOSE when the type
 * says so (close_ready) or, without that hook, when EOF went both ways and our queues
 * are written; we always answer the peer's CLOSE with ours. A channel is freed (its
 * type's cleanup runs, its fds are closed) when CLOSE went both ways and what the peer
 * sent is written out.
 *
 * Handlers return 0 or a negative ERR_* (a protocol error: the connection ends). */
#ifndef CHANNEL_H
#define CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conn.h"
#include "options.h"

/* Connection protocol message numbers (RFC 4250 section 4.1.2). */
#define SSH_MSG_GLOBAL_REQUEST 80
#define SSH_MSG_REQUEST_SUCCESS 81
#define SSH_MSG_REQUEST_FAILURE 82
#define SSH_MSG_CHANNEL_OPEN 90
#define SSH_MSG_CHANNEL_OPEN_CONFIRMATION 91
#define SSH_MSG_CHANNEL_OPEN_FAILURE 92
#define SSH_MSG_CHANNEL_WINDOW_ADJUST 93
#define SSH_MSG_CHANNEL_DATA 94
#define SSH_MSG_CHANNEL_EXTENDED_DATA 95
#define SSH_MSG_CHANNEL_EOF 96
#define SSH_MSG_CHANNEL_CLOSE 97
#define SSH_MSG_CHANNEL_REQUEST 98
#define SSH_MSG_CHANNEL_SUCCESS 99
#define SSH_MSG_CHANNEL_FAILURE 100

/* CHANNEL_OPEN_FAILURE reason codes (RFC 4254 section 5.1). */
#define SSH_OPEN_ADMINISTRATIVELY_PROHIBITED 1
#define SSH_OPEN_CONNECT_FAILED 2
#define SSH_OPEN_UNKNOWN_CHANNEL_TYPE 3
#define SSH_OPEN_RESOURCE_SHORTAGE 4

/* EXTENDED_DATA data_type_code for stderr (RFC 4254 section 5.2). */
#define SSH_EXTENDED_DATA_STDERR 1

/* chan_type.open's answer when the channel is confirmed later (chan_open_confirm /
 * chan_open_fail), e.g. after a non-blocking connect(). */
#define CHAN_OPEN_LATER 1000

/* What err_fd is for. */
#define CHAN_ERR_NONE 0
#define CHAN_ERR_READ 1  /* read it, send EXTENDED_DATA (server: the child's stderr) */
#define CHAN_ERR_WRITE 2 /* write the peer's EXTENDED_DATA to it (client: our stderr) */

struct channel;
struct chan_table;

struct chan_type {
	const char *name; /* "session", "direct-tcpip", ... */
	/* The peer opened one (table types only). extra holds the type-specific fields after
	 * the common ones; the handler reads them all (buf_end). Returns 0 to confirm now,
	 * CHAN_OPEN_LATER, a positive SSH_OPEN_* reason to refuse (ch->fail_text may name
	 * why), or a negative ERR_* (protocol error). May set fds (chan_set_fds). */
	int (*open)(struct conn *c, struct channel *ch, struct buf *extra);
	/* Our chan_open_outgoing was confirmed; b holds type-specific data (usually none).
	 * May be NULL. Return as for handlers. */
	int (*confirmed)(struct conn *c, struct channel *ch, struct buf *b);
	/* Our chan_open_outgoing was refused; the channel is freed (cleanup runs) next.
	 * desc is the peer's description, sanitised for logs. May be NULL. */
	void (*open_failed)(struct conn *c, struct channel *ch, uint32_t reason, const char *desc);
	/* A CHANNEL_REQUEST (RFC 4254 5.4); b holds the request-specific data (read it all).
	 * Returns 1 (success), 0 (failure) or a negative ERR_*; the table sends
	 * CHANNEL_SUCCESS / CHANNEL_FAILURE when want_reply. NULL: every request fails. */
	int (*request)(struct conn *c, struct channel *ch, const char *req, int want_reply,
	               struct buf *b);
	/* The peer's answer to our chan_send_request with want_reply, in order. May be NULL. */
	void (*reply)(struct conn *c, struct channel *ch, int success);
	/* Asked once EOF was sent (our read side is done): 1 when we may send CLOSE now
	 * (server session: the child has exited). NULL: when EOF went both ways and what the
	 * peer sent is written out (a forwarded TCP connection). */
	int (*close_ready)(struct conn *c, struct channel *ch);
	/* Right before our CLOSE goes out, with sending allowed: last requests (the server
	 * session's exit-status / exit-signal, RFC 4254 6.10). May be NULL. */
	void (*closing)(struct conn *c, struct channel *ch);
	/* The channel is being freed (also when the connection ends, and when open refused
	 * it or failed, so priv may still be NULL): release priv. The table closes the
	 * channel's fds itself afterwards. May be NULL. */
	void (*cleanup)(struct conn *c, struct channel *ch);
	/* The peer's CHANNEL_DATA arrived while the channel has no fds yet: it waits in
	 * ch->wq (within the window), where the type may read it and change it in place,
	 * then give the channel its fds (chan_set_fds, chan_poke) or close it (dbclient's
	 * x11 channels check the X11 connection setup and swap the cookie before a byte
	 * reaches the display). ch may be gone afterwards. May be NULL. */
	void (*held)(struct conn *c, struct channel *ch);
};

enum chan_state {
	CHAN_OPENING, /* we sent CHANNEL_OPEN, no answer yet */
	CHAN_PENDING, /* the peer opened it, the type confirms later (CHAN_OPEN_LATER) */
	CHAN_OPEN,
};

struct chan_watch; /* internal: one loop watcher per distinct fd */

struct channel {
	struct chan_table *tab;
	const struct chan_type *type;
	void *priv; /* the type's state */
	uint32_t local_id, remote_id;
	enum chan_state state;
	/* windows (RFC 4254 5.2) */
	uint32_t recv_window; /* what the peer may still send us */
	uint32_t recv_max;    /* our full window, re-advertised as data is written out */
	uint32_t send_window; /* what we may still send */
	uint32_t send_maxpkt; /* the peer's maximum packet (data bytes per message) */
	/* fds: -1 when none (or no more) */
	int in_fd, out_fd, err_fd;
	int err_dir;          /* CHAN_ERR_* */
	struct buf wq, ewq;   /* the peer's data not yet taken by out_fd / err_fd */
	int in_eof, err_eof;  /* our read fds are done */
	int out_err, ewq_err; /* a write fd failed: the peer's data is dropped from now on */
	int sent_eof, got_eof, sent_close, got_close;
	int flushing;             /* chan_flush: read what is there now, then treat as EOF */
	unsigned pending_replies; /* our want_reply requests not answered yet */
	char fail_text[64];       /* open's reason text for a refusal */
	/* internal */
	int fds_set;     /* chan_set_fds was called: no fd now means "gone" */
	int force_close; /* chan_close */
	int dirty;       /* owes messages the connection could not take yet */
	struct chan_watch *watch;
};

/* The role's handler of a peer's global request (RFC 4254 4): 1 success, 0 failure, or
 * a negative ERR_*; it may append reply-specific data (tcpip-forward's bound port) to
 * reply, which the table sends in REQUEST_SUCCESS when want_reply. */
typedef int (*chan_global_fn)(struct chan_table *t, const char *name, int want_reply, struct buf *b,
                              struct buf *reply);
/* The peer's REQUEST_SUCCESS (success 1, b holds its data) or REQUEST_FAILURE to our
 * chan_global_request with want_reply, in the order we sent them. */
typedef void (*chan_global_reply_fn)(struct chan_table *t, int success, struct buf *b);

struct chan_table {
	struct conn *c;
	const struct chan_type *const *types; /* accepted from the peer, NULL-terminated */
	uint32_t window;                      /* our first receive window for new channels */
	uint32_t window_max;                  /* ... which grows up to this (= window with -W) */
	chan_global_fn global_request;        /* NULL: every global request fails */
	chan_global_reply_fn global_reply;    /* may be NULL */
	/* A channel was freed (after its cleanup; nopen already counts it out). May be
	 * NULL. The client waits here for forwarded connections that outlive its session. */
	void (*freed)(struct chan_table *t);
	void *role_arg;                       /* the role's own state */
	unsigned global_pending;              /* our global requests not answered yet */
	uint64_t last_data_ms;                /* last channel data either way (-I) */
	unsigned nopen;                       /* channels in use */
	struct channel *ch[DB_MAX_CHANNELS];
	struct buf scratch; /* one outgoing data message, reused */
	int kick_fd;        /* internal: deferred work (see channel.c) */
	int kick_registered;
};

/* Sets up an empty table for c; types may be NULL (the peer may open nothing). window
 * is the receive window of every channel, fixed (-W); 0 is the default: DB_RECV_WINDOW
 * growing up to DB_RECV_WINDOW_GROW while data flows. */
int chan_table_init(struct chan_table *t, struct conn *c, const struct chan_type *const *types,
                    uint32_t window);
/* Frees every channel (cleanup hooks, fds) and the table's own resources. */
void chan_table_free(struct chan_table *t);

/* The connection-phase messages: 80..82 and 90..100. A role routes them here from its
 * dispatch table (see chan_msgs below). */
int chan_dispatch(struct chan_table *t, uint8_t msg, struct buf *b);
/* The message numbers chan_dispatch takes, 0-terminated: for building a role's table. */
extern const uint8_t chan_msgs[];

/* Opens a channel of the given type to the peer (RFC 4254 5.1): extra is the type-specific
 * open data (NULL: none). Answers arrive at type->confirmed / type->open_failed.
 * Returns 0 and the channel in *out, or an ERR_* (ERR_TOOBIG: table full). */
int chan_open_outgoing(struct chan_table *t, const struct chan_type *type, const struct buf *extra,
                       void *priv, struct channel **out);
/* Confirms or refuses a channel whose type's open returned CHAN_OPEN_LATER. After
 * chan_open_fail the channel is gone. */
int chan_open_confirm(struct channel *ch);
int chan_open_fail(struct channel *ch, uint32_t reason, const char *text);

/* Gives the channel its fds (-1: none); made non-blocking and watched from now on. The
 * channel owns them: they are closed when done or when the channel is freed. */
int chan_set_fds(struct channel *ch, int in_fd, int out_fd, int err_fd, int err_dir);

/* A CHANNEL_REQUEST to the peer (data: request-specific fields, may be NULL). With
 * want_reply the answer goes to type->reply. Sent even when conn_can_send() is 0
 * (requests are small and rare). */
int chan_send_request(struct channel *ch, const char *req, int want_reply, const struct buf *data);
/* A GLOBAL_REQUEST (RFC 4254 4); with want_reply the answer goes to t->global_reply. */
int chan_global_request(struct chan_table *t, const char *name, int want_reply,
                        const struct buf *data);

/* The type's process is gone (server session): what the read fds hold now is sent,
 * then they count as at EOF even if someone else (a background child) still holds their
 * other ends; an fd used both ways (a pty master) takes no more of the peer's data.
 * Then close_ready decides. */
void chan_flush(struct channel *ch);
/* Ends the channel from our side now: stops reading, sends EOF (if not yet) and CLOSE as
 * soon as the connection allows. */
void chan_close(struct channel *ch);
/* Re-evaluates the channel after its type changed something (close_ready's answer):
 * sends what is owed and frees it when done. ch may be gone afterwards. */
void chan_poke(struct channel *ch);

/* The channel with our number id, or NULL. */
struct channel *chan_get(struct chan_table *t, uint32_t id);

#endif
