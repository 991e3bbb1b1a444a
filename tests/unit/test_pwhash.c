/* common/pwhash.c: bcrypt, SHA-crypt and yescrypt against published vectors (Drepper's
 * "Unix crypt using SHA-256 and SHA-512", the vectors of Openwall's crypt_blowfish and of
 * OpenBSD's bcrypt regress, libxcrypt's known-answer table for $y$), against the
 * system's libxcrypt crypt_r on a few hundred generated cases each (passwords with 8-bit
 * bytes and of bcrypt's boundary lengths, settings valid and malformed, yescrypt's
 * parameters varied), and its refusals of malformed settings. */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "harness.h"
#include "options.h"
#include "pwhash.h"

static void check_vector(const char *pw, const char *setting, const char *want)
{
	char out[PWHASH_MAX];
	int r = pwhash_crypt(pw, setting, out);
	CHECK(r == 0);
	CHECK(strcmp(out, want) == 0);
	if (r || strcmp(out, want))
		fprintf(stderr, "  setting %s: got %s\n", setting, out);
	/* the stored hash is a setting too: the same hash comes back */
	CHECK(pwhash_crypt(pw, want, out) == 0 && strcmp(out, want) == 0);
}

static void test_sha_crypt_vectors(void)
{
	/* Drepper's specification, section "Test vectors" (but for rounds=10: see below) */
	static const char *v[][3] = {
		{ "Hello world!", "$5$saltstring",
		  "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5" },
		{ "Hello world!", "$5$rounds=10000$saltstringsaltstring",
		  "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA" },
		{ "This is just a test", "$5$rounds=5000$toolongsaltstring",
		  "$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5" },
		{ "a very much longer text to encrypt.  This one even stretches over morethan one line.",
		  "$5$rounds=1400$anotherlongsaltstring",
		  "$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1" },
		{ "we have a short salt string but not a short password", "$5$rounds=77777$short",
		  "$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/" },
		{ "a short string", "$5$rounds=123456$asaltof16chars..",
		  "$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD" },
		{ "Hello world!", "$6$saltstring",
		  "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1" },
		{ "Hello world!", "$6$rounds=10000$saltstringsaltstring",
		  "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v." },
		{ "This is just a test", "$6$rounds=5000$toolongsaltstring",
		  "$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0" },
		{ "a very much longer text to encrypt.  This one even stretches over morethan one line.",
		  "$6$rounds=1400$anotherlongsaltstring",
		  "$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1" },
		{ "we have a short salt string but not a short password", "$6$rounds=77777$short",
		  "$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0" },
		{ "a short string", "$6$rounds=123456$asaltof16chars..",
		  "$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1" },
	};
	char out[PWHASH_MAX];
	size_t i;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_vector(v[i][0], v[i][1], v[i][2]);
	/* The specification's rounds=10 vector clamps to 1000; libxcrypt, whose hashes we
	 * check, refuses rounds below 1000 instead, and so do we. */
	CHECK(pwhash_crypt("the minimum number is still observed", "$6$rounds=10$roundstoolow",
	                   out) == ERR_INVALID);
	CHECK(out[0] == 0);
}

