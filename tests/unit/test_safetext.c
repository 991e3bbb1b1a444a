/* safetext: peer text made safe for a terminal; escapes, C1 controls and malformed
 * UTF-8 never get through, whatever the input. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "safetext.h"

static const char *st(const char *in, size_t n, unsigned flags)
{
	static char out[256];
	safetext(out, sizeof(out), (const uint8_t *)in, n, flags);
	return out;
}

static void test_ascii_and_controls(void)
{
	CHECK(strcmp(st("hello world", 11, 0), "hello world") == 0);
	CHECK(strcmp(st("\x1b[2J\x07x", 6, 0), "?[2J?x") == 0);
	CHECK(strcmp(st("a\nb\tc", 5, 0), "a?b?c") == 0);
	CHECK(strcmp(st("a\nb\tc", 5, SAFETEXT_NEWLINES), "a\nb\tc") == 0);
	CHECK(strcmp(st("a\r\nb\rc", 6, SAFETEXT_NEWLINES), "a\nb?c") == 0);
	CHECK(strcmp(st("a\x7f" "b", 3, SAFETEXT_NEWLINES), "a?b") == 0);
	CHECK(strcmp(st("a\0b", 3, 0), "a?b") == 0);
}

static void test_c1_and_utf8(void)
{
	/* raw C1 CSI, and CSI as UTF-8 (U+009B): both refused, in either mode */
	CHECK(strcmp(st("\x9b" "31m", 4, SAFETEXT_UTF8), "?31m") == 0);
	CHECK(strcmp(st("\xc2\x9b" "31m", 5, SAFETEXT_UTF8), "??31m") == 0);
	CHECK(strcmp(st("\xc2\x9b", 2, 0), "??") == 0);
	/* printable UTF-8 kept only when the terminal speaks it */
	CHECK(strcmp(st("caf\xc3\xa9", 5, SAFETEXT_UTF8), "caf\xc3\xa9") == 0);
	CHECK(strcmp(st("caf\xc3\xa9", 5, 0), "caf??") == 0);
	CHECK(strcmp(st("\xe2\x82\xac", 3, SAFETEXT_UTF8), "\xe2\x82\xac") == 0);
	CHECK(strcmp(st("\xf0\x9f\x98\x80", 4, SAFETEXT_UTF8), "\xf0\x9f\x98\x80") == 0);
	/* overlong, surrogate, beyond U+10FFFF, truncated, stray continuation */
	CHECK(strcmp(st("\xc0\x9b", 2, SAFETEXT_UTF8), "??") == 0);
	CHECK(strcmp(st("\xe0\x82\x9b", 3, SAFETEXT_UTF8), "???") == 0);
	CHECK(strcmp(st("\xed\xa0\x80", 3, SAFETEXT_UTF8), "???") == 0);
	CHECK(strcmp(st("\xf4\x90\x80\x80", 4, SAFETEXT_UTF8), "????") == 0);
	CHECK(strcmp(st("\xe2\x82", 2, SAFETEXT_UTF8), "??") == 0);
	CHECK(strcmp(st("\x80x", 2, SAFETEXT_UTF8), "?x") == 0);
}

static void test_bounds(void)
{
	char out[4];
	size_t n;

	n = safetext(out, sizeof(out), (const uint8_t *)"abcdef", 6, 0);
	CHECK(n == 3 && strcmp(out, "abc") == 0);
	/* a sequence that does not fit is left out whole */
	n = safetext(out, sizeof(out), (const uint8_t *)"ab\xe2\x82\xac", 5, SAFETEXT_UTF8);
	CHECK(n == 2 && strcmp(out, "ab") == 0);
	n = safetext(out, 1, (const uint8_t *)"abc", 3, 0);
	CHECK(n == 0 && out[0] == 0);
	CHECK(safetext(out, 0, (const uint8_t *)"abc", 3, 0) == 0);
}

static void test_random(void)
{
	uint8_t in[64];
	char out[80];
	uint32_t seed = 7;
	int t;

	for (t = 0; t < 20000; t++) {
		size_t i, n = seed % sizeof(in), o;
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (uint8_t)(seed >> 16);
		}
		o = safetext(out, sizeof(out), in, n, SAFETEXT_UTF8 | SAFETEXT_NEWLINES);
		CHECK(o < sizeof(out) && out[o] == 0);
		for (i = 0; i < o; i++) {
			uint8_t ch = (uint8_t)out[i];
			CHECK(ch == '\n' || ch == '\t' || (ch >= 0x20 && ch != 0x7f));
			/* no C1 control, raw or as UTF-8 */
			CHECK(!(ch >= 0x80 && ch < 0xa0 && (i == 0 || (uint8_t)out[i - 1] == 0xc2) &&
			        !(i > 0 && (uint8_t)out[i - 1] >= 0xe0)));
		}
		seed = seed * 1103515245u + 12345u;
	}
}

static void test_locale(void)
{
	setenv("LC_ALL", "en_US.UTF-8", 1);
	CHECK(safetext_locale_flags() == SAFETEXT_UTF8);
	setenv("LC_ALL", "C.utf8", 1);
	CHECK(safetext_locale_flags() == SAFETEXT_UTF8);
	setenv("LC_ALL", "de_DE.ISO-8859-1", 1);
	setenv("LANG", "en_US.UTF-8", 1);
	CHECK(safetext_locale_flags() == 0); /* LC_ALL wins */
	unsetenv("LC_ALL");
	unsetenv("LC_CTYPE");
	CHECK(safetext_locale_flags() == SAFETEXT_UTF8);
	setenv("LANG", "C", 1);
	CHECK(safetext_locale_flags() == 0);
}

int main(void)
{
	RUN(test_ascii_and_controls);
	RUN(test_c1_and_utf8);
	RUN(test_bounds);
	RUN(test_random);
	RUN(test_locale);
	return harness_done("test_safetext");
}
