#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "safetext.h"

static const char *log_ident = "dropbear";
static int log_where = LOG_TO_STDERR;
static int log_fd = STDERR_FILENO;
static int verbose;
static fatal_hook_fn fatal_hook;
static void *fatal_arg;
static int in_fatal;
static unsigned text_flags; /* SAFETEXT_UTF8 when the locale shows UTF-8 */

void log_init(const char *ident, int where)
{
	log_ident = ident;
	log_where = where;
	text_flags = safetext_locale_flags();
	if (where & LOG_TO_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

void log_set_verbose(int level) { verbose = level; }
int log_to_stderr(void) { return (log_where & LOG_TO_STDERR) != 0; }
void log_set_fd(int fd) { log_fd = fd; }
int log_verbose(void) { return verbose; }

void log_vmsg(int prio, const char *fmt, va_list ap)
{
	char raw[1024], line[1024];

	vsnprintf(raw, sizeof(raw), fmt, ap);
	/* one line, and no terminal escapes from peers: C0, DEL, C1 and bad UTF-8 */
	safetext(line, sizeof(line), (const uint8_t *)raw, strlen(raw), text_flags);
	if (log_where & LOG_TO_SYSLOG)
		syslog(prio, "%s", line);
	if (log_where & LOG_TO_STDERR) {
		/* one write() per line so that forked processes do not interleave */
		char out[1100];
		int n = snprintf(out, sizeof(out), "%s: %s\n", log_ident, line);
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
