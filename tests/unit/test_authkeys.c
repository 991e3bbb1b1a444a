/* The authorized_keys line parser and the from= match (common/authkeys.c): plain keys,
 * every option we know, what makes a line not match, and malformed input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "err.h"
#include "harness.h"

#define ED "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEcSEp/Gs+YwO9aiIV+ZDTA3Mhq6iSoNYJpmwW3usGif"
#define EC                                                                                         \
	"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNvbC30a0UyCGp"   \
	"0Yrur6TxlLA9sj9kN2W67ZXcg5RUrTh+NBvdOMRmSUOkiSSjlQOUW+d33bikwCCsJO2Si8/00="

static struct authkeys_entry e;

static int parse(const char *s, int env)
{
	/* an exactly sized copy, so that ASan sees any read past the line */
	size_t n = strlen(s);
	char *p = malloc(n ? n : 1);
	int r;

	memcpy(p, s, n);
	r = authkeys_parse(p, n, env, &e);
	free(p);
	return r;
}

static void test_plain(void)
{
	CHECK(parse(ED, 0) == 0);
	CHECK(strcmp(e.type, "ssh-ed25519") == 0);
	CHECK(e.bloblen == 51);
	CHECK(memcmp(e.blob, "\0\0\0\x0bssh-ed25519", 15) == 0);
	CHECK(!e.opts.no_pty && !e.opts.command && !e.opts.from);
	CHECK(parse(ED " root@vm comment with spaces", 0) == 0);
	CHECK(parse("  \t" ED "\r", 0) == 0);
	CHECK(parse(EC " x", 0) == 0);
	CHECK(strcmp(e.type, "ecdsa-sha2-nistp256") == 0);
}

static void test_skip(void)
{
	CHECK(parse("", 0) == AUTHKEYS_SKIP);
	CHECK(parse("   \t ", 0) == AUTHKEYS_SKIP);
	CHECK(parse("# " ED, 0) == AUTHKEYS_SKIP);
	CHECK(parse("  #comment", 0) == AUTHKEYS_SKIP);
}

static void test_flags(void)
{
	CHECK(parse("no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding " ED, 0) == 0);
	CHECK(e.opts.no_pty && e.opts.no_port_fwd && e.opts.no_agent_fwd && e.opts.no_x11_fwd);
	CHECK(parse("NO-PTY " ED, 0) == 0); /* names are case-insensitive */
	CHECK(e.opts.no_pty && !e.opts.no_port_fwd);
	CHECK(parse("restrict " ED, 0) == 0);
	CHECK(e.opts.no_pty && e.opts.no_port_fwd && e.opts.no_agent_fwd && e.opts.no_x11_fwd);
	CHECK(parse("restrict,pty,port-forwarding " ED, 0) == 0);
	CHECK(!e.opts.no_pty && !e.opts.no_port_fwd && e.opts.no_agent_fwd && e.opts.no_x11_fwd);
	CHECK(parse("pty,restrict " ED, 0) == 0);
	CHECK(e.opts.no_pty);
	CHECK(parse("no-user-rc " ED, 0) == 0);
}

static void test_values(void)
{
	CHECK(parse("command=\"echo \\\"hi there\\\" \\\\n\" " ED, 0) == 0);
	CHECK(e.opts.command && strcmp(e.opts.command, "echo \"hi there\" \\\\n") == 0);
	CHECK(parse("command=\"\" " ED, 0) == 0);
	CHECK(e.opts.command && e.opts.command[0] == 0);
	CHECK(parse("from=\"10.0.0.0/8,!10.1.2.3\",no-pty " ED, 0) == 0);
	CHECK(e.opts.from && strcmp(e.opts.from, "10.0.0.0/8,!10.1.2.3") == 0 && e.opts.no_pty);
	CHECK(parse("permitopen=\"localhost:80\",permitopen=\"[::1]:22\",permitopen=\"h:*\" " ED,
	            0) == 0);
	CHECK(e.opts.npermitopen == 3 && strcmp(e.opts.permitopen[1], "[::1]:22") == 0);
	CHECK(parse("permitlisten=\"8080\",permitlisten=\"localhost:9000\" " ED, 0) == 0);
	CHECK(e.opts.npermitlisten == 2 && strcmp(e.opts.permitlisten[0], "8080") == 0);
	CHECK(parse("environment=\"FOO=bar baz\" " ED, 1) == 0);
	CHECK(e.opts.nenvironment == 1 && strcmp(e.opts.environment[0], "FOO=bar baz") == 0);
	/* a quoted value may hold blanks and commas */
	CHECK(parse("command=\"a, b\",no-pty " ED, 0) == 0);
	CHECK(strcmp(e.opts.command, "a, b") == 0 && e.opts.no_pty);
}

