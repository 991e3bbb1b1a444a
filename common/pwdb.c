/* pwdb.c: passwd(5), group(5) and shadow(5) read by us (DB_OWN_PWDB), or the C library's
 * lookups copied into the caller's storage. What a line must be to count, as the C
 * libraries decide (glibc's nss_files and fgetpwent, musl's getpw*): a line that is not
 * is skipped, never the end of the lookup, and the first entry that matches wins.
 * - At most DB_PWDB_LINE_MAX - 1 bytes (passwd and shadow; of a group line, its name,
 *   password and gid: the members stream past and are not kept, so a group of any
 *   number of members works); no NUL byte. Only '\n' ends a line: a '\r' before it is
 *   data, as in both libraries (a shell "/bin/sh\r" is then not in /etc/shells).
 * - Blanks before the name are skipped, then empty lines and '#' comments (glibc); an
 *   empty name or one beginning with '+' or '-' (NIS compat entries) is skipped.
 * - passwd: 7 fields (the shell takes the rest of the line, ':' included, as both
 *   libraries read it); group: 4 (the members are the rest, split at ','; blanks before
 *   a member are dropped and empty members ignored, as glibc); shadow: 9, its numbers
 *   empty or decimal (musl's rule; glibc also takes the old 5-field form).
 * - uid and gid: decimal digits only, below 2^32 - 1 ((uid_t)-1 means "no change" to
 *   setresuid): glibc's strtoul also takes blanks and '+', musl's parser wraps past 2^32
 *   (an overlong uid could read as 0). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "pwdb.h"
#include "util.h"

#if !DB_OWN_PWDB
#include <grp.h>
#include <pwd.h>
#include <shadow.h>

#include "log.h"
#endif

#define PWDB_PASSWD "/etc/passwd"
#define PWDB_GROUP "/etc/group"
#define PWDB_SHADOW "/etc/shadow"

/* The files are read once, front to back, through fdio's buffer. */
static int rd_open(struct fdin *r, const char *path)
{
	int fd;

	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	fdin_init(r, fd);
	return fd >= 0 ? 0 : -1;
}

/* shadow's bytes (other users' hashes) pass through the buffer: wiped for every file */
static void rd_close(struct fdin *r)
{
	int e = errno;

	close(r->fd);
	wipe(r->b, sizeof(r->b));
	errno = e;
}

/* One line without its '\n' into line[cap]; with stop (a group line's members), only up
 * to the third ':' is kept and each member is compared with stop as it goes by
 * (*member set when one equals it). 1: a line, 0: one to skip (too long, a NUL byte),
 * -1: the end of the file. */
static int rd_line(struct fdin *r, char *line, size_t cap, const char *stop, int *member)
{
	size_t n = 0, m = 0;
	int c, ok = 1, colons = 0, same = 1, lead = 1;

	if ((c = fdin_getc(r)) < 0)
		return -1;
	for (;; c = fdin_getc(r)) {
		if (c < 0 || c == '\n' || (stop && colons == 3 && c == ',')) {
			if (stop && colons == 3 && same && m && !stop[m])
				*member = 1;
			if (c < 0 || c == '\n')
				break;
			m = 0;
			same = lead = 1;
		} else if (c == 0) {
			ok = 0;
		} else if (!stop || colons < 3) {
			colons += c == ':';
			if (n + 1 < cap)
				line[n++] = (char)c;
			else
				ok = 0;
		} else if (!(lead && (c == ' ' || (c >= '\t' && c <= '\r')))) {
			lead = 0;
			if (same && stop[m] == c)
				m++;
			else
				same = 0;
		}
	}
	line[n] = 0;
	return ok;
}

/* Splits line at ':' into n fields, the last taking the rest; the first, past leading
 * blanks, must be a name (not a comment, not empty, no NIS '+' / '-'). */
static int fields(char *line, char **f, int n)
{
	int i;

	while (*line == ' ' || (*line >= '\t' && *line <= '\r'))
		line++;
	if (!*line || *line == '#' || *line == '+' || *line == '-' || *line == ':')
		return 0;
	f[0] = line;
	for (i = 1; i < n; i++) {
		if (!(line = strchr(line, ':')))
			return 0;
		*line++ = 0;
		f[i] = line;
	}
	return 1;
}

