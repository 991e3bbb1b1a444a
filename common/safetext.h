/* safetext.h: text from a peer made safe to print on a terminal (OpenSSH's utf8.c and
 * strnvis(VIS_SAFE) do the same job). A server's banner, keyboard-interactive prompts,
 * exit-signal messages and failure descriptions must not be able to send escape
 * sequences to the user's terminal: C0 controls, DEL, C1 controls (0x80..0x9f raw, or
 * U+0080..U+009F in UTF-8, which terminals also obey) and malformed UTF-8 become '?'. */
#ifndef SAFETEXT_H
#define SAFETEXT_H

#include <stddef.h>
#include <stdint.h>

#define SAFETEXT_NEWLINES 1u /* keep '\n' and '\t' ("\r\n" becomes "\n") */
#define SAFETEXT_UTF8 2u     /* keep well-formed UTF-8 of printable code points */

/* Writes a printable copy of the n bytes at in to out (outsz > 0): always
 * NUL-terminated, cut short rather than overflowing, never ending in part of a UTF-8
 * sequence. Returns the length written. */
size_t safetext(char *out, size_t outsz, const uint8_t *in, size_t n, unsigned flags);

/* SAFETEXT_UTF8 when the environment's locale (LC_ALL, else LC_CTYPE, else LANG) names
 * UTF-8, else 0: in another charset the bytes of a UTF-8 sequence may be C1 controls. */
unsigned safetext_locale_flags(void);

#endif
