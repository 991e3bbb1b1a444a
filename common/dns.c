/* dns: hosts and resolv.conf parsing, DNS queries over UDP, RFC 6724 ordering (dns.h). */
#include "dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "resolve.h"

/* ---- text lines, from memory or a file, each at most DNS_LINE_MAX - 1 bytes */

typedef int (*line_fn)(char *line, void *ctx); /* nonzero: stop */

struct lines {
	line_fn fn;
	void *ctx;
	size_t n;
	int skip, stop;
	char line[DNS_LINE_MAX];
};

static void lines_feed(struct lines *l, const char *p, size_t len)
{
	for (size_t i = 0; i < len && !l->stop; i++) {
		if (p[i] == '\n') {
			if (!l->skip) {
				l->line[l->n] = 0;
				l->stop = l->fn(l->line, l->ctx);
			}
			l->n = 0;
			l->skip = 0;
		} else if (l->n + 1 < sizeof(l->line)) {
			l->line[l->n++] = p[i];
		} else {
			l->skip = 1; /* a truncated line could be misread: skipped whole */
		}
	}
}

static void lines_text(const char *text, size_t len, line_fn fn, void *ctx)
{
	struct lines l = { .fn = fn, .ctx = ctx };

	lines_feed(&l, text, len);
	lines_feed(&l, "\n", 1);
}

