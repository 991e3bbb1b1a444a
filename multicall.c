/* multicall.c: one binary, five faces, chosen by the basename of argv[0] or, when called
 * as dropbearmulti, by argv[1]. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "faces.h"
#include "options.h"

/* A face not linked in yet is a null weak symbol. */
#pragma weak server_main
#pragma weak client_main
#pragma weak keygen_main
#pragma weak convert_main
#pragma weak sftp_server_main

static const struct {
	const char *name;
	int (*main)(int, char **);
} faces[] = {
	{ "dropbear", server_main },
	{ "dbclient", client_main },
	{ "ssh", client_main },
	{ "dropbearkey", keygen_main },
	{ "dropbearconvert", convert_main },
#if DB_SFTP_BUILTIN
	{ "sftp-server", sftp_server_main },
#endif
};

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int run(const char *name, int argc, char **argv)
{
	size_t i;
	for (i = 0; i < sizeof(faces) / sizeof(faces[0]); i++) {
		if (strcmp(name, faces[i].name) != 0)
			continue;
		if (!faces[i].main) {
			dprintf(STDERR_FILENO, "%s: not built into this binary yet\n", name);
			return 1;
		}
		return faces[i].main(argc, argv);
	}
	return -1;
}

int main(int argc, char **argv)
{
	const char *name = argc > 0 && argv[0] ? base(argv[0]) : "dropbearmulti";
	int r = run(name, argc, argv);
	size_t i;

	if (r >= 0)
		return r;
	if (argc > 1 && (r = run(base(argv[1]), argc - 1, argv + 1)) >= 0)
		return r;
	dprintf(STDERR_FILENO, "dropbearmulti: unknown name '%s'; this binary answers to:",
		argc > 1 && strcmp(name, "dropbearmulti") == 0 ? argv[1] : name);
	for (i = 0; i < sizeof(faces) / sizeof(faces[0]); i++)
		dprintf(STDERR_FILENO, " %s", faces[i].name);
	dprintf(STDERR_FILENO, "\n");
	return 1;
}
