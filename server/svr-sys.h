/* svr-sys.h: fork, setuid, setgid, seteuid and setgroups for the server, without the
 * C library's machinery for threads: no process of this suite starts a thread.
 *
 * POSIX wants a process's ids changed in every thread: musl (and glibc) make each thread
 * run the system call in turn (musl's __synccall: signals, semaphores, locks). fork(3)
 * runs pthread_atfork handlers and takes musl's internal locks around _Fork when threads
 * exist (and links the rwlocks and timed waits for that). With musl these are the plain
 * system calls and _Fork (fork without the handlers and locks; it still blocks
 * signals and resets the thread state in the child): with one thread the results are the
 * same. MINIMAL static binary: musl -3,637 bytes (synccall, setxid, setgroups, fork,
 * lock_ptc, pthread_rwlock_*, __timedwait, sem_*, initgroups, daemon), ours +183, the
 * file 186,856 -> 182,760. glibc's are used as they are (the dynamic build pays nothing
 * for them). */
#ifndef SVR_SYS_H
#define SVR_SYS_H

#include <grp.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__GLIBC__)
#define svr_setuid setuid
#define svr_setgid setgid
#define svr_seteuid seteuid
#define svr_setgroups setgroups
#define svr_fork fork
#else
/* 32-bit x86, ARM and others keep the old 16-bit-id calls under the plain names and the
 * full ones under *32: a uid past 65535 must never be truncated */
#ifdef SYS_setuid32
#define SVR_NR_SETUID SYS_setuid32
#define SVR_NR_SETGID SYS_setgid32
#define SVR_NR_SETRESUID SYS_setresuid32
#define SVR_NR_SETGROUPS SYS_setgroups32
#else
#define SVR_NR_SETUID SYS_setuid
#define SVR_NR_SETGID SYS_setgid
#define SVR_NR_SETRESUID SYS_setresuid
#define SVR_NR_SETGROUPS SYS_setgroups
#endif
#define svr_fork _Fork
static inline int svr_setuid(uid_t uid)
{
	return (int)syscall(SVR_NR_SETUID, uid);
}
static inline int svr_setgid(gid_t gid)
{
	return (int)syscall(SVR_NR_SETGID, gid);
}
/* seteuid(2) is setresuid(-1, euid, -1), as musl's */
static inline int svr_seteuid(uid_t euid)
{
	return (int)syscall(SVR_NR_SETRESUID, (uid_t)-1, euid, (uid_t)-1);
}
static inline int svr_setgroups(size_t n, const gid_t *g)
{
	return (int)syscall(SVR_NR_SETGROUPS, n, g);
}
#endif

#endif