/* A missing or unreadable file reads as empty. */
static void lines_file(const char *path, line_fn fn, void *ctx)
{
	struct lines l = { .fn = fn, .ctx = ctx };
	char buf[1024];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while (!l.stop && ((r = read(fd, buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR)))
		if (r > 0)
			lines_feed(&l, buf, (size_t)r);
	close(fd);
	lines_feed(&l, "\n", 1);
}

/* The next blank-separated word of *s (NUL-terminated in place), or NULL. */
static char *word(char **s)
{
	char *p = *s, *w;

	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (!*p)
		return NULL;
	for (w = p; *p && *p != ' ' && *p != '\t' && *p != '\r'; p++)
		;
	if (*p)
		*p++ = 0;
	*s = p;
	return w;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int same_name(const char *a, const char *b)
{
	for (; *a && lower((unsigned char)*a) == lower((unsigned char)*b); a++, b++)
		;
	return *a == *b;
}

int dns_parse_addr(const char *s, struct dns_addr *a)
{
	char buf[INET6_ADDRSTRLEN];
	const char *pct = strchr(s, '%');
	size_t n = pct ? (size_t)(pct - s) : strlen(s);

	memset(a, 0, sizeof(*a));
	if (!pct && inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (inet_pton(AF_INET6, buf, a->a) != 1 || (pct && resolve_scope(pct + 1, &a->scope)))
		return -1;
	a->family = AF_INET6;
	return 0;
}

/* ---- resolv.conf(5), read as musl reads it */

/* "key:N" in an options line: N bounded by max, at least min. */
static void conf_opt(const char *w, const char *key, unsigned min, unsigned max, unsigned *v)
{
	size_t k = strlen(key);
	unsigned x = 0;

	if (strncmp(w, key, k) != 0 || w[k] < '0' || w[k] > '9')
		return;
	for (w += k; *w >= '0' && *w <= '9' && x <= max; w++)
		x = x * 10 + (unsigned)(*w - '0');
	*v = x > max ? max : x < min ? min : x;
}

static int conf_line(char *s, void *ctx)
{
	struct dns_conf *c = ctx;
	char *key = word(&s), *w;

	if (!key)
		return 0;
	if (strcmp(key, "nameserver") == 0) {
		if (c->nns < DNS_MAXNS && (w = word(&s)) && dns_parse_addr(w, &c->ns[c->nns]) == 0)
			c->nns++;
	} else if (strcmp(key, "domain") == 0 || strcmp(key, "search") == 0) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (strlen(s) < sizeof(c->search))
			strcpy(c->search, s);
	} else if (strcmp(key, "options") == 0) {
		while ((w = word(&s))) {
			conf_opt(w, "ndots:", 0, 15, &c->ndots);
			conf_opt(w, "timeout:", 1, 60, &c->timeout);
			conf_opt(w, "attempts:", 1, 10, &c->attempts);
		}
	}
	return 0;
}

static void conf_defaults(struct dns_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->ndots = 1;
	c->timeout = 5;
	c->attempts = 2;
}

static void conf_finish(struct dns_conf *c)
{
	if (!c->nns) {
		c->ns[0].family = AF_INET;
		memcpy(c->ns[0].a, "\x7f\0\0\x01", 4);
		c->nns = 1;
	}
}

void dns_conf_parse(const char *text, size_t len, struct dns_conf *c)
{
	conf_defaults(c);
	lines_text(text, len, conf_line, c);
	conf_finish(c);
}

/* ---- hosts(5) */

struct hosts_ctx {
	const char *name;
	int family, max, n, badfam;
	struct dns_addr *out;
};

static int hosts_line(char *s, void *ctx)
{
	struct hosts_ctx *h = ctx;
	char *hash = strchr(s, '#'), *addr, *w;
	struct dns_addr a;

	if (hash)
		*hash = 0;
	if (!(addr = word(&s)))
		return 0;
	while ((w = word(&s)) && !same_name(w, h->name))
		;
	if (!w || dns_parse_addr(addr, &a) != 0)
		return 0;
	if (h->family != AF_UNSPEC && a.family != h->family) {
		h->badfam = 1;
		return 0;
	}
	h->out[h->n++] = a;
	return h->n >= h->max;
}

static int hosts_result(const struct hosts_ctx *h)
{
	return h->n ? h->n : h->badfam ? EAI_NONAME : 0;
}

int dns_hosts_parse(const char *text, size_t len, const char *name, int family,
                    struct dns_addr *out, int max)
{
	struct hosts_ctx h = { .name = name, .family = family, .max = max, .out = out };

	if (max > 0)
		lines_text(text, len, hosts_line, &h);
	return hosts_result(&h);
}

/* ---- messages (RFC 1035 section 4) */

int dns_query_make(uint8_t *out, const char *name, unsigned qtype, uint16_t id)
{
	size_t p = 12;

	memset(out, 0, 12);
	out[0] = (uint8_t)(id >> 8);
	out[1] = (uint8_t)id;
	out[2] = 1; /* RD */
	out[5] = 1; /* one question */
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);
		if (l < 1 || l > 63 || p + 1 + l > 12 + 254)
			return -1; /* the name with its final zero: 255 bytes at most */
		out[p++] = (uint8_t)l;
		memcpy(out + p, name, l);
		p += l;
		name += l;
		if (*name && !*++name)
			return -1; /* a trailing dot here: the caller strips the one allowed */
	}
	if (p == 12)
		return -1;
	out[p++] = 0;
	out[p++] = 0;
	out[p++] = (uint8_t)qtype;
	out[p++] = 0;
	out[p++] = 1; /* IN */
	return (int)p;
}

/* Steps over the name at *pos. Pointers are never followed (nothing here needs the
 * names), only checked to point back before the name, into the message. */
static int name_skip(const uint8_t *m, size_t len, size_t *pos)
{
	size_t p = *pos, total = 1;

	for (;;) {
		if (p >= len)
			return -1;
		if (m[p] == 0) {
			*pos = p + 1;
			return 0;
		}
		if ((m[p] & 0xc0) == 0xc0) {
			size_t to;
			if (p + 1 >= len)
				return -1;
			to = (size_t)(m[p] & 0x3f) << 8 | m[p + 1];
			if (to < 12 || to >= *pos)
				return -1;
			*pos = p + 2;
			return 0;
		}
		if (m[p] > 63 || (total += m[p] + 1u) > 255)
			return -1; /* 0x40 and 0x80 label types are not in use */
		p += m[p] + 1u;
	}
}

