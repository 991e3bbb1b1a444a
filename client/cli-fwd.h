/* cli-fwd.h: what the client's forwarding files share (cli-tcpfwd.c, cli-agentfwd.c).
 * Internal to them; the rest of the client uses the hooks in client.h. */
#ifndef CLI_FWD_H
#define CLI_FWD_H

#include "channel.h"
#include "err.h"
#include "options.h"

/* Channel types the server may open to us. */
extern const struct chan_type cli_chan_forwarded_tcpip; /* cli-tcpfwd.c */
extern const struct chan_type cli_chan_agent;           /* cli-agentfwd.c */
#if DB_STREAMLOCAL
extern const struct chan_type cli_chan_forwarded_streamlocal; /* cli-tcpfwd.c */
#endif
#if DB_X11FWD
extern const struct chan_type cli_chan_x11; /* cli-x11.c */
#endif

struct fwd_listener;
/* -D: answers SOCKS on l, bound and listening, which must stay valid (cli-socks.c). */
#if DB_CLI_SOCKS
int cli_socks_start(struct conn *c, struct fwd_listener *l);
#else
static inline int cli_socks_start(struct conn *c, struct fwd_listener *l)
{
	(void)c;
	(void)l;
	return ERR_UNSUPPORTED;
}
#endif

#endif
