/* conn-kex.c: the key exchange message flow shared by both roles (RFC 4253 sections 7
 * to 9, OpenSSH PROTOCOL "kex-strict"): KEXINIT, negotiation, key derivation, NEWKEYS,
 * and rekeying started by either side or by our byte and time limits. The method's own
 * messages (30..49) are the role's (server/ and client/); the arithmetic is kex*.c. */
#include <string.h>

#include "conn.h"
#include "err.h"
#include "log.h"
#include "options.h"
#include "util.h"

static void rekey_timeout(void *arg);

#ifdef DB_FUZZ
/* The fuzzing build (-DDB_FUZZ, tests/fuzz/ only, never dropbearmulti): NEWKEYS leaves
 * both directions in the clear (no cipher, no MAC; the negotiated compression still
 * applies), so that a fuzzer's byte stream reaches everything after the key exchange
 * without forging a MAC. The key derivation before it runs as always. */
static int set_keys(struct pkt_dir *d, const struct cipher_ops *ci, const uint8_t *key,
                    const uint8_t *iv, const struct mac_ops *m, const uint8_t *mackey,
                    enum comp_alg comp)
{
	uint32_t seq = d->seq;
	int authed = d->comp_authed, r;

	(void)ci, (void)key, (void)iv, (void)m, (void)mackey;
	pkt_dir_free(d);
	if ((r = pkt_dir_init(d)))
		return r;
	d->seq = seq;
	d->comp = comp;
	d->comp_authed = authed;
	d->comp_on = comp == COMP_ZLIB || (comp == COMP_ZLIB_DELAYED && authed);
	return 0;
}
#else
#define set_keys pkt_dir_setkeys
#endif

static int first_kex(const struct conn *c)
{
	return c->kex.done == 0;
}

/* Index of the direction we send in: [0] is client to server. */
static int tx_dir(const struct conn *c)
{
	return c->role->is_client ? 0 : 1;
}

/* Sends our KEXINIT for the exchange that is starting. */
static int send_kexinit(struct conn *c)
{
	struct kex_proposal p;
	int r;

	memset(&p, 0, sizeof(p));
	buf_reset(&c->kex.i_ours);
	/* Marked first: from here on other output waits, and sending the KEXINIT itself
	 * must not trigger another one (the rekey check runs on every send). */
	c->kex.we_sent_kexinit = 1;
	if ((r = c->role->proposal(c, &p)) == 0 && (r = kex_put_kexinit(&p, &c->kex.i_ours)) == 0)
		r = conn_send_buf(c, &c->kex.i_ours);
	kex_proposal_free(&p);
	if (r == 0)
		dbg(2, "sent KEXINIT to <%s>", c->peer);
	return r;
}

int conn_kex_start(struct conn *c)
{
	/* One exchange at a time: from either KEXINIT until both NEWKEYS. */
	if (c->kex.we_sent_kexinit || c->kex.peer_sent_kexinit)
		return 0;
	return send_kexinit(c);
}