static void test_refused(void)
{
	/* environment= is checked for form either way */
	CHECK(parse("environment=\"=bar\" " ED, 1) == ERR_FORMAT);
	CHECK(parse("environment=\"=bar\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("environment=\"FOO\" " ED, 1) == ERR_FORMAT);
	CHECK(parse("environment=\"1X=y\" " ED, 1) == ERR_FORMAT);
	/* options we do not know, including OpenSSH's that change what a key means */
	CHECK(parse("cert-authority " ED, 0) == ERR_UNSUPPORTED);
	CHECK(parse("no-such-thing " ED, 0) == ERR_UNSUPPORTED);
	CHECK(parse("no-pty=\"x\" " ED, 0) == ERR_UNSUPPORTED);
	CHECK(parse("command " ED, 0) == ERR_UNSUPPORTED);
	/* one command, one from */
	CHECK(parse("command=\"a\",command=\"b\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("from=\"a\",from=\"b\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("from=\"\" " ED, 0) == ERR_FORMAT);
	/* bad permitopen / permitlisten */
	CHECK(parse("permitopen=\"localhost\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("permitopen=\":80\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("permitopen=\"h:0\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("permitopen=\"h:65536\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("permitopen=\"::1:22\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("permitopen=\"[]:22\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("permitlisten=\"x\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("permitlisten=\"h:\" " ED, 0) == ERR_FORMAT);
}

/* OpenSSH options a migrated file carries (issue 14): accepted, with what they mean here */
static void test_migrated(void)
{
	int64_t t;

	/* environment= not allowed: the key still matches, the value is dropped */
	CHECK(parse("environment=\"FOO=bar\" " ED, 0) == 0);
	CHECK(e.opts.nenvironment == 0);
	CHECK(parse("environment=\"FOO=bar\" " ED, 1) == 0);
	CHECK(e.opts.nenvironment == 1);
	/* expiry-time: three forms, local or UTC ('Z'); several: the earliest holds */
	CHECK(parse("expiry-time=\"20300102\" " ED, 0) == 0 && e.opts.expiry > 0);
	CHECK(parse("expiry-time=\"203001020304Z\" " ED, 0) == 0);
	CHECK(e.opts.expiry == 1893553440);
	CHECK(parse("expiry-time=\"20300102030405Z\",expiry-time=\"20010909014640Z\" " ED, 0) == 0);
	CHECK(e.opts.expiry == 1000000000);
	CHECK(parse("expiry-time=\"20010909014640Z\",expiry-time=\"20300102030405Z\" " ED, 0) == 0);
	CHECK(e.opts.expiry == 1000000000);
	CHECK(parse(ED, 0) == 0 && e.opts.expiry == 0);
	CHECK(authkeys_parse_time("19700101000001Z", &t) == 0 && t == 1);
	CHECK(authkeys_parse_time("20240229Z", &t) == 0 && t == 1709164800);
	/* tunnel=: a device number or "any"; principals=: any non-empty list */
	CHECK(parse("tunnel=\"0\" " ED, 0) == 0);
	CHECK(parse("tunnel=\"any\" " ED, 0) == 0);
	CHECK(parse("principals=\"x,y\" " ED, 0) == 0);
	CHECK(parse("no-touch-required,verify-required " ED, 0) == 0);
	/* SSH_PUBKEYINFO: the comment's first word, only when every character is safe */
	CHECK(parse(ED " alice@laptop rest of comment", 0) == 0);
	CHECK(e.opts.info && strcmp(e.opts.info, "alice@laptop") == 0);
	CHECK(parse("no-pty " ED " key-1.2_x+y,z", 0) == 0);
	CHECK(e.opts.info && strcmp(e.opts.info, "key-1.2_x+y,z") == 0);
	CHECK(parse(ED, 0) == 0 && e.opts.info == NULL);
	CHECK(parse(ED "   ", 0) == 0 && e.opts.info == NULL);
	CHECK(parse(ED " a$b", 0) == 0 && e.opts.info == NULL);
	CHECK(parse(ED " a;rm", 0) == 0 && e.opts.info == NULL);
	CHECK(parse(ED " 'q'", 0) == 0 && e.opts.info == NULL);
	CHECK(parse(ED " \xc3\xa9t\xc3\xa9", 0) == 0 && e.opts.info == NULL);
	/* Dropbear's reading: one space, then up to the next space (not a tab) */
	CHECK(parse(ED "  two", 0) == 0 && e.opts.info == NULL);
	CHECK(parse(ED "\tword", 0) == 0 && e.opts.info == NULL);
	CHECK(parse(ED " ok\tthen", 0) == 0 && e.opts.info == NULL);
	CHECK(parse(ED " ok\r", 0) == 0 && e.opts.info && strcmp(e.opts.info, "ok") == 0);
	{
		/* a NUL in the comment: the line may be refused, but never passes it on */
		static const char nul[] = ED " a\0b";
		int r = authkeys_parse(nul, sizeof(nul) - 1, 0, &e);
		CHECK(r == ERR_FORMAT || (r == 0 && e.opts.info == NULL));
	}
}

