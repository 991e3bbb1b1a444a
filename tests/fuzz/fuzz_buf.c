/* libFuzzer: every buf getter on arbitrary bytes, driven by the input itself. */
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b;
	uint8_t op;
	char s[64];
	const uint8_t *p;
	size_t n;
	uint32_t v32;
	uint64_t v64;
	int bo;
	uint8_t fixed[32];

	buf_view(&b, data, size);
	while (buf_get_u8(&b, &op) == 0) {
		switch (op % 9) {
		case 0: (void)buf_get_u32(&b, &v32); break;
		case 1: (void)buf_get_u64(&b, &v64); break;
		case 2: (void)buf_get_bool(&b, &bo); break;
		case 3: if (buf_get_string(&b, &p, &n) == 0 && n) (void)p[n - 1]; break;
		case 4: (void)buf_get_cstr(&b, s, sizeof(s)); break;
		case 5: if (buf_get_mpint(&b, &p, &n) == 0 && n) (void)p[0]; break;
		case 6: (void)buf_get_string_fixed(&b, fixed, op % 33); break;
		case 7: (void)buf_skip(&b, op); break;
		case 8: (void)buf_end(&b); break;
		}
	}
	return 0;
}
