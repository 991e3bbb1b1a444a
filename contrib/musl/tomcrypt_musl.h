/* tomcrypt_musl.h: the parts of libtomcrypt the static build compiles, put in front of
 * libtomcrypt's own tomcrypt_custom.h by contrib/musl/deps.sh. Only what common/
 * registers or calls: Blowfish (bcrypt_pbkdf of OpenSSH key files), ChaCha and Poly1305,
 * SHA-1/2, HMAC. No block cipher and no cipher modes: AES, CTR, CBC and GCM are our own
 * constant-time code (common/crypto/aes_ct.c, ghash_ct.c) or AES-NI. Public-key code stays
 * as Debian builds it; section GC drops what is not called. No PRNGs: common/crypto.c
 * registers its own. LTC_SMALL_CODE: rolled SHA-1/SHA-256 rounds, as Dropbear builds it;
 * SHA-NI machines use common/crypto/ instead anyway. ARGTYPE 4: an argument check that
 * fails returns CRYPT_INVALID_ARG (as every caller handles errors) instead of
 * crypt_argchk's fprintf to stderr and abort, which would link stdio. */
#define LTC_SMALL_CODE
#define ARGTYPE 4
#define LTC_NO_TEST
#define LTC_NO_FILE
#define LTC_NO_CIPHERS
#define LTC_BLOWFISH
#define LTC_CHACHA
#define LTC_NO_MODES
#define LTC_NO_HASHES
#define LTC_SHA1
#define LTC_SHA256
#define LTC_SHA384
#define LTC_SHA512
#define LTC_NO_MACS
#define LTC_HMAC
#define LTC_POLY1305
#define LTC_NO_PRNGS

