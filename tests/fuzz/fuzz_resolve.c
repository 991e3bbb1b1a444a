/* fuzz_resolve: resolve_numeric (DB_DNS=0's getaddrinfo) on arbitrary host and port
 * text, for each family and flag combination. Nothing may read past the input; an
 * accepted answer must be a non-empty list of IPv4/IPv6 addresses of the asked family,
 * each with the port that was given (a decimal number up to 65535); a refusal leaves no
 * list. Lists are freed (LeakSanitizer). */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int fams[] = { AF_UNSPEC, AF_INET, AF_INET6 };
	struct addrinfo hints, *res, *ai;
	const uint8_t *nl;
	char *host, *port;
	size_t hn;

	if (size > 512)
		return 0;
	/* host, a newline, port: each in its own exactly sized allocation */
	nl = memchr(data, '\n', size);
	hn = nl ? (size_t)(nl - data) : size;
	host = malloc(hn + 1);
	port = nl ? malloc(size - hn) : NULL;
	if (!host || (nl && !port))
		goto out;
	memcpy(host, data, hn);
	host[hn] = 0;
	if (port) {
		memcpy(port, nl + 1, size - hn - 1);
		port[size - hn - 1] = 0;
	}
	for (size_t f = 0; f < 3; f++) {
		for (int passive = 0; passive < 2; passive++) {
			memset(&hints, 0, sizeof(hints));
			hints.ai_family = fams[f];
			hints.ai_socktype = SOCK_STREAM;
			hints.ai_flags = passive ? AI_PASSIVE : 0;
			if (resolve_numeric(strlen(host) == hn ? host : NULL, port, &hints, &res) != 0) {
				if (res)
					abort();
				continue;
			}
			if (!res)
				abort();
			unsigned want = port ? (unsigned)strtoul(port, NULL, 10) : 0;
			for (ai = res; ai; ai = ai->ai_next) {
				unsigned got;
				if (fams[f] != AF_UNSPEC && ai->ai_family != fams[f])
					abort();
				if (ai->ai_family == AF_INET)
					got = ntohs(((struct sockaddr_in *)ai->ai_addr)->sin_port);
				else if (ai->ai_family == AF_INET6)
					got = ntohs(((struct sockaddr_in6 *)ai->ai_addr)->sin6_port);
				else
					abort();
				if (got != want || want > 65535)
					abort();
			}
			resolve_free_numeric(res);
		}
	}
out:
	free(host);
	free(port);
	return 0;
}
