/* authkeys.h: one line of an authorized_keys file in OpenSSH's syntax (sshd(8),
 * "AUTHORIZED_KEYS FILE FORMAT"), and the from="pattern-list" match.
 *
 * Pure functions on (pointer, length): no files, no heap, no globals, so that the parser
 * is unit-tested and fuzzed on its own. A line is "[options] keytype base64 [comment]";
 * the options we know are parsed into struct authkeys_opts (strings unquoted into its own
 * arena); an unknown or malformed option, a bad key type, bad base64 or a blob whose type
 * does not match the key type makes the whole line "no match" (an error). */
#ifndef AUTHKEYS_H
#define AUTHKEYS_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

struct authkeys_opts {
	int no_pty, no_port_fwd, no_agent_fwd, no_x11_fwd;
	const char *command;                   /* command="...": NULL if absent */
	const char *from;                      /* from="pattern-list": NULL if absent */
	const char *permitopen[DB_MAX_PERMIT]; /* "host:port", host may be [v6] or "*" */
	int npermitopen;
	const char *permitlisten[DB_MAX_PERMIT]; /* "[host:]port" */
	int npermitlisten;
	const char *environment[DB_MAX_PERMIT]; /* "NAME=value" (only when allowed) */
	int nenvironment;
	int64_t expiry; /* expiry-time="...": seconds since the epoch it ends at; 0: none */
	/* The comment's first word when it is Dropbear-safe (letters, digits, ".,_-+@"),
	 * for SSH_PUBKEYINFO; NULL when absent or not safe. */
	const char *info;
	char arena[DB_MAX_AUTHKEYS_LINE + 1]; /* the strings above, NUL-terminated */
	size_t used;
};

struct authkeys_entry {
	struct authkeys_opts opts;
	char type[32];                    /* "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa" */
	uint8_t blob[DB_MAX_PUBKEY_BLOB]; /* the decoded public key blob */
	size_t bloblen;
};

#define AUTHKEYS_SKIP 1 /* blank line or comment: no key, not an error */

/* Parses one line (without its newline; a trailing CR is ignored) of at most
 * DB_MAX_AUTHKEYS_LINE bytes. allow_env: keep environment="..." values (else they are
 * checked and ignored, as OpenSSH's PermitUserEnvironment no). Options OpenSSH accepts
 * that mean nothing here (tunnel=, principals=, no-touch-required, verify-required,
 * [no-]user-rc) are checked for form and ignored. Returns 0 with *e filled, AUTHKEYS_SKIP, or an ERR_* code: ERR_TOOBIG
 * (line or a list too long), ERR_UNSUPPORTED (an option we do not know or do not allow,
 * or an unknown key type), ERR_FORMAT (anything malformed). */
int authkeys_parse(const char *line, size_t len, int allow_env, struct authkeys_entry *e);

/* OpenSSH's expiry-time format: YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, local time, or
 * UTC with a trailing 'Z'. 0 with *t set, or ERR_FORMAT. */
int authkeys_parse_time(const char *s, int64_t *t);

/* OpenSSH's match_host_and_ip for a client address given as text ("192.0.2.1", "::1"),
 * with no host name (we do not resolve): pattern-list is comma-separated, each entry a
 * wildcard pattern (* and ?) or an address/bits CIDR block, negated by a leading '!'.
 * 1 when some entry matches and no negated one does, 0 otherwise (also for a malformed
 * CIDR entry: deny). */
int authkeys_match_from(const char *patterns, const char *addr);

/* Case-insensitive wildcard match of s against pattern p ('*' any run, '?' one
 * character); linear backtracking, no recursion. 1 on match. */
int authkeys_wildcard(const char *p, size_t plen, const char *s);

#endif
