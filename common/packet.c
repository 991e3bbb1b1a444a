/* packet.c: the binary packet protocol of RFC 4253 section 6, one direction at a time.
 *
 *   uint32    packet_length    (of what follows, without the MAC)
 *   byte      padding_length   (>= 4)
 *   byte[n1]  payload          (compressed when compression is on)
 *   byte[n2]  random padding
 *   byte[m]   mac or AEAD tag
 *
 * Three ways of protecting it, picked by the cipher and MAC rows:
 *  - RFC 4253 6.3/6.4 (a non-etm MAC with CTR): everything but the MAC is encrypted, the
 *    MAC covers uint32 seq || plaintext. The receiver must decrypt the first block to
 *    learn the length, and the whole packet before it can check the MAC.
 *  - encrypt-then-MAC (OpenSSH PROTOCOL 1.5): packet_length in the clear, the MAC covers
 *    seq || packet_length || ciphertext and is checked before anything is decrypted.
 *  - AEAD (PROTOCOL.chacha20poly1305, RFC 5647): the cipher row seals and opens the whole
 *    packet; the tag is checked before anything is decrypted.
 * In the last two the 4 length bytes are not part of the block alignment.
 *
 * Nothing here allocates per packet: pkt_encode builds the packet in place in the
 * caller's output buffer (pkt_begin/pkt_end let the caller put the payload there
 * itself, so bulk data is read from its fd straight into the packet); pkt_decode reads the wire bytes from the caller's input buffer
 * without writing to it and decrypts into rx_plain (inflating into rx_payload), two
 * buffers of d that grow to the largest packet seen and are then reused. */
#include "packet.h"

#include <string.h>

#include "cipher-internal.h"
#include "crypto.h"
#include "err.h"
#include "options.h"
#include "util.h"

#define PAD_MIN 4 /* RFC 4253 6: at least four bytes of padding */

/* RFC 4253 6: the total is a multiple of the cipher block size or 8, whichever is larger
 * (the none cipher counts as 8). */
static size_t pkt_unit(const struct pkt_dir *d)
{
	size_t bs = d->cipher ? d->cipher->blocksize : 8;
	return bs < 8 ? 8 : bs;
}

/* The length field stands apart (clear or separately keyed) and outside the alignment. */
static int len_apart(const struct pkt_dir *d)
{
	return d->cipher && (d->cipher->taglen || d->mac->etm);
}

static size_t tail_len(const struct pkt_dir *d)
{
	if (!d->cipher)
		return 0;
	return d->cipher->taglen ? d->cipher->taglen : d->mac->maclen;
}

static void rx_clear(struct pkt_dir *d)
{
	d->rx_have_len = 0;
	d->rx_len = 0;
	wipe(d->rx_first, sizeof(d->rx_first));
}

static void drop_keys(struct pkt_dir *d)
{
	if (d->cipher)
		d->cipher->free(d->cctx);
	mac_ctx_free(d->mctx);
	d->cipher = NULL;
	d->cctx = NULL;
	d->mac = NULL;
	d->mctx = NULL;
}

int pkt_dir_init(struct pkt_dir *d)
{
	int r;

	memset(d, 0, sizeof(*d));
	/* secret: the plaintext of a packet (a password, say) is wiped when replaced */
	r = buf_init_secret(&d->rx_plain, 0, DB_MAX_PACKET);
	if (r == 0)
		r = buf_init_secret(&d->rx_payload, 0, DB_MAX_PAYLOAD + 1);
	return r;
}

int pkt_dir_setkeys(struct pkt_dir *d, const struct cipher_ops *c, const uint8_t *key,
		    const uint8_t *iv, const struct mac_ops *m, const uint8_t *mackey,
		    enum comp_alg comp)
{
	void *cctx = NULL, *mctx = NULL;
	int r;

	if (!c || !key || (c->ivlen && !iv) || (!c->taglen && (!m || !mackey)))
		return ERR_INVALID;
	if (!c->taglen && c->blocksize > sizeof(d->rx_first))
		return ERR_INVALID;
	if (comp != COMP_NONE && comp != COMP_ZLIB && comp != COMP_ZLIB_DELAYED)
		return ERR_INVALID;
	if (!DB_COMPRESSION && comp != COMP_NONE)
		return ERR_UNSUPPORTED;
	if (c->taglen)
		m = NULL; /* the negotiated MAC is ignored (OpenSSH PROTOCOL 1.6, 1.7) */
	r = c->init(&cctx, key, iv);
	if (r)
		return r;
	if (m && (r = mac_ctx_new(m, mackey, &mctx)) != 0) {
		c->free(cctx);
		return r;
	}
	drop_keys(d);
	d->cipher = c;
	d->cctx = cctx;
	d->mac = m;
	d->mctx = mctx;
	/* RFC 4253 6.2: "The compression context is initialized after each key exchange";
	 * OpenSSH (start_compression_in/out at every set_newkeys) and Dropbear do the same. */
	comp_free(&d->zctx);
	d->comp = comp;
	d->comp_on = comp == COMP_ZLIB || (comp == COMP_ZLIB_DELAYED && d->comp_authed);
	d->bytes = 0;
	d->packets = 0;
	rx_clear(d);
	return 0;
}