int dns_reply_parse(const uint8_t *m, size_t len, const uint8_t *q, size_t qlen,
                    int *rcode, struct dns_addr *out, int max, int *n)
{
	unsigned qtype = q[qlen - 3], an;
	size_t p = qlen;

	if (len < qlen || m[0] != q[0] || m[1] != q[1] || !(m[2] & 0x80) || (m[2] & 0x78) ||
	    m[4] != 0 || m[5] != 1)
		return -1; /* not a standard query's response with our ID and one question */
	for (size_t i = 12; i < qlen; i++)
		if (lower(m[i]) != lower(q[i]))
			return -1; /* another question (names compared without case) */
	*rcode = m[3] & 15;
	if (*rcode)
		return 0;
	for (an = (unsigned)m[6] << 8 | m[7]; an; an--) {
		unsigned type, cls, rdlen;
		if (name_skip(m, len, &p) != 0 || len - p < 10)
			break;
		type = (unsigned)m[p] << 8 | m[p + 1];
		cls = (unsigned)m[p + 2] << 8 | m[p + 3];
		rdlen = (unsigned)m[p + 8] << 8 | m[p + 9];
		p += 10;
		if (len - p < rdlen)
			break;
		if (type == qtype && cls == 1) {
			if (rdlen != (qtype == 1 ? 4u : 16u))
				break;
			if (*n < max) {
				memset(&out[*n], 0, sizeof(out[*n]));
				out[*n].family = qtype == 1 ? AF_INET : AF_INET6;
				memcpy(out[*n].a, m + p, rdlen);
				++*n;
			}
		}
		p += rdlen;
	}
	return 0;
}

/* ---- UDP to every nameserver at once, resent every timeout / attempts */

static int now_ms(long long *t)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return -1;
	*t = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return 0;
}

static socklen_t ns_sockaddr(const struct dns_addr *a, uint16_t port,
                             struct sockaddr_in6 *sa6)
{
	memset(sa6, 0, sizeof(*sa6));
	if (a->family == AF_INET) {
		struct sockaddr_in *sa = (struct sockaddr_in *)(void *)sa6;
		sa->sin_family = AF_INET;
		sa->sin_port = htons(port);
		memcpy(&sa->sin_addr, a->a, 4);
		return sizeof(*sa);
	}
	sa6->sin6_family = AF_INET6;
	sa6->sin6_port = htons(port);
	memcpy(&sa6->sin6_addr, a->a, 16);
	sa6->sin6_scope_id = a->scope;
	return sizeof(*sa6);
}

/* Which nameserver sent from (address and port), or -1. */
static int ns_index(const struct dns_conf *c, uint16_t port, const struct sockaddr_in6 *from)
{
	for (int j = 0; j < c->nns; j++) {
		struct sockaddr_in6 sa;
		ns_sockaddr(&c->ns[j], port, &sa);
		if (from->sin6_family != sa.sin6_family)
			continue;
		if (sa.sin6_family == AF_INET) {
			const struct sockaddr_in *x = (const void *)from, *y = (const void *)&sa;
			if (x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr)
				return j;
		} else if (from->sin6_port == sa.sin6_port &&
		           memcmp(&from->sin6_addr, &sa.sin6_addr, 16) == 0) {
			return j;
		}
	}
	return -1;
}

struct exch {
	uint8_t q[2][DNS_QUERY_MAX];
	int qlen[2], nq;
	int rcode[2];           /* of the final reply (NOERROR, NXDOMAIN); -1: none */
	int done[2];            /* a final reply, or every server failed */
	unsigned failed[2];     /* bit per nameserver that answered with another rcode */
	int nfound[2];
	struct dns_addr found[2][DNS_MAXADDRS];
};

static void exch_reply(struct exch *x, const struct dns_conf *c, int j, const uint8_t *m,
                       size_t len)
{
	for (int i = 0; i < x->nq; i++) {
		int rc, n = 0;
		struct dns_addr got[DNS_MAXADDRS];
		if (x->done[i] || dns_reply_parse(m, len, x->q[i], (size_t)x->qlen[i], &rc, got,
		                                  DNS_MAXADDRS, &n) != 0)
			continue;
		if (rc == 0 || rc == 3) {
			x->done[i] = 1;
			x->rcode[i] = rc;
			x->nfound[i] = n;
			memcpy(x->found[i], got, sizeof(got[0]) * (size_t)n);
		} else {
			/* SERVFAIL, REFUSED, ...: another server may still answer. musl
			 * ignores these replies and so ends in EAI_AGAIN at its timeout;
			 * this ends there as soon as every server has said so. */
			x->failed[i] |= 1u << j;
			if (x->failed[i] == (1u << c->nns) - 1)
				x->done[i] = 1;
		}
		return;
	}
}

