/* pwdb: the user, group and shadow databases for every face. With DB_OWN_PWDB (options.h:
 * the static builds) /etc/passwd, /etc/group and /etc/shadow are read here (passwd(5),
 * group(5), shadow(5)); without, these wrap the C library's calls, which honour NSS.
 * Results go into storage the caller owns (nothing is shared between calls), strings
 * pointing into its line. A lookup returns 1 when found, 0 when not (or when the file
 * cannot be read). */
#ifndef PWDB_H
#define PWDB_H

#include <stddef.h>
#include <sys/types.h>

#include "options.h"

struct pwdb_pw {
	uid_t uid;
	gid_t gid;
	const char *name, *passwd, *gecos, *dir, *shell;
	char line[DB_PWDB_LINE_MAX];
};

/* Only what the callers need of a group: its name and gid (never the members). */
struct pwdb_gr {
	gid_t gid;
	const char *name;
	char line[DB_PWDB_LINE_MAX];
};

/* A shadow entry holds a password hash: pwdb_sp_wipe it after use. */
struct pwdb_sp {
	const char *name, *hash;
	long expire; /* days since 1970-01-01 when the account expires; -1: never */
	char line[DB_PWDB_LINE_MAX];
};

int pwdb_getpwnam(const char *name, struct pwdb_pw *pw);
int pwdb_getpwuid(uid_t uid, struct pwdb_pw *pw);
int pwdb_getgrnam(const char *name, struct pwdb_gr *gr);
int pwdb_getgrgid(gid_t gid, struct pwdb_gr *gr);
int pwdb_getspnam(const char *name, struct pwdb_sp *sp);
void pwdb_sp_wipe(struct pwdb_sp *sp);
/* The supplementary groups of user as getgrouplist(3) makes them: base first, then the
 * gid of every group listing user, each gid once, in file order. At most max go to g;
 * returns how many there are (more than max: the list was cut, and the count may hold
 * repeats past max), or -1 when the group file could not be read. */
long pwdb_grouplist(const char *user, gid_t base, gid_t *g, size_t max);

/* The readers of our own, on the file named (tests and fuzzers name their own; the
 * lookups above use them on /etc/... with DB_OWN_PWDB). name NULL: look up by id. */
int pwdb_file_pw(const char *path, const char *name, uid_t uid, struct pwdb_pw *pw);
int pwdb_file_gr(const char *path, const char *name, gid_t gid, struct pwdb_gr *gr);
int pwdb_file_sp(const char *path, const char *name, struct pwdb_sp *sp);
long pwdb_file_grouplist(const char *path, const char *user, gid_t base, gid_t *g,
                         size_t max);

#endif
