/* client.h: dbclient, the client face.
 *
 *   cli-main.c     command line (Dropbear's options, OpenSSH's -o keywords), ~/.ssh/config
 *                  (common/sshconfig.c), exit status
 *   cli-conn.c     the TCP connection and the client's row of the transport: its half of
 *                  the key exchange, the server's host key signature, known_hosts
 *                  (common/knownhosts.c)
 *   cli-auth.c     user authentication (RFC 4252): publickey from files and ssh-agent
 *                  (common/agent.c), keyboard-interactive (RFC 4256), password
 *   cli-session.c  the session channel: pty, exec/shell/subsystem, exit status
 *   cli-tty.c      raw mode on the local terminal, restored on every exit path; escapes
 *
 * Forwarding (-L -R -A -B -J, multihop) lives in its own files (cli-tcpfwd.c,
 * cli-agentfwd.c, cli-proxy.c) and plugs in through the hooks at the end: weak symbols
 * that are NULL until those files exist, so that either side builds alone.
 *
 * Exit status: the remote command's exit-status; 255 for a remote signal, a connection
 * or authentication error (one line on stderr), as OpenSSH's ssh. */
#ifndef CLIENT_H
#define CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "conn.h"
#include "fwdspec.h"
#include "key.h"
#include "options.h"
#include "sshconfig.h"

/* Identity files (-i and IdentityFile) tried, in order (options.h). */
#define CLI_MAX_IDENTITIES DB_CLI_MAX_IDENTITIES

/* StrictHostKeyChecking */
enum cli_hostkey_check {
	CLI_HK_ASK = 0,    /* default: a new host is asked about on /dev/tty */
	CLI_HK_YES,        /* a new host is refused */
	CLI_HK_ACCEPT_NEW, /* -y, accept-new: a new host is recorded; a changed key refused */
	CLI_HK_NO,         /* "no": like accept-new (OpenSSH records new keys too) */
	CLI_HK_OFF,        /* -yy: nothing is checked or recorded (a warning says so) */
};

/* One hop of [user@]host[/port][,[user@]host[/port]...]. */
struct cli_hop {
	char user[DB_MAX_USERNAME]; /* "" when not given */
	char host[DB_MAX_FWD_HOST];
	unsigned port;              /* 0 when not given */
};

