/* The binary packet protocol: every cipher (and, for CTR, every MAC, etm and not) with and
 * without compression: round trips, byte-at-a-time input, every byte flipped, bad lengths
 * and padding, a compression bomb, wrong sequence numbers, rekeying, and the published
 * chacha20-poly1305@openssh.com example. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "cipher-internal.h"
#include "crypto.h"
#include "err.h"
#include "harness.h"
#include "options.h"
#include "packet.h"
#include "util.h"

/* One configuration of a direction: cipher NULL is "none". */
struct combo {
	const struct cipher_ops *c;
	const struct mac_ops *m;
	enum comp_alg comp;
	char label[96];
};

#define MAX_COMBOS 64
static struct combo combos[MAX_COMBOS];
static size_t ncombos;

static const char *label;
#define CHECKL(e) do { if (!(e)) { fprintf(stderr, "  in [%s]\n", label); \
	harness_fail(__FILE__, __LINE__, #e); } } while (0)

static void add_combo(const struct cipher_ops *c, const struct mac_ops *m, enum comp_alg comp)
{
	static const char *const cn[] = { "none", "zlib", "zlib@openssh.com" };
	struct combo *k = &combos[ncombos++];
	k->c = c;
	k->m = m;
	k->comp = comp;
	snprintf(k->label, sizeof(k->label), "%s %s %s", cipher_name(c), m ? mac_name(m) : "-",
		 cn[comp]);
}

static void make_combos(void)
{
	size_t i, j;
	int comp;
	add_combo(NULL, NULL, COMP_NONE);
	for (comp = COMP_NONE; comp <= (DB_COMPRESSION ? COMP_ZLIB_DELAYED : COMP_NONE); comp++) {
		for (i = 0; cipher_algs[i]; i++) {
			if (cipher_is_aead(cipher_algs[i])) {
				add_combo(cipher_algs[i], NULL, (enum comp_alg)comp);
				continue;
			}
			for (j = 0; mac_algs[j]; j++)
				add_combo(cipher_algs[i], mac_algs[j], (enum comp_alg)comp);
		}
	}
}

/* Deterministic key material; `seed` tells key sets apart (rekeying). */
static void setup(struct pkt_dir *d, const struct combo *k, uint8_t seed)
{
	uint8_t key[64], iv[16], mk[64];
	size_t i;
	for (i = 0; i < 64; i++) {
		key[i] = (uint8_t)(i * 7 + seed);
		mk[i] = (uint8_t)(i * 13 + 5 + seed);
	}
	for (i = 0; i < 16; i++)
		iv[i] = (uint8_t)(0xf0 + i + seed);
	CHECK_OK(pkt_dir_init(d));
	if (k->c)
		CHECK_OK(pkt_dir_setkeys(d, k->c, key, iv, k->m, mk, k->comp));
	if (k->comp == COMP_ZLIB_DELAYED)
		CHECK_OK(pkt_dir_comp_start(d));
}

/* Payload bytes: half the sizes compressible text, half pseudo-random. */
static void fill(uint8_t *p, size_t n, uint32_t seed, int text)
{
	static const char words[] = "the quick brown fox jumps over the lazy dog; ";
	uint32_t x = seed * 2654435761u + 1;
	size_t i;
	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = text ? (uint8_t)words[(i + seed) % (sizeof(words) - 1)] : (uint8_t)(x >> 16);
	}
}

static const size_t sizes[] = { 1, 15, 16, 17, 255, 4096, DB_MAX_PAYLOAD };
#define NSIZES ARRAY_SIZE(sizes)

static int is_decode_error(int r)
{
	return r == ERR_BADSIG || r == ERR_PROTOCOL || r == ERR_TOOBIG;
}

static void test_roundtrip_all(void)
{
	static uint8_t pl[DB_MAX_PAYLOAD];
	size_t ci, i;
	for (ci = 0; ci < ncombos; ci++) {
		const struct combo *k = &combos[ci];
		struct pkt_dir tx, rx;
		struct buf out, in, got;
		uint8_t *saved;
		size_t ends[NSIZES];
		label = k->label;
		setup(&tx, k, 1);
		setup(&rx, k, 1);
		CHECK_OK(buf_init(&out, 0, 1 << 20));
		for (i = 0; i < NSIZES; i++) {
			fill(pl, sizes[i], (uint32_t)i, i % 2);
			CHECKL(pkt_encode(&tx, pl, sizes[i], &out) == 0);
			CHECKL(tx.seq == i + 1);
			ends[i] = out.len;
		}
		/* compression did something on the 4096-byte text payload */
		if (k->comp != COMP_NONE)
			CHECKL(ends[5] - ends[4] < 1024);
		CHECKL(tx.bytes == out.len && tx.packets == NSIZES);
		saved = malloc(out.len);
		memcpy(saved, out.data, out.len);
		buf_view(&in, out.data, out.len);
		for (i = 0; i < NSIZES; i++) {
			int r = pkt_decode(&rx, &in, &got);
			CHECKL(r == 0);
			if (r)
				break;
			fill(pl, sizes[i], (uint32_t)i, i % 2);
			CHECKL(got.len == sizes[i] && memcmp(buf_ptr(&got), pl, sizes[i]) == 0);
			CHECKL(in.pos == ends[i]);
			CHECKL(rx.seq == i + 1);
		}
		CHECKL(buf_avail(&in) == 0);
		CHECKL(pkt_decode(&rx, &in, &got) == ERR_AGAIN);
		CHECKL(rx.bytes == tx.bytes && rx.packets == tx.packets);
		CHECKL(memcmp(saved, out.data, out.len) == 0); /* input never written */
		free(saved);
		buf_free(&out);
		pkt_dir_free(&tx);
		pkt_dir_free(&rx);
	}
}

