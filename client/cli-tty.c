/* cli-tty.c: the local terminal. Raw mode while a remote pty is in use, restored on
 * every exit path (atexit, so also after fatal() and conn_exit(); and the terminating
 * signals), the fd flags of stdin/stdout/stderr restored too (the channel layer makes
 * them non-blocking, which the shell that started us shares); and the escape sequences
 * after a newline that OpenSSH and Dropbear know: ~. ~^Z ~R ~? ~~. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "client.h"
#include "log.h"

static struct termios saved;
static int is_raw;
static int saved_fl[3] = {-1, -1, -1};
static int at_line_start = 1, after_tilde;

static void restore_flags(void)
{
	int i;
	for (i = 0; i < 3; i++)
		if (saved_fl[i] >= 0)
			(void)fcntl(i, F_SETFL, saved_fl[i]);
}

void cli_tty_restore(void)
{
	if (is_raw) {
		(void)tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
		is_raw = 0;
	}
	restore_flags();
}

#pragma weak cli_fwd_signal_cleanup

static void on_term_signal(int sig)
{
	cli_tty_restore(); /* tcsetattr and fcntl are async-signal-safe */
	if (cli_fwd_signal_cleanup)
		cli_fwd_signal_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void at_exit(void)
{
	cli_tty_restore();
}

/* Saves the flags of fds 0..2 once, before the channel layer changes them. */
static void save_flags(void)
{
	static int done;
	int i;

	if (done)
		return;
	done = 1;
	for (i = 0; i < 3; i++)
		saved_fl[i] = fcntl(i, F_GETFL);
	atexit(at_exit);
	signal(SIGTERM, on_term_signal);
	signal(SIGHUP, on_term_signal);
	signal(SIGINT, on_term_signal);
	signal(SIGQUIT, on_term_signal);
}

int cli_tty_raw(void)
{
	struct termios t;

	save_flags();
	if (is_raw || !isatty(STDIN_FILENO))
		return 0;
	if (tcgetattr(STDIN_FILENO, &saved) != 0)
		return -1;
	t = saved;
	/* as OpenSSH's enter_raw_mode: everything goes to the remote side as typed */
	t.c_iflag |= IGNPAR;
	t.c_iflag &= ~(ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXANY | IXOFF);
	t.c_lflag &= ~(ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHONL | IEXTEN);
	t.c_oflag &= ~OPOST;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &t) != 0)
		return -1;
	is_raw = 1;
	return 0;
}

void cli_tty_save_flags(void)
{
	save_flags();
}

static void say(const char *s)
{
	ssize_t w = write(STDERR_FILENO, s, strlen(s));
	(void)w;
}

static void suspend(void)
{
	int was_raw = is_raw;

	say("~^Z [suspend dbclient]\r\n");
	cli_tty_restore();
	kill(getpid(), SIGTSTP);
	/* continued: back to raw mode, the fds as the channel layer wants them */
	if (was_raw)
		(void)cli_tty_raw();
	(void)fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	(void)fcntl(STDOUT_FILENO, F_SETFL, fcntl(STDOUT_FILENO, F_GETFL) | O_NONBLOCK);
}

size_t cli_tty_escapes(struct conn *c, uint8_t *p, size_t n)
{
	size_t i, o = 0;

	if (after_tilde && n) {
		/* a tilde held back from the last read: put it in front and look at it again,
		 * so that the output never overtakes the input (one byte of room, see
		 * client.h) */
		memmove(p + 1, p, n);
		p[0] = '~';
		n++;
		after_tilde = 0;
	}
	for (i = 0; i < n; i++) {
		uint8_t ch = p[i];
		if (after_tilde) {
			after_tilde = 0;
			switch (ch) {
			case '.':
				say("~.\r\n");
				/* the terminal back first, so that the last line is a clean one */
				cli_tty_restore();
				conn_fatal(c, SSH_DISCONNECT_BY_APPLICATION, "Connection closed (~.)");
			case 'Z' - 64: /* ^Z */
				suspend();
				at_line_start = 0;
				continue;
			case 'R':
				say("~R [rekey]\r\n");
				(void)conn_kex_start(c);
				continue;
			case '?':
				say("Supported escape sequences:\r\n"
				    "  ~.  - terminate connection\r\n"
				    "  ~^Z - suspend dbclient\r\n"
				    "  ~R  - request rekey\r\n"
				    "  ~?  - this message\r\n"
				    "  ~~  - send the escape character\r\n"
				    "(Escapes are only recognized immediately after newline.)\r\n");
				continue;
			case '~':
				p[o++] = '~';
				at_line_start = 0;
				continue;
			default:
				/* not an escape: the tilde goes out after all, with this byte
				 * (there is room: the tilde's own byte, just before, was dropped) */
				p[o++] = '~';
				break;
			}
		} else if (at_line_start && ch == '~') {
			after_tilde = 1;
			continue;
		}
		p[o++] = ch;
		at_line_start = ch == '\r' || ch == '\n';
	}
	return o;
}
