/* server.h: dropbear, the server face. The listener (svr-listen.c) binds, accepts and
 * forks; it never reads a byte from a client. It keeps the host private keys and forks a
 * short-lived signer (svr-signer.c) when a connection's key exchange needs a signature;
 * each connection process (svr-conn.c: the server's row of the transport, svr-auth.c:
 * the auth phase) holds no private key. */
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
	int inetd;           /* -i: one connection on stdin/stdout */
	/* authentication (svr-auth*.c) */
	unsigned max_auth_tries;   /* -T N, default DB_MAX_AUTH_TRIES */
	int no_password;           /* -s */
	int no_root_password;      /* -g */
	int no_root;               /* -w */
	int allow_blank_password;  /* -B */
	int two_factor;            /* -t: password and public key both required */
	const char *group;         /* -G GROUP: only its members may log in */
	const char *forced_command;/* -c COMMAND (sets SSH_ORIGINAL_COMMAND) */
	const char *authkeys_dir;  /* -D DIR: authorized_keys lives here, not in ~/.ssh */
	const char *banner;        /* -b FILE: sent before authentication */
	/* sessions and channels (svr-session*.c, common/channel.c) */
	int no_motd;               /* -m */
	int pass_env;              /* -e: children get the server's environment */
	unsigned keepalive;        /* -K SECS, 0: never */
	unsigned idle_timeout;     /* -I SECS, 0: never */
	unsigned max_session;      /* -M SECS, 0: unlimited */
	uint32_t recv_window;      /* -W BYTES (fixed); 0: default growth */
	const char *sftp_server;   /* -S PATH: the sftp subsystem's program */
	int no_local_fwd;          /* -j */
	int no_remote_fwd;         /* -k */
	int fwd_any_host;          /* -a: forwarded ports listen on all addresses */
	int no_x11_fwd;            /* -x */
	/* re-execution per connection (DB_REEXEC) */
	int argc;                  /* the command line, to run again per connection */
	char **argv;
	int child_fd, child_pipe;  /* hidden --connection FD,PIPE,SIGNER,PEER: run this */
	int child_signer;          /* one (child_fd is -1 otherwise) */
	const char *child_peer;
	const char *child_algs;    /* hidden --hostkey-algs LIST: what the listener's keys
	                            * offer (a connection process loads no key) */
};

/* ---- host keys (svr-hostkey.c) */
#define HOSTKEY_SLOTS (KEY_RSA + 1) /* indexed by enum key_type */
struct hostkeys {
	struct key *key[HOSTKEY_SLOTS];
	int gen[HOSTKEY_SLOTS]; /* -R: this type may be generated on first need */
};
/* Loads the -r files (or the default paths when there are none); logs and returns an
 * error naming the file for a file that does not load or repeats a type. With gen, every
 * enabled type without a key is marked for generation. ERR_INVALID when no key at all.
 * On an error no key stays loaded. */
int hostkeys_load(struct hostkeys *hk, const char *const *files, int n, int gen);
/* Frees every key, wiping it (key_free); the daemon does so on each of its exits. */
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
#define SIGNER_LINE_MAX 16 /* "pts/" and up to 11 digits */
/* The pty lines a connection has logged in to utmp (pid 0: a free slot). */
struct signer_login {
	char line[SIGNER_LINE_MAX];
	pid_t pid;
};
struct signer_logins {
	struct signer_login l[DB_MAX_CHANNELS];
};
/* inetd mode: forks the helper for the whole connection; it keeps hk and closes the
 * nclose fds in close_fds (the client socket); the caller then frees its own keys. *fd
 * is our end of the socketpair. */
int signer_start(struct hostkeys *hk, const int *close_fds, int nclose, int *fd, pid_t *pid);
/* daemon mode, in a child the listener forked when fd became readable: answers public
 * key queries and one signature (or one utmp request) with hk, and exits after writing
 * lg, the connection's logins as they are now, to report_fd. */
_Noreturn void signer_helper(struct hostkeys *hk, int fd, struct signer_logins *lg,
                             int report_fd);
/* Logs out every line of lg (the connection is gone). */
void signer_logout_all(struct signer_logins *lg);
/* The public blob of the host key for a signature algorithm. */
int signer_pubkey(int fd, const char *alg, struct buf *blob);
/* The signature blob (string alg || string sig) over an exchange hash. */
int signer_sign(int fd, const char *alg, const uint8_t *h, size_t n, struct buf *sig);
#ifdef DB_FUZZ
/* The fuzzing build only: the helper's answer to one request (op || fields), in process. */
int signer_fuzz_serve(struct hostkeys *hk, struct buf *req, struct buf *out);
#endif

