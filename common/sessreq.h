/* sessreq.h: the pure parsers of "session" channel requests (RFC 4254 section 6), kept
 * in common/ so that unit tests and fuzzers reach them: pty-req and its encoded terminal
 * modes (section 8), window-change, env (which names we accept), signal names (6.9,
 * 6.10). The server's session code (server/svr-chansession.c) applies the results. */
#ifndef SESSREQ_H
#define SESSREQ_H

#include <stddef.h>
#include <stdint.h>
#include <termios.h>

#include "buf.h"
#include "options.h"

struct sess_winsize {
	uint32_t cols, rows, wpx, hpx;
};

struct sess_pty_req {
	char term[DB_MAX_TERM];
	struct sess_winsize ws;
	const uint8_t *modes; /* a view into the request: encoded terminal modes */
	size_t modes_len;
};

/* pty-req (6.2): string TERM, uint32 cols, rows, width px, height px, string modes.
 * TERM must be printable without spaces; the modes are bounded by DB_MAX_TTY_MODES. */
int sessreq_pty(struct buf *b, struct sess_pty_req *out);
/* window-change (6.7): four uint32. */
int sessreq_winch(struct buf *b, struct sess_winsize *ws);
/* Applies encoded terminal modes (section 8) to t: opcodes that map to termios are set,
 * unknown ones in 1..159 are skipped, parsing stops at TTY_OP_END (0) or at the first
 * opcode from 160 up (which the RFC leaves undefined). ERR_TRUNCATED when an argument is
 * cut short. */
int sessreq_ttymodes(const uint8_t *p, size_t n, struct termios *t);

/* env (6.4): string name, string value, into out as "NAME=value". ERR_INVALID when the
 * name is not one we accept (LANG, LC_*, like Debian's OpenSSH AcceptEnv) or either part
 * is malformed (empty name, '=' in the name, control characters); ERR_TOOBIG when it
 * does not fit outsz (at most DB_MAX_ENV_LEN). */
int sessreq_env(struct buf *b, char *out, size_t outsz);
int sessreq_env_accepted(const char *name, size_t n);

/* The signal for an RFC 4254 6.10 name without "SIG" ("TERM"), or 0. */
int sessreq_signal(const char *name);
/* The RFC 4254 6.10 name of a signal, for exit-signal; NULL for a signal the RFC does
 * not name (the caller then reports it as exit-status 128 + sig, as shells do). */
const char *sessreq_signame(int sig);

#endif
