/* svr-auth-pubkey.c: the publickey method (RFC 4252 section 7, RFC 8332 for RSA) and the
 * lookup in the user's authorized_keys.
 *
 * The file is opened, and every directory of its path checked, with the user's file
 * system identity (setfsuid/setfsgid/setgroups) while this process is otherwise still
 * root: we read only what the user can read, and a symlink or a path the user cannot
 * follow is the user's problem, not a way to read root's files. The file and every
 * directory up to / must be owned by root or the user and not be writable by group or
 * others, except a root-owned sticky directory such as /tmp. At most
 * DB_MAX_AUTHKEYS_LINES lines are read; a line longer than DB_MAX_AUTHKEYS_LINE is
 * skipped whole. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fdio.h"
#include "key.h"
#include "log.h"
#include "svr-auth.h"
#include "svr-sys.h"
#include "util.h"

/* The lookup's buffers (~33 KB): mapped for one lookup and unmapped after it, so that
 * an idle authenticated session keeps no dirty page of them (in .bss or deep on the
 * stack, they stayed resident for the whole session). Nothing secret is in them. */
struct lookup {
	struct authkeys_entry e;
	char line[DB_MAX_AUTHKEYS_LINE + 1];
	char real[PATH_MAX];
	char p[PATH_MAX];
	char path[DB_MAX_PATH];
	gid_t saved[DB_MAX_GROUPS];
	struct fdin in;
};

/* The files read, in order: authorized_keys, then authorized_keys2 as Debian's sshd
 * (AuthorizedKeysFile's default there) where DB_AUTHKEYS2 says so. */
static const char *const keys_files[] = {
        "authorized_keys",
#if DB_AUTHKEYS2
        "authorized_keys2",
#endif
};