struct cli_opts {
	/* the destination: the last hop is the target; earlier ones are jumped through
	 * (the forwarding person's cli-proxy.c) */
	struct cli_hop hops[DB_MAX_HOPS];
	int nhops;
	const char *host_arg;  /* the destination argument as given */
	/* after -l/-p/config resolution, for the target */
	const char *user;      /* remote user */
	const char *host;      /* host name to connect to (HostName applied) */
	const char *host_alias;/* the host as given: known_hosts and config key */
	unsigned port;         /* 22 by default */
	/* what to run */
	char *command;         /* remote command joined with spaces; NULL: a shell */
	int tty;               /* -1 auto (a pty when interactive and no command), 0 -T,
	                          1 -t, 2 -tt */
	int no_cmd;            /* -N */
	int background;        /* -f: fork after authentication */
	int quiet;             /* -q: no banner, fewer warnings */
	int subsystem;         /* -s: command is a subsystem name */
	int stdin_null;        /* -n */
	/* host keys */
	enum cli_hostkey_check hk_check;
	char *known_hosts;     /* UserKnownHostsFile (expanded), default ~/.ssh/known_hosts */
	/* authentication */
	char *identity[CLI_MAX_IDENTITIES]; /* -i and IdentityFile, expanded */
	int nidentity;
	int batch_mode;        /* BatchMode: never prompt */
	int password_auth;     /* PasswordAuthentication (default 1) */
	int kbd_auth;          /* KbdInteractiveAuthentication (default 1) */
	int pubkey_auth;       /* PubkeyAuthentication (default 1) */
	int disable_trivial_auth; /* DisableTrivialAuth: no success without real auth */
	char *const *setenv;      /* SetEnv NAME=value: sent as "env" requests */
	int nsetenv;
	int identities_only;   /* IdentitiesOnly: no agent keys */
	/* transport */
	const char *ciphers;   /* -c, Ciphers */
	const char *macs;      /* -m, MACs */
	const char *kex;       /* KexAlgorithms */
	int compression;       /* -C, Compression */
	const char *bind_addr; /* -b [address][:port], BindAddress */
	unsigned connect_timeout; /* ConnectTimeout seconds, 0: the system's */
	unsigned keepalive;    /* -K, ServerAliveInterval seconds, 0: never */
	unsigned idle_timeout; /* -I seconds, 0: never */
	uint32_t recv_window;  /* -W (fixed); 0: default growth */
	int family;            /* -4 / -6: AF_INET / AF_INET6, 0: either */
	/* forwarding: parsed here, acted on by the forwarding files (hooks below) */
	struct fwdspec local_fwd[DB_MAX_CLI_FWDS];  /* -L, LocalForward */
	int nlocal_fwd;
	struct fwdspec remote_fwd[DB_MAX_CLI_FWDS]; /* -R, RemoteForward */
	int nremote_fwd;
	struct fwdspec dyn_fwd[DB_MAX_CLI_FWDS];    /* -D, DynamicForward: listen_* only */
	int ndyn_fwd;
	int gateway_ports;     /* -g, GatewayPorts */
	int exit_on_fwd_failure; /* ExitOnForwardFailure */
	int agent_fwd;         /* -A, ForwardAgent */
	int x11_fwd;           /* -X, -Y, ForwardX11 (-x: off) */
	int x11_trusted;       /* -Y, ForwardX11Trusted (-X alone: untrusted, cli-x11.c) */
	char netcat_host[DB_MAX_FWD_HOST]; /* -B host:port: "" when not given */
	uint32_t netcat_port;
	const char *proxy_cmd; /* -J (Dropbear: a proxy command), ProxyCommand */
	const char *proxy_jump;/* ProxyJump from the config (OpenSSH's -J meaning) */
	int verbose;
};

/* The client's connection state (c->cli). */
struct cli_state {
	const struct cli_opts *opts;
	struct key *hostkey;            /* the server's host key from the first exchange */
	struct buf kex_qc;              /* our kex public value as encoded, for the hash */
	char sig_algs[512];             /* server-sig-algs (RFC 8308 3.1); "" if none came */
	int have_sig_algs;
	struct chan_table chans;        /* valid once authenticated */
	int chans_ready;
	struct channel *session;        /* the session channel (cli-session.c) */
	struct cli_auth *auth;          /* cli-auth.c's state */
	int got_exit;                   /* exit-status or exit-signal arrived */
};

extern struct cli_opts cli_opts;

/* The exit status dbclient ends with, whichever exit path it takes (exit(), fatal(),
 * conn_exit()): an atexit hook applies it. Starts at 255. */
void cli_set_exit_status(int status);

/* ---- cli-main.c */
/* Expands a leading ~/ to $HOME (or the passwd entry); a new string. */
char *cli_expand_path(const char *p);
/* 1 when a host / user name is safe as a proxy command's %h / %r and as an inner hop's
 * argument: no leading '-', no shell metacharacters, spaces or controls (as OpenSSH). */
int cli_valid_host(const char *s);
int cli_valid_user(const char *s);

/* ---- cli-conn.c */
/* Opens the TCP connection to o->host:o->port (getaddrinfo: IPv4 and IPv6, -b, -4/-6,
 * ConnectTimeout) or through the proxy hook; returns the fd or exits with 255. */
int cli_connect(const struct cli_opts *o);
/* Runs the whole connection on fd; never returns. peer names it in messages. */
_Noreturn void cli_conn_run(int fd, const char *peer);

