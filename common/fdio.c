/* fdio: see fdio.h. */
#include "fdio.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void fdin_init(struct fdin *r, int fd)
{
	r->fd = fd;
	r->err = 0;
	r->pos = r->len = 0;
}

int fdin_fill(struct fdin *r)
{
	ssize_t n;

	do
		n = read(r->fd, r->b, sizeof(r->b));
	while (n < 0 && errno == EINTR);
	r->pos = 0;
	r->len = n > 0 ? (unsigned)n : 0;
	r->err |= n < 0;
	return r->len ? r->b[r->pos++] : -1;
}

size_t fdin_gets(struct fdin *r, char *s, size_t cap)
{
	size_t n = 0;
	int ch;

	while (n + 1 < cap && (ch = fdin_getc(r)) >= 0) {
		s[n++] = (char)ch;
		if (ch == '\n')
			break;
	}
	s[n] = 0;
	return n;
}

int fd_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int fd_puts(int fd, const char *s)
{
	return fd_write_all(fd, s, strlen(s));
}