/* -D DIR (a leading "~" is the user's home) or ~/.ssh, then /name. */
static int keys_path(const struct svr_user *u, const char *dir, const char *name, char *out,
                     size_t sz)
{
	int n;

	if (!dir)
		n = snprintf(out, sz, "%s/.ssh/%s", u->home, name);
	else if (dir[0] == '~' && (dir[1] == '/' || dir[1] == 0))
		n = snprintf(out, sz, "%s%s/%s", u->home, dir + 1, name);
	else
		n = snprintf(out, sz, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= sz ? ERR_TOOBIG : 0;
}

/* The file and each directory up to /; logs the offending path. 1 when all is well. */
static int perms_ok(struct lookup *L, const char *real, uid_t uid)
{
	char *p = L->p;
	struct stat st;
	size_t n;

	snprintf(p, sizeof(L->p), "%s", real);
	for (;;) {
		if (stat(p, &st) != 0) {
			log_msg(LOG_WARNING, "Cannot check %s: %s", p, strerror(errno));
			return 0;
		}
		if ((st.st_uid != 0 && st.st_uid != uid) ||
		    ((st.st_mode & 022) &&
		     !(S_ISDIR(st.st_mode) && st.st_uid == 0 && (st.st_mode & S_ISVTX)))) {
			log_msg(LOG_WARNING,
			        "%s must be owned by user or root, and not writable by group or "
			        "others",
			        p);
			return 0;
		}
		if (strcmp(p, "/") == 0)
			return 1;
		n = strlen(p);
		while (n > 1 && p[n - 1] != '/')
			n--;
		p[n > 1 ? n - 1 : 1] = 0;
	}
}

/* Opens the file as the user would; -1 when it is missing, unreadable or unsafe. */
static int open_as_user(struct lookup *L, const struct svr_user *u, const char *path)
{
	char *real = L->real;
	gid_t *saved = L->saved;
	int nsaved = getgroups(DB_MAX_GROUPS, saved);
	uid_t ouid;
	gid_t ogid;
	int fd = -1;

	if (geteuid() == 0 && (nsaved < 0 || svr_setgroups(1, &u->gid) != 0))
		return -1;
	ogid = (gid_t)setfsgid(u->gid);
	ouid = (uid_t)setfsuid(u->uid);
	/* each call returns the previous id: a second one tells whether the first took */
	if ((uid_t)setfsuid(u->uid) != u->uid || (gid_t)setfsgid(u->gid) != u->gid) {
		/* the switch did not happen: read nothing (not as root's group) */
	} else if (!realpath(path, real)) {
		dbg(1, "no authorized_keys at %s: %s", path, strerror(errno));
	} else if (perms_ok(L, real, u->uid)) {
		/* non-blocking and regular only: a FIFO or a device there must not hang this
		 * unauthenticated process past its auth timeout */
		struct stat st;
		fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
			close(fd);
			fd = -1;
		}
		if (fd < 0)
			dbg(1, "cannot open %s as a regular file", real);
	}
	setfsuid(ouid);
	setfsgid(ogid);
	if (geteuid() == 0 && svr_setgroups((size_t)nsaved, saved) != 0 && fd >= 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The next line without its newline: its length, -1 at the end, -2 for a line over
 * DB_MAX_AUTHKEYS_LINE (read to its end and dropped). *budget bounds the bytes read from
 * the whole file (as many as DB_MAX_AUTHKEYS_LINES full lines): overlong lines cannot
 * make the lookup read without end. */
static long next_line(struct fdin *f, char *line, size_t *budget)
{
	size_t n = 0;
	int ch = 0, over = 0;

	while (*budget && (ch = fdin_getc(f)) >= 0 && ch != '\n') {
		--*budget;
		if (n < DB_MAX_AUTHKEYS_LINE)
			line[n++] = (char)ch;
		else
			over = 1;
	}
	if (!*budget)
		return -1;
	--*budget; /* the newline */
	if (ch < 0 && n == 0 && !over)
		return -1;
	return over ? -2 : (long)n;
}

/* 1 when blob is authorized for the user by the file at path (svr_auth.keyopts then
 * holds the line's options), 0 otherwise. */
static int authorized_in(struct conn *c, struct lookup *L, const char *path,
                         const uint8_t *blob, size_t bloblen)
{
	struct authkeys_entry *ep = &L->e;
	char *line = L->line;
	const struct svr_user *u = &svr_auth.user;
	char addr[80];
	size_t budget = (size_t)DB_MAX_AUTHKEYS_LINES * (DB_MAX_AUTHKEYS_LINE + 1);
	unsigned lineno;
	int found = 0, fd;

	if ((fd = open_as_user(L, u, path)) < 0)
		return 0;
	fdin_init(&L->in, fd);
	svr_peer_addr(c, addr, sizeof(addr));
	for (lineno = 1; lineno <= DB_MAX_AUTHKEYS_LINES && !found; lineno++) {
		long n = next_line(&L->in, line, &budget);
		int r;

		if (n == -1)
			break;
		if (n == -2) {
			dbg(1, "%s line %u: longer than %d bytes, skipped", path, lineno,
			    DB_MAX_AUTHKEYS_LINE);
			continue;
		}
		r = authkeys_parse(line, (size_t)n, DB_AUTHKEYS_ENVIRONMENT, ep);
		if (r == AUTHKEYS_SKIP)
			continue;
		if (r) {
			dbg(1, "%s line %u: %s, skipped", path, lineno, err_str(r));
			continue;
		}
		if (ep->bloblen != bloblen || memcmp(ep->blob, blob, bloblen) != 0)
			continue;
		if (ep->opts.from && !authkeys_match_from(ep->opts.from, addr)) {
			log_msg(LOG_NOTICE,
			        "Pubkey for '%s' from %s not allowed by the from= option (%s line "
			        "%u)",
			        u->name, c->peer, path, lineno);
			continue;
		}
		if (ep->opts.expiry && (int64_t)time(NULL) >= ep->opts.expiry) {
			log_msg(LOG_NOTICE, "Pubkey for '%s' has expired (expiry-time, %s line %u)",
			        u->name, path, lineno);
			continue;
		}
		memcpy(&svr_auth.keyopts, &ep->opts, sizeof(ep->opts));
		/* the arena moved with the copy: re-point the strings into it */
		{
			struct authkeys_opts *o = &svr_auth.keyopts;
			const char *base = ep->opts.arena;
			int i;
#define REBASE(p) ((p) ? o->arena + ((p)-base) : NULL)
			o->command = REBASE(ep->opts.command);
			o->from = REBASE(ep->opts.from);
			for (i = 0; i < o->npermitopen; i++)
				o->permitopen[i] = REBASE(ep->opts.permitopen[i]);
			for (i = 0; i < o->npermitlisten; i++)
				o->permitlisten[i] = REBASE(ep->opts.permitlisten[i]);
			for (i = 0; i < o->nenvironment; i++)
				o->environment[i] = REBASE(ep->opts.environment[i]);
			o->info = REBASE(ep->opts.info);
#undef REBASE
		}
		svr_auth.have_keyopts = 1;
		found = 1;
	}
	close(fd);
	return found;
}

/* 1 when blob is authorized for the user by one of keys_files, 0 otherwise. */
static int authorized(struct conn *c, const uint8_t *blob, size_t bloblen)
{
	struct lookup *L;
	size_t i;
	int found = 0;

	L = mmap(NULL, sizeof(*L), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (L == MAP_FAILED)
		return 0;
	for (i = 0; i < sizeof(keys_files) / sizeof(keys_files[0]) && !found; i++)
		found = keys_path(&svr_auth.user, c->srv->opts->authkeys_dir, keys_files[i],
		                  L->path, sizeof(L->path)) == 0 &&
		        authorized_in(c, L, L->path, blob, bloblen);
	munmap(L, sizeof(*L));
	return found;
}

/* RFC 4252 7: what the client signed. */
static int signed_data(struct conn *c, const uint8_t *alg, size_t alglen, const uint8_t *blob,
                       size_t bloblen, struct buf *d)
{
	int r;

	if ((r = buf_init(d, 512, DB_MAX_PAYLOAD + HASH_MAX_LEN + 64)))
		return r;
	if ((r = buf_put_string(d, c->kex.session_id, c->kex.sid_len)) ||
	    (r = buf_put_u8(d, SSH_MSG_USERAUTH_REQUEST)) || (r = buf_put_cstr(d, svr_auth.name)) ||
	    (r = buf_put_cstr(d, "ssh-connection")) || (r = buf_put_cstr(d, "publickey")) ||
	    (r = buf_put_bool(d, 1)) || (r = buf_put_string(d, alg, alglen)) ||
	    (r = buf_put_string(d, blob, bloblen)))
		buf_free(d);
	return r;
}

enum auth_result svr_auth_pubkey(struct conn *c, struct buf *b)
{
	const uint8_t *alg, *blob, *sig = NULL;
	size_t alglen, bloblen, siglen = 0;
	char algname[64];
	struct key *k = NULL;
	enum auth_result res = AUTH_FAIL_FREE;
	struct buf d, m;
	int has_sig, r;

	if (buf_get_bool(b, &has_sig) || buf_get_string(b, &alg, &alglen) ||
	    buf_get_string(b, &blob, &bloblen) || (has_sig && buf_get_string(b, &sig, &siglen)) ||
	    buf_end(b))
		conn_fatal(c, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed publickey request");
	if (alglen >= sizeof(algname) || memchr(alg, 0, alglen))
		return AUTH_FAIL_FREE;
	memcpy(algname, alg, alglen);
	algname[alglen] = 0;
	/* only what server-sig-algs offers (ssh-rsa only with DB_SIG_SSH_RSA) */
	if (hostkeys_alg_type(algname, alglen) == KEY_NONE || key_from_blob(blob, bloblen, &k)) {
		dbg(1, "publickey: algorithm '%s' or key not accepted", algname);
		return AUTH_FAIL_FREE;
	}
	if (!key_sig_alg_ok(k, algname, alglen) ||
	    hostkeys_alg_type(algname, alglen) != key_type(k))
		goto out;
	if (++svr_auth.lookups > DB_MAX_PUBKEY_LOOKUPS)
		conn_fatal(c, SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE,
		           "Too many public keys tried");
	if (!svr_auth.valid || !authorized(c, blob, bloblen)) {
		dbg(1, "publickey: %s key not authorized for '%s'", algname, svr_auth.name);
		goto out;
	}
	if (!has_sig) {
		/* RFC 4252 7: this key would do; the client signs next */
		if ((r = conn_msg_init(&m, SSH_MSG_USERAUTH_PK_OK)) == 0 &&
		    (r = buf_put_string(&m, alg, alglen)) == 0 &&
		    (r = buf_put_string(&m, blob, bloblen)) == 0)
			r = conn_send_buf(c, &m);
		buf_free(&m);
		if (r)
			conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "cannot send: %s", err_str(r));
		res = AUTH_SENT;
		goto out;
	}
	if ((r = signed_data(c, alg, alglen, blob, bloblen, &d)))
		conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "out of memory");
	r = key_verify(k, algname, sig, siglen, d.data, d.len);
	buf_free(&d);
	snprintf(svr_auth.keytype, sizeof(svr_auth.keytype), "%s", key_type_name(key_type(k)));
	if (key_fingerprint(k, svr_auth.fingerprint, sizeof(svr_auth.fingerprint)))
		snprintf(svr_auth.fingerprint, sizeof(svr_auth.fingerprint), "?");
	if (r) {
		log_msg(LOG_WARNING, "Pubkey auth bad signature for '%s' with key %s from %s",
		        svr_auth.name, svr_auth.fingerprint, c->peer);
		res = AUTH_FAIL;
		goto out;
	}
	log_msg(LOG_NOTICE, "Pubkey auth succeeded for '%s' with %s key %s from %s", svr_auth.name,
	        svr_auth.keytype, svr_auth.fingerprint, c->peer);
	res = AUTH_OK;
out:
	key_free(k);
	return res;
}