/* A uid or gid: 1 to 10 decimal digits, at most 2^32 - 2. */
static int parse_id(const char *s, uint32_t *v)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9' && i < 10; i++)
		x = x * 10 + (uint64_t)(s[i] - '0');
	if (!i || s[i] || x >= UINT32_MAX)
		return 0;
	*v = (uint32_t)x;
	return 1;
}

/* A number of shadow(5): empty (-1) or at most 9 decimal digits. */
static int parse_num(const char *s, long *v)
{
	long x = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9' && i < 9; i++)
		x = x * 10 + (s[i] - '0');
	if (s[i])
		return 0;
	*v = i ? x : -1;
	return 1;
}

int pwdb_file_pw(const char *path, const char *name, uid_t uid, struct pwdb_pw *pw)
{
	struct fdin r;
	char *f[7];
	uint32_t u, g;
	int k, found = 0;

	if (rd_open(&r, path))
		return 0;
	while (!found && (k = rd_line(&r, pw->line, sizeof(pw->line), NULL, NULL)) >= 0) {
		if (!k || !fields(pw->line, f, 7) || !parse_id(f[2], &u) || !parse_id(f[3], &g))
			continue;
		if (name ? strcmp(f[0], name) != 0 : u != (uint32_t)uid)
			continue;
		pw->name = f[0];
		pw->passwd = f[1];
		pw->uid = (uid_t)u;
		pw->gid = (gid_t)g;
		pw->gecos = f[4];
		pw->dir = f[5];
		pw->shell = f[6];
		found = 1;
	}
	rd_close(&r);
	return found;
}

int pwdb_file_gr(const char *path, const char *name, gid_t gid, struct pwdb_gr *gr)
{
	struct fdin r;
	char *f[4];
	uint32_t g;
	int k, found = 0, member;

	if (rd_open(&r, path))
		return 0;
	while (!found && (k = rd_line(&r, gr->line, sizeof(gr->line), "", &member)) >= 0) {
		if (!k || !fields(gr->line, f, 4) || !parse_id(f[2], &g))
			continue;
		if (name ? strcmp(f[0], name) != 0 : g != (uint32_t)gid)
			continue;
		gr->name = f[0];
		gr->gid = (gid_t)g;
		found = 1;
	}
	rd_close(&r);
	return found;
}

int pwdb_file_sp(const char *path, const char *name, struct pwdb_sp *sp)
{
	struct fdin r;
	char *f[9];
	long v;
	int k, i, found = 0;

	if (rd_open(&r, path))
		return 0;
	while (!found && (k = rd_line(&r, sp->line, sizeof(sp->line), NULL, NULL)) >= 0) {
		if (!k || !fields(sp->line, f, 9) || strcmp(f[0], name) != 0 || strchr(f[8], ':'))
			continue;
		for (i = 2; i < 9 && parse_num(f[i], &v); i++)
			if (i == 7)
				sp->expire = v;
		if (i < 9)
			continue;
		sp->name = f[0];
		sp->hash = f[1];
		found = 1;
	}
	rd_close(&r);
	if (!found)
		wipe(sp->line, sizeof(sp->line));
	return found;
}

long pwdb_file_grouplist(const char *path, const char *user, gid_t base, gid_t *g,
                         size_t max)
{
	char head[DB_PWDB_LINE_MAX], *f[4];
	struct fdin r;
	size_t n = 0, i;
	uint32_t id;
	int k, member;

	if (max)
		g[0] = base;
	n = 1;
	if (rd_open(&r, path))
		return errno == ENOENT ? 1 : -1;
	for (;;) {
		member = 0;
		if ((k = rd_line(&r, head, sizeof(head), user, &member)) < 0)
			break;
		if (!k || !member || !fields(head, f, 4) || !parse_id(f[2], &id))
			continue;
		for (i = 0; i < n && i < max && g[i] != (gid_t)id; i++)
			;
		if (i < n && i < max)
			continue;
		if (n < max)
			g[n] = (gid_t)id;
		if (n < (size_t)LONG_MAX)
			n++;
	}
	rd_close(&r);
	return r.err ? -1 : (long)n;
}

#if DB_OWN_PWDB
int pwdb_getpwnam(const char *name, struct pwdb_pw *pw)
{
	return pwdb_file_pw(PWDB_PASSWD, name, 0, pw);
}

int pwdb_getpwuid(uid_t uid, struct pwdb_pw *pw)
{
	return pwdb_file_pw(PWDB_PASSWD, NULL, uid, pw);
}

