/* sftp-fs.c: the file requests of draft-ietf-secsh-filexfer-02 section 6. Each parses
 * its whole request (trailing bytes are BAD_MESSAGE) before it touches the file system. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "err.h"
#include "sftp-internal.h"

/* A request with one path and nothing else. */
static int one_path(struct sftp *s, uint32_t id, struct buf *b, char *path, int changes)
{
	int r = sftp_get_path(s, b, path);

	if (!r && (r = buf_end(b)))
		r = ERR_FORMAT;
	if (r) {
		sftp_status(s, id, sftp_field_status(r));
		return 0;
	}
	if (changes && s->readonly) {
		sftp_status(s, id, SSH_FX_PERMISSION_DENIED);
		return 0;
	}
	return 1;
}

/* Two paths (RENAME, SYMLINK, the link extensions). */
int sftp_two_paths(struct sftp *s, uint32_t id, struct buf *b, char *a, char *c)
{
	int r;

	if ((r = sftp_get_path(s, b, a)) || (r = sftp_get_path(s, b, c)) || (r = buf_end(b))) {
		sftp_status(s, id, sftp_field_status(r));
		return 0;
	}
	if (s->readonly) {
		sftp_status(s, id, SSH_FX_PERMISSION_DENIED);
		return 0;
	}
	return 1;
}

static int send_attrs(struct sftp *s, uint32_t id, const struct stat *st)
{
	struct sftp_attr a;
	size_t at;
	int r;

	sftp_attr_stat(&a, st);
	if ((r = sftp_begin(s, SSH_FXP_ATTRS, id, &at)) || (r = sftp_put_attr(&s->out, &a)))
		return r;
	return sftp_end(s, at);
}

int sftp_open(struct sftp *s, uint32_t id, struct buf *b)
{
	char path[DB_MAX_PATH];
	struct sftp_attr a;
	uint32_t pf;
	int r, flags, fd;
	mode_t mode;

	if ((r = sftp_get_path(s, b, path)) || (r = buf_get_u32(b, &pf)) ||
	    (r = sftp_get_attr(b, &a)) || (r = buf_end(b)))
		return sftp_status(s, id, sftp_field_status(r));
	if ((pf & SSH_FXF_READ) && (pf & SSH_FXF_WRITE))
		flags = O_RDWR;
	else if (pf & SSH_FXF_WRITE)
		flags = O_WRONLY;
	else
		flags = O_RDONLY;
	flags |= (pf & SSH_FXF_APPEND ? O_APPEND : 0) | (pf & SSH_FXF_CREAT ? O_CREAT : 0) |
	         (pf & SSH_FXF_TRUNC ? O_TRUNC : 0) | (pf & SSH_FXF_EXCL ? O_EXCL : 0);
	if (s->readonly && (flags & (O_WRONLY | O_RDWR | O_APPEND | O_CREAT | O_TRUNC)))
		return sftp_status(s, id, SSH_FX_PERMISSION_DENIED);
	mode = a.flags & SSH_FILEXFER_ATTR_PERMISSIONS ? (mode_t)(a.perm & 07777) : 0666;
	fd = open(path, flags | O_CLOEXEC | O_NOCTTY, mode);
	if (fd < 0)
		return sftp_status_errno(s, id, 0);
	return sftp_handle_new(s, fd, NULL, id);
}

int sftp_close(struct sftp *s, uint32_t id, struct buf *b)
{
	int bad, i = sftp_handle_get(s, b, &bad);

	if (bad || buf_end(b))
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	if (i < 0)
		return sftp_status(s, id, SSH_FX_FAILURE);
	return sftp_status_errno(s, id, sftp_handle_close(s, i) == 0);
}

