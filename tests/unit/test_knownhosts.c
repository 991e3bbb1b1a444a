/* known_hosts lines (plain, lists, [host]:port, hashed |1| made by ssh-keygen -H,
 * @revoked, changed keys, other types, malformed lines) and host patterns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "err.h"
#include "harness.h"
#include "knownhosts.h"

/* An Ed25519 key and two lines ssh-keygen -H wrote for it: "[127.0.0.1]:2222" and
 * "example.com". */
#define KEY_B64 "AAAAC3NzaC1lZDI1NTE5AAAAIOMOdvxhrdSFbL+SEcd4OQFtv6+JSWxiWml/a5sHw0mo"
#define OTHER_B64 "AAAAC3NzaC1lZDI1NTE5AAAAIKTg0X+ZzZxvV1kyCmq+vtxnpEp6ex6QE1K2MAI2bPzv"
#define HASHED_PORT "|1|H/4+XRzhILFl41NjnuDxo7F3yno=|/GUyIonLKv97mea5jGAw/d3kMuA="
#define HASHED_NAME "|1|+oY23K88IbRR6TN4ZZKZpi4YCg4=|APNWvwLpCQEcz5fJjYQWyGzCmnQ="

static uint8_t blob[64];
static size_t bloblen;

static void setup(void)
{
	bloblen = sizeof(blob);
	if (crypto_init() || base64_dec(KEY_B64, strlen(KEY_B64), blob, &bloblen))
		abort();
}

static struct kh_check check(const char *name, const char *text)
{
	struct kh_check st;

	memset(&st, 0, sizeof(st));
	st.name = name;
	st.keytype = "ssh-ed25519";
	st.blob = blob;
	st.bloblen = bloblen;
	knownhosts_check_text(&st, text, strlen(text));
	return st;
}

static void test_patterns(void)
{
	CHECK(host_pattern_match("host.example.com", "*.example.com", 13));
	CHECK(host_pattern_match("HOST", "host", 4));
	CHECK(host_pattern_match("a", "?", 1));
	CHECK(!host_pattern_match("ab", "?", 1));
	CHECK(host_pattern_match("", "*", 1));
	CHECK(host_pattern_match("abc", "a*c", 3));
	CHECK(!host_pattern_match("abd", "a*c", 3));
	CHECK(host_pattern_match("aXbXc", "*b*c", 4));
	CHECK(host_pattern_list("h1", "h0,h1", 5, ",") == 1);
	CHECK(host_pattern_list("h1", "h*,!h1", 6, ",") == -1);
	CHECK(host_pattern_list("h2", "h*,!h1", 6, ",") == 1);
	CHECK(host_pattern_list("x", "h*", 2, ",") == 0);
	CHECK(host_pattern_list("x", ",,!", 3, ",") == 0);
	/* a pathological pattern stays linear-ish (no exponential backtracking) */
	CHECK(!host_pattern_match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
	                          "*a*a*a*a*a*a*a*a*a*a*a*a*c", 26));
}

static void test_name(void)
{
	char n[KH_MAX_NAME];
	CHECK_OK(knownhosts_name("h", 22, n, sizeof(n)));
	CHECK(strcmp(n, "h") == 0);
	CHECK_OK(knownhosts_name("127.0.0.1", 2222, n, sizeof(n)));
	CHECK(strcmp(n, "[127.0.0.1]:2222") == 0);
	CHECK(knownhosts_name("127.0.0.1", 2222, n, 5) == ERR_TOOBIG);
	/* lowercased: a hashed line for example.com (ssh-keygen -H) is found whatever
	 * case the host was typed in, so that a changed key is not taken for a new host */
	CHECK_OK(knownhosts_name("Example.COM", 2222, n, sizeof(n)));
	CHECK(strcmp(n, "[example.com]:2222") == 0);
	CHECK_OK(knownhosts_name("EXAMPLE.com", 22, n, sizeof(n)));
	CHECK(strcmp(n, "example.com") == 0);
	CHECK(check(n, HASHED_NAME " ssh-ed25519 " OTHER_B64 "\n").status == KH_CHANGED);
}

static void test_plain(void)
{
	struct kh_check st;

	st = check("h1", "# comment\n\nh0,h1 ssh-ed25519 " KEY_B64 " c\n");
	CHECK(st.status == KH_OK && st.line == 3);
	CHECK(st.types_seen == 1u << KEY_ED25519);
	st = check("[127.0.0.1]:2222", "[127.0.0.1]:2222 ssh-ed25519 " KEY_B64 "\n");
	CHECK(st.status == KH_OK);
	st = check("127.0.0.1", "[127.0.0.1]:2222 ssh-ed25519 " KEY_B64 "\n");
	CHECK(st.status == KH_UNKNOWN && st.line == 0);
	st = check("H1", "*.x,h? ssh-ed25519 " KEY_B64 "\r\n");
	CHECK(st.status == KH_OK);
	st = check("h1", "h*,!h1 ssh-ed25519 " KEY_B64 "\n");
	CHECK(st.status == KH_UNKNOWN);
	st = check("h1", "\t h1\tssh-ed25519  " KEY_B64);
	CHECK(st.status == KH_OK && st.line == 1);
}

