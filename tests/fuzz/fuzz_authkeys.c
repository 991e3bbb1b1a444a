/* fuzz_authkeys: the authorized_keys line parser and the from= match on arbitrary bytes.
 * It must never read past the line; a parsed line has a known key type whose blob names
 * that type, option strings inside the entry's own arena, and lists within their bounds;
 * the result must not depend on bytes after the given length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct authkeys_entry e;

static void in_arena(const char *s)
{
	if (s && (s < e.opts.arena || s >= e.opts.arena + sizeof(e.opts.arena) ||
	          !memchr(s, 0, (size_t)(e.opts.arena + sizeof(e.opts.arena) - s))))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line, addr[64];
	int r, i, env;

	if (size < 1 || size > DB_MAX_AUTHKEYS_LINE + 64)
		return 0;
	env = data[0] & 1;
	data++;
	size--;
	line = malloc(size ? size : 1); /* exactly sized for ASan */
	if (!line)
		return 0;
	memcpy(line, data, size);
	r = authkeys_parse(line, size, env, &e);
	if (r == 0) {
		if (e.bloblen < 4 || e.bloblen > sizeof(e.blob) || !e.type[0])
			abort();
		if (memcmp(e.blob + 4, e.type, strlen(e.type)) != 0)
			abort();
		if (e.opts.npermitopen > DB_MAX_PERMIT || e.opts.npermitlisten > DB_MAX_PERMIT ||
		    e.opts.nenvironment > DB_MAX_PERMIT || (!env && e.opts.nenvironment))
			abort();
		in_arena(e.opts.command);
		in_arena(e.opts.from);
		for (i = 0; i < e.opts.npermitopen; i++)
			in_arena(e.opts.permitopen[i]);
		for (i = 0; i < e.opts.npermitlisten; i++)
			in_arena(e.opts.permitlisten[i]);
		for (i = 0; i < e.opts.nenvironment; i++)
			in_arena(e.opts.environment[i]);
		if (e.opts.from) {
			/* the match on a few addresses: must terminate and not crash */
			static const char *const addrs[] = {"127.0.0.1", "::1", "10.1.2.3"};
			for (i = 0; i < 3; i++)
				(void)authkeys_match_from(e.opts.from, addrs[i]);
		}
	} else if (r != AUTHKEYS_SKIP && r >= 0) {
		abort();
	}
	/* the from= matcher on raw bytes as a pattern list */
	if (size < 256 && !memchr(line, 0, size)) {
		char pat[256];
		memcpy(pat, line, size);
		pat[size] = 0;
		memcpy(addr, "192.168.0.1", 12);
		(void)authkeys_match_from(pat, addr);
		(void)authkeys_match_from(pat, "2001:db8::1");
	}
	free(line);
	return 0;
}