static void test_byte_at_a_time(void)
{
	static const size_t sz[] = { 1, 17, 600 };
	uint8_t pl[600];
	size_t ci, i, j;
	for (ci = 0; ci < ncombos; ci++) {
		const struct combo *k = &combos[ci];
		struct pkt_dir tx, rx;
		struct buf out, in, got;
		size_t ends[3], next = 0, again = 0;
		int bad = 0;
		label = k->label;
		setup(&tx, k, 2);
		setup(&rx, k, 2);
		CHECK_OK(buf_init(&out, 0, 1 << 16));
		CHECK_OK(buf_init(&in, 0, 1 << 16));
		for (i = 0; i < 3; i++) {
			fill(pl, sz[i], (uint32_t)(i + 40), 1);
			CHECK_OK(pkt_encode(&tx, pl, sz[i], &out));
			ends[i] = out.len;
		}
		for (j = 0; j < out.len; j++) {
			int r;
			CHECK_OK(buf_put_u8(&in, out.data[j]));
			r = pkt_decode(&rx, &in, &got);
			if (j + 1 == ends[next]) {
				fill(pl, sz[next], (uint32_t)(next + 40), 1);
				if (r != 0 || got.len != sz[next] || memcmp(buf_ptr(&got), pl, sz[next]))
					bad++;
				next++;
			} else if (r == ERR_AGAIN) {
				again++;
			} else {
				bad++;
			}
		}
		CHECKL(bad == 0);
		CHECKL(next == 3 && again == out.len - 3);
		CHECKL(buf_avail(&in) == 0 && rx.seq == 3);
		buf_free(&out);
		buf_free(&in);
		pkt_dir_free(&tx);
		pkt_dir_free(&rx);
	}
}

/* Every byte of a packet flipped on its own, with plenty of bytes behind it so that a
 * corrupted length cannot simply wait for more: the packet must never decode. */
static void test_flip_every_byte(void)
{
	static const size_t sz[] = { 1, 100 };
	static uint8_t wire[DB_MAX_PACKET + 1024];
	uint8_t pl[100];
	size_t ci, s, i;
	for (ci = 0; ci < ncombos; ci++) {
		const struct combo *k = &combos[ci];
		if (!k->c || k->comp == COMP_ZLIB_DELAYED)
			continue; /* none: no integrity; delayed: same path as zlib */
		label = k->label;
		for (s = 0; s < ARRAY_SIZE(sz); s++) {
			struct pkt_dir tx;
			struct buf out;
			size_t ok = 0, wrong = 0;
			setup(&tx, k, 3);
			CHECK_OK(buf_init(&out, 0, 1 << 16));
			fill(pl, sz[s], 7, 0);
			CHECK_OK(pkt_encode(&tx, pl, sz[s], &out));
			memset(wire, 0, sizeof(wire));
			memcpy(wire, out.data, out.len);
			for (i = 0; i < out.len; i++) {
				struct pkt_dir rx;
				struct buf in, got;
				int r;
				setup(&rx, k, 3);
				wire[i] ^= (uint8_t)(1u << (i % 8));
				buf_view(&in, wire, sizeof(wire));
				r = pkt_decode(&rx, &in, &got);
				if (r == 0)
					ok++;
				else if (!is_decode_error(r))
					wrong++;
				wire[i] = out.data[i];
				pkt_dir_free(&rx);
			}
			CHECKL(ok == 0);
			CHECKL(wrong == 0);
			buf_free(&out);
			pkt_dir_free(&tx);
		}
	}
}

/* ---- chacha20-poly1305@openssh.com, built here from the primitives alone. */
static void cp_seal_ref(const uint8_t key[64], uint32_t seq, const uint8_t *plain, size_t n,
			uint8_t *out)
{
	static const uint8_t zero[32];
	uint8_t nonce[8], pk[32];
	store_be64(nonce, seq);
	CHECK_OK(chacha20_xor(key + 32, nonce, 0, plain, out, 4));          /* K_1: length */
	CHECK_OK(chacha20_xor(key, nonce, 1, plain + 4, out + 4, n - 4));   /* K_2, from 1 */
	CHECK_OK(chacha20_xor(key, nonce, 0, zero, pk, 32));                /* Poly1305 key */
	CHECK_OK(poly1305_mac(pk, out, n, out + n));
}

