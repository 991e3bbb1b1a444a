/* cli-fwd.h: what the client's forwarding files share (cli-tcpfwd.c, cli-agentfwd.c).
 * Internal to them; the rest of the client uses the hooks in client.h. */
#ifndef CLI_FWD_H
#define CLI_FWD_H

#include "channel.h"

/* Channel types the server may open to us. */
extern const struct chan_type cli_chan_forwarded_tcpip; /* cli-tcpfwd.c */
extern const struct chan_type cli_chan_agent;           /* cli-agentfwd.c */

#endif
