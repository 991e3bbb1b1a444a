/* cli-agentfwd.c: agent forwarding on the client (-A, ForwardAgent; OpenSSH's PROTOCOL,
 * "agent forwarding").
 *
 * cli-session.c asks for it on the session channel (auth-agent-req@openssh.com, before
 * the shell or command starts); the server then opens an auth-agent@openssh.com channel (no open
 * data) for each program that talks to the forwarded agent, and we connect each to our
 * own agent at $SSH_AUTH_SOCK. Without -A every such channel is refused: a server cannot
 * reach our agent unless we asked. */
#include <stdio.h>
#include <stdlib.h>

#include "cli-fwd.h"
#include "client.h"
#include "err.h"
#include "fwdnet.h"
#include "log.h"

static int agent_open(struct conn *c, struct channel *ch, struct buf *extra)
{
	const char *sock = getenv("SSH_AUTH_SOCK");
	int r;

	if ((r = buf_end(extra)) != 0)
		return r;
	if (!c->cli->opts->agent_fwd) {
		log_msg(LOG_WARNING, "server opened an agent channel without -A: refused");
		snprintf(ch->fail_text, sizeof(ch->fail_text), "agent forwarding not requested");
		return SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
	if (!sock || !*sock) {
		snprintf(ch->fail_text, sizeof(ch->fail_text), "no agent");
		return SSH_OPEN_CONNECT_FAILED;
	}
	return fwd_connect_unix(c, ch, sock);
}

const struct chan_type cli_chan_agent = {
        .name = "auth-agent@openssh.com",
        .open = agent_open,
        .cleanup = fwd_chan_cleanup,
};

const struct chan_type *const *cli_fwd_chan_types(void)
{
	static const struct chan_type *const types[] = {
	        &cli_chan_forwarded_tcpip,
	        &cli_chan_agent,
#if DB_STREAMLOCAL
	        &cli_chan_forwarded_streamlocal,
#endif
#if DB_X11FWD
	        &cli_chan_x11,
#endif
	        NULL,
	};
	return types;
}
