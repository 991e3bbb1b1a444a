/* fwdspec.c: forwarding specs and the permitopen / permitlisten checks (see fwdspec.h). */
#include "fwdspec.h"

#include <stdio.h>
#include <string.h>

#include "err.h"

/* One ':'-separated field: a view [p, p + n), bracketed when it was written "[...]". */
struct field {
	const char *p;
	size_t n;
	int bracketed;
};

#define MAX_FIELDS 4

/* Splits s into at most MAX_FIELDS fields. A field starting with '[' runs to the next ']'
 * (so it may hold an IPv6 address's colons) and must be followed by ':' or the end. */
static int split(const char *s, struct field *f, int *nf)
{
	int n = 0;

	for (;;) {
		if (n == MAX_FIELDS)
			return ERR_FORMAT;
		if (*s == '[') {
			const char *e = strchr(s + 1, ']');
			if (!e)
				return ERR_FORMAT;
			f[n].p = s + 1;
			f[n].n = (size_t)(e - s - 1);
			f[n].bracketed = 1;
			s = e + 1;
			if (*s != ':' && *s != '\0')
				return ERR_FORMAT;
		} else {
			size_t len = strcspn(s, ":");
			f[n].p = s;
			f[n].n = len;
			f[n].bracketed = 0;
			s += len;
		}
		n++;
		if (*s == '\0')
			break;
		s++; /* the ':' */
	}
	*nf = n;
	return 0;
}

/* A port field: decimal digits only, no sign, no leading garbage, at most 65535 (and at
 * least 1 unless zero_ok). "*" is FWD_PORT_ANY when any_ok. */
static int get_port(const struct field *f, int zero_ok, int any_ok, uint32_t *port)
{
	uint32_t v = 0;
	size_t i;

	if (f->bracketed || f->n == 0)
		return ERR_FORMAT;
	if (any_ok && f->n == 1 && f->p[0] == '*') {
		*port = FWD_PORT_ANY;
		return 0;
	}
	if (f->n > 5)
		return ERR_FORMAT;
	for (i = 0; i < f->n; i++) {
		if (f->p[i] < '0' || f->p[i] > '9')
			return ERR_FORMAT;
		v = v * 10 + (uint32_t)(f->p[i] - '0');
	}
	if (v > 65535 || (v == 0 && !zero_ok))
		return ERR_FORMAT;
	*port = v;
	return 0;
}

/* A host field copied into out[outsz]: printable ASCII without spaces or brackets;
 * empty only when empty_ok (then out is ""). */
static int get_host(const struct field *f, int empty_ok, char *out, size_t outsz)
{
	size_t i;

	if (f->n == 0 && !empty_ok)
		return ERR_FORMAT;
	if (f->n >= outsz || f->n >= DB_MAX_FWD_HOST)
		return ERR_TOOBIG;
	for (i = 0; i < f->n; i++) {
		unsigned char ch = (unsigned char)f->p[i];
		if (ch <= 0x20 || ch >= 0x7f || ch == '[' || ch == ']')
			return ERR_FORMAT;
		/* an unbracketed host cannot hold a ':' (split saw to that); a bracketed one
		 * may, being an IPv6 address */
	}
	memcpy(out, f->p, f->n);
	out[f->n] = '\0';
	return 0;
}

