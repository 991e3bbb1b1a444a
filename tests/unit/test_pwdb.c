/* pwdb: our reading of passwd(5), group(5) and shadow(5) (common/pwdb.c) on files made
 * here: well-formed entries, first match, comments, blank and NIS lines, too few and too
 * many fields, non-numeric and overflowing ids, CRLF, NUL bytes, no final newline, lines
 * at and past DB_PWDB_LINE_MAX, a group of 200,000 members; the same files read by
 * glibc's fgetpwent / fgetgrent / fgetspent must give the same answers where the rules
 * agree, and the places they differ on purpose are checked one by one. */
#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "pwdb.h"

static char tmpdir[] = "/tmp/test_pwdb.XXXXXX";
static char path[64];

/* Writes n bytes to a file of its own (path) and returns path. */
static const char *file_n(const char *data, size_t n)
{
	static unsigned seq;
	FILE *f;

	snprintf(path, sizeof(path), "%s/f%u", tmpdir, seq++);
	if (!(f = fopen(path, "wb")) || fwrite(data, 1, n, f) != n || fclose(f) != 0)
		abort();
	return path;
}

static const char *file(const char *text)
{
	return file_n(text, strlen(text));
}

static int pw_nam(const char *text, const char *name, struct pwdb_pw *pw)
{
	return pwdb_file_pw(file(text), name, 0, pw);
}

static void test_passwd_basic(void)
{
	struct pwdb_pw pw;
	const char *f = file("root:x:0:0:root:/root:/bin/bash\n"
	                     "daemon:*:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	                     "bob:x:1000:100:Bob B,,,:/home/bob:/bin/sh\n"
	                     "bob:x:1001:101:second:/home/bob2:/bin/sh\n"
	                     "alice:x:1000:1000::/home/alice:\n");

	CHECK(pwdb_file_pw(f, "bob", 0, &pw) == 1);
	CHECK(strcmp(pw.name, "bob") == 0 && strcmp(pw.passwd, "x") == 0);
	CHECK(pw.uid == 1000 && pw.gid == 100);
	CHECK(strcmp(pw.gecos, "Bob B,,,") == 0 && strcmp(pw.dir, "/home/bob") == 0);
	CHECK(strcmp(pw.shell, "/bin/sh") == 0);
	/* the first entry of a uid wins too */
	CHECK(pwdb_file_pw(f, NULL, 1000, &pw) == 1 && strcmp(pw.name, "bob") == 0);
	CHECK(pwdb_file_pw(f, NULL, 0, &pw) == 1 && strcmp(pw.name, "root") == 0);
	CHECK(pwdb_file_pw(f, "alice", 0, &pw) == 1 && pw.gid == 1000 && !*pw.gecos &&
	      !*pw.shell);
	CHECK(pwdb_file_pw(f, "carol", 0, &pw) == 0);
	CHECK(pwdb_file_pw(f, "bo", 0, &pw) == 0);
	CHECK(pwdb_file_pw(f, "", 0, &pw) == 0);
	CHECK(pwdb_file_pw(f, NULL, 4242, &pw) == 0);
	CHECK(pwdb_file_pw("/nonexistent/passwd", "root", 0, &pw) == 0);
	CHECK(pwdb_file_pw(tmpdir, "root", 0, &pw) == 0); /* a directory: read fails */
}