void conn_kex_check_rekey(struct conn *c)
{
	struct conn_kex *k = &c->kex;
	int r;

	if (k->done == 0 || k->we_sent_kexinit || k->peer_sent_kexinit)
		return;
	if (c->tx.bytes < DB_REKEY_BYTES && c->rx.bytes < DB_REKEY_BYTES)
		return;
	dbg(1, "rekeying <%s> after %llu bytes out, %llu in", c->peer,
	    (unsigned long long)c->tx.bytes, (unsigned long long)c->rx.bytes);
	if ((r = conn_kex_start(c)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot start rekey: %s", err_str(r));
}

static void rekey_timeout(void *arg)
{
	struct conn *c = arg;
	struct conn_kex *k = &c->kex;
	int r;

	if (k->we_sent_kexinit || k->peer_sent_kexinit) {
		/* an exchange is running: its completion re-arms the timer */
		return;
	}
	dbg(1, "rekeying <%s> after %d seconds", c->peer, DB_REKEY_SECONDS);
	if ((r = conn_kex_start(c)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot start rekey: %s", err_str(r));
}

static void log_result(const struct conn *c)
{
	const struct kex_result *res = &c->kex.res;
	int i;

	dbg(1, "kex with <%s>: %s, host key %s%s", c->peer, res->kex->name, res->hostkey_alg,
	    c->kex.strict ? ", strict" : "");
	for (i = 0; i < 2; i++)
		dbg(1, "  %s: %s %s comp %d", i ? "s->c" : "c->s", cipher_name(res->cipher[i]),
		    res->mac[i] ? mac_name(res->mac[i]) : "<implicit>", (int)res->comp[i]);
}

int conn_kex_on_kexinit(struct conn *c, struct buf *b)
{
	struct conn_kex *k = &c->kex;
	const struct buf *ci, *si;
	const char *which = "?";
	int r;

	/* The whole payload, message number included, goes into the exchange hash. */
	buf_reset(&k->i_peer);
	if ((r = buf_put_bytes(&k->i_peer, b->data, b->len)))
		return r;
	(void)buf_skip(b, buf_avail(b));
	k->peer_sent_kexinit = 1;
	k->have_keys = 0;
	/* RFC 4253 7.1: a peer's KEXINIT is answered with ours if we have not sent it. */
	if (!k->we_sent_kexinit && (r = send_kexinit(c)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot send KEXINIT: %s", err_str(r));
	ci = c->role->is_client ? &k->i_ours : &k->i_peer;
	si = c->role->is_client ? &k->i_peer : &k->i_ours;
	memset(&k->res, 0, sizeof(k->res));
	r = kex_negotiate(ci->data, ci->len, si->data, si->len, c->role->is_client, &k->res,
	                  &which);
	if (r == ERR_UNSUPPORTED)
		conn_fatal(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
		           "no matching algorithm for %s in the peer's KEXINIT", which);
	if (r)
		conn_fatal(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "bad KEXINIT: %s", err_str(r));
	if (first_kex(c)) {
		/* Strict kex and ext-info are decided by the first exchange only. */
		k->strict = k->res.strict;
		k->peer_ext_info = k->res.peer_ext_info;
		if (k->strict && c->rx_seqnr != 0)
			conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR,
			           "strict KEX violation: KEXINIT was not the first packet");
	}
	k->skip_next = k->res.guess_wrong;
	log_result(c);
	if (c->role->kex_negotiated && (r = c->role->kex_negotiated(c)))
		conn_fatal(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "key exchange failed: %s",
		           err_str(r));
	return 0;
}

int conn_kex_keys(struct conn *c, const uint8_t *k, size_t klen, const uint8_t *h, size_t hlen)
{
	struct conn_kex *kx = &c->kex;
	enum hash_alg alg = kx->res.kex->hash;
	int d, r;

	if (hlen > sizeof(kx->session_id))
		return ERR_INVALID;
	if (kx->sid_len == 0) {
		/* RFC 4253 7.2: the first exchange hash names the session for good. */
		memcpy(kx->session_id, h, hlen);
		kx->sid_len = hlen;
	}
	for (d = 0; d < 2; d++) {
		struct conn_newkeys *nk = &kx->next[d];
		size_t kl = cipher_keylen(kx->res.cipher[d]), il = cipher_ivlen(kx->res.cipher[d]);
		size_t ml = kx->res.mac[d] ? mac_keylen(kx->res.mac[d]) : 0;

		if (kl > sizeof(nk->key) || il > sizeof(nk->iv) || ml > sizeof(nk->mac))
			return ERR_INVALID;
		/* 'A'/'B' IVs, 'C'/'D' keys, 'E'/'F' MAC keys; client to server first. */
		if ((il && (r = kex_derive(alg, k, klen, h, hlen, (char)('A' + d), kx->session_id,
		                           kx->sid_len, nk->iv, il))) ||
		    (kl && (r = kex_derive(alg, k, klen, h, hlen, (char)('C' + d), kx->session_id,
		                           kx->sid_len, nk->key, kl))) ||
		    (ml && (r = kex_derive(alg, k, klen, h, hlen, (char)('E' + d), kx->session_id,
		                           kx->sid_len, nk->mac, ml))))
			return r;
	}
	kx->have_keys = 1;
	return 0;
}

/* Both NEWKEYS are through: the exchange is over. */
static void maybe_complete(struct conn *c)
{
	struct conn_kex *k = &c->kex;
	int first = first_kex(c), r;

	if (!k->sent_newkeys || !k->got_newkeys)
		return;
	k->sent_newkeys = k->got_newkeys = 0;
	k->have_keys = 0;
	k->done++;
	buf_reset(&k->i_ours);
	buf_reset(&k->i_peer);
	if (k->method_state && k->res.kex->free_state)
		k->res.kex->free_state(k->method_state);
	k->method_state = NULL;
	if (first)
		loop_timer_cancel(c->loop, &c->ident_timer);
	loop_timer_set(c->loop, &c->rekey_timer, DB_REKEY_SECONDS * 1000ull, rekey_timeout, c);
	dbg(1, "key exchange %u with <%s> done", k->done, c->peer);
	if (c->role->kex_done && (r = c->role->kex_done(c, first)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "after key exchange: %s", err_str(r));
}

int conn_send_newkeys(struct conn *c)
{
	struct conn_kex *k = &c->kex;
	int d = tx_dir(c), first = first_kex(c), r;
	uint8_t m = SSH_MSG_NEWKEYS;
	struct buf held, v;
	const uint8_t *p;
	size_t n;

	if (!k->have_keys || k->sent_newkeys)
		return ERR_INVALID;
	if ((r = conn_send(c, &m, 1)))
		return r;
	r = set_keys(&c->tx, k->res.cipher[d], k->next[d].key, k->next[d].iv, k->res.mac[d],
	                    k->next[d].mac, k->res.comp[d]);
	wipe(&k->next[d], sizeof(k->next[d]));
	if (r)
		return r;
	if (k->strict)
		c->tx.seq = 0; /* strict kex: every NEWKEYS restarts the sequence */
	k->we_sent_kexinit = 0;
	k->sent_newkeys = 1;
	if (c->role->newkeys_sent && (r = c->role->newkeys_sent(c, first)))
		return r;
	/* What waited for the new keys goes out now, in order. Take the queue first: a
	 * message sent here may start the next rekey and queue anew. */
	held = c->kexq;
	if ((r = buf_init(&c->kexq, 0, held.max)) == 0) {
		c->kexq_n = 0;
		buf_view(&v, held.data, held.len);
		while (r == 0 && buf_avail(&v)) {
			if ((r = buf_get_string(&v, &p, &n)) == 0)
				r = conn_send(c, p, n);
		}
	}
	buf_free(&held);
	if (r)
		return r;
	maybe_complete(c);
	return 0;
}

int conn_kex_on_newkeys(struct conn *c, struct buf *b)
{
	struct conn_kex *k = &c->kex;
	int d = !tx_dir(c), r;

	if ((r = buf_end(b)))
		return r;
	r = set_keys(&c->rx, k->res.cipher[d], k->next[d].key, k->next[d].iv, k->res.mac[d],
	                    k->next[d].mac, k->res.comp[d]);
	wipe(&k->next[d], sizeof(k->next[d]));
	if (r)
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot install keys: %s", err_str(r));
	if (k->strict)
		c->rx.seq = 0;
	k->peer_sent_kexinit = 0;
	k->got_newkeys = 1;
	maybe_complete(c);
	return 0;
}

void conn_kex_free(struct conn *c)
{
	struct conn_kex *k = &c->kex;

	if (k->method_state && k->res.kex && k->res.kex->free_state)
		k->res.kex->free_state(k->method_state);
	k->method_state = NULL;
	wipe(k->next, sizeof(k->next));
	loop_timer_cancel(c->loop, &c->rekey_timer);
	loop_timer_cancel(c->loop, &c->ident_timer);
}
