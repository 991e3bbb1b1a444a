/* aes_taint.c: the portable AES and GCM (common/crypto/aes_ct.c, ghash_ct.c) take no
 * branch and form no address from secrets. Run under valgrind's memcheck (the ctgrind
 * technique): key, IV, nonce and data are marked undefined, so memcheck reports every
 * conditional jump or memory index that depends on them. tests/interop/
 * test_constant_time.py builds and runs it; "ltc" as the argument runs libtomcrypt's
 * table-based AES instead, which must be reported (the check itself works). */
#include <string.h>
#include <tomcrypt.h>
#include <valgrind/memcheck.h>

#include "crypto/aes_ct.h"

int main(int argc, char **argv)
{
	uint8_t key[32], iv[16], in[300], out[300], tag[16];

	memset(key, 7, sizeof key);
	memset(iv, 9, sizeof iv);
	memset(in, 3, sizeof in);
	VALGRIND_MAKE_MEM_UNDEFINED(key, sizeof key);
	VALGRIND_MAKE_MEM_UNDEFINED(iv, sizeof iv);
	VALGRIND_MAKE_MEM_UNDEFINED(in, sizeof in);
	if (argc > 1 && strcmp(argv[1], "ltc") == 0) {
		symmetric_key sk;
		(void)aes_setup(key, 16, 0, &sk);
		(void)aes_ecb_encrypt(in, out, &sk);
		return 0;
	}
	for (size_t kl = 16; kl <= 32; kl += 8) {
		struct aes_ct_ctr c;
		struct aes_ct_gcm g;

		if (aes_ct_ctr_init(&c, key, kl, iv) != 0 || aes_ct_gcm_init(&g, key, kl) != 0)
			return 2;
		aes_ct_ctr_crypt(&c, in, out, 7); /* a partial block, then across blocks */
		aes_ct_ctr_crypt(&c, in + 7, out + 7, sizeof in - 7);
		aes_ct_gcm_crypt(&g, iv, in, 13, in + 13, out, 287, tag, 0);
		aes_ct_gcm_crypt(&g, iv, in, 13, in + 13, out, 287, tag, 1);
		if (aes_ct_cbc_decrypt(key, kl, iv, in, out, 288) != 0)
			return 2;
	}
	return 0;
}
