/* Log lines carry peer-supplied text: they must reach stderr as one line with no
 * terminal control sequences (C0, DEL, C1 raw or as UTF-8). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "log.h"

static char captured[2048];

static void capture(const char *fmt, const char *arg)
{
	int p[2], saved = dup(2);
	ssize_t n;

	CHECK_OK(pipe(p));
	dup2(p[1], 2);
	log_msg(LOG_INFO, fmt, arg);
	dup2(saved, 2);
	close(saved);
	close(p[1]);
	n = read(p[0], captured, sizeof(captured) - 1);
	captured[n > 0 ? n : 0] = 0;
	close(p[0]);
}

static void test_controls_replaced(void)
{
	unsetenv("LC_ALL");
	unsetenv("LC_CTYPE");
	setenv("LANG", "C", 1);
	log_init("t", LOG_TO_STDERR);
	capture("peer said '%s'", "a\x1b[2Jb\x9b" "31mc\xc2\x9b" "d\ne\x7f");
	CHECK(strcmp(captured, "t: peer said 'a?[2Jb?31mc??d?e?'\n") == 0);
}

static void test_utf8_kept_in_utf8_locale(void)
{
	setenv("LC_ALL", "C.UTF-8", 1);
	log_init("t", LOG_TO_STDERR);
	capture("user '%s'", "J\xc3\xb6rg\xc2\x9b");
	/* the name survives; the C1 control (U+009B as UTF-8) does not */
	CHECK(strncmp(captured, "t: user 'J\xc3\xb6rg?", sizeof("t: user 'J\xc3\xb6rg?") - 1) == 0);
	CHECK(strstr(captured, "\xc2\x9b") == NULL);
	CHECK(strchr(captured, '\n') == captured + strlen(captured) - 1);
	unsetenv("LC_ALL");
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(test_controls_replaced);
	RUN(test_utf8_kept_in_utf8_locale);
	return harness_done(argv[0]);
}
