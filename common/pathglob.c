/* pathglob.c: glob(7) patterns over the file system (see pathglob.h). */
#include "pathglob.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "options.h"

/* The bracket expression at *pp (just past its '['): 1 when c is in it, 0 when not, and
 * *pp moves past its ']'; -1 when it has no ']' (the '[' is then a literal). */
static int in_class(const char **pp, unsigned char c)
{
	const char *p = *pp;
	int neg = 0, in = 0;

	if (*p == '!' || *p == '^') {
		neg = 1;
		p++;
	}
	if (*p == ']') { /* a ']' first is a member */
		in = c == ']';
		p++;
	}
	for (; *p && *p != ']'; p++) {
		unsigned char lo = (unsigned char)*p, hi = lo;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hi = (unsigned char)p[2];
			p += 2;
		}
		if (lo <= c && c <= hi)
			in = 1;
	}
	if (!*p)
		return -1;
	*pp = p + 1;
	return in != neg;
}

int pathglob_match(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;

	/* a leading '.' is matched only by a '.' (glob(7)) */
	if (*s == '.' && *p != '.' && !(p[0] == '\\' && p[1] == '.'))
		return 0;
	while (*s) {
		const char *next;
		int ok;

		if (*p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (*p == '?') {
			ok = 1;
			next = p + 1;
		} else if (*p == '[' && (next = p + 1, (ok = in_class(&next, (unsigned char)*s)) >= 0)) {
			/* next is past the ']' */
		} else {
			if (*p == '\\' && p[1])
				p++;
			ok = *p && *p == *s;
			next = p + 1;
		}
		if (ok) {
			p = next;
			s++;
		} else if (star_p) { /* let the last '*' take one more character */
			p = star_p;
			s = ++star_s;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

static int has_wild(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] == '*' || p[i] == '?' || p[i] == '[')
			return 1;
	return 0;
}

static int add(struct pathglob *g, const char *path)
{
	char *d;

	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 8;
		char **v = realloc(g->v, cap * sizeof(*v));
		if (!v)
			return ERR_NOMEM;
		g->v = v;
		g->cap = cap;
	}
	if (!(d = strdup(path)))
		return ERR_NOMEM;
	g->v[g->n++] = d;
	return 0;
}

/* buf[0..len) is the path matched so far; pat the rest of the pattern. */
static int walk(struct pathglob *g, char *buf, size_t len, const char *pat)
{
	char comp[256];
	const char *end;
	size_t n, i;
	struct stat st;
	DIR *d;
	struct dirent *e;
	int r = 0;

	while (*pat == '/') {
		if (len + 1 >= DB_MAX_PATH)
			return 0;
		buf[len++] = '/';
		pat++;
	}
	buf[len] = 0;
	if (!*pat) /* the whole pattern matched: if the path exists */
		return lstat(buf, &st) == 0 ? add(g, buf) : 0;
	end = strchr(pat, '/');
	n = end ? (size_t)(end - pat) : strlen(pat);
	if (!has_wild(pat, n)) { /* a literal component, backslashes removed */
		for (i = 0; i < n; i++) {
			if (pat[i] == '\\' && i + 1 < n)
				i++;
			if (len + 1 >= DB_MAX_PATH)
				return 0;
			buf[len++] = pat[i];
		}
		return walk(g, buf, len, pat + n);
	}
	if (n >= sizeof(comp))
		return 0;
	memcpy(comp, pat, n);
	comp[n] = 0;
	if (!(d = opendir(len ? buf : ".")))
		return 0;
	while (r == 0 && (e = readdir(d))) {
		size_t el = strlen(e->d_name);
		if (!pathglob_match(comp, e->d_name) || len + el >= DB_MAX_PATH)
			continue;
		memcpy(buf + len, e->d_name, el);
		r = walk(g, buf, len + el, pat + n);
		buf[len] = 0;
	}
	closedir(d);
	return r;
}

int pathglob(const char *pattern, struct pathglob *g)
{
	char *buf = malloc(DB_MAX_PATH);
	size_t i, j;
	int r;

	if (!buf)
		return ERR_NOMEM;
	r = walk(g, buf, 0, pattern);
	free(buf);
	if (r) {
		pathglob_free(g);
		return r;
	}
	for (i = 1; i < g->n; i++) { /* sorted, as glob(3): few names, insertion sort */
		char *t = g->v[i];
		for (j = i; j > 0 && strcmp(g->v[j - 1], t) > 0; j--)
			g->v[j] = g->v[j - 1];
		g->v[j] = t;
	}
	return 0;
}

void pathglob_free(struct pathglob *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->v[i]);
	free(g->v);
	g->v = NULL;
	g->n = g->cap = 0;
}
