/* svr-auth-passwd.c: the password method (RFC 4252 section 8) and keyboard-interactive
 * carrying the same password check (RFC 4256; OpenSSH's ssh prefers it). The hash comes
 * from shadow and is checked with crypt(3): bcrypt, SHA-crypt and yescrypt by our own
 * code (common/pwhash.c, DB_OWN_PWHASH, DB_OWN_YESCRYPT), every other kind by the
 * system's crypt_r (none in the static build: DB_SYSTEM_CRYPT). A user that does not
 * exist, or may not log in, costs a hash of a dummy setting of the system's default kind
 * all the same, and gets the same reply after the same delay (svr-auth.c), so that
 * neither the reply nor its timing tells which users exist. */
#include <string.h>

#include "err.h"
#include "log.h"
#include "pwhash.h"
#include "svr-auth.h"
#include "util.h"
#if DB_AUTH_PASSWORD && DB_SYSTEM_CRYPT
#include <crypt.h>
#endif

/* The password in a request: copied into pw (wiped by the caller); 0 when it is too
 * long or holds a NUL, which then fails like a wrong one. */
static int get_password(struct conn *c, const uint8_t *p, size_t n, char *pw)
{
	(void)c;
	if (n > DB_MAX_PASSWORD || memchr(p, 0, n))
		return 0;
	memcpy(pw, p, n);
	pw[n] = 0;
	return 1;
}

#if DB_AUTH_PASSWORD
#if DB_SYSTEM_CRYPT
static struct crypt_data cd; /* ~32 KB: static, wiped after use */
_Static_assert(sizeof(cd.output) >= PWHASH_MAX, "crypt_data output");
#define HASH_OUT cd.output
#else
static char hash_out[PWHASH_MAX];
#define HASH_OUT hash_out
/* the default of crypt_gensalt (libxcrypt 4.4, shadow's YESCRYPT_COST_FACTOR 5): what a
 * real hash of a Debian or Fedora system costs */
static const char dummy[] = "$y$j9T$PKAVw8ZLPs1PuwGmNEAXH.";
#endif

/* crypt(3) of pw under setting (a real hash and the dummy alike): NULL where it fails. */
static const char *hash_pw(const char *pw, const char *setting)
{
#if DB_OWN_PWHASH
	if (pwhash_known(setting)) {
		int r = pwhash_crypt(pw, setting, HASH_OUT);
		if (r == ERR_TOOBIG) /* yescrypt beyond common/yescrypt.h's bounds */
			log_msg(LOG_WARNING, "User '%s' has a password hash asking for more memory "
			        "or time than this build allows", svr_auth.name);
		return r == 0 ? HASH_OUT : NULL;
	}
#endif
#if DB_SYSTEM_CRYPT
	{
		const char *h = crypt_r(pw, setting, &cd);
		return h && h[0] != '*' ? h : NULL;
	}
#else
	/* a kind we do not compute (md5crypt, DES, ...): fails like a wrong password, after
	 * the same work */
	(void)pwhash_crypt(pw, dummy, HASH_OUT);
	return NULL;
#endif
}

int svr_passwd_check(struct conn *c, const char *pw)
{
#if DB_SYSTEM_CRYPT
	static char dummy[CRYPT_GENSALT_OUTPUT_SIZE];
#endif
	const char *hash = svr_auth.pwhash, *h;
	/* a hash crypt(3) can match: not empty, not "*" (no password) */
	int real = svr_auth.valid && hash[0] && hash[0] != '*';
	int ok = 0;

#if DB_SYSTEM_CRYPT
	if (!real && !dummy[0] && !crypt_gensalt_rn(NULL, 0, NULL, 0, dummy, sizeof(dummy)))
		memcpy(dummy, "$6$", 4); /* SHA-512 crypt if libcrypt names no default */
#endif
	h = hash_pw(pw, real ? hash : dummy);
#if !DB_SYSTEM_CRYPT
	if (real && !pwhash_known(hash))
		log_msg(LOG_WARNING, "User '%s' has a password hash of a kind this build does not "
		        "check (not bcrypt, SHA-crypt or yescrypt)", svr_auth.name);
#endif
	if (real && h) {
		size_t n = strlen(h);
		/* the hash's length is public (it is in the setting); its bytes are not */
		ok = n == strlen(hash) && ct_memeq(h, hash, n);
	}
	/* -B: an empty hash lets in the empty password (Dropbear) */
	if (svr_auth.valid && !hash[0])
		ok = c->srv->opts->allow_blank_password && pw[0] == 0;
#if DB_SYSTEM_CRYPT
	wipe(&cd, sizeof(cd));
#else
	wipe(hash_out, sizeof(hash_out));
#endif
	return ok;
}
#else
/* Built without password authentication: no password matches. */
int svr_passwd_check(struct conn *c, const char *pw)
{
	(void)c;
	(void)pw;
	return 0;
}
#endif

