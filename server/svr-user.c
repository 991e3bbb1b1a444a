/* svr-user.c: who may log in (the account checks Dropbear makes in checkusername and
 * its password path) and the drop to that user after authentication. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fdio.h"
#include "log.h"
#include "pwdb.h"
#include "svr-auth.h"
#include "svr-sys.h"
#include "util.h"

static int copy_str(char *dst, size_t dsz, const char *src)
{
	size_t n = strlen(src ? src : "");
	if (n >= dsz)
		return ERR_TOOBIG;
	memcpy(dst, src ? src : "", n + 1);
	return 0;
}

static int in_group(const char *user, gid_t base, const char *group)
{
	gid_t groups[DB_MAX_GROUPS];
	struct pwdb_gr g;
	long n, i;

	if (!pwdb_getgrnam(group, &g)) {
		log_msg(LOG_WARNING, "Logins are restricted to the group %s, which does not exist",
		        group);
		return 0;
	}
	if ((n = pwdb_grouplist(user, base, groups, DB_MAX_GROUPS)) < 0 || n > DB_MAX_GROUPS) {
		log_msg(LOG_ERR, "Too many groups for user '%s'", user);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (groups[i] == g.gid)
			return 1;
	return 0;
}

/* The shell must be listed in /etc/shells (without the file: /bin/sh and /bin/csh, as
 * getusershell(3)). Read here, not with getusershell: musl's brings fmemopen and getline
 * (2.5 kB of the static binary). A line longer than the buffer matches nothing. */