static void test_bad_times(void)
{
	static const char *const bad[] = {
		"", "Z", "2030", "203001", "2030010", "203001021", "2030010203", "203001020304050",
		"2030010203040506", "2030-01-02", "20301302", "20300132", "20300100", "20300002",
		"20300102240000", "20300102236000", "20300102235961", "19691231", "2030010x",
		"+2030102", " 20300102", "20300102 ", "20300102ZZ", "z20300102",
	};
	int64_t t;
	size_t i;
	char line[200];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(authkeys_parse_time(bad[i], &t) == ERR_FORMAT);
		snprintf(line, sizeof(line), "expiry-time=\"%s\" " ED, bad[i]);
		CHECK(parse(line, 0) == ERR_FORMAT);
	}
	/* tunnel= not a number */
	CHECK(parse("tunnel=\"\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("tunnel=\"-1\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("tunnel=\"1x\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("tunnel=\"1234567890\" " ED, 0) == ERR_FORMAT);
	CHECK(parse("principals=\"\" " ED, 0) == ERR_FORMAT);
}

static void test_too_many(void)
{
	char line[DB_MAX_AUTHKEYS_LINE + 2];
	int i;

	line[0] = 0;
	for (i = 0; i < DB_MAX_PERMIT + 1; i++)
		strcat(line, "permitopen=\"h:1\",");
	strcat(line, "no-pty " ED);
	CHECK(parse(line, 0) == ERR_TOOBIG);
	/* a line over the limit is refused whole */
	memset(line, ' ', sizeof(line) - 1);
	line[sizeof(line) - 1] = 0;
	memcpy(line + sizeof(line) - 1 - strlen(ED), ED, strlen(ED));
	CHECK(parse(line, 0) == ERR_TOOBIG);
}