/* ---- what authentication hands to the session layer */
/* The authenticated user, copied from the passwd entry. */
struct svr_user {
	char name[DB_MAX_USERNAME];
	char home[DB_MAX_PATH];
	char shell[DB_MAX_PATH];
	uid_t uid;
	gid_t gid;
};
/* Restrictions of the authorized_keys line that let the user in (all zero: none). Set
 * by the auth phase, obeyed by sessions and forwarding. Strings are owned (heap). */
struct svr_restrict {
	int no_pty, no_port_fwd, no_agent_fwd, no_x11_fwd;
	char *command;                          /* command="...": forced command */
	char *permitopen[DB_MAX_PERMIT];        /* permitopen="host:port" ("*" allowed) */
	int npermitopen;
	char *permitlisten[DB_MAX_PERMIT];      /* permitlisten="[host:]port" */
	int npermitlisten;
	char *environment[DB_MAX_PERMIT];       /* environment="NAME=value" */
	int nenvironment;
	char pubkey_info[DB_MAX_PUBKEYINFO];   /* SSH_PUBKEYINFO: the key line's comment word */
};

/* ---- one connection (svr-conn.c, svr-auth.c) */
struct svr_state {
	const struct svr_opts *opts;
	int signer_fd;
	pid_t signer_pid; /* inetd mode's helper; 0: the listener forks one per need */
	int unauth_fd; /* write end of the listener's pipe; closed once authenticated */
	char hostkey_algs[256];
	int service_ok; /* ssh-userauth accepted */
	unsigned auth_fails;
	struct loop_timer auth_timer;
	struct svr_user user;     /* valid once authenticated */
	struct svr_restrict restrict_;
	struct svr_sess *sess;    /* the session layer's state (svr-session*.c) */
};
/* The server's row of the transport (svr-conn.c); the fuzz targets drive it directly. */
extern const struct conn_role svr_conn_role;
/* Runs the connection on fd in this (forked) process; never returns. hostkey_algs is
 * what the signer on signer_fd can sign with (signer_pid: its pid when it is ours). */
_Noreturn void svr_conn_run(int fd, const char *peer, const char *hostkey_algs,
                            int signer_fd, pid_t signer_pid, int unauth_fd,
                            const struct svr_opts *o);
void svr_auth_start(struct conn *c);
/* The first key exchange is done: the pre-auth deadline starts (DB_PREAUTH_*_TIMEOUT). */
void svr_auth_kex_done(struct conn *c);
/* Its length in seconds for these options. */
unsigned svr_preauth_deadline(const struct svr_opts *o);
extern const struct dispatch svr_auth_table[];
/* The session layer (svr-session*.c) takes over once the auth phase has sent
 * USERAUTH_SUCCESS, filled srv->user and srv->restrict_, closed the listener's unauth
 * pipe and dropped this process to the user (initgroups, setgid, setuid, checked):
 * installs the connection-phase dispatch table (channels, global requests) and the
 * session timers (-K, -I, -M). */
int svr_session_begin(struct conn *c);
/* The connection's channel table (NULL before svr_session_begin), for forwarding. */
struct chan_table *svr_chans(struct conn *c);
/* Adds NAME=value to the environment of the session channel ch's child, when it starts
 * (agent forwarding's SSH_AUTH_SOCK); ERR_TOOBIG past DB_MAX_SESS_ENV. */
struct channel;
int svr_sess_setenv(struct channel *ch, const char *name, const char *value);

/* ---- the signer's root-only services after the privilege drop (svr-signer.c) */
/* utmp/wtmp/lastlog for a pty session: the signer checks that /dev/<line> is a pty
 * owned by user before it writes, and logs out what is left when we go away. */
int signer_login(int fd, const char *line, const char *user, const char *host, pid_t pid);
int signer_logout(int fd, const char *line);
/* The records themselves, written by the signer (svr-utmp.c). */
void utmp_login(const char *line, const char *user, uid_t uid, const char *host, pid_t pid);
void utmp_logout(const char *line, pid_t pid);

/* ---- the listener (svr-listen.c) */
int svr_listen_run(const struct svr_opts *o, struct hostkeys *hk);
/* -i (svr-inetd.c): the one connection on stdin/stdout; returns only on a setup error. */
int svr_inetd_run(const struct svr_opts *o, struct hostkeys *hk);

#endif