int pwdb_getgrnam(const char *name, struct pwdb_gr *gr)
{
	return pwdb_file_gr(PWDB_GROUP, name, 0, gr);
}

int pwdb_getgrgid(gid_t gid, struct pwdb_gr *gr)
{
	return pwdb_file_gr(PWDB_GROUP, NULL, gid, gr);
}

int pwdb_getspnam(const char *name, struct pwdb_sp *sp)
{
	return pwdb_file_sp(PWDB_SHADOW, name, sp);
}

long pwdb_grouplist(const char *user, gid_t base, gid_t *g, size_t max)
{
	return pwdb_file_grouplist(PWDB_GROUP, user, base, g, max);
}
#else
/* The _r forms write the strings into our line. An entry too long for it is not used,
 * with a log line rather than as if the user did not exist (glibc says ERANGE). */
static int too_long(int r, const char *db, const char *who, unsigned long id)
{
	if (r != ERANGE)
		return 0;
	if (who)
		log_msg(LOG_WARNING, "The %s entry of '%s' is longer than %d bytes: not used", db,
			who, DB_PWDB_LINE_MAX);
	else
		log_msg(LOG_WARNING, "The %s entry of id %lu is longer than %d bytes: not used", db,
			id, DB_PWDB_LINE_MAX);
	return 1;
}

static int copy_pw(struct pwdb_pw *pw, int r, const struct passwd *p)
{
	if (r != 0 || !p)
		return 0;
	pw->uid = p->pw_uid;
	pw->gid = p->pw_gid;
	pw->name = p->pw_name;
	pw->passwd = p->pw_passwd ? p->pw_passwd : "";
	pw->gecos = p->pw_gecos ? p->pw_gecos : "";
	pw->dir = p->pw_dir ? p->pw_dir : "";
	pw->shell = p->pw_shell ? p->pw_shell : "";
	return p->pw_name != NULL;
}

int pwdb_getpwnam(const char *name, struct pwdb_pw *pw)
{
	struct passwd p, *res = NULL;
	int r = getpwnam_r(name, &p, pw->line, sizeof(pw->line), &res);
	(void)too_long(r, "passwd", name, 0);
	return copy_pw(pw, r, res);
}

int pwdb_getpwuid(uid_t uid, struct pwdb_pw *pw)
{
	struct passwd p, *res = NULL;
	int r = getpwuid_r(uid, &p, pw->line, sizeof(pw->line), &res);
	(void)too_long(r, "passwd", NULL, (unsigned long)uid);
	return copy_pw(pw, r, res);
}

/* getgr*_r would need room for every member: the static result, copied at once */
static int copy_gr(struct pwdb_gr *gr, const struct group *g)
{
	size_t n = g && g->gr_name ? strlen(g->gr_name) : sizeof(gr->line);

	if (n >= sizeof(gr->line))
		return 0;
	memcpy(gr->line, g->gr_name, n + 1);
	gr->name = gr->line;
	gr->gid = g->gr_gid;
	return 1;
}

int pwdb_getgrnam(const char *name, struct pwdb_gr *gr)
{
	return copy_gr(gr, getgrnam(name));
}

int pwdb_getgrgid(gid_t gid, struct pwdb_gr *gr)
{
	return copy_gr(gr, getgrgid(gid));
}

int pwdb_getspnam(const char *name, struct pwdb_sp *sp)
{
	struct spwd s, *res = NULL;
	int r = getspnam_r(name, &s, sp->line, sizeof(sp->line), &res);

	(void)too_long(r, "shadow", name, 0);
	if (r != 0 || !res ||
	    !res->sp_namp || !res->sp_pwdp) {
		wipe(sp->line, sizeof(sp->line));
		return 0;
	}
	sp->name = res->sp_namp;
	sp->hash = res->sp_pwdp;
	sp->expire = res->sp_expire;
	return 1;
}

long pwdb_grouplist(const char *user, gid_t base, gid_t *g, size_t max)
{
	int n = max > INT32_MAX ? INT32_MAX : (int)max;

	/* -1 when cut: n is then the count there is (glibc) or max (musl) */
	if (getgrouplist(user, base, g, &n) < 0 && n <= (int)max)
		n = (int)max + 1;
	return n < 0 ? -1 : n;
}
#endif

void pwdb_sp_wipe(struct pwdb_sp *sp)
{
	wipe(sp, sizeof(*sp));
}
