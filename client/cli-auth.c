/* cli-auth.c: user authentication (RFC 4252) as a client: the ssh-userauth service,
 * "none" to learn the methods, then publickey with the agent's keys and the key files
 * (RFC 4252 7, RSA as RFC 8332 with server-sig-algs, RFC 8308 3.1), keyboard-interactive
 * (RFC 4256) and password (RFC 4252 8), in that order, as the server allows.
 *
 * Secrets come from $DROPBEAR_PASSWORD (scripts), $SSH_ASKPASS when there is no terminal
 * (or SSH_ASKPASS_REQUIRE=force), or /dev/tty; BatchMode never prompts. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "askpass.h"
#include "client.h"
#include "err.h"
#include "keyfile.h"
#include "log.h"
#include "safetext.h"
#include "util.h"

#define SSH_MSG_USERAUTH_PK_OK 60
#define SSH_MSG_USERAUTH_INFO_REQUEST 60 /* keyboard-interactive (RFC 4256 3.2) */
#define SSH_MSG_USERAUTH_PASSWD_CHANGEREQ 60
#define SSH_MSG_USERAUTH_INFO_RESPONSE 61

/* options.h; an environment password is tried once. */
#define CLI_PASSWORD_TRIES DB_CLI_PASSWORD_TRIES
#define CLI_MAX_KBD_PROMPTS DB_CLI_MAX_KBD_PROMPTS

enum method { M_NONE, M_PUBKEY, M_KBD, M_PASSWORD };

struct cli_auth {
	enum method inflight;
	int agent_fd;
	struct buf agent_reply;          /* holds the identities the keys below view */
	struct agent_key agent_keys[AGENT_MAX_KEYS];
	size_t nagent, agent_next;
	int agent_tried;
	int file_next;
	int kbd_tries, pw_tries;
	int kbd_prompted;                /* the current kbd round asked for something */
	char methods[256];               /* the server's last list */
};

static struct cli_auth auth_storage; /* one connection per process; reached via c->cli->auth */

static const char *env_password(void)
{
	const char *p = getenv("DROPBEAR_PASSWORD");
	return p && *p ? p : NULL;
}

/* $SSH_ASKPASS PROMPT: its first output line. */
static int run_askpass(const char *prog, const char *prompt, char *out, size_t outsz)
{
	int pfd[2], status;
	pid_t pid;
	size_t n = 0;
	ssize_t k;

	if (pipe(pfd) != 0)
		return ERR_IO;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return ERR_IO;
	}
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execlp(prog, prog, prompt, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (n + 1 < outsz && (k = read(pfd[0], out + n, outsz - 1 - n)) > 0)
		n += (size_t)k;
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	out[n] = 0;
	out[strcspn(out, "\r\n")] = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		wipe(out, outsz);
		return ERR_IO;
	}
	return 0;
}

/* A secret from a person: SSH_ASKPASS when forced or without a terminal, else
 * /dev/tty. */
static int ask_secret(const char *prompt, char *out, size_t outsz)
{
	const char *ap = getenv("SSH_ASKPASS"), *req = getenv("SSH_ASKPASS_REQUIRE");
	int r;

	if (cli_opts.batch_mode)
		return ERR_INVALID;
	if (ap && *ap && req && !strcmp(req, "force"))
		return run_askpass(ap, prompt, out, outsz);
	r = askpass_tty(prompt, out, outsz);
	if (r == ERR_IO && ap && *ap && !(req && !strcmp(req, "never")))
		r = run_askpass(ap, prompt, out, outsz);
	return r;
}

static int has_method(const char *list, const char *m)
{
	size_t ml = strlen(m);
	const char *p = list;

	while (*p) {
		size_t l = strcspn(p, ",");
		if (l == ml && !memcmp(p, m, ml))
			return 1;
		p += l + (p[l] == ',');
	}
	return 0;
}

static int put_head(struct conn *c, struct buf *m, const char *method)
{
	int r;
	(void)c;
	if ((r = conn_msg_init(m, SSH_MSG_USERAUTH_REQUEST)))
		return r;
	if ((r = buf_put_cstr(m, cli_opts.user)) || (r = buf_put_cstr(m, "ssh-connection")) ||
	    (r = buf_put_cstr(m, method)))
		buf_free(m);
	return r;
}

