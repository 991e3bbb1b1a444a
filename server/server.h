/* server.h: dropbear, the server face. The listener (svr-listen.c) binds, accepts and
 * forks; it never reads a byte from a client. Each child forks a signer (svr-signer.c)
 * that alone keeps the host private keys, drops its own copy, and runs one connection
 * (svr-conn.c: the server's row of the transport, svr-auth.c: the auth phase). */
#ifndef SERVER_H
#define SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "conn.h"
#include "key.h"
#include "options.h"

#define SVR_MAX_HOSTKEY_FILES 8

struct svr_opts {
	const char *listen[DB_MAX_LISTEN]; /* -p specs: "PORT", "ADDR:PORT", "[V6]:PORT" */
	int nlisten;
	const char *hostkey_files[SVR_MAX_HOSTKEY_FILES]; /* -r */
	int nhostkey_files;
	int gen_hostkeys;    /* -R */
	int foreground;      /* -F */
	int log_stderr;      /* -E */
	const char *pidfile; /* -P */
};

/* ---- host keys (svr-hostkey.c) */
#define HOSTKEY_SLOTS (KEY_RSA + 1) /* indexed by enum key_type */
struct hostkeys {
	struct key *key[HOSTKEY_SLOTS];
	int gen[HOSTKEY_SLOTS]; /* -R: this type may be generated on first need */
};
/* Loads the -r files (or the default paths when there are none); logs and returns an
 * error naming the file for a file that does not load or repeats a type. With gen, every
 * enabled type without a key is marked for generation. ERR_INVALID when no key at all. */
int hostkeys_load(struct hostkeys *hk, const char *const *files, int n, int gen);
void hostkeys_free(struct hostkeys *hk);
/* The host key algorithms we can offer, comma-separated, in our preference order. */
int hostkeys_alg_list(const struct hostkeys *hk, char *out, size_t outsz);
/* The key type a host key signature algorithm needs; KEY_NONE if unknown. */
enum key_type hostkeys_alg_type(const char *alg, size_t len);
/* The key for type t, generating and storing it (-R) when it is missing. */
int hostkeys_get(struct hostkeys *hk, enum key_type t, struct key **out);
/* Signature algorithms compiled in, in preference order (for -Q key and server-sig-algs). */
int hostkeys_sig_algs(char *out, size_t outsz, const char *sep);

/* ---- the signer helper (svr-signer.c) */
/* Forks the helper, which keeps hk and closes the nclose fds in close_fds (the client
 * socket, the listener's pipe); the caller then frees its own keys. *fd is our end of
 * the socketpair. */
int signer_start(struct hostkeys *hk, const int *close_fds, int nclose, int *fd, pid_t *pid);
/* The public blob of the host key for a signature algorithm. */
int signer_pubkey(int fd, const char *alg, struct buf *blob);
/* The signature blob (string alg || string sig) over an exchange hash. */
int signer_sign(int fd, const char *alg, const uint8_t *h, size_t n, struct buf *sig);

/* ---- one connection (svr-conn.c, svr-auth.c) */
struct svr_state {
	int signer_fd;
	pid_t signer_pid;
	int unauth_fd; /* write end of the listener's pipe; closed once authenticated */
	char hostkey_algs[256];
	int service_ok; /* ssh-userauth accepted */
	unsigned auth_fails;
	struct loop_timer auth_timer;
};
/* Runs the connection on fd in this (forked) process; never returns. */
_Noreturn void svr_conn_run(int fd, const char *peer, struct hostkeys *hk, int unauth_fd);
void svr_auth_start(struct conn *c);
extern const struct dispatch svr_auth_table[];

/* ---- the listener (svr-listen.c) */
int svr_listen_run(const struct svr_opts *o, struct hostkeys *hk);

#endif
