/* resolve: the one place host and port text become socket addresses (the daemon's -p,
 * forwarding listeners and connections, dbclient's host, -b and X11 display). With
 * DB_DNS (options.h) it is getaddrinfo(), or with DB_OWN_RESOLVER our own stub resolver
 * (common/dns.c); without DB_DNS, names are numeric only and musl's resolver stays out
 * of the binary. */
#ifndef RESOLVE_H
#define RESOLVE_H

#include <netdb.h>
#include <stdint.h>

#include "options.h"

/* getaddrinfo() without any name lookup: host is NULL (the wildcard addresses with
 * AI_PASSIVE in hints, else the loopback ones), an IPv4 dotted quad, an IPv6 address
 * (with %scope: a number or an interface name), or "localhost" (127.0.0.1 and ::1);
 * port is a decimal number 0..65535 (or NULL: 0). hints gives the family (AF_UNSPEC,
 * AF_INET, AF_INET6), the socket type and AI_PASSIVE; the other flags are implied.
 * IPv4 comes before IPv6, as musl orders them. Returns 0 with a list to free with
 * resolve_free_numeric, or EAI_NONAME (a host name or malformed address), EAI_SERVICE
 * (a port that is not a number in range), EAI_FAMILY, EAI_MEMORY. */
int resolve_numeric(const char *host, const char *port, const struct addrinfo *hints,
                    struct addrinfo **res);
void resolve_free_numeric(struct addrinfo *res);
/* gai_strerror() of resolve_numeric's errors, with musl's texts: musl's gai_strerror
 * would link its table of every EAI_* (331 bytes) for these four. */
const char *resolve_numeric_strerror(int err);
/* An interface name or decimal index (the %scope of an IPv6 address) into *id; 0 or -1. */
int resolve_scope(const char *s, uint32_t *id);

struct dns_env;
/* resolve_numeric, then for a host name dns_lookup (dns.h) through env's hosts and
 * resolv.conf files and nameserver port: /etc/hosts names, DNS as musl asks, RFC 6724
 * order. Ports are numbers only (no /etc/services). Errors: resolve_numeric's and
 * EAI_AGAIN (no answer, SERVFAIL), EAI_NODATA (no address of the family), EAI_SYSTEM.
 * resolve_name is it with /etc/hosts, /etc/resolv.conf and port 53. */
int resolve_name_at(const char *host, const char *port, const struct addrinfo *hints,
                    struct addrinfo **res, const struct dns_env *env);
int resolve_name(const char *host, const char *port, const struct addrinfo *hints,
                 struct addrinfo **res);

#if DB_DNS && DB_OWN_RESOLVER
#define resolve(h, p, hints, res) resolve_name(h, p, hints, res)
#define resolve_free(res) resolve_free_numeric(res)
#define resolve_strerror(err) resolve_numeric_strerror(err)
#elif DB_DNS
#define resolve(h, p, hints, res) getaddrinfo(h, p, hints, res)
#define resolve_free(res) freeaddrinfo(res)
#define resolve_strerror(err) gai_strerror(err)
#else
#define resolve(h, p, hints, res) resolve_numeric(h, p, hints, res)
#define resolve_free(res) resolve_free_numeric(res)
#define resolve_strerror(err) resolve_numeric_strerror(err)
#endif

#endif
