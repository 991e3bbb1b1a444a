/* sftp-internal.h: what the SFTP server's files share (sftp-proto.c: framing, attributes,
 * handles, dispatch; sftp-fs.c: the file requests; sftp-ext.c: extensions and ls -l
 * lines; sftp-main.c: the loop and the face). Internal to server/sftp/. */
#ifndef SFTP_INTERNAL_H
#define SFTP_INTERNAL_H

#include <sys/stat.h>

#include "sftp.h"

#define SFTP_VERSION 3

/* draft-ietf-secsh-filexfer-02 section 3 */
enum {
	SSH_FXP_INIT = 1, SSH_FXP_VERSION = 2, SSH_FXP_OPEN = 3, SSH_FXP_CLOSE = 4,
	SSH_FXP_READ = 5, SSH_FXP_WRITE = 6, SSH_FXP_LSTAT = 7, SSH_FXP_FSTAT = 8,
	SSH_FXP_SETSTAT = 9, SSH_FXP_FSETSTAT = 10, SSH_FXP_OPENDIR = 11, SSH_FXP_READDIR = 12,
	SSH_FXP_REMOVE = 13, SSH_FXP_MKDIR = 14, SSH_FXP_RMDIR = 15, SSH_FXP_REALPATH = 16,
	SSH_FXP_STAT = 17, SSH_FXP_RENAME = 18, SSH_FXP_READLINK = 19, SSH_FXP_SYMLINK = 20,
	SSH_FXP_STATUS = 101, SSH_FXP_HANDLE = 102, SSH_FXP_DATA = 103, SSH_FXP_NAME = 104,
	SSH_FXP_ATTRS = 105, SSH_FXP_EXTENDED = 200, SSH_FXP_EXTENDED_REPLY = 201,
};
/* section 5 */
#define SSH_FILEXFER_ATTR_SIZE        0x00000001u
#define SSH_FILEXFER_ATTR_UIDGID      0x00000002u
#define SSH_FILEXFER_ATTR_PERMISSIONS 0x00000004u
#define SSH_FILEXFER_ATTR_ACMODTIME   0x00000008u
#define SSH_FILEXFER_ATTR_EXTENDED    0x80000000u
/* section 6.3 */
#define SSH_FXF_READ   0x01u
#define SSH_FXF_WRITE  0x02u
#define SSH_FXF_APPEND 0x04u
#define SSH_FXF_CREAT  0x08u
#define SSH_FXF_TRUNC  0x10u
#define SSH_FXF_EXCL   0x20u
/* section 7 */
enum {
	SSH_FX_OK, SSH_FX_EOF, SSH_FX_NO_SUCH_FILE, SSH_FX_PERMISSION_DENIED, SSH_FX_FAILURE,
	SSH_FX_BAD_MESSAGE, SSH_FX_NO_CONNECTION, SSH_FX_CONNECTION_LOST, SSH_FX_OP_UNSUPPORTED,
};

struct sftp_attr {
	uint32_t flags;
	uint64_t size;
	uint32_t uid, gid, perm, atime, mtime;
};

/* sftp-proto.c */
int sftp_begin(struct sftp *s, uint8_t type, uint32_t id, size_t *at);
int sftp_end(struct sftp *s, size_t at);
int sftp_status(struct sftp *s, uint32_t id, uint32_t code);
uint32_t sftp_errno(int e);
/* STATUS OK when ok, else the status of errno. */
int sftp_status_errno(struct sftp *s, uint32_t id, int ok);
int sftp_name1(struct sftp *s, uint32_t id, const char *name);
int sftp_get_path(struct sftp *s, struct buf *b, char *out);
uint32_t sftp_field_status(int r);
int sftp_get_attr(struct buf *b, struct sftp_attr *a);
/* The "string path, ATTRS" body of SETSTAT, LSETSTAT and MKDIR, which change the file
 * system: SSH_FX_OK, or the status to answer (malformed field, read-only server). */
uint32_t sftp_get_path_attr(struct sftp *s, struct buf *b, char *path, struct sftp_attr *a);
int sftp_put_attr(struct buf *b, const struct sftp_attr *a);
void sftp_attr_stat(struct sftp_attr *a, const struct stat *st);
int sftp_handle_new(struct sftp *s, int fd, DIR *dir, uint32_t id);
int sftp_handle_get(struct sftp *s, struct buf *b, int *bad);
int sftp_handle_close(struct sftp *s, int i);

/* sftp-fs.c: one function per request type */
int sftp_open(struct sftp *s, uint32_t id, struct buf *b);
int sftp_close(struct sftp *s, uint32_t id, struct buf *b);
int sftp_read(struct sftp *s, uint32_t id, struct buf *b);
int sftp_write(struct sftp *s, uint32_t id, struct buf *b);
int sftp_lstat(struct sftp *s, uint32_t id, struct buf *b);
int sftp_fstat(struct sftp *s, uint32_t id, struct buf *b);
int sftp_stat(struct sftp *s, uint32_t id, struct buf *b);
int sftp_setstat(struct sftp *s, uint32_t id, struct buf *b);
int sftp_fsetstat(struct sftp *s, uint32_t id, struct buf *b);
int sftp_opendir(struct sftp *s, uint32_t id, struct buf *b);
int sftp_readdir(struct sftp *s, uint32_t id, struct buf *b);
int sftp_remove(struct sftp *s, uint32_t id, struct buf *b);
int sftp_mkdir(struct sftp *s, uint32_t id, struct buf *b);
int sftp_rmdir(struct sftp *s, uint32_t id, struct buf *b);
int sftp_realpath(struct sftp *s, uint32_t id, struct buf *b);
int sftp_rename(struct sftp *s, uint32_t id, struct buf *b);
int sftp_readlink(struct sftp *s, uint32_t id, struct buf *b);
int sftp_symlink(struct sftp *s, uint32_t id, struct buf *b);
/* Applies attributes to a path (nofollow: lsetstat) or, with path NULL, to fd. */
int sftp_apply_attr(const char *path, int fd, int nofollow, const struct sftp_attr *a);
/* realpath(3) that also takes a last component that does not exist yet. */
int sftp_resolve(const char *in, char *out);

/* Two paths parsed (and -R checked), or 0 after a STATUS went out. */
int sftp_two_paths(struct sftp *s, uint32_t id, struct buf *b, char *a, char *c);

/* sftp-main.c: writes all of b to fd (blocking) and empties it. */
int sftp_flush(int fd, struct buf *b);

/* sftp-splice.c: the zero-copy READ, when out (a pipe or socket) allows it. */
void sftp_splice_setup(struct sftp *s, int out);
void sftp_splice_close(struct sftp *s);
/* 1 when the READ was answered (its data spliced), 0 for the plain path, or a negative
 * ERR_* that ends the session. */
int sftp_splice_read(struct sftp *s, uint32_t id, int fd, uint64_t off, uint32_t len);

/* sftp-ext.c */
int sftp_extended(struct sftp *s, uint32_t id, struct buf *b);
/* The ls -l line of a READDIR entry. */
void sftp_longname(char *out, size_t outsz, const char *name, const struct stat *st);

#endif
