/* socks.c: SOCKS4, SOCKS4a and SOCKS5 requests (see socks.h). */
#include "socks.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

/* The longest user id (SOCKS4) and name (SOCKS4a, SOCKS5) we take, without the NUL. */
#define SOCKS_MAX_FIELD 255

void socks_init(struct socks_req *r)
{
	memset(r, 0, sizeof(*r));
}

static int printable(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return 0;
	return 1;
}

/* A name of n bytes into r->host: 1..255 printable bytes. */
static int take_name(struct socks_req *r, const uint8_t *p, size_t n)
{
	if (n == 0 || !printable(p, n))
		return ERR_INVALID;
	if (n >= sizeof(r->host) || n > SOCKS_MAX_FIELD)
		return ERR_TOOBIG;
	memcpy(r->host, p, n);
	r->host[n] = '\0';
	return 0;
}

static int take_port(struct socks_req *r, const uint8_t *p)
{
	r->port = ((uint32_t)p[0] << 8) | p[1];
	return r->port == 0 ? ERR_INVALID : 0;
}

/* A NUL-terminated field starting at p[off]: its length in *len, or SOCKS_MORE, or
 * ERR_TOOBIG when no NUL comes within SOCKS_MAX_FIELD + 1 bytes. */
static int nul_field(const uint8_t *p, size_t n, size_t off, size_t *len)
{
	const uint8_t *z;
	size_t avail = n > off ? n - off : 0;

	if (avail > SOCKS_MAX_FIELD + 1)
		avail = SOCKS_MAX_FIELD + 1;
	z = avail ? memchr(p + off, 0, avail) : NULL;
	if (z) {
		*len = (size_t)(z - (p + off));
		return 0;
	}
	return avail == SOCKS_MAX_FIELD + 1 ? ERR_TOOBIG : SOCKS_MORE;
}

/* SOCKS4 / 4a: VN=4 CD DSTPORT(2) DSTIP(4) USERID NUL [NAME NUL]. */
static int parse4(struct socks_req *r, const uint8_t *p, size_t n, size_t *used)
{
	size_t ulen, nlen;
	int res;

	if (n >= 2 && p[1] != 1)
		return ERR_UNSUPPORTED; /* BIND */
	if (n < 8)
		return SOCKS_MORE;
	if ((res = nul_field(p, n, 8, &ulen)) != 0)
		return res;
	/* 4a: 0.0.0.x with x != 0 says a name follows the user id */
	if (p[4] == 0 && p[5] == 0 && p[6] == 0 && p[7] != 0) {
		if ((res = nul_field(p, n, 8 + ulen + 1, &nlen)) != 0)
			return res;
		if ((res = take_name(r, p + 8 + ulen + 1, nlen)) != 0)
			return res;
		*used = 8 + ulen + 1 + nlen + 1;
	} else {
		snprintf(r->host, sizeof(r->host), "%u.%u.%u.%u", p[4], p[5], p[6], p[7]);
		*used = 8 + ulen + 1;
	}
	return take_port(r, p + 2);
}

/* RFC 1928 section 3: VER=5 NMETHODS METHODS[NMETHODS]. */
static int parse5_greeting(struct socks_req *r, const uint8_t *p, size_t n, size_t *used)
{
	size_t m;

	if (n < 2)
		return SOCKS_MORE;
	if (p[1] == 0)
		return ERR_FORMAT;
	if (n < 2 + (size_t)p[1])
		return SOCKS_MORE;
	for (m = 0; m < p[1]; m++)
		if (p[2 + m] == 0) { /* X'00' NO AUTHENTICATION REQUIRED */
			*used = 2 + (size_t)p[1];
			r->stage = 1;
			return SOCKS_METHOD;
		}
	return ERR_UNSUPPORTED; /* answered with X'FF' */
}

/* RFC 1928 sections 4 and 5: VER=5 CMD RSV=0 ATYP DST.ADDR DST.PORT(2). */
static int parse5_request(struct socks_req *r, const uint8_t *p, size_t n, size_t *used)
{
	size_t alen;
	int res;

	r->reply = SOCKS5_FAILURE;
	if (n >= 1 && p[0] != 5)
		return ERR_FORMAT;
	if (n >= 2 && p[1] != 1) { /* CONNECT only */
		r->reply = SOCKS5_CMD_UNSUPPORTED;
		return ERR_UNSUPPORTED;
	}
	if (n >= 3 && p[2] != 0)
		return ERR_FORMAT;
	if (n < 4)
		return SOCKS_MORE;
	switch (p[3]) {
	case 1: alen = 4; break;  /* IPv4 */
	case 4: alen = 16; break; /* IPv6 */
	case 3:                   /* a name, its length first */
		if (n < 5)
			return SOCKS_MORE;
		alen = 1 + (size_t)p[4];
		break;
	default:
		r->reply = SOCKS5_ATYP_UNSUPPORTED;
		return ERR_UNSUPPORTED;
	}
	if (n < 4 + alen + 2)
		return SOCKS_MORE;
	if (p[3] == 3) {
		if ((res = take_name(r, p + 5, alen - 1)) != 0)
			return res;
	} else if (!inet_ntop(p[3] == 1 ? AF_INET : AF_INET6, p + 4, r->host,
	                      sizeof(r->host))) {
		return ERR_FORMAT;
	}
	if ((res = take_port(r, p + 4 + alen)) != 0)
		return res;
	*used = 4 + alen + 2;
	r->reply = 0;
	return 0;
}

int socks_parse(struct socks_req *r, const uint8_t *p, size_t n, size_t *used)
{
	*used = 0;
	if (r->version == 0) {
		if (n == 0)
			return SOCKS_MORE;
		if (p[0] != 4 && p[0] != 5)
			return ERR_FORMAT;
		r->version = p[0];
	}
	if (r->version == 4)
		return parse4(r, p, n, used);
	if (r->stage == 0)
		return parse5_greeting(r, p, n, used);
	return parse5_request(r, p, n, used);
}

size_t socks_reply(const struct socks_req *r, enum socks_answer a, uint8_t out[SOCKS_MAX_REPLY])
{
	memset(out, 0, SOCKS_MAX_REPLY);
	if (r->version == 4) {
		/* VN=0, CD 90 granted / 91 rejected, DSTPORT, DSTIP (ignored by clients) */
		out[1] = a == SOCKS_R_OK ? 90 : 91;
		return 8;
	}
	if (r->version != 5)
		return 0;
	out[0] = 5;
	if (r->stage == 0 || a == SOCKS_R_METHOD) {
		out[1] = a == SOCKS_R_FAIL ? 0xff : 0; /* X'FF': no acceptable methods */
		return 2;
	}
	/* VER REP RSV ATYP=1 BND.ADDR=0.0.0.0 BND.PORT=0 */
	out[1] = a == SOCKS_R_OK ? 0 : (uint8_t)(r->reply ? r->reply : SOCKS5_FAILURE);
	out[3] = 1;
	return 10;
}
