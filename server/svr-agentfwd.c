/* svr-agentfwd.c: agent forwarding on the server (OpenSSH's PROTOCOL, "agent
 * forwarding": auth-agent-req@openssh.com on a session, auth-agent@openssh.com channels
 * with no open data).
 *
 * On the first request we make a private directory (mkdtemp: mode 0700, owned by the user,
 * as this process already runs as the user) with a listening socket in it; the session's
 * children find it in SSH_AUTH_SOCK. Each connection to it becomes a channel to the client,
 * whose agent answers. The socket and directory go when the session ends or the process
 * exits. Without DB_SVR_AGENTFWD (options.h) none of this is built: the request is not
 * in svr_sess_reqs and fails as any unknown session request does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fwdnet.h"
#include "log.h"
#include "svr-fwd.h"

#if DB_SVR_AGENTFWD

static const struct chan_type chan_agent = {
        .name = "auth-agent@openssh.com",
        .confirmed = fwd_chan_confirmed,
        .open_failed = fwd_chan_open_failed,
        .cleanup = fwd_chan_cleanup,
};

/* One per connection (one connection per process). */
static struct {
	struct fwd_listener l;
	char dir[64];
	char sock[96];
	pid_t owner; /* the process that made them: forked children must not remove them */
	int active;
	int atexit_set;
} agent;

void svr_agent_cleanup(void)
{
	if (!agent.active || agent.owner != getpid())
		return;
	fwd_listener_close(&agent.l); /* unlinks the socket */
	(void)rmdir(agent.dir);
	agent.active = 0;
}

static void agent_atexit(void)
{
	svr_agent_cleanup();
}

/* Makes the socket and starts accepting on it: 1, or 0 (logged). */
static int agent_listen(struct chan_table *t)
{
	mode_t old;
	int r;

	fwd_listener_init(&agent.l);
	snprintf(agent.dir, sizeof(agent.dir), "/tmp/dropbear-XXXXXX");
	if (!mkdtemp(agent.dir)) {
		log_msg(LOG_WARNING, "agent forwarding: mkdtemp: %s", strerror(errno));
		return 0;
	}
	snprintf(agent.sock, sizeof(agent.sock), "%s/auth-agent%d", agent.dir, (int)getpid());
	old = umask(0177); /* the socket: the user only, whatever the directory */
	r = fwd_listen_unix(&agent.l, agent.sock);
	umask(old);
	if (r == 0)
		r = fwd_listener_start(&agent.l, t, &chan_agent, 0);
	if (r) {
		log_msg(LOG_WARNING, "agent forwarding: %s: %s", agent.sock,
		        r == ERR_IO ? strerror(errno) : err_str(r));
		fwd_listener_close(&agent.l);
		(void)rmdir(agent.dir);
		return 0;
	}
	agent.owner = getpid();
	agent.active = 1;
	if (!agent.atexit_set && atexit(agent_atexit) == 0)
		agent.atexit_set = 1;
	dbg(1, "agent forwarding on %s", agent.sock);
	return 1;
}

int svr_agent_req(struct conn *c, struct channel *ch, int want_reply, struct buf *b)
{
	int r;

	(void)want_reply;
	if ((r = buf_end(b)) != 0) /* OpenSSH's PROTOCOL: no request-specific data */
		return r;
	if (c->srv->restrict_.no_agent_fwd) {
		log_msg(LOG_INFO, "agent forwarding refused: no-agent-forwarding");
		return 0;
	}
	if (!agent.active && !agent_listen(ch->tab))
		return 0;
	if ((r = svr_sess_setenv(ch, "SSH_AUTH_SOCK", agent.sock)) != 0) {
		log_msg(LOG_WARNING, "agent forwarding: %s", err_str(r));
		return 0;
	}
	return 1;
}

const char *svr_agent_sock(void)
{
	return agent.active ? agent.sock : NULL;
}
#endif /* DB_SVR_AGENTFWD */
