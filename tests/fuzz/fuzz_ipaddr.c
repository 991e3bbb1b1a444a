/* fuzz_ipaddr: ipaddr_pton (common/ipaddr.c, the static builds' inet_pton) on arbitrary
 * text against glibc's inet_pton, both families; and ipaddr_ntop on the input's first 16
 * bytes against glibc's inet_ntop, whose text must also read back to the same address.
 * glibc writes IPv4-compatible addresses (::a.b.c.d, deprecated) dotted and RFC 5952,
 * which we follow, does not: for those only the read-back is checked. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char zero[12];
	char s[64], x[64], y[64];
	unsigned char a[16], b[16];
	int af;

	if (size < sizeof(s)) {
		memcpy(s, data, size);
		s[size] = 0;
		for (af = AF_INET; af != -1; af = af == AF_INET ? AF_INET6 : -1) {
			int ra = inet_pton(af, s, a), rb = ipaddr_pton(af, s, b);
			if (ra != rb || (ra == 1 && memcmp(a, b, af == AF_INET ? 4 : 16) != 0))
				abort();
		}
	}
	if (size >= 16) {
		if (!ipaddr_ntop(AF_INET6, data, y, sizeof(y)) || ipaddr_pton(AF_INET6, y, b) != 1 ||
		    memcmp(b, data, 16) != 0)
			abort();
		if (memcmp(data, zero, 12) != 0 &&
		    (!inet_ntop(AF_INET6, data, x, sizeof(x)) || strcmp(x, y) != 0))
			abort();
		if (!ipaddr_ntop(AF_INET, data, y, sizeof(y)) ||
		    !inet_ntop(AF_INET, data, x, sizeof(x)) || strcmp(x, y) != 0)
			abort();
	}
	return 0;
}