/* The signature algorithm for a key: for RSA the best SHA-2 one the server lists in
 * server-sig-algs (RFC 8332 3.2); without that list rsa-sha2-512, which every server
 * we care about takes. */
static const char *sig_alg(struct conn *c, enum key_type t, uint32_t *agent_flags)
{
	const char *sa = c->cli->sig_algs;

	*agent_flags = 0;
	if (t != KEY_RSA)
		return key_type_name(t);
	if (c->cli->have_sig_algs && !has_method(sa, "rsa-sha2-512") &&
	    has_method(sa, "rsa-sha2-256")) {
		*agent_flags = SSH_AGENT_RSA_SHA2_256;
		return "rsa-sha2-256";
	}
	*agent_flags = SSH_AGENT_RSA_SHA2_512;
	return "rsa-sha2-512";
}

/* The data signed (RFC 4252 7): string session id || the request so far. */
static int signed_data(struct conn *c, const struct buf *req, struct buf *out)
{
	int r;
	if ((r = buf_init(out, req->len + 128, DB_MAX_PAYLOAD + 128)))
		return r;
	if ((r = buf_put_string(out, c->kex.session_id, c->kex.sid_len)) ||
	    (r = buf_put_bytes(out, req->data, req->len)))
		buf_free(out);
	return r;
}

/* A publickey request signed with key k (a file) or by the agent (blob). 0 sent, 1
 * this key cannot be used (skip it), <0 error. */
static int send_pubkey(struct conn *c, const struct key *k, const uint8_t *ablob,
                       size_t ablen)
{
	struct buf m, blob, data, sig, reply, req;
	struct key *pk = NULL;
	const char *alg;
	uint32_t flags;
	int r;

	memset(&data, 0, sizeof(data));
	memset(&sig, 0, sizeof(sig));
	memset(&reply, 0, sizeof(reply));
	memset(&req, 0, sizeof(req));
	if ((r = buf_init(&blob, 256, DB_MAX_PUBKEY_BLOB)))
		return r;
	if (k)
		r = key_put_blob(k, &blob);
	else if ((r = key_from_blob(ablob, ablen, &pk)) == 0)
		r = buf_put_bytes(&blob, ablob, ablen);
	if (r) {
		buf_free(&blob);
		return 1; /* a key type we do not know: skip it */
	}
	alg = sig_alg(c, key_type(k ? k : pk), &flags);
	key_free(pk);
	if ((r = put_head(c, &m, "publickey"))) {
		buf_free(&blob);
		return r;
	}
	if ((r = buf_put_bool(&m, 1)) || (r = buf_put_cstr(&m, alg)) ||
	    (r = buf_put_string(&m, blob.data, blob.len)) || (r = signed_data(c, &m, &data)))
		goto out;
	if (k) {
		if ((r = buf_init(&sig, 512, 4096)) || (r = key_sign(k, alg, data.data, data.len, &sig)))
			goto out;
	} else {
		const uint8_t *s;
		size_t sl;
		if ((r = buf_init(&req, 512, AGENT_MAX_MSG)) || (r = buf_init(&reply, 512, AGENT_MAX_MSG)) ||
		    (r = agent_put_sign_request(&req, blob.data, blob.len, data.data, data.len, flags)) ||
		    (r = agent_call(c->cli->auth->agent_fd, &req, &reply)) ||
		    (r = agent_parse_sign_response(reply.data, reply.len, &s, &sl)) ||
		    (r = buf_init(&sig, sl, sl + 1)) || (r = buf_put_bytes(&sig, s, sl))) {
			dbg(1, "agent could not sign: %s", err_str(r));
			r = 1;
			goto out;
		}
	}
	if ((r = buf_put_string(&m, sig.data, sig.len)) == 0)
		r = conn_send_buf(c, &m);
out:
	buf_free(&m);
	buf_free(&blob);
	buf_free(&data);
	buf_free(&sig);
	buf_free(&req);
	buf_free(&reply);
	return r;
}

