/* fuzz_agent: ssh-agent replies (identities answer, sign response) on arbitrary bytes.
 * The parsers must never read past the input, and every key or signature they return
 * must lie inside it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const uint8_t *base, size_t n, const uint8_t *p, size_t l)
{
	if (l && (p < base || p + l > base + n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agent_key keys[AGENT_MAX_KEYS];
	const uint8_t *sig;
	uint8_t *in;
	size_t n, sl, i;

	if (size > AGENT_MAX_MSG)
		return 0;
	in = malloc(size ? size : 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	if (agent_parse_identities(in, size, keys, AGENT_MAX_KEYS, &n) == 0) {
		if (n > AGENT_MAX_KEYS)
			abort();
		for (i = 0; i < n; i++) {
			inside(in, size, keys[i].blob, keys[i].bloblen);
			inside(in, size, keys[i].comment, keys[i].commentlen);
		}
	}
	if (agent_parse_sign_response(in, size, &sig, &sl) == 0)
		inside(in, size, sig, sl);
	free(in);
	return 0;
}
