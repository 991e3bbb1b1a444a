#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int harness_cur_failed;
static int passed, failed;

void harness_fail(const char *file, int line, const char *expr)
{
	fprintf(stderr, "  FAIL %s:%d: %s\n", file, line, expr);
	harness_cur_failed++;
}

void harness_run(const char *name, void (*fn)(void))
{
	harness_cur_failed = 0;
	fn();
	if (harness_cur_failed) {
		failed++;
		fprintf(stderr, "FAIL %s\n", name);
	} else {
		passed++;
		if (getenv("UNIT_VERBOSE"))
			fprintf(stderr, "ok   %s\n", name);
	}
}

int harness_done(const char *prog)
{
	const char *b = strrchr(prog, '/');
	printf("unit: %s %d passed, %d failed\n", b ? b + 1 : prog, passed, failed);
	return failed ? 1 : 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

size_t hex2bin(const char *hex, uint8_t *out, size_t outsz)
{
	size_t n = 0;
	while (*hex) {
		int hi, lo;
		if (*hex == ' ' || *hex == '\n') { hex++; continue; }
		hi = hexval(hex[0]);
		lo = hex[1] ? hexval(hex[1]) : -1;
		if (hi < 0 || lo < 0 || n >= outsz) {
			fprintf(stderr, "hex2bin: bad test vector\n");
			abort();
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
		hex += 2;
	}
	return n;
}

uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL;
	long sz;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		p = malloc((size_t)sz + 1);
		if (p && fread(p, 1, (size_t)sz, f) != (size_t)sz) {
			free(p);
			p = NULL;
		}
		*len = (size_t)sz;
	}
	fclose(f);
	return p;
}
