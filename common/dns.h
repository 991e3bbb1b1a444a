/* dns: a small stub resolver for the static builds (DB_OWN_RESOLVER, options.h), in
 * place of musl's getaddrinfo. A name is looked up as musl looks it up: /etc/hosts
 * first (a name found there is never sent to DNS), then A and/or AAAA queries over UDP
 * to the nameservers of /etc/resolv.conf, through its search list; the addresses come
 * back in RFC 6724 destination order. Everything read from the files or the network is
 * bounded; errors are getaddrinfo's EAI_* codes (negative, as in glibc and musl). The
 * file paths and the server port are parameters (struct dns_env) so that tests can use
 * their own files and a fake server; resolve() uses /etc and port 53. */
#ifndef DNS_H
#define DNS_H

#include <stddef.h>
#include <stdint.h>

#include "options.h" /* DNS_MAXNS, DNS_MAXADDRS, DNS_LINE_MAX, DNS_REPLY_MAX */

#define DNS_QUERY_MAX 280 /* header, a name of at most 255 bytes, type and class */

struct dns_addr {
	int family;          /* AF_INET or AF_INET6 */
	uint32_t scope;      /* IPv6 scope id */
	unsigned char a[16]; /* 4 bytes used for IPv4 */
};

struct dns_conf {
	struct dns_addr ns[DNS_MAXNS];
	int nns;
	unsigned ndots, timeout, attempts; /* musl's defaults 1, 5 s, 2; bounds 15, 60, 10 */
	char search[256];                  /* "search" / "domain": the last line wins */
};

struct dns_env {
	const char *hosts;      /* "/etc/hosts" */
	const char *resolvconf; /* "/etc/resolv.conf" */
	uint16_t port;          /* 53 */
};

/* A numeric IPv4 or IPv6 address (with %scope) into *a; 0 or -1. */
int dns_parse_addr(const char *s, struct dns_addr *a);
/* resolv.conf text into *c (defaults first; 127.0.0.1 when no nameserver line). */
void dns_conf_parse(const char *text, size_t len, struct dns_conf *c);
/* The addresses of name (case-insensitive, names and aliases) of family (AF_UNSPEC,
 * AF_INET, AF_INET6) in hosts text, at most max into out: returns how many, 0 when the
 * name is not there, EAI_NONAME when it is there with other families only. */
int dns_hosts_parse(const char *text, size_t len, const char *name, int family,
                    struct dns_addr *out, int max);
/* A recursive query for name (no trailing dot) of qtype (1 A, 28 AAAA) with id into out
 * (DNS_QUERY_MAX bytes): its length, or -1 (an empty label, one over 63 bytes, a name
 * over 255). */
int dns_query_make(uint8_t *out, const char *name, unsigned qtype, uint16_t id);
/* A reply to query (qlen bytes, from dns_query_make): -1 when it is not one (too short,
 * not a response, another ID, another question); else 0 with *rcode set and the
 * answer section's records of the query's type and class IN (whatever CNAMEs led to
 * them, as musl takes them) appended to out while *n < max. Parsing stops at the first
 * malformed or truncated record (TC: the complete records are used, as musl 1.2.3). */
int dns_reply_parse(const uint8_t *msg, size_t len, const uint8_t *query, size_t qlen,
                    int *rcode, struct dns_addr *out, int max, int *n);
/* The sort key of destination d with source s (NULL: no route) at list position i:
 * RFC 6724 section 6 rules 1, 2, 5, 6, 8, 9 (IPv6 only) and 10, larger first. */
uint32_t dns_sort_key(const struct dns_addr *d, const struct dns_addr *s, int i);
/* Sorts a[0..n) by dns_sort_key, the source of each from a connect() on a UDP socket. */
void dns_sort(struct dns_addr *a, int n);
/* name (not numeric) of family through env: the number of addresses put into out
 * (DNS_MAXADDRS), sorted, or an EAI_* code. */
int dns_lookup(const char *name, int family, const struct dns_env *env, struct dns_addr *out);

#endif
