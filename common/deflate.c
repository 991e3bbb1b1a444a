/* deflate.c: LZ77 with hash chains and lazy matching (zlib's level 6 in spirit: chains of
 * at most 128, a quarter of that after a good match, no search past a 16-byte match) over
 * an 8 KB window, then per block the smallest of a stored, a static and a dynamic Huffman
 * block (RFC 1951 3.2), codes limited to 15 bits (7 for the code-length code).
 *
 * Packet ends (RFC 4253 6.2: the peer must be able to inflate each packet on its own):
 * every packet ends its last block, and only whole bytes are sent; the 0-7 bits left over
 * open the next packet. The receiver decodes a symbol as soon as its bits are there, so
 * everything up to the last data symbol is out once that symbol's bits are sent, which
 * holds whenever the end-of-block code is at least as long as the bits held back. A
 * static block's is 7 bits, so a small interactive packet costs its header, its symbols
 * and the end code: 2-3 bytes for a 1-byte payload, about 3.5 for a key typed (a 10-byte
 * CHANNEL_DATA payload), where zlib's partial flush adds an empty static block (10 bits:
 * 4.7 bytes a key) and a sync flush 4-5 bytes. Only when a dynamic code gave the end
 * code fewer bits than are held back do we add that empty static block, its 10 bits
 * carrying the end code out. Stored blocks end on a byte boundary anyway. */
#include <stdlib.h>
#include <string.h>

#include "deflate.h"
#include "err.h"
#include "util.h"

#define WBITS    13
#define WSIZE    (1u << WBITS) /* window: farthest distance, as the header says */
#define WMASK    (WSIZE - 1)
#define MINM     3
#define MAXM     258
/* Buffer: WSIZE of history, WSIZE of new bytes and a longest match of lookahead, so that
 * a slide by WSIZE (at wpos >= 2 * WSIZE) always keeps a whole window of history. */
#define BUFSZ    (2 * WSIZE + MAXM)
#define HBITS    13
#define HSIZE    (1u << HBITS)
#define NSYMS    8192 /* symbols per block: a block's statistics, and its buffer */
#define NLL      286  /* literal/length codes used (286 and 287 never occur) */
#define NLLF     288  /* ... but the fixed code is defined over all 288 */
#define ND       30
#define NCL      19
#define MAXBITS  15
#define MAXCLBITS 7

/* lazy matching, as zlib's level 6 */
#define MAX_CHAIN 128
#define GOOD_LEN  8   /* after a match this long, search a quarter of the chain */
#define MAX_LAZY  16  /* after a match this long, do not look for a better one */
#define NICE_LEN  128 /* a match this long ends the search */
#define TOO_FAR   4096 /* a 3-byte match this far costs more than three literals */

struct dfl {
	uint8_t win[BUFSZ];
	uint16_t head[HSIZE]; /* position + 1 of the latest 3 bytes with this hash; 0: none */
	uint16_t prev[WSIZE]; /* the chain: position + 1 of the previous same hash */
	uint16_t sdist[NSYMS]; /* 0: a literal, sll the byte; else sll is length - 3 */
	uint8_t sll[NSYMS];
	unsigned nsym;
	uint32_t lfreq[NLL], dfreq[ND];
	/* the symbols with a frequency, so that a small block costs little to code */
	uint16_t lused[NLL], dused[ND];
	unsigned nl, nd;
	size_t wpos, wend, ins; /* next to code, end of data, next to hash */
	/* the current block covers in[blk_start, blk_start + blk_len) of this packet */
	size_t blk_start, blk_len;
	const uint8_t *in;
	uint8_t *out;
	size_t opos, cap;
	uint64_t acc; /* bits not yet written, LSB first */
	unsigned cnt;
	unsigned eob_len; /* bits of the last block's end code (8: stored, byte-aligned) */
	int started;
	/* the Huffman codes of the block being written */
	uint8_t llen[NLL], dlen[ND], cllen[NCL];
	uint16_t lcode[NLL], dcode[ND], clcode[NCL];
	/* the fixed code (RFC 1951 3.2.6), made once */
	uint8_t fllen[NLLF], fdlen[ND];
	uint16_t flcode[NLLF], fdcode[ND];
	uint16_t rle[NLL + ND]; /* code-length symbol | repeat count << 5 */
	unsigned nrle;
};

