/* fuzz_sftp_dir: sftp-server -d's %-token expansion (sftp_expand_dir) on arbitrary text,
 * home, user and output sizes. The result must stay inside its buffer, be NUL-terminated,
 * and equal a plain re-expansion when it succeeds; a failure must be one of its two codes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "server/sftp/sftp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the model: what the output must be, or NULL for ERR_FORMAT */
static char *model(const char *in, const char *home, const char *user)
{
	size_t cap = strlen(in) * (strlen(home) + strlen(user) + 1) + 1, o = 0;
	char *out = malloc(cap);

	if (!out)
		abort();
	for (; *in; in++) {
		const char *ins;
		if (*in != '%') {
			out[o++] = *in;
			continue;
		}
		in++;
		ins = *in == 'd' ? home : *in == 'u' ? user : *in == '%' ? "%" : NULL;
		if (!ins) {
			free(out);
			return NULL;
		}
		memcpy(out + o, ins, strlen(ins));
		o += strlen(ins);
	}
	out[o] = 0;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[256], home[64], user[32], *want;
	size_t n, a, b;
	char *out;
	int r;

	if (size < 3)
		return 0;
	n = data[0];
	a = data[1] % sizeof(home);
	b = data[2] % sizeof(user);
	data += 3;
	size -= 3;
	if (a + b > size)
		return 0;
	memcpy(home, data, a);
	home[a] = 0;
	memcpy(user, data + a, b);
	user[b] = 0;
	size -= a + b;
	if (size >= sizeof(in))
		size = sizeof(in) - 1;
	memcpy(in, data + a + b, size);
	in[size] = 0;
	/* embedded NULs end each string early, as a command line would */
	out = malloc(n ? n : 1);
	if (!out)
		abort();
	r = sftp_expand_dir(in, home, user, out, n);
	want = model(in, home, user);
	if (r == 0) {
		if (!want || strlen(want) >= n || strcmp(out, want) != 0)
			abort();
	} else if (r == ERR_FORMAT) {
		if (want)
			abort();
	} else if (r == ERR_TOOBIG) {
		if (want && strlen(want) < n)
			abort();
	} else {
		abort();
	}
	free(want);
	free(out);
	return 0;
}