/* Lines skipped, each followed by a good one of the same name: the lookup goes on. */
static void test_passwd_malformed(void)
{
	static const char *const bad[] = {
		"u:x:1:1:g:/h\n",              /* 6 fields */
		"u:x:1:1\n",                   /* 4 */
		"u\n",                         /* 1 */
		"u:x::1:g:/h:/s\n",            /* empty uid */
		"u:x:1::g:/h:/s\n",            /* empty gid */
		"u:x:a1:1:g:/h:/s\n",          /* not a number */
		"u:x:1a:1:g:/h:/s\n",
		"u:x:-1:1:g:/h:/s\n",
		"u:x:+1:1:g:/h:/s\n",
		"u:x: 1:1:g:/h:/s\n",
		"u:x:0x1:1:g:/h:/s\n",
		"u:x:4294967295:1:g:/h:/s\n",  /* (uid_t)-1 */
		"u:x:4294967296:1:g:/h:/s\n",  /* 2^32: 0 for musl */
		"u:x:99999999999999999999:1:g:/h:/s\n",
		"u:x:1:18446744073709551616:g:/h:/s\n",
		"u:x:00000000001:1:g:/h:/s\n", /* 11 digits */
		"+u:x:1:1:g:/h:/s\n",          /* NIS */
		"-u:x:1:1:g:/h:/s\n",
		"#u:x:1:1:g:/h:/s\n",
		" #u:x:1:1:g:/h:/s\n",
		"u:x:1\0:1:g:/h:/s\n",         /* a NUL byte */
	};
	static const size_t badlen[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	                                0, 17};
	const char good[] = "u:x:7:8:g:/h:/s\n";
	struct pwdb_pw pw;
	char buf[256];
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int alone, then;
		n = badlen[i] ? badlen[i] : strlen(bad[i]);
		memcpy(buf, bad[i], n);
		alone = pwdb_file_pw(file_n(buf, n), "u", 0, &pw);
		memcpy(buf + n, good, sizeof(good));
		then = pwdb_file_pw(file_n(buf, n + sizeof(good) - 1), "u", 0, &pw) &&
		       pw.uid == 7 && pw.gid == 8;
		CHECK(alone == 0 && then == 1);
		if (alone || !then)
			fprintf(stderr, "  bad line %zu: %d %d\n", i, alone, then);
	}
	/* the largest uid, leading zeros */
	CHECK(pw_nam("u:x:4294967294:0001:g:/h:/s\n", "u", &pw) == 1 && pw.uid == 4294967294u &&
	      pw.gid == 1);
	/* blanks before the name are skipped (glibc) */
	CHECK(pw_nam("\n\n  \t u:x:3:3:g:/h:/s\n", "u", &pw) == 1 && pw.uid == 3);
	/* more than 7 fields: the shell keeps the rest, as both C libraries read it */
	CHECK(pw_nam("u:x:3:3:g:/h:/s:x:y\n", "u", &pw) == 1 && strcmp(pw.shell, "/s:x:y") == 0);
	/* CRLF: the '\r' belongs to the shell */
	CHECK(pw_nam("u:x:3:3:g:/h:/bin/sh\r\n", "u", &pw) == 1 &&
	      strcmp(pw.shell, "/bin/sh\r") == 0);
	/* no newline at the end */
	CHECK(pw_nam("a:x:1:1:::\nu:x:3:3:g:/h:/s", "u", &pw) == 1 && strcmp(pw.shell, "/s") == 0);
	/* an empty name */
	CHECK(pwdb_file_pw(file(":x:5:5:g:/h:/s\n"), NULL, 5, &pw) == 0);
	CHECK(pw_nam("", "u", &pw) == 0);
	CHECK(pw_nam("\n", "u", &pw) == 0);
}

/* A line of n bytes without its newline: "u:x:9:9:" gecos of 'g's ":/h:/s". */
static char *long_line(size_t n, const char *name)
{
	char *l = malloc(n + 2);
	size_t head = strlen(name) + 7, tail = 6;

	if (!l)
		abort();
	memcpy(l, name, strlen(name));
	memcpy(l + strlen(name), ":x:9:9:", 7);
	memset(l + head, 'g', n - head - tail);
	memcpy(l + n - tail, ":/h:/s", 6);
	l[n] = '\n';
	l[n + 1] = 0;
	return l;
}

static void test_passwd_long(void)
{
	struct pwdb_pw pw;
	char *l = long_line(DB_PWDB_LINE_MAX - 1, "u"), *m, *big;

	CHECK(strlen(l) == DB_PWDB_LINE_MAX);
	CHECK(pw_nam(l, "u", &pw) == 1 && strlen(pw.gecos) == DB_PWDB_LINE_MAX - 1 - 14 &&
	      strcmp(pw.shell, "/s") == 0);
	free(l);
	/* one byte more: skipped, and the line after it is read from its start */
	l = long_line(DB_PWDB_LINE_MAX, "u");
	CHECK(pw_nam(l, "u", &pw) == 0);
	m = malloc(strlen(l) + 64);
	strcpy(m, l);
	strcat(m, "u:x:5:5:g:/h:/s\n");
	CHECK(pw_nam(m, "u", &pw) == 1 && pw.uid == 5);
	free(l);
	free(m);
	/* a 1 MB line holding what looks like entries: none of it counts */
	big = malloc(1 << 20);
	memset(big, 'a', (1 << 20) - 1);
	memcpy(big + 5000, ":u:x:6:6:g:/h:/s", 16);
	big[(1 << 20) - 2] = '\n';
	big[(1 << 20) - 1] = 0;
	CHECK(pw_nam(big, "u", &pw) == 0);
	free(big);
}

