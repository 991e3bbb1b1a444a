/* socks.h: what a SOCKS client asks of dbclient -D, parsed in one place.
 *
 * SOCKS5 (RFC 1928) without authentication (method 0), CONNECT only, to an IPv4 or IPv6
 * address or a domain name; SOCKS4 CONNECT to an IPv4 address and its 4a extension for
 * names (an address of 0.0.0.x, x != 0, with the name after the user id). BIND and UDP
 * ASSOCIATE are refused: a direct-tcpip channel is one outgoing TCP connection.
 *
 * socks_parse is given everything the client sent so far and says what to do next: wait
 * for more, answer SOCKS5's method selection, or connect. socks_reply builds the answers.
 * A client never needs to send more than SOCKS_MAX_MSG bytes before an answer, so the
 * caller's buffer is that big and a client that fills it without a complete message is
 * refused. Pure functions: no allocation, no I/O. Hostile input is only ever an error. */
#ifndef SOCKS_H
#define SOCKS_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

/* SOCKS4a's longest request: 8 bytes, a user id of up to 255 bytes and a name of up to
 * 255, each NUL-terminated. SOCKS5's longest (greeting or request) is 262 bytes. */
#define SOCKS_MAX_MSG 520
/* The longest answer we send (SOCKS5 with an IPv4 bound address). */
#define SOCKS_MAX_REPLY 10

/* socks_parse results other than 0 (the request is complete) and negative ERR_*: */
#define SOCKS_MORE 1   /* the message is incomplete: read more and call again */
#define SOCKS_METHOD 2 /* a SOCKS5 greeting offering "no authentication": answer with
                        * socks_reply(SOCKS_R_METHOD), drop *used bytes, call again */

/* SOCKS5 reply codes (RFC 1928 section 6) we use. */
#define SOCKS5_FAILURE 1
#define SOCKS5_HOST_UNREACHABLE 4
#define SOCKS5_REFUSED 5
#define SOCKS5_CMD_UNSUPPORTED 7
#define SOCKS5_ATYP_UNSUPPORTED 8

struct socks_req {
	int version; /* 0 until the first byte, then 4 or 5 */
	int stage;   /* SOCKS5: 0 greeting, 1 request (after our method selection) */
	int reply;   /* SOCKS5 reply code for a refusal (SOCKS5_*; 0: general failure) */
	char host[DB_MAX_FWD_HOST]; /* complete request: the address or name, printable */
	uint32_t port;              /* complete request: 1..65535 */
};

void socks_init(struct socks_req *r);

/* p[0..n) is what the client sent since the last message we consumed. Returns 0 with
 * host and port set (*used: the request's length), SOCKS_MORE, SOCKS_METHOD (*used: the
 * greeting's length; the request comes next), or: ERR_FORMAT (not SOCKS, or a malformed
 * message), ERR_UNSUPPORTED (a version, command, address type or authentication we do not
 * offer), ERR_TOOBIG (a user id or name too long), ERR_INVALID (port 0, an empty or
 * unprintable name). After an error, send socks_reply(SOCKS_R_FAIL) and close. */
int socks_parse(struct socks_req *r, const uint8_t *p, size_t n, size_t *used);

enum socks_answer {
	SOCKS_R_METHOD, /* SOCKS5: "no authentication" chosen */
	SOCKS_R_OK,     /* the connection is made */
	SOCKS_R_FAIL,   /* refused (r->reply says why for SOCKS5) */
};
/* The answer for r's version and stage in out; returns its length (0: the version is not
 * known yet, nothing can be said). The bound address we report is 0.0.0.0:0: the far end's
 * is not known to us, and clients doing CONNECT do not use it. */
size_t socks_reply(const struct socks_req *r, enum socks_answer a, uint8_t out[SOCKS_MAX_REPLY]);

#endif