/* draft-ietf-sshm-chacha20-poly1305-02, appendix A: sequence number 7, an
 * SSH_MSG_CHANNEL_DATA packet of 72 bytes after the length. */
static const char kat_key[] =
	"8bbff6855fc102338c373e73aac0c914f076a905b2444a32eecaffeae22becc5"
	"e9b7a7a5825a8249346ec1c28301cf394543fc7569887d76e168f37562ac0740";
static const char kat_plain[] =
	"00000048065e00000000000000384c6f72656d20697073756d20646f6c6f722073"
	"697420616d65742c20636f6e7365637465747572206164697069736963696e6720"
	"656c69744e43e804dc6c";
static const char kat_wire[] =
	"2c3ecce4a5bc05895bf07a7ba956b6c68829ac7c83b780b7000ecde745afc705"
	"bbc378ce03a280236b87b53bed5839662302b164b6286a48cd1e097138e3cb90"
	"9b8b2b829dd18d2a35ff82d9"
	"95349e855bf02c298ef775f2d1a7e8b8";

static void test_chachapoly_kat(void)
{
	uint8_t key[64], plain[76], wire[92], ref[92];
	struct pkt_dir rx, tx;
	struct buf in, got, out;
	const struct cipher_ops *c = cipher_find("chacha20-poly1305@openssh.com", 29);

	if (!c)
		return; /* not compiled in */
	CHECK(hex2bin(kat_key, key, sizeof(key)) == 64);
	CHECK(hex2bin(kat_plain, plain, sizeof(plain)) == 76);
	CHECK(hex2bin(kat_wire, wire, sizeof(wire)) == 92);
	/* our reading of the construction, from the primitives, gives the published bytes */
	cp_seal_ref(key, 7, plain, 76, ref);
	CHECK_MEM(ref, wire, 92);

	/* the decoder opens the published packet */
	CHECK_OK(pkt_dir_init(&rx));
	CHECK_OK(pkt_dir_setkeys(&rx, c, key, NULL, NULL, NULL, COMP_NONE));
	rx.seq = 7;
	buf_view(&in, wire, sizeof(wire));
	CHECK_OK(pkt_decode(&rx, &in, &got));
	CHECK(got.len == 65 && memcmp(buf_ptr(&got), plain + 5, 65) == 0);
	CHECK(rx.seq == 8 && buf_avail(&in) == 0);
	pkt_dir_free(&rx);

	/* the encoder makes the same bytes but for its own random padding and the tag */
	CHECK_OK(pkt_dir_init(&tx));
	CHECK_OK(pkt_dir_setkeys(&tx, c, key, NULL, NULL, NULL, COMP_NONE));
	tx.seq = 7;
	CHECK_OK(buf_init(&out, 0, 1024));
	CHECK_OK(pkt_encode(&tx, plain + 5, 65, &out));
	CHECK(out.len == 92);
	CHECK_MEM(out.data, wire, 70);
	/* and its padding and tag agree with the reference construction */
	{
		uint8_t mine[76], again[92], nonce[8];
		store_be64(nonce, 7);
		memcpy(mine, plain, 4);
		CHECK_OK(chacha20_xor(key, nonce, 1, out.data + 4, mine + 4, 72));
		CHECK(mine[4] == 6 && memcmp(mine + 5, plain + 5, 65) == 0);
		cp_seal_ref(key, 7, mine, 76, again);
		CHECK_MEM(again, out.data, 92);
	}
	buf_free(&out);
	pkt_dir_free(&tx);
}

/* ---- hand-made packets: lengths, padding, payload */

static int decode_once(const struct combo *k, uint32_t seq, const uint8_t *w, size_t n)
{
	struct pkt_dir rx;
	struct buf in, got;
	int r;
	setup(&rx, k, 9);
	rx.seq = seq;
	buf_view(&in, w, n);
	r = pkt_decode(&rx, &in, &got);
	pkt_dir_free(&rx);
	return r;
}

/* plain[4 + len] with the given length, padding_length and filler. */
static size_t make_plain(uint8_t *p, uint32_t len, uint8_t padlen, size_t room)
{
	size_t i;
	store_be32(p, len);
	for (i = 4; i < room; i++)
		p[i] = (uint8_t)(0x5e + i);
	if (room > 4)
		p[4] = padlen;
	return room;
}

