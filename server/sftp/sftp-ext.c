/* sftp-ext.c: the EXTENDED requests OpenSSH's client uses (OpenSSH's PROTOCOL file,
 * section 4) and the ls -l line READDIR sends as longname. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "pwdb.h"
#include "sftp-internal.h"

static int ext_posix_rename(struct sftp *s, uint32_t id, struct buf *b)
{
	char from[DB_MAX_PATH], to[DB_MAX_PATH];

	if (!sftp_two_paths(s, id, b, from, to))
		return 0;
	return sftp_status_errno(s, id, rename(from, to) == 0);
}

static int ext_hardlink(struct sftp *s, uint32_t id, struct buf *b)
{
	char from[DB_MAX_PATH], to[DB_MAX_PATH];

	if (!sftp_two_paths(s, id, b, from, to))
		return 0;
	return sftp_status_errno(s, id, link(from, to) == 0);
}

static int send_statvfs(struct sftp *s, uint32_t id, const struct statvfs *v)
{
	uint64_t f[11] = {v->f_bsize, v->f_frsize, v->f_blocks, v->f_bfree, v->f_bavail,
	                  v->f_files, v->f_ffree, v->f_favail, v->f_fsid,
	                  (v->f_flag & ST_RDONLY ? 1u : 0u) | (v->f_flag & ST_NOSUID ? 2u : 0u),
	                  v->f_namemax};
	size_t at, i;
	int r;

	if ((r = sftp_begin(s, SSH_FXP_EXTENDED_REPLY, id, &at)))
		return r;
	for (i = 0; i < 11; i++)
		if ((r = buf_put_u64(&s->out, f[i])))
			return r;
	return sftp_end(s, at);
}

static int ext_statvfs(struct sftp *s, uint32_t id, struct buf *b)
{
	char path[DB_MAX_PATH];
	struct statvfs v;
	int r;

	if ((r = sftp_get_path(s, b, path)) || (r = buf_end(b)))
		return sftp_status(s, id, sftp_field_status(r));
	if (statvfs(path, &v) != 0)
		return sftp_status_errno(s, id, 0);
	return send_statvfs(s, id, &v);
}

/* A handle's descriptor (file or directory) or -1 after a STATUS went out. */
static int handle_fd(struct sftp *s, uint32_t id, struct buf *b, int end, int *r)
{
	int bad, i = sftp_handle_get(s, b, &bad);

	*r = 0;
	if (bad || (end && buf_end(b))) {
		*r = sftp_status(s, id, SSH_FX_BAD_MESSAGE);
		return -1;
	}
	if (i < 0) {
		*r = sftp_status(s, id, SSH_FX_FAILURE);
		return -1;
	}
	return s->h[i].dir ? dirfd(s->h[i].dir) : s->h[i].fd;
}

static int ext_fstatvfs(struct sftp *s, uint32_t id, struct buf *b)
{
	struct statvfs v;
	int fd, r;

	if ((fd = handle_fd(s, id, b, 1, &r)) < 0)
		return r;
	if (fstatvfs(fd, &v) != 0)
		return sftp_status_errno(s, id, 0);
	return send_statvfs(s, id, &v);
}

static int ext_fsync(struct sftp *s, uint32_t id, struct buf *b)
{
	int fd, r;

	if ((fd = handle_fd(s, id, b, 1, &r)) < 0)
		return r;
	return sftp_status_errno(s, id, fsync(fd) == 0);
}

static int ext_lsetstat(struct sftp *s, uint32_t id, struct buf *b)
{
	char path[DB_MAX_PATH];
	struct sftp_attr a;
	uint32_t st;

	if ((st = sftp_get_path_attr(s, b, path, &a)) != SSH_FX_OK)
		return sftp_status(s, id, st);
	/* a size means nothing for a link (OpenSSH refuses it too) */
	if (a.flags & SSH_FILEXFER_ATTR_SIZE)
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	return sftp_status_errno(s, id, sftp_apply_attr(path, -1, 1, &a) == 0);
}

static int ext_limits(struct sftp *s, uint32_t id, struct buf *b)
{
	size_t at;
	int r;

	if (buf_end(b))
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	if ((r = sftp_begin(s, SSH_FXP_EXTENDED_REPLY, id, &at)) ||
	    (r = buf_put_u64(&s->out, DB_SFTP_MAX_PACKET)) ||
	    (r = buf_put_u64(&s->out, DB_SFTP_MAX_READ)) ||
	    (r = buf_put_u64(&s->out, DB_SFTP_MAX_READ)) ||
	    (r = buf_put_u64(&s->out, DB_SFTP_MAX_HANDLES)))
		return r;
	return sftp_end(s, at);
}

