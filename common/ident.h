/* ident.h: the identification exchange (RFC 4253 section 4.2), as a pure parser over
 * received bytes.
 *
 * Each side sends "SSH-2.0-softwareversion SP comments CR LF" first. A server may send
 * other lines before its identification, so a client skips them (bounded in number and
 * total size); a client must send its identification first, so a server refuses
 * anything else. Every line, identification or not, is at most DB_MAX_IDENT_LINE bytes
 * including CR LF. Bytes after the identification line are the first packets: they stay
 * in the buffer for the packet layer. */
#ifndef IDENT_H
#define IDENT_H

#include <stddef.h>

#include "buf.h"
#include "options.h"

/* Our identification line, without CR LF. The same for the server and the client. */
#define IDENT_OURS "SSH-2.0-" DB_NAME "_" DB_VERSION

struct ident {
	char peer[DB_MAX_IDENT_LINE + 1]; /* the peer's line without CR LF, NUL-terminated */
	int allow_preamble;               /* client: other lines may precede the identification */
	unsigned lines;                   /* preamble lines skipped so far */
	size_t preamble_bytes;            /* and their total size */
	const char *why;                  /* after an error: what was wrong, for the log */
};

void ident_init(struct ident *id, int allow_preamble);
/* Consumes whole lines from in (from in->pos on). Returns 0 once the identification line
 * has been consumed: id->peer holds it and in->pos is just past its LF. ERR_AGAIN when
 * more bytes are needed (skipped preamble lines stay consumed). Otherwise an error with
 * id->why set: ERR_TOOBIG (a line over DB_MAX_IDENT_LINE, too many or too large preamble
 * lines), ERR_PROTOCOL (not an SSH identification where one is required, a NUL or a
 * control character), ERR_UNSUPPORTED (a protocol version other than 2.0 / 1.99). */
int ident_parse(struct ident *id, struct buf *in);

#endif
