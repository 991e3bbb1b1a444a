/* svr-auth.c: the server's authentication phase (RFC 4252): the ssh-userauth service,
 * the request flow and its replies, the banner, the failure delay, the bounds (auth
 * timeout, -T attempts, one user name per connection), and the hand-over to the session
 * layer: drop to the user, close the listener's unauth pipe, start delayed compression.
 * The methods are in svr-auth-pubkey.c and svr-auth-passwd.c, the account checks in
 * svr-user.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "err.h"
#include "log.h"
#include "svr-auth.h"
#include "util.h"

struct svr_authstate svr_auth;

void svr_peer_addr(const struct conn *c, char *out, size_t outsz)
{
	const char *p = c->peer, *e;
	size_t n;

	if (p[0] == '[' && (e = strchr(p, ']')) != NULL) {
		p++;
	} else if (!(e = strrchr(p, ':'))) {
		e = p + strlen(p);
	}
	n = (size_t)(e - p);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, p, n);
	out[n] = 0;
}

static void auth_timeout(void *arg)
{
	struct conn *c = arg;
	conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "Timeout before auth");
}

static void preauth_timeout(void *arg)
{
	struct conn *c = arg;
	conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION,
	           "Timeout before auth: no login within %u seconds of the key exchange",
	           svr_preauth_deadline(c->srv->opts));
}

unsigned svr_preauth_deadline(const struct svr_opts *o)
{
	return o->no_password ? DB_PREAUTH_KEY_TIMEOUT : DB_PREAUTH_PASSWORD_TIMEOUT;
}

void svr_auth_kex_done(struct conn *c)
{
	/* the first key exchange ends within DB_IDENT_TIMEOUT of the connect, so this
	 * deadline always falls before the outer DB_AUTH_TIMEOUT it replaces */
	if (!c->authed)
		loop_timer_set(c->loop, &c->srv->auth_timer,
		               svr_preauth_deadline(c->srv->opts) * 1000ull, preauth_timeout, c);
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

static void send_or_die(struct conn *c, struct buf *m, int r)
{
	if (r == 0)
		r = conn_send_buf(c, m);
	buf_free(m);
	if (r)
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot send: %s", err_str(r));
}

/* -b: SSH_MSG_USERAUTH_BANNER (RFC 4252 5.4) before our first reply, at most
 * DB_MAX_BANNER bytes of the file. */
static void send_banner(struct conn *c)
{
	char text[DB_MAX_BANNER];
	struct buf m;
	ssize_t n = 0, got;
	int fd, r;

	svr_auth.banner_sent = 1;
	if (!c->srv->opts->banner)
		return;
	if ((fd = open(c->srv->opts->banner, O_RDONLY | O_CLOEXEC)) < 0) {
		log_msg(LOG_WARNING, "Cannot read banner %s: %s", c->srv->opts->banner,
		        strerror(errno));
		return;
	}
	while (n < (ssize_t)sizeof(text) &&
	       ((got = read(fd, text + n, sizeof(text) - (size_t)n)) > 0 ||
	        (got < 0 && errno == EINTR)))
		n += got > 0 ? got : 0;
	close(fd);
	if (n <= 0)
		return;
	r = conn_msg_init(&m, SSH_MSG_USERAUTH_BANNER);
	if (r == 0 && (r = buf_put_string(&m, text, (size_t)n)) == 0)
		r = buf_put_cstr(&m, "en");
	send_or_die(c, &m, r);
}

/* The methods that can still help this user (RFC 4252 5.1); the client picks among
 * them in its own order (OpenSSH: publickey, keyboard-interactive, password). */
static const char *methods(const struct conn *c)
{
	int pk = !svr_auth.pubkey_done, pw = svr_passwd_allowed(c);

	if (pk && pw)
		return "publickey,password,keyboard-interactive";
	if (pw)
		return "password,keyboard-interactive";
	return "publickey";
}

/* Sleeps until ms after the request arrived, on an absolute monotonic deadline: how
 * long the work before took (crypt(), an authorized_keys file, the account checks) does
 * not show in when the reply leaves. Each connection is its own process, so the sleep
 * holds up only this client. */
