/* ipaddr: see ipaddr.h. */
#include "ipaddr.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fmt.h"
#include "options.h"

/* The dotted quad at s, up to end (or the string's end when end is NULL): 1 or 0. */
static int pton4(const char *s, uint8_t out[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = 0, n = 0;
		for (; *s >= '0' && *s <= '9' && n < 4; s++, n++)
			v = v * 10 + (unsigned)(*s - '0');
		if (!n || n > 3 || v > 255 || (n > 1 && s[-(int)n] == '0'))
			return 0;
		out[i] = (uint8_t)v;
		if (i < 3 && *s++ != '.')
			return 0;
	}
	return *s == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int pton6(const char *s, uint8_t out[16])
{
	uint16_t g[8];
	int n = 0, gap = -1, i;

	if (s[0] == ':' && s[1] != ':')
		return 0;
	if (s[0] == ':')
		s++; /* "::..." : the first colon of the pair */
	while (*s) {
		unsigned v = 0;
		int d = 0, x;
		if (*s == ':') {
			if (gap >= 0)
				return 0; /* a second "::" */
			gap = n;
			if (!*++s)
				break;
		}
		if (n == 8)
			return 0;
		for (; d < 5 && (x = hexval(s[d])) >= 0; d++)
			v = v << 4 | (unsigned)x;
		if (s[d] == '.' && n <= 6) { /* the last 32 bits as a dotted quad */
			uint8_t q[4];
			if (!pton4(s, q))
				return 0;
			g[n++] = (uint16_t)(q[0] << 8 | q[1]);
			g[n++] = (uint16_t)(q[2] << 8 | q[3]);
			break;
		}
		if (!d || d > 4)
			return 0;
		g[n++] = (uint16_t)v;
		s += d;
		if (*s == ':' && !*++s)
			return 0; /* a single trailing colon */
		else if (*s && s[-1] != ':')
			return 0;
	}
	if (gap < 0 ? n != 8 : n == 8)
		return 0;
	for (i = 0; i < 16; i++)
		out[i] = 0;
	for (i = 0; i < n; i++) {
		int at = gap >= 0 && i >= gap ? i + 8 - n : i;
		out[2 * at] = (uint8_t)(g[i] >> 8);
		out[2 * at + 1] = (uint8_t)g[i];
	}
	return 1;
}

int ipaddr_pton(int af, const char *src, void *dst)
{
	uint8_t a[16];

	if (af == AF_INET) {
		if (!pton4(src, a))
			return 0;
		memcpy(dst, a, 4);
		return 1;
	}
	if (af == AF_INET6) {
		if (!pton6(src, a))
			return 0;
		memcpy(dst, a, 16);
		return 1;
	}
	errno = EAFNOSUPPORT;
	return -1;
}

const char *ipaddr_ntop(int af, const void *src, char *dst, socklen_t size)
{
	const uint8_t *a = src;
	char t[48];
	int n = 0, i, best = -1, bestlen = 1, run = 0;

	if (af == AF_INET) {
		n = fmt_snprintf(t, sizeof(t), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	} else if (af == AF_INET6) {
		int mapped = !memcmp(a, "\0\0\0\0\0\0\0\0\0\0\377\377", 12);
		int groups = mapped ? 6 : 8;
		for (i = 0; i < groups; i++) { /* the first longest run of zero groups */
			run = a[2 * i] | a[2 * i + 1] ? 0 : run + 1;
			if (run > bestlen)
				bestlen = run, best = i - run + 1;
		}
		for (i = 0; i < groups; i++) {
			if (i == best) {
				n += fmt_snprintf(t + n, sizeof(t) - (size_t)n, "::");
				i += bestlen - 1;
				continue;
			}
			n += fmt_snprintf(t + n, sizeof(t) - (size_t)n, "%s%x",
					  i && i != best + bestlen ? ":" : "", a[2 * i] << 8 | a[2 * i + 1]);
		}
		if (mapped)
			n += fmt_snprintf(t + n, sizeof(t) - (size_t)n, "%s%u.%u.%u.%u",
					  best + bestlen == 6 ? "" : ":", a[12], a[13], a[14], a[15]);
	} else {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	if (n < 0 || (size_t)n >= size) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(dst, t, (size_t)n + 1);
	return dst;
}

#if DB_STATIC_MUSL
#include <arpa/inet.h>

int inet_pton(int af, const char *restrict src, void *restrict dst)
{
	return ipaddr_pton(af, src, dst);
}

const char *inet_ntop(int af, const void *restrict src, char *restrict dst, socklen_t size)
{
	return ipaddr_ntop(af, src, dst, size);
}
#endif
