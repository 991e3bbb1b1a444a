/* fmt.c: the printf formatter fmt.h describes, and (DB_OWN_PRINTF) the C library's
 * printf family over it. No floating point: nothing in the suite prints a float. */
#include "fmt.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "options.h"

struct fmt_out {
	char *buf;
	size_t cap; /* bytes we may store, the terminating NUL excluded */
	size_t len; /* bytes the whole output has so far (stored or not) */
};

static void put(struct fmt_out *o, const char *p, size_t n)
{
	if (o->len < o->cap) {
		size_t k = o->cap - o->len < n ? o->cap - o->len : n;
		memcpy(o->buf + o->len, p, k);
	}
	o->len += n;
}

static void pad(struct fmt_out *o, char c, size_t n)
{
	char run[16];

	memset(run, c, sizeof run);
	while (n) {
		size_t k = n < sizeof run ? n : sizeof run;
		put(o, run, k);
		n -= k;
	}
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };
enum { L_NONE, L_HH, L_H, L_L, L_LL, L_Z, L_J, L_T };

/* Digits of v in base (8, 10, 16) with the usual sign/prefix, precision and width. */
static void put_int(struct fmt_out *o, uintmax_t v, int neg, int base, int upper, int flags,
		    size_t width, long prec)
{
	const char *digs = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[3 * sizeof(uintmax_t)], pre[2];
	size_t nd = 0, np = 0, zeros = 0, body;
	uintmax_t x = v;

	while (x) {
		tmp[sizeof tmp - ++nd] = digs[x % (unsigned)base];
		x /= (unsigned)base;
	}
	if (neg)
		pre[np++] = '-';
	else if (flags & F_PLUS)
		pre[np++] = '+';
	else if (flags & F_SPACE)
		pre[np++] = ' ';
	if ((flags & F_ALT) && base == 16 && v) {
		pre[np++] = '0';
		pre[np++] = upper ? 'X' : 'x';
	}
	if (prec < 0) {
		prec = 1; /* one digit at least: 0 prints "0" */
	} else {
		flags &= ~F_ZERO; /* C11 7.21.6.1: a precision ignores the 0 flag */
	}
	if ((size_t)prec > nd)
		zeros = (size_t)prec - nd;
	/* "%#o": the first digit is 0 (C11 7.21.6.1 "#") */
	if ((flags & F_ALT) && base == 8 && !zeros && (nd == 0 || tmp[sizeof tmp - nd] != '0'))
		zeros = 1;
	body = np + zeros + nd;
	if ((flags & F_ZERO) && !(flags & F_LEFT) && width > body) {
		zeros += width - body;
		body = width;
	}
	if (!(flags & F_LEFT) && width > body)
		pad(o, ' ', width - body);
	put(o, pre, np);
	pad(o, '0', zeros);
	put(o, tmp + sizeof tmp - nd, nd);
	if ((flags & F_LEFT) && width > body)
		pad(o, ' ', width - body);
}

