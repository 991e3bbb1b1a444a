/* resolve: the one place host and port text become socket addresses (the daemon's -p,
 * forwarding listeners and connections). With DB_DNS (options.h) it is getaddrinfo();
 * without, names are numeric only and musl's resolver stays out of the binary. */
#ifndef RESOLVE_H
#define RESOLVE_H

#include <netdb.h>

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

#if DB_DNS
#define resolve(h, p, hints, res) getaddrinfo(h, p, hints, res)
#define resolve_free(res) freeaddrinfo(res)
#define resolve_strerror(err) gai_strerror(err)
#else
#define resolve(h, p, hints, res) resolve_numeric(h, p, hints, res)
#define resolve_free(res) resolve_free_numeric(res)
#define resolve_strerror(err) resolve_numeric_strerror(err)
#endif

#endif