static void test_bcrypt_vectors(void)
{
	static const char *v[][2] = {
		/* Openwall crypt_blowfish's wrapper.c tests */
		{ "U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW" },
		{ "U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK" },
		{ "U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a" },
		{ "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored",
		  "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui" },
		{ "\xa3", "$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq" },
		{ "\xa3", "$2a$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq" },
		{ "\xa3", "$2b$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq" },
		{ "1\xa3" "345", "$2y$05$/OK.fbVrR/bpIqNJ5ianF.ykhStlibHmUn6GomsWXnJvyvZx4vmvy" },
		{ "\xff\xa3" "345", "$2y$05$/OK.fbVrR/bpIqNJ5ianF.nRht2l/HRhr6zmCp9vYUvvsqynflf9e" },
		{ "\xff\xa3" "345", "$2a$05$/OK.fbVrR/bpIqNJ5ianF.nRht2l/HRhr6zmCp9vYUvvsqynflf9e" },
		/* $2a$'s countermeasure: these bytes read with the old sign-extension bug give
		 * the same key, so $2a$ deviates ($2b$/$2y$ do not) */
		{ "\xff\xff\xa3", "$2a$05$/OK.fbVrR/bpIqNJ5ianF.nqd1wy.pTMdcvrRWxyiGL2eMz.2a85." },
		{ "\xff\xff\xa3", "$2b$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e" },
		{ "", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy" },
		/* OpenBSD regress/lib/libc/crypt */
		{ "", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s." },
		{ "a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe" },
		{ "abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i" },
		{ "abcdefghijklmnopqrstuvwxyz",
		  "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC" },
		{ "~!@#$%^&*()      ~!@#$%^&*()PNBFRD",
		  "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO" },
	};
	size_t i;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_vector(v[i][0], v[i][1], v[i][1]);
}

/* Settings libxcrypt's crypt_r refuses (tested against it below as well). */
static void test_malformed(void)
{
	static const char *bad[] = {
		"$2b$03$CCCCCCCCCCCCCCCCCCCCC.", /* cost below 4 */
		"$2b$32$CCCCCCCCCCCCCCCCCCCCC.", /* cost above 31 */
		"$2b$40$CCCCCCCCCCCCCCCCCCCCC.",
		"$2b$5$CCCCCCCCCCCCCCCCCCCCCC.",
		"$2b$0a$CCCCCCCCCCCCCCCCCCCCC.",
		"$2b$05CCCCCCCCCCCCCCCCCCCCCC.",
		"$2b$05$CCCCCCCCCCCCCCCCCCCC", /* salt too short */
		"$2b$05$",
		"$2b$",
		"$2a$05$CCCCCCCCCCCCCCCCCCCC_.", /* not in bcrypt's alphabet */
		"$2y$05$CCCCCCCCCCCCCCCCCCCC$.",
		"$2b$05$CCCCCCCCCCCCCCCCCCCCC!", /* crypt(5)'s excluded characters */
		"$6$rounds=999$salt", "$6$rounds=0$salt", "$6$rounds=abc$salt",
		"$6$rounds=01000$salt", "$6$rounds=1000000000$salt", "$6$rounds=99999999999999999999$s",
		"$6$rounds=$salt", "$6$rounds=1000", "$6$rounds=1000x$salt", "$6$rounds=-1000$salt",
		"$5$rounds= 1000$salt", "$5$rounds=+1000$salt",
		"$6$sa:lt", "$6$sa lt", "$6$salt\n", "$6$sa\x80lt", "$6$sa*lt", "$6$sa;lt",
		"$5$sa\\lt", "$5$salt$hash!", "$5$\tsalt",
	};
	char out[PWHASH_MAX], longpw[PWHASH_MAX_PASSWORD + 2];
	size_t i;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(out, 'x', sizeof(out));
		CHECK(pwhash_crypt("password", bad[i], out) == ERR_INVALID);
		CHECK(out[0] == 0);
	}
	/* kinds it leaves to crypt_r */
	CHECK(!pwhash_known("$2x$05$CCCCCCCCCCCCCCCCCCCCC.") && !pwhash_known("$1$salt$") &&
	      !pwhash_known("$7$") && !pwhash_known("") && !pwhash_known("$2$") &&
	      !pwhash_known("$6") && !pwhash_known("6$salt") && !pwhash_known("$gy$j9T$salt") &&
	      !pwhash_known("$y") && !pwhash_known("y$j9T$salt"));
	CHECK(pwhash_known("$y$j9T$salt$hash") == DB_OWN_YESCRYPT);
	CHECK(pwhash_crypt("pw", "$7$C6..../....SodiumChloride", out) == ERR_UNSUPPORTED);
#if !DB_OWN_YESCRYPT
	CHECK(pwhash_crypt("pw", "$y$j9T$salt", out) == ERR_UNSUPPORTED);
#endif
	CHECK(pwhash_known("$2a$") && pwhash_known("$2b$") && pwhash_known("$2y$") &&
	      pwhash_known("$5$") && pwhash_known("$6$"));
	/* the longest password crypt_r takes, and one byte more */
	memset(longpw, 'p', sizeof(longpw));
	longpw[PWHASH_MAX_PASSWORD] = 0;
	CHECK(pwhash_crypt(longpw, "$5$rounds=1000$s", out) == 0);
	longpw[PWHASH_MAX_PASSWORD] = 'p';
	longpw[PWHASH_MAX_PASSWORD + 1] = 0;
	CHECK(pwhash_crypt(longpw, "$5$rounds=1000$s", out) == ERR_INVALID);
	CHECK(pwhash_crypt(longpw, "$2b$04$CCCCCCCCCCCCCCCCCCCCC.", out) == ERR_INVALID);
}

/* ---- differential test against the system's crypt_r (Debian's libxcrypt) */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16) % n;
}