int sftp_read(struct sftp *s, uint32_t id, struct buf *b)
{
	uint64_t off;
	uint32_t len;
	uint8_t *p;
	size_t at, lenat;
	ssize_t n;
	int i, r, bad;

	i = sftp_handle_get(s, b, &bad);
	if (bad || buf_get_u64(b, &off) || buf_get_u32(b, &len) || buf_end(b) ||
	    off > (uint64_t)LLONG_MAX)
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	if (i < 0 || s->h[i].fd < 0)
		return sftp_status(s, id, SSH_FX_FAILURE);
	if (len > DB_SFTP_MAX_READ)
		len = DB_SFTP_MAX_READ;
	if ((r = sftp_splice_read(s, id, s->h[i].fd, off, len)))
		return r < 0 ? r : 0;
	if ((r = sftp_begin(s, SSH_FXP_DATA, id, &at)))
		return r;
	lenat = s->out.len;
	if ((r = buf_put_u32(&s->out, 0)) || (r = buf_reserve(&s->out, len, &p)))
		return r;
	n = pread(s->h[i].fd, p, len, (off_t)off);
	s->out.len = lenat + 4 + (n > 0 ? (size_t)n : 0);
	if (n <= 0) {
		int e = errno;
		s->out.len = at;
		if (n == 0)
			return sftp_status(s, id, SSH_FX_EOF);
		return sftp_status(s, id, sftp_errno(e));
	}
	store_be32(s->out.data + lenat, (uint32_t)n);
	s->nread += (uint64_t)n;
	return sftp_end(s, at);
}

