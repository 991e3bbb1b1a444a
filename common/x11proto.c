/* x11proto.c: see x11proto.h. */
#include "x11proto.h"

#include <string.h>

#include "err.h"
#include "util.h"

/* The fixed part of a setup message: byte-order, unused, CARD16 major, minor,
 * auth-name length, auth-data length, unused (X11 protocol, "Connection Setup"). */
#define SETUP_HDR 12

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

size_t x11_setup_max(const char *proto, size_t cookie_len)
{
	return SETUP_HDR + pad4(strlen(proto)) + pad4(cookie_len);
}

int x11_setup_check(const uint8_t *p, size_t n, const char *proto, const uint8_t *cookie,
                    size_t cookie_len, size_t *data_off)
{
	size_t plen = strlen(proto), need;
	unsigned major, nlen, dlen;
	int big;

	if (n < 1)
		return ERR_AGAIN;
	if (p[0] != 'B' && p[0] != 'l')
		return ERR_FORMAT;
	if (n < SETUP_HDR)
		return ERR_AGAIN;
	big = p[0] == 'B';
	/* CARD16s in the client's byte order */
#define C16(i) (big ? (unsigned)p[i] << 8 | p[(i) + 1] : (unsigned)p[(i) + 1] << 8 | p[i])
	major = C16(2);
	nlen = C16(6);
	dlen = C16(8);
#undef C16
	if (major != 11)
		return ERR_FORMAT;
	/* Decided from the header alone: lengths that are not ours are refused before any
	 * more is held (a peer cannot make us wait for 128 KiB of names). */
	if (nlen != plen || dlen != cookie_len)
		return ERR_TOOBIG;
	need = SETUP_HDR + pad4(nlen) + dlen;
	if (n < need)
		return ERR_AGAIN;
	/* the name is public; the cookie is compared in constant time */
	if (memcmp(p + SETUP_HDR, proto, plen) != 0)
		return ERR_BADSIG;
	if (!ct_memeq(p + SETUP_HDR + pad4(nlen), cookie, cookie_len))
		return ERR_BADSIG;
	*data_off = SETUP_HDR + pad4(nlen);
	return 0;
}

int x11_display_parse(const char *s, struct x11_display *d)
{
	const char *colon = strrchr(s, ':');
	size_t hl;
	unsigned long v;
	const char *q;
	int digits;

	memset(d, 0, sizeof(*d));
	if (!colon)
		return ERR_FORMAT;
	hl = (size_t)(colon - s);
	if (hl >= sizeof(d->host) || memchr(s, '/', hl))
		return ERR_FORMAT;
	/* "host::N" is DECnet */
	if (hl && s[hl - 1] == ':')
		return ERR_FORMAT;
	memcpy(d->host, s, hl);
	d->host[hl] = 0;
	if (strcmp(d->host, "unix") == 0)
		d->host[0] = 0;
	/* an IPv6 address in brackets, as some write it: the brackets go */
	if (d->host[0] == '[') {
		size_t k = strlen(d->host);
		if (k < 3 || d->host[k - 1] != ']')
			return ERR_FORMAT;
		memmove(d->host, d->host + 1, k - 2);
		d->host[k - 2] = 0;
	}
	for (q = colon + 1, v = 0, digits = 0; *q >= '0' && *q <= '9'; q++, digits++)
		if ((v = v * 10 + (unsigned long)(*q - '0')) > X11_MAX_DISPLAY)
			return ERR_FORMAT;
	if (!digits)
		return ERR_FORMAT;
	d->num = (unsigned)v;
	if (*q == '.') {
		for (q++, v = 0, digits = 0; *q >= '0' && *q <= '9'; q++, digits++)
			if ((v = v * 10 + (unsigned long)(*q - '0')) > 65535)
				return ERR_FORMAT;
		if (!digits)
			return ERR_FORMAT;
		d->screen = (unsigned)v;
	}
	return *q ? ERR_FORMAT : 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The next field of line[*i..n) separated by spaces or tabs: its start and length. */
static size_t field(const char *line, size_t n, size_t *i, const char **f)
{
	size_t s;

	while (*i < n && (line[*i] == ' ' || line[*i] == '\t'))
		(*i)++;
	s = *i;
	while (*i < n && line[*i] != ' ' && line[*i] != '\t' && line[*i] != '\n' && line[*i])
		(*i)++;
	*f = line + s;
	return *i - s;
}

int x11_xauth_line(const char *line, size_t n, uint8_t *cookie, size_t *len)
{
	const char *name, *proto, *data;
	size_t i = 0, nl, pl, dl, k;

	nl = field(line, n, &i, &name);
	pl = field(line, n, &i, &proto);
	dl = field(line, n, &i, &data);
	if (!nl || !pl || !dl)
		return ERR_FORMAT;
	if (pl != strlen(X11_PROTO_MIT) || memcmp(proto, X11_PROTO_MIT, pl) != 0)
		return ERR_UNSUPPORTED;
	if (dl % 2)
		return ERR_FORMAT;
	if (dl / 2 > X11_MAX_COOKIE)
		return ERR_TOOBIG;
	for (k = 0; k < dl / 2; k++) {
		int hi = hexval((unsigned char)data[2 * k]), lo = hexval((unsigned char)data[2 * k + 1]);
		if (hi < 0 || lo < 0) {
			wipe(cookie, k);
			return ERR_FORMAT;
		}
		cookie[k] = (uint8_t)(hi << 4 | lo);
	}
	*len = dl / 2;
	return 0;
}

int x11_req_check(const char *proto, const char *hexcookie)
{
	size_t i, pl = strlen(proto), hl = strlen(hexcookie);

	if (pl == 0 || pl > X11_MAX_PROTO)
		return ERR_FORMAT;
	for (i = 0; i < pl; i++) {
		char ch = proto[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '-' || ch == '.' || ch == '_'))
			return ERR_FORMAT;
	}
	if (hl == 0 || hl % 2 || hl / 2 > X11_MAX_COOKIE)
		return ERR_FORMAT;
	for (i = 0; i < hl; i++)
		if (hexval((unsigned char)hexcookie[i]) < 0)
			return ERR_FORMAT;
	return 0;
}

void x11_hex(const uint8_t *p, size_t n, char *out)
{
	static const char dig[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = dig[p[i] >> 4];
		out[2 * i + 1] = dig[p[i] & 15];
	}
	out[2 * n] = 0;
}
