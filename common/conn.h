/* conn.h: one SSH connection's transport (RFC 4253, RFC 8308, OpenSSH's strict kex), the
 * same code for the server and the client.
 *
 * A struct conn owns the socket, the raw input and output queues, both packet
 * directions and the key exchange state. It reads with backpressure (no reading while
 * the outgoing queue is over DB_OUTQ_SOFT), decodes packets and dispatches each message
 * by number: transport messages here, the key exchange method's messages to the role,
 * everything else to the table of the current phase (authentication, connection). Role
 * differences are data and callbacks in a `const struct conn_role` row supplied by
 * server/ or client/; role-only state hangs off `srv` / `cli`.
 *
 * Any protocol error ends the process through conn_fatal(): one log line, and an
 * SSH_MSG_DISCONNECT to the peer when the transport allows it. */
#ifndef CONN_H
#define CONN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ident.h"
#include "kex.h"
#include "loop.h"
#include "packet.h"

/* Transport and authentication message numbers (RFC 4250 section 4.1). */
#define SSH_MSG_DISCONNECT 1
#define SSH_MSG_IGNORE 2
#define SSH_MSG_UNIMPLEMENTED 3
#define SSH_MSG_DEBUG 4
#define SSH_MSG_SERVICE_REQUEST 5
#define SSH_MSG_SERVICE_ACCEPT 6
#define SSH_MSG_EXT_INFO 7
#define SSH_MSG_USERAUTH_REQUEST 50
#define SSH_MSG_USERAUTH_FAILURE 51
#define SSH_MSG_USERAUTH_SUCCESS 52
#define SSH_MSG_USERAUTH_BANNER 53

/* Disconnect reasons (RFC 4253 section 11.1). */
#define SSH_DISCONNECT_PROTOCOL_ERROR 2
#define SSH_DISCONNECT_KEY_EXCHANGE_FAILED 3
#define SSH_DISCONNECT_MAC_ERROR 5
#define SSH_DISCONNECT_SERVICE_NOT_AVAILABLE 7
#define SSH_DISCONNECT_PROTOCOL_VERSION_NOT_SUPPORTED 8
#define SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE 9
#define SSH_DISCONNECT_CONNECTION_LOST 10
#define SSH_DISCONNECT_BY_APPLICATION 11
#define SSH_DISCONNECT_TOO_MANY_CONNECTIONS 12
#define SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE 14

struct conn;

/* A message handler: b is positioned after the message number; every handler ends by
 * checking that nothing is left (buf_end). Returns 0 or an ERR_* code, which ends the
 * connection as a protocol error; a handler may also call conn_fatal itself for a more
 * precise reason. */
typedef int (*conn_handler)(struct conn *c, uint8_t msg, struct buf *b);
struct dispatch {
	uint8_t msg;
	conn_handler fn;
}; /* tables end with a NULL fn */

/* What differs between the server and the client. */
struct conn_role {
	int is_client; /* data: the order of the KEXINITs in negotiation and the hash */
	/* Fills our KEXINIT proposal (kex_proposal_make with the role's host key list). */
	int (*proposal)(struct conn *c, struct kex_proposal *p);
	/* Both KEXINITs are in and c->kex.res is decided: the client sends its public value.
	 * May be NULL. */
	int (*kex_negotiated)(struct conn *c);
	/* The key exchange method's messages (30..49) for this role. */
	const struct dispatch *kex_msgs;
	/* Our NEWKEYS went out and the new keys are in use: the server sends EXT_INFO after
	 * the first one (RFC 8308 section 2.4). May be NULL. */
	int (*newkeys_sent)(struct conn *c, int first);
	/* A key exchange finished both ways. May be NULL. */
	int (*kex_done)(struct conn *c, int first);
	/* One extension of the peer's EXT_INFO (RFC 8308 section 2.3). May be NULL. */
	int (*ext_info)(struct conn *c, const uint8_t *name, size_t nlen, const uint8_t *val,
	                size_t vlen);
};

/* Keys for one direction, derived by conn_kex_keys and installed at NEWKEYS. */
struct conn_newkeys {
	uint8_t key[64], iv[64], mac[64];
};

struct conn_kex {
	int we_sent_kexinit;           /* until our NEWKEYS: non-kex output waits in kexq */
	int peer_sent_kexinit;         /* until the peer's NEWKEYS: only kex input is allowed */
	int have_keys;                 /* the method finished: next[] holds the new keys */
	int sent_newkeys, got_newkeys; /* this exchange's progress */
	unsigned done;                 /* exchanges completed */
	int strict;                /* kex-strict-*-v00@openssh.com agreed in the first exchange */
	int skip_next;             /* the peer's guessed kex packet to drop (RFC 4253 7) */
	int peer_ext_info;         /* the peer announced ext-info-c / ext-info-s */
	struct buf i_ours, i_peer; /* both KEXINIT payloads, for the exchange hash */
	struct kex_result res;
	void *method_state;          /* the client's ephemeral key (kex_ops.free_state frees it) */
	struct conn_newkeys next[2]; /* [0] client to server, [1] server to client */
	uint8_t session_id[HASH_MAX_LEN];
	size_t sid_len;
};

