/* optparse: optparse_next (common/optparse.c, getopt's stand-in for dropbearkey,
 * dropbearconvert and sftp-server) on fixed command lines, then against the C library's
 * getopt with a "+:" spec (stop at the first operand, ':' for a missing value) on
 * thousands of generated ones: the same letters, values, errors and first operand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "optparse.h"

/* Every result of one parse as text: "t=VALUE y ?z :f | 3" (the last: first operand). */
static const char *ours(int argc, char **argv, const char *spec)
{
	static char out[1024];
	struct optparse o;
	size_t n = 0;
	int c;

	optparse_init(&o);
	out[0] = 0;
	while ((c = optparse_next(&o, argc, argv, spec)) != -1 && n < sizeof(out) - 64) {
		if (c == '?' || c == ':')
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%c%c ", c, o.opt);
		else if (o.arg)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%c=%s ", c, o.arg);
		else
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%c ", c);
	}
	snprintf(out + n, sizeof(out) - n, "| %d", o.ind);
	return out;
}

static const char *libc(int argc, char **argv, const char *spec)
{
	static char out[1024];
	char full[64];
	size_t n = 0;
	int c;

	snprintf(full, sizeof(full), "+:%s", spec);
	optind = 0; /* glibc: start afresh */
	opterr = 0;
	out[0] = 0;
	while ((c = getopt(argc, argv, full)) != -1 && n < sizeof(out) - 64) {
		if (c == '?' || c == ':')
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%c%c ", c, optopt);
		else if (optarg)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%c=%s ", c, optarg);
		else
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%c ", c);
	}
	snprintf(out + n, sizeof(out) - n, "| %d", optind);
	return out;
}

#define ARGS(...) (char *[]){ "prog", __VA_ARGS__, NULL }
#define NARGS(...) (int)(sizeof((char *[]){ "prog", __VA_ARGS__ }) / sizeof(char *))
#define PARSE(spec, ...) ours(NARGS(__VA_ARGS__), ARGS(__VA_ARGS__), spec)

static void test_fixed(void)
{
	char *none[] = { "prog", NULL };
	CHECK(strcmp(ours(1, none, "t:y"), "| 1") == 0);
	CHECK(strcmp(ours(0, none, "t:y"), "| 1") == 0);
	CHECK(strcmp(PARSE("t:f:y", "-t", "rsa", "-fkey", "-y"), "t=rsa f=key y | 5") == 0);
	CHECK(strcmp(PARSE("t:f:y", "-ytrsa", "x"), "y t=rsa | 2") == 0);
	CHECK(strcmp(PARSE("t:f:y", "-yt", "rsa"), "y t=rsa | 3") == 0);
	/* a value may look like an option */
	CHECK(strcmp(PARSE("t:y", "-t", "-y"), "t=-y | 3") == 0);
	/* stops at the first operand, at "-" and after "--" */
	CHECK(strcmp(PARSE("t:y", "-y", "word", "-y"), "y | 2") == 0);
	CHECK(strcmp(PARSE("t:y", "-", "-y"), "| 1") == 0);
	CHECK(strcmp(PARSE("t:y", "--", "-y"), "| 2") == 0);
	CHECK(strcmp(PARSE("t:y", "", "-y"), "| 1") == 0);
	/* unknown letters, in a cluster too, and ':' itself */
	CHECK(strcmp(PARSE("t:y", "-z"), "?z | 2") == 0);
	CHECK(strcmp(PARSE("t:y", "-yzy"), "y ?z y | 2") == 0);
	CHECK(strcmp(PARSE("t:y", "-:"), "?: | 2") == 0);
	CHECK(strcmp(PARSE("t:y", "--x"), "?- ?x | 2") == 0);
	CHECK(strcmp(PARSE("t:y", "-\xff", "-y"), "?\xff y | 3") == 0); /* not the end */
	/* a missing value, alone and at the end of a cluster */
	CHECK(strcmp(PARSE("t:y", "-t"), ":t | 2") == 0);
	CHECK(strcmp(PARSE("t:y", "-yt"), "y :t | 2") == 0);
}

static void test_against_getopt(void)
{
	static char *tokens[] = { "-t", "-tx", "-y", "-yt", "-ytfoo", "-z", "--", "-", "foo",
	                          "-:", "--x", "-yz", "-f", "-fy", "", "-yyy", "-t-", "x-y" };
	static const char *specs[] = { "t:f:y", "y", "t:", "f:yt:", "ytf" };
	unsigned seed = 7, i;
	int bad = 0;

	for (i = 0; i < 20000; i++) {
		char *argv[10];
		int argc, k;
		const char *spec, *a;
		seed = seed * 1103515245u + 12345u;
		argc = 1 + (int)((seed >> 16) % 9);
		argv[0] = "prog";
		for (k = 1; k < argc; k++) {
			seed = seed * 1103515245u + 12345u;
			argv[k] = tokens[(seed >> 16) % (sizeof(tokens) / sizeof(tokens[0]))];
		}
		argv[argc] = NULL;
		spec = specs[i % (sizeof(specs) / sizeof(specs[0]))];
		a = ours(argc, argv, spec);
		if (strcmp(a, libc(argc, argv, spec)) != 0 && bad++ < 5) {
			fprintf(stderr, "  spec %s:", spec);
			for (k = 1; k < argc; k++)
				fprintf(stderr, " '%s'", argv[k]);
			fprintf(stderr, ": ours \"%s\", getopt \"%s\"\n", a, libc(argc, argv, spec));
		}
	}
	CHECK(bad == 0);
}

int main(void)
{
	RUN(test_fixed);
	RUN(test_against_getopt);
	return harness_done("optparse");
}