static const uint8_t cl_order[NCL] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13,
				       2, 14, 1, 15 };

static unsigned ilog2(unsigned v)
{
	return 31u - (unsigned)__builtin_clz(v);
}

/* Length 3..258 as l = length - 3: code 257..285 and its extra bits (RFC 1951 3.2.5). */
static unsigned len_code(unsigned l, unsigned *eb)
{
	unsigned nb;

	if (l < 8 || l == 255) {
		*eb = 0;
		return l < 8 ? 257 + l : 285;
	}
	nb = ilog2(l);
	*eb = nb - 2;
	return 257 + 4 * (nb - 1) + ((l >> (nb - 2)) & 3);
}

/* Distance 1..32768 as d = distance - 1: code 0..29 and its extra bits. */
static unsigned dist_code(unsigned d, unsigned *eb)
{
	unsigned nb;

	if (d < 4) {
		*eb = 0;
		return d;
	}
	nb = ilog2(d);
	*eb = nb - 1;
	return 2 * nb + ((d >> (nb - 1)) & 1);
}

/* extra bits of each literal/length code (0 for literals), of each distance code */
static const uint8_t ll_extra[NLL] = {
	[265] = 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
};
static const uint8_t d_extra[ND] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7,
				     8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* ---- bits out. Callers check the room for a whole block before writing it. */

static void put(struct dfl *s, uint32_t bits, unsigned n)
{
	s->acc |= (uint64_t)bits << s->cnt;
	s->cnt += n;
	if (s->cnt >= 32) {
		uint32_t w = (uint32_t)s->acc;
		s->out[s->opos] = (uint8_t)w;
		s->out[s->opos + 1] = (uint8_t)(w >> 8);
		s->out[s->opos + 2] = (uint8_t)(w >> 16);
		s->out[s->opos + 3] = (uint8_t)(w >> 24);
		s->opos += 4;
		s->acc >>= 32;
		s->cnt -= 32;
	}
}

/* Writes the whole bytes; fewer than 8 bits stay. */
static void put_bytes(struct dfl *s)
{
	while (s->cnt >= 8) {
		s->out[s->opos++] = (uint8_t)s->acc;
		s->acc >>= 8;
		s->cnt -= 8;
	}
}

