/* contrib/musl/relr.h: applying packed relative relocations (DT_RELR, the format of
 * ld -z pack-relative-relocs and of the generic ABI's SHT_RELR): a list of words, each
 * either an even address (relative to the load base) of a word that gets the base added,
 * or an odd bitmap for the 63 words after the last one handled (bit i+1 set: word i gets
 * the base added). Used by contrib/musl/relr-start.c before anything else runs (so: no
 * calls, no stack protector), and by tests/unit/test_relr.c. */
#ifndef RELR_H
#define RELR_H
#include <stddef.h>
#include <stdint.h>

__attribute__((no_stack_protector, optimize("no-tree-loop-distribute-patterns")))
static inline void relr_apply(uintptr_t base, const uintptr_t *relr, size_t bytes)
{
	const uintptr_t *end = relr + bytes / sizeof *relr;
	uintptr_t *where = 0;

	for (; relr < end; relr++) {
		uintptr_t e = *relr;
		if (!(e & 1)) {
			where = (uintptr_t *)(base + e);
			*where++ += base;
			continue;
		}
		for (uintptr_t *w = where; (e >>= 1) != 0; w++)
			if (e & 1)
				*w += base;
		where += 8 * sizeof *where - 1;
	}
}
#endif
