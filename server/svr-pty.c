/* svr-pty.c: pseudo-terminals for sessions. The connection process runs as the user by
 * now: posix_openpt/grantpt/unlockpt work unprivileged with devpts, and the slave is the
 * user's already. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "err.h"
#include "svr-session.h"

int pty_open(int *master, int *slave, char *name, size_t namesz)
{
	int m, s;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return ERR_IO;
	if (grantpt(m) != 0 || unlockpt(m) != 0 || ptsname_r(m, name, namesz) != 0) {
		close(m);
		return ERR_IO;
	}
	/* The slave stays open until the child has it: until then the master would read
	 * EIO (no slave open), which looks like the end of the session. */
	s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		close(m);
		return ERR_IO;
	}
	*master = m;
	*slave = s;
	return 0;
}

void pty_winsize(int fd, const struct sess_winsize *ws)
{
	struct winsize w;

	memset(&w, 0, sizeof(w));
	/* struct winsize holds unsigned shorts: larger values are clamped */
	w.ws_col = (unsigned short)(ws->cols > 0xffff ? 0xffff : ws->cols);
	w.ws_row = (unsigned short)(ws->rows > 0xffff ? 0xffff : ws->rows);
	w.ws_xpixel = (unsigned short)(ws->wpx > 0xffff ? 0xffff : ws->wpx);
	w.ws_ypixel = (unsigned short)(ws->hpx > 0xffff ? 0xffff : ws->hpx);
	(void)ioctl(fd, TIOCSWINSZ, &w);
}

int pty_modes(int slave, const uint8_t *modes, size_t n)
{
	struct termios t;
	int r;

	if (tcgetattr(slave, &t) != 0)
		return ERR_IO;
	if ((r = sessreq_ttymodes(modes, n, &t)))
		return r;
	if (tcsetattr(slave, TCSANOW, &t) != 0)
		return ERR_IO;
	return 0;
}