static void test_group(void)
{
	struct pwdb_gr gr;
	const char *f = file("root:x:0:\n"
	                     "wheel:x:10:root,bob\n"
	                     "users:x:100:\n"
	                     "wheel:x:11:dup\n"
	                     "bad:x:1x:bob\n"
	                     "three:x:12\n"
	                     "+nis:x:13:bob\n"
	                     "staff:*:50:a, bob ,,c\n");

	CHECK(pwdb_file_gr(f, "wheel", 0, &gr) == 1 && gr.gid == 10 &&
	      strcmp(gr.name, "wheel") == 0);
	CHECK(pwdb_file_gr(f, NULL, 100, &gr) == 1 && strcmp(gr.name, "users") == 0);
	CHECK(pwdb_file_gr(f, NULL, 11, &gr) == 1 && strcmp(gr.name, "wheel") == 0);
	CHECK(pwdb_file_gr(f, "bad", 0, &gr) == 0);
	CHECK(pwdb_file_gr(f, "three", 0, &gr) == 0);
	CHECK(pwdb_file_gr(f, NULL, 12, &gr) == 0);
	CHECK(pwdb_file_gr(f, "+nis", 0, &gr) == 0);
	CHECK(pwdb_file_gr(f, NULL, 13, &gr) == 0);
	CHECK(pwdb_file_gr(f, NULL, 7, &gr) == 0);
	CHECK(pwdb_file_gr("/nonexistent/group", "root", 0, &gr) == 0);
}

static void test_grouplist(void)
{
	gid_t g[8];
	const char *f = file("root:x:0:\n"
	                     "wheel:x:10:root,bob\n"
	                     "users:x:100:bob\n"
	                     "dupname:x:10:bob\n"    /* gid 10 again: once in the list */
	                     "bad:x:1x:bob\n"
	                     "three:x:12\n"
	                     "+nis:x:13:bob\n"
	                     "#com:x:14:bob\n"
	                     "staff:*:50:a, bob ,,c\n" /* " bob ": not bob (trailing blank) */
	                     "lead:*:51:a,  bob,c\n"   /* blanks before: bob (glibc) */
	                     "pre:x:52:bobby,bo,xbob\n"
	                     "cr:x:53:bob\r\n"          /* "bob\r" */
	                     "colon:x:54:bob:x\n"       /* "bob:x" */
	                     "last:x:55:a,bob");
	long n;

	n = pwdb_file_grouplist(f, "bob", 100, g, 8);
	CHECK(n == 4);
	CHECK(g[0] == 100 && g[1] == 10 && g[2] == 51 && g[3] == 55);
	n = pwdb_file_grouplist(f, "root", 0, g, 8);
	CHECK(n == 2 && g[0] == 0 && g[1] == 10);
	n = pwdb_file_grouplist(f, "nobody", 65534, g, 8);
	CHECK(n == 1 && g[0] == 65534);
	/* cut at max: the count says how many there are */
	n = pwdb_file_grouplist(f, "bob", 7, g, 2);
	CHECK(n == 5 && g[0] == 7 && g[1] == 10);
	CHECK(pwdb_file_grouplist(f, "bob", 7, g, 0) > 0); /* (repeats then uncaught) */
	/* no group file: the base group alone (glibc); another failure is an error */
	CHECK(pwdb_file_grouplist("/nonexistent/group", "bob", 9, g, 8) == 1 && g[0] == 9);
	CHECK(pwdb_file_grouplist(tmpdir, "bob", 9, g, 8) == -1);
}

