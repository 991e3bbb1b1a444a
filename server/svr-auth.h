/* svr-auth.h: what the server's authentication files share (svr-auth.c: the request
 * flow, replies, delays and limits; svr-auth-pubkey.c and svr-auth-passwd.c: the
 * methods; svr-user.c: the account checks and the privilege drop). Internal to them. */
#ifndef SVR_AUTH_H
#define SVR_AUTH_H

#include <stdint.h>
#include <time.h>

#include "authkeys.h"
#include "server.h"

/* SSH_MSG_USERAUTH_PK_OK (RFC 4252 7) and SSH_MSG_USERAUTH_INFO_REQUEST (RFC 4256 3.2)
 * share the number 60; INFO_RESPONSE is 61. */
#define SSH_MSG_USERAUTH_PK_OK 60
#define SSH_MSG_USERAUTH_INFO_REQUEST 60
#define SSH_MSG_USERAUTH_INFO_RESPONSE 61

/* The hash of a crypt(3) password we keep (yescrypt and SHA-512 crypt are ~110). */
#define SVR_MAX_PWHASH 256

/* What one method decided. */
enum auth_result {
	AUTH_OK,        /* this method succeeded */
	AUTH_FAIL,      /* a counted failure: delayed reply, counts toward -T */
	AUTH_FAIL_FREE, /* not counted (unknown key): reply no sooner than DB_AUTH_MIN_REPLY_MS */
	AUTH_FAIL_NONE, /* not counted, answered at once: "none", the same work for any name */
	AUTH_SENT,      /* the method replied itself (PK_OK, INFO_REQUEST) */
};

struct svr_authstate {
	char name[DB_MAX_USERNAME]; /* the user of the first request: it may not change */
	int have_name;
	int valid;                    /* exists and passed svr_user_check */
	struct svr_user user;         /* the passwd entry, when it exists */
	char pwhash[SVR_MAX_PWHASH];  /* from shadow (or passwd); secret, wiped */
	struct timespec req_start;    /* arrival of the request being answered (monotonic) */
	int pubkey_done, passwd_done; /* -t: each factor once */
	unsigned lookups;             /* authorized_keys lookups (DB_MAX_PUBKEY_LOOKUPS) */
	int kbdint_pending;           /* an INFO_REQUEST is out */
	int banner_sent;
	/* for the success log line and the session layer */
	char keytype[32];
	char fingerprint[KEY_FP_LEN];
	struct authkeys_opts keyopts; /* options of the authorized_keys line that matched */
	int have_keyopts;
};

extern struct svr_authstate svr_auth;

/* svr-user.c */
/* Looks up name (only on the first request) and checks it as Dropbear does: exists,
 * not root under -w, member of -G, shell in /etc/shells, account not locked or expired.
 * Logs one line for a refusal; fills svr_auth.user/.pwhash/.valid. */
void svr_user_check(struct conn *c, const char *name);
/* Drops this process to the user: initgroups, setgid, setuid (each checked, and
 * setuid(0) must fail afterwards for a non-root user), chdir home (or /). */
int svr_user_become(const struct svr_user *u);
/* 1 when the client may use the password methods now (-s, -g, user state). */
int svr_passwd_allowed(const struct conn *c);

/* svr-auth-pubkey.c */
enum auth_result svr_auth_pubkey(struct conn *c, struct buf *b);

/* svr-auth-passwd.c */
/* Checks pw against the user's hash (or a dummy hash of the same kind for a user that
 * does not exist), in constant time; 1 when it matches. */
int svr_passwd_check(struct conn *c, const char *pw);
enum auth_result svr_auth_password(struct conn *c, struct buf *b);
enum auth_result svr_auth_kbdint(struct conn *c, struct buf *b);
/* INFO_RESPONSE: the reply to our prompt. */
enum auth_result svr_auth_kbdint_response(struct conn *c, struct buf *b);

/* svr-auth.c */
/* The client's address without the port, for from= (out: at least 64 bytes). */
void svr_peer_addr(const struct conn *c, char *out, size_t outsz);

#endif