/* ---- cli-auth.c */
/* The transport is ready: start user authentication (RFC 4252). */
void cli_auth_start(struct conn *c);
/* RFC 8308 server-sig-algs arrived. */
void cli_auth_sig_algs(struct conn *c, const char *algs);

/* ---- cli-session.c */
/* Authenticated: set up channels, start the session (or -N / -B) and the forwardings. */
void cli_session_start(struct conn *c);
/* The connection phase's dispatch table (channels and global requests). */
extern const struct dispatch cli_conn_table[];
/* The channel dbclient exists for (the session, -B's) is ending, from its cleanup: the
 * loop ends once the other channels (forwarded connections) are done too. */
void cli_session_over(struct conn *c);

/* ---- cli-x11.c (DB_X11FWD) */
/* -X / -Y: reads DISPLAY and its cookie, sends x11-req (want_reply) with a fake cookie
 * on the session channel ch. 0, or an ERR_* from sending; a missing DISPLAY or xauth
 * is a warning, not an error (as OpenSSH). */
int cli_x11_request(struct conn *c, struct channel *ch);
/* A session request reply: 1 when it answered our x11-req (it comes before the
 * shell/exec's), 0 when it is not ours. */
int cli_x11_reply(struct conn *c, int success);

/* ---- cli-tty.c */
/* Puts the local terminal (stdin) into raw mode; restored by cli_tty_restore, which
 * runs from atexit, the fatal path and signal handlers too. */
int cli_tty_raw(void);
void cli_tty_restore(void);
/* Saves the flags of fds 0..2 for restoring at exit (the channel layer makes them
 * non-blocking); installs the restoring atexit and signal handlers. Idempotent. */
void cli_tty_save_flags(void);
/* Escape sequences typed at the start of a line (~. ~^Z ~R ~? ~~): filters bytes read
 * from the terminal in place, returns how many remain to send. p must have room for
 * n + 1 bytes (a tilde held back from the previous read may go out before them). */
size_t cli_tty_escapes(struct conn *c, uint8_t *p, size_t n);

/* ---- hooks for forwarding (implemented by the forwarding files; NULL until then).
 * cli-main.c and cli-session.c call each only when its option was given and the hook
 * exists; otherwise dbclient says "not supported in this build" and exits 255. */

/* -J proxy command, ProxyCommand, ProxyJump and multihop (nhops > 1): connect through
 * them and return a connected fd (one end of a socketpair; the proxy's process group
 * is the hook's to reap). peer gets a name for messages. 0 or an ERR_*. */
int cli_proxy_connect(const struct cli_opts *o, int *fd, char *peer, size_t peersz);
/* Authenticated, the channel table is up (c->cli->chans): start -L listeners, send -R
 * tcpip-forward requests, enable -A. 0 or an ERR_*. Called before the session opens. */
int cli_fwd_start(struct conn *c);
/* -B host:port: instead of a session, a direct-tcpip channel carrying stdin/stdout.
 * The hook owns the exit status (cli_set_exit_status) and ends the loop when done. */
int cli_netcat_start(struct conn *c);
/* Channel types the server may open to us (forwarded-tcpip, auth-agent@openssh.com),
 * NULL-terminated; NULL: none. */
const struct chan_type *const *cli_fwd_chan_types(void);
/* From a terminating signal's handler: removes our -L unix socket files (unlink only,
 * async-signal-safe). */
void cli_fwd_signal_cleanup(void);
/* A global request reply for a tcpip-forward we sent (success 1, b has the data). */
void cli_fwd_global_reply(struct chan_table *t, int success, struct buf *b);

#ifdef DB_FUZZ
/* The fuzzing build (tests/fuzz/fuzz_client.c) runs many connections in one process:
 * each starts from the file-level state a fresh dbclient has. */
void cli_session_fuzz_reset(void);
void cli_tcpfwd_fuzz_reset(void);
void cli_x11_fuzz_reset(void);
#endif

/* Ends dbclient with one line on stderr and exit status 255 (cli-main.c). */
_Noreturn void cli_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