int pkt_dir_comp_start(struct pkt_dir *d)
{
	d->comp_authed = 1;
	if (d->comp == COMP_ZLIB_DELAYED)
		d->comp_on = 1;
	return 0;
}

void pkt_dir_free(struct pkt_dir *d)
{
	drop_keys(d);
	comp_free(&d->zctx);
	buf_free(&d->rx_plain);
	buf_free(&d->rx_payload);
	wipe(d, sizeof(*d));
}

/* ---- sending */

/* Encrypts and authenticates pkt[0..n) (length field included) in place; the MAC or tag
 * goes to tail. */
static int protect(struct pkt_dir *d, uint8_t *pkt, size_t n, uint8_t *tail)
{
	const struct cipher_ops *c = d->cipher;
	int r;

	if (!c)
		return 0;
	if (c->taglen)
		return c->seal(d->cctx, d->seq, pkt, n, tail);
	if (d->mac->etm) {
		r = c->crypt(d->cctx, pkt + 4, pkt + 4, n - 4);
		if (r == 0)
			r = mac_compute(d->mac, d->mctx, d->seq, pkt, n, NULL, 0, tail);
		return r;
	}
	r = mac_compute(d->mac, d->mctx, d->seq, pkt, n, NULL, 0, tail);
	if (r == 0)
		r = c->crypt(d->cctx, pkt, pkt, n);
	return r;
}

/* The packet whose payload (body bytes, compressed if compression is on) sits at
 * out->data + start + 5: padding, length fields, protection, counters. out has room
 * for it (reserved by the caller). */
static int finish(struct pkt_dir *d, struct buf *out, size_t start, size_t body)
{
	size_t unit = pkt_unit(d), taillen = tail_len(d);
	size_t aligned, pad, len;
	uint8_t *p, *tail;
	int r;

	out->len = start + 5 + body;
	aligned = (len_apart(d) ? 0 : 4) + 1 + body;
	pad = unit - aligned % unit;
	if (pad < PAD_MIN)
		pad += unit;
	len = 1 + body + pad;
	if (len > DB_MAX_PACKET)
		return ERR_TOOBIG;
	r = buf_reserve(out, pad + taillen, &p);
	if (r == 0)
		r = rand_bytes(p, pad); /* RFC 4253 6: random padding */
	if (r)
		return r;
	tail = p + pad;
	p = out->data + start; /* out may have moved while it grew */
	store_be32(p, (uint32_t)len);
	p[4] = (uint8_t)pad;
	r = protect(d, p, 4 + len, tail);
	if (r)
		return r;
	d->seq++; /* wraps mod 2^32 (RFC 4253 6.4) */
	d->packets++;
	d->bytes += 4 + len + taillen;
	return 0;
}

/* Room for the largest packet a payload of n bytes may become (before the compressor
 * consumes it: a deflate stream cannot take a packet back); out->len is unchanged. */
static int reserve_packet(struct pkt_dir *d, size_t n, struct buf *out)
{
	size_t start = out->len;
	size_t worst = 5 + n + (d->comp_on ? n / 16 + 64 : 0) + pkt_unit(d) + PAD_MIN +
		       tail_len(d);
	uint8_t *p;
	int r = buf_reserve(out, worst, &p);

	out->len = start;
	return r;
}

int pkt_encode(struct pkt_dir *d, const uint8_t *payload, size_t n, struct buf *out)
{
	size_t start = out->len;
	uint8_t *p;
	int r;

	if (n == 0 || !payload)
		return ERR_INVALID;
	if (n > DB_MAX_PAYLOAD)
		return ERR_TOOBIG;
	if ((r = reserve_packet(d, n, out)))
		return r;
	r = buf_reserve(out, 5, &p); /* packet_length, padding_length: filled in by finish */
	if (r == 0)
		r = d->comp_on ? comp_deflate(&d->zctx, payload, n, out)
			       : buf_put_bytes(out, payload, n);
	if (r == 0)
		r = finish(d, out, start, out->len - start - 5);
	if (r)
		out->len = start;
	return r;
}

int pkt_begin(struct pkt_dir *d, size_t max, struct buf *out, uint8_t **payload)
{
	int r;

	if (d->comp_on)
		return ERR_UNSUPPORTED; /* the payload goes through the compressor */
	if (max == 0 || max > DB_MAX_PAYLOAD)
		return ERR_INVALID;
	if ((r = reserve_packet(d, max, out)))
		return r;
	*payload = out->data + out->len + 5;
	return 0;
}

int pkt_end(struct pkt_dir *d, size_t n, struct buf *out)
{
	size_t start = out->len;
	int r;

	if (n == 0 || n > DB_MAX_PAYLOAD || d->comp_on)
		return ERR_INVALID;
	r = finish(d, out, start, n);
	if (r)
		out->len = start;
	return r;
}

/* ---- receiving */

