/* sftp-main.c: the SFTP server's loop on two blocking descriptors, and the sftp-server
 * face (usable as "Subsystem sftp" behind OpenSSH's sshd). Requests are answered in
 * order; what is read waits in one buffer of at most one request plus one read, and
 * replies are written out before their queue passes DB_SFTP_FLUSH, so a peer that does
 * not read stops us reading (the channel window does the rest). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fmt.h"
#include "log.h"
#include "pwdb.h"
#include "optparse.h"
#include "sftp-internal.h"
#include "sftp-server_usagez.h"

int sftp_flush(int fd, struct buf *b)
{
	while (buf_avail(b)) {
		ssize_t n = write(fd, buf_ptr(b), buf_avail(b));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ERR_IO;
		b->pos += (size_t)n;
	}
	buf_reset(b);
	return 0;
}

/* Handles every whole request in `in`; 1 when one more is incomplete, 0 when none is. */
static int run_requests(struct sftp *s, struct buf *in, int out, int *r)
{
	for (;;) {
		struct buf v;
		uint32_t n;
		const uint8_t *p;

		buf_view(&v, buf_ptr(in), buf_avail(in));
		if (buf_get_u32(&v, &n))
			return 0;
		if (n < 1 || n > DB_SFTP_MAX_PACKET) {
			*r = ERR_TOOBIG;
			return 0;
		}
		if (buf_get_raw(&v, &p, n))
			return 1;
		if ((*r = sftp_packet(s, p, n)))
			return 0;
		in->pos += 4 + (size_t)n;
		if (s->out.len >= DB_SFTP_FLUSH && (*r = sftp_flush(out, &s->out)))
			return 0;
	}
}

static int serve(struct sftp *s, int in, int out)
{
	struct buf ib;
	int r = 0;

	if ((r = buf_init(&ib, 16384, DB_SFTP_MAX_PACKET + 4 + DB_SFTP_READ_CHUNK)))
		return r;
	for (;;) {
		uint8_t *p;
		ssize_t n;

		run_requests(s, &ib, out, &r);
		if (r)
			break;
		/* nothing whole is left: answer what was asked, then read more */
		if (s->out.len && (r = sftp_flush(out, &s->out)))
			break;
		buf_compact(&ib);
		if ((r = buf_reserve(&ib, DB_SFTP_READ_CHUNK, &p)))
			break;
		ib.len -= DB_SFTP_READ_CHUNK;
		do
			n = read(in, p, DB_SFTP_READ_CHUNK);
		while (n < 0 && errno == EINTR);
		if (n <= 0) {
			r = n == 0 ? ERR_CLOSED : ERR_IO;
			break;
		}
		ib.len += (size_t)n;
	}
	buf_free(&ib);
	return r;
}

/* "[ADDR]" of the client, from SSH_CONNECTION as sshd and we set it. */
static void client_addr(char *out, size_t n)
{
	const char *c = getenv("SSH_CONNECTION");
	size_t l = c ? strcspn(c, " ") : 0;

	if (!l || l > 64)
		snprintf(out, n, "UNKNOWN");
	else
		snprintf(out, n, "%.*s", (int)l, c);
}

int sftp_serve(int in, int out, const struct sftp_opts *o)
{
	static struct sftp s; /* ~4 KB of handles: off the stack */
	struct pwdb_pw pw;
	int me = pwdb_getpwuid(getuid(), &pw);
	char user[64], from[80];
	int r, fl;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN); /* past RLIMIT_FSIZE a WRITE fails (EFBIG), not the session */
	if ((fl = fcntl(in, F_GETFL)) >= 0 && (fl & O_NONBLOCK))
		(void)fcntl(in, F_SETFL, fl & ~O_NONBLOCK);
	if ((fl = fcntl(out, F_GETFL)) >= 0 && (fl & O_NONBLOCK))
		(void)fcntl(out, F_SETFL, fl & ~O_NONBLOCK);
	snprintf(user, sizeof(user), "%s", me ? pw.name : "?");
	client_addr(from, sizeof(from));
	if (sftp_init(&s) != 0) {
		log_msg(LOG_ERR, "sftp: out of memory");
		return 1;
	}
	s.readonly = o->readonly;
	sftp_splice_setup(&s, out);
	log_msg(LOG_INFO, "session opened for local user %s from [%s]", user, from);
	r = serve(&s, in, out);
	if (r && r != ERR_CLOSED)
		log_msg(LOG_INFO, "sftp session ended: %s", err_str(r));
	dbg(1, "sftp: %llu bytes read, %llu written", (unsigned long long)s.nread,
	    (unsigned long long)s.nwritten);
	log_msg(LOG_INFO, "session closed for local user %s from [%s]", user, from);
	sftp_free(&s);
	return r && r != ERR_CLOSED ? 1 : 0;
}

