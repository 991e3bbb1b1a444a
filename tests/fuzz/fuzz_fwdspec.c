/* fuzz_fwdspec: the -L/-R spec, host:port and [host:]port parsers and the permitopen /
 * permitlisten matchers on arbitrary strings. Nothing may read past the input; what a
 * parser accepts must be within its limits (ports 1..65535, hosts non-empty, printable,
 * shorter than DB_MAX_FWD_HOST); a host that parsed out of an entry must be allowed by
 * that entry; and the pattern matcher must finish on any input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fwdspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_host(const char *h, int empty_ok)
{
	size_t n = strlen(h), i;

	if (n >= DB_MAX_FWD_HOST || (n == 0 && !empty_ok))
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)h[i] <= 0x20 || (unsigned char)h[i] >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fwdspec f;
	char host[DB_MAX_FWD_HOST], *s, *second, *list[1];
	uint32_t port;
	size_t cut;

	if (size > 4096)
		return 0;
	s = malloc(size + 1); /* exactly sized, so that ASan sees any overread */
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (fwd_parse_spec(s, FWD_LISTEN_PORT0, &f) == 0) {
		if (f.listen_port > 65535 || f.connect_port > 65535)
			abort();
		if (!f.connect_unix && f.connect_port == 0)
			abort();
		if ((f.listen_unix && (strlen(f.listen_host) >= FWD_MAX_SOCK_PATH ||
		                       !f.listen_host[0] || f.listen_port)) ||
		    (f.connect_unix && (strlen(f.connect_host) >= FWD_MAX_SOCK_PATH ||
		                        !f.connect_host[0] || f.connect_port)))
			abort();
		if (!f.listen_unix)
			check_host(f.listen_host, 1);
		if (!f.connect_unix)
			check_host(f.connect_host, 0);
	}
	list[0] = s;
	if (fwd_parse_hostport(s, 1, host, sizeof(host), &port) == 0) {
		check_host(host, 0);
		if (port == 0 || (port > 65535 && port != FWD_PORT_ANY))
			abort();
		if (!fwd_permit_open(list, 1, host, port == FWD_PORT_ANY ? 1 : port))
			abort();
	}
	if (fwd_parse_listen(s, host, sizeof(host), &port) == 0) {
		check_host(host, 1);
		if (port == 0 || (port > 65535 && port != FWD_PORT_ANY))
			abort();
		/* a literal host (no pattern characters) is allowed by its own entry */
		if (!strpbrk(host, "*?") &&
		    !fwd_permit_listen(list, 1, host, port == FWD_PORT_ANY ? 7 : port))
			abort();
	}
	{
		char user[32];
		if (fwd_parse_jump(s, user, sizeof(user), host, sizeof(host), &port) == 0) {
			check_host(host, 0);
			if (strlen(user) >= sizeof(user) || port > 65535)
				abort();
		}
	}
	/* the same bytes as channel-open data and as a tcpip-forward request */
	{
		struct fwd_tcpip_open o;
		struct buf b;
		int r;

		buf_view(&b, data, size);
		r = fwd_parse_tcpip_open(&b, size & 1, &o);
		if (r == 0) {
			check_host(o.host, size & 1);
			check_host(o.orig, 0);
			if (o.port > 65535 || o.orig_port > 65535 || buf_avail(&b))
				abort();
		}
		{
			char sp[FWD_MAX_SOCK_PATH];
			buf_view(&b, data, size);
			r = fwd_parse_streamlocal(&b, (enum fwd_sl_msg)(size % 3), sp, sizeof(sp));
			if (r == 0 && (strlen(sp) == 0 || strlen(sp) >= FWD_MAX_SOCK_PATH))
				abort();
		}
		buf_view(&b, data, size);
		r = fwd_parse_tcpip_forward(&b, host, sizeof(host), &port);
		if (r == 0) {
			check_host(host, 1);
			if (port > 65535)
				abort();
		}
	}
	/* the first line as a pattern, the rest as the subject */
	cut = strcspn(s, "\n");
	second = s[cut] ? s + cut + 1 : s + cut;
	s[cut] = '\0';
	if (fwd_pattern_match(s, second) && !*s && *second)
		abort(); /* an empty pattern matches only the empty string */
	free(s);
	return 0;
}
