/* fwdspec.h: the text forms of TCP forwarding, parsed and matched in one place.
 *
 * - forwarding specs of -L and -R: [bindaddr:]port:host:hostport, IPv6 addresses in
 *   brackets, an empty or "*" bind address meaning every address;
 * - host:port pairs (-B, permitopen="host:port") and [host:]port (permitlisten=);
 * - the open data of direct-tcpip / forwarded-tcpip channels and the data of the
 *   tcpip-forward / cancel-tcpip-forward global requests (RFC 4254 7.1, 7.2);
 * - the permitopen / permitlisten checks the server makes for direct-tcpip and
 *   tcpip-forward (RFC 4254 7.1, 7.2), as OpenSSH's authorized_keys options define them.
 *
 * Pure functions on NUL-terminated strings: no allocation, no I/O. Everything that does
 * not parse is ERR_FORMAT; a host longer than DB_MAX_FWD_HOST - 1 is ERR_TOOBIG. */
#ifndef FWDSPEC_H
#define FWDSPEC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "options.h"

/* The longest unix socket path, with its NUL (sockaddr_un's sun_path on Linux). */
#define FWD_MAX_SOCK_PATH 108

/* A port of "*" in permitopen / permitlisten. */
#define FWD_PORT_ANY 0x10000u

struct fwdspec {
	/* Listening side: "" when no bind address was given (the default applies: loopback
	 * unless -g / -a), "*" for an empty or "*" bind address (every address). */
	char listen_host[DB_MAX_FWD_HOST];
	uint32_t listen_port;
	char connect_host[DB_MAX_FWD_HOST];
	uint32_t connect_port;
	/* Unix sockets (OpenSSH's -L / -R with paths): 1 when listen_host / connect_host
	 * holds a socket path (shorter than FWD_MAX_SOCK_PATH) instead of a host, the port
	 * being 0 then. */
	uint8_t listen_unix, connect_unix;
};

/* Flags for fwd_parse_spec. */
#define FWD_LISTEN_PORT0 1u /* a listen port of 0 is allowed (-R: the server picks one) */

/* Parses "[bindaddr:]port:host:hostport". Ports are decimal, 1..65535 (0 for the listen
 * port only with FWD_LISTEN_PORT0). Either side may be an absolute unix socket path
 * instead: "/path:host:hostport", "[bindaddr:]port:/path", "/path:/path" (a listen path
 * ends at the first ':'; a connect path is the rest of the spec). */
int fwd_parse_spec(const char *s, unsigned flags, struct fwdspec *out);

/* Parses "host:port" or "[v6addr]:port" into host[hostsz] and *port (1..65535; "*" gives
 * FWD_PORT_ANY when any_port). */
int fwd_parse_hostport(const char *s, int any_port, char *host, size_t hostsz, uint32_t *port);

/* Parses "[host:]port" (permitlisten): host is "" when absent; port may be "*". */
int fwd_parse_listen(const char *s, char *host, size_t hostsz, uint32_t *port);

/* One ProxyJump hop (ssh_config(5)): "[user@]host[:port]", the host possibly "[v6addr]".
 * user gets "" and *port 0 when absent; the user is everything before the last '@'
 * (printable, no spaces). ERR_FORMAT / ERR_TOOBIG as above. */
int fwd_parse_jump(const char *s, char *user, size_t usersz, char *host, size_t hostsz,
                   uint32_t *port);

/* Case-insensitive glob match of s against pat ('*' any run, '?' any one character), as
 * ssh_config(5) PATTERNS; bounded work (no recursion). 1 on a match. */
int fwd_pattern_match(const char *pat, const char *s);

/* permitopen: 1 when n == 0 or one of the n "host:port" entries allows connecting to
 * host:port. Hosts compare literally (case-insensitively), "*" being any host; a port of
 * "*" is any port (OpenSSH's authorized_keys permitopen). Unparsable entries allow
 * nothing. */
int fwd_permit_open(char *const *permits, int n, const char *host, uint32_t port);

/* permitlisten: 1 when n == 0 or one of the n "[host:]port" entries allows listening on
 * host:port. A missing host allows any bind address; hosts are patterns. */
int fwd_permit_listen(char *const *permits, int n, const char *host, uint32_t port);

/* The open data of direct-tcpip and forwarded-tcpip (RFC 4254 7.2 and 7.1): string host
 * (to connect to / that was connected), uint32 port, string originator address, uint32
 * originator port, nothing after. */
struct fwd_tcpip_open {
	char host[DB_MAX_FWD_HOST];
	uint32_t port;
	char orig[DB_MAX_FWD_HOST];
	uint32_t orig_port;
};
/* ERR_TRUNCATED / ERR_TRAILING for a malformed message (a protocol error); ERR_INVALID
 * for well-formed data we will not act on (a host that is too long or not printable,
 * empty unless empty_host, a port above 65535): refuse the channel. empty_host: for
 * forwarded-tcpip, whose address is the one the client asked for, "" included. The
 * originator address is informational: anything unprintable or too long becomes "?". */
int fwd_parse_tcpip_open(struct buf *b, int empty_host, struct fwd_tcpip_open *o);

/* tcpip-forward / cancel-tcpip-forward (RFC 4254 7.1): string address to bind, uint32
 * port. The address may be empty (every address). Errors as fwd_parse_tcpip_open. */
int fwd_parse_tcpip_forward(struct buf *b, char *addr, size_t addrsz, uint32_t *port);

/* Unix-domain socket forwarding (OpenSSH's PROTOCOL 2.4): the socket path of
 *   FWD_SL_DIRECT     direct-streamlocal@openssh.com open: string path, string reserved,
 *                     uint32 reserved;
 *   FWD_SL_FORWARDED  forwarded-streamlocal@openssh.com open: string path, string reserved;
 *   FWD_SL_REQUEST    streamlocal-forward / cancel-streamlocal-forward: string path.
 * Nothing may follow. ERR_INVALID for a path that is empty, holds a NUL or a control
 * character, or does not fit a sockaddr_un (FWD_MAX_SOCK_PATH - 1 bytes at most); the
 * other errors as fwd_parse_tcpip_open. */
enum fwd_sl_msg { FWD_SL_DIRECT, FWD_SL_FORWARDED, FWD_SL_REQUEST };
int fwd_parse_streamlocal(struct buf *b, enum fwd_sl_msg kind, char *path, size_t pathsz);

#endif
