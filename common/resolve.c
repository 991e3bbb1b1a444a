/* resolve: host and port text to an addrinfo list (see resolve.h). */
#include "resolve.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"

/* One list element and its address, in one allocation (freed with the element). */
struct rai {
	struct addrinfo ai;
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa;
};

static int parse_port(const char *p, unsigned *port)
{
	unsigned v = 0;

	*port = 0;
	if (!p)
		return 0;
	if (!*p)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > 65535)
			return -1;
	}
	*port = v;
	return 0;
}

/* Scope of "ADDR%SCOPE": a decimal interface index or an interface name. */
int resolve_scope(const char *s, uint32_t *id)
{
	unsigned long v = 0;
	const char *p;

	if (!*s)
		return -1;
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 0xffffffffUL)
			return -1;
	}
	if (!*p) {
		*id = (uint32_t)v;
		return 0;
	}
	return (*id = if_nametoindex(s)) ? 0 : -1;
}

static int add(struct addrinfo **tail, int family, const void *addr, uint32_t scope,
               unsigned port, const struct addrinfo *hints)
{
	struct rai *r;

	if (hints->ai_family != AF_UNSPEC && hints->ai_family != family)
		return 0;
	if (!(r = calloc(1, sizeof(*r))))
		return -1;
	r->ai.ai_family = family;
	r->ai.ai_socktype = hints->ai_socktype;
	r->ai.ai_protocol = hints->ai_socktype == SOCK_DGRAM ? IPPROTO_UDP :
	                    hints->ai_socktype == SOCK_STREAM ? IPPROTO_TCP : hints->ai_protocol;
	r->ai.ai_addr = (struct sockaddr *)&r->sa;
	if (family == AF_INET) {
		r->sa.v4.sin_family = AF_INET;
		r->sa.v4.sin_port = htons((uint16_t)port);
		memcpy(&r->sa.v4.sin_addr, addr, 4);
		r->ai.ai_addrlen = sizeof(r->sa.v4);
	} else {
		r->sa.v6.sin6_family = AF_INET6;
		r->sa.v6.sin6_port = htons((uint16_t)port);
		memcpy(&r->sa.v6.sin6_addr, addr, 16);
		r->sa.v6.sin6_scope_id = scope;
		r->ai.ai_addrlen = sizeof(r->sa.v6);
	}
	*tail = &r->ai;
	return 1;
}

void resolve_free_numeric(struct addrinfo *res)
{
	while (res) {
		struct addrinfo *next = res->ai_next;
		free(res); /* the element's struct rai */
		res = next;
	}
}

int resolve_numeric(const char *host, const char *port, const struct addrinfo *hints,
                    struct addrinfo **res)
{
	static const unsigned char any[16], lo6[16] = { [15] = 1 };
	static const unsigned char lo4[4] = { 127, 0, 0, 1 };
	unsigned char a4[4], a6[16];
	struct addrinfo *head = NULL, **tail = &head;
	const void *v4 = NULL, *v6 = NULL;
	uint32_t scope = 0;
	unsigned p;
	int r;

	*res = NULL;
	if (hints->ai_family != AF_UNSPEC && hints->ai_family != AF_INET &&
	    hints->ai_family != AF_INET6)
		return EAI_FAMILY;
	if (parse_port(port, &p) != 0)
		return EAI_SERVICE;
	if (!host) {
		int passive = (hints->ai_flags & AI_PASSIVE) != 0;
		v4 = passive ? any : lo4;
		v6 = passive ? any : lo6;
	} else if (strcmp(host, "localhost") == 0) {
		v4 = lo4;
		v6 = lo6;
	} else if (inet_pton(AF_INET, host, a4) == 1) {
		v4 = a4;
	} else {
		char buf[INET6_ADDRSTRLEN];
		const char *pct = strchr(host, '%');
		size_t n = pct ? (size_t)(pct - host) : strlen(host);
		if (n >= sizeof(buf))
			return EAI_NONAME;
		memcpy(buf, host, n);
		buf[n] = 0;
		if (inet_pton(AF_INET6, buf, a6) != 1 || (pct && resolve_scope(pct + 1, &scope) != 0))
			return EAI_NONAME;
		v6 = a6;
	}
	if (v4) {
		if ((r = add(tail, AF_INET, v4, 0, p, hints)) < 0)
			return EAI_MEMORY;
		if (r)
			tail = &(*tail)->ai_next;
	}
	if (v6 && (r = add(tail, AF_INET6, v6, scope, p, hints)) < 0) {
		resolve_free_numeric(head);
		return EAI_MEMORY;
	}
	if (!head)
		return EAI_NONAME; /* only a family the hints exclude */
	*res = head;
	return 0;
}

const char *resolve_numeric_strerror(int err)
{
	switch (err) {
	case EAI_NONAME: return "Name does not resolve";
	case EAI_SERVICE: return "Unrecognized service";
	case EAI_FAMILY: return "Unrecognized address family or invalid length";
	case EAI_MEMORY: return "Out of memory";
	case EAI_AGAIN: return "Try again";
	case EAI_FAIL: return "Non-recoverable error";
	case EAI_NODATA: return "Name has no usable address";
	case EAI_SYSTEM: return "System error";
	default: return "Unknown error";
	}
}

int resolve_name_at(const char *host, const char *port, const struct addrinfo *hints,
                    struct addrinfo **res, const struct dns_env *env)
{
	struct dns_addr a[DNS_MAXADDRS];
	struct addrinfo *head = NULL, **tail = &head;
	unsigned char a4[4];
	unsigned p;
	int n, r = resolve_numeric(host, port, hints, res);

	/* numeric addresses (right or wrong), NULL and "localhost" end here, as in musl */
	if (r != EAI_NONAME || !host || strchr(host, ':') || inet_pton(AF_INET, host, a4) == 1)
		return r;
	if ((n = dns_lookup(host, hints->ai_family, env, a)) < 0)
		return n;
	(void)parse_port(port, &p); /* checked by resolve_numeric */
	for (int i = 0; i < n; i++) {
		if ((r = add(tail, a[i].family, a[i].a, a[i].scope, p, hints)) < 0) {
			resolve_free_numeric(head);
			return EAI_MEMORY;
		}
		if (r)
			tail = &(*tail)->ai_next;
	}
	if (!head)
		return EAI_NONAME;
	*res = head;
	return 0;
}

int resolve_name(const char *host, const char *port, const struct addrinfo *hints,
                 struct addrinfo **res)
{
	static const struct dns_env env = { "/etc/hosts", "/etc/resolv.conf", 53 };

	return resolve_name_at(host, port, hints, res, &env);
}
