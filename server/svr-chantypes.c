/* svr-chantypes.c: what a client may open and ask on the server, as tables: the channel
 * types (RFC 4254 5.1), extra session requests (6) and the global request handler (4).
 * Forwarding adds its rows here (direct-tcpip, auth-agent-req@openssh.com, x11-req). */
#include <stddef.h>

#include "svr-fwd.h"
#include "svr-session.h"

const struct chan_type *const svr_chantypes[] = {
        &svr_chan_session,
        &svr_chan_direct_tcpip,
#if DB_STREAMLOCAL
        &svr_chan_direct_streamlocal,
#endif
        NULL,
};

/* Tried for a session request none of svr-chansession.c's names match. */
const struct svr_sess_req svr_sess_reqs[] = {
#if DB_SVR_AGENTFWD
        {"auth-agent-req@openssh.com", svr_agent_req},
#endif
#if DB_X11FWD
        {"x11-req", svr_x11_req},
#endif
        {NULL, NULL},
};

/* The server's global requests: tcpip-forward and cancel-tcpip-forward (svr-tcpfwd.c);
 * every other one gets REQUEST_FAILURE, which keepalive@openssh.com also expects. */
const chan_global_fn svr_global_request = svr_fwd_global_request;
