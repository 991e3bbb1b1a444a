/* sftp-proto.c: requests, replies, attributes and handles of the SFTP server
 * (draft-ietf-secsh-filexfer-02); the file operations live in sftp-fs.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "pwdb.h"
#include "sftp-internal.h"

int sftp_init(struct sftp *s)
{
	struct pwdb_pw pw;
	const char *home;
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < DB_SFTP_MAX_HANDLES; i++)
		s->h[i].fd = -1;
	s->out_fd = s->zpipe[0] = s->zpipe[1] = -1;
	home = pwdb_getpwuid(getuid(), &pw) && *pw.dir ? pw.dir : getenv("HOME");
	snprintf(s->home, sizeof(s->home), "%s", home ? home : "/");
	return buf_init(&s->out, 4096, DB_SFTP_OUT_MAX);
}

void sftp_free(struct sftp *s)
{
	int i;

	for (i = 0; i < DB_SFTP_MAX_HANDLES; i++)
		sftp_handle_close(s, i);
	sftp_splice_close(s);
	buf_free(&s->out);
}

/* ---- replies: uint32 length, type, id, body. */

int sftp_begin(struct sftp *s, uint8_t type, uint32_t id, size_t *at)
{
	int r;

	*at = s->out.len;
	if ((r = buf_put_u32(&s->out, 0)) || (r = buf_put_u8(&s->out, type)) ||
	    (r = buf_put_u32(&s->out, id)))
		s->out.len = *at;
	return r;
}

int sftp_end(struct sftp *s, size_t at)
{
	size_t n = s->out.len - at - 4;

	if (n > DB_SFTP_MAX_PACKET) {
		s->out.len = at;
		return ERR_TOOBIG;
	}
	store_be32(s->out.data + at, (uint32_t)n);
	return 0;
}

static const char *const status_msg[] = {
        "Success",        "End of file", "No such file",   "Permission denied",    "Failure",
        "Bad message",    "No connection", "Connection lost", "Operation unsupported",
};

int sftp_status(struct sftp *s, uint32_t id, uint32_t code)
{
	size_t at;
	int r;

	if ((r = sftp_begin(s, SSH_FXP_STATUS, id, &at)) || (r = buf_put_u32(&s->out, code)) ||
	    (r = buf_put_cstr(&s->out, code < 9 ? status_msg[code] : "Failure")) ||
	    (r = buf_put_cstr(&s->out, "")))
		return r;
	return sftp_end(s, at);
}

/* errno to a status code, as OpenSSH maps it. */
uint32_t sftp_errno(int e)
{
	switch (e) {
	case 0:
		return SSH_FX_OK;
	case ENOENT:
	case ENOTDIR:
	case EBADF:
	case ELOOP:
		return SSH_FX_NO_SUCH_FILE;
	case EPERM:
	case EACCES:
	case EFAULT:
		return SSH_FX_PERMISSION_DENIED;
	case ENAMETOOLONG:
	case EINVAL:
		return SSH_FX_BAD_MESSAGE;
	case ENOSYS:
	case EOPNOTSUPP:
		return SSH_FX_OP_UNSUPPORTED;
	default:
		return SSH_FX_FAILURE;
	}
}

int sftp_status_errno(struct sftp *s, uint32_t id, int ok)
{
	return sftp_status(s, id, ok ? SSH_FX_OK : sftp_errno(errno));
}

/* A NAME reply with one entry whose name and longname are both name, no attributes
 * (REALPATH, READLINK, expand-path, home-directory). */
int sftp_name1(struct sftp *s, uint32_t id, const char *name)
{
	size_t at;
	int r;

	if ((r = sftp_begin(s, SSH_FXP_NAME, id, &at)) || (r = buf_put_u32(&s->out, 1)) ||
	    (r = buf_put_cstr(&s->out, name)) || (r = buf_put_cstr(&s->out, name)) ||
	    (r = buf_put_u32(&s->out, 0)))
		return r;
	return sftp_end(s, at);
}

/* ---- fields */

/* A path: no NUL, shorter than DB_MAX_PATH, and allowed by the path filter.
 * ERR_FORMAT/TRUNCATED/TOOBIG: BAD_MESSAGE; ERR_INVALID: PERMISSION_DENIED. */
int sftp_get_path(struct sftp *s, struct buf *b, char *out)
{
	int r = buf_get_cstr(b, out, DB_MAX_PATH);

	if (r)
		return r;
	if (s->path_ok && !s->path_ok(out))
		return ERR_INVALID;
	return 0;
}

