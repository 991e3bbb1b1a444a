/* fdio.h: reading and writing plain file descriptors, in place of stdio's FILE. Output
 * is dprintf() (fmt.c's in the static builds) or fd_write_all; input a small buffer over
 * read(2). The static binaries then leave musl's FILE code out: its buffers, locking and
 * the flush at exit, ~7 kB. */
#ifndef FDIO_H
#define FDIO_H

#include <stddef.h>

struct fdin {
	int fd, err; /* err: a read failed (not just the end of the file) */
	unsigned pos, len;
	unsigned char b[512];
};

void fdin_init(struct fdin *r, int fd);
/* The next byte after refilling the buffer; -1 at the end of the file or on an error. */
int fdin_fill(struct fdin *r);
/* The next byte, or -1 at the end (getc). */
static inline int fdin_getc(struct fdin *r)
{
	return r->pos < r->len ? r->b[r->pos++] : fdin_fill(r);
}
/* As fgets: up to and including the next '\n', at most cap - 1 bytes (cap >= 2),
 * terminated. Returns the bytes stored, 0 when nothing was left to read. */
size_t fdin_gets(struct fdin *r, char *s, size_t cap);

/* All n bytes to fd, across short writes and EINTR: 0, or -1 with errno. */
int fd_write_all(int fd, const void *p, size_t n);
/* The string to fd: 0 or -1. */
int fd_puts(int fd, const char *s);

#endif
