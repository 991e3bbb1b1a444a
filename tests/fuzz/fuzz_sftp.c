/* libFuzzer: the SFTP server's request parser and dispatcher (server/sftp/), on a real
 * file system confined to a fresh directory, /tmp/fuzz_sftp.PID.
 *
 * The input is a list of requests, each uint16 length || request (type first); an INIT
 * goes first unless the input's first byte is odd (then requests before INIT are fuzzed
 * too). Every path a request names must be relative without a ".." component (the
 * engine's path filter answers PERMISSION_DENIED otherwise), so that whatever the fuzzer
 * builds (symlinks included: a relative target without ".." stays below its link) stays
 * inside the directory. Files are capped at 4 MB (RLIMIT_FSIZE). The directory is
 * removed at exit. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "server/sftp/sftp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char dir[64];
static int home_fd, jail_fd; /* libFuzzer's working directory (its relative paths), ours */

static int inside(const char *p)
{
	const char *c = p;

	if (p[0] == '/')
		return 0;
	while (*c) {
		size_t n = strcspn(c, "/");
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return 0;
		c += n;
		c += *c == '/';
	}
	return 1;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p) == 0 ? 0 : 0;
}

static void rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void cleanup(void)
{
	rm_tree(dir);
}

/* libFuzzer often ends with _Exit (no atexit): the directories of fuzzers that are gone
 * are removed by the next one. */
static void remove_stale(void)
{
	DIR *d = opendir("/tmp");
	struct dirent *e;
	char path[300];
	long pid;

	while (d && (e = readdir(d))) {
		if (sscanf(e->d_name, "fuzz_sftp.%ld", &pid) != 1 || pid <= 0 ||
		    (kill((pid_t)pid, 0) != 0 && errno == ESRCH) == 0)
			continue;
		snprintf(path, sizeof(path), "/tmp/%s", e->d_name);
		rm_tree(path);
	}
	if (d)
		closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct rlimit fs = {4u << 20, 4u << 20};

	(void)argc;
	(void)argv;
	remove_stale();
	snprintf(dir, sizeof(dir), "/tmp/fuzz_sftp.%ld", (long)getpid());
	rm_tree(dir);
	if (mkdir(dir, 0700) != 0 || (jail_fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0 ||
	    (home_fd = open(".", O_RDONLY | O_DIRECTORY)) < 0) {
		perror("fuzz_sftp: temp dir");
		exit(1);
	}
	atexit(cleanup);
	setrlimit(RLIMIT_FSIZE, &fs);
	signal(SIGXFSZ, SIG_IGN);
	log_init("fuzz_sftp", LOG_TO_STDERR);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sftp s;
	static const uint8_t init[] = {1, 0, 0, 0, 3};
	struct buf in;

	static int once;

	/* libFuzzer sets its own SIGXFSZ handler after LLVMFuzzerInitialize: a write past
	 * the cap must fail with EFBIG instead */
	if (!once++)
		signal(SIGXFSZ, SIG_IGN);
	if (fchdir(jail_fd) != 0)
		abort();
	if (sftp_init(&s) != 0)
		goto out;
	s.path_ok = inside;
	buf_view(&in, data, size);
	if (!(size && (data[0] & 1)) && sftp_packet(&s, init, sizeof(init)) != 0)
		goto out;
	if (size)
		(void)buf_skip(&in, 1);
	while (buf_avail(&in) >= 2) {
		uint8_t l[2];
		const uint8_t *p;
		size_t n;
		if (buf_get_bytes(&in, l, 2))
			break;
		n = (size_t)l[0] << 8 | l[1];
		if (n > buf_avail(&in))
			n = buf_avail(&in);
		if (buf_get_raw(&in, &p, n) || sftp_packet(&s, p, n) != 0)
			break;
		buf_reset(&s.out);
	}
out:
	sftp_free(&s);
	if (fchdir(home_fd) != 0)
		abort();
	return 0;
}
