/* fuzz_dns: the stub resolver's parsers (common/dns.c) on arbitrary bytes. The first
 * byte chooses: a DNS reply to a fixed query (A or AAAA for "host.example", ID 0x1234),
 * resolv.conf text, hosts text (a name, a newline, the text), or a name to encode as a
 * query. Each input sits in its own exactly sized allocation, so nothing may read past
 * it; what comes out must stay within its bounds: a reply's addresses of the type asked
 * and no more than room was given for, resolv.conf's counts and options in range, hosts'
 * addresses of the family asked, a query no longer than DNS_QUERY_MAX whose own echo
 * parses as a reply. */
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void reply(const uint8_t *m, size_t len, unsigned sel)
{
	uint8_t q[DNS_QUERY_MAX];
	struct dns_addr a[4];
	unsigned qtype = sel & 1 ? 28 : 1;
	int ql = dns_query_make(q, "host.example", qtype, 0x1234), rc = -1, n = 0;
	int max = (int)(sel >> 1) % 5;

	if (ql < 0)
		abort();
	if (dns_reply_parse(m, len, q, (size_t)ql, &rc, a, max, &n) != 0)
		return;
	if (rc < 0 || rc > 15 || n < 0 || n > max || (rc && n))
		abort();
	for (int i = 0; i < n; i++)
		if (a[i].family != (qtype == 1 ? AF_INET : AF_INET6))
			abort();
}

static void conf(const char *t, size_t len)
{
	struct dns_conf c;

	dns_conf_parse(t, len, &c);
	if (c.nns < 1 || c.nns > DNS_MAXNS || c.ndots > 15 || c.timeout < 1 ||
	    c.timeout > 60 || c.attempts < 1 || c.attempts > 10 ||
	    !memchr(c.search, 0, sizeof(c.search)))
		abort();
	for (int i = 0; i < c.nns; i++)
		if (c.ns[i].family != AF_INET && c.ns[i].family != AF_INET6)
			abort();
}

static void hosts(const char *t, size_t len, unsigned sel)
{
	static const int fams[] = { AF_UNSPEC, AF_INET, AF_INET6 };
	struct dns_addr a[8];
	const char *nl = memchr(t, '\n', len);
	char name[256];
	size_t nn = nl ? (size_t)(nl - t) : len;
	int fam = fams[sel % 3], max = (int)(sel / 3) % 9, n;

	if (nn >= sizeof(name))
		return;
	memcpy(name, t, nn);
	name[nn] = 0;
	n = dns_hosts_parse(nl ? nl + 1 : t + len, nl ? len - nn - 1 : 0, name, fam, a, max);
	if (n == EAI_NONAME)
		return;
	if (n < 0 || n > max)
		abort();
	for (int i = 0; i < n; i++)
		if ((fam != AF_UNSPEC && a[i].family != fam) ||
		    (a[i].family != AF_INET && a[i].family != AF_INET6))
			abort();
}

static void query(const char *t, size_t len)
{
	uint8_t q[DNS_QUERY_MAX], m[DNS_QUERY_MAX];
	char name[300];
	struct dns_addr a[1];
	int ql, rc = -1, n = 0;

	if (len >= sizeof(name))
		return;
	memcpy(name, t, len);
	name[len] = 0;
	if ((ql = dns_query_make(q, name, 28, 0xabcd)) < 0)
		return;
	if (ql > DNS_QUERY_MAX || ql < 17 || (size_t)ql > 12 + 255 + 4)
		abort();
	/* the query echoed as a reply without answers is one, of rcode 0 */
	memcpy(m, q, (size_t)ql);
	m[2] |= 0x80;
	if (dns_reply_parse(m, (size_t)ql, q, (size_t)ql, &rc, a, 1, &n) != 0 || rc || n)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;
	unsigned sel;

	if (size < 2 || size > 4096)
		return 0;
	sel = data[1];
	if (!(copy = malloc(size - 2 ? size - 2 : 1)))
		return 0;
	memcpy(copy, data + 2, size - 2);
	switch (data[0] & 3) {
	case 0: reply(copy, size - 2, sel); break;
	case 1: conf((const char *)copy, size - 2); break;
	case 2: hosts((const char *)copy, size - 2, sel); break;
	default: query((const char *)copy, size - 2); break;
	}
	free(copy);
	return 0;
}
