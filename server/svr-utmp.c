/* svr-utmp.c: utmp, wtmp and lastlog records for pty sessions (what login(1) and
 * Dropbear write), so that who, last and lastlog see ssh logins. These files belong to
 * root: the code runs in the signer helper (svr-signer.c), which stays root after the
 * connection process drops to the user, and which has checked the request first. */
#include <fcntl.h>
#include <lastlog.h>
#include <paths.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include <utmp.h>
#include <utmpx.h>

#include "server.h"

/* A C library that keeps no login records (musl: its utmpx functions do nothing and its
 * paths point under /dev/null) also has a struct lastlog that is not the file's layout
 * (64-bit ll_time): write neither, rather than corrupt what glibc's tools read. */
static int have_records(void)
{
	return strncmp(_PATH_WTMP, "/dev/null", 9) != 0;
}

static void fill(struct utmpx *ut, const char *line, pid_t pid)
{
	size_t n = strlen(line);
	struct timeval tv;

	memset(ut, 0, sizeof(*ut));
	ut->ut_pid = pid;
	strncpy(ut->ut_line, line, sizeof(ut->ut_line));
	/* ut_id: the line's last characters, as login(1) does ("pts/3" -> "s/3") */
	strncpy(ut->ut_id, n > sizeof(ut->ut_id) ? line + n - sizeof(ut->ut_id) : line,
	        sizeof(ut->ut_id));
	gettimeofday(&tv, NULL);
	ut->ut_tv.tv_sec = (int32_t)tv.tv_sec;
	ut->ut_tv.tv_usec = (int32_t)tv.tv_usec;
}

static void put(const struct utmpx *ut)
{
	setutxent();
	(void)pututxline(ut); /* no utmp file (a container): nothing to do */
	endutxent();
	updwtmpx(_PATH_WTMP, ut);
}

void utmp_login(const char *line, const char *user, uid_t uid, const char *host, pid_t pid)
{
	struct utmpx ut;
	struct lastlog ll;
	int fd;

	if (!have_records())
		return;
	fill(&ut, line, pid);
	ut.ut_type = USER_PROCESS;
	strncpy(ut.ut_user, user, sizeof(ut.ut_user));
	strncpy(ut.ut_host, host, sizeof(ut.ut_host));
	put(&ut);
	/* lastlog: one record per uid at uid * sizeof(record), in a sparse file */
	if ((fd = open(_PATH_LASTLOG, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) >= 0) {
		memset(&ll, 0, sizeof(ll));
		ll.ll_time = ut.ut_tv.tv_sec;
		strncpy(ll.ll_line, line, sizeof(ll.ll_line));
		strncpy(ll.ll_host, host, sizeof(ll.ll_host));
		(void)!pwrite(fd, &ll, sizeof(ll), (off_t)uid * (off_t)sizeof(ll));
		close(fd);
	}
}

void utmp_logout(const char *line, pid_t pid)
{
	struct utmpx ut;

	if (!have_records())
		return;
	fill(&ut, line, pid);
	ut.ut_type = DEAD_PROCESS;
	put(&ut);
}