/* ---- Huffman codes */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Code lengths for a[n] (n >= 2, frequencies in ascending order), in place: a[i] becomes
 * the depth of the i-th leaf (Moffat and Katajainen's in-place algorithm, 1995). */
static void mk_depths(uint32_t *a, int n)
{
	int root = 0, leaf = 2, next, avbl, used, dpth;

	/* internal nodes' weights, then parent pointers in their place */
	a[0] += a[1];
	for (next = 1; next < n - 1; next++) {
		if (leaf >= n || a[root] < a[leaf]) {
			a[next] = a[root];
			a[root++] = (uint32_t)next;
		} else {
			a[next] = a[leaf++];
		}
		if (leaf >= n || (root < next && a[root] < a[leaf])) {
			a[next] += a[root];
			a[root++] = (uint32_t)next;
		} else {
			a[next] += a[leaf++];
		}
	}
	/* internal nodes' depths */
	a[n - 2] = 0;
	for (next = n - 3; next >= 0; next--)
		a[next] = a[a[next]] + 1;
	/* leaves' depths */
	avbl = 1;
	used = dpth = 0;
	root = n - 2;
	next = n - 1;
	while (avbl > 0) {
		while (root >= 0 && a[root] == (uint32_t)dpth) {
			used++;
			root--;
		}
		while (avbl > used) {
			a[next--] = (uint32_t)dpth;
			avbl--;
		}
		avbl = 2 * used;
		dpth++;
		used = 0;
	}
}

/* Lengths (at most limit bits) of an optimal-as-limited prefix code for freq[n] into
 * len[n]; used[m] lists the symbols whose frequency is not 0. At least two symbols get a
 * code, so that every code is complete (one used symbol gets a partner), which every
 * inflater accepts. */
static void build_lengths(const uint32_t *freq, const uint16_t *used, unsigned m, unsigned n,
			  unsigned limit, uint8_t *len)
{
	uint32_t a[NLL];
	uint16_t sym[NLL];
	unsigned count[MAXBITS + 2] = { 0 };
	unsigned i, d, k;
	uint32_t total;

	memset(len, 0, n);
	for (i = 0; i < m; i++)
		a[i] = freq[used[i]] << 9 | used[i]; /* freq <= NSYMS + 1: fits above */
	if (m < 2) {
		i = m ? a[0] & 511 : 0;
		len[i] = 1;
		len[i ? 0 : 1] = 1;
		return;
	}
	if (m <= 24) {
		for (i = 1; i < m; i++) {
			uint32_t v = a[i];
			for (k = i; k > 0 && a[k - 1] > v; k--)
				a[k] = a[k - 1];
			a[k] = v;
		}
	} else {
		qsort(a, m, sizeof(a[0]), cmp_u32);
	}
	for (i = 0; i < m; i++) {
		sym[i] = (uint16_t)(a[i] & 511);
		a[i] >>= 9;
	}
	mk_depths(a, (int)m);
	for (i = 0; i < m; i++)
		count[a[i] > limit ? limit : a[i]]++;
	/* Too deep: leaves moved up to the limit overfill the code (Kraft sum above 1). Each
	 * step takes one leaf off the limit and splits a shallower leaf into two. */
	total = 0;
	for (d = 1; d <= limit; d++)
		total += count[d] << (limit - d);
	while (total > (1u << limit)) {
		count[limit]--;
		for (d = limit - 1; d > 0 && count[d] == 0; d--)
			;
		count[d]--;
		count[d + 1] += 2;
		total--;
	}
	/* the longest codes to the rarest symbols */
	k = 0;
	for (d = limit; d > 0; d--) {
		for (i = 0; i < count[d]; i++)
			len[sym[k++]] = (uint8_t)d;
	}
}

/* Canonical codes (RFC 1951 3.2.2), bit-reversed for the LSB-first stream. */
static void build_codes(const uint8_t *len, unsigned n, uint16_t *code)
{
	unsigned count[MAXBITS + 1] = { 0 }, next[MAXBITS + 1];
	unsigned i, c = 0, b, r, v;

	for (i = 0; i < n; i++)
		count[len[i]]++;
	count[0] = 0;
	for (b = 1; b <= MAXBITS; b++) {
		c = (c + count[b - 1]) << 1;
		next[b] = c;
	}
	for (i = 0; i < n; i++) {
		if (!len[i]) {
			code[i] = 0;
			continue;
		}
		v = next[len[i]]++;
		r = 0;
		for (b = 0; b < len[i]; b++, v >>= 1)
			r = r << 1 | (v & 1);
		code[i] = (uint16_t)r;
	}
}

/* Bits of the block's symbols under the code llen/dlen, extra bits included. */
static size_t data_bits(const struct dfl *s, const uint8_t *llen, const uint8_t *dlen)
{
	size_t bits = 0;
	unsigned i, c;

	for (i = 0; i < s->nl; i++) {
		c = s->lused[i];
		bits += (size_t)s->lfreq[c] * (llen[c] + ll_extra[c]);
	}
	for (i = 0; i < s->nd; i++) {
		c = s->dused[i];
		bits += (size_t)s->dfreq[c] * (dlen[c] + d_extra[c]);
	}
	return bits;
}

/* Run-length codes of the hlit + hdist code lengths (RFC 1951 3.2.7) into s->rle, their
 * frequencies into clfreq; returns the bits of their extra fields. */
static size_t rle_lengths(struct dfl *s, unsigned hlit, unsigned hdist, uint32_t *clfreq)
{
	uint8_t all[NLL + ND];
	unsigned n = hlit + hdist, i = 0, run, k;
	size_t extra = 0;

	memcpy(all, s->llen, hlit);
	memcpy(all + hlit, s->dlen, hdist);
	memset(clfreq, 0, NCL * sizeof(*clfreq));
	s->nrle = 0;
	while (i < n) {
		uint8_t v = all[i];
		for (run = 1; i + run < n && all[i + run] == v; run++)
			;
		i += run;
		if (v == 0) {
			while (run >= 11) {
				k = run > 138 ? 138 : run;
				s->rle[s->nrle++] = (uint16_t)(18 | (k - 11) << 5);
				clfreq[18]++;
				extra += 7;
				run -= k;
			}
			if (run >= 3) {
				s->rle[s->nrle++] = (uint16_t)(17 | (run - 3) << 5);
				clfreq[17]++;
				extra += 3;
				run = 0;
			}
		} else {
			s->rle[s->nrle++] = v;
			clfreq[v]++;
			run--;
			while (run >= 3) {
				k = run > 6 ? 6 : run;
				s->rle[s->nrle++] = (uint16_t)(16 | (k - 3) << 5);
				clfreq[16]++;
				extra += 2;
				run -= k;
			}
		}
		while (run--) {
			s->rle[s->nrle++] = v;
			clfreq[v]++;
		}
	}
	return extra;
}

static void put_symbols(struct dfl *s, const uint8_t *llen, const uint16_t *lcode,
			const uint8_t *dlen, const uint16_t *dcode)
{
	unsigned i, c, eb;

	for (i = 0; i < s->nsym; i++) {
		unsigned d = s->sdist[i], l = s->sll[i];
		if (d == 0) {
			put(s, lcode[l], llen[l]);
			continue;
		}
		c = len_code(l, &eb);
		put(s, lcode[c], llen[c]);
		if (eb)
			put(s, l & ((1u << eb) - 1), eb);
		c = dist_code(d - 1, &eb);
		put(s, dcode[c], dlen[c]);
		if (eb)
			put(s, (d - 1) & ((1u << eb) - 1), eb);
	}
	put(s, lcode[256], llen[256]);
}

static void put_stored(struct dfl *s, const uint8_t *p, size_t n)
{
	do {
		size_t k = n > 65535 ? 65535 : n;
		put(s, 0, 3); /* BFINAL 0, BTYPE 00 */
		put(s, 0, (8 - (s->cnt & 7)) & 7);
		put_bytes(s);
		s->out[s->opos++] = (uint8_t)k;
		s->out[s->opos++] = (uint8_t)(k >> 8);
		s->out[s->opos++] = (uint8_t)~k;
		s->out[s->opos++] = (uint8_t)(~k >> 8);
		memcpy(s->out + s->opos, p, k);
		s->opos += k;
		p += k;
		n -= k;
	} while (n);
}

/* Ends the current block: the smallest of stored, static and dynamic. */
static int flush_block(struct dfl *s)
{
	uint32_t clfreq[NCL];
	uint16_t clused[NCL];
	unsigned ncl = 0;
	size_t dyn, fix, sto, best, k = s->blk_len, rest;
	unsigned hlit, hdist, hclen, i;

	s->lfreq[256] = 1;
	s->lused[s->nl++] = 256;
	build_lengths(s->lfreq, s->lused, s->nl, NLL, MAXBITS, s->llen);
	build_lengths(s->dfreq, s->dused, s->nd, ND, MAXBITS, s->dlen);
	for (hlit = NLL; hlit > 257 && !s->llen[hlit - 1]; hlit--)
		;
	for (hdist = ND; hdist > 1 && !s->dlen[hdist - 1]; hdist--)
		;
	dyn = 3 + 14 + rle_lengths(s, hlit, hdist, clfreq);
	for (i = 0; i < NCL; i++) {
		if (clfreq[i])
			clused[ncl++] = (uint16_t)i;
	}
	build_lengths(clfreq, clused, ncl, NCL, MAXCLBITS, s->cllen);
	for (hclen = NCL; hclen > 4 && !s->cllen[cl_order[hclen - 1]]; hclen--)
		;
	dyn += 3 * hclen + data_bits(s, s->llen, s->dlen);
	for (i = 0; i < NCL; i++)
		dyn += (size_t)clfreq[i] * s->cllen[i];
	fix = 3 + data_bits(s, s->fllen, s->fdlen);
	/* stored: header and padding to a byte, LEN and NLEN, then the bytes; one block per
	 * 65535 bytes */
	sto = 3 + ((8 - ((s->cnt + 3) & 7)) & 7) + 32 + 8 * k;
	for (rest = k > 65535 ? k - 65535 : 0; rest; rest -= rest > 65535 ? 65535 : rest)
		sto += 3 + 5 + 32;
	best = sto < fix ? sto : fix;
	best = dyn < best ? dyn : best;
	/* room for the block and what a packet end may add (10 bits, a byte of held bits) */
	if (s->cap - s->opos < (s->cnt + best) / 8 + 8)
		return ERR_TOOBIG;
	if (best == sto) {
		put_stored(s, s->in + s->blk_start, k);
		s->eob_len = 8;
	} else if (best == fix) {
		put(s, 2, 3); /* BFINAL 0, BTYPE 01 */
		put_symbols(s, s->fllen, s->flcode, s->fdlen, s->fdcode);
		s->eob_len = s->fllen[256];
	} else {
		build_codes(s->llen, NLL, s->lcode);
		build_codes(s->dlen, ND, s->dcode);
		build_codes(s->cllen, NCL, s->clcode);
		put(s, 4, 3); /* BFINAL 0, BTYPE 10 */
		put(s, hlit - 257, 5);
		put(s, hdist - 1, 5);
		put(s, hclen - 4, 4);
		for (i = 0; i < hclen; i++)
			put(s, s->cllen[cl_order[i]], 3);
		for (i = 0; i < s->nrle; i++) {
			unsigned c = s->rle[i] & 31, x = s->rle[i] >> 5;
			put(s, s->clcode[c], s->cllen[c]);
			if (c >= 16)
				put(s, x, c == 16 ? 2 : c == 17 ? 3 : 7);
		}
		put_symbols(s, s->llen, s->lcode, s->dlen, s->dcode);
		s->eob_len = s->llen[256];
	}
	for (i = 0; i < s->nl; i++)
		s->lfreq[s->lused[i]] = 0;
	for (i = 0; i < s->nd; i++)
		s->dfreq[s->dused[i]] = 0;
	s->nl = s->nd = 0;
	s->nsym = 0;
	s->blk_start += k;
	s->blk_len = 0;
	return 0;
}

static int tally(struct dfl *s, unsigned dist, unsigned len, unsigned lit)
{
	unsigned eb, c;

	if (dist == 0) {
		s->sll[s->nsym] = (uint8_t)lit;
		s->sdist[s->nsym] = 0;
		if (!s->lfreq[lit]++)
			s->lused[s->nl++] = (uint16_t)lit;
		s->blk_len++;
	} else {
		s->sll[s->nsym] = (uint8_t)(len - MINM);
		s->sdist[s->nsym] = (uint16_t)dist;
		c = len_code(len - MINM, &eb);
		if (!s->lfreq[c]++)
			s->lused[s->nl++] = (uint16_t)c;
		c = dist_code(dist - 1, &eb);
		if (!s->dfreq[c]++)
			s->dused[s->nd++] = (uint16_t)c;
		s->blk_len += len;
	}
	if (++s->nsym == NSYMS)
		return flush_block(s);
	return 0;
}

/* ---- LZ77 */

static unsigned hash3(const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
	return (v * 0x9e3779b1u) >> (32 - HBITS);
}

/* Hashes position p (3 bytes there); returns the previous head of its chain. */
static inline __attribute__((always_inline)) unsigned insert(struct dfl *s, size_t p)
{
	unsigned h = hash3(s->win + p), old = s->head[h];

	s->prev[p & WMASK] = (uint16_t)old;
	s->head[h] = (uint16_t)(p + 1);
	return old;
}

static unsigned common_len(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned n = 0;

	while (n + 8 <= max) {
		uint64_t x, y;
		memcpy(&x, a + n, 8);
		memcpy(&y, b + n, 8);
		if (x != y)
			return n + (unsigned)__builtin_ctzll(x ^ y) / 8; /* little-endian */
		n += 8;
	}
	while (n < max && a[n] == b[n])
		n++;
	return n;
}

/* The longest match for pos (max bytes ahead at most) along the chain from cur
 * (position + 1), longer than best; 0 if none. Candidates are checked byte by byte: a
 * stale chain entry only wastes time. */
static unsigned longest(const struct dfl *s, size_t pos, unsigned max, unsigned cur,
			unsigned best, unsigned *dist)
{
	const uint8_t *scan = s->win + pos;
	size_t limit = pos > WSIZE ? pos - WSIZE : 0;
	unsigned chain = best >= GOOD_LEN ? MAX_CHAIN / 4 : MAX_CHAIN, found = 0;
	unsigned nice = max < NICE_LEN ? max : NICE_LEN;
	uint8_t b0 = scan[0], b1 = scan[1];

	if (best >= max)
		return 0;
	while (cur && chain--) {
		size_t c = cur - 1;
		const uint8_t *m = s->win + c;
		unsigned len, next;

		if (c < limit || c >= pos)
			break;
		if (m[best] == scan[best] && m[0] == b0 && m[1] == b1) {
			len = common_len(m, scan, max);
			if (len > best) {
				best = len;
				found = len;
				*dist = (unsigned)(pos - c);
				if (len >= nice)
					break;
			}
		}
		next = s->prev[c & WMASK];
		if (next >= cur) /* a stale entry, or the one just overwritten */
			break;
		cur = next;
	}
	return found;
}

/* Moves the window down by WSIZE, keeping WSIZE of history behind wpos. */
static void slide(struct dfl *s)
{
	unsigned i;

	memmove(s->win, s->win + WSIZE, s->wend - WSIZE);
	s->wpos -= WSIZE;
	s->wend -= WSIZE;
	s->ins = s->ins > WSIZE ? s->ins - WSIZE : 0;
	for (i = 0; i < HSIZE; i++)
		s->head[i] = (uint16_t)(s->head[i] > WSIZE ? s->head[i] - WSIZE : 0);
	for (i = 0; i < WSIZE; i++)
		s->prev[i] = (uint16_t)(s->prev[i] > WSIZE ? s->prev[i] - WSIZE : 0);
}

/* Lazy matching (RFC 1951 4): a match found at p is taken only if p + 1 has none longer.
 * The positions live in locals (the symbol stores would otherwise make the compiler
 * reload them), written back around what reads them from the state. */
static int lz77(struct dfl *s, const uint8_t *in, size_t n)
{
	size_t used = 0, wpos = s->wpos, wend = s->wend, ins = s->ins;
	unsigned prev_len = MINM - 1, prev_dist = 0, len, dist = 0, hh, max;
	int avail = 0, r = 0;

	for (;;) {
		if (wend - wpos < MAXM && used < n) {
			size_t k;
			if (wpos >= 2 * WSIZE) {
				s->wpos = wpos;
				s->wend = wend;
				s->ins = ins;
				slide(s);
				wpos = s->wpos;
				wend = s->wend;
				ins = s->ins;
			}
			k = BUFSZ - wend;
			k = k < n - used ? k : n - used;
			memcpy(s->win + wend, in + used, k);
			wend += k;
			used += k;
		}
		if (wpos >= wend)
			break;
		/* hash what a match skipped, and what lacked its 3 bytes at the last end */
		while (ins < wpos && ins + MINM <= wend)
			insert(s, ins++);
		hh = 0;
		if (wpos + MINM <= wend) {
			hh = insert(s, wpos);
			ins = wpos + 1;
		}
		len = 0;
		if (hh && prev_len < MAX_LAZY) {
			max = wend - wpos > MAXM ? MAXM : (unsigned)(wend - wpos);
			len = longest(s, wpos, max, hh, prev_len, &dist);
			if (len == MINM && dist > TOO_FAR)
				len = 0;
		}
		if (prev_len >= MINM && len <= prev_len) {
			/* the match found one byte back is the better: take it */
			if ((r = tally(s, prev_dist, prev_len, 0)))
				break;
			wpos += prev_len - 1;
			avail = 0;
			prev_len = MINM - 1;
			continue;
		}
		if (avail && (r = tally(s, 0, 0, s->win[wpos - 1])))
			break;
		avail = 1;
		if (len) {
			prev_len = len;
			prev_dist = dist;
		} else {
			prev_len = MINM - 1;
		}
		wpos++;
	}
	if (!r && avail)
		r = tally(s, 0, 0, s->win[wpos - 1]);
	s->wpos = wpos;
	s->wend = wend;
	s->ins = ins;
	return r;
}

struct dfl *dfl_new(void)
{
	struct dfl *s = calloc(1, sizeof(struct dfl));
	unsigned i;

	if (!s)
		return NULL;
	for (i = 0; i < NLLF; i++)
		s->fllen[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
	memset(s->fdlen, 5, ND);
	build_codes(s->fllen, NLLF, s->flcode);
	build_codes(s->fdlen, ND, s->fdcode);
	return s;
}

void dfl_free(struct dfl *s)
{
	if (!s)
		return;
	wipe(s, sizeof(*s));
	free(s);
}

size_t dfl_bound(size_t n)
{
	/* A block is never bigger than stored, whose framing is 5 bytes per 65535 plus a
	 * byte of padding; a block ends at NSYMS symbols (>= NSYMS bytes) or at the packet's
	 * end. Then the header (2), held bits and an empty static block (3). */
	return n + n / 1024 + 32;
}

int dfl_packet(struct dfl *s, const uint8_t *in, size_t n, uint8_t *out, size_t cap,
	       size_t *outlen)
{
	int r;

	*outlen = 0;
	s->in = in;
	s->out = out;
	s->cap = cap;
	s->opos = 0;
	s->blk_start = s->blk_len = 0;
	if (!s->started) {
		if (cap < 2)
			return ERR_TOOBIG;
		/* CMF: deflate, 8 KB window (CINFO 5); FLG: default level, no dictionary,
		 * FCHECK making CMF * 256 + FLG a multiple of 31 (RFC 1950 2.2) */
		out[s->opos++] = 0x58;
		out[s->opos++] = 0x85;
		s->started = 1;
	}
	if (n) {
		if ((r = lz77(s, in, n)))
			return r;
		if (s->nsym && (r = flush_block(s)))
			return r;
		/* the end code must leave with this packet: see the top of the file */
		put_bytes(s);
		if (s->cnt > s->eob_len) {
			put(s, 2, 3);
			put(s, 0, 7);
			put_bytes(s);
		}
	}
	s->in = NULL;
	s->out = NULL;
	*outlen = s->opos;
	return 0;
}