static void test_bad_lengths_none(void)
{
	static uint8_t w[DB_MAX_PACKET + 64];
	struct combo k = { NULL, NULL, COMP_NONE, "none" };
	label = "none";
	memset(w, 0, sizeof(w));
	make_plain(w, 0x80000000u, 4, 64);
	CHECK(decode_once(&k, 0, w, 8) == ERR_TOOBIG); /* refused before waiting for it */
	make_plain(w, 0xffffffffu, 4, 64);
	CHECK(decode_once(&k, 0, w, 8) == ERR_TOOBIG);
	make_plain(w, DB_MAX_PACKET + 4, 4, 64); /* aligned, one block too long */
	CHECK(decode_once(&k, 0, w, sizeof(w)) == ERR_TOOBIG);
	make_plain(w, DB_MAX_PACKET + 1, 4, 64);
	CHECK(decode_once(&k, 0, w, sizeof(w)) == ERR_TOOBIG);
	make_plain(w, 13, 4, 64); /* 17 bytes: not a multiple of 8 */
	CHECK(decode_once(&k, 0, w, 64) == ERR_PROTOCOL);
	make_plain(w, 4, 3, 64); /* aligned but too short for padding and payload */
	CHECK(decode_once(&k, 0, w, 64) == ERR_PROTOCOL);
	make_plain(w, 0, 0, 64);
	CHECK(decode_once(&k, 0, w, 64) == ERR_PROTOCOL);
	make_plain(w, 12, 3, 16); /* padding 3 */
	CHECK(decode_once(&k, 0, w, 16) == ERR_PROTOCOL);
	make_plain(w, 12, 11, 16); /* no payload left */
	CHECK(decode_once(&k, 0, w, 16) == ERR_PROTOCOL);
	make_plain(w, 12, 200, 16); /* padding beyond the packet */
	CHECK(decode_once(&k, 0, w, 16) == ERR_PROTOCOL);
	make_plain(w, 12, 10, 16); /* the control: a one-byte payload */
	CHECK(decode_once(&k, 0, w, 16) == 0);
	/* an uncompressed payload beyond DB_MAX_PAYLOAD: 4 + 32780 = 8 * 4098 */
	make_plain(w, DB_MAX_PAYLOAD + 12, 4, DB_MAX_PAYLOAD + 16);
	CHECK(decode_once(&k, 0, w, DB_MAX_PAYLOAD + 16) == ERR_TOOBIG);
	make_plain(w, DB_MAX_PAYLOAD + 12, 11, DB_MAX_PAYLOAD + 16);
	CHECK(decode_once(&k, 0, w, DB_MAX_PAYLOAD + 16) == 0);
}

static const struct combo *find_combo(const char *cipher, const char *mac, enum comp_alg comp)
{
	size_t i;
	for (i = 0; i < ncombos; i++) {
		const struct combo *k = &combos[i];
		if (k->c && strcmp(k->c->name, cipher) == 0 && k->comp == comp &&
		    (mac ? k->m && strcmp(k->m->name, mac) == 0 : !k->m))
			return k;
	}
	return NULL;
}

/* chacha20-poly1305 packets with a valid tag over a bad body; AEAD/etm lengths. */
static void test_bad_lengths_encrypted(void)
{
	static uint8_t w[DB_MAX_PACKET + 128];
	uint8_t p[64], key[64];
	const struct combo *k;
	size_t i;

	for (i = 0; i < 64; i++)
		key[i] = (uint8_t)(i * 7 + 9); /* as setup(.., 9) */
	if ((k = find_combo("chacha20-poly1305@openssh.com", NULL, COMP_NONE)) != NULL) {
		label = k->label;
		memset(w, 0, sizeof(w));
		make_plain(p, 0x80000000u, 4, 8);
		cp_seal_ref(key, 0, p, 8, w);
		CHECKL(decode_once(k, 0, w, 8) == ERR_TOOBIG);
		make_plain(p, 13, 4, 17);
		cp_seal_ref(key, 0, p, 17, w);
		CHECKL(decode_once(k, 0, w, sizeof(w)) == ERR_PROTOCOL);
		make_plain(p, 16, 3, 20); /* padding 3, tag valid */
		cp_seal_ref(key, 0, p, 20, w);
		CHECKL(decode_once(k, 0, w, 36) == ERR_PROTOCOL);
		make_plain(p, 16, 15, 20); /* empty payload */
		cp_seal_ref(key, 0, p, 20, w);
		CHECKL(decode_once(k, 0, w, 36) == ERR_PROTOCOL);
		make_plain(p, 16, 14, 20); /* control */
		cp_seal_ref(key, 0, p, 20, w);
		CHECKL(decode_once(k, 0, w, 36) == 0);
		CHECKL(decode_once(k, 1, w, 36) != 0); /* a wrong sequence number */
	}
	/* lengths in the clear: GCM and etm */
	for (i = 0; i < ncombos; i++) {
		k = &combos[i];
		if (!k->c || k->comp != COMP_NONE || (!k->c->taglen && !k->m->etm))
			continue;
		if (strcmp(k->c->name, "chacha20-poly1305@openssh.com") == 0)
			continue; /* its length is encrypted: done above */
		label = k->label;
		memset(w, 0, sizeof(w));
		store_be32(w, 0x80000000u);
		CHECKL(decode_once(k, 0, w, 4) == ERR_TOOBIG);
		store_be32(w, DB_MAX_PACKET + 16);
		CHECKL(decode_once(k, 0, w, 4) == ERR_TOOBIG);
		store_be32(w, 40); /* not a multiple of 16 */
		CHECKL(decode_once(k, 0, w, sizeof(w)) == ERR_PROTOCOL);
		store_be32(w, 32); /* aligned: zeros do not authenticate */
		CHECKL(decode_once(k, 0, w, sizeof(w)) == ERR_BADSIG);
	}
}