/* A socket path of a spec: 1..FWD_MAX_SOCK_PATH-1 bytes, no control characters. */
static int sock_path(const char *s, size_t n, char *out)
{
	size_t i;

	if (n == 0)
		return ERR_FORMAT;
	if (n >= FWD_MAX_SOCK_PATH)
		return ERR_TOOBIG;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return ERR_FORMAT;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* Specs with a socket path on either side (OpenSSH's ssh -L / -R): an absolute path
 * instead of [bind:]port (it ends at the first ':'), or instead of host:hostport (it is
 * the rest of the spec). 1 when s is not such a spec. */
static int parse_spec_paths(const char *s, struct fwdspec *out)
{
	const char *rest, *colon;
	char listen[DB_MAX_FWD_HOST + 16];
	int r;

	if (s[0] == '/') {
		if (!(colon = strchr(s, ':')))
			return ERR_FORMAT;
		if ((r = sock_path(s, (size_t)(colon - s), out->listen_host)) != 0)
			return r;
		out->listen_unix = 1;
		rest = colon + 1;
		if (rest[0] == '/') {
			out->connect_unix = 1;
			return sock_path(rest, strlen(rest), out->connect_host);
		}
		return fwd_parse_hostport(rest, 0, out->connect_host, sizeof(out->connect_host),
		                          &out->connect_port);
	}
	for (colon = strchr(s, ':'); colon && colon[1] != '/'; colon = strchr(colon + 1, ':'))
		;
	if (!colon)
		return 1;
	/* an empty bind address is every address, as in -L's other form */
	if ((size_t)(colon - s) + 2 >= sizeof(listen))
		return ERR_TOOBIG;
	snprintf(listen, sizeof(listen), "%s%.*s", s[0] == ':' ? "*" : "", (int)(colon - s), s);
	if ((r = fwd_parse_listen(listen, out->listen_host, sizeof(out->listen_host),
	                          &out->listen_port)) != 0)
		return r;
	if (out->listen_port > 65535)
		return ERR_FORMAT;
	out->connect_unix = 1;
	return sock_path(colon + 1, strlen(colon + 1), out->connect_host);
}

int fwd_parse_spec(const char *s, unsigned flags, struct fwdspec *out)
{
	struct field f[MAX_FIELDS];
	int nf, r, i = 0;

	memset(out, 0, sizeof(*out));
	if ((r = parse_spec_paths(s, out)) != 1) {
		if (r)
			memset(out, 0, sizeof(*out));
		return r;
	}
	if ((r = split(s, f, &nf)) != 0)
		return r;
	if (nf != 3 && nf != 4)
		return ERR_FORMAT;
	if (nf == 4) {
		/* OpenSSH: an empty bind address, like "*", means every address */
		if (!f[0].bracketed && (f[0].n == 0 || (f[0].n == 1 && f[0].p[0] == '*')))
			strcpy(out->listen_host, "*");
		else if ((r = get_host(&f[0], 0, out->listen_host, sizeof(out->listen_host))) != 0)
			return r;
		i = 1;
	}
	if ((r = get_port(&f[i], (flags & FWD_LISTEN_PORT0) != 0, 0, &out->listen_port)) != 0 ||
	    (r = get_host(&f[i + 1], 0, out->connect_host, sizeof(out->connect_host))) != 0 ||
	    (r = get_port(&f[i + 2], 0, 0, &out->connect_port)) != 0) {
		memset(out, 0, sizeof(*out));
		return r;
	}
	return 0;
}

int fwd_parse_hostport(const char *s, int any_port, char *host, size_t hostsz, uint32_t *port)
{
	struct field f[MAX_FIELDS];
	int nf, r;

	if ((r = split(s, f, &nf)) != 0)
		return r;
	if (nf != 2)
		return ERR_FORMAT;
	if ((r = get_host(&f[0], 0, host, hostsz)) != 0)
		return r;
	return get_port(&f[1], 0, any_port, port);
}

int fwd_parse_listen(const char *s, char *host, size_t hostsz, uint32_t *port)
{
	struct field f[MAX_FIELDS];
	int nf, r;

	if ((r = split(s, f, &nf)) != 0)
		return r;
	if (nf == 1) {
		if (hostsz == 0)
			return ERR_TOOBIG;
		host[0] = '\0';
		return get_port(&f[0], 0, 1, port);
	}
	if (nf != 2)
		return ERR_FORMAT;
	if ((r = get_host(&f[0], 0, host, hostsz)) != 0)
		return r;
	return get_port(&f[1], 0, 1, port);
}

int fwd_parse_jump(const char *s, char *user, size_t usersz, char *host, size_t hostsz,
                   uint32_t *port)
{
	const char *at = strrchr(s, '@'), *h = at ? at + 1 : s;
	struct field f[MAX_FIELDS];
	int nf, r;
	size_t i, un = at ? (size_t)(at - s) : 0;

	if (usersz == 0)
		return ERR_TOOBIG;
	if (at && un == 0)
		return ERR_FORMAT;
	if (un >= usersz)
		return ERR_TOOBIG;
	for (i = 0; i < un; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return ERR_FORMAT;
	memcpy(user, s, un);
	user[un] = '\0';
	*port = 0;
	if ((r = split(h, f, &nf)) != 0)
		return r;
	if (nf > 2)
		return ERR_FORMAT;
	if ((r = get_host(&f[0], 0, host, hostsz)) != 0)
		return r;
	return nf == 2 ? get_port(&f[1], 0, 0, port) : 0;
}

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

int fwd_pattern_match(const char *pat, const char *s)
{
	/* The classic greedy matcher: on a mismatch go back to just after the last '*' and
	 * let it swallow one more character. O(len(pat) * len(s)) at worst, no recursion. */
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat && (*pat == '?' ||
		                    lower((unsigned char)*pat) == lower((unsigned char)*s))) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++resume;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

static int streq_nocase(const char *a, const char *b)
{
	while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

int fwd_permit_open(char *const *permits, int n, const char *host, uint32_t port)
{
	char h[DB_MAX_FWD_HOST];
	uint32_t p;
	int i;

	if (n <= 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (!permits[i] || fwd_parse_hostport(permits[i], 1, h, sizeof(h), &p) != 0)
			continue;
		if (p != FWD_PORT_ANY && p != port)
			continue;
		if (strcmp(h, "*") == 0 || streq_nocase(h, host))
			return 1;
	}
	return 0;
}

int fwd_permit_listen(char *const *permits, int n, const char *host, uint32_t port)
{
	char h[DB_MAX_FWD_HOST];
	uint32_t p;
	int i;

	if (n <= 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (!permits[i] || fwd_parse_listen(permits[i], h, sizeof(h), &p) != 0)
			continue;
		if (p != FWD_PORT_ANY && p != port)
			continue;
		if (h[0] == '\0' || fwd_pattern_match(h, host))
			return 1;
	}
	return 0;
}

/* A host name from the network: printable ASCII without spaces, shorter than outsz
 * (itself at most DB_MAX_FWD_HOST); empty only when empty_ok. */
static int wire_host(const uint8_t *p, size_t n, int empty_ok, char *out, size_t outsz)
{
	size_t i;

	if ((n == 0 && !empty_ok) || n >= outsz || n >= DB_MAX_FWD_HOST)
		return ERR_INVALID;
	for (i = 0; i < n; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return ERR_INVALID;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int fwd_parse_tcpip_open(struct buf *b, int empty_host, struct fwd_tcpip_open *o)
{
	const uint8_t *h, *oh;
	size_t hn, ohn;
	int r;

	memset(o, 0, sizeof(*o));
	if ((r = buf_get_string(b, &h, &hn)) != 0 || (r = buf_get_u32(b, &o->port)) != 0 ||
	    (r = buf_get_string(b, &oh, &ohn)) != 0 || (r = buf_get_u32(b, &o->orig_port)) != 0 ||
	    (r = buf_end(b)) != 0)
		return r;
	if (wire_host(oh, ohn, 0, o->orig, sizeof(o->orig)) != 0)
		strcpy(o->orig, "?");
	if (o->port > 65535 || o->orig_port > 65535)
		return ERR_INVALID;
	return wire_host(h, hn, empty_host, o->host, sizeof(o->host));
}

int fwd_parse_tcpip_forward(struct buf *b, char *addr, size_t addrsz, uint32_t *port)
{
	const uint8_t *a;
	size_t an;
	int r;

	if ((r = buf_get_string(b, &a, &an)) != 0 || (r = buf_get_u32(b, port)) != 0 ||
	    (r = buf_end(b)) != 0)
		return r;
	if (*port > 65535)
		return ERR_INVALID;
	return wire_host(a, an, 1, addr, addrsz);
}

int fwd_parse_streamlocal(struct buf *b, enum fwd_sl_msg kind, char *path, size_t pathsz)
{
	const uint8_t *p, *reserved;
	size_t n, rn, i;
	uint32_t rv;
	int r;

	if ((r = buf_get_string(b, &p, &n)) != 0)
		return r;
	if (kind != FWD_SL_REQUEST && (r = buf_get_string(b, &reserved, &rn)) != 0)
		return r;
	if (kind == FWD_SL_DIRECT && (r = buf_get_u32(b, &rv)) != 0)
		return r;
	if ((r = buf_end(b)) != 0)
		return r;
	/* a unix socket path: no NUL (it would cut the path), no control characters (they
	 * go into logs), short enough for sockaddr_un */
	if (n == 0 || n >= pathsz || n >= FWD_MAX_SOCK_PATH)
		return ERR_INVALID;
	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return ERR_INVALID;
	memcpy(path, p, n);
	path[n] = '\0';
	return 0;
}
