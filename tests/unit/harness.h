/* harness.h: a minimal unit-test harness. A test is a void function; CHECK records a
 * failure (file:line and the expression) and lets the test go on. RUN(fn) counts the
 * test as passed when no CHECK failed inside it. harness_done() prints the per-program
 * summary "unit: NAME P passed, F failed" and returns the exit status. */
#ifndef HARNESS_H
#define HARNESS_H

#include <stddef.h>
#include <stdint.h>

extern int harness_cur_failed;
void harness_fail(const char *file, int line, const char *expr);
void harness_run(const char *name, void (*fn)(void));
int harness_done(const char *prog);

#define CHECK(e) do { if (!(e)) harness_fail(__FILE__, __LINE__, #e); } while (0)
#define CHECK_OK(e) do { int r_ = (e); if (r_ != 0) harness_fail(__FILE__, __LINE__, #e " != 0"); } while (0)
#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)
#define RUN(fn) harness_run(#fn, fn)

/* Decodes hex text into out (at most outsz bytes); returns the byte count. Aborts on
 * malformed hex (a bug in the test itself). */
size_t hex2bin(const char *hex, uint8_t *out, size_t outsz);
/* Reads a whole file into a malloc'd buffer; NULL on error. */
uint8_t *read_file(const char *path, size_t *len);

#endif
