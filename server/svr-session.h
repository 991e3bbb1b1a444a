/* svr-session.h: what the server's session files share (svr-session.c: the connection
 * phase, timers, child reaping; svr-chansession.c: the "session" channel; svr-pty.c,
 * svr-env.c: the child's terminal and environment; svr-chantypes.c: the tables of what
 * a client may open and ask). Internal to them. */
#ifndef SVR_SESSION_H
#define SVR_SESSION_H

#include <sys/types.h>

#include "channel.h"
#include "server.h"
#include "sessreq.h"

struct svr_sess {
	struct chan_table tab;
	struct loop_timer keepalive_timer, idle_timer, max_timer;
	unsigned keepalive_missed; /* keepalives sent and not answered */
	int sigchld_pipe[2];       /* the SIGCHLD handler writes, the loop reads */
	struct chansess *list;     /* every session channel (for reaping by pid) */
};

/* One "session" channel (RFC 4254 6). */
struct chansess {
	struct chansess *next;
	struct channel *ch; /* NULL once the channel is gone (the child may outlive it) */
	pid_t pid;          /* the child, 0 before shell/exec/subsystem */
	int exited, status; /* waitpid status once reaped */
	/* pty-req */
	int have_pty;
	int master, slave; /* -1 when none */
	char tty[32];      /* "/dev/pts/N" */
	char term[DB_MAX_TERM];
	int logged_in; /* a utmp login record was written for tty */
	struct svr_x11 *x11; /* x11-req's display (svr-x11.c), or NULL */
	/* env requests (LANG, LC_*) and svr_sess_setenv, "NAME=value" each (heap) */
	char *env[DB_MAX_SESS_ENV];
	int nenv;
};

/* What a child needs to start. */
struct sess_cmd {
	const char *cmd;      /* for shell -c; NULL: a login shell */
	const char *orig_cmd; /* SSH_ORIGINAL_COMMAND, or NULL */
	int login;            /* a login shell on a pty: MOTD, argv[0] "-sh" */
	int sftp;             /* 1: the built-in SFTP server; -1: refuse (forced internal-sftp) */
};

/* svr-session.c */
struct svr_sess *svr_sess_of(struct conn *c);

/* svr-chantypes.c */
extern const struct chan_type *const svr_chantypes[];
extern const struct chan_type svr_chan_session;
/* Session requests that other modules add (agent forwarding): tried after ours. */
struct svr_sess_req {
	const char *name;
	int (*fn)(struct conn *c, struct channel *ch, int want_reply, struct buf *b);
};
extern const struct svr_sess_req svr_sess_reqs[];
/* The server's global requests (forwarding), or NULL. */
extern const chan_global_fn svr_global_request;

/* svr-chansession.c */
void svr_chansess_reaped(struct conn *c, pid_t pid, int status);

/* svr-pty.c */
/* A new pty: master (non-blocking, close-on-exec) and the slave opened, its path in
 * name. Works unprivileged with devpts. */
int pty_open(int *master, int *slave, char *name, size_t namesz);
void pty_winsize(int fd, const struct sess_winsize *ws);
/* Applies RFC 4254 8 modes to the slave's termios. */
int pty_modes(int slave, const uint8_t *modes, size_t n);

/* svr-env.c */
/* In the child, before exec: sets the environment as Dropbear does (see svr-env.c). */
int sess_child_env(struct conn *c, struct chansess *s, const struct sess_cmd *k);
/* In the child: /etc/motd on stdout, unless -m or ~/.hushlogin. */
void sess_child_motd(struct conn *c);
/* "ADDR PORT ADDR PORT" of the connection (SSH_CONNECTION) into out. */
void sess_conn_addrs(const struct conn *c, char *out, size_t outsz, char *peer_ip,
                     size_t peer_ipsz);

#endif
