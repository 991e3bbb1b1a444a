/* fuzz_aes_ct: the portable constant-time AES and GHASH (common/crypto/aes_ct.c,
 * ghash_ct.c) against libtomcrypt's table-based code on whatever the fuzzer finds:
 * the input chooses the key size, key, IV or nonce, the AAD length, the mode and the
 * data. CTR (fed in two pieces split where the input says), CBC decryption and GCM
 * seal and open must agree bit for bit with libtomcrypt; any difference aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "crypto/aes_ct.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXN 2048

static void agree(const void *a, const void *b, size_t n)
{
	if (memcmp(a, b, n) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int idx = -1;
	uint8_t key[32], iv[16], a[MAXN + 16], b[MAXN + 16], ta[16], tb[16];
	size_t kl, al, n, cut;
	unsigned mode;

	/* mode/keysize byte, split byte, aad length byte, key, iv, then aad || data */
	if (size < 3 + 32 + 16 || size > 3 + 32 + 16 + 255 + MAXN)
		return 0;
	if (idx < 0 && (idx = register_cipher(&aes_desc)) < 0)
		abort();
	mode = data[0] % 3;
	kl = 16 + 8 * ((data[0] / 3) % 3);
	cut = data[1];
	al = data[2];
	memcpy(key, data + 3, 32);
	memcpy(iv, data + 35, 16);
	data += 51;
	size -= 51;
	if (al > size)
		al = size;
	n = size - al < MAXN ? size - al : MAXN;

	if (mode == 0) { /* CTR, the 128-bit counter wrapping like RFC 4344's */
		struct aes_ct_ctr c;
		symmetric_CTR lc;

		if (cut > n)
			cut = n;
		if (ctr_start(idx, iv, key, (int)kl, 0, CTR_COUNTER_BIG_ENDIAN, &lc) != CRYPT_OK ||
		    ctr_encrypt(data + al, a, n, &lc) != CRYPT_OK)
			abort();
		if (aes_ct_ctr_init(&c, key, kl, iv) != 0)
			abort();
		aes_ct_ctr_crypt(&c, data + al, b, cut);
		aes_ct_ctr_crypt(&c, data + al + cut, b + cut, n - cut);
		agree(a, b, n);
	} else if (mode == 1) { /* CBC decryption of the whole blocks */
		symmetric_CBC lc;

		n &= ~(size_t)15;
		if (cbc_start(idx, iv, key, (int)kl, 0, &lc) != CRYPT_OK ||
		    cbc_decrypt(data + al, a, n, &lc) != CRYPT_OK)
			abort();
		if (aes_ct_cbc_decrypt(key, kl, iv, data + al, b, n) != 0)
			abort();
		agree(a, b, n);
	} else { /* GCM: seal, then open the result again */
		struct aes_ct_gcm g;
		unsigned long tl = 16;
		uint8_t dummy = 0;

		if (gcm_memory(idx, key, (unsigned long)kl, iv, 12, al ? data : &dummy, al,
			       n ? (uint8_t *)(uintptr_t)(data + al) : &dummy, n, n ? a : &dummy,
			       ta, &tl, GCM_ENCRYPT) != CRYPT_OK)
			abort();
		if (aes_ct_gcm_init(&g, key, kl) != 0)
			abort();
		aes_ct_gcm_crypt(&g, iv, data, al, data + al, b, n, tb, 0);
		agree(a, b, n);
		agree(ta, tb, 16);
		aes_ct_gcm_crypt(&g, iv, data, al, b, b, n, tb, 1);
		agree(data + al, b, n);
		agree(ta, tb, 16);
	}
	return 0;
}
