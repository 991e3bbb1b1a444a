/* fuzz_pwdb: our passwd(5), group(5) and shadow(5) readers (common/pwdb.c) on arbitrary
 * file contents, read as all three. Nothing may read or write past the line buffers; an
 * entry found must be the one asked for (its name or id), with every field present, no
 * field holding '\n' or NUL, the fields before passwd's shell and a shadow hash holding
 * no ':', and no id of (uid_t)-1; a group list starts with the base gid, holds each gid
 * once, and counts at least what it stored. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pwdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fd = -1;
static char path[64];

static void check_str(const char *s, const char *line, size_t cap, int colon_ok)
{
	if (!s || s < line || s >= line + cap || strchr(s, '\n') || (!colon_ok && strchr(s, ':')))
		abort();
}

static void check_pw(const struct pwdb_pw *pw, const char *name, uid_t uid)
{
	size_t cap = sizeof(pw->line);

	check_str(pw->name, pw->line, cap, 0);
	check_str(pw->passwd, pw->line, cap, 0);
	check_str(pw->gecos, pw->line, cap, 0);
	check_str(pw->dir, pw->line, cap, 0);
	check_str(pw->shell, pw->line, cap, 1);
	if (name ? strcmp(pw->name, name) != 0 : pw->uid != uid)
		abort();
	if (!*pw->name || *pw->name == '+' || *pw->name == '-' || *pw->name == '#' ||
	    pw->uid == (uid_t)-1 || pw->gid == (gid_t)-1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"root", "bob", "u", "a"};
	struct pwdb_pw pw;
	struct pwdb_gr gr;
	struct pwdb_sp sp;
	gid_t g[8];
	long n;
	size_t i, j, k;

	if (size > 65536)
		return 0;
	if (fd < 0) {
		if ((fd = memfd_create("pwdb", 0)) < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (pwdb_file_pw(path, names[k], 0, &pw)) {
			check_pw(&pw, names[k], 0);
			/* by its uid: found too (maybe an earlier entry of that uid) */
			if (!pwdb_file_pw(path, NULL, pw.uid, &pw))
				abort();
			check_pw(&pw, NULL, pw.uid);
		}
		if (pwdb_file_gr(path, names[k], 0, &gr)) {
			check_str(gr.name, gr.line, sizeof(gr.line), 0);
			if (strcmp(gr.name, names[k]) != 0 || gr.gid == (gid_t)-1 ||
			    !pwdb_file_gr(path, NULL, gr.gid, &gr))
				abort();
		}
		if (pwdb_file_sp(path, names[k], &sp)) {
			check_str(sp.hash, sp.line, sizeof(sp.line), 0);
			if (strcmp(sp.name, names[k]) != 0 || sp.expire < -1)
				abort();
		}
		pwdb_sp_wipe(&sp);
		n = pwdb_file_grouplist(path, names[k], 4242, g, 8);
		if (n < 1 || g[0] != 4242)
			abort();
		for (i = 0; i < (size_t)n && i < 8; i++)
			for (j = i + 1; j < (size_t)n && j < 8; j++)
				if (g[i] == g[j])
					abort();
	}
	for (i = 0; i < 3; i++) {
		static const uid_t ids[] = {0, 1000, 4294967294u};
		if (pwdb_file_pw(path, NULL, ids[i], &pw))
			check_pw(&pw, NULL, ids[i]);
		if (pwdb_file_gr(path, NULL, (gid_t)ids[i], &gr) && gr.gid != (gid_t)ids[i])
			abort();
	}
	return 0;
}