static void exch_run(struct exch *x, const struct dns_conf *c, uint16_t port)
{
	struct pollfd pf[2];
	int fam[2] = { AF_INET, AF_INET6 };
	long long t0, t, next;
	long long total = (long long)c->timeout * 1000, step = total / c->attempts;

	for (int k = 0; k < 2; k++) {
		int want = 0;
		for (int j = 0; j < c->nns; j++)
			want |= c->ns[j].family == fam[k];
		/* the kernel picks a random source port for each socket */
		pf[k].fd = want ? socket(fam[k], SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0) : -1;
		pf[k].events = POLLIN;
	}
	if ((pf[0].fd < 0 && pf[1].fd < 0) || now_ms(&t0) != 0)
		goto out;
	for (t = next = t0; t - t0 < total;) {
		int left = 0;
		for (int i = 0; i < x->nq; i++)
			left += !x->done[i];
		if (!left)
			break;
		if (t >= next) {
			for (int i = 0; i < x->nq; i++)
				for (int j = 0; j < c->nns && !x->done[i]; j++) {
					struct sockaddr_in6 sa;
					socklen_t sl = ns_sockaddr(&c->ns[j], port, &sa);
					int fd = pf[c->ns[j].family == AF_INET6].fd;
					if (fd >= 0 && !(x->failed[i] & (1u << j)))
						(void)sendto(fd, x->q[i], (size_t)x->qlen[i], MSG_NOSIGNAL,
						             (struct sockaddr *)&sa, sl);
				}
			next += step;
		}
		long long until = next < t0 + total ? next : t0 + total;
		if (poll(pf, 2, (int)(until > t ? until - t : 0)) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < 2; k++) {
			uint8_t m[DNS_REPLY_MAX];
			struct sockaddr_in6 from;
			socklen_t fl;
			ssize_t r;
			int j;
			if (pf[k].fd < 0 || !(pf[k].revents & POLLIN))
				continue;
			/* a bounded number per wakeup: a flood must not outlast the deadline */
			for (int burst = 0; burst < 64; burst++) {
				fl = sizeof(from);
				memset(&from, 0, sizeof(from));
				r = recvfrom(pf[k].fd, m, sizeof(m), 0, (struct sockaddr *)&from, &fl);
				if (r < 0)
					break;
				if ((j = ns_index(c, port, &from)) >= 0)
					exch_reply(x, c, j, m, (size_t)r);
			}
		}
		if (now_ms(&t) != 0)
			break;
	}
out:
	for (int k = 0; k < 2; k++)
		if (pf[k].fd >= 0)
			close(pf[k].fd);
}

/* One name, as musl's name_from_dns: 0 for NXDOMAIN (the search goes on), else the
 * address count or an EAI_* code that ends the search. */
static int from_dns(const char *name, int family, const struct dns_conf *c, uint16_t port,
                    struct dns_addr *out)
{
	static const unsigned types[2] = { 1, 28 };
	static const int skip[2] = { AF_INET6, AF_INET };
	struct exch x;
	uint16_t id;
	int n = 0;

	memset(&x, 0, sizeof(x));
	if (rand_bytes(&id, sizeof(id)) != 0)
		return EAI_SYSTEM;
	for (int i = 0; i < 2; i++) {
		if (family == skip[i])
			continue;
		if ((x.qlen[x.nq] = dns_query_make(x.q[x.nq], name, types[i], id++)) < 0)
			return 0; /* a name DNS cannot carry: not found, as in musl */
		x.rcode[x.nq++] = -1;
	}
	exch_run(&x, c, port);
	for (int i = 0; i < x.nq; i++) {
		if (x.rcode[i] < 0)
			return EAI_AGAIN; /* no reply, or SERVFAIL (musl's mapping) and the like */
		if (x.rcode[i] == 3)
			return 0;
	}
	for (int i = x.nq - 1; i >= 0; i--)
		for (int k = 0; k < x.nfound[i] && n < DNS_MAXADDRS; k++)
			out[n++] = x.found[i][k];
	return n ? n : EAI_NODATA;
}

