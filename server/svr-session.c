/* svr-session.c: the connection phase after authentication. Placeholder until the
 * session layer lands: no channel can be opened yet. */
#include "err.h"
#include "server.h"

int svr_session_begin(struct conn *c)
{
	(void)c;
	return ERR_UNSUPPORTED;
}
