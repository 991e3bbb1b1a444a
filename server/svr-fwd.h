/* svr-fwd.h: the server's forwarding, for the session layer to plug in.
 *
 *   svr-tcpfwd.c    direct-tcpip channels (RFC 4254 7.2), tcpip-forward and
 *                   cancel-tcpip-forward global requests with forwarded-tcpip channels
 *                   back to the client (7.1), and the answer to every other global
 *                   request (keepalive@openssh.com included: REQUEST_FAILURE, RFC 4254 4)
 *   svr-agentfwd.c  auth-agent-req@openssh.com on a session (OpenSSH's PROTOCOL 4.1
 *                   "agent forwarding"): a private listening socket whose connections
 *                   become auth-agent@openssh.com channels
 *
 * Every restriction is enforced here: -j, -k, -a (struct svr_opts) and no-port-forwarding,
 * no-agent-forwarding, permitopen, permitlisten (struct svr_restrict). */
#ifndef SVR_FWD_H
#define SVR_FWD_H

#include "channel.h"
#include "server.h"

/* The row for the server's channel type table (svr-chantypes.c); without
 * DB_SVR_LOCALTCPFWD one that refuses every open. */
extern const struct chan_type svr_chan_direct_tcpip;

#if DB_STREAMLOCAL
/* svr-streamlocal.c: direct-streamlocal@openssh.com channels, and the
 * streamlocal-forward@openssh.com / cancel-streamlocal-forward@openssh.com global
 * requests (1 / 0 / ERR_*; -1000 for a name that is not one of them). */
extern const struct chan_type svr_chan_direct_streamlocal;
int svr_streamlocal_request(struct chan_table *t, const char *name, struct buf *b);
/* Closes the listening sockets and removes their files (also runs at exit). */
void svr_streamlocal_cleanup(void);
#endif

#if DB_X11FWD
/* svr-x11.c: x11-req on the session channel ch (a svr_sess_reqs row, RFC 4254 6.3.1):
 * a display listener on localhost whose connections become x11 channels, DISPLAY for
 * the child; 1, 0 when refused (-x, no-X11-forwarding, restrict, no xauth, a bad
 * cookie: logged), or an ERR_* for a malformed request. */
int svr_x11_req(struct conn *c, struct channel *ch, int want_reply, struct buf *b);
struct svr_x11;
/* In the session's child, before the shell or command: xauth gets the cookie. */
void svr_x11_child(const struct svr_x11 *x);
/* The session ended: the listener closes and the xauth entry goes. */
void svr_x11_end(struct svr_x11 *x);
/* Ends every display this process still has (also runs at exit). */
void svr_x11_cleanup(void);
#endif

/* The server's chan_table.global_request: tcpip-forward, cancel-tcpip-forward (with
 * DB_SVR_REMOTETCPFWD); every other request fails. */
int svr_fwd_global_request(struct chan_table *t, const char *name, int want_reply, struct buf *b,
                           struct buf *reply);

#if DB_SVR_AGENTFWD
/* auth-agent-req@openssh.com on the session channel ch (a svr_sess_reqs row): the
 * listening socket is made on the first request, and ch's child gets SSH_AUTH_SOCK.
 * 1 when agent forwarding is on, 0 when refused (no-agent-forwarding, or the socket
 * could not be made: logged), or an ERR_* for a malformed request. */
int svr_agent_req(struct conn *c, struct channel *ch, int want_reply, struct buf *b);
/* The SSH_AUTH_SOCK value for the session's children, or NULL when not forwarding. */
const char *svr_agent_sock(void);
/* Removes the socket and its directory (session end); also runs at exit. */
void svr_agent_cleanup(void);
#endif
#if defined(DB_FUZZ) && DB_SVR_REMOTETCPFWD
void svr_tcpfwd_fuzz_reset(void); /* the fuzzing build only */
#endif

#endif