static int shell_ok(const char *shell)
{
	char line[512];
	struct fdin f;
	size_t n;
	int ok = 0, whole = 1, fd;

	/* passwd(5): an empty shell means /bin/sh */
	if (!*shell)
		shell = "/bin/sh";
	if ((fd = open("/etc/shells", O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return strcmp(shell, "/bin/sh") == 0 || strcmp(shell, "/bin/csh") == 0;
	fdin_init(&f, fd);
	while (!ok && (n = fdin_gets(&f, line, sizeof(line)))) {
		int was_whole = whole;
		char *p = line, *e;

		/* a NUL in the line ends it here, as with fgets and strlen */
		whole = line[n - 1] == '\n';
		if (!was_whole || (!whole && n == sizeof(line) - 1))
			continue;
		/* as glibc's: the path from the first '/' up to blanks or a '#' comment */
		while (*p && *p != '#' && *p != '/')
			p++;
		if (*p != '/')
			continue;
		for (e = p; *e && !strchr(" \t\r\n#", *e); e++)
			;
		*e = 0;
		ok = strcmp(p, shell) == 0;
	}
	close(fd);
	return ok;
}

/* The crypt hash from shadow when there is an entry (we run as root), else passwd's.
 * Locked ('!' first: passwd -l, usermod -L, useradd without a password) or expired
 * accounts are refused for every method, as OpenSSH does. A hash of "*" (Debian's root,
 * system accounts) only means that no password can match: like OpenSSH and Dropbear we
 * still let such an account in with a key. */
static int account_ok(const struct pwdb_pw *pw, char *hash, size_t hsz)
{
	struct pwdb_sp sp;
	int have = pwdb_getspnam(pw->name, &sp), ok = 0;
	const char *h = have ? sp.hash : pw->passwd;
	long today = (long)(time(NULL) / 86400);

	if (h[0] == '!')
		log_msg(LOG_WARNING, "User account '%s' is locked", pw->name);
	else if (have && sp.expire > 0 && today >= sp.expire)
		log_msg(LOG_WARNING, "User account '%s' has expired", pw->name);
	else if (copy_str(hash, hsz, h))
		log_msg(LOG_WARNING, "User account '%s' has an overlong password hash",
		        pw->name);
	else
		ok = 1;
	pwdb_sp_wipe(&sp);
	return ok;
}

static void check(struct conn *c, const char *name, struct pwdb_pw *pw)
{
	const struct svr_opts *o = c->srv->opts;
	struct svr_authstate *a = &svr_auth;

	a->valid = 0;
	if (!pwdb_getpwnam(name, pw)) {
		/* the reads an existing user costs (-G's group, /etc/shells, shadow), so
		 * that the "none" reply, sent with no minimum time, takes as long */
		struct pwdb_gr g;
		struct pwdb_sp sp;
		if (o->group)
			(void)pwdb_getgrnam(o->group, &g);
		(void)shell_ok("");
		(void)pwdb_getspnam(name, &sp);
		pwdb_sp_wipe(&sp);
		log_msg(LOG_WARNING, "Login attempt for nonexistent user from %s", c->peer);
		return;
	}
	a->user.uid = pw->uid;
	a->user.gid = pw->gid;
	if (copy_str(a->user.name, sizeof(a->user.name), pw->name) ||
	    copy_str(a->user.home, sizeof(a->user.home), pw->dir) ||
	    copy_str(a->user.shell, sizeof(a->user.shell), *pw->shell ? pw->shell : "/bin/sh")) {
		log_msg(LOG_WARNING, "User '%s' has an overlong passwd entry, rejected", name);
		return;
	}
	if (geteuid() != 0 && geteuid() != pw->uid) {
		log_msg(LOG_WARNING, "Login attempt with wrong user %s from %s", pw->name,
		        c->peer);
		return;
	}
	if (o->no_root && pw->uid == 0) {
		log_msg(LOG_WARNING, "root login rejected");
		return;
	}
	if (o->group && !in_group(pw->name, pw->gid, o->group)) {
		log_msg(LOG_WARNING,
		        "Logins are restricted to the group %s but user '%s' is not a member",
		        o->group, pw->name);
		return;
	}
	if (!shell_ok(pw->shell)) {
		log_msg(LOG_WARNING, "User '%s' has invalid shell, rejected", pw->name);
		return;
	}
	if (!account_ok(pw, a->pwhash, sizeof(a->pwhash)))
		return;
	a->valid = 1;
}

void svr_user_check(struct conn *c, const char *name)
{
	struct pwdb_pw pw;

	check(c, name, &pw);
	/* passwd's second field may hold a hash too (no shadow file) */
	wipe(&pw, sizeof(pw));
}

int svr_passwd_allowed(const struct conn *c)
{
	const struct svr_opts *o = c->srv->opts;

	if (!DB_AUTH_PASSWORD || o->no_password || svr_auth.passwd_done)
		return 0;
	/* -g: only for an existing root; an unknown user looks like any other */
	if (o->no_root_password && svr_auth.valid && svr_auth.user.uid == 0)
		return 0;
	return 1;
}

#if !DB_OWN_PWDB
static int read_all(int fd, void *p, size_t n)
{
	uint8_t *q = p;
	ssize_t r;

	while (n) {
		r = read(fd, q, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		q += r;
		n -= (size_t)r;
	}
	return 0;
}

/* glibc's initgroups asks every NSS service of the group database, and the first use
 * loads each module into the process for good: with Debian's "group: files systemd"
 * that is libnss_systemd with libcap and libm, some 690 kB of RSS in every session's
 * process for a list read once. A short-lived child makes the list (pwdb_grouplist:
 * getgrouplist, so the same groups from every service; cut at NGROUPS_MAX as initgroups
 * cuts it) and hands it back over a pipe; this process only sets it. DB_OWN_PWDB reads
 * /etc/group itself and needs none of this. */
static int set_user_groups(const char *user, gid_t base)
{
	long lmax = sysconf(_SC_NGROUPS_MAX);
	int max = lmax > 0 && lmax < 65536 ? (int)lmax : 65536, n = 0, fds[2], st, r = -1;
	gid_t *g = NULL;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		long k;
		if (!(g = calloc((size_t)max, sizeof(*g))) ||
		    (k = pwdb_grouplist(user, base, g, (size_t)max)) < 0)
			_exit(1);
		n = k < max ? (int)k : max;
		if (write(fds[1], &n, sizeof(n)) != (ssize_t)sizeof(n) ||
		    write(fds[1], g, (size_t)n * sizeof(*g)) != (ssize_t)((size_t)n * sizeof(*g)))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read_all(fds[0], &n, sizeof(n)) == 0 && n >= 0 && n <= max &&
	    (g = calloc((size_t)n + 1, sizeof(*g))) &&
	    read_all(fds[0], g, (size_t)n * sizeof(*g)) == 0)
		r = 0;
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
		r = -1;
	if (r == 0)
		r = svr_setgroups((size_t)n, g);
	free(g);
	if (r != 0 && errno == 0)
		errno = EIO;
	return r;
}
#else
/* initgroups(3) with svr_setgroups and our /etc/group reading: the list cut at the
 * kernel's NGROUPS_MAX as initgroups cuts it (musl's initgroups and sysconf say 32: a
 * user in more groups could not log in). Most users fit the array on the stack; a
 * longer list is read again into one of its size. */
static int set_user_groups(const char *user, gid_t base)
{
	gid_t few[64], *g = few;
	long n = pwdb_grouplist(user, base, few, 64);
	int r = -1;

	if (n > 64) {
		long max = n < DB_NGROUPS_MAX ? n : DB_NGROUPS_MAX;
		if (!(g = calloc((size_t)max, sizeof(*g))))
			return -1;
		if ((n = pwdb_grouplist(user, base, g, (size_t)max)) > max)
			n = max;
	}
	if (n >= 0)
		r = svr_setgroups((size_t)n, g);
	if (g != few)
		free(g);
	return r;
}
#endif

int svr_user_become(const struct svr_user *u)
{
	/* a server run by an ordinary user serves only that user (svr_user_check) */
	if (geteuid() != 0 && getuid() == u->uid && geteuid() == u->uid)
		goto home;
	errno = 0;
	if (set_user_groups(u->name, u->gid) != 0) {
		log_msg(LOG_ERR, "groups of '%s': %s", u->name, strerror(errno));
		return ERR_IO;
	}
	if (svr_setgid(u->gid) != 0 || getgid() != u->gid || getegid() != u->gid) {
		log_msg(LOG_ERR, "setgid(%d): %s", (int)u->gid, strerror(errno));
		return ERR_IO;
	}
	if (svr_setuid(u->uid) != 0 || getuid() != u->uid || geteuid() != u->uid) {
		log_msg(LOG_ERR, "setuid(%d): %s", (int)u->uid, strerror(errno));
		return ERR_IO;
	}
	/* the drop must be for good: no way back to root */
	if (u->uid != 0 && (svr_setuid(0) == 0 || svr_seteuid(0) == 0)) {
		log_msg(LOG_ERR, "privileges could be regained after setuid(%d)", (int)u->uid);
		return ERR_IO;
	}
	/* The kernel makes us non-dumpable on the uid change unless fs.suid_dumpable is 1;
	 * say so ourselves: the user's own processes must not ptrace this one, which holds
	 * the signer's socket (host key signatures) and what root read before the drop. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		log_msg(LOG_ERR, "prctl(PR_SET_DUMPABLE): %s", strerror(errno));
		return ERR_IO;
	}
home:
	if (chdir(u->home) != 0 && chdir("/") != 0)
		return ERR_IO;
	return 0;
}
