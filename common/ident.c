#include "ident.h"

#include <string.h>

#include "err.h"

void ident_init(struct ident *id, int allow_preamble)
{
	memset(id, 0, sizeof(*id));
	id->allow_preamble = allow_preamble;
}

static int fail(struct ident *id, int err, const char *why)
{
	id->why = why;
	return err;
}

/* RFC 4253 4.2: "SSH-protoversion-softwareversion SP comments", printable US-ASCII.
 * 1.99 announces a server that also speaks 2.0 (section 5.1). */
static int check_ident(struct ident *id, const char *s, size_t n)
{
	size_t i;
	const char *sw;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return fail(id, ERR_PROTOCOL,
			            "identification contains a control character");
	if (n >= 8 && memcmp(s, "SSH-2.0-", 8) == 0)
		sw = s + 8;
	else if (n >= 9 && memcmp(s, "SSH-1.99-", 9) == 0)
		sw = s + 9;
	else if (n >= 6 && memcmp(s, "SSH-1.", 6) == 0)
		return fail(id, ERR_UNSUPPORTED, "SSH protocol 1 is not supported");
	else
		return fail(id, ERR_UNSUPPORTED, "unknown SSH protocol version");
	if (sw == s + n || *sw == ' ')
		return fail(id, ERR_PROTOCOL, "identification has no software version");
	return 0;
}

int ident_parse(struct ident *id, struct buf *in)
{
	char line[DB_MAX_IDENT_LINE];

	for (;;) {
		struct buf t = *in; /* a line is consumed only once it is whole */
		size_t n = 0, len;
		uint8_t ch = 0;
		int lf = 0;

		while (n < DB_MAX_IDENT_LINE && buf_get_u8(&t, &ch) == 0) {
			if (ch == '\n') {
				lf = 1;
				break;
			}
			line[n++] = (char)ch;
		}
		if (!lf) {
			/* A client must start with its identification (RFC 4253 4.2): refuse
			 * anything else now rather than wait for a newline or the timeout. */
			if (!id->allow_preamble && memcmp(line, "SSH-", n < 4 ? n : 4) != 0)
				return fail(id, ERR_PROTOCOL, "not an SSH identification");
			if (n >= DB_MAX_IDENT_LINE)
				return fail(id, ERR_TOOBIG, "identification line too long");
			return ERR_AGAIN;
		}
		in->pos = t.pos;
		len = n;
		if (len && line[len - 1] == '\r')
			len--; /* CR LF, or a bare LF as many implementations send */
		if (len >= 4 && memcmp(line, "SSH-", 4) == 0) {
			int r = check_ident(id, line, len);
			if (r)
				return r;
			memcpy(id->peer, line, len);
			id->peer[len] = 0;
			return 0;
		}
		if (!id->allow_preamble)
			return fail(id, ERR_PROTOCOL, "not an SSH identification");
		if (memchr(line, 0, len))
			return fail(id, ERR_PROTOCOL, "NUL byte before the identification");
		id->lines++;
		id->preamble_bytes += n + 1;
		if (id->lines > DB_MAX_PRE_IDENT_LINES)
			return fail(id, ERR_TOOBIG, "too many lines before the identification");
		if (id->preamble_bytes > DB_MAX_PRE_IDENT_BYTES)
			return fail(id, ERR_TOOBIG, "too much text before the identification");
	}
}