/* 200,000 members (1.6 MB on one line), bob the last: found; nothing is kept of them. */
static void test_group_huge(void)
{
	size_t n = 200000, i, len = 0;
	char *t = malloc(n * 8 + 64);
	struct pwdb_gr gr;
	gid_t g[4];

	len += (size_t)sprintf(t, "big:x:77:");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(t + len, "u%06zu,", i);
	len += (size_t)sprintf(t + len, "bob\nafter:x:78:bob\n");
	CHECK(pwdb_file_grouplist(file_n(t, len), "bob", 1, g, 4) == 3 && g[1] == 77 &&
	      g[2] == 78);
	CHECK(pwdb_file_grouplist(path, "u123456", 1, g, 4) == 2 && g[1] == 77);
	CHECK(pwdb_file_gr(path, NULL, 78, &gr) == 1 && strcmp(gr.name, "after") == 0);
	free(t);
}

static void test_shadow(void)
{
	struct pwdb_sp sp;
	const char *f = file("root:*:19000:0:99999:7:::\n"
	                     "old:$6$a$b:19000:0:99999\n"         /* 5 fields: skipped */
	                     "extra:h:1:0:99999:7:::x:\n"         /* 10 */
	                     "neg:h:1:0:99999:7::-1:\n"
	                     "word:h:1:0:99999:7::x:\n"
	                     "cr:h:1:0:99999:7:::\r\n"
	                     "bob:$y$j9T$salt$hash:19000:0:99999:7::20000:\n"
	                     "bob:second:19000:0:99999:7:::\n"
	                     "+nis:h:1:0:99999:7:::\n"
	                     "last:!:1:::::123456789:");

	CHECK(pwdb_file_sp(f, "bob", &sp) == 1 && strcmp(sp.hash, "$y$j9T$salt$hash") == 0 &&
	      sp.expire == 20000 && strcmp(sp.name, "bob") == 0);
	pwdb_sp_wipe(&sp);
	CHECK(sp.hash == NULL && sp.line[0] == 0 && sp.line[10] == 0);
	CHECK(pwdb_file_sp(f, "root", &sp) == 1 && strcmp(sp.hash, "*") == 0 && sp.expire == -1);
	CHECK(pwdb_file_sp(f, "last", &sp) == 1 && strcmp(sp.hash, "!") == 0 &&
	      sp.expire == 123456789);
	CHECK(pwdb_file_sp(f, "old", &sp) == 0);
	CHECK(pwdb_file_sp(f, "extra", &sp) == 0);
	CHECK(pwdb_file_sp(f, "neg", &sp) == 0);
	CHECK(pwdb_file_sp(f, "word", &sp) == 0);
	CHECK(pwdb_file_sp(f, "cr", &sp) == 0);
	CHECK(pwdb_file_sp(f, "+nis", &sp) == 0);
	CHECK(pwdb_file_sp(f, "nobody", &sp) == 0);
	/* not found: the line buffer that saw other users' hashes is wiped */
	CHECK(memchr(sp.line, '$', sizeof(sp.line)) == NULL);
	CHECK(pwdb_file_sp(file("n:h:1:0:1234567890:7:::\n"), "n", &sp) == 0); /* 10 digits */
	pwdb_sp_wipe(&sp);
}

/* Lines both our rules and glibc's take or both refuse. */
static const char *const pw_lines[] = {
	"root:x:0:0:root:/root:/bin/bash",
	"bob:x:1000:100:Bob:/home/bob:/bin/sh",
	"bob:x:1001:101:dup:/home/bob2:/bin/sh",
	"carol:x:::g:/h:/s",
	"dave:x:12a:1:g:/h:/s",
	"erin:x:4294967296:1:g:/h:/s",
	"frank:x:-5:1:g:/h:/s",
	"#gina:x:5:5:g:/h:/s",
	"  hal:x:6:6:g:/h:/s",
	"ivy:x:7:7:g:/h:/s:more",
	"jo:x:8:8:g:/h:/bin/sh\r",
	"",
	"kim:x:9:9:g:/h:/s",
	"kim:x:10:10:g:/h:/s",
	"leo:x:11::g:/h:/s",
	"mo:x:123456789012:1:g:/h:/s",
};

