/* pathglob: the component matcher, and whole patterns over a scratch directory tree
 * (sorted results, wildcards in a directory component, hidden names, no match). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "pathglob.h"

static void test_match(void)
{
	CHECK(pathglob_match("*", "a"));
	CHECK(pathglob_match("*", ""));
	CHECK(!pathglob_match("*", ".hidden"));
	CHECK(pathglob_match(".*", ".hidden"));
	CHECK(pathglob_match("\\.h*", ".hidden"));
	CHECK(pathglob_match("*.conf", "x.conf"));
	CHECK(!pathglob_match("*.conf", "x.conf~"));
	CHECK(pathglob_match("a*b*c", "aXXbYYbc"));
	CHECK(!pathglob_match("a*b*c", "aXXbYYb"));
	CHECK(pathglob_match("?.c", "x.c"));
	CHECK(!pathglob_match("?.c", "xy.c"));
	CHECK(pathglob_match("[a-c]1", "b1"));
	CHECK(!pathglob_match("[a-c]1", "d1"));
	CHECK(pathglob_match("[!a-c]1", "d1"));
	CHECK(pathglob_match("[^a-c]1", "d1"));
	CHECK(!pathglob_match("[!a-c]1", "a1"));
	CHECK(pathglob_match("[]x]", "]"));
	CHECK(pathglob_match("[x-]", "-"));
	CHECK(pathglob_match("[ab", "[ab"));   /* unterminated: a literal '[' */
	CHECK(!pathglob_match("[ab", "a"));
	CHECK(pathglob_match("\\*", "*"));
	CHECK(!pathglob_match("\\*", "x"));
	CHECK(pathglob_match("Case", "Case"));
	CHECK(!pathglob_match("case", "Case")); /* file names: case matters */
	CHECK(pathglob_match("**x", "abx"));
}

static char dir[] = "/tmp/test_pathglob.XXXXXX";

static void touch(const char *rel)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "w");
	if (f)
		fclose(f);
}

static void sub(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	mkdir(p, 0700);
}

static int names(const char *pat, const char *want)
{
	char p[512], got[1024] = "";
	struct pathglob g = {0};
	size_t i, dl = strlen(dir) + 1;

	snprintf(p, sizeof(p), "%s/%s", dir, pat);
	if (pathglob(p, &g) != 0)
		return 0;
	for (i = 0; i < g.n; i++) {
		if (strncmp(g.v[i], dir, dl - 1) != 0 || g.v[i][dl - 1] != '/')
			return 0;
		if (i)
			strcat(got, " ");
		strcat(got, g.v[i] + dl);
	}
	pathglob_free(&g);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "pattern %s: got '%s', want '%s'\n", pat, got, want);
	return strcmp(got, want) == 0;
}

static void test_tree(void)
{
	CHECK(mkdtemp(dir) != NULL);
	sub("conf.d");
	sub("a");
	sub("a.b");
	touch("conf.d/20-b.conf");
	touch("conf.d/10-a.conf");
	touch("conf.d/.hidden.conf");
	touch("conf.d/notes.txt");
	touch("a/x");
	touch("a.b/y");
	CHECK(names("conf.d/*.conf", "conf.d/10-a.conf conf.d/20-b.conf"));
	CHECK(names("conf.d/*", "conf.d/10-a.conf conf.d/20-b.conf conf.d/notes.txt"));
	CHECK(names("conf.d/.*.conf", "conf.d/.hidden.conf"));
	CHECK(names("conf.d/1?-*", "conf.d/10-a.conf"));
	CHECK(names("conf.d/none*", ""));
	CHECK(names("conf.d/10-a.conf", "conf.d/10-a.conf")); /* literal, exists */
	CHECK(names("conf.d/missing", ""));                   /* literal, does not */
	CHECK(names("a*/*", "a.b/y a/x"));                    /* sorted as whole paths */
	CHECK(names("*/x", "a/x"));
	CHECK(names("nodir*/x", ""));
	CHECK(names("conf.d//10*", "conf.d//10-a.conf"));
	{
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		CHECK(system(cmd) == 0);
	}
}

int main(void)
{
	RUN(test_match);
	RUN(test_tree);
	return harness_done("test_pathglob");
}