static void load_agent(struct cli_auth *a)
{
	const char *sock = getenv("SSH_AUTH_SOCK");
	struct buf req;
	int r;

	a->agent_tried = 1;
	if (cli_opts.identities_only || !sock || !*sock)
		return;
	if (agent_connect(sock, &a->agent_fd)) {
		a->agent_fd = -1;
		dbg(1, "cannot connect to the agent at %s", sock);
		return;
	}
	if ((r = buf_init(&req, 16, 64)) == 0 && (r = agent_put_list_request(&req)) == 0 &&
	    (r = buf_init(&a->agent_reply, 4096, AGENT_MAX_MSG)) == 0 &&
	    (r = agent_call(a->agent_fd, &req, &a->agent_reply)) == 0)
		r = agent_parse_identities(a->agent_reply.data, a->agent_reply.len, a->agent_keys,
		                           AGENT_MAX_KEYS, &a->nagent);
	buf_free(&req);
	if (r) {
		dbg(1, "agent: %s", err_str(r));
		a->nagent = 0;
	}
	dbg(1, "agent holds %zu keys", a->nagent);
}

/* The next public key attempt: 0 sent, 1 none left. */
static int try_pubkey(struct conn *c)
{
	struct cli_auth *a = c->cli->auth;
	int r;

	if (!a->agent_tried)
		load_agent(a);
	while (a->agent_next < a->nagent) {
		const struct agent_key *k = &a->agent_keys[a->agent_next++];
		if ((r = send_pubkey(c, NULL, k->blob, k->bloblen)) <= 0)
			return r;
	}
	while (a->file_next < cli_opts.nidentity) {
		const char *path = cli_opts.identity[a->file_next++];
		struct key *k = NULL;
		r = keyfile_load_ask(path, cli_opts.batch_mode ? NULL : askpass_key, NULL, &k);
		if (r) {
			if (!cli_opts.quiet)
				log_msg(LOG_WARNING, "Warning: cannot use key file %s: %s", path,
				        r == ERR_IO ? strerror(errno) : err_str(r));
			continue;
		}
		dbg(1, "trying key %s", path);
		r = send_pubkey(c, k, NULL, 0);
		key_free(k);
		if (r <= 0)
			return r;
	}
	return 1;
}

static int send_kbd(struct conn *c)
{
	struct buf m;
	int r;

	if ((r = put_head(c, &m, "keyboard-interactive")))
		return r;
	if ((r = buf_put_cstr(&m, "")) == 0 && (r = buf_put_cstr(&m, "")) == 0)
		r = conn_send_buf(c, &m);
	buf_free(&m);
	return r;
}

static int send_password(struct conn *c)
{
	char pw[DB_MAX_PASSWORD + 1], prompt[DB_MAX_USERNAME + DB_MAX_FWD_HOST + 32];
	const char *env = env_password();
	struct buf m;
	int r;

	if (env) {
		snprintf(pw, sizeof(pw), "%s", env);
	} else {
		snprintf(prompt, sizeof(prompt), "%s@%s's password: ", cli_opts.user,
		         cli_opts.host);
		if ((r = ask_secret(prompt, pw, sizeof(pw))))
			return 1; /* nobody to ask */
	}
	if ((r = put_head(c, &m, "password")) == 0) {
		m.flags |= BUF_SECRET;
		if ((r = buf_put_bool(&m, 0)) == 0 && (r = buf_put_cstr(&m, pw)) == 0)
			r = conn_send_buf(c, &m);
		buf_free(&m);
	}
	wipe(pw, sizeof(pw));
	return r;
}

/* Picks and sends the next attempt the server's list allows. */
static void next_attempt(struct conn *c)
{
	struct cli_auth *a = c->cli->auth;
	const char *ms = a->methods;
	char shown[sizeof(a->methods)];
	int r, tries = env_password() ? 1 : CLI_PASSWORD_TRIES;
	int can_prompt = !cli_opts.batch_mode || env_password();

	if (cli_opts.pubkey_auth && has_method(ms, "publickey")) {
		a->inflight = M_PUBKEY;
		if ((r = try_pubkey(c)) < 0)
			conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "publickey: %s", err_str(r));
		if (r == 0)
			return;
	}
	if (cli_opts.kbd_auth && can_prompt && has_method(ms, "keyboard-interactive") &&
	    a->kbd_tries < tries) {
		a->kbd_tries++;
		a->inflight = M_KBD;
		a->kbd_prompted = 0;
		if ((r = send_kbd(c)))
			conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot send: %s", err_str(r));
		return;
	}
	if (cli_opts.password_auth && can_prompt && has_method(ms, "password") &&
	    a->pw_tries < tries) {
		a->pw_tries++;
		a->inflight = M_PASSWORD;
		if ((r = send_password(c)) < 0)
			conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot send: %s", err_str(r));
		if (r == 0)
			return;
		a->pw_tries = tries;
	}
	/* the list is the server's: shown without escapes */
	safetext(shown, sizeof(shown), (const uint8_t *)ms, strlen(ms), 0);
	conn_fatal(c, SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE,
	           "Permission denied for %s: no more authentication methods to try (server "
	           "allows: %s)",
	           cli_opts.user, shown[0] ? shown : "none");
}

