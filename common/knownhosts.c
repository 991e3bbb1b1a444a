/* knownhosts.c: known_hosts lines and host patterns (see knownhosts.h). */
#include "knownhosts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "err.h"
#include "options.h"
#include "util.h"

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* Greedy wildcard match with one backtrack point: linear in practice, O(n*m) at worst,
 * so that no pattern from a file can make it explode. */
int host_pattern_match(const char *name, const char *pat, size_t patlen)
{
	size_t n = 0, p = 0, star_p = (size_t)-1, star_n = 0;
	size_t nlen = strlen(name);

	while (n < nlen) {
		if (p < patlen && pat[p] == '*') {
			star_p = p++;
			star_n = n;
		} else if (p < patlen && (pat[p] == '?' || lower((unsigned char)pat[p]) ==
		                                                   lower((unsigned char)name[n]))) {
			p++;
			n++;
		} else if (star_p != (size_t)-1) {
			p = star_p + 1;
			n = ++star_n;
		} else {
			return 0;
		}
	}
	while (p < patlen && pat[p] == '*')
		p++;
	return p == patlen;
}

int host_pattern_list(const char *name, const char *list, size_t len, const char *seps)
{
	size_t i = 0;
	int found = 0;

	while (i < len) {
		size_t j = i, plen;
		int neg = 0;
		const char *pat;

		while (j < len && !strchr(seps, list[j]))
			j++;
		pat = list + i;
		plen = j - i;
		i = j + 1;
		if (plen && pat[0] == '!') {
			neg = 1;
			pat++;
			plen--;
		}
		if (plen == 0 || !host_pattern_match(name, pat, plen))
			continue;
		if (neg)
			return -1; /* a negated match decides at once (OpenSSH match_hostname) */
		found = 1;
	}
	return found;
}

int knownhosts_name(const char *host, unsigned port, char *out, size_t outsz)
{
	size_t i;
	int n;

	if (port == 22 || port == 0)
		n = snprintf(out, outsz, "%s", host);
	else
		n = snprintf(out, outsz, "[%s]:%u", host, port);
	if (n < 0 || (size_t)n >= outsz)
		return ERR_TOOBIG;
	/* DNS names are case-insensitive and OpenSSH lowercases them before hashing: a
	 * hashed line for "example.com" must match "Example.COM" too, or a changed key
	 * would pass for a new host (and accept-new would take it) */
	for (i = 0; out[i]; i++)
		out[i] = (char)lower((unsigned char)out[i]);
	return 0;
}

/* The next field separated by spaces or tabs, viewed by p and n; returns 0 at the end. */
static int next_field(const char **s, const char *end, const char **p, size_t *n)
{
	const char *q = *s;

	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q == end)
		return 0;
	*p = q;
	while (q < end && *q != ' ' && *q != '\t')
		q++;
	*n = (size_t)(q - *p);
	*s = q;
	return 1;
}

static int b64_field(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
	*outlen = cap;
	return base64_dec(s, n, out, outlen);
}

/* |1|salt|hash: HMAC-SHA1 keyed with the salt over the name (OpenSSH hostfile.c). */
static int hashed_match(const char *name, const char *f, size_t n)
{
	uint8_t salt[64], want[32], got[HASH_MAX_LEN];
	size_t slen, wlen, i;
	const char *bar;
	int ok;

	if (n < 3 || memcmp(f, "|1|", 3) != 0)
		return 0;
	f += 3;
	n -= 3;
	bar = memchr(f, '|', n);
	if (!bar)
		return 0;
	i = (size_t)(bar - f);
	if (b64_field(f, i, salt, sizeof(salt), &slen) || slen == 0 ||
	    b64_field(bar + 1, n - i - 1, want, sizeof(want), &wlen) || wlen != 20)
		return 0;
	if (hmac_buf(HASH_SHA1, salt, slen, name, strlen(name), got))
		return 0;
	ok = ct_memeq(got, want, 20);
	wipe(got, sizeof(got));
	return ok;
}

