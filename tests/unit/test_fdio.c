/* fdio: fdin_getc / fdin_gets (common/fdio.c, stdio's stand-in) against the C library's
 * getc and fgets on the same bytes: fixed edge cases (empty input, no final newline, a
 * line exactly the buffer's size, NUL bytes, lines across the 512-byte refill) and
 * thousands of generated inputs read with random buffer sizes; fd_write_all and
 * fd_puts through a pipe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "harness.h"

/* A temporary file holding n bytes of data, rewound; its descriptor. */
static int file_with(const unsigned char *data, size_t n)
{
	FILE *f = tmpfile();
	int fd;

	if (!f)
		return -1;
	fd = dup(fileno(f));
	fclose(f);
	if (fd < 0 || write(fd, data, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	return fd;
}

/* Reads data line by line with fgets and with fdin_gets (buffer cap), and byte by byte
 * with getc and fdin_getc: 1 when both readings agree throughout. */
static int same_reading(const unsigned char *data, size_t n, size_t cap)
{
	char a[2048], b[2048];
	int fd1 = file_with(data, n), fd2 = file_with(data, n), ok = 1;
	FILE *f = fd1 >= 0 ? fdopen(fd1, "r") : NULL;
	struct fdin in;

	if (!f || fd2 < 0 || cap > sizeof(a))
		return 0;
	fdin_init(&in, fd2);
	for (;;) {
		char *ra = fgets(a, (int)cap, f);
		size_t nb = fdin_gets(&in, b, cap);
		if (!ra) {
			ok = nb == 0;
			break;
		}
		/* fgets says nothing of a NUL it stored; fdin_gets gives the count: compare
		 * the bytes up to the count, which is where fgets' reading stopped too */
		if (nb == 0 || memcmp(a, b, nb) != 0 || b[nb] != 0) {
			ok = 0;
			break;
		}
	}
	fclose(f);
	close(fd2);
	if (!ok)
		return 0;
	fd1 = file_with(data, n);
	fd2 = file_with(data, n);
	f = fd1 >= 0 ? fdopen(fd1, "r") : NULL;
	if (!f || fd2 < 0)
		return 0;
	fdin_init(&in, fd2);
	for (;;) {
		int ca = getc(f), cb = fdin_getc(&in);
		if (ca != (cb < 0 ? EOF : cb)) {
			ok = 0;
			break;
		}
		if (ca == EOF)
			break;
	}
	fclose(f);
	close(fd2);
	return ok;
}

static void test_fixed(void)
{
	static unsigned char big[3000];
	const char *cases[] = { "", "\n", "a", "a\n", "a\nb", "a\n\nb\n", "\n\n\n",
				"abc\r\ndef\r\n", "no newline at the end" };
	size_t i, caps[] = { 2, 3, 4, 16, 512, 513, 1024 }, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++)
			CHECK(same_reading((const unsigned char *)cases[i], strlen(cases[i]), caps[k]));
	/* NUL bytes inside lines */
	CHECK(same_reading((const unsigned char *)"ab\0cd\nef\0\n\0", 11, 8));
	/* lines across the 512-byte refills, one exactly the size of the caller's buffer */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i % 97 == 96 ? '\n' : 'a' + i % 26);
	big[511] = '\n';
	big[1023] = '\n';
	for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++)
		CHECK(same_reading(big, sizeof(big), caps[k]));
	for (i = 0; i < sizeof(big); i++)
		big[i] = 'x'; /* one long line, no newline */
	CHECK(same_reading(big, sizeof(big), 100));
	CHECK(same_reading(big, sizeof(big), 2048));
}

static void test_generated(void)
{
	static unsigned char data[4096];
	unsigned seed = 12345;
	int i, bad = 0;

	for (i = 0; i < 2000; i++) {
		size_t n, j, cap;
		seed = seed * 1103515245u + 12345u;
		n = (seed >> 8) % sizeof(data);
		for (j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly letters, newlines often, NULs and CRs now and then */
			switch ((seed >> 16) % 16) {
			case 0: case 1: data[j] = '\n'; break;
			case 2: data[j] = 0; break;
			case 3: data[j] = '\r'; break;
			default: data[j] = (unsigned char)(seed >> 24); break;
			}
		}
		seed = seed * 1103515245u + 12345u;
		cap = 2 + (seed >> 16) % 1100;
		if (!same_reading(data, n, cap) && bad++ < 3)
			fprintf(stderr, "  differs: %zu bytes, buffer %zu\n", n, cap);
	}
	CHECK(bad == 0);
}

static void test_write(void)
{
	static char big[200000], back[200001];
	int p[2];
	size_t got = 0, i;
	pid_t pid;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	CHECK_OK(pipe(p));
	/* more than a pipe holds: the writer is a child, the reader here */
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(fd_write_all(p[1], big, sizeof(big)) == 0 && fd_puts(p[1], "!") == 0 ? 0 : 1);
	}
	close(p[1]);
	for (;;) {
		ssize_t r = read(p[0], back + got, sizeof(back) - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(p[0]);
	CHECK(got == sizeof(back));
	CHECK(memcmp(back, big, sizeof(big)) == 0 && back[sizeof(big)] == '!');
	CHECK(fd_write_all(-1, "x", 1) == -1);
}

int main(void)
{
	RUN(test_fixed);
	RUN(test_generated);
	RUN(test_write);
	return harness_done("fdio");
}