/* Non-etm CTR: the length is in the first encrypted block. */
static void test_bad_lengths_ctr(void)
{
	static uint8_t w[DB_MAX_PACKET + 128];
	static const uint32_t bad[] = { 0x80000000u, DB_MAX_PACKET + 12, 20, 4 };
	static const int want[] = { ERR_TOOBIG, ERR_TOOBIG, ERR_PROTOCOL, ERR_PROTOCOL };
	uint8_t key[64], iv[16], blk[16];
	size_t i, j;
	for (i = 0; i < 64; i++)
		key[i] = (uint8_t)(i * 7 + 9);
	for (i = 0; i < 16; i++)
		iv[i] = (uint8_t)(0xf0 + i + 9);
	for (i = 0; i < ncombos; i++) {
		const struct combo *k = &combos[i];
		if (!k->c || k->c->taglen || k->m->etm || k->comp != COMP_NONE)
			continue;
		label = k->label;
		for (j = 0; j < ARRAY_SIZE(bad); j++) {
			struct aes_ctr ctr;
			memset(w, 0, sizeof(w));
			memset(blk, 0, sizeof(blk));
			store_be32(blk, bad[j]);
			blk[4] = 4;
			CHECK_OK(aes_ctr_init(&ctr, key, k->c->keylen, iv));
			CHECK_OK(aes_ctr_crypt(&ctr, blk, w, 16));
			aes_ctr_free(&ctr);
			CHECKL(decode_once(k, 0, w, sizeof(w)) == want[j]);
		}
	}
}

/* A payload that inflates past DB_MAX_PAYLOAD, from an independent zlib stream. */
#if DB_COMPRESSION
static size_t deflate_zeros(size_t n, uint8_t *out, size_t outsz)
{
	static uint8_t zeros[DB_MAX_PAYLOAD + 8192];
	z_stream zs;
	size_t got;
	memset(&zs, 0, sizeof(zs));
	CHECK(deflateInit(&zs, 9) == Z_OK);
	zs.next_in = zeros;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)outsz;
	CHECK(deflate(&zs, Z_PARTIAL_FLUSH) == Z_OK);
	CHECK(zs.avail_in == 0 && zs.avail_out > 0);
	got = outsz - zs.avail_out;
	deflateEnd(&zs);
	return got;
}

/* A chacha20-poly1305 packet at seq 0 carrying comp[n] as its (compressed) payload. */
static size_t wrap_chacha(const uint8_t key[64], const uint8_t *comp, size_t n, uint8_t *w)
{
	uint8_t p[1024];
	size_t pad = 8 - (1 + n) % 8, len;
	if (pad < 4)
		pad += 8;
	len = 1 + n + pad;
	store_be32(p, (uint32_t)len);
	p[4] = (uint8_t)pad;
	memcpy(p + 5, comp, n);
	memset(p + 5 + n, 0xaa, pad);
	cp_seal_ref(key, 0, p, 4 + len, w);
	return 4 + len + 16;
}

