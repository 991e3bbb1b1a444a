/* askpass.c: see askpass.h. The terminal is put back as it was whatever happens: a
 * signal during the prompt (Ctrl-C) restores echo first, then is delivered again. */
#include "askpass.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

static const int watched[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };

int askpass_tty(const char *prompt, char *buf, size_t bufsz)
{
	struct sigaction sa, old[ARRAY_SIZE(watched)];
	struct termios saved, quiet;
	size_t n = 0, i;
	int fd, r = 0, echo_off = 0;
	char c;

	if (bufsz == 0)
		return ERR_INVALID;
	buf[0] = '\0';
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return ERR_IO;
	caught = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: read() returns EINTR */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(watched); i++)
		sigaction(watched[i], &sa, &old[i]);
	if (tcgetattr(fd, &saved) == 0) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (write(fd, prompt, strlen(prompt)) < 0)
		r = ERR_IO;
	while (r == 0) {
		ssize_t got = read(fd, &c, 1);
		if (got < 0 && errno == EINTR && !caught)
			continue;
		if (got < 0) {
			r = caught ? ERR_INVALID : ERR_IO;
			break;
		}
		if (got == 0 || c == '\n' || c == '\r')
			break;
		if (n + 1 >= bufsz) {
			r = ERR_TOOBIG; /* keep reading would only fill more memory with it */
			break;
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	c = 0;
	if (echo_off)
		(void)tcsetattr(fd, TCSAFLUSH, &saved);
	if (write(fd, "\n", 1) < 0 && r == 0)
		r = ERR_IO;
	close(fd);
	for (i = 0; i < ARRAY_SIZE(watched); i++)
		sigaction(watched[i], &old[i], NULL);
	if (r)
		wipe(buf, bufsz);
	if (caught)
		raise(caught);
	return r;
}

int askpass_key(const char *path, char *buf, size_t bufsz, void *arg)
{
	const char *env = getenv(ASKPASS_ENV);
	char prompt[512];
	size_t n;

	(void)arg;
	if (env) {
		n = strlen(env);
		if (n >= bufsz)
			return ERR_TOOBIG;
		memcpy(buf, env, n + 1);
		return 0;
	}
	snprintf(prompt, sizeof(prompt), "Enter passphrase for %s: ", path);
	for (n = 0; prompt[n]; n++)
		if ((unsigned char)prompt[n] < 0x20 || prompt[n] == 0x7f)
			prompt[n] = '?'; /* a file name must not drive the terminal */
	return askpass_tty(prompt, buf, bufsz);
}
