/* x11proto.h: the pieces of X11 forwarding that parse text or bytes someone else wrote
 * (RFC 4254 6.3; the X Window System Protocol, chapter 8 "Connection Setup"):
 *
 *   - the connection setup message an X client sends first (dbclient checks that it
 *     carries the fake cookie it gave the server, then puts the real one in its place);
 *   - a DISPLAY value (":N.S", "unix:N", "host:N.S");
 *   - a line of `xauth list` output (the real cookie);
 *   - the cookie and protocol name of an x11-req (the server feeds them to xauth).
 *
 * Nothing here allocates or does I/O; every function returns 0 or an ERR_* code. */
#ifndef X11PROTO_H
#define X11PROTO_H

#include <stddef.h>
#include <stdint.h>

/* The only authorization protocol forwarded (OpenSSH forwards this one too). */
#define X11_PROTO_MIT "MIT-MAGIC-COOKIE-1"
/* Longest cookie accepted, in bytes (MIT-MAGIC-COOKIE-1's is 16; OpenSSH's limit is
 * 256 bytes of hex text). */
#define X11_MAX_COOKIE 128
/* Longest authorization protocol name accepted in an x11-req. */
#define X11_MAX_PROTO 64
/* Displays are 0..X11_MAX_DISPLAY: TCP port 6000 + N must be a port. */
#define X11_MAX_DISPLAY (65535 - 6000)
#define X11_TCP_PORT 6000

/* Checks an X11 connection setup message (the first bytes of an x11 channel) held in
 * p[0..n): byte order 'B' or 'l', protocol major version 11, an authorization name equal
 * to proto and data of exactly cookie_len bytes equal to cookie (compared in constant
 * time). Returns 0 with *data_off set to where the authorization data starts in p (for
 * replacing it with the real cookie, of the same length), ERR_AGAIN when more bytes are
 * needed (never more than x11_setup_max(), so the caller may hold at most that), or
 * ERR_FORMAT (byte order, version), ERR_TOOBIG (lengths that are not ours) or
 * ERR_BADSIG (another protocol or cookie): refuse the connection. */
int x11_setup_check(const uint8_t *p, size_t n, const char *proto, const uint8_t *cookie,
                    size_t cookie_len, size_t *data_off);
/* The most bytes x11_setup_check needs for a cookie of that length. */
size_t x11_setup_max(const char *proto, size_t cookie_len);

struct x11_display {
	char host[256]; /* "" for a local display (":N" or "unix:N") */
	unsigned num;   /* display number */
	unsigned screen;
};
/* Parses DISPLAY: [host]:N[.S], "unix" meaning local. ERR_FORMAT for anything else
 * (a path form such as macOS's launchd socket is not supported). */
int x11_display_parse(const char *s, struct x11_display *d);

/* Parses the first line of `xauth list` output ("DISPLAYNAME  PROTO  HEXDATA"): proto
 * must be MIT-MAGIC-COOKIE-1; the data is decoded into cookie (at most X11_MAX_COOKIE
 * bytes), its length in *len. ERR_FORMAT / ERR_TOOBIG / ERR_UNSUPPORTED otherwise. */
int x11_xauth_line(const char *line, size_t n, uint8_t *cookie, size_t *len);

/* An x11-req's protocol name and cookie as the server will pass them to xauth: the
 * name of letters, digits and "-._" (at most X11_MAX_PROTO), the cookie an even number
 * of hex digits for 1..X11_MAX_COOKIE bytes. 0 or ERR_FORMAT. */
int x11_req_check(const char *proto, const char *hexcookie);

/* Lowercase hex of n bytes into out (2n + 1 bytes with the NUL). */
void x11_hex(const uint8_t *p, size_t n, char *out);

#endif