static void random_password(char *pw, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++)
		pw[i] = (char)(rnd(4) ? 0x20 + rnd(0x5f) : 1 + rnd(255)); /* some 8-bit, no NUL */
	pw[len] = 0;
}

static const char bf_alpha[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/* salt characters for SHA-crypt: its base64, then the ones it or crypt(5) treat apart */
static const char sha_alpha[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "$$$:*!;\\ \x80\xff~-_=";

static void random_setting(char *s, size_t size)
{
	char salt[32];
	size_t i, n;
	static const char *rounds[] = { "", "", "", "rounds=1000$", "rounds=999$", "rounds=5000$",
		                        "rounds=0$", "rounds=abc$", "rounds=1001$", "rounds=01000$",
		                        "rounds=1000", "rounds=1234$" };
	static const char *tails[] = { "", "", "", "$", "$garbage", "$.../", "!", "$$" };

	if (rnd(2)) { /* bcrypt */
		static const char sub[] = "aby";
		unsigned cost = rnd(8) ? 4 + rnd(2) : rnd(40); /* mostly 4-5, sometimes refused */
		n = rnd(8) ? 22 : rnd(26);
		for (i = 0; i < n; i++)
			salt[i] = rnd(30) ? bf_alpha[rnd(64)] : sha_alpha[rnd(sizeof(sha_alpha) - 1)];
		salt[n] = 0;
		if (cost > 5 && cost < 32)
			cost = 3; /* refused, and quick: nothing slow is computed */
		snprintf(s, size, "$2%c$%02u$%s%s", sub[rnd(3)], cost, salt,
		         rnd(4) ? "" : tails[rnd(8)]);
	} else {
		n = rnd(21);
		for (i = 0; i < n; i++)
			salt[i] = rnd(6) ? sha_alpha[rnd(64)] : sha_alpha[rnd(sizeof(sha_alpha) - 1)];
		salt[n] = 0;
		snprintf(s, size, "$%c$%s%s%s", rnd(2) ? '5' : '6', rounds[rnd(12)], salt,
		         tails[rnd(8)]);
	}
}

static int n_hashed, n_refused;

static int differ(const char *pw, const char *setting)
{
	static struct crypt_data cd;
	char out[PWHASH_MAX];
	const char *h;
	int r;

	memset(&cd, 0, sizeof(cd));
	h = crypt_r(pw, setting, &cd);
	r = pwhash_crypt(pw, setting, out);
	if (!h || h[0] == '*') {
		n_refused++;
		return r != ERR_INVALID;
	}
	n_hashed++;
	return r != 0 || strcmp(h, out) != 0;
}

static void test_against_crypt_r(void)
{
	static const size_t bf_lens[] = { 71, 72, 73, 255, 256, 300, 511 };
	char pw[PWHASH_MAX_PASSWORD + 1], setting[128];
	int i, bad = 0;

	for (i = 0; i < 400; i++) {
		random_password(pw, rnd(101));
		random_setting(setting, sizeof(setting));
		if (differ(pw, setting)) {
			fprintf(stderr, "  differs from crypt_r: setting \"%s\", password length %zu\n",
			        setting, strlen(pw));
			bad++;
		}
	}
	/* bcrypt's key is 72 bytes: the NUL counts up to 71, nothing past 72 does */
	for (i = 0; i < 42; i++) {
		char s[64];
		random_password(pw, bf_lens[i % 7]);
		snprintf(s, sizeof(s), "$2%c$04$%.22s", "aby"[i % 3],
		         "CCCCCCCCCCCCCCCCCCCCC.abcdefghijklmnopqrstuu" + (i % 20));
		if (differ(pw, s)) {
			fprintf(stderr, "  differs from crypt_r: setting %s, password length %zu\n", s,
			        strlen(pw));
			bad++;
		}
		/* bytes past the 72nd change nothing */
		if (strlen(pw) > 72) {
			char h1[PWHASH_MAX], h2[PWHASH_MAX];
			CHECK(pwhash_crypt(pw, s, h1) == 0);
			pw[72] = 0;
			CHECK(pwhash_crypt(pw, s, h2) == 0 && strcmp(h1, h2) == 0);
		}
	}
	/* $2a$'s countermeasure: words whose 8-bit bytes follow 0xff bytes */
	{
		static const char *pws[] = { "\xff\xff\xff\x80", "\xff\xa3" "345", "\xff\xff\xa3",
			                     "a\xff\xff\xa3", "\xff\xff\xff\xff\xff\xff\xff\x81" };
		static const char subs[] = "aby";
		size_t k, j;
		for (k = 0; k < sizeof(pws) / sizeof(pws[0]); k++)
			for (j = 0; j < 3; j++) {
				char s[64];
				snprintf(s, sizeof(s), "$2%c$04$CCCCCCCCCCCCCCCCCCCCC.", subs[j]);
				CHECK(!differ(pws[k], s));
			}
	}
	CHECK(bad == 0);
	/* both sides of the generator are exercised (273 and 184 when written) */
	CHECK(n_hashed > 200 && n_refused > 100);
}

/* ---- yescrypt ($y$, common/yescrypt.c) */
#if DB_OWN_YESCRYPT

static void test_yescrypt_vectors(void)
{
	/* libxcrypt 4.4's known-answer table (test/ka-table.inc), every 23rd $y$ entry */
	static const char *v[][3] = {
		{ "$y$j75$.......",
		  "$y$j75$.......$/FQush7wojITE6a6KwAF4pUyKZAyYRCYJdWcgqjTeS7",
		  "" },
		{ "$y$j85$LdJMENpBABJJ3hIHjB1Bi.",
		  "$y$j85$LdJMENpBABJJ3hIHjB1Bi.$kR.1Y8IoXykHJ.i8QnvTf2TYwxwkBPetGGV.3ViURz5",
		  "U*U" },
		{ "$y$j85$.......",
		  "$y$j85$.......$rLtG.1kRrOgsaFU7xyyZoKNy0lPRiYMhPPf0AksWSq1",
		  "DrAgOn" },
		{ "$y$j75$LdJMENpBABJJ3hIHjB1Bi.",
		  "$y$j75$LdJMENpBABJJ3hIHjB1Bi.$B1Dn5/XFjZtl5m/6QQGgMXKU2YjIfn55mTp/1dhNzgA",
		  "zyxwvuts" },
		{ "$y$j75$.......",
		  "$y$j75$.......$GfJb5gz8E0YlFwUeUe9gtTByiY6jyyF6tq8FfAAZKN.",
		  "cr1234567" },
		{ "$y$j85$LdJMENpBABJJ3hIHjB1Bi.",
		  "$y$j85$LdJMENpBABJJ3hIHjB1Bi.$S9GqWx7GF2Q5jW5H8/qq1scRC50qcW4adkHzuyaxZL8",
		  "porsche911" },
		{ "$y$j85$.......",
		  "$y$j85$.......$U4y9nIzgWDQB5wfu9aokmtWp1kZZ7gc0/uAyUApZMp8",
		  "zxyDPWgydbQjgq" },
		{ "$y$j75$LdJMENpBABJJ3hIHjB1Bi.",
		  "$y$j75$LdJMENpBABJJ3hIHjB1Bi.$kMOB3hGOWm.5ay03gv7xY0ChoYNnOOjbDPO6c/pLZY4",
		  "palaeogeographically" },
		{ "$y$j75$.......",
		  "$y$j75$.......$acP22XrS6a5ERFUnUGxoj1WeSmiDxol0QFWG7XmoXG8",
		  "cyclotrimethylenetrinitramine" },
		{ "$y$j85$LdJMENpBABJJ3hIHjB1Bi.",
		  "$y$j85$LdJMENpBABJJ3hIHjB1Bi.$jZxEeajWFN6X0CWs6oQH0EFM3ubVpLJGiWeGnWZTS29",
		  "multiple word$ $eperated by $pace$ and $pecial character$" },
		{ "$y$j85$.......",
		  "$y$j85$.......$TDInLXdLRdgX0yoH1eqjObMhhNl3cXEP6fhIILsLSKC",
		  "\xe1\xec\xe5\xf8\xe1\xee\xe4\xe5\xf2" },
		{ "$y$j75$LdJMENpBABJJ3hIHjB1Bi.",
		  "$y$j75$LdJMENpBABJJ3hIHjB1Bi.$iWMKU2bvms4.GDbSDRAmF0o7gWE012ofo5MdVrxbDh5",
		  "ChlC6e" },
		{ "$y$j75$.......",
		  "$y$j75$.......$qxSShULhb08vkDQc2O4yVLmWnj/4lT8bR5DO2hcDV91",
		  "U*U*U*U*ignored" },
		{ "$y$j85$LdJMENpBABJJ3hIHjB1Bi.",
		  "$y$j85$LdJMENpBABJJ3hIHjB1Bi.$y1ICnDFiIXV7IU8HwEvY0g00jplC2qKfQI56fmr03pC",
		  "\xa3" },
		{ "$y$j85$.......",
		  "$y$j85$.......$k4Gk5Q2bCNWNNjYxdhJTYBIXulJrQYkb/RphrrcUae/",
		  "\xff\xa3""345" },
		{ "$y$j75$LdJMENpBABJJ3hIHjB1Bi.",
		  "$y$j75$LdJMENpBABJJ3hIHjB1Bi.$rOvJTqqIT7O0IxWztHPXlwM51x8OH6TDccKgvETfzEB",
		  "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa" },
	};
	char out[PWHASH_MAX];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_vector(v[i][2], v[i][0], v[i][1]);
	/* Debian's default (cost 5, 16 MiB, with the pre-hash pass), as its crypt_r wrote it */
	check_vector("correct horse battery staple", "$y$j9T$PKAVw8ZLPs1PuwGmNEAXH.",
	             "$y$j9T$PKAVw8ZLPs1PuwGmNEAXH.$BMG.joQHzqE/S02QuRNG7LEOylPdeBtu58XPe3PGDg/");
	/* an empty salt is one */
	check_vector("pw", "$y$j9T$", "$y$j9T$$35/RtcSpQnsp9pKBilplwTCR/Z6e.uNV.3aZKZzHYd6");
	/* beyond our bounds (yescrypt.h): refused before any allocation, where libxcrypt
	 * tries (N = 2^31 with r = 1: 256 GiB; cost 12: 2 GiB; t = 9, which it hashes) */
	CHECK(pwhash_crypt("pw", "$y$jS.$salt", out) == ERR_TOOBIG && out[0] == 0);
	CHECK(pwhash_crypt("pw", "$y$jGT$salt", out) == ERR_TOOBIG && out[0] == 0);
	CHECK(pwhash_crypt("pw", "$y$j9T/6$salt", out) == ERR_TOOBIG && out[0] == 0);
}

/* yescrypt's variable-length number (the inverse of common/yescrypt.c's y_num) */
static char *y_enc(char *o, uint32_t v, uint32_t min)
{
	static const char a64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint32_t start = 0, end = 47, n = 1, bits = 0;

	v -= min;
	while (v >= (end + 1 - start) << bits) {
		v -= (end + 1 - start) << bits;
		start = end + 1;
		end = start + (62 - end) / 2;
		n++;
		bits += 6;
	}
	*o++ = a64[start + (v >> bits)];
	while (--n) {
		bits -= 6;
		*o++ = a64[(v >> bits) & 63];
	}
	*o = 0;
	return o;
}

/* YESCRYPT_MAX_WORK: little memory (WORM, N = 2^13, r = 2: 2 MiB) but p passes over it,
 * t = 2. p = 314 (2^23.9 blocks, fuzz_pwhash's slowest input: 2.3 s, not run here) is
 * allowed, p = 342 (just over 2^24) refused before any work. */
static void test_yescrypt_work_bound(void)
{
	char s[64], out[PWHASH_MAX], *o;

	o = s + 3;
	memcpy(s, "$y$", 3);
	o = y_enc(o, 1, 0);
	o = y_enc(o, 13, 1);
	o = y_enc(o, 2, 1);
	o = y_enc(o, 3, 1);
	o = y_enc(o, 342, 2);
	o = y_enc(o, 2, 1);
	strcpy(o, "$salt");
	CHECK(pwhash_crypt("pw", s, out) == ERR_TOOBIG && out[0] == 0);
}

/* A $y$ setting, mostly valid and cheap (N*r at most 2^14), else malformed in one way:
 * flavors other than 0, 1 and 47, N of 2 or 2^31 and up, r*p of 2^30 and up, g or a ROM,
 * t with classic scrypt, bad salt characters, lengths and trailing bits, junk after it.
 * 0 if the setting may ask for gigabytes (N of 2^20 and up, p of 2^29 with r*p below
 * 2^30), which libxcrypt would try to allocate: only ours is run on it. */
static int y_setting(char *s)
{
	static const char salt_alpha[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                                 "$:*! \x80~-";
	static const uint32_t flavors[] = { 0, 0, 1, 1, 47, 47, 47, 47, 47, 47, 47, 47,
		                            2, 46, 48, 257, 258, 1000000 };
	static const char *tails[] = { "", "", "", "$", "$hash", "$.../", "$$", "$a$b", "", "$" };
	uint32_t flavor = flavors[rnd(18)], nlog, r, p = 1, have = 0;
	size_t i, n;
	char *o = s;

	nlog = rnd(10) ? 2 + rnd(7) : (rnd(2) ? 1 : 31 + rnd(40));
	r = rnd(3) ? 1 + rnd(8) : 1 + rnd(1u << (14 - nlog % 12));
	memcpy(o, "$y$", 3), o += 3;
	o = y_enc(o, flavor, 0);
	o = y_enc(o, nlog, 1);
	o = y_enc(o, r, 1);
	if (!rnd(3)) {
		have = rnd(8) ? 1 + rnd(3) : 1 + rnd(40);
		o = y_enc(o, have, 1);
		if (have & 1) {
			p = rnd(20) ? 2 + rnd(3) : (uint32_t)1 << 29 | rnd(100);
			o = y_enc(o, p, 2);
		}
		if (have & 2)
			o = y_enc(o, 1 + rnd(3), 1);
		if (have & 4)
			o = y_enc(o, 1 + rnd(3), 1);
		if (have & 8)
			o = y_enc(o, 1 + rnd(70), 1);
	}
	if (rnd(60))
		*o++ = '$';
	/* mostly a valid salt: a last group of two or three characters has its unused high
	 * bits clear */
	n = rnd(8) ? rnd(30) : rnd(100);
	for (i = 0; i < n; i++)
		*o++ = rnd(300) ? salt_alpha[rnd(64)] : salt_alpha[rnd(sizeof(salt_alpha) - 1)];
	if (n % 4 > 1 && rnd(8))
		o[-1] = salt_alpha[rnd(n % 4 == 2 ? 4 : 16)];
	strcpy(o, tails[rnd(10)]);
	return nlog < 20 && ((uint64_t)r * p >= (uint32_t)1 << 30 || p < (uint32_t)1 << 29);
}

static void test_yescrypt_against_crypt_r(void)
{
	char pw[PWHASH_MAX_PASSWORD + 1], setting[256];
	int i, bad = 0;

	n_hashed = n_refused = 0;
	for (i = 0; i < 600; i++) {
		random_password(pw, rnd(8) ? rnd(40) : rnd(PWHASH_MAX_PASSWORD + 1));
		if (!y_setting(setting)) {
			char out[PWHASH_MAX];
			CHECK(pwhash_crypt(pw, setting, out) != 0 && out[0] == 0);
			continue;
		}
		if (differ(pw, setting)) {
			fprintf(stderr, "  differs from crypt_r: setting \"%s\", password length %zu\n",
			        setting, strlen(pw));
			bad++;
		}
	}
	CHECK(bad == 0);
	/* both sides of the generator are exercised (167 and 408 when written: all three
	 * flavors, p and t, r of up to three characters) */
	CHECK(n_hashed > 150 && n_refused > 150);
}

static void test_yescrypt_malformed(void)
{
	static const char *bad[] = {
		"$y$", "$y$j", "$y$j9", "$y$j9T", "$y$j9T", "$y$j9T/", "$y$j9T.", "$y$j9T5",
		"$y$j9T1$salt", /* have asks for g */
		"$y$j9T3$salt", /* have asks for g, the ROM */
		"$y$.9T/.$salt", /* classic scrypt with t */
		"$y$k9T$salt", "$y$i9T$salt", "$y$z9T$salt", "$y$j.T$salt", "$y$j~T$salt",
		"$y$jzT$salt", "$y$j9T$sa", "$y$j9T$s", "$y$j9T$sal~", "$y$j9T$salt$x$",
		/* one character of a group, unused bits set, five characters */
		"$y$j9T$/", "$y$j9T$zz", "$y$j9T$zzz", "$y$j9T$.zzzz", "$y$j9T$....z",
		/* 88 characters: 66 bytes of salt, two more than it takes */
		"$y$j9T$........................................................................................",
	};
	char out[PWHASH_MAX];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(out, 'x', sizeof(out));
		CHECK(!differ("password", bad[i]));
		CHECK(pwhash_crypt("password", bad[i], out) != 0 && out[0] == 0);
	}
}
#endif

int main(int argc, char **argv)
{
	(void)argc;
	RUN(test_sha_crypt_vectors);
	RUN(test_bcrypt_vectors);
	RUN(test_malformed);
	RUN(test_against_crypt_r);
#if DB_OWN_YESCRYPT
	RUN(test_yescrypt_vectors);
	RUN(test_yescrypt_work_bound);
	RUN(test_yescrypt_malformed);
	RUN(test_yescrypt_against_crypt_r);
#endif
	return harness_done(argv[0]);
}
