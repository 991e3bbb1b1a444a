/* knownhosts.h: OpenSSH's known_hosts format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"), as
 * pure functions over one line at a time, and the host pattern matcher that ssh_config's
 * Host and Match lines share.
 *
 * A line is  [@revoked|@cert-authority] HOSTS KEYTYPE BASE64 [COMMENT]  where HOSTS is a
 * comma list of patterns (`*`, `?`, a leading `!` negates) or one hashed entry
 * |1|base64(salt)|base64(HMAC-SHA1(salt, name))|. The name looked up is "host" on port
 * 22 and "[host]:port" on any other port, as OpenSSH writes them. Lines are untrusted
 * text: anything malformed is skipped, never fatal. Nothing here reads files. */
#ifndef KNOWNHOSTS_H
#define KNOWNHOSTS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "key.h"
#include "options.h"

#define KH_MAX_LINE DB_KH_MAX_LINE /* options.h */
/* Longest host name we look up or write ("[" host "]:" port). */
#define KH_MAX_NAME 300

/* 1 when name matches one pattern (`*` any run, `?` one character, ASCII case
 * insensitive). */
int host_pattern_match(const char *name, const char *pat, size_t patlen);
/* A list of patterns separated by any of the characters in seps: 1 when some pattern
 * matches and no negated one does, -1 when a negated pattern (`!pat`) matches, 0 when
 * none matches (OpenSSH's match_hostname). */
int host_pattern_list(const char *name, const char *list, size_t len, const char *seps);

/* The name as known_hosts keeps it: "host" for port 22, "[host]:port" otherwise,
 * lowercased (as OpenSSH, so that hashed lines match whatever case was typed). */
int knownhosts_name(const char *host, unsigned port, char *out, size_t outsz);

/* What the lines read so far say about one host and the key it presented. */
enum kh_status {
	KH_UNKNOWN = 0, /* no line for this host */
	KH_OTHER_TYPE,  /* the host is known only with keys of other types */
	KH_CHANGED,     /* the host is known with a different key of this type */
	KH_OK,          /* a line has this host with this key */
	KH_REVOKED,     /* an @revoked line names this key: refuse, whatever else says */
};
struct kh_check {
	/* inputs: the name from knownhosts_name, and the presented key */
	const char *name;
	const char *keytype; /* key_type_name() of the presented key */
	const uint8_t *blob; /* its public blob */
	size_t bloblen;
	/* results */
	enum kh_status status;
	unsigned line;       /* the line that decided status (0: none) */
	unsigned types_seen; /* bit (1 << enum key_type) per key type known for the host */
};
/* Looks at one line (without its newline; NUL bytes make it malformed) numbered lineno,
 * and updates st. The strongest verdict wins: REVOKED > OK > CHANGED > OTHER_TYPE, the
 * earliest line for each. Never fails: a malformed line is skipped. */
void knownhosts_check_line(struct kh_check *st, const char *line, size_t n, unsigned lineno);
/* Looks at every line of a whole text (for tests and fuzzing: the client streams). */
void knownhosts_check_text(struct kh_check *st, const char *text, size_t n);

/* Appends the line OpenSSH would write for a new host: "NAME TYPE BASE64\n". */
int knownhosts_line(const char *name, const struct key *k, struct buf *out);

#endif