int sftp_expand_dir(const char *in, const char *home, const char *user, char *out, size_t n)
{
	size_t o = 0;

	for (; *in; in++) {
		const char *ins = NULL;
		char one[2] = {*in, 0};
		size_t l;
		if (*in == '%') {
			in++;
			if (*in == 'd')
				ins = home;
			else if (*in == 'u')
				ins = user;
			else if (*in == '%')
				ins = "%";
			else
				return ERR_FORMAT;
		} else {
			ins = one;
		}
		l = strlen(ins);
		if (l >= n - o)
			return ERR_TOOBIG;
		memcpy(out + o, ins, l);
		o += l;
	}
	if (n == 0)
		return ERR_TOOBIG;
	out[o] = 0;
	return 0;
}

static int level(const char *l)
{
	if (strncmp(l, "DEBUG", 5) == 0)
		return 2;
	return strcmp(l, "VERBOSE") == 0 ? 1 : 0;
}

int sftp_server_main(int argc, char **argv)
{
	struct sftp_opts o = {0};
	int c, to_stderr = 0;
	const char *dir = NULL;
	struct optparse op;

	optparse_init(&op);
	while ((c = optparse_next(&op, argc, argv, "ef:l:d:u:Rh")) != -1) {
		switch (c) {
		case 'e':
			to_stderr = 1;
			break;
		case 'f': /* syslog facility: ours is fixed (LOG_AUTHPRIV) */
			break;
		case 'l':
			log_set_verbose(level(op.arg));
			break;
		case 'd':
			dir = op.arg;
			break;
		case 'u': {
			unsigned long long m;
			if (fmt_parse_whole(op.arg, 8, 0777, &m) != 0) {
				dprintf(STDERR_FILENO, "sftp-server: bad umask '%s'\n", op.arg);
				return 1;
			}
			umask((mode_t)m);
			break;
		}
		case 'R':
			o.readonly = 1;
			break;
		case 'h': /* the text and sftp-server(8) come from doc/sftp-server.opts */
			FACE_PUT_USAGE(STDOUT_FILENO);
			return 0;
		default:
			dprintf(STDERR_FILENO, c == ':' ? "sftp-server: option -%c needs a value\n"
			                         : "sftp-server: unknown option -%c\n", op.opt);
			FACE_PUT_USAGE(STDERR_FILENO);
			return 1;
		}
	}
	log_init("sftp-server", to_stderr ? LOG_TO_STDERR : LOG_TO_SYSLOG);
	if (dir) {
		struct pwdb_pw pw;
		char path[DB_MAX_PATH];
		int r = pwdb_getpwuid(getuid(), &pw) ?
		                sftp_expand_dir(dir, pw.dir, pw.name, path, sizeof(path)) :
		                ERR_INVALID;
		if (r) {
			log_msg(LOG_ERR, "-d %s: %s", dir,
			        r == ERR_FORMAT ? "only %d, %u and %% may follow a %" :
			        r == ERR_TOOBIG ? "too long" : "no home directory for this user");
			return 1;
		}
		if (chdir(path) != 0) {
			log_msg(LOG_ERR, "cannot change to %s: %s", path, strerror(errno));
			return 1;
		}
	}
	return sftp_serve(0, 1, &o);
}
