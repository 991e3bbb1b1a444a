/* libFuzzer: common/pwhash.c (bcrypt, SHA-crypt and yescrypt as crypt(3) writes them)
 * against the system's crypt_r (libxcrypt), on arbitrary settings and passwords: what a
 * hash from /etc/shadow and a client's password can be.
 *
 * Input: setting || NUL || password (the password ends at the next NUL or the input's
 * end). Invariants (abort on violation): pwhash_known holds exactly for the prefixes
 * $2a$ $2b$ $2y$ $5$ $6$ (and $y$ with DB_OWN_YESCRYPT); for those, pwhash_crypt refuses
 * exactly what crypt_r refuses (its "*" failure token) and otherwise writes the same
 * string; for any other setting it returns ERR_UNSUPPORTED. The work is bounded so that
 * no input takes seconds: a bcrypt cost above 05, a rounds= above 5000, or a yescrypt
 * N*r above 2^14 (r*p above 2^12, t above 3) that crypt_r would accept is not run (the
 * same loops run longer; ours refuses beyond 1 GiB where crypt_r would allocate, and
 * unit tests check that). */
#include <crypt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "options.h"
#include "pwhash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* yescrypt's variable-length number (as common/yescrypt.c reads it): the end, or NULL */
static const char *y_num(const char *s, uint32_t min, uint64_t *v)
{
	static const char a64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint32_t start = 0, end = 47, n = 1, bits = 0;
	const char *p;
	uint64_t c;

	if (!*s || !(p = strchr(a64, *s++)))
		return NULL;
	c = (uint64_t)(p - a64);
	*v = min;
	while (c > end) {
		*v += (uint64_t)(end + 1 - start) << bits;
		start = end + 1;
		end = start + (62 - end) / 2;
		n++;
		bits += 6;
	}
	*v += (c - start) << bits;
	while (--n) {
		if (!*s || !(p = strchr(a64, *s++)))
			return NULL;
		bits -= 6;
		*v += (uint64_t)(p - a64) << bits;
	}
	return s;
}

/* 1 if the setting asks for more work than a fuzz run should spend. */
static int too_costly(const char *s)
{
	unsigned long v = 0;
	const char *d;

	if (!strncmp(s, "$y$", 3)) {
		uint64_t f, nlog, r, have = 0, p = 1, t = 0;
		d = s + 3;
		if (!(d = y_num(d, 0, &f)) || !(d = y_num(d, 1, &nlog)) || !(d = y_num(d, 1, &r)))
			return 0; /* refused by both before any work */
		if (*d && *d != '$' && (d = y_num(d, 1, &have)) && (have & 1))
			d = y_num(d, 2, &p);
		if (d && (have & 2))
			d = y_num(d, 1, &t);
		/* the work is N r p (t + 1) blocks (common/yescrypt.h) */
		return nlog > 14 || r * p > (1u << 12) || t > 3 ||
		       ((r * p) << nlog) * (t + 1) > (1u << 16);
	}

	if (!strncmp(s, "$2", 2) && s[2] && s[3] == '$' && s[4] >= '0' && s[4] <= '3' &&
	    s[5] >= '0' && s[5] <= '9')
		return (s[4] - '0') * 10 + (s[5] - '0') > 5;
	if ((!strncmp(s, "$5$rounds=", 10) || !strncmp(s, "$6$rounds=", 10))) {
		for (d = s + 10; *d >= '0' && *d <= '9' && v <= 999999999; d++)
			v = v * 10 + (unsigned long)(*d - '0');
		return v > 5000;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct crypt_data cd;
	char setting[256], pw[PWHASH_MAX_PASSWORD + 64], out[PWHASH_MAX];
	const uint8_t *nul = memchr(data, 0, size);
	size_t sl = nul ? (size_t)(nul - data) : size, pl;
	const char *h;
	int r, known;

	if (sl >= sizeof(setting))
		return 0;
	memcpy(setting, data, sl);
	setting[sl] = 0;
	data += sl, size -= sl;
	if (size) /* the NUL */
		data++, size--;
	pl = size < sizeof(pw) - 1 ? size : sizeof(pw) - 1;
	memcpy(pw, data, pl);
	pw[pl] = 0;
	if (too_costly(setting))
		return 0;

	known = pwhash_known(setting);
	if (known != (!strncmp(setting, "$2a$", 4) || !strncmp(setting, "$2b$", 4) ||
	              !strncmp(setting, "$2y$", 4) || !strncmp(setting, "$5$", 3) ||
	              !strncmp(setting, "$6$", 3) || (DB_OWN_YESCRYPT && !strncmp(setting, "$y$", 3))))
		abort();
	r = pwhash_crypt(pw, setting, out);
	if (!known) {
		if (r != ERR_UNSUPPORTED || out[0])
			abort();
		return 0;
	}
	h = crypt_r(pw, setting, &cd);
	if (!h || h[0] == '*') {
		if (r != ERR_INVALID || out[0])
			abort();
	} else if (r != 0 || strcmp(h, out) != 0) {
		abort();
	}
	return 0;
}
