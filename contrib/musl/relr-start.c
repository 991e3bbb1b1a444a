/* contrib/musl/relr-start.c: the static-pie's entry point when its relative relocations
 * are packed (ld -z pack-relative-relocs, DT_RELR). Linked into the static builds only
 * (the Makefile's static block: -Wl,-e,db_relr_start).
 *
 * A static-pie relocates itself: musl's rcrt1.o (_start -> _dlstart_c) adds the load
 * address to every R_X86_64_RELATIVE entry of DT_RELA, 24 bytes per pointer in the file
 * (the binary's string, function and algorithm tables: ~670 of them). musl 1.2.3 does not
 * read DT_RELR, where ld writes the same relocations as a bitmap, 8 bytes per 63 words.
 * So this entry point applies DT_RELR first and then enters musl's _start with the stack
 * the kernel gave: musl relocates what DT_RELA still holds (normally nothing) and goes
 * on as always. ASLR is unchanged (the kernel picks the base; we only apply it).
 *
 * It runs before anything is set up: no TLS (so no stack protector, whose canary is read
 * from %fs), no relocated pointers, no libc. Everything it touches is reached
 * PC-relative: the ELF header (__ehdr_start, at link address 0 in a PIE: its run-time
 * address is the load base) and the dynamic section (_DYNAMIC). After applying, it sets
 * DT_RELRSZ to 0 so that a C library that does read DT_RELR (musl 1.2.4 and later) finds
 * nothing left to add: no pointer is relocated twice. */
#include <stddef.h>
#include <stdint.h>

#include "relr.h"

#define DT_NULL    0
#define DT_RELRSZ  35
#define DT_RELR    36

extern const char __ehdr_start[] __attribute__((visibility("hidden")));
extern uintptr_t _DYNAMIC[] __attribute__((visibility("hidden")));

void db_relr_apply(void);

/* Entry: keep the kernel's stack pointer (argc, argv, envp, auxv) across the call. */
__asm__(
	".section .text.db_relr_start,\"ax\",@progbits\n"
	".globl db_relr_start\n"
	".type db_relr_start,@function\n"
	"db_relr_start:\n"
	"	xor %ebp,%ebp\n"
	"	mov %rsp,%r12\n"
	"	and $-16,%rsp\n"
	"	call db_relr_apply\n"
	"	mov %r12,%rsp\n"
	"	xor %edx,%edx\n"
	"	jmp _start\n"
	".size db_relr_start,.-db_relr_start\n"
	".text\n");

__attribute__((used, no_stack_protector))
void db_relr_apply(void)
{
	uintptr_t base = (uintptr_t)__ehdr_start;
	uintptr_t *dyn = _DYNAMIC, *relr = 0, *sizep = 0;

	for (; dyn[0] != DT_NULL; dyn += 2) {
		if (dyn[0] == DT_RELR)
			relr = (uintptr_t *)(base + dyn[1]);
		else if (dyn[0] == DT_RELRSZ)
			sizep = &dyn[1];
	}
	if (!relr || !sizep)
		return;
	relr_apply(base, relr, *sizep);
	*sizep = 0;
}