uint32_t sftp_field_status(int r)
{
	return r == ERR_INVALID ? SSH_FX_PERMISSION_DENIED : SSH_FX_BAD_MESSAGE;
}

uint32_t sftp_get_path_attr(struct sftp *s, struct buf *b, char *path, struct sftp_attr *a)
{
	int r;

	if ((r = sftp_get_path(s, b, path)) || (r = sftp_get_attr(b, a)) || (r = buf_end(b)))
		return sftp_field_status(r);
	return s->readonly ? SSH_FX_PERMISSION_DENIED : SSH_FX_OK;
}

int sftp_get_attr(struct buf *b, struct sftp_attr *a)
{
	uint32_t n, i;
	int r;

	memset(a, 0, sizeof(*a));
	if ((r = buf_get_u32(b, &a->flags)))
		return r;
	if ((a->flags & SSH_FILEXFER_ATTR_SIZE) && (r = buf_get_u64(b, &a->size)))
		return r;
	if ((a->flags & SSH_FILEXFER_ATTR_UIDGID) &&
	    ((r = buf_get_u32(b, &a->uid)) || (r = buf_get_u32(b, &a->gid))))
		return r;
	if ((a->flags & SSH_FILEXFER_ATTR_PERMISSIONS) && (r = buf_get_u32(b, &a->perm)))
		return r;
	if ((a->flags & SSH_FILEXFER_ATTR_ACMODTIME) &&
	    ((r = buf_get_u32(b, &a->atime)) || (r = buf_get_u32(b, &a->mtime))))
		return r;
	if (!(a->flags & SSH_FILEXFER_ATTR_EXTENDED))
		return 0;
	/* extended pairs are read and ignored: each needs 8 bytes, so a huge count ends at
	 * the packet's end */
	if ((r = buf_get_u32(b, &n)))
		return r;
	for (i = 0; i < n; i++) {
		const uint8_t *p;
		size_t l;
		if ((r = buf_get_string(b, &p, &l)) || (r = buf_get_string(b, &p, &l)))
			return r;
	}
	return 0;
}

void sftp_attr_stat(struct sftp_attr *a, const struct stat *st)
{
	a->flags = SSH_FILEXFER_ATTR_SIZE | SSH_FILEXFER_ATTR_UIDGID |
	           SSH_FILEXFER_ATTR_PERMISSIONS | SSH_FILEXFER_ATTR_ACMODTIME;
	a->size = (uint64_t)st->st_size;
	a->uid = (uint32_t)st->st_uid;
	a->gid = (uint32_t)st->st_gid;
	a->perm = (uint32_t)st->st_mode;
	a->atime = (uint32_t)st->st_atime;
	a->mtime = (uint32_t)st->st_mtime;
}

int sftp_put_attr(struct buf *b, const struct sftp_attr *a)
{
	int r;

	if ((r = buf_put_u32(b, a->flags & ~SSH_FILEXFER_ATTR_EXTENDED)))
		return r;
	if ((a->flags & SSH_FILEXFER_ATTR_SIZE) && (r = buf_put_u64(b, a->size)))
		return r;
	if ((a->flags & SSH_FILEXFER_ATTR_UIDGID) &&
	    ((r = buf_put_u32(b, a->uid)) || (r = buf_put_u32(b, a->gid))))
		return r;
	if ((a->flags & SSH_FILEXFER_ATTR_PERMISSIONS) && (r = buf_put_u32(b, a->perm)))
		return r;
	if ((a->flags & SSH_FILEXFER_ATTR_ACMODTIME) &&
	    ((r = buf_put_u32(b, a->atime)) || (r = buf_put_u32(b, a->mtime))))
		return r;
	return 0;
}

/* ---- handles: 8 bytes, slot and generation, so that a stale handle never names a
 * slot's next file. */

int sftp_handle_new(struct sftp *s, int fd, DIR *dir, uint32_t id)
{
	uint8_t hb[8];
	size_t at;
	int i, r;

	for (i = 0; i < DB_SFTP_MAX_HANDLES; i++)
		if (s->h[i].fd < 0 && !s->h[i].dir)
			break;
	if (i == DB_SFTP_MAX_HANDLES) {
		if (dir)
			closedir(dir);
		else
			close(fd);
		return sftp_status(s, id, SSH_FX_FAILURE);
	}
	s->h[i].fd = dir ? -1 : fd;
	s->h[i].dir = dir;
	s->h[i].gen = ++s->gen;
	store_be32(hb, (uint32_t)i);
	store_be32(hb + 4, s->h[i].gen);
	if ((r = sftp_begin(s, SSH_FXP_HANDLE, id, &at)) ||
	    (r = buf_put_string(&s->out, hb, sizeof(hb))))
		return r;
	return sftp_end(s, at);
}