static void test_malformed(void)
{
	CHECK(parse("ssh-ed25519", 0) == ERR_FORMAT);
	CHECK(parse("ssh-ed25519 ", 0) == ERR_FORMAT);
	CHECK(parse("ssh-ed25519 AAAA!!!!", 0) == ERR_FORMAT);
	CHECK(parse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEcSEp", 0) == ERR_FORMAT); /* bad pad */
	CHECK(parse("ssh-dss AAAAB3NzaC1kc3M=", 0) == ERR_UNSUPPORTED);
	CHECK(parse("sk-ssh-ed25519@openssh.com AAAA", 0) == ERR_UNSUPPORTED);
	/* the blob says ed25519, the line says ecdsa */
	CHECK(parse("ecdsa-sha2-nistp256 "
	            "AAAAC3NzaC1lZDI1NTE5AAAAIEcSEp/Gs+YwO9aiIV+ZDTA3Mhq6iSoNYJpmw"
	            "W3usGif",
	            0) == ERR_FORMAT);
	CHECK(parse("no-pty", 0) == ERR_FORMAT);
	CHECK(parse("no-pty,", 0) == ERR_FORMAT);
	CHECK(parse("no-pty,,no-pty " ED, 0) == ERR_FORMAT);
	CHECK(parse(",no-pty " ED, 0) == ERR_FORMAT);
	CHECK(parse("command=\"unterminated " ED, 0) == ERR_FORMAT);
	CHECK(parse("command=unquoted " ED, 0) == ERR_FORMAT);
	CHECK(parse("command=\"x\"junk " ED, 0) == ERR_FORMAT);
	CHECK(parse("no_pty " ED, 0) == ERR_FORMAT);
	CHECK(parse("garbage", 0) == ERR_FORMAT);
	{
		static const char nul[] = "no-pty\0 " ED;
		CHECK(authkeys_parse(nul, sizeof(nul) - 1, 0, &e) == ERR_FORMAT);
	}
}

static void test_wildcard(void)
{
	CHECK(authkeys_wildcard("*", 1, "anything"));
	CHECK(authkeys_wildcard("*", 1, ""));
	CHECK(authkeys_wildcard("127.0.0.?", 9, "127.0.0.1"));
	CHECK(!authkeys_wildcard("127.0.0.?", 9, "127.0.0.10"));
	CHECK(authkeys_wildcard("127.*.1", 7, "127.0.0.1"));
	CHECK(authkeys_wildcard("HOST*", 5, "host.example"));
	CHECK(!authkeys_wildcard("a*b", 3, "acbd"));
	CHECK(authkeys_wildcard("a*b*c*d", 7, "aXbYcZd"));
	CHECK(!authkeys_wildcard("", 0, "x"));
}

static void test_from(void)
{
	CHECK(authkeys_match_from("127.0.0.1", "127.0.0.1"));
	CHECK(!authkeys_match_from("127.0.0.1", "127.0.0.2"));
	CHECK(authkeys_match_from("10.*,127.0.0.*", "127.0.0.2"));
	CHECK(!authkeys_match_from("127.0.0.*,!127.0.0.2", "127.0.0.2"));
	CHECK(!authkeys_match_from("!127.0.0.2,127.0.0.*", "127.0.0.2"));
	CHECK(authkeys_match_from("!127.0.0.2,127.0.0.*", "127.0.0.3"));
	CHECK(!authkeys_match_from("!127.0.0.2", "127.0.0.3")); /* only negations: no match */
	CHECK(authkeys_match_from("127.0.0.0/8", "127.1.2.3"));
	CHECK(!authkeys_match_from("127.0.0.0/8", "128.1.2.3"));
	CHECK(authkeys_match_from("192.168.1.128/25", "192.168.1.200"));
	CHECK(!authkeys_match_from("192.168.1.128/25", "192.168.1.100"));
	CHECK(authkeys_match_from("0.0.0.0/0", "1.2.3.4"));
	CHECK(authkeys_match_from("::1/128", "::1"));
	CHECK(authkeys_match_from("2001:db8::/32", "2001:db8:1::5"));
	CHECK(!authkeys_match_from("2001:db8::/32", "127.0.0.1"));
	CHECK(!authkeys_match_from("127.0.0.0/8,!127.0.0.0/24", "127.0.0.9"));
	/* malformed CIDR: deny */
	CHECK(!authkeys_match_from("127.0.0.0/33,127.0.0.1", "127.0.0.1"));
	CHECK(!authkeys_match_from("127.0.0.0/x,127.0.0.1", "127.0.0.1"));
	CHECK(!authkeys_match_from("nonsense/8,127.0.0.1", "127.0.0.1"));
	CHECK(!authkeys_match_from("127.0.0.1,", "127.0.0.1"));
	CHECK(!authkeys_match_from("!", "127.0.0.1"));
}

int main(void)
{
	RUN(test_plain);
	RUN(test_skip);
	RUN(test_flags);
	RUN(test_values);
	RUN(test_refused);
	RUN(test_migrated);
	RUN(test_bad_times);
	RUN(test_too_many);
	RUN(test_malformed);
	RUN(test_wildcard);
	RUN(test_from);
	return harness_done("authkeys");
}
