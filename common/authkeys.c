/* authkeys.c: the authorized_keys line parser and the from= match (see authkeys.h).
 * The option syntax is OpenSSH's (sshd(8) AUTHORIZED_KEYS FILE FORMAT, auth-options.c):
 * comma-separated, names case-insensitive, values in double quotes where \" is a quote. */
#include "authkeys.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "civil.h"
#include "crypto.h"
#include "err.h"
#include "key.h"

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int authkeys_wildcard(const char *p, size_t plen, const char *s)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0, slen = strlen(s);

	while (si < slen) {
		if (pi < plen && p[pi] != '*' && (p[pi] == '?' || lower(p[pi]) == lower(s[si]))) {
			pi++;
			si++;
		} else if (pi < plen && p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else {
			return 0;
		}
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

/* 1 match, 0 no match (or another family), -1 malformed block. */
static int cidr_match(const char *ent, size_t n, const char *addr)
{
	char tmp[INET6_ADDRSTRLEN + 8];
	uint8_t net[16], a[16];
	const char *slash = memchr(ent, '/', n);
	size_t alen = (size_t)(slash - ent), i, bits = 0, nbytes;
	int fam;

	if (alen == 0 || alen >= sizeof(tmp) || slash + 1 == ent + n || n - alen - 1 > 3)
		return -1;
	for (i = alen + 1; i < n; i++) {
		if (ent[i] < '0' || ent[i] > '9')
			return -1;
		bits = bits * 10 + (size_t)(ent[i] - '0');
	}
	memcpy(tmp, ent, alen);
	tmp[alen] = 0;
	if (inet_pton(AF_INET, tmp, net) == 1)
		fam = AF_INET, nbytes = 4;
	else if (inet_pton(AF_INET6, tmp, net) == 1)
		fam = AF_INET6, nbytes = 16;
	else
		return -1;
	if (bits > nbytes * 8)
		return -1;
	if (inet_pton(fam, addr, a) != 1)
		return 0;
	for (i = 0; i < bits / 8; i++)
		if (a[i] != net[i])
			return 0;
	if (bits % 8) {
		uint8_t m = (uint8_t)(0xff << (8 - bits % 8));
		if ((a[i] & m) != (net[i] & m))
			return 0;
	}
	return 1;
}

int authkeys_match_from(const char *patterns, const char *addr)
{
	const char *p = patterns;
	int found = 0;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int neg = 0, m;

		if (n && *p == '!') {
			neg = 1;
			p++;
			n--;
		}
		if (n == 0)
			return 0; /* an empty entry: malformed, deny */
		if (memchr(p, '/', n)) {
			m = cidr_match(p, n, addr);
			if (m < 0)
				return 0;
		} else {
			m = authkeys_wildcard(p, n, addr);
		}
		if (m && neg)
			return 0;
		if (m)
			found = 1;
		if (!end)
			break;
		p = end + 1;
	}
	return found;
}

/* ---- option values */

static int arena_put(struct authkeys_opts *o, const char *s, size_t n, const char **out)
{
	size_t i, w = o->used;

	if (n + 1 > sizeof(o->arena) - o->used)
		return ERR_TOOBIG;
	/* inside the quotes only \" is an escape; any other backslash is kept */
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '"')
			i++;
		if (s[i] == 0)
			return ERR_FORMAT;
		o->arena[w++] = s[i];
	}
	o->arena[w++] = 0;
	*out = o->arena + o->used;
	o->used = w;
	return 0;
}

/* "*" or a decimal port in [lo, 65535]. */
static int valid_port(const char *s, unsigned lo)
{
	unsigned long v = 0;
	size_t i;

	if (strcmp(s, "*") == 0)
		return 1;
	if (!*s || strlen(s) > 5)
		return 0;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= lo && v <= 65535;
}

/* "host:port" (need_host) or "[host:]port"; host may be "[v6addr]". */
static int valid_hostport(const char *s, int need_host)
{
	const char *port;

	if (s[0] == '[') {
		const char *e = strchr(s, ']');
		if (!e || e == s + 1 || e[1] != ':')
			return 0;
		port = e + 2;
	} else {
		const char *c = strrchr(s, ':');
		if (!c) {
			if (need_host)
				return 0;
			port = s;
		} else {
			if (c == s || memchr(s, ':', (size_t)(c - s)))
				return 0; /* empty host, or a bare IPv6 address */
			port = c + 1;
		}
	}
	return valid_port(port, need_host ? 1 : 0);
}