static void wait_since_request(uint64_t ms)
{
	struct timespec until = svr_auth.req_start;

	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
		;
}

/* A counted failure is answered DB_AUTH_FAIL_DELAY_MS + jitter after the request
 * arrived whatever the failure was (Dropbear's delay); a free one that read the user's
 * files (authorized_keys) no sooner than DB_AUTH_MIN_REPLY_MS, for a user that exists or
 * not; the "none" failure at once: it costs the same account lookup for every name
 * (svr_user_check), which is all it does (OpenSSH also exempts "none" from its minimum
 * failure time). */
enum fail_kind { FAIL_COUNTED, FAIL_FLOOR, FAIL_AT_ONCE };

static void failure_delay(enum fail_kind kind)
{
	if (kind == FAIL_COUNTED)
		wait_since_request(DB_AUTH_FAIL_DELAY_MS + rand_uniform(DB_AUTH_FAIL_JITTER_MS));
	else if (kind == FAIL_FLOOR)
		wait_since_request(DB_AUTH_MIN_REPLY_MS);
}

static void send_failure(struct conn *c, int partial, enum fail_kind kind)
{
	int counted = kind == FAIL_COUNTED;
	struct buf m;
	int r;

	failure_delay(kind);
	if (counted) {
		/* the last allowed failure is answered with DISCONNECT (code 14) instead */
		if (++c->srv->auth_fails >= c->srv->opts->max_auth_tries)
			conn_fatal(c, SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE,
			           "Max auth tries reached - user '%s'",
			           svr_auth.valid ? svr_auth.name : "is invalid");
	}
	r = conn_msg_init(&m, SSH_MSG_USERAUTH_FAILURE);
	if (r == 0 && (r = buf_put_cstr(&m, methods(c))) == 0)
		r = buf_put_bool(&m, partial);
	send_or_die(c, &m, r);
}

/* The options of the authorized_keys line into the session layer's svr_restrict. */
static void fill_restrict(struct conn *c)
{
	struct svr_restrict *rs = &c->srv->restrict_;
	const struct authkeys_opts *o = &svr_auth.keyopts;
	int i, ok = 1;

	memset(rs, 0, sizeof(*rs));
	if (!svr_auth.have_keyopts || !svr_auth.pubkey_done)
		return;
	rs->no_pty = o->no_pty;
	rs->no_port_fwd = o->no_port_fwd;
	rs->no_agent_fwd = o->no_agent_fwd;
	rs->no_x11_fwd = o->no_x11_fwd;
	if (o->command && !(rs->command = strdup(o->command)))
		ok = 0;
	for (i = 0; i < o->npermitopen && ok; i++)
		if ((rs->permitopen[rs->npermitopen++] = strdup(o->permitopen[i])) == NULL)
			ok = 0;
	for (i = 0; i < o->npermitlisten && ok; i++)
		if ((rs->permitlisten[rs->npermitlisten++] = strdup(o->permitlisten[i])) == NULL)
			ok = 0;
	for (i = 0; i < o->nenvironment && ok; i++)
		if ((rs->environment[rs->nenvironment++] = strdup(o->environment[i])) == NULL)
			ok = 0;
	/* a word too long for the field is not passed rather than passed cut */
	if (o->info && strlen(o->info) < sizeof(rs->pubkey_info))
		memcpy(rs->pubkey_info, o->info, strlen(o->info) + 1);
	if (!ok)
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "out of memory");
	dbg(1,
	    "key options: pty %s, port forwarding %s, agent %s, X11 %s, command %s, "
	    "%d permitopen, %d permitlisten, %d environment",
	    rs->no_pty ? "no" : "yes", rs->no_port_fwd ? "no" : "yes",
	    rs->no_agent_fwd ? "no" : "yes", rs->no_x11_fwd ? "no" : "yes",
	    rs->command ? "forced" : "none", rs->npermitopen, rs->npermitlisten, rs->nenvironment);
}