static void test_compression_bomb(void)
{
	const struct combo *k = find_combo("chacha20-poly1305@openssh.com", NULL, COMP_ZLIB);
	uint8_t key[64], comp[512], w[1024];
	struct pkt_dir rx;
	struct buf in, got;
	size_t i, n;
	if (!k)
		return;
	label = k->label;
	for (i = 0; i < 64; i++)
		key[i] = (uint8_t)(i * 7 + 9); /* as decode_once's setup */
	/* exactly DB_MAX_PAYLOAD is fine */
	n = deflate_zeros(DB_MAX_PAYLOAD, comp, sizeof(comp));
	CHECK(n < 200);
	n = wrap_chacha(key, comp, n, w);
	setup(&rx, k, 9);
	buf_view(&in, w, n);
	CHECKL(pkt_decode(&rx, &in, &got) == 0);
	CHECKL(got.len == DB_MAX_PAYLOAD && buf_ptr(&got)[0] == 0 &&
	       buf_ptr(&got)[DB_MAX_PAYLOAD - 1] == 0);
	pkt_dir_free(&rx);
	/* one byte more is a bomb, and so is a lot more */
	n = deflate_zeros(DB_MAX_PAYLOAD + 1, comp, sizeof(comp));
	CHECKL(decode_once(k, 0, w, wrap_chacha(key, comp, n, w)) == ERR_PROTOCOL);
	n = deflate_zeros(DB_MAX_PAYLOAD + 8192, comp, sizeof(comp));
	CHECKL(decode_once(k, 0, w, wrap_chacha(key, comp, n, w)) == ERR_PROTOCOL);
	/* a stream that inflates to nothing: an empty payload */
	n = deflate_zeros(0, comp, sizeof(comp));
	CHECKL(decode_once(k, 0, w, wrap_chacha(key, comp, n, w)) == ERR_PROTOCOL);
	/* garbage where a zlib stream should be */
	memset(comp, 0xff, 40);
	CHECKL(decode_once(k, 0, w, wrap_chacha(key, comp, 40, w)) == ERR_PROTOCOL);
}
#endif

/* The receiver at the wrong sequence number, or a packet missing in between. */
static void test_wrong_seq_and_dropped(void)
{
	static uint8_t wire[DB_MAX_PACKET + 1024];
	uint8_t pl[64];
	size_t ci;
	for (ci = 0; ci < ncombos; ci++) {
		const struct combo *k = &combos[ci];
		struct pkt_dir tx, rx;
		struct buf out, in, got;
		size_t first;
		int r;
		if (!k->c || k->comp != COMP_NONE)
			continue;
		label = k->label;
		setup(&tx, k, 5);
		CHECK_OK(buf_init(&out, 0, 1 << 16));
		fill(pl, sizeof(pl), 3, 0);
		CHECK_OK(pkt_encode(&tx, pl, sizeof(pl), &out));
		first = out.len;
		CHECK_OK(pkt_encode(&tx, pl, sizeof(pl), &out));
		memset(wire, 0, sizeof(wire));
		memcpy(wire, out.data, out.len);

		/* the sequence number is in the MAC (RFC 4253 6.4) and in chacha20-poly1305's
		 * nonce; GCM's nonce is its own counter, checked by the dropped packet below */
		if (k->c->length == NULL || strcmp(k->c->name, "chacha20-poly1305@openssh.com") == 0) {
			setup(&rx, k, 5);
			rx.seq = 1;
			buf_view(&in, wire, sizeof(wire));
			r = pkt_decode(&rx, &in, &got);
			if (k->c->taglen)
				CHECKL(is_decode_error(r)); /* the length decrypts wrongly first */
			else
				CHECKL(r == ERR_BADSIG);
			pkt_dir_free(&rx);
		}
		/* the second packet where the first was expected */
		setup(&rx, k, 5);
		buf_view(&in, wire + first, sizeof(wire) - first);
		CHECKL(is_decode_error(pkt_decode(&rx, &in, &got)));
		pkt_dir_free(&rx);
		/* the second packet at the right place decodes */
		setup(&rx, k, 5);
		buf_view(&in, wire, sizeof(wire));
		CHECKL(pkt_decode(&rx, &in, &got) == 0 && pkt_decode(&rx, &in, &got) == 0);
		pkt_dir_free(&rx);
		buf_free(&out);
		pkt_dir_free(&tx);
	}
}

static void test_seq_wraps(void)
{
	const struct combo *k = &combos[ncombos - 1];
	struct pkt_dir tx, rx;
	struct buf out, in, got;
	uint8_t pl[5] = { 1, 2, 3, 4, 5 };
	label = k->label;
	setup(&tx, k, 6);
	setup(&rx, k, 6);
	tx.seq = rx.seq = 0xffffffffu;
	CHECK_OK(buf_init(&out, 0, 4096));
	CHECK_OK(pkt_encode(&tx, pl, 5, &out));
	CHECK_OK(pkt_encode(&tx, pl, 5, &out));
	CHECK(tx.seq == 1);
	buf_view(&in, out.data, out.len);
	CHECK_OK(pkt_decode(&rx, &in, &got));
	CHECK(rx.seq == 0);
	CHECK_OK(pkt_decode(&rx, &in, &got));
	CHECK(rx.seq == 1 && got.len == 5 && memcmp(buf_ptr(&got), pl, 5) == 0);
	buf_free(&out);
	pkt_dir_free(&tx);
	pkt_dir_free(&rx);
}

#if DB_COMPRESSION
/* Sends `count` packets of compressible text from tx and checks that rx (and also rx2,
 * unless NULL) gets them; returns the wire bytes of the last one. */
