/* sftp.h: the built-in SFTP server, protocol version 3 (draft-ietf-secsh-filexfer-02) as
 * OpenSSH implements it, with the @openssh.com extensions its client uses (OpenSSH's
 * PROTOCOL file, section 4).
 *
 * sftp_packet() takes one request (the bytes after its uint32 length) and appends the
 * framed reply to s->out; it never exits. A malformed field gets STATUS BAD_MESSAGE; only a
 * request without an id, a packet before INIT or an output overflow ends the session
 * (a negative return). sftp_serve() is the blocking loop on two descriptors: it reads only
 * when no whole request is buffered and writes before the reply queue passes
 * DB_SFTP_FLUSH, so a slow reader (channel window) stops it reading: backpressure. */
#ifndef SFTP_H
#define SFTP_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "options.h"

struct sftp_handle {
	int fd;    /* -1 when the slot is free or holds a directory */
	DIR *dir;  /* OPENDIR */
	uint32_t gen;
};

struct sftp {
	struct buf out; /* framed replies not yet written */
	struct sftp_handle h[DB_SFTP_MAX_HANDLES];
	uint32_t gen;
	int inited;
	int readonly; /* -R: every change is PERMISSION_DENIED */
	/* a filter on every path a request names (the fuzzer confines itself with it);
	 * NULL in the server */
	int (*path_ok)(const char *path);
	char home[DB_MAX_PATH]; /* "~" of expand-path */
	/* Zero-copy READ (DB_SFTP_SPLICE): with out_fd set, a READ's data goes from the
	 * page cache through the private pipe zpipe to out_fd by splice(2), after the replies
	 * queued before it; -1 (the fuzzer, the unit tests) keeps every reply in out. */
	int out_fd;
	int zpipe[2];
	uint64_t nread, nwritten;
};

int sftp_init(struct sftp *s);
void sftp_free(struct sftp *s);
/* One request of n bytes (type first). 0, or a negative ERR_* that ends the session. */
int sftp_packet(struct sftp *s, const uint8_t *p, size_t n);

struct sftp_opts {
	int readonly;
};
/* Serves requests from in, replies to out, until EOF or a fatal protocol error; logs the
 * session's open and close as OpenSSH's sftp-server does. The exit status to use. */
int sftp_serve(int in, int out, const struct sftp_opts *o);
/* -d's start directory as OpenSSH's sftp-server expands it: %d the user's home, %u the
 * user's name, %% a '%'. 0, or ERR_FORMAT for another token or a trailing '%', ERR_TOOBIG
 * when the result does not fit in n bytes (with its NUL). */
int sftp_expand_dir(const char *in, const char *home, const char *user, char *out, size_t n);
/* The sftp-server face: [-e] [-l LEVEL] [-d DIR] [-u UMASK] [-R], stdin/stdout. */
int sftp_server_main(int argc, char **argv);

#endif