/* Learns packet_length from the first bytes of the packet and checks it against our
 * limits and the alignment before we wait for the rest. */
static int read_length(struct pkt_dir *d, struct buf *in)
{
	const struct cipher_ops *c = d->cipher;
	const uint8_t *p;
	uint32_t len;
	int apart = len_apart(d);
	int r;

	if (c && !apart) {
		/* RFC 4253 6.3: the length is inside the first cipher block. Decrypted once;
		 * the block is kept in d for the MAC, since the keystream moves on. */
		if (buf_get_raw(in, &p, c->blocksize))
			return ERR_AGAIN;
		r = c->crypt(d->cctx, p, d->rx_first, c->blocksize);
		if (r)
			return r;
		len = load_be32(d->rx_first);
	} else if (c && c->taglen) {
		if (buf_get_raw(in, &p, 4))
			return ERR_AGAIN;
		r = c->length(d->cctx, d->seq, p, &len);
		if (r)
			return r;
	} else if (buf_get_u32(in, &len)) {
		return ERR_AGAIN;
	}
	if (len > DB_MAX_PACKET)
		return ERR_TOOBIG;
	/* padding_length, at least 4 bytes of padding, at least one byte of payload */
	if (len < 1 + PAD_MIN + 1 || ((apart ? 0 : 4) + len) % pkt_unit(d) != 0)
		return ERR_PROTOCOL;
	d->rx_len = len;
	d->rx_have_len = 1;
	return 0;
}

/* Checks and decrypts the whole packet (pkt: 4 + rx_len bytes, then tag) into rx_plain. */
static int unprotect(struct pkt_dir *d, const uint8_t *pkt, const uint8_t *tag)
{
	const struct cipher_ops *c = d->cipher;
	size_t len = d->rx_len, bs;
	uint8_t *plain;
	int r;

	buf_reset(&d->rx_plain);
	r = buf_reserve(&d->rx_plain, len, &plain);
	if (r)
		return r;
	if (!c) {
		memcpy(plain, pkt + 4, len);
		return 0;
	}
	if (c->taglen)
		return c->open(d->cctx, d->seq, pkt, 4 + len, tag, plain);
	if (d->mac->etm) {
		r = mac_check(d->mac, d->mctx, d->seq, pkt, 4 + len, NULL, 0, tag);
		if (r == 0)
			r = c->crypt(d->cctx, pkt + 4, plain, len);
		return r;
	}
	/* RFC 4253 6.4: the MAC is over the plaintext, so all of it is decrypted first; the
	 * first block was decrypted by read_length (alignment makes len + 4 >= bs). */
	bs = c->blocksize;
	memcpy(plain, d->rx_first + 4, bs - 4);
	r = c->crypt(d->cctx, pkt + bs, plain + bs - 4, len + 4 - bs);
	if (r == 0)
		r = mac_check(d->mac, d->mctx, d->seq, d->rx_first, 4, plain, len, tag);
	return r;
}

/* Takes padding_length || payload || padding apart (authentic by now) and inflates. */
static int take_payload(struct pkt_dir *d, struct buf *payload)
{
	struct buf v;
	const uint8_t *pl;
	uint8_t padlen;
	size_t n;
	int r;

	buf_view(&v, d->rx_plain.data, d->rx_plain.len);
	if (buf_get_u8(&v, &padlen) || padlen < PAD_MIN || padlen > buf_avail(&v) - 1)
		return ERR_PROTOCOL;
	n = buf_avail(&v) - padlen;
	if (buf_get_raw(&v, &pl, n))
		return ERR_PROTOCOL;
	if (d->comp_on) {
		r = comp_inflate(&d->zctx, pl, n, &d->rx_payload, DB_MAX_PAYLOAD);
		if (r)
			return r;
		pl = d->rx_payload.data;
		n = d->rx_payload.len;
		if (n == 0)
			return ERR_PROTOCOL;
	} else if (n > DB_MAX_PAYLOAD) {
		return ERR_TOOBIG; /* RFC 4253 6.1 obliges us to 32768 bytes, not more */
	}
	buf_view(payload, pl, n);
	return 0;
}

int pkt_decode(struct pkt_dir *d, struct buf *in, struct buf *payload)
{
	struct buf v;
	const uint8_t *pkt, *tag;
	size_t total;
	int r;

	if (!d->rx_have_len) {
		buf_view(&v, buf_ptr(in), buf_avail(in));
		r = read_length(d, &v);
		if (r)
			return r;
	}
	buf_view(&v, buf_ptr(in), buf_avail(in));
	if (buf_get_raw(&v, &pkt, 4 + (size_t)d->rx_len) || buf_get_raw(&v, &tag, tail_len(d)))
		return ERR_AGAIN;
	total = 4 + (size_t)d->rx_len + tail_len(d);
	r = unprotect(d, pkt, tag);
	if (r == 0)
		r = take_payload(d, payload);
	if (r)
		return r;
	(void)buf_skip(in, total); /* cannot fail: v held these bytes */
	rx_clear(d);
	d->seq++;
	d->packets++;
	d->bytes += total;
	return 0;
}