/* "~", "~/x", "~user/x", then as REALPATH. */
static int ext_expand_path(struct sftp *s, uint32_t id, struct buf *b)
{
	char path[DB_MAX_PATH], exp[DB_MAX_PATH], res[DB_MAX_PATH], user[256];
	const char *home = s->home, *rest;
	struct pwdb_pw pw;
	int r;

	if ((r = sftp_get_path(s, b, path)) || (r = buf_end(b)))
		return sftp_status(s, id, sftp_field_status(r));
	rest = path;
	if (path[0] == '~') {
		size_t n = strcspn(path + 1, "/");
		rest = path + 1 + n;
		if (n) {
			if (n >= sizeof(user))
				return sftp_status(s, id, SSH_FX_NO_SUCH_FILE);
			memcpy(user, path + 1, n);
			user[n] = 0;
			if (!pwdb_getpwnam(user, &pw))
				return sftp_status(s, id, SSH_FX_NO_SUCH_FILE);
			home = pw.dir;
		}
		if (snprintf(exp, sizeof(exp), "%s%s", home, rest) >= (int)sizeof(exp))
			return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	} else {
		snprintf(exp, sizeof(exp), "%s", path);
	}
	if (sftp_resolve(exp, res) != 0)
		return sftp_status_errno(s, id, 0);
	return sftp_name1(s, id, res);
}

static int ext_home_directory(struct sftp *s, uint32_t id, struct buf *b)
{
	char user[256];
	struct pwdb_pw pw;

	if (buf_get_cstr(b, user, sizeof(user)) || buf_end(b))
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	if (!user[0])
		return sftp_name1(s, id, s->home);
	if (!pwdb_getpwnam(user, &pw))
		return sftp_status(s, id, SSH_FX_NO_SUCH_FILE);
	return sftp_name1(s, id, pw.dir);
}

/* Copies len bytes (0: to the end) between two file handles, in bounded chunks. */
static int ext_copy_data(struct sftp *s, uint32_t id, struct buf *b)
{
	uint8_t chunk[DB_SFTP_COPY_CHUNK];
	uint64_t roff, len, woff;
	int bad, ri = sftp_handle_get(s, b, &bad), wi, bad2;

	if (bad || buf_get_u64(b, &roff) || buf_get_u64(b, &len))
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	wi = sftp_handle_get(s, b, &bad2);
	if (bad2 || buf_get_u64(b, &woff) || buf_end(b) || roff > (uint64_t)LLONG_MAX ||
	    woff > (uint64_t)LLONG_MAX)
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	if (ri < 0 || wi < 0 || s->h[ri].fd < 0 || s->h[wi].fd < 0)
		return sftp_status(s, id, SSH_FX_FAILURE);
	if (s->readonly)
		return sftp_status(s, id, SSH_FX_PERMISSION_DENIED);
	if (len == 0) {
		/* to the end as it is now: a copy onto itself must not chase its own tail */
		struct stat st;
		if (fstat(s->h[ri].fd, &st) != 0)
			return sftp_status_errno(s, id, 0);
		if ((uint64_t)st.st_size <= roff)
			return sftp_status(s, id, SSH_FX_OK);
		len = (uint64_t)st.st_size - roff;
	}
	for (;;) {
		size_t want = sizeof(chunk);
		ssize_t n, w;
		if (len < want)
			want = (size_t)len;
		if ((n = pread(s->h[ri].fd, chunk, want, (off_t)roff)) < 0)
			return sftp_status_errno(s, id, 0);
		if (n == 0)
			break;
		for (w = 0; w < n;) {
			ssize_t k = pwrite(s->h[wi].fd, chunk + w, (size_t)(n - w), (off_t)woff);
			if (k <= 0)
				return sftp_status_errno(s, id, 0);
			w += k;
			woff += (uint64_t)k;
		}
		roff += (uint64_t)n;
		if (woff > (uint64_t)LLONG_MAX || roff > (uint64_t)LLONG_MAX)
			return sftp_status(s, id, SSH_FX_FAILURE);
		if ((len -= (uint64_t)n) == 0)
			break;
	}
	return sftp_status(s, id, SSH_FX_OK);
}

/* string of packed uint32 ids in, string of packed names out (empty when unknown). */
static int put_names(struct buf *o, const uint8_t *ids, size_t n, int groups)
{
	struct buf in, names;
	union {
		struct pwdb_pw p;
		struct pwdb_gr g;
	} u;
	uint32_t v;
	int r = 0;

	if ((r = buf_init(&names, 256, DB_SFTP_MAX_PACKET / 2)))
		return r;
	buf_view(&in, ids, n);
	while (!r && buf_avail(&in)) {
		const char *name = "";
		if ((r = buf_get_u32(&in, &v)))
			break;
		if (groups) {
			if (pwdb_getgrgid((gid_t)v, &u.g))
				name = u.g.name;
		} else if (pwdb_getpwuid((uid_t)v, &u.p)) {
			name = u.p.name;
		}
		r = buf_put_cstr(&names, name);
	}
	if (!r)
		r = buf_put_string(o, names.data, names.len);
	buf_free(&names);
	return r;
}