static int valid_env(const char *s)
{
	const char *eq = strchr(s, '=');
	const char *p;

	if (!eq || eq == s || (*s >= '0' && *s <= '9'))
		return 0;
	for (p = s; p < eq; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

static int name_is(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

static int add_list(const char **list, int *count, const char *v)
{
	if (*count >= DB_MAX_PERMIT)
		return ERR_TOOBIG;
	list[(*count)++] = v;
	return 0;
}

/* One option with its value (val NULL when it has none). */
static int apply_option(struct authkeys_opts *o, const char *name, size_t n, const char *val,
                        int allow_env)
{
	static const struct {
		const char *name;
		int flag; /* 0 no_pty, 1 no_port_fwd, 2 no_agent_fwd, 3 no_x11_fwd, -1 none */
		int value;
	} flags[] = {
	        {"no-pty", 0, 1},
	        {"pty", 0, 0},
	        {"no-port-forwarding", 1, 1},
	        {"port-forwarding", 1, 0},
	        {"no-agent-forwarding", 2, 1},
	        {"agent-forwarding", 2, 0},
	        {"no-x11-forwarding", 3, 1},
	        {"x11-forwarding", 3, 0},
	        /* we run no ~/.ssh/rc: nothing to forbid or allow */
	        {"no-user-rc", -1, 0},
	        {"user-rc", -1, 0},
	        /* FIDO (sk-*) keys only, which we do not accept: nothing to enforce */
	        {"no-touch-required", -1, 0},
	        {"verify-required", -1, 0},
	};
	int *f[4] = {&o->no_pty, &o->no_port_fwd, &o->no_agent_fwd, &o->no_x11_fwd};
	size_t i;

	if (!val) {
		if (name_is(name, n, "restrict")) {
			/* OpenSSH: every restriction there is; later options may lift some */
			for (i = 0; i < 4; i++)
				*f[i] = 1;
			return 0;
		}
		for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
			if (name_is(name, n, flags[i].name)) {
				if (flags[i].flag >= 0)
					*f[flags[i].flag] = flags[i].value;
				return 0;
			}
		}
		return ERR_UNSUPPORTED;
	}
	if (name_is(name, n, "command")) {
		if (o->command)
			return ERR_FORMAT;
		o->command = val;
		return 0;
	}
	if (name_is(name, n, "from")) {
		if (o->from || !*val)
			return ERR_FORMAT;
		o->from = val;
		return 0;
	}
	if (name_is(name, n, "permitopen")) {
		if (!valid_hostport(val, 1))
			return ERR_FORMAT;
		return add_list(o->permitopen, &o->npermitopen, val);
	}
	if (name_is(name, n, "permitlisten")) {
		if (!valid_hostport(val, 0))
			return ERR_FORMAT;
		return add_list(o->permitlisten, &o->npermitlisten, val);
	}
	if (name_is(name, n, "environment")) {
		if (!valid_env(val))
			return ERR_FORMAT;
		/* not allowed: the key still works, without it (OpenSSH's
		 * PermitUserEnvironment no) */
		return allow_env ? add_list(o->environment, &o->nenvironment, val) : 0;
	}
	if (name_is(name, n, "expiry-time")) {
		int64_t t;
		if (authkeys_parse_time(val, &t) || t <= 0)
			return ERR_FORMAT;
		if (!o->expiry || t < o->expiry)
			o->expiry = t; /* several: the earliest holds (OpenSSH) */
		return 0;
	}
	if (name_is(name, n, "tunnel")) {
		/* tun device forwarding, which we do not offer: only its form is checked */
		const char *q = val;
		if (strcmp(val, "any") == 0)
			return 0;
		while (*q >= '0' && *q <= '9')
			q++;
		return q == val || *q || q - val > 9 ? ERR_FORMAT : 0;
	}
	if (name_is(name, n, "principals"))
		/* for cert-authority lines, which never match here (no certificates) */
		return *val ? 0 : ERR_FORMAT;
	return ERR_UNSUPPORTED;
}

static int digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

int authkeys_parse_time(const char *s, int64_t *t)
{
	size_t n = strlen(s);
	int utc = 0, y, mo, d, h = 0, mi = 0, sec = 0;

	if (n && (s[n - 1] == 'Z' || s[n - 1] == 'z')) {
		utc = 1;
		n--;
	}
	if ((n != 8 && n != 12 && n != 14) || !digits(s, 4, &y) || !digits(s + 4, 2, &mo) ||
	    !digits(s + 6, 2, &d) || (n >= 12 && (!digits(s + 8, 2, &h) || !digits(s + 10, 2, &mi))) ||
	    (n == 14 && !digits(s + 12, 2, &sec)))
		return ERR_FORMAT;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return ERR_FORMAT;
	if (utc) {
		*t = ((civil_days(y, mo, d) * 24 + h) * 60 + mi) * 60 + sec;
		return 0;
	}
#if DB_LOCALTIME
	struct tm tm;
	time_t r;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	r = mktime(&tm);
	if (r == (time_t)-1)
		return ERR_FORMAT;
	*t = (int64_t)r;
	return 0;
#else
	return ERR_UNSUPPORTED; /* local time is not built in: the Z form only */
#endif
}

/* Options up to the first unquoted blank; *pp is left on that blank. */
static int parse_options(const char **pp, const char *end, int allow_env, struct authkeys_opts *o)
{
	const char *p = *pp;
	int r;

	for (;;) {
		const char *name = p, *val = NULL;
		size_t n;

		while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		                   (*p >= '0' && *p <= '9') || *p == '-'))
			p++;
		n = (size_t)(p - name);
		if (n == 0)
			return ERR_FORMAT;
		if (p < end && *p == '=') {
			const char *q;
			if (++p >= end || *p != '"')
				return ERR_FORMAT;
			q = ++p;
			while (p < end && *p != '"')
				p += (*p == '\\' && p + 1 < end && p[1] == '"') ? 2 : 1;
			if (p >= end)
				return ERR_FORMAT; /* no closing quote */
			if ((r = arena_put(o, q, (size_t)(p - q), &val)))
				return r;
			p++;
		}
		/* options and no key, or junk after a value */
		if (p >= end || (*p != ',' && !is_ws(*p)))
			return ERR_FORMAT;
		if ((r = apply_option(o, name, n, val, allow_env)))
			return r;
		if (is_ws(*p))
			break;
		p++;
	}
	*pp = p;
	return 0;
}

