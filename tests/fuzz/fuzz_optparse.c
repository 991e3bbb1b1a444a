/* fuzz_optparse: optparse_next (common/optparse.c) on arbitrary command lines, against
 * the C library's getopt with a "+:" spec. The input is NUL-separated: the spec (letters,
 * ':' after those taking a value; '+', '-', ':' and 'W' left out as getopt gives them
 * meanings of its own), then up to 16 arguments. Both must return the same letters,
 * values and errors and leave the same first operand. Inputs with bytes above 0x7f are
 * skipped: glibc's getopt returns such a letter as a negative (signed char) value, and
 * 0xff as -1, the end; ours returns it as unsigned ('?' for an unknown one, as the unit
 * test checks). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "optparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[1024], spec[40], full[48], *argv[18];
	size_t i, n = 0;
	int argc = 1, c, d;
	struct optparse o;
	char *p;

	if (size >= sizeof(buf))
		return 0;
	for (i = 0; i < size; i++)
		if (data[i] > 0x7f)
			return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	/* the spec: what getopt reads as plain letters */
	for (p = buf; *p && n < sizeof(spec) - 1; p++)
		if ((*p >= 'a' && *p <= 'z' && *p != 'W') || (*p >= 'A' && *p <= 'V') ||
		    (*p == ':' && n > 0 && spec[n - 1] != ':'))
			spec[n++] = *p;
	spec[n] = 0;
	p = buf + strlen(buf);
	argv[0] = "prog";
	while (p < buf + size && argc < 17) {
		argv[argc++] = ++p;
		p += strlen(p);
	}
	argv[argc] = NULL;

	snprintf(full, sizeof(full), "+:%s", spec);
	optparse_init(&o);
	optind = 0;
	opterr = 0;
	for (i = 0; i < 64; i++) {
		c = optparse_next(&o, argc, argv, spec);
		d = getopt(argc, argv, full);
		if (c != d)
			abort();
		if (c == -1)
			break;
		if (c == '?' || c == ':') {
			if (o.opt != optopt)
				abort();
		} else if ((o.arg == NULL) != (optarg == NULL) ||
		           (o.arg && strcmp(o.arg, optarg) != 0)) {
			abort();
		}
	}
	if (c == -1 && o.ind != optind)
		abort();
	return 0;
}