static int on_service_accept(struct conn *c, uint8_t msg, struct buf *b)
{
	char name[64];
	struct buf m;
	int r;

	(void)msg;
	if ((r = buf_get_cstr(b, name, sizeof(name))) || (r = buf_end(b)))
		return r;
	if (strcmp(name, "ssh-userauth") != 0) {
		char shown[sizeof(name)];
		safetext(shown, sizeof(shown), (const uint8_t *)name, strlen(name), 0);
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "server accepted service '%s'", shown);
	}
	/* "none" first: the answer lists the methods (RFC 4252 5.2) */
	c->cli->auth->inflight = M_NONE;
	if ((r = put_head(c, &m, "none")))
		return r;
	r = conn_send_buf(c, &m);
	buf_free(&m);
	return r;
}

static int on_failure(struct conn *c, uint8_t msg, struct buf *b)
{
	int partial, r;

	(void)msg;
	if ((r = buf_get_cstr(b, c->cli->auth->methods, sizeof(c->cli->auth->methods))) ||
	    (r = buf_get_bool(b, &partial)) || (r = buf_end(b)))
		return r;
	dbg(1, "auth: server allows %s%s", c->cli->auth->methods, partial ? " (partial success)" : "");
	if (c->cli->auth->inflight == M_KBD && !c->cli->auth->kbd_prompted)
		c->cli->auth->kbd_tries = CLI_PASSWORD_TRIES; /* asked nothing: do not loop */
	next_attempt(c);
	return 0;
}

static int on_success(struct conn *c, uint8_t msg, struct buf *b)
{
	int r;

	(void)msg;
	if ((r = buf_end(b)))
		return r;
	/* DisableTrivialAuth (OpenSSH 8.9): a server that lets us in on "none" or after a
	 * keyboard-interactive round that asked nothing proved nothing about itself */
	if (cli_opts.disable_trivial_auth &&
	    (c->cli->auth->inflight == M_NONE ||
	     (c->cli->auth->inflight == M_KBD && !c->cli->auth->kbd_prompted)))
		cli_die("the server accepted us without authentication, and DisableTrivialAuth "
		        "is set: disconnecting");
	dbg(1, "authenticated as %s", cli_opts.user);
	conn_set_authed(c);
	/* zlib@openssh.com starts now (OpenSSH PROTOCOL, delayed compression) */
	if ((r = pkt_dir_comp_start(&c->rx)) || (r = pkt_dir_comp_start(&c->tx)))
		return r;
	if (c->cli->auth->agent_fd >= 0) {
		close(c->cli->auth->agent_fd);
		c->cli->auth->agent_fd = -1;
	}
	buf_free(&c->cli->auth->agent_reply);
	c->cli->auth->nagent = 0;
	cli_session_start(c);
	return 0;
}

static int on_banner(struct conn *c, uint8_t msg, struct buf *b)
{
	const uint8_t *text, *lang;
	size_t n, ln;
	char *out;
	int r;

	(void)c;
	(void)msg;
	if ((r = buf_get_string(b, &text, &n)) || (r = buf_get_string(b, &lang, &ln)) ||
	    (r = buf_end(b)))
		return r;
	if (cli_opts.quiet || n == 0 || n > DB_MAX_BANNER * 4)
		return 0;
	if (!(out = malloc(n + 1)))
		return 0;
	/* no terminal escapes from the server (RFC 4252 5.4 asks clients to filter): C0,
	 * DEL and C1 controls, and UTF-8 only when the terminal speaks it */
	n = safetext(out, n + 1, text, n, SAFETEXT_NEWLINES | safetext_locale_flags());
	if (n)
		dprintf(STDERR_FILENO, "%s%s", out, out[n - 1] == '\n' ? "" : "\n");
	free(out);
	return 0;
}