/* One attempt: logs it as Dropbear does. */
static enum auth_result attempt(struct conn *c, const char *pw)
{
	if (!svr_passwd_allowed(c))
		return AUTH_FAIL;
	if (svr_passwd_check(c, pw)) {
		log_msg(LOG_NOTICE, "Password auth succeeded for '%s' from %s", svr_auth.name,
		        c->peer);
		return AUTH_OK;
	}
	if (svr_auth.valid && !svr_auth.pwhash[0] && !c->srv->opts->allow_blank_password)
		log_msg(LOG_WARNING, "User '%s' has blank password, rejected", svr_auth.name);
	else if (svr_auth.valid)
		log_msg(LOG_WARNING, "Bad password attempt for '%s' from %s", svr_auth.name,
		        c->peer);
	return AUTH_FAIL;
}

/* noinline (this and svr_auth_kbdint): under LTO, svr_userauth_request would take in
 * their code, which a public-key connection never runs, and contrib/layout puts that
 * function with the hot code every connection maps. */
__attribute__((noinline))
enum auth_result svr_auth_password(struct conn *c, struct buf *b)
{
	char pw[DB_MAX_PASSWORD + 1];
	const uint8_t *p;
	size_t n;
	int change;
	enum auth_result res;

	if (buf_get_bool(b, &change) || buf_get_string(b, &p, &n) ||
	    (change && buf_skip(b, buf_avail(b))) || buf_end(b))
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed password request");
	/* RFC 4252 8: a password change we do not offer fails like a wrong password */
	if (change || !get_password(c, p, n, pw)) {
		wipe(pw, sizeof(pw));
		return AUTH_FAIL; /* the failure delay covers the crypt() not done */
	}
	res = attempt(c, pw);
	wipe(pw, sizeof(pw));
	return res;
}

/* RFC 4256 3.1 -> 3.2: one prompt, no echo. */
__attribute__((noinline))
enum auth_result svr_auth_kbdint(struct conn *c, struct buf *b)
{
	const uint8_t *lang, *sub;
	size_t ll, sl;
	struct buf m;
	int r;

	if (buf_get_string(b, &lang, &ll) || buf_get_string(b, &sub, &sl) || buf_end(b))
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR,
		           "malformed keyboard-interactive request");
	if (!svr_passwd_allowed(c))
		return AUTH_FAIL;
	if ((r = conn_msg_init(&m, SSH_MSG_USERAUTH_INFO_REQUEST)) == 0 &&
	    (r = buf_put_cstr(&m, "")) == 0 && (r = buf_put_cstr(&m, "")) == 0 &&
	    (r = buf_put_cstr(&m, "")) == 0 && (r = buf_put_u32(&m, 1)) == 0 &&
	    (r = buf_put_cstr(&m, "Password: ")) == 0 && (r = buf_put_bool(&m, 0)) == 0)
		r = conn_send_buf(c, &m);
	buf_free(&m);
	if (r)
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot send: %s", err_str(r));
	svr_auth.kbdint_pending = 1;
	return AUTH_SENT;
}

/* RFC 4256 3.4: exactly one response, to our one prompt. */
enum auth_result svr_auth_kbdint_response(struct conn *c, struct buf *b)
{
	char pw[DB_MAX_PASSWORD + 1];
	const uint8_t *p;
	size_t n;
	uint32_t num;
	enum auth_result res;

	if (!svr_auth.kbdint_pending)
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected INFO_RESPONSE");
	svr_auth.kbdint_pending = 0;
	if (buf_get_u32(b, &num) || num != 1 || buf_get_string(b, &p, &n) || buf_end(b))
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed INFO_RESPONSE");
	if (!get_password(c, p, n, pw)) {
		wipe(pw, sizeof(pw));
		return AUTH_FAIL;
	}
	res = attempt(c, pw);
	wipe(pw, sizeof(pw));
	return res;
}