/* A decimal field of a conversion specification, at most INT_MAX; -1 beyond. */
static long get_num(const char **pp)
{
	const char *p = *pp;
	long n = 0;

	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (*p++ - '0');
		if (n > INT_MAX)
			return -1;
	}
	*pp = p;
	return n;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, size ? size - 1 : 0, 0 };
	const char *p = fmt;
	int err = 0;

	for (;;) {
		const char *lit = p;
		int flags = 0, lenmod = L_NONE, base = 10, upper = 0;
		size_t width = 0;
		long prec = -1, w;
		uintmax_t u;
		intmax_t s;

		while (*p && *p != '%')
			p++;
		put(&o, lit, (size_t)(p - lit));
		if (!*p)
			break;
		p++;
		for (;; p++) {
			if (*p == '-')
				flags |= F_LEFT;
			else if (*p == '0')
				flags |= F_ZERO;
			else if (*p == '+')
				flags |= F_PLUS;
			else if (*p == ' ')
				flags |= F_SPACE;
			else if (*p == '#')
				flags |= F_ALT;
			else
				break;
		}
		if (*p == '*') {
			int a = va_arg(ap, int);
			p++;
			if (a < 0) {
				flags |= F_LEFT; /* a negative width is the - flag (C11 7.21.6.1) */
				w = a == INT_MIN ? -1 : -(long)a;
			} else {
				w = a;
			}
		} else {
			w = get_num(&p);
		}
		if (w < 0) {
			err = EOVERFLOW;
			break;
		}
		width = (size_t)w;
		if (*p == '.') {
			p++;
			if (*p == '*') {
				int a = va_arg(ap, int);
				p++;
				prec = a < 0 ? -1 : a; /* negative: as if none was given */
			} else if ((prec = get_num(&p)) < 0) {
				err = EOVERFLOW;
				break;
			}
		}
		switch (*p) {
		case 'h': lenmod = p[1] == 'h' ? L_HH : L_H; break;
		case 'l': lenmod = p[1] == 'l' ? L_LL : L_L; break;
		case 'z': lenmod = L_Z; break;
		case 'j': lenmod = L_J; break;
		case 't': lenmod = L_T; break;
		}
		if (lenmod != L_NONE)
			p += (lenmod == L_HH || lenmod == L_LL) ? 2 : 1;
		if (flags & F_LEFT)
			flags &= ~F_ZERO;
		switch (*p++) {
		case 'd':
		case 'i':
			switch (lenmod) {
			case L_HH: s = (signed char)va_arg(ap, int); break;
			case L_H: s = (short)va_arg(ap, int); break;
			case L_L: s = va_arg(ap, long); break;
			case L_LL: s = va_arg(ap, long long); break;
			case L_Z: s = va_arg(ap, ptrdiff_t); break; /* size_t's signed type */
			case L_J: s = va_arg(ap, intmax_t); break;
			case L_T: s = va_arg(ap, ptrdiff_t); break;
			default: s = va_arg(ap, int); break;
			}
			u = s < 0 ? -(uintmax_t)s : (uintmax_t)s;
			put_int(&o, u, s < 0, 10, 0, flags, width, prec);
			break;
		case 'X':
			upper = 1;
			/* fall through */
		case 'x':
			base = 16;
			goto unsig;
		case 'o':
			base = 8;
			/* fall through */
		case 'u':
		unsig:
			switch (lenmod) {
			case L_HH: u = (unsigned char)va_arg(ap, unsigned); break;
			case L_H: u = (unsigned short)va_arg(ap, unsigned); break;
			case L_L: u = va_arg(ap, unsigned long); break;
			case L_LL: u = va_arg(ap, unsigned long long); break;
			case L_Z: u = va_arg(ap, size_t); break;
			case L_J: u = va_arg(ap, uintmax_t); break;
			case L_T: u = (size_t)va_arg(ap, ptrdiff_t); break;
			default: u = va_arg(ap, unsigned); break;
			}
			put_int(&o, u, 0, base, upper, flags & ~(F_PLUS | F_SPACE), width, prec);
			break;
		case 'p':
			if (lenmod != L_NONE)
				goto bad;
			u = (uintptr_t)va_arg(ap, void *);
			put_int(&o, u, 0, 16, 0, (flags & (F_LEFT | F_ZERO)) | F_ALT, width, prec);
			break;
		case 'c': {
			char c = (char)(unsigned char)va_arg(ap, int);
			if (lenmod != L_NONE)
				goto bad;
			if (!(flags & F_LEFT) && width > 1)
				pad(&o, ' ', width - 1);
			put(&o, &c, 1);
			if ((flags & F_LEFT) && width > 1)
				pad(&o, ' ', width - 1);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			size_t n;
			if (lenmod != L_NONE)
				goto bad;
			if (!str)
				str = "(null)";
			n = prec >= 0 ? strnlen(str, (size_t)prec) : strlen(str);
			if (!(flags & F_LEFT) && width > n)
				pad(&o, ' ', width - n);
			put(&o, str, n);
			if ((flags & F_LEFT) && width > n)
				pad(&o, ' ', width - n);
			break;
		}
		case '%':
			if (lenmod != L_NONE || flags || width || prec >= 0)
				goto bad;
			put(&o, "%", 1);
			break;
		default:
		bad:
			err = EINVAL;
			break;
		}
		if (err)
			break;
		if (o.len > INT_MAX) {
			err = EOVERFLOW;
			break;
		}
	}
	if (size)
		buf[o.len < o.cap ? o.len : o.cap] = '\0';
	if (err) {
		errno = err;
		return -1;
	}
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

