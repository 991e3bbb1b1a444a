/* log.h: logging to stderr or syslog, and the one fatal() path.
 *
 * Every line is one line: control characters from untrusted strings are replaced before
 * output. fatal() runs the hook the current layer installed (the connection layer sends
 * SSH_MSG_DISCONNECT there), logs the reason once and exits this process with status 1.
 * Code in common/ returns errors instead of calling fatal(); only the faces' top levels
 * and the connection loop call it. */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <syslog.h>

#include "options.h"

#define LOG_TO_STDERR 1
#define LOG_TO_SYSLOG 2
#define LOG_STAMP     4 /* stderr lines start with a syslog-style date (-E) */
#define LOG_JOURNAL   8 /* set by log_init: stderr is systemd's journal (JOURNAL_STREAM) */

void log_init(const char *ident, int where);
void log_set_verbose(int level);
int log_verbose(void);
/* Whether lines go to stderr, and the descriptor they go to instead of 2 (a forked
 * child whose fd 2 became something else keeps the log). */
int log_to_stderr(void);
void log_set_fd(int fd);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(int prio, const char *fmt, va_list ap);
/* "Jan".."Dec" for tm_mon 0..11 ("???" otherwise): strftime's %b in the C locale, for the
 * stamps of log lines and sftp's ls-style names. Not strftime: in the static binary it
 * brought musl's locale lookup along (4 kB) for three fixed formats. */
const char *log_month(int mon);
/* Debug output at -v level >= lvl. */
void dbg(int lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef void (*fatal_hook_fn)(const char *reason, void *arg);
void log_set_fatal_hook(fatal_hook_fn fn, void *arg);
#ifdef DB_FUZZ
void log_fuzz_reset(void); /* fuzzing build only */
#endif
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
