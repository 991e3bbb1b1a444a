/* fmt: our printf formatter against the C library's snprintf (glibc here) for the
 * conversions it supports, truncation at every size, and refusal of the rest. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "harness.h"

/* Both formatters on the same arguments, at full size and truncated at every size. */
/* Neither helper carries a format attribute: the odd formats below are the point. */
static int raw(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

static int same(const char *fmt, ...)
{
	char want[256], got[256];
	int wn, gn, ok = 1;
	size_t sz;
	va_list ap, aq;

	va_start(ap, fmt);
	va_copy(aq, ap);
	wn = vsnprintf(want, sizeof want, fmt, ap);
	va_end(ap);
	for (sz = 0; sz <= (size_t)wn + 1 && sz <= sizeof got; sz++) {
		va_list ar;
		memset(got, 'Z', sizeof got);
		va_copy(ar, aq);
		gn = fmt_vsnprintf(sz ? got : NULL, sz, fmt, ar);
		va_end(ar);
		if (gn != wn)
			ok = 0;
		if (sz && (strncmp(got, want, sz - 1) != 0 || got[sz - 1 < (size_t)wn ? sz - 1 : (size_t)wn] != '\0'))
			ok = 0;
		if (sz < sizeof got && got[sz] != 'Z') /* nothing written past size */
			ok = 0;
	}
	va_end(aq);
	if (!ok)
		fprintf(stderr, "fmt mismatch for \"%s\": want \"%s\" (%d)\n", fmt, want, wn);
	return ok;
}

static void test_strings_and_chars(void)
{
	CHECK(same("plain text"));
	CHECK(same(""));
	CHECK(same("%s", "abc"));
	CHECK(same("[%8s|%-8s]", "ab", "cd"));
	CHECK(same("[%.2s|%.*s|%.*s]", "abcdef", 3, "xyzzy", -1, "neg"));
	CHECK(same("%.64s %.200s", "short", "also short"));
	CHECK(same("%*s|%-*s|%*s", 5, "a", 4, "b", -6, "c"));
	CHECK(same("%c%c%3c%-3c|", 'a', 0x80 + 'b', 'c', 'd'));
	CHECK(same("100%% %s%%", "done"));
	CHECK(same("%s", ""));
}

static void test_integers(void)
{
	CHECK(same("%d %i %u", 0, -1, 4000000000u));
	CHECK(same("%d %d", INT_MIN, INT_MAX));
	CHECK(same("%02d:%02d:%02d %2d %3u", 1, 23, 0, 7, 42u));
	CHECK(same("%02x%02x %x %X %#x %#X %#x", 0xa, 0xff, 0xdeadbeefu, 0xabcu, 255u, 255u, 0u));
	CHECK(same("%o %#o %#o %#.3o %.0o %#.0o", 8u, 8u, 0u, 8u, 0u, 0u));
	CHECK(same("%lu %ld %llu %lld", ULONG_MAX, LONG_MIN, ULLONG_MAX, LLONG_MIN));
	CHECK(same("%8llu|%-8llu|%08lld", 12345ull, 6ull, -77ll));
	CHECK(same("%zu %zd %jd %ju %td", (size_t)-1, (ptrdiff_t)-5, INTMAX_MIN, UINTMAX_MAX,
		   (ptrdiff_t)12));
	CHECK(same("%hd %hu %hhd %hhu %hx", (short)-300, (unsigned short)65535, (signed char)-5,
		   (unsigned char)250, (unsigned short)0xbeef));
	CHECK(same("%+d % d %+d % d %+5d %-+5d|", 5, 5, -5, -5, 3, 3));
	CHECK(same("%.0d|%.0u|%5.0d|%.3d|%.3d|%08.3d|%-08d|", 0, 0u, 0, 7, -7, 5, 9));
	CHECK(same("%*d|%-*d|%*d|%.*d", 6, 1, 6, 2, -6, 3, 4, 4));
	CHECK(same("%p", (void *)0x1234));
}

static void test_refused(void)
{
	char buf[32];

	errno = 0;
	CHECK(raw(buf, sizeof buf, "x%n", (int *)NULL) == -1 && errno == EINVAL);
	CHECK(buf[0] == 'x' && buf[1] == '\0');
	CHECK(raw(buf, sizeof buf, "%f", 1.0) == -1 && errno == EINVAL);
	CHECK(raw(buf, sizeof buf, "%ls", (const wchar_t *)L"w") == -1);
	CHECK(raw(buf, sizeof buf, "%1$d", 1) == -1);
	CHECK(raw(buf, sizeof buf, "abc%") == -1);
	CHECK(raw(buf, sizeof buf, "%5%") == -1);
	/* widths beyond INT_MAX: an error, not a huge output */
	errno = 0;
	CHECK(raw(buf, sizeof buf, "%99999999999d", 1) == -1 && errno == EOVERFLOW);
	CHECK(raw(buf, sizeof buf, "%.99999999999d", 1) == -1 && errno == EOVERFLOW);
	CHECK(raw(buf, sizeof buf, "%*d", INT_MIN, 1) == -1 && errno == EOVERFLOW);
	/* an output past INT_MAX: counted without being stored, then refused */
	CHECK(raw(buf, sizeof buf, "%*d%*d", INT_MAX, 1, INT_MAX, 2) == -1 &&
	      errno == EOVERFLOW);
	CHECK(strlen(buf) == sizeof buf - 1);
	CHECK(raw(NULL, 0, "%s=%d", "ab", 12) == 5);
	CHECK(raw(buf, sizeof buf, "%s", (const char *)NULL) == 6 &&
	      strcmp(buf, "(null)") == 0);
}

/* fmt_parse_num / fmt_parse_whole: digits only, bounded, no sign, space or prefix. */
static int whole(const char *s, unsigned base, unsigned long long max, unsigned long long *v)
{
	*v = 12345;
	return fmt_parse_whole(s, base, max, v);
}

static void test_parse_num(void)
{
	unsigned long long v;
	const char *end;

	CHECK(whole("0", 10, 5, &v) == 0 && v == 0);
	CHECK(whole("65535", 10, 65535, &v) == 0 && v == 65535);
	CHECK(whole("0065535", 10, 65535, &v) == 0 && v == 65535);
	CHECK(whole("18446744073709551615", 10, ULLONG_MAX, &v) == 0 && v == ULLONG_MAX);
	CHECK(whole("777", 8, 0777, &v) == 0 && v == 0777);
	CHECK(whole("022", 8, 0777, &v) == 0 && v == 022);
	CHECK(whole("fFa0", 16, 0xffff, &v) == 0 && v == 0xffa0);
	CHECK(whole("2147483647", 10, INT_MAX, &v) == 0 && v == INT_MAX);
	/* refused, *out untouched */
	CHECK(whole("65536", 10, 65535, &v) == -1 && v == 12345);
	CHECK(whole("18446744073709551616", 10, ULLONG_MAX, &v) == -1);
	CHECK(whole("99999999999999999999999", 10, ULLONG_MAX, &v) == -1);
	CHECK(whole("2147483648", 10, INT_MAX, &v) == -1);
	CHECK(whole("5", 10, 4, &v) == -1);
	CHECK(whole("1", 10, 0, &v) == -1);
	CHECK(whole("0", 10, 0, &v) == 0 && v == 0);
	CHECK(whole("1000", 8, 0777, &v) == -1);
	CHECK(whole("8", 8, 0777, &v) == -1);
	CHECK(whole("a", 10, 100, &v) == -1);
	CHECK(whole("g", 16, 100, &v) == -1);
	CHECK(whole("", 10, 100, &v) == -1);
	CHECK(whole(" 1", 10, 100, &v) == -1);
	CHECK(whole("1 ", 10, 100, &v) == -1);
	CHECK(whole("+1", 10, 100, &v) == -1);
	CHECK(whole("-1", 10, ULLONG_MAX, &v) == -1);
	CHECK(whole("0x10", 16, 100, &v) == -1);
	CHECK(whole("1\n", 10, 100, &v) == -1);
	CHECK(whole("\x80" "1", 10, 100, &v) == -1);
	/* the prefix form: stops at the first non-digit */
	CHECK(fmt_parse_num("12,34", &end, 10, 100, &v) == 0 && v == 12 && *end == ',');
	CHECK(fmt_parse_num("7:", &end, 10, 100, &v) == 0 && v == 7 && end[0] == ':');
	CHECK(fmt_parse_num(",", &end, 10, 100, &v) == -1);
	CHECK(fmt_parse_num("123", NULL, 10, 1000, &v) == 0 && v == 123);
	/* every value near a bound, against the C library */
	for (unsigned long long m = 0; m < 300; m += 7)
		for (unsigned long long x = 0; x < 400; x++) {
			char buf[32];
			snprintf(buf, sizeof(buf), "%llu", x);
			int r = whole(buf, 10, m, &v);
			CHECK(x <= m ? r == 0 && v == x : r == -1);
			snprintf(buf, sizeof(buf), "%llo", x);
			r = whole(buf, 8, m, &v);
			CHECK(x <= m ? r == 0 && v == x : r == -1);
		}
}

int main(void)
{
	RUN(test_strings_and_chars);
	RUN(test_integers);
	RUN(test_refused);
	RUN(test_parse_num);
	return harness_done("test_fmt");
}