int fmt_parse_num(const char *s, const char **end, unsigned base, unsigned long long max,
                  unsigned long long *out)
{
	unsigned long long v = 0;
	const char *p = s;

	for (;; p++) {
		unsigned d = (unsigned)*p - '0';
		if (d > 9) {
			d = ((unsigned)*p | 0x20) - 'a';
			d = d < 6 ? d + 10 : 99;
		}
		if (d >= base)
			break;
		if (d > max || v > (max - d) / base)
			return -1;
		v = v * base + d;
	}
	if (p == s)
		return -1;
	if (end)
		*end = p;
	*out = v;
	return 0;
}

int fmt_parse_whole(const char *s, unsigned base, unsigned long long max,
                    unsigned long long *out)
{
	const char *end;

	return fmt_parse_num(s, &end, base, max, out) != 0 || *end ? -1 : 0;
}

#if DB_OWN_PRINTF
/* The C library's printf family over fmt_vsnprintf (the static build): musl's own
 * vfprintf, and the floating point it carries, then stay out of the binary. Output to a
 * descriptor is formatted whole first, on the stack when short. No fprintf: the suite
 * has no stdio stream (fdio.h), and naming one would link musl's FILE code. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "fdio.h"

/* Formats into small (n bytes) or, when longer, a malloc'd buffer: *out says which. */
static int fmt_whole(char *small, size_t n, char **out, const char *fmt, va_list ap)
{
	va_list aq;
	int len;

	va_copy(aq, ap);
	len = fmt_vsnprintf(small, n, fmt, aq);
	va_end(aq);
	*out = small;
	if (len < 0 || (size_t)len < n)
		return len;
	if (!(*out = malloc((size_t)len + 1)))
		return -1;
	return fmt_vsnprintf(*out, (size_t)len + 1, fmt, ap);
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	return fmt_vsnprintf(buf, size, fmt, ap);
}

int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
	return fmt_vsnprintf(buf, (size_t)INT_MAX + 1, fmt, ap);
}

int vasprintf(char **strp, const char *fmt, va_list ap)
{
	char small[256], *p;
	int len = fmt_whole(small, sizeof small, &p, fmt, ap);

	*strp = NULL;
	if (len < 0)
		goto out;
	if (p == small) {
		if (!(p = malloc((size_t)len + 1)))
			return -1;
		memcpy(p, small, (size_t)len + 1);
	}
	*strp = p;
out:
	if (len < 0 && p != small)
		free(p);
	return len;
}

int vdprintf(int fd, const char *restrict fmt, va_list ap)
{
	char small[512], *p;
	int len = fmt_whole(small, sizeof small, &p, fmt, ap);

	if (len > 0 && fd_write_all(fd, p, (size_t)len) != 0)
		len = -1;
	if (p != small)
		free(p);
	return len;
}

/* printf goes to descriptor 1 unbuffered, as dprintf: the suite has no stdio stream
 * (fdio.h), and naming stdout would link musl's FILE code and its flush at exit. */
int vprintf(const char *restrict fmt, va_list ap)
{
	return vdprintf(STDOUT_FILENO, fmt, ap);
}

#define FMT_VARIADIC(call) \
	va_list ap; \
	int r; \
	va_start(ap, fmt); \
	r = call; \
	va_end(ap); \
	return r

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	FMT_VARIADIC(fmt_vsnprintf(buf, size, fmt, ap));
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
	FMT_VARIADIC(vsprintf(buf, fmt, ap));
}

int asprintf(char **strp, const char *fmt, ...)
{
	FMT_VARIADIC(vasprintf(strp, fmt, ap));
}

int dprintf(int fd, const char *restrict fmt, ...)
{
	FMT_VARIADIC(vdprintf(fd, fmt, ap));
}

int printf(const char *restrict fmt, ...)
{
	FMT_VARIADIC(vdprintf(STDOUT_FILENO, fmt, ap));
}
#endif
