/* pathglob.h: glob(7) patterns over the file system, for ssh_config's Include, without
 * libc's glob(3): musl's pulls fnmatch(3) and with it the wide-character class and case
 * tables, 20 kB of the static binary for a few file names.
 *
 * '*' any run, '?' one character, '[...]' one of a set ('!' or '^' first negates, a-z
 * ranges, a ']' first is literal; an unterminated '[' is a literal '['), '\' makes the
 * next character literal. Wildcards never match a '/', nor a leading '.' of a name.
 * Wildcards may stand in any component. As glob(3) with no flags: only existing paths,
 * sorted (strcmp); none when nothing matches. */
#ifndef PATHGLOB_H
#define PATHGLOB_H

#include <stddef.h>

struct pathglob {
	char **v;   /* n matching paths, each malloc'd */
	size_t n, cap;
};

/* Fills g (all zero on entry) with the paths matching pattern: 0, or ERR_NOMEM (g is
 * then freed). Paths longer than DB_MAX_PATH and unreadable directories are skipped. */
int pathglob(const char *pattern, struct pathglob *g);
void pathglob_free(struct pathglob *g);
/* 1 when name (one path component) matches the component pattern pat. */
int pathglob_match(const char *pat, const char *name);

#endif