static void test_hashed(void)
{
	struct kh_check st;

	st = check("[127.0.0.1]:2222", HASHED_PORT " ssh-ed25519 " KEY_B64 "\n");
	CHECK(st.status == KH_OK);
	st = check("example.com", HASHED_PORT " ssh-ed25519 " KEY_B64 "\n" HASHED_NAME
	                          " ssh-ed25519 " KEY_B64 "\n");
	CHECK(st.status == KH_OK && st.line == 2);
	st = check("example.org", HASHED_NAME " ssh-ed25519 " KEY_B64 "\n");
	CHECK(st.status == KH_UNKNOWN);
	/* malformed hashes are skipped */
	st = check("example.com", "|1|+oY23K88IbRR6TN4ZZKZpi4YCg4= ssh-ed25519 " KEY_B64 "\n"
	                          "|1||APNWvwLpCQEcz5fJjYQWyGzCmnQ= ssh-ed25519 " KEY_B64 "\n"
	                          "|1|+oY23K88IbRR6TN4ZZKZpi4YCg4=|APNW ssh-ed25519 " KEY_B64 "\n"
	                          "|2|+oY23K88IbRR6TN4ZZKZpi4YCg4=|APNWvwLpCQEcz5fJjYQWyGzCmnQ= "
	                          "ssh-ed25519 " KEY_B64 "\n");
	CHECK(st.status == KH_UNKNOWN);
}

static void test_changed_revoked_other(void)
{
	struct kh_check st;

	st = check("h", "h ssh-ed25519 " OTHER_B64 "\n");
	CHECK(st.status == KH_CHANGED && st.line == 1);
	/* a matching line anywhere wins over a changed one */
	st = check("h", "h ssh-ed25519 " OTHER_B64 "\nh ssh-ed25519 " KEY_B64 "\n");
	CHECK(st.status == KH_OK && st.line == 2);
	st = check("h", "h ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7\n");
	CHECK(st.status == KH_OTHER_TYPE);
	CHECK(st.types_seen == 1u << KEY_RSA);
	st = check("h", "h ssh-ed25519 " KEY_B64 "\n@revoked * ssh-ed25519 " KEY_B64 "\n");
	CHECK(st.status == KH_REVOKED && st.line == 2);
	st = check("h", "@revoked * ssh-ed25519 " OTHER_B64 "\nh ssh-ed25519 " KEY_B64 "\n");
	CHECK(st.status == KH_OK);
	st = check("h", "@cert-authority * ssh-ed25519 " KEY_B64 "\n");
	CHECK(st.status == KH_UNKNOWN);
}

static void test_malformed(void)
{
	static const char *bad[] = {
	        "h", "h ssh-ed25519", "h ssh-ed25519 !!!!", "@revoked", "@revoked h ssh-ed25519",
	        "@bogus h ssh-ed25519 " KEY_B64, "h ssh-ed25519 " KEY_B64 "=", "#h ssh-ed25519 " KEY_B64,
	        "|1|", "|1|||", "||| ssh-ed25519 " KEY_B64,
	};
	struct kh_check st;
	char nul[] = "h ssh-ed25519 " KEY_B64;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st = check("h", bad[i]);
		CHECK(st.status == KH_UNKNOWN);
	}
	memset(&st, 0, sizeof(st));
	st.name = "h";
	st.keytype = "ssh-ed25519";
	st.blob = blob;
	st.bloblen = bloblen;
	nul[1] = 0; /* an embedded NUL makes the line malformed */
	knownhosts_check_line(&st, nul, sizeof(nul) - 1, 1);
	CHECK(st.status == KH_UNKNOWN);
}

static void test_write(void)
{
	struct key *k = NULL;
	struct buf out, b;
	struct kh_check st;
	uint8_t kb[128];

	CHECK_OK(key_from_blob(blob, bloblen, &k));
	CHECK_OK(buf_init(&out, 64, 4096));
	CHECK_OK(knownhosts_line("[127.0.0.1]:2222", k, &out));
	CHECK(out.len == strlen("[127.0.0.1]:2222 ssh-ed25519 " KEY_B64 "\n"));
	CHECK(memcmp(out.data, "[127.0.0.1]:2222 ssh-ed25519 " KEY_B64 "\n", out.len) == 0);
	CHECK(knownhosts_line("a b", k, &out) == ERR_INVALID);
	CHECK(knownhosts_line("a\nb", k, &out) == ERR_INVALID);
	CHECK(knownhosts_line("", k, &out) == ERR_INVALID);
	/* a name that would read back as a pattern, negation, hash or marker */
	CHECK(knownhosts_line("*", k, &out) == ERR_INVALID);
	CHECK(knownhosts_line("a?c", k, &out) == ERR_INVALID);
	CHECK(knownhosts_line("!h", k, &out) == ERR_INVALID);
	CHECK(knownhosts_line("|1|x", k, &out) == ERR_INVALID);
	CHECK(knownhosts_line("@revoked", k, &out) == ERR_INVALID);
	/* what we write, we read back */
	buf_init(&b, 64, 4096);
	key_put_blob(k, &b);
	memcpy(kb, b.data, b.len);
	memset(&st, 0, sizeof(st));
	st.name = "[127.0.0.1]:2222";
	st.keytype = "ssh-ed25519";
	st.blob = kb;
	st.bloblen = b.len;
	knownhosts_check_text(&st, (const char *)out.data, out.len);
	CHECK(st.status == KH_OK);
	buf_free(&b);
	buf_free(&out);
	key_free(k);
}

int main(void)
{
	setup();
	RUN(test_patterns);
	RUN(test_name);
	RUN(test_plain);
	RUN(test_hashed);
	RUN(test_changed_revoked_other);
	RUN(test_malformed);
	RUN(test_write);
	return harness_done("test_knownhosts");
}