int sftp_write(struct sftp *s, uint32_t id, struct buf *b)
{
	const uint8_t *data;
	uint64_t off;
	size_t n, done = 0;
	int i, bad, fl;

	i = sftp_handle_get(s, b, &bad);
	if (bad || buf_get_u64(b, &off) || buf_get_string(b, &data, &n) || buf_end(b))
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	if (i < 0 || s->h[i].fd < 0)
		return sftp_status(s, id, SSH_FX_FAILURE);
	if (off > (uint64_t)LLONG_MAX || n > (uint64_t)LLONG_MAX - off)
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	if (s->readonly)
		return sftp_status(s, id, SSH_FX_PERMISSION_DENIED);
	fl = fcntl(s->h[i].fd, F_GETFL);
	while (done < n) {
		ssize_t w = fl >= 0 && (fl & O_APPEND)
		                    ? write(s->h[i].fd, data + done, n - done)
		                    : pwrite(s->h[i].fd, data + done, n - done, (off_t)(off + done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return sftp_status_errno(s, id, 0);
		done += (size_t)w;
	}
	s->nwritten += n;
	return sftp_status(s, id, SSH_FX_OK);
}

static int stat_path(struct sftp *s, uint32_t id, struct buf *b, int follow)
{
	char path[DB_MAX_PATH];
	struct stat st;

	if (!one_path(s, id, b, path, 0))
		return 0;
	if ((follow ? stat(path, &st) : lstat(path, &st)) != 0)
		return sftp_status_errno(s, id, 0);
	return send_attrs(s, id, &st);
}

int sftp_lstat(struct sftp *s, uint32_t id, struct buf *b) { return stat_path(s, id, b, 0); }
int sftp_stat(struct sftp *s, uint32_t id, struct buf *b) { return stat_path(s, id, b, 1); }

/* The descriptor behind a file or directory handle, or -1 after a STATUS went out. */
static int any_fd(struct sftp *s, uint32_t id, struct buf *b, int *r)
{
	int bad, i = sftp_handle_get(s, b, &bad);

	*r = 0;
	if (bad) {
		*r = sftp_status(s, id, SSH_FX_BAD_MESSAGE);
		return -1;
	}
	if (i < 0) {
		*r = sftp_status(s, id, SSH_FX_FAILURE);
		return -1;
	}
	return s->h[i].dir ? dirfd(s->h[i].dir) : s->h[i].fd;
}

int sftp_fstat(struct sftp *s, uint32_t id, struct buf *b)
{
	struct stat st;
	int fd, r;

	if ((fd = any_fd(s, id, b, &r)) < 0)
		return r;
	if (buf_end(b))
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	if (fstat(fd, &st) != 0)
		return sftp_status_errno(s, id, 0);
	return send_attrs(s, id, &st);
}

int sftp_apply_attr(const char *path, int fd, int nofollow, const struct sftp_attr *a)
{
	int at = nofollow ? AT_SYMLINK_NOFOLLOW : 0;

	if (a->flags & SSH_FILEXFER_ATTR_SIZE) {
		if (a->size > (uint64_t)LLONG_MAX) {
			errno = EINVAL;
			return -1;
		}
		if ((path ? truncate(path, (off_t)a->size) : ftruncate(fd, (off_t)a->size)) != 0)
			return -1;
	}
	if (a->flags & SSH_FILEXFER_ATTR_PERMISSIONS) {
		mode_t m = (mode_t)(a->perm & 07777);
		if ((path ? fchmodat(AT_FDCWD, path, m, at) : fchmod(fd, m)) != 0)
			return -1;
	}
	if (a->flags & SSH_FILEXFER_ATTR_ACMODTIME) {
		struct timespec ts[2] = {{(time_t)a->atime, 0}, {(time_t)a->mtime, 0}};
		if ((path ? utimensat(AT_FDCWD, path, ts, at) : futimens(fd, ts)) != 0)
			return -1;
	}
	if (a->flags & SSH_FILEXFER_ATTR_UIDGID) {
		uid_t u = (uid_t)a->uid;
		gid_t g = (gid_t)a->gid;
		if ((path ? fchownat(AT_FDCWD, path, u, g, at) : fchown(fd, u, g)) != 0)
			return -1;
	}
	return 0;
}

int sftp_setstat(struct sftp *s, uint32_t id, struct buf *b)
{
	char path[DB_MAX_PATH];
	struct sftp_attr a;
	uint32_t st;

	if ((st = sftp_get_path_attr(s, b, path, &a)) != SSH_FX_OK)
		return sftp_status(s, id, st);
	return sftp_status_errno(s, id, sftp_apply_attr(path, -1, 0, &a) == 0);
}

int sftp_fsetstat(struct sftp *s, uint32_t id, struct buf *b)
{
	struct sftp_attr a;
	int fd, r;

	if ((fd = any_fd(s, id, b, &r)) < 0)
		return r;
	if (sftp_get_attr(b, &a) || buf_end(b))
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	if (s->readonly)
		return sftp_status(s, id, SSH_FX_PERMISSION_DENIED);
	return sftp_status_errno(s, id, sftp_apply_attr(NULL, fd, 0, &a) == 0);
}

int sftp_opendir(struct sftp *s, uint32_t id, struct buf *b)
{
	char path[DB_MAX_PATH];
	DIR *d;

	if (!one_path(s, id, b, path, 0))
		return 0;
	if (!(d = opendir(path)))
		return sftp_status_errno(s, id, 0);
	return sftp_handle_new(s, -1, d, id);
}

int sftp_readdir(struct sftp *s, uint32_t id, struct buf *b)
{
	char longname[DB_MAX_PATH + 512];
	struct sftp_attr a;
	struct dirent *e;
	struct stat st;
	size_t at, countat;
	uint32_t count = 0;
	int bad, i = sftp_handle_get(s, b, &bad), r;

	if (bad || buf_end(b))
		return sftp_status(s, id, SSH_FX_BAD_MESSAGE);
	if (i < 0 || !s->h[i].dir)
		return sftp_status(s, id, SSH_FX_FAILURE);
	if ((r = sftp_begin(s, SSH_FXP_NAME, id, &at)))
		return r;
	countat = s->out.len;
	if ((r = buf_put_u32(&s->out, 0)))
		return r;
	/* at most DB_SFTP_READDIR entries of at most NAME_MAX + an ls line each: the reply
	 * stays far below DB_SFTP_MAX_PACKET */
	while (count < DB_SFTP_READDIR) {
		errno = 0;
		if (!(e = readdir(s->h[i].dir)))
			break;
		if (fstatat(dirfd(s->h[i].dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		sftp_longname(longname, sizeof(longname), e->d_name, &st);
		sftp_attr_stat(&a, &st);
		if ((r = buf_put_cstr(&s->out, e->d_name)) ||
		    (r = buf_put_cstr(&s->out, longname)) || (r = sftp_put_attr(&s->out, &a)))
			return r;
		count++;
	}
	if (!count) {
		int err = errno;
		s->out.len = at;
		return sftp_status(s, id, err ? sftp_errno(err) : SSH_FX_EOF);
	}
	store_be32(s->out.data + countat, count);
	return sftp_end(s, at);
}

int sftp_remove(struct sftp *s, uint32_t id, struct buf *b)
{
	char path[DB_MAX_PATH];

	if (!one_path(s, id, b, path, 1))
		return 0;
	return sftp_status_errno(s, id, unlink(path) == 0);
}

int sftp_mkdir(struct sftp *s, uint32_t id, struct buf *b)
{
	char path[DB_MAX_PATH];
	struct sftp_attr a;
	uint32_t st;

	if ((st = sftp_get_path_attr(s, b, path, &a)) != SSH_FX_OK)
		return sftp_status(s, id, st);
	return sftp_status_errno(
	        s, id,
	        mkdir(path, a.flags & SSH_FILEXFER_ATTR_PERMISSIONS ? a.perm & 07777 : 0777) == 0);
}

int sftp_rmdir(struct sftp *s, uint32_t id, struct buf *b)
{
	char path[DB_MAX_PATH];

	if (!one_path(s, id, b, path, 1))
		return 0;
	return sftp_status_errno(s, id, rmdir(path) == 0);
}

int sftp_resolve(const char *in, char *out)
{
	char dir[DB_MAX_PATH], res[PATH_MAX];
	const char *slash, *base;

	if (!in[0])
		in = ".";
	if (realpath(in, res)) {
		snprintf(out, DB_MAX_PATH, "%s", res);
		return 0;
	}
	if (errno != ENOENT)
		return -1;
	/* the last component may be a name about to be created (OpenSSH does the same) */
	slash = strrchr(in, '/');
	base = slash ? slash + 1 : in;
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - in) : 1, slash ? in : ".");
	if (slash == in)
		snprintf(dir, sizeof(dir), "/");
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || !realpath(dir, res))
		return -1;
	if (snprintf(out, DB_MAX_PATH, "%s%s%s", res, strcmp(res, "/") ? "/" : "", base) >=
	    DB_MAX_PATH) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int sftp_realpath(struct sftp *s, uint32_t id, struct buf *b)
{
	char path[DB_MAX_PATH], res[DB_MAX_PATH];

	if (!one_path(s, id, b, path, 0))
		return 0;
	if (sftp_resolve(path, res) != 0)
		return sftp_status_errno(s, id, 0);
	return sftp_name1(s, id, res);
}

/* draft 02 6.5: RENAME does not replace an existing newpath. */
int sftp_rename(struct sftp *s, uint32_t id, struct buf *b)
{
	char from[DB_MAX_PATH], to[DB_MAX_PATH];
	struct stat st;

	if (!sftp_two_paths(s, id, b, from, to))
		return 0;
#ifdef SYS_renameat2
	if (syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 1 /* RENAME_NOREPLACE */) == 0)
		return sftp_status(s, id, SSH_FX_OK);
	if (errno != EINVAL && errno != ENOSYS)
		return sftp_status_errno(s, id, 0);
#endif
	if (lstat(to, &st) == 0)
		return sftp_status(s, id, SSH_FX_FAILURE);
	return sftp_status_errno(s, id, rename(from, to) == 0);
}

int sftp_readlink(struct sftp *s, uint32_t id, struct buf *b)
{
	char path[DB_MAX_PATH], link[DB_MAX_PATH];
	ssize_t n;

	if (!one_path(s, id, b, path, 0))
		return 0;
	if ((n = readlink(path, link, sizeof(link) - 1)) < 0)
		return sftp_status_errno(s, id, 0);
	link[n] = 0;
	return sftp_name1(s, id, link);
}

/* OpenSSH sends the target first and the new link second, the reverse of draft 02
 * (its PROTOCOL file, section 4.1); every client follows OpenSSH. */
int sftp_symlink(struct sftp *s, uint32_t id, struct buf *b)
{
	char target[DB_MAX_PATH], link[DB_MAX_PATH];

	if (!sftp_two_paths(s, id, b, target, link))
		return 0;
	return sftp_status_errno(s, id, symlink(target, link) == 0);
}
