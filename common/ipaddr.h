/* ipaddr.h: IPv4 and IPv6 addresses from and to text, as inet_pton and inet_ntop
 * (POSIX; the text form RFC 5952's: lower case, the longest run of two or more zero
 * groups as "::", the first of equal runs, ::ffff:a.b.c.d for IPv4-mapped addresses).
 * In the static musl builds (DB_STATIC_MUSL) ipaddr.c also defines inet_pton and
 * inet_ntop over these, in place of musl's (1.6 kB; musl's inet_ntop also shortens a
 * single zero group, which RFC 5952 4.2.2 forbids). */
#ifndef IPADDR_H
#define IPADDR_H

#include <sys/socket.h>

/* 1 with the address in dst (4 or 16 bytes), 0 when src is not one, -1 (EAFNOSUPPORT)
 * for another af. IPv4: four decimal numbers to 255 without leading zeros. IPv6: up to
 * eight groups of 1-4 hex digits, at most one "::", the last 32 bits may be an IPv4
 * address. */
int ipaddr_pton(int af, const char *src, void *dst);
/* dst, or NULL (ENOSPC when size is too small, EAFNOSUPPORT for another af). */
const char *ipaddr_ntop(int af, const void *src, char *dst, socklen_t size);

#endif