static size_t exchange(struct pkt_dir *tx, struct pkt_dir *rx, struct pkt_dir *rx2, int count)
{
	uint8_t pl[4096];
	struct buf out, in, got;
	size_t last = 0, before;
	int i, j;
	CHECK_OK(buf_init(&out, 0, 1 << 16));
	for (i = 0; i < count; i++) {
		fill(pl, sizeof(pl), (uint32_t)i, 1);
		before = out.len;
		CHECKL(pkt_encode(tx, pl, sizeof(pl), &out) == 0);
		last = out.len - before;
	}
	for (j = 0; j < 2; j++, rx = rx2) {
		buf_view(&in, out.data, out.len);
		for (i = 0; rx && i < count; i++) {
			fill(pl, sizeof(pl), (uint32_t)i, 1);
			CHECKL(pkt_decode(rx, &in, &got) == 0 && got.len == sizeof(pl) &&
			       memcmp(buf_ptr(&got), pl, sizeof(pl)) == 0);
		}
	}
	buf_free(&out);
	return last;
}

static void rekey(struct pkt_dir *d, const struct combo *k, enum comp_alg comp, uint8_t seed)
{
	uint8_t key[64], iv[16], mk[64];
	memset(key, seed, sizeof(key));
	memset(iv, seed + 1, sizeof(iv));
	memset(mk, seed + 2, sizeof(mk));
	CHECK_OK(pkt_dir_setkeys(d, k->c, key, iv, k->m, mk, comp));
}

static void test_rekey_compression(void)
{
	const struct combo *k = find_combo("aes128-ctr", "hmac-sha2-256-etm@openssh.com", COMP_NONE);
	struct pkt_dir tx, rx, fresh;
	if (!k)
		k = &combos[1];
	label = "rekey";
	CHECK_OK(pkt_dir_init(&tx));
	CHECK_OK(pkt_dir_init(&rx));
	/* zlib: on from NEWKEYS */
	rekey(&tx, k, COMP_ZLIB, 1);
	rekey(&rx, k, COMP_ZLIB, 1);
	CHECK(exchange(&tx, &rx, NULL, 3) < 1024);
	CHECK(tx.packets == 3 && rx.packets == 3);
	/* rekey: new keys, counters reset, sequence kept, a new zlib stream each way */
	rekey(&tx, k, COMP_ZLIB, 2);
	rekey(&rx, k, COMP_ZLIB, 2);
	CHECK(tx.packets == 0 && tx.bytes == 0 && tx.seq == 3);
	/* a receiver that never saw the old stream inflates the new one, and so does the
	 * old receiver, which started afresh too */
	CHECK_OK(pkt_dir_init(&fresh));
	rekey(&fresh, k, COMP_ZLIB, 2);
	fresh.seq = 3;
	CHECK(exchange(&tx, &rx, &fresh, 3) < 1024);
	pkt_dir_free(&fresh);
	/* rekey to no compression */
	rekey(&tx, k, COMP_NONE, 3);
	rekey(&rx, k, COMP_NONE, 3);
	CHECK(exchange(&tx, &rx, NULL, 2) > 4096);
	pkt_dir_free(&tx);
	pkt_dir_free(&rx);

	/* zlib@openssh.com: off until authentication, then on, and on after a rekey */
	CHECK_OK(pkt_dir_init(&tx));
	CHECK_OK(pkt_dir_init(&rx));
	rekey(&tx, k, COMP_ZLIB_DELAYED, 4);
	rekey(&rx, k, COMP_ZLIB_DELAYED, 4);
	CHECK(exchange(&tx, &rx, NULL, 2) > 4096);
	CHECK_OK(pkt_dir_comp_start(&tx));
	CHECK_OK(pkt_dir_comp_start(&rx));
	CHECK_OK(pkt_dir_comp_start(&rx)); /* idempotent */
	CHECK(exchange(&tx, &rx, NULL, 3) < 1024);
	rekey(&tx, k, COMP_ZLIB_DELAYED, 5);
	rekey(&rx, k, COMP_ZLIB_DELAYED, 5);
	CHECK(exchange(&tx, &rx, NULL, 2) < 1024);
	pkt_dir_free(&tx);
	pkt_dir_free(&rx);
}
#endif