static void show_text(const uint8_t *p, size_t n, int tty)
{
	char out[1024];

	if (!n)
		return;
	safetext(out, sizeof(out), p, n, SAFETEXT_NEWLINES | safetext_locale_flags());
	dprintf(tty, "%s\n", out);
}

/* 60: INFO_REQUEST during keyboard-interactive (RFC 4256 3.2); PASSWD_CHANGEREQ during
 * password (RFC 4252 8), which we cannot answer: that method then fails. */
static int on_60(struct conn *c, uint8_t msg, struct buf *b)
{
	const uint8_t *name, *inst, *lang;
	size_t nl, il, ll;
	uint32_t np, i;
	struct buf m;
	int r;

	(void)msg;
	if (c->cli->auth->inflight == M_PASSWORD) {
		(void)buf_skip(b, buf_avail(b));
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION,
		           "the server asks for a new password: change it with another client");
	}
	if (c->cli->auth->inflight != M_KBD)
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected message 60");
	if ((r = buf_get_string(b, &name, &nl)) || (r = buf_get_string(b, &inst, &il)) ||
	    (r = buf_get_string(b, &lang, &ll)) || (r = buf_get_u32(b, &np)))
		return r;
	if (np > CLI_MAX_KBD_PROMPTS)
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "too many prompts (%u)", np);
	if ((r = conn_msg_init(&m, SSH_MSG_USERAUTH_INFO_RESPONSE)))
		return r;
	m.flags |= BUF_SECRET;
	if ((r = buf_put_u32(&m, np)))
		goto out;
	if (np && !env_password() && !cli_opts.batch_mode && (nl || il)) {
		int tty = open("/dev/tty", O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (tty >= 0) {
			show_text(name, nl, tty);
			show_text(inst, il, tty);
			close(tty);
		}
	}
	for (i = 0; i < np; i++) {
		const uint8_t *pr;
		size_t pl;
		int echo;
		char prompt[256], ans[DB_MAX_PASSWORD + 1];

		if ((r = buf_get_string(b, &pr, &pl)) || (r = buf_get_bool(b, &echo)))
			goto out;
		safetext(prompt, sizeof(prompt), pr, pl, safetext_locale_flags());
		c->cli->auth->kbd_prompted = 1;
		if (env_password() && !echo) {
			snprintf(ans, sizeof(ans), "%s", env_password());
		} else if (ask_secret(prompt, ans, sizeof(ans)) != 0) {
			ans[0] = 0;
		}
		r = buf_put_cstr(&m, ans);
		wipe(ans, sizeof(ans));
		if (r)
			goto out;
	}
	if ((r = buf_end(b)) == 0)
		r = conn_send_buf(c, &m);
out:
	buf_free(&m);
	return r;
}

static const struct dispatch cli_auth_table[] = {
        {SSH_MSG_SERVICE_ACCEPT, on_service_accept},
        {SSH_MSG_USERAUTH_FAILURE, on_failure},
        {SSH_MSG_USERAUTH_SUCCESS, on_success},
        {SSH_MSG_USERAUTH_BANNER, on_banner},
        {SSH_MSG_USERAUTH_INFO_REQUEST, on_60},
        {0, NULL},
};

void cli_auth_sig_algs(struct conn *c, const char *algs)
{
	snprintf(c->cli->sig_algs, sizeof(c->cli->sig_algs), "%s", algs);
	c->cli->have_sig_algs = 1;
}

void cli_auth_start(struct conn *c)
{
	struct buf m;
	int r;

	memset(&auth_storage, 0, sizeof(auth_storage));
	auth_storage.agent_fd = -1;
	c->cli->auth = &auth_storage;
	conn_set_phase(c, cli_auth_table);
	if ((r = conn_msg_init(&m, SSH_MSG_SERVICE_REQUEST)) == 0) {
		if ((r = buf_put_cstr(&m, "ssh-userauth")) == 0)
			r = conn_send_buf(c, &m);
		buf_free(&m);
	}
	if (r)
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot send: %s", err_str(r));
}