/* RFC 4252 5.1: success, then the connection protocol. */
static void auth_success(struct conn *c)
{
	static char prefix[DB_MAX_USERNAME + 8];
	struct svr_state *s = c->srv;
	struct buf m;
	int r;

	fill_restrict(c);
	/* field by field: a whole-struct copy would dirty every page of the two path
	 * arrays, which the session keeps for its whole life */
	memcpy(s->user.name, svr_auth.user.name, strlen(svr_auth.user.name) + 1);
	memcpy(s->user.home, svr_auth.user.home, strlen(svr_auth.user.home) + 1);
	memcpy(s->user.shell, svr_auth.user.shell, strlen(svr_auth.user.shell) + 1);
	s->user.uid = svr_auth.user.uid;
	s->user.gid = svr_auth.user.gid;
	wipe(svr_auth.pwhash, sizeof(svr_auth.pwhash));
	loop_timer_cancel(c->loop, &s->auth_timer);
	/* the listener counts us as unauthenticated until this closes */
	if (s->unauth_fd >= 0) {
		close(s->unauth_fd);
		s->unauth_fd = -1;
	}
	if (svr_user_become(&s->user))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot change to user '%s'",
		           s->user.name);
	dbg(1, "<%s> now runs as uid %d gid %d", c->peer, (int)getuid(), (int)getgid());
	snprintf(prefix, sizeof(prefix), "Exit (%s)", s->user.name);
	c->exit_prefix = prefix;
	r = conn_msg_init(&m, SSH_MSG_USERAUTH_SUCCESS);
	send_or_die(c, &m, r);
	/* zlib@openssh.com starts after USERAUTH_SUCCESS, both ways (OpenSSH PROTOCOL) */
	if ((r = pkt_dir_comp_start(&c->tx)) || (r = pkt_dir_comp_start(&c->rx)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "compression: %s", err_str(r));
	conn_set_authed(c);
	if ((r = svr_session_begin(c)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot start the session: %s",
		           err_str(r));
}

/* A method succeeded: with -t both kinds are needed, and the first one earns a partial
 * success (RFC 4252 5.1). */
static void method_ok(struct conn *c, int was_pubkey)
{
	if (was_pubkey)
		svr_auth.pubkey_done = 1;
	else
		svr_auth.passwd_done = 1;
	if (c->srv->opts->two_factor && !(svr_auth.pubkey_done && svr_auth.passwd_done)) {
		send_failure(c, 1, FAIL_FLOOR);
		return;
	}
	auth_success(c);
}

static void reply(struct conn *c, enum auth_result res, int was_pubkey)
{
	switch (res) {
	case AUTH_OK:
		method_ok(c, was_pubkey);
		break;
	case AUTH_FAIL:
		send_failure(c, 0, FAIL_COUNTED);
		break;
	case AUTH_FAIL_FREE:
		send_failure(c, 0, FAIL_FLOOR);
		break;
	case AUTH_FAIL_NONE:
		send_failure(c, 0, DB_AUTH_NONE_AT_ONCE ? FAIL_AT_ONCE : FAIL_FLOOR);
		break;
	case AUTH_SENT:
		break;
	}
}

/* The first request fixes the user name; Dropbear refuses a change. */
static void set_user(struct conn *c, const char *user)
{
	if (svr_auth.have_name) {
		if (strcmp(user, svr_auth.name) != 0)
			conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR,
			           "Client trying multiple usernames from %s", c->peer);
		return;
	}
	snprintf(svr_auth.name, sizeof(svr_auth.name), "%s", user);
	svr_auth.have_name = 1;
	svr_user_check(c, user);
}

/* "none" (RFC 4252 5.2): the list of methods, or, with -B, entry for a user whose
 * password is empty (Dropbear). Its failure needs no floor: set_user did the same
 * lookups for a name that exists or not, and the list does not depend on the user
 * (methods(); -g hides password for root only, whom every system has). Under -B the
 * answer depends on the hash, so that failure keeps DB_AUTH_MIN_REPLY_MS. */