static int ext_users_groups(struct sftp *s, uint32_t id, struct buf *b)
{
	const uint8_t *u, *g;
	size_t un, gn, at;
	int r;

	if (buf_get_string(b, &u, &un) || buf_get_string(b, &g, &gn) || buf_end(b) || un % 4 ||
	    gn % 4)
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	if ((r = sftp_begin(s, SSH_FXP_EXTENDED_REPLY, id, &at)))
		return r;
	if (put_names(&s->out, u, un, 0) || put_names(&s->out, g, gn, 1)) {
		s->out.len = at; /* too many names for one reply */
		return sftp_status(s, id, SSH_FX_FAILURE);
	}
	return sftp_end(s, at);
}

static const struct {
	const char *name;
	int (*fn)(struct sftp *s, uint32_t id, struct buf *b);
} exts[] = {
        {"posix-rename@openssh.com", ext_posix_rename},
        {"statvfs@openssh.com", ext_statvfs},
        {"fstatvfs@openssh.com", ext_fstatvfs},
        {"hardlink@openssh.com", ext_hardlink},
        {"fsync@openssh.com", ext_fsync},
        {"lsetstat@openssh.com", ext_lsetstat},
        {"limits@openssh.com", ext_limits},
        {"expand-path@openssh.com", ext_expand_path},
        {"copy-data", ext_copy_data},
        {"home-directory", ext_home_directory},
        {"users-groups-by-id@openssh.com", ext_users_groups},
};

int sftp_extended(struct sftp *s, uint32_t id, struct buf *b)
{
	const uint8_t *p;
	size_t n, i;

	if (buf_get_string(b, &p, &n))
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (strlen(exts[i].name) == n && memcmp(exts[i].name, p, n) == 0)
			return exts[i].fn(s, id, b);
	return sftp_status(s, id, SSH_FX_OP_UNSUPPORTED);
}

/* ---- ls -l */

static void mode_string(char *m, mode_t mode)
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	m[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : S_ISCHR(mode) ? 'c'
	     : S_ISBLK(mode) ? 'b' : S_ISFIFO(mode) ? 'p' : S_ISSOCK(mode) ? 's' : '-';
	for (i = 0; i < 9; i++)
		m[1 + i] = mode & (0400u >> i) ? rwx[i] : '-';
	if (mode & S_ISUID)
		m[3] = m[3] == 'x' ? 's' : 'S';
	if (mode & S_ISGID)
		m[6] = m[6] == 'x' ? 's' : 'S';
	if (mode & S_ISVTX)
		m[9] = m[9] == 'x' ? 't' : 'T';
	m[10] = 0;
}

/* Names of the last uid and gid looked up: a directory is usually one owner's. */
static void owner_names(const struct stat *st, char *u, size_t un, char *g, size_t gn)
{
	static uid_t lu = (uid_t)-1;
	static gid_t lg = (gid_t)-1;
	static char lun[64], lgn[64];

	if (st->st_uid != lu) {
		struct pwdb_pw p;
		lu = st->st_uid;
		if (pwdb_getpwuid(lu, &p) && strlen(p.name) < sizeof(lun))
			snprintf(lun, sizeof(lun), "%s", p.name);
		else
			snprintf(lun, sizeof(lun), "%u", (unsigned)lu);
	}
	if (st->st_gid != lg) {
		struct pwdb_gr gr;
		lg = st->st_gid;
		if (pwdb_getgrgid(lg, &gr) && strlen(gr.name) < sizeof(lgn))
			snprintf(lgn, sizeof(lgn), "%s", gr.name);
		else
			snprintf(lgn, sizeof(lgn), "%u", (unsigned)lg);
	}
	snprintf(u, un, "%s", lun);
	snprintf(g, gn, "%s", lgn);
}

void sftp_longname(char *out, size_t outsz, const char *name, const struct stat *st)
{
	char mode[11], user[64], group[64], when[32];
	time_t now = time(NULL), t = st->st_mtime;
	struct tm tm;

	mode_string(mode, st->st_mode);
	owner_names(st, user, sizeof(user), group, sizeof(group));
	/* ls: the time of day for the last six months, else the year */
	if (!localtime_r(&t, &tm))
		snprintf(when, sizeof(when), "?");
	else if (t > now - 15778476 && t <= now + 15778476) /* "%b %e %H:%M" */
		snprintf(when, sizeof(when), "%s %2d %02d:%02d", log_month(tm.tm_mon), tm.tm_mday,
		         tm.tm_hour, tm.tm_min);
	else /* "%b %e  %Y" */
		snprintf(when, sizeof(when), "%s %2d  %d", log_month(tm.tm_mon), tm.tm_mday,
		         tm.tm_year + 1900);
	snprintf(out, outsz, "%s %3u %-8s %-8s %8llu %s %s", mode, (unsigned)st->st_nlink, user,
	         group, (unsigned long long)st->st_size, when, name);
}