/* The slot a handle names, or -1 (a malformed or stale handle). Fields left to parse
 * stay in b; on a malformed field *bad is set. */
int sftp_handle_get(struct sftp *s, struct buf *b, int *bad)
{
	uint8_t hb[8];
	const uint8_t *p;
	size_t n;
	uint32_t i;

	*bad = 0;
	if (buf_get_string(b, &p, &n)) {
		*bad = 1;
		return -1;
	}
	if (n != sizeof(hb))
		return -1;
	memcpy(hb, p, n);
	i = load_be32(hb);
	if (i >= DB_SFTP_MAX_HANDLES || (s->h[i].fd < 0 && !s->h[i].dir) ||
	    s->h[i].gen != load_be32(hb + 4))
		return -1;
	return (int)i;
}

int sftp_handle_close(struct sftp *s, int i)
{
	int r = 0;

	if (s->h[i].dir)
		r = closedir(s->h[i].dir);
	else if (s->h[i].fd >= 0)
		r = close(s->h[i].fd);
	s->h[i].dir = NULL;
	s->h[i].fd = -1;
	return r;
}

/* ---- INIT and dispatch */

static const char *const extensions[][2] = {
        {"posix-rename@openssh.com", "1"}, {"statvfs@openssh.com", "2"},
        {"fstatvfs@openssh.com", "2"},     {"hardlink@openssh.com", "1"},
        {"fsync@openssh.com", "1"},        {"lsetstat@openssh.com", "1"},
        {"limits@openssh.com", "1"},       {"expand-path@openssh.com", "1"},
        {"copy-data", "1"},                {"home-directory", "1"},
        {"users-groups-by-id@openssh.com", "1"},
};

static int do_init(struct sftp *s, struct buf *b)
{
	uint32_t version;
	size_t at = s->out.len, i;
	int r;

	/* draft 02 section 4: INIT carries a version (and extensions we ignore) */
	if (s->inited || buf_get_u32(b, &version))
		return ERR_PROTOCOL;
	s->inited = 1;
	if ((r = buf_put_u32(&s->out, 0)) || (r = buf_put_u8(&s->out, SSH_FXP_VERSION)) ||
	    (r = buf_put_u32(&s->out, SFTP_VERSION)))
		return r;
	for (i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		if ((r = buf_put_cstr(&s->out, extensions[i][0])) ||
		    (r = buf_put_cstr(&s->out, extensions[i][1])))
			return r;
	return sftp_end(s, at);
}

static const struct {
	uint8_t type;
	int (*fn)(struct sftp *s, uint32_t id, struct buf *b);
} requests[] = {
        {SSH_FXP_OPEN, sftp_open},         {SSH_FXP_CLOSE, sftp_close},
        {SSH_FXP_READ, sftp_read},         {SSH_FXP_WRITE, sftp_write},
        {SSH_FXP_LSTAT, sftp_lstat},       {SSH_FXP_FSTAT, sftp_fstat},
        {SSH_FXP_SETSTAT, sftp_setstat},   {SSH_FXP_FSETSTAT, sftp_fsetstat},
        {SSH_FXP_OPENDIR, sftp_opendir},   {SSH_FXP_READDIR, sftp_readdir},
        {SSH_FXP_REMOVE, sftp_remove},     {SSH_FXP_MKDIR, sftp_mkdir},
        {SSH_FXP_RMDIR, sftp_rmdir},       {SSH_FXP_REALPATH, sftp_realpath},
        {SSH_FXP_STAT, sftp_stat},         {SSH_FXP_RENAME, sftp_rename},
        {SSH_FXP_READLINK, sftp_readlink}, {SSH_FXP_SYMLINK, sftp_symlink},
        {SSH_FXP_EXTENDED, sftp_extended},
};

int sftp_packet(struct sftp *s, const uint8_t *p, size_t n)
{
	struct buf b;
	uint8_t type;
	uint32_t id;
	size_t i;

	buf_view(&b, p, n);
	if (buf_get_u8(&b, &type))
		return ERR_PROTOCOL;
	if (type == SSH_FXP_INIT)
		return do_init(s, &b);
	/* without an id there is nobody to answer; before INIT no version is agreed */
	if (!s->inited || buf_get_u32(&b, &id))
		return ERR_PROTOCOL;
	dbg(2, "sftp request %u id %u", type, id);
	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		if (requests[i].type == type)
			return requests[i].fn(s, id, &b);
	return sftp_status(s, id, SSH_FX_OP_UNSUPPORTED);
}