/* musl's name_from_dns_search: with fewer than ndots dots (and no trailing one) each
 * search domain first, then the name itself. */
static int from_dns_search(const char *name, int family, const struct dns_conf *c,
                           uint16_t port, struct dns_addr *out)
{
	char canon[256];
	const char *p, *z;
	size_t l = strlen(name), dots = 0;
	int absolute = l && name[l - 1] == '.', r;

	for (size_t i = 0; i < l; i++)
		dots += name[i] == '.';
	if (absolute)
		l--;
	if (!l || name[l - 1] == '.' || l >= sizeof(canon))
		return EAI_NONAME;
	memcpy(canon, name, l);
	canon[l] = '.';
	if (!absolute && dots < c->ndots) {
		for (p = c->search;; p = z) {
			while (*p == ' ' || *p == '\t' || *p == '\r')
				p++;
			for (z = p; *z && *z != ' ' && *z != '\t' && *z != '\r'; z++)
				;
			if (z == p)
				break;
			if ((size_t)(z - p) < sizeof(canon) - l - 1) {
				memcpy(canon + l + 1, p, (size_t)(z - p));
				canon[l + 1 + (size_t)(z - p)] = 0;
				if ((r = from_dns(canon, family, c, port, out)) != 0)
					return r;
			}
		}
	}
	canon[l] = 0;
	r = from_dns(canon, family, c, port, out);
	return r ? r : EAI_NONAME;
}

int dns_lookup(const char *name, int family, const struct dns_env *env, struct dns_addr *out)
{
	struct hosts_ctx h = { .name = name, .family = family, .max = DNS_MAXADDRS, .out = out };
	struct dns_conf c;
	size_t l = strlen(name);
	int n;

	if (l < 1 || l > 254)
		return EAI_NONAME; /* as musl: no name of DNS is longer */
	lines_file(env->hosts, hosts_line, &h);
	if ((n = hosts_result(&h)) == 0) {
		/* only host-name characters go to DNS (musl's is_valid_hostname, and '_') */
		for (const unsigned char *s = (const unsigned char *)name; *s; s++)
			if (!(*s >= 0x80 || *s == '.' || *s == '-' || *s == '_' ||
			      (*s >= '0' && *s <= '9') || (lower(*s) >= 'a' && lower(*s) <= 'z')))
				return EAI_NONAME;
		conf_defaults(&c);
		lines_file(env->resolvconf, conf_line, &c);
		conf_finish(&c);
		n = from_dns_search(name, family, &c, env->port, out);
	}
	if (n > 0)
		dns_sort(out, n);
	return n;
}

/* ---- RFC 6724 destination address selection */

/* RFC 6724 section 2.1's policy table: prefix, its length in bits, precedence, label. */
static const struct policy {
	unsigned char prefix[16], bits, prec, label;
} policies[] = {
	{ { [15] = 1 }, 128, 50, 0 },                  /* ::1/128 */
	{ { [10] = 0xff, [11] = 0xff }, 96, 35, 4 },   /* ::ffff:0:0/96 */
	{ { 0 }, 96, 1, 3 },                           /* ::/96 */
	{ { 0x20, 0x01 }, 32, 5, 5 },                  /* 2001::/32 */
	{ { 0x20, 0x02 }, 16, 30, 2 },                 /* 2002::/16 */
	{ { 0x3f, 0xfe }, 16, 1, 12 },                 /* 3ffe::/16 */
	{ { 0xfe, 0xc0 }, 10, 1, 11 },                 /* fec0::/10 */
	{ { 0xfc }, 7, 3, 13 },                        /* fc00::/7 */
	{ { 0 }, 0, 40, 1 },                           /* ::/0 */
};

static unsigned common_bits(const unsigned char *a, const unsigned char *b)
{
	unsigned n = 0;

	while (n < 128 && !((a[n / 8] ^ b[n / 8]) & (0x80 >> (n % 8))))
		n++;
	return n;
}