struct svr_state;
struct cli_state;

struct conn {
	const struct conn_role *role;
	int fd;
	char peer[80];           /* "ADDR:PORT" for log lines */
	const char *exit_prefix; /* log prefix for the last line, e.g. "Exit before auth" */
	struct loop *loop;
	struct ident ident;
	int ident_done;       /* the peer's identification arrived */
	struct buf inq, outq; /* raw bytes from / to the socket */
	int rx_eof;
	struct pkt_dir rx, tx;
	struct buf kexq; /* payloads held back during our key exchange */
	unsigned kexq_n;
	struct conn_kex kex;
	const struct dispatch *phase; /* the role's table for the current phase */
	int authed;                   /* user authentication succeeded: no more pre-auth limits */
	unsigned unauth_packets;
	uint32_t rx_seqnr; /* sequence number of the packet being handled */
	int disc_code;     /* for the DISCONNECT conn_fatal sends */
	const char *disc_text;
	struct loop_timer ident_timer, rekey_timer;
	struct svr_state *srv;
	struct cli_state *cli;
};

/* Sets up c for a connected, non-blocking socket (no I/O yet). peer is for log lines. */
int conn_init(struct conn *c, const struct conn_role *role, int fd, struct loop *loop,
              const char *peer);
void conn_free(struct conn *c);
/* Queues our identification and first KEXINIT and starts watching the socket; installs
 * the fatal hook that sends DISCONNECT. Then run the loop. */
int conn_start(struct conn *c);
/* Installs the dispatch table for the next phase (authentication, connection). */
void conn_set_phase(struct conn *c, const struct dispatch *table);
/* Queues one message payload (message number first). While our key exchange runs, any
 * message other than a transport or kex one waits in a bounded queue until our NEWKEYS
 * (RFC 4253 section 7.1), so that nothing is lost or reordered; overflowing that queue
 * (DB_MAX_QUEUED_DURING_KEX) ends the connection. Producers of bulk output (channels)
 * wait for conn_can_send() instead. */
int conn_send(struct conn *c, const uint8_t *payload, size_t n);
int conn_send_buf(struct conn *c, const struct buf *payload);
/* Bulk data without a copy: conn_send_begin points *payload at room for up to max bytes
 * of payload inside the output queue (valid until anything else is sent); the caller
 * fills n of them and conn_send_end(c, n) makes them a packet. ERR_AGAIN during a key
 * exchange or when the queue would have to grow for it, ERR_UNSUPPORTED with
 * compression on: use conn_send then. */
int conn_send_begin(struct conn *c, size_t max, uint8_t **payload);
int conn_send_end(struct conn *c, size_t n);
/* Writes what the output queue holds as far as the socket takes it now (a producer that
 * just queued much need not wait for the next poll()); a peer that closed ends the
 * connection. */
void conn_flush(struct conn *c);
/* A fresh payload buffer, at most DB_MAX_PAYLOAD bytes. */
int conn_msg_init(struct buf *b, uint8_t msg);
/* 1 when more output may be produced now (channels stop reading their fds otherwise). */
int conn_can_send(const struct conn *c);
/* Marks the user authenticated: lifts the pre-auth packet limit. */
void conn_set_authed(struct conn *c);

/* Ends the connection: log "<exit_prefix> from <peer>: <reason>", send DISCONNECT with
 * code when possible, exit(1). */
_Noreturn void conn_fatal(struct conn *c, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* The peer went away cleanly (EOF or its DISCONNECT): log and exit(0). */
_Noreturn void conn_exit(struct conn *c, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* ---- key exchange flow (conn-kex.c) */
/* Starts a key exchange (sends KEXINIT) unless one is running: rekeying. */
int conn_kex_start(struct conn *c);
/* The method is done: records the session id (first exchange) and derives both
 * directions' keys from the encoded K and the exchange hash H (RFC 4253 7.2). */
int conn_kex_keys(struct conn *c, const uint8_t *k, size_t klen, const uint8_t *h, size_t hlen);
/* Sends NEWKEYS and switches our output to the new keys (RFC 4253 section 7.3). */
int conn_send_newkeys(struct conn *c);
/* Called by conn.c. */
int conn_kex_on_kexinit(struct conn *c, struct buf *b);
int conn_kex_on_newkeys(struct conn *c, struct buf *b);
void conn_kex_check_rekey(struct conn *c);
void conn_kex_free(struct conn *c);

/* The identification lines as the exchange hash wants them: V_C and V_S. */
const char *conn_ident_client(const struct conn *c);
const char *conn_ident_server(const struct conn *c);

#endif
