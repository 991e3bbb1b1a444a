/* sftp-splice.c: the SFTP server's zero-copy path for large READs (DB_SFTP_SPLICE).
 *
 * A plain READ copies its data twice in this process: pread() from the page cache into
 * the reply queue, write() from there into the channel's pipe. Here the data goes with
 * splice(2) from the file into a private pipe (page references, no copy), which gives its
 * exact length for the DATA header; the header and any replies queued before it are
 * written out, then the pipe's pages are spliced on to the output descriptor. Replies stay
 * in request order and the output is still blocking-in-effect (we wait for POLLOUT), so
 * the channel's backpressure works as before. Anything splice cannot do (a file system
 * without splice, a /proc file, an output that is neither pipe nor socket) falls back to
 * the plain path. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "sftp-internal.h"

#if DB_SFTP_SPLICE

/* Unaligned offsets make a READ span one more page than its length: twice the largest
 * READ leaves room for that and is the next size the kernel offers anyway. */
#define ZPIPE_SIZE (2 * DB_SFTP_MAX_PACKET)

void sftp_splice_setup(struct sftp *s, int out)
{
	struct stat st;

	if (fstat(out, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return;
	if (pipe2(s->zpipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		s->zpipe[0] = s->zpipe[1] = -1;
		return;
	}
	/* a smaller pipe (pipe-max-size) could not take a whole READ: no zero-copy then */
	if (fcntl(s->zpipe[1], F_SETPIPE_SZ, ZPIPE_SIZE) < ZPIPE_SIZE) {
		sftp_splice_close(s);
		return;
	}
	s->out_fd = out;
}

void sftp_splice_close(struct sftp *s)
{
	if (s->zpipe[0] >= 0)
		close(s->zpipe[0]);
	if (s->zpipe[1] >= 0)
		close(s->zpipe[1]);
	s->zpipe[0] = s->zpipe[1] = -1;
	s->out_fd = -1;
}

/* The output refused a splice: what is in the private pipe goes out by read and write,
 * and later READs take the plain path. */
static int drain(struct sftp *s, size_t n)
{
	int out = s->out_fd, r;

	while (n) {
		uint8_t *p;
		ssize_t k;
		size_t want = n < 65536 ? n : 65536;
		if ((r = buf_reserve(&s->out, want, &p)))
			return r;
		s->out.len -= want;
		k = read(s->zpipe[0], p, want);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return ERR_IO;
		s->out.len += (size_t)k;
		n -= (size_t)k;
		if ((r = sftp_flush(out, &s->out)))
			return r;
	}
	sftp_splice_close(s);
	return 0;
}

int sftp_splice_read(struct sftp *s, uint32_t id, int fd, uint64_t off, uint32_t len)
{
	loff_t o = (loff_t)off;
	size_t got = 0, at;
	int r;

	if (s->out_fd < 0 || len < DB_SFTP_SPLICE_MIN)
		return 0;
	while (got < len) {
		ssize_t n = splice(fd, &o, s->zpipe[1], NULL, len - got, SPLICE_F_NONBLOCK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EOF, the pipe full (a short READ is allowed), or no splice here */
		got += (size_t)n;
	}
	if (!got)
		return 0; /* the plain path answers EOF or the error, or reads what splice cannot */
	if ((r = sftp_begin(s, SSH_FXP_DATA, id, &at)) || (r = buf_put_u32(&s->out, got)))
		return r;
	/* the reply's length counts the data still in the pipe (at most DB_SFTP_MAX_READ) */
	store_be32(s->out.data + at, (uint32_t)(s->out.len - at - 4 + got));
	if ((r = sftp_flush(s->out_fd, &s->out)))
		return r;
	s->nread += got;
	while (got) {
		ssize_t n = splice(s->zpipe[0], NULL, s->out_fd, NULL, got, SPLICE_F_MOVE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			/* our pipe end is non-blocking, so this splice is too: wait as write() would */
			struct pollfd p = {.fd = s->out_fd, .events = POLLOUT};
			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				return ERR_IO;
			continue;
		}
		if (n < 0 && errno == EINVAL)
			return (r = drain(s, got)) ? r : 1;
		if (n <= 0)
			return ERR_IO;
		got -= (size_t)n;
	}
	return 1;
}

#else

void sftp_splice_setup(struct sftp *s, int out)
{
	(void)s;
	(void)out;
}

void sftp_splice_close(struct sftp *s)
{
	(void)s;
}

int sftp_splice_read(struct sftp *s, uint32_t id, int fd, uint64_t off, uint32_t len)
{
	(void)s;
	(void)id;
	(void)fd;
	(void)off;
	(void)len;
	return 0;
}

#endif