static void test_glibc_passwd(void)
{
	static const char *const names[] = {"root", "bob", "carol", "dave", "erin", "frank",
	                                    "#gina", "hal", "ivy", "jo", "kim", "leo", "mo"};
	char text[2048] = "";
	struct pwdb_pw pw;
	struct passwd *p;
	size_t i, k;
	FILE *f;

	for (i = 0; i < sizeof(pw_lines) / sizeof(pw_lines[0]); i++) {
		strcat(text, pw_lines[i]);
		strcat(text, "\n");
	}
	file(text);
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		int ours = pwdb_file_pw(path, names[k], 0, &pw), theirs = 0;
		if (!(f = fopen(path, "r")))
			abort();
		while ((p = fgetpwent(f)))
			if (strcmp(p->pw_name, names[k]) == 0) {
				theirs = 1;
				break;
			}
		CHECK(ours == theirs);
		if (ours && theirs) {
			CHECK(pw.uid == p->pw_uid && pw.gid == p->pw_gid);
			CHECK(strcmp(pw.dir, p->pw_dir) == 0 && strcmp(pw.shell, p->pw_shell) == 0);
			CHECK(strcmp(pw.gecos, p->pw_gecos) == 0);
		}
		if (ours != theirs)
			fprintf(stderr, "  %s: ours %d, glibc %d\n", names[k], ours, theirs);
		fclose(f);
	}
	/* on purpose: glibc takes 6 fields (musl does not), (uid_t)-1, blanks and '+' in a
	 * number; we do not */
	CHECK(pw_nam("u:x:1:1:g:/h\n", "u", &pw) == 0);
	f = fopen(path, "r");
	CHECK(f && (p = fgetpwent(f)) && strcmp(p->pw_name, "u") == 0);
	fclose(f);
	CHECK(pw_nam("u:x: +1:1:g:/h:/s\n", "u", &pw) == 0);
	f = fopen(path, "r");
	CHECK(f && (p = fgetpwent(f)) && p->pw_uid == 1);
	fclose(f);
}

static void test_glibc_group(void)
{
	static const char *const users[] = {"root", "bob", "c", "a", "zed", "bo"};
	const char *text = "root:x:0:\n"
	                   "wheel:x:10:root,bob\n"
	                   "users:x:100:bob\n"
	                   "again:x:10:bob\n"
	                   "bad:x:1x:bob\n"
	                   "big:x:4294967296:bob\n"
	                   "sp:x:50:a, bob ,,c\n"
	                   "lead:x:51:  zed,a\n"
	                   "cr:x:53:bob\r\n"
	                   "#com:x:54:bob\n"
	                   "\n"
	                   "last:x:55:a,bo";
	gid_t ours[16], theirs[16];
	struct group *gr;
	size_t k, i, nt;
	long n;
	FILE *f;

	file(text);
	for (k = 0; k < sizeof(users) / sizeof(users[0]); k++) {
		/* getgrouplist's list from fgetgrent: base, then each new gid listing the user */
		theirs[0] = 1000;
		nt = 1;
		if (!(f = fopen(path, "r")))
			abort();
		while ((gr = fgetgrent(f))) {
			char **m;
			for (m = gr->gr_mem; *m && strcmp(*m, users[k]) != 0; m++)
				;
			if (!*m)
				continue;
			for (i = 0; i < nt && theirs[i] != gr->gr_gid; i++)
				;
			if (i == nt && nt < 16)
				theirs[nt++] = gr->gr_gid;
		}
		fclose(f);
		n = pwdb_file_grouplist(path, users[k], 1000, ours, 16);
		CHECK(n == (long)nt && memcmp(ours, theirs, nt * sizeof(gid_t)) == 0);
		if (n != (long)nt)
			fprintf(stderr, "  %s: ours %ld, glibc %zu\n", users[k], n, nt);
	}
}