static enum auth_result auth_none(struct conn *c, struct buf *b)
{
	if (buf_end(b))
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed none request");
	if (!c->srv->opts->allow_blank_password)
		return AUTH_FAIL_NONE;
	if (svr_auth.valid && svr_passwd_allowed(c) && !c->srv->opts->two_factor &&
	    svr_auth.pwhash[0] == 0) {
		log_msg(LOG_NOTICE, "Auth succeeded with blank password for '%s' from %s",
		        svr_auth.name, c->peer);
		return AUTH_OK;
	}
	return AUTH_FAIL_FREE;
}

/* RFC 4252 section 5. */
static int svr_userauth_request(struct conn *c, uint8_t msg, struct buf *b)
{
	char user[DB_MAX_USERNAME], service[64], method[64];
	enum auth_result res;
	int r;

	(void)msg;
	if (c->authed)
		return 0; /* RFC 4252 5.1: requests after success are ignored */
	clock_gettime(CLOCK_MONOTONIC, &svr_auth.req_start);
	if (!c->srv->service_ok)
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "auth request before ssh-userauth");
	if ((r = buf_get_cstr(b, user, sizeof(user))) ||
	    (r = buf_get_cstr(b, service, sizeof(service))) ||
	    (r = buf_get_cstr(b, method, sizeof(method))))
		return r;
	if (strcmp(service, "ssh-connection") != 0)
		conn_fatal(c, SSH_DISCONNECT_SERVICE_NOT_AVAILABLE, "service '%s' not available",
		           service);
	if (!svr_auth.banner_sent)
		send_banner(c);
	set_user(c, user);
	svr_auth.kbdint_pending = 0; /* RFC 4256 3.3: a new request cancels it */
	if (strcmp(method, "none") == 0) {
		reply(c, auth_none(c, b), 0);
	} else if (strcmp(method, "publickey") == 0) {
		if (svr_auth.pubkey_done) {
			(void)buf_skip(b, buf_avail(b));
			reply(c, AUTH_FAIL, 1);
		} else {
			res = svr_auth_pubkey(c, b);
			reply(c, res, 1);
		}
	} else if (DB_AUTH_PASSWORD && strcmp(method, "password") == 0) {
		/* (without DB_AUTH_PASSWORD both are unsupported methods, below, and their
		 * code leaves the binary) */
		reply(c, svr_auth_password(c, b), 0);
	} else if (DB_AUTH_PASSWORD && strcmp(method, "keyboard-interactive") == 0) {
		reply(c, svr_auth_kbdint(c, b), 0);
	} else {
		(void)buf_skip(b, buf_avail(b));
		dbg(1, "auth method '%s' from <%s> not supported", method, c->peer);
		reply(c, AUTH_FAIL, 0);
	}
	return 0;
}

/* RFC 4256 3.4. */
static int svr_info_response(struct conn *c, uint8_t msg, struct buf *b)
{
	(void)msg;
	if (c->authed)
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "INFO_RESPONSE after authentication");
	if (!DB_AUTH_PASSWORD) /* no keyboard-interactive request was ever answered */
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected INFO_RESPONSE");
	clock_gettime(CLOCK_MONOTONIC, &svr_auth.req_start);
	reply(c, svr_auth_kbdint_response(c, b), 0);
	return 0;
}

const struct dispatch svr_auth_table[] = {
        {SSH_MSG_SERVICE_REQUEST, svr_service_request},
        {SSH_MSG_USERAUTH_REQUEST, svr_userauth_request},
        {SSH_MSG_USERAUTH_INFO_RESPONSE, svr_info_response},
        {0, NULL},
};

/* Once per connection process, on svr_auth as the program started (zero: no memset,
 * which would only make its untouched pages resident). */
void svr_auth_start(struct conn *c)
{
	conn_set_phase(c, svr_auth_table);
	loop_timer_set(c->loop, &c->srv->auth_timer, DB_AUTH_TIMEOUT * 1000ull, auth_timeout, c);
}
