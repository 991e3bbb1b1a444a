#include "log.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "civil.h"
#include "fmt.h"
#include "safetext.h"

static const char *log_ident = "dropbear";
static int log_where = LOG_TO_STDERR;
static int log_fd = STDERR_FILENO;
static int verbose;
static fatal_hook_fn fatal_hook;
static void *fatal_arg;
static int in_fatal;
static unsigned text_flags; /* SAFETEXT_UTF8 when the locale shows UTF-8 */

#if DB_LOG_JOURNAL
/* systemd sets JOURNAL_STREAM=DEV:INO for a service whose stderr it connected to the
 * journal (systemd.exec(5)); stderr is the journal only while its fd still is that
 * socket. A malformed value is no journal. */
static int stderr_is_journal(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	const char *end;

	/* fmt_parse_num, not sscanf or strtoull: they pull musl's scanf and float parsing
	 * (11 KB) or its integer scanner (2.4 KB) into the static binary */
	if (!v || fmt_parse_num(v, &end, 10, ULLONG_MAX, &dev) != 0 || *end != ':' ||
	    fmt_parse_whole(end + 1, 10, ULLONG_MAX, &ino) != 0)
		return 0;
	if (fstat(STDERR_FILENO, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}
#endif

/* syslog(3) in a few lines, as musl's writes it: one datagram per line to /dev/log,
 * "<PRI>Mmm dd hh:mm:ss ident[pid]: text" with a UTC stamp, facility LOG_AUTHPRIV; the
 * socket is opened at log_init (LOG_NDELAY) and reconnected when syslogd restarted. Not
 * musl's own: it brings strftime and its locale lookup (4 kB of the static binary). */
static int syslog_fd = -1;
static const struct sockaddr_un syslog_addr = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };

static int syslog_reconnect(void)
{
	if (syslog_fd < 0)
		syslog_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return syslog_fd >= 0 ? connect(syslog_fd, (const struct sockaddr *)&syslog_addr,
					 sizeof(syslog_addr)) : -1;
}

static void syslog_line(int prio, const char *line)
{
	char out[1200];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	civil_utc((int64_t)now, &tm);
	if (!(prio & LOG_FACMASK))
		prio |= LOG_AUTHPRIV;
	n = snprintf(out, sizeof(out), "<%d>%s %2d %02d:%02d:%02d %s[%d]: %s", prio,
		     log_month(tm.tm_mon), tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     log_ident, (int)getpid(), line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(out))
		n = sizeof(out) - 1;
	if (syslog_fd < 0 || send(syslog_fd, out, (size_t)n, MSG_NOSIGNAL) < 0) {
		if (syslog_fd >= 0 && errno != ECONNREFUSED && errno != ECONNRESET &&
		    errno != ENOTCONN && errno != EDESTADDRREQ)
			return;
		if (syslog_reconnect() == 0)
			(void)send(syslog_fd, out, (size_t)n, MSG_NOSIGNAL);
	}
}

void log_init(const char *ident, int where)
{
	log_ident = ident;
	text_flags = safetext_locale_flags();
#if DB_LOG_JOURNAL
	/* The journal stamps and names each line itself, and syslog lines reach it too:
	 * the stderr copy then carries only the priority ("<N>", sd-daemon(3)), and none
	 * at all when it would repeat a syslog line. */
	if ((where & LOG_TO_STDERR) && stderr_is_journal()) {
		where |= LOG_JOURNAL;
		if (where & LOG_TO_SYSLOG)
			where &= ~LOG_TO_STDERR;
	}
#endif
	log_where = where;
	if ((where & LOG_TO_SYSLOG) && syslog_fd < 0)
		(void)syslog_reconnect();
}

void log_set_verbose(int level) { verbose = level; }
int log_to_stderr(void) { return (log_where & LOG_TO_STDERR) != 0; }
void log_set_fd(int fd) { log_fd = fd; }
int log_verbose(void) { return verbose; }

const char *log_month(int mon)
{
	static const char names[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	return mon >= 0 && mon < 12 ? names[mon] : "???";
}

void log_vmsg(int prio, const char *fmt, va_list ap)
{
	char raw[1024], line[1024];

	vsnprintf(raw, sizeof(raw), fmt, ap);
	/* one line, and no terminal escapes from peers: C0, DEL, C1 and bad UTF-8 */
	safetext(line, sizeof(line), (const uint8_t *)raw, strlen(raw), text_flags);
	if (log_where & LOG_TO_SYSLOG)
		syslog_line(prio, line);
	if (log_where & LOG_TO_STDERR) {
		/* one write() per line so that forked processes do not interleave */
		char out[1100], stamp[32] = "";
		int n;
		if (log_where & LOG_JOURNAL) {
			n = snprintf(out, sizeof(out), "<%d>%s\n", prio & 7, line);
		} else {
			if (log_where & LOG_STAMP) {
				/* syslog's own stamp, so that fail2ban and people read both alike */
				time_t now = time(NULL);
				struct tm tm;
#if DB_LOCALTIME
				if (localtime_r(&now, &tm)) /* "%b %d %H:%M:%S " */
#else
				civil_utc((int64_t)now, &tm); /* UTC, as syslog's */
#endif
					snprintf(stamp, sizeof(stamp), "%s %02d %02d:%02d:%02d ",
						 log_month(tm.tm_mon), tm.tm_mday, tm.tm_hour,
						 tm.tm_min, tm.tm_sec);
			}
			n = snprintf(out, sizeof(out), "%s%s: %s\n", stamp, log_ident, line);
		}
		if (n > 0) {
			ssize_t w = write(log_fd, out, (size_t)n < sizeof(out) ? (size_t)n : sizeof(out) - 1);
			(void)w;
		}
	}
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(prio, fmt, ap);
	va_end(ap);
}

void dbg(int lvl, const char *fmt, ...)
{
	va_list ap;
	if (verbose < lvl)
		return;
	va_start(ap, fmt);
	log_vmsg(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void log_set_fatal_hook(fatal_hook_fn fn, void *arg)
{
	fatal_hook = fn;
	fatal_arg = arg;
}

#ifdef DB_FUZZ
/* Fuzzing build only: a harness that catches exit() (tests/fuzz/fuzz_conn.h) runs many
 * connections in one process; each starts with no hook and no fatal in progress. */
void log_fuzz_reset(void)
{
	fatal_hook = NULL;
	fatal_arg = NULL;
	in_fatal = 0;
}
#endif

_Noreturn void fatal(const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (fatal_hook && !in_fatal) {
		in_fatal = 1; /* a failure inside the hook must not recurse */
		fatal_hook(reason, fatal_arg);
	}
	log_msg(LOG_ERR, "%s", reason);
	exit(1);
}