static void verdict(struct kh_check *st, enum kh_status s, unsigned lineno)
{
	if (s > st->status) {
		st->status = s;
		st->line = lineno;
	}
}

void knownhosts_check_line(struct kh_check *st, const char *line, size_t n, unsigned lineno)
{
	const char *s = line, *end = line + n, *f, *hosts, *type, *b64;
	size_t fn, hn, tn, bn, blen;
	uint8_t blob[DB_MAX_PUBKEY_BLOB];
	int revoked = 0, m;
	enum key_type kt;

	if (n > KH_MAX_LINE || memchr(line, 0, n))
		return;
	if (!next_field(&s, end, &f, &fn) || f[0] == '#')
		return;
	if (f[0] == '@') {
		if (fn == 8 && memcmp(f, "@revoked", 8) == 0)
			revoked = 1;
		else
			return; /* @cert-authority: certificates are not supported; others unknown */
		if (!next_field(&s, end, &f, &fn))
			return;
	}
	hosts = f;
	hn = fn;
	if (!next_field(&s, end, &type, &tn) || !next_field(&s, end, &b64, &bn))
		return;
	if (hosts[0] == '|')
		m = hashed_match(st->name, hosts, hn);
	else
		m = host_pattern_list(st->name, hosts, hn, ",");
	if (m != 1)
		return;
	if (b64_field(b64, bn, blob, sizeof(blob), &blen))
		return;
	kt = key_type_from_name(type, tn);
	if (kt != KEY_NONE && !revoked)
		st->types_seen |= 1u << kt;
	if (strlen(st->keytype) == tn && memcmp(st->keytype, type, tn) == 0) {
		/* public data: an ordinary comparison is fine */
		if (blen == st->bloblen && memcmp(blob, st->blob, blen) == 0)
			verdict(st, revoked ? KH_REVOKED : KH_OK, lineno);
		else if (!revoked)
			verdict(st, KH_CHANGED, lineno);
	} else if (!revoked) {
		verdict(st, KH_OTHER_TYPE, lineno);
	}
}

void knownhosts_check_text(struct kh_check *st, const char *text, size_t n)
{
	size_t i = 0;
	unsigned lineno = 0;

	while (i < n) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (text + i)) : n - i;
		size_t l = len;

		if (l && text[i + l - 1] == '\r')
			l--;
		knownhosts_check_line(st, text + i, l, ++lineno);
		i += len + 1;
	}
}

int knownhosts_line(const char *name, const struct key *k, struct buf *out)
{
	struct buf blob;
	char *b64 = NULL;
	size_t bl;
	size_t i;
	int r;

	/* the name becomes a field of a line: nothing that would split or extend it, nor
	 * make it a pattern (* ?), a negation (!), a hash (|) or a marker (@) */
	for (i = 0; name[i]; i++)
		if ((unsigned char)name[i] <= 0x20 || (unsigned char)name[i] >= 0x7f ||
		    strchr(",#*?", name[i]))
			return ERR_INVALID;
	if (i == 0 || strchr("!|@", name[0]))
		return ERR_INVALID;
	memset(&blob, 0, sizeof(blob));
	if ((r = buf_init(&blob, 256, DB_MAX_PUBKEY_BLOB)) || (r = key_put_blob(k, &blob)))
		goto out;
	bl = base64_len(blob.len) + 1;
	if (!(b64 = malloc(bl))) {
		r = ERR_NOMEM;
		goto out;
	}
	if ((r = base64_enc(blob.data, blob.len, b64, bl)) ||
	    (r = buf_put_bytes(out, name, strlen(name))) || (r = buf_put_u8(out, ' ')) ||
	    (r = buf_put_bytes(out, key_type_name(key_type(k)), strlen(key_type_name(key_type(k))))) ||
	    (r = buf_put_u8(out, ' ')) || (r = buf_put_bytes(out, b64, strlen(b64))) ||
	    (r = buf_put_u8(out, '\n')))
		goto out;
out:
	free(b64);
	buf_free(&blob);
	return r;
}