static const char *token_end(const char *p, const char *end)
{
	while (p < end && !is_ws(*p))
		p++;
	return p;
}

static int starts_like_keytype(const char *p, const char *end)
{
	static const char *const prefixes[] = {"ssh-", "ecdsa-", "sk-"};
	size_t i, n = (size_t)(end - p);

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (n >= strlen(prefixes[i]) && memcmp(p, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

int authkeys_parse(const char *line, size_t len, int allow_env, struct authkeys_entry *e)
{
	const char *p = line, *end, *t, *te;
	const uint8_t *bt;
	size_t btn, outlen;
	struct buf b;
	int r;

	if (len > DB_MAX_AUTHKEYS_LINE)
		return ERR_TOOBIG;
	if (len && line[len - 1] == '\r')
		len--;
	end = line + len;
	if (memchr(line, 0, len))
		return ERR_FORMAT;
	memset(&e->opts, 0, sizeof(e->opts));
	e->bloblen = 0;
	e->type[0] = 0;
	while (p < end && is_ws(*p))
		p++;
	if (p == end || *p == '#')
		return AUTHKEYS_SKIP;
	if (!starts_like_keytype(p, token_end(p, end))) {
		if ((r = parse_options(&p, end, allow_env, &e->opts)))
			return r;
		while (p < end && is_ws(*p))
			p++;
	}
	t = p;
	te = token_end(t, end);
	if (te == t || (size_t)(te - t) >= sizeof(e->type))
		return ERR_FORMAT;
	if (key_type_from_name(t, (size_t)(te - t)) == KEY_NONE)
		return ERR_UNSUPPORTED;
	memcpy(e->type, t, (size_t)(te - t));
	e->type[te - t] = 0;
	p = te;
	while (p < end && is_ws(*p))
		p++;
	te = token_end(p, end);
	if (te == p)
		return ERR_FORMAT;
	outlen = sizeof(e->blob);
	if (base64_len(outlen) < (size_t)(te - p) ||
	    base64_dec(p, (size_t)(te - p), e->blob, &outlen))
		return ERR_FORMAT;
	e->bloblen = outlen;
	/* the blob names its own type: it must be the one the line says (OpenSSH) */
	buf_view(&b, e->blob, e->bloblen);
	if ((r = buf_get_string(&b, &bt, &btn)))
		return ERR_FORMAT;
	if (btn != strlen(e->type) || memcmp(bt, e->type, btn) != 0)
		return ERR_FORMAT;
	/* SSH_PUBKEYINFO, as Dropbear sets it: after the blob and one space, the text up to
	 * the next space, only when non-empty and every character is one Dropbear passes
	 * (a shell or a log reading it sees nothing special) */
	if (te < end && *te == ' ') {
		p = ++te;
		while (te < end && *te != ' ')
			te++;
		for (t = p; t < te; t++)
			if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
			      (*t >= '0' && *t <= '9') || (*t && strchr(".,_-+@", *t))))
				break;
		if (te > p && t == te && arena_put(&e->opts, p, (size_t)(te - p), &e->opts.info))
			e->opts.info = NULL;
	}
	return 0;
}
