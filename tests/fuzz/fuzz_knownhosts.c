/* fuzz_knownhosts: known_hosts text (and the host pattern matcher) on arbitrary bytes.
 * The first byte picks the name looked up; the checker must never read past the input,
 * must end with a status in range whose line number is one it saw, and must give the
 * same verdict for the whole text as for the text fed line by line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "knownhosts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t blob[] = {0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1',
                               '9', 0, 0, 0, 32, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                               15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
                               31, 32};
static const char *const names[] = {"h", "[127.0.0.1]:2222", "example.com", "a.b.c", ""};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_check a, b;
	char *text;
	size_t i, start, lines = 1;
	unsigned lineno = 0;

	if (size < 1 || size > 65536)
		return 0;
	crypto_init();
	memset(&a, 0, sizeof(a));
	a.name = names[data[0] % 5];
	a.keytype = "ssh-ed25519";
	a.blob = blob;
	a.bloblen = sizeof(blob);
	b = a;
	data++;
	size--;
	text = malloc(size ? size : 1); /* exactly sized, so that ASan sees any overread */
	if (!text)
		return 0;
	memcpy(text, data, size);
	knownhosts_check_text(&a, text, size);
	for (i = 0, start = 0; i <= size; i++) {
		if (i == size || text[i] == '\n') {
			size_t l = i - start;
			if (l && text[start + l - 1] == '\r')
				l--;
			if (i < size || start < size)
				knownhosts_check_line(&b, text + start, l, ++lineno);
			start = i + 1;
			if (i < size)
				lines++;
		}
	}
	if (a.status != b.status || a.line != b.line || a.types_seen != b.types_seen)
		abort();
	if (a.status > KH_REVOKED || a.line > lines || (a.status != KH_UNKNOWN && a.line == 0))
		abort();
	/* the matcher on the same bytes as a pattern list */
	(void)host_pattern_list(a.name, text, size, ",");
	free(text);
	return 0;
}