static void test_glibc_shadow(void)
{
	static const char *const names[] = {"root", "bob", "w", "n", "e", "cr", "z"};
	const char *text = "root:*:19000:0:99999:7:::\n"
	                   "bob:$6$s$h:19000:0:99999:7::20000:\n"
	                   "bob:other:19000:0:99999:7:::\n"
	                   "w:h:1:0:99999:7::x:\n"
	                   "n:h:1:0:99999:7::-1:\n"
	                   "e:h:1:0:99999:7:::x:\n"
	                   "cr:h:1:0:99999:7:::\r\n"
	                   "z:h:::::::";
	struct pwdb_sp sp;
	struct spwd *s;
	size_t k;
	FILE *f;

	file(text);
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		int ours = pwdb_file_sp(path, names[k], &sp), theirs = 0;
		if (!(f = fopen(path, "r")))
			abort();
		while ((s = fgetspent(f)))
			if (strcmp(s->sp_namp, names[k]) == 0) {
				theirs = 1;
				break;
			}
		CHECK(ours == theirs);
		if (ours && theirs)
			CHECK(strcmp(sp.hash, s->sp_pwdp) == 0 && sp.expire == s->sp_expire);
		fclose(f);
		pwdb_sp_wipe(&sp);
	}
	/* on purpose: glibc takes the old 5-field form, musl and we do not */
	file("o:h:1:0:99999\n");
	CHECK(pwdb_file_sp(path, "o", &sp) == 0);
	f = fopen(path, "r");
	CHECK(f && (s = fgetspent(f)) && strcmp(s->sp_namp, "o") == 0);
	fclose(f);
}

/* This machine's own files, every entry: ours as glibc's fgetpwent and fgetgrent read
 * them; and the public lookups (the C library's in this build) agree for root. */
static void test_system_files(void)
{
	struct pwdb_pw pw;
	struct pwdb_gr gr;
	struct passwd *p;
	struct group *g;
	gid_t ours[64];
	int n = 0;
	FILE *f;

	if ((f = fopen("/etc/passwd", "r"))) {
		while ((p = fgetpwent(f))) {
			struct pwdb_pw first;
			if (p->pw_name[0] == '+' || p->pw_name[0] == '-' || !p->pw_name[0])
				continue;
			CHECK(pwdb_file_pw("/etc/passwd", p->pw_name, 0, &pw) == 1);
			/* a later entry of the same name loses (first match) */
			CHECK(pwdb_file_pw("/etc/passwd", NULL, pw.uid, &first) == 1);
			if (pw.uid != p->pw_uid)
				continue;
			CHECK(pw.gid == p->pw_gid && strcmp(pw.dir, p->pw_dir) == 0 &&
			      strcmp(pw.shell, p->pw_shell) == 0 && strcmp(pw.gecos, p->pw_gecos) == 0);
			n++;
		}
		fclose(f);
		CHECK(n > 0);
	}
	if ((f = fopen("/etc/group", "r"))) {
		while ((g = fgetgrent(f))) {
			if (g->gr_name[0] == '+' || g->gr_name[0] == '-' || !g->gr_name[0])
				continue;
			CHECK(pwdb_file_gr("/etc/group", g->gr_name, 0, &gr) == 1 && gr.gid == g->gr_gid);
		}
		fclose(f);
	}
	CHECK(pwdb_getpwnam("root", &pw) == 1 && pw.uid == 0 && strcmp(pw.name, "root") == 0);
	CHECK(pwdb_getpwuid(0, &pw) == 1 && strcmp(pw.name, "root") == 0);
	CHECK(pwdb_getgrgid(0, &gr) == 1 && gr.gid == 0);
	CHECK(pwdb_getgrnam(gr.name, &gr) == 1 && gr.gid == 0);
	CHECK(pwdb_grouplist("root", 0, ours, 64) >= 1 && ours[0] == 0);
	CHECK(pwdb_getpwnam("no such user 0x", &pw) == 0);
}

int main(void)
{
	char cmd[64];

	if (!mkdtemp(tmpdir))
		return 1;
	RUN(test_passwd_basic);
	RUN(test_passwd_malformed);
	RUN(test_passwd_long);
	RUN(test_group);
	RUN(test_grouplist);
	RUN(test_group_huge);
	RUN(test_shadow);
	RUN(test_glibc_passwd);
	RUN(test_glibc_group);
	RUN(test_glibc_shadow);
	RUN(test_system_files);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return harness_done("pwdb");
}