/* IPv4 as ::ffff:a.b.c.d (RFC 6724 section 3.1) */
static void mapped(const struct dns_addr *a, unsigned char *m)
{
	if (a->family == AF_INET6) {
		memcpy(m, a->a, 16);
		return;
	}
	memset(m, 0, 10);
	m[10] = m[11] = 0xff;
	memcpy(m + 12, a->a, 4);
}

static const struct policy *policy_of(const unsigned char *m)
{
	const struct policy *p = policies;

	while (common_bits(m, p->prefix) < p->bits)
		p++;
	return p;
}

/* RFC 6724 section 3.1 / RFC 4291 scopes: 2 link-local (loopback, 169.254/16,
 * 127/8), 5 site-local, 14 global, a multicast address's own. */
static unsigned scope_of(const unsigned char *m)
{
	static const unsigned char lo[16] = { [15] = 1 };

	if (m[0] == 0xff)
		return m[1] & 15;
	if ((m[0] == 0xfe && (m[1] & 0xc0) == 0x80) || memcmp(m, lo, 16) == 0)
		return 2;
	if (m[0] == 0xfe && (m[1] & 0xc0) == 0xc0)
		return 5;
	if (policy_of(m)->label == 4 && (m[12] == 127 || (m[12] == 169 && m[13] == 254)))
		return 2;
	return 14;
}

uint32_t dns_sort_key(const struct dns_addr *d, const struct dns_addr *s, int i)
{
	unsigned char dm[16], sm[16];
	const struct policy *dp;
	unsigned ds;
	uint32_t key = (uint32_t)(DNS_MAXADDRS - i); /* rule 10: the order given */

	mapped(d, dm);
	dp = policy_of(dm);
	ds = scope_of(dm);
	key |= (uint32_t)dp->prec << 20;   /* rule 6 */
	key |= (uint32_t)(15 - ds) << 16;  /* rule 8: smaller scope first */
	if (s) {
		mapped(s, sm);
		key |= 1u << 30;                       /* rule 1 */
		if (scope_of(sm) == ds)
			key |= 1u << 29;               /* rule 2 */
		if (policy_of(sm)->label == dp->label)
			key |= 1u << 28;               /* rule 5 */
		if (d->family == AF_INET6 && s->family == AF_INET6) {
			unsigned c = common_bits(dm, sm);
			key |= (uint32_t)(c > 64 ? 64 : c) << 8; /* rule 9, up to the prefix */
		}
	}
	return key;
}

void dns_sort(struct dns_addr *a, int n)
{
	uint32_t key[DNS_MAXADDRS];
	int i, j, v6 = 0;

	for (i = 0; i < n; i++)
		v6 |= a[i].family == AF_INET6;
	if (!v6 || n > DNS_MAXADDRS)
		return; /* IPv4 alone keeps its order, as in musl */
	for (i = 0; i < n; i++) {
		struct sockaddr_in6 sa, src;
		socklen_t sl = ns_sockaddr(&a[i], 65535, &sa), srcl = sizeof(src);
		struct dns_addr s;
		int ok = 0, fd = socket(a[i].family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		/* rule 1's "is it routable": the source the kernel would use */
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sl) == 0 &&
		    getsockname(fd, (struct sockaddr *)&src, &srcl) == 0) {
			memset(&s, 0, sizeof(s));
			s.family = src.sin6_family;
			if (s.family == AF_INET)
				memcpy(s.a, &((struct sockaddr_in *)(void *)&src)->sin_addr, 4);
			else
				memcpy(s.a, &src.sin6_addr, 16);
			ok = 1;
		}
		if (fd >= 0)
			close(fd);
		key[i] = dns_sort_key(&a[i], ok ? &s : NULL, i);
	}
	for (i = 1; i < n; i++) { /* insertion sort, larger keys first */
		struct dns_addr t = a[i];
		uint32_t k = key[i];
		for (j = i; j > 0 && key[j - 1] < k; j--) {
			a[j] = a[j - 1];
			key[j] = key[j - 1];
		}
		a[j] = t;
		key[j] = k;
	}
}