static void test_encode_limits(void)
{
	const struct combo *k = &combos[ncombos - 1]; /* the last: compressed */
	static uint8_t pl[DB_MAX_PAYLOAD + 1];
	struct pkt_dir tx, rx;
	struct buf out, small, in, got;
	label = k->label;
	setup(&tx, k, 7);
	setup(&rx, k, 7);
	CHECK_OK(buf_init(&out, 0, 1 << 20));
	CHECK(pkt_encode(&tx, pl, 0, &out) == ERR_INVALID);
	CHECK(pkt_encode(&tx, pl, DB_MAX_PAYLOAD + 1, &out) == ERR_TOOBIG);
	CHECK(out.len == 0 && tx.seq == 0);
	/* an output that cannot take the packet: refused before the compressor saw it */
	CHECK_OK(buf_init(&small, 0, 100));
	CHECK_OK(buf_put_u8(&small, 0x42));
	fill(pl, 4096, 1, 1);
	CHECK(pkt_encode(&tx, pl, 4096, &small) == ERR_TOOBIG);
	CHECK(small.len == 1 && tx.seq == 0);
	CHECK_OK(pkt_encode(&tx, pl, 4096, &out));
	buf_view(&in, out.data, out.len);
	CHECK(pkt_decode(&rx, &in, &got) == 0 && got.len == 4096 &&
	      memcmp(buf_ptr(&got), pl, 4096) == 0);
	/* setkeys refuses half a configuration */
	CHECK(pkt_dir_setkeys(&tx, NULL, pl, pl, NULL, NULL, COMP_NONE) == ERR_INVALID);
	if (cipher_find("aes128-ctr", 10))
		CHECK(pkt_dir_setkeys(&tx, cipher_find("aes128-ctr", 10), pl, pl, NULL, NULL,
				      COMP_NONE) == ERR_INVALID);
	buf_free(&small);
	buf_free(&out);
	pkt_dir_free(&tx);
	pkt_dir_free(&rx);
}

static void test_padding_random(void)
{
	struct pkt_dir tx;
	struct combo k = { NULL, NULL, COMP_NONE, "none" };
	struct buf out;
	uint8_t pl[1] = { 7 };
	setup(&tx, &k, 0);
	CHECK_OK(buf_init(&out, 0, 256));
	CHECK_OK(pkt_encode(&tx, pl, 1, &out));
	CHECK_OK(pkt_encode(&tx, pl, 1, &out));
	/* 4 + 1 + 1 + 10 = 16 each: two sets of 10 random bytes differ (p = 2^-80) */
	CHECK(out.len == 32);
	CHECK(out.data[4] == 10 && memcmp(out.data + 6, out.data + 22, 10) != 0);
	buf_free(&out);
	pkt_dir_free(&tx);
}

static void test_names(void)
{
	static const struct { const char *name; size_t key, iv; int aead; } want[] = {
		{ "chacha20-poly1305@openssh.com", 64, 0, 1 },
		{ "aes128-gcm@openssh.com", 16, 12, 1 }, { "aes256-gcm@openssh.com", 32, 12, 1 },
		{ "aes128-ctr", 16, 16, 0 }, { "aes192-ctr", 24, 16, 0 }, { "aes256-ctr", 32, 16, 0 },
	};
	size_t i, found = 0;
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct cipher_ops *c = cipher_find(want[i].name, strlen(want[i].name));
		if (!c)
			continue; /* not compiled in */
		found++;
		CHECK(strcmp(cipher_name(c), want[i].name) == 0 && cipher_keylen(c) == want[i].key &&
		      cipher_ivlen(c) == want[i].iv && cipher_is_aead(c) == want[i].aead);
		CHECK(cipher_find(want[i].name, strlen(want[i].name) - 1) == NULL);
	}
	for (i = 0; cipher_algs[i]; i++)
		;
	CHECK(found == i && i > 0);
	for (i = 0; mac_algs[i]; i++) {
		const char *n = mac_name(mac_algs[i]);
		CHECK(mac_find(n, strlen(n)) == mac_algs[i]);
		CHECK(mac_keylen(mac_algs[i]) == mac_algs[i]->maclen);
	}
	CHECK(cipher_find("none", 4) == NULL && mac_find("none", 4) == NULL);
	CHECK(cipher_find("aes128-cbc", 10) == NULL && mac_find("hmac-md5", 8) == NULL);
	CHECK(!cipher_is_aead(NULL) && strcmp(cipher_name(NULL), "none") == 0);
	CHECK(comp_find("none", 4) == COMP_NONE);
#if DB_COMPRESSION
	CHECK(comp_find("zlib", 4) == COMP_ZLIB);
	CHECK(comp_find("zlib@openssh.com", 16) == COMP_ZLIB_DELAYED);
#endif
	CHECK(comp_find("zlibx", 5) == (enum comp_alg)-1 && comp_find("zli", 3) == (enum comp_alg)-1);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (crypto_init() != 0) {
		fprintf(stderr, "crypto_init failed\n");
		return 1;
	}
	make_combos();
	RUN(test_names);
	RUN(test_roundtrip_all);
	RUN(test_byte_at_a_time);
	RUN(test_flip_every_byte);
	RUN(test_chachapoly_kat);
	RUN(test_bad_lengths_none);
	RUN(test_bad_lengths_encrypted);
	RUN(test_bad_lengths_ctr);
#if DB_COMPRESSION
	RUN(test_compression_bomb);
	RUN(test_rekey_compression);
#endif
	RUN(test_wrong_seq_and_dropped);
	RUN(test_seq_wraps);
	RUN(test_encode_limits);
	RUN(test_padding_random);
	return harness_done(argv[0]);
}
