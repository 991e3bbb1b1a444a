/* svr-auth.c: the server's authentication phase (RFC 4252): the ssh-userauth service,
 * the auth timeout and the bound on failed attempts. No method succeeds yet: every
 * request is answered with the methods we will offer. */
#include <string.h>

#include "err.h"
#include "log.h"
#include "server.h"

#define AUTH_METHODS "publickey,password"

static void auth_timeout(void *arg)
{
	struct conn *c = arg;
	conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "Timeout before auth");
}

/* RFC 4253 section 10. */
static int svr_service_request(struct conn *c, uint8_t msg, struct buf *b)
{
	char name[64];
	struct buf m;
	int r;

	(void)msg;
	if ((r = buf_get_cstr(b, name, sizeof(name))) || (r = buf_end(b)))
		return r;
	/* Some clients (paramiko) ask again before each attempt; like OpenSSH and Dropbear,
	 * accept that until authenticated (the pre-auth packet limit bounds it). */
	if (strcmp(name, "ssh-userauth") != 0 || c->authed)
		conn_fatal(c, SSH_DISCONNECT_SERVICE_NOT_AVAILABLE, "service '%s' not available",
		           name);
	c->srv->service_ok = 1;
	if ((r = conn_msg_init(&m, SSH_MSG_SERVICE_ACCEPT)))
		return r;
	if ((r = buf_put_cstr(&m, name)) == 0)
		r = conn_send_buf(c, &m);
	buf_free(&m);
	return r;
}

/* RFC 4252 section 5. Only the common head of the request is read: the method-specific
 * fields belong to the methods, which decide nothing yet. */
static int svr_userauth_request(struct conn *c, uint8_t msg, struct buf *b)
{
	char user[DB_MAX_USERNAME], service[64], method[64];
	struct buf m;
	int r;

	(void)msg;
	if (!c->srv->service_ok)
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "auth request before ssh-userauth");
	if ((r = buf_get_cstr(b, user, sizeof(user))) ||
	    (r = buf_get_cstr(b, service, sizeof(service))) ||
	    (r = buf_get_cstr(b, method, sizeof(method))))
		return r;
	if (strcmp(service, "ssh-connection") != 0)
		conn_fatal(c, SSH_DISCONNECT_SERVICE_NOT_AVAILABLE, "service '%s' not available",
		           service);
	(void)buf_skip(b, buf_avail(b));
	if (strcmp(method, "none") != 0) {
		/* "none" is the client asking which methods there are (RFC 4252 5.2) */
		c->srv->auth_fails++;
		log_msg(LOG_NOTICE,
		        "Auth attempt for '%s' with method '%s' from <%s>: not accepted", user,
		        method, c->peer);
	} else {
		log_msg(LOG_INFO, "Auth request for '%s' from <%s>: offering %s", user, c->peer,
		        AUTH_METHODS);
	}
	if (c->srv->auth_fails >= DB_MAX_AUTH_TRIES)
		conn_fatal(c, SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE,
		           "Max auth tries reached for '%s'", user);
	if ((r = conn_msg_init(&m, SSH_MSG_USERAUTH_FAILURE)))
		return r;
	if ((r = buf_put_cstr(&m, AUTH_METHODS)) == 0 && (r = buf_put_bool(&m, 0)) == 0)
		r = conn_send_buf(c, &m);
	buf_free(&m);
	return r;
}

const struct dispatch svr_auth_table[] = {
        {SSH_MSG_SERVICE_REQUEST, svr_service_request},
        {SSH_MSG_USERAUTH_REQUEST, svr_userauth_request},
        {0, NULL},
};

void svr_auth_start(struct conn *c)
{
	conn_set_phase(c, svr_auth_table);
	loop_timer_set(c->loop, &c->srv->auth_timer, DB_AUTH_TIMEOUT * 1000ull, auth_timeout, c);
}
