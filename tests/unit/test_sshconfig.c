/* The ssh_config parser: Host blocks with wildcards and negation, Match, first value
 * wins, -o lines, quoting, HostName %h, Include through the callback, unknown keywords
 * warned about and never fatal, malformed lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "harness.h"
#include "sshconfig.h"

static int nwarn;
static char lastwarn[256];

static void warn(void *arg, const char *file, unsigned line, const char *msg)
{
	(void)arg;
	nwarn++;
	snprintf(lastwarn, sizeof(lastwarn), "%s:%u: %s", file, line, msg);
}

static const char *included_text;
static int include(struct sshcfg *cfg, const struct sshcfg_ctx *ctx, const char *arg, int depth)
{
	if (strcmp(arg, "inc") != 0)
		return 0;
	return sshcfg_parse(cfg, ctx, "inc", included_text, strlen(included_text), depth);
}

static void parse(struct sshcfg *cfg, const char *host, const char *text)
{
	struct sshcfg_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.host = host;
	ctx.user = "me";
	ctx.localuser = "me";
	ctx.warn = warn;
	ctx.include = include;
	nwarn = 0;
	CHECK_OK(sshcfg_parse(cfg, &ctx, "cfg", text, strlen(text), 0));
}

static const char *V(const struct sshcfg *c, int kw)
{
	return c->val[kw] ? c->val[kw] : "(null)";
}

static void test_hosts(void)
{
	struct sshcfg c;
	const char *t = "# comment\n"
	                "Host web*.example.com !webx.example.com\n"
	                "  HostName 10.0.0.%h\n"
	                "  Port 2200\n"
	                "Host *\n"
	                "  Port 22\n"
	                "  User = fallback\n"
	                "  IdentityFile ~/.ssh/a\n"
	                "  IdentityFile \"~/.ssh/with space\"\n";

	memset(&c, 0, sizeof(c));
	parse(&c, "web1.example.com", t);
	CHECK(strcmp(V(&c, CFG_HOSTNAME), "10.0.0.web1.example.com") == 0);
	CHECK(strcmp(V(&c, CFG_PORT), "2200") == 0); /* the first value wins */
	CHECK(strcmp(V(&c, CFG_USER), "fallback") == 0);
	CHECK(c.nmulti[CFG_IDENTITYFILE - CFG_NSINGLE] == 2);
	CHECK(strcmp(c.multi[0][1], "~/.ssh/with space") == 0);
	CHECK(nwarn == 0);
	sshcfg_free(&c);

	parse(&c, "webx.example.com", t);
	CHECK(c.val[CFG_HOSTNAME] == NULL);
	CHECK(strcmp(V(&c, CFG_PORT), "22") == 0);
	sshcfg_free(&c);
}

static void test_option_first(void)
{
	struct sshcfg c;

	memset(&c, 0, sizeof(c));
	CHECK_OK(sshcfg_option(&c, "Port=2022"));
	CHECK_OK(sshcfg_option(&c, "stricthostkeychecking accept-new"));
	CHECK(sshcfg_option(&c, "ControlMaster=no") == ERR_UNSUPPORTED);
	CHECK_OK(sshcfg_option(&c, "ForwardX11=yes"));
	CHECK(sshcfg_option(&c, "Bogus") == ERR_UNSUPPORTED);
	CHECK(sshcfg_option(&c, "Port") == ERR_FORMAT);
	CHECK(sshcfg_option(&c, "") == ERR_FORMAT);
	CHECK_OK(sshcfg_option(&c, "ProxyCommand nc %h %p"));
	parse(&c, "h", "Port 1\nStrictHostKeyChecking no\nProxyCommand other\n");
	CHECK(strcmp(V(&c, CFG_PORT), "2022") == 0);
	CHECK(strcmp(V(&c, CFG_STRICTHOSTKEYCHECKING), "accept-new") == 0);
	CHECK(strcmp(V(&c, CFG_PROXYCOMMAND), "nc %h %p") == 0);
	sshcfg_free(&c);
}

static void test_match(void)
{
	struct sshcfg c;

	memset(&c, 0, sizeof(c));
	parse(&c, "alias",
	      "Host alias\n HostName real.example.com\n"
	      "Match host real.*,other\n User matched\n"
	      "Match originalhost alias user me\n Port 7\n"
	      "Match !host real.*\n BatchMode yes\n"
	      "Match exec \"true\"\n ConnectTimeout 9\n"
	      "Match all\n Compression yes\n");
	CHECK(strcmp(V(&c, CFG_USER), "matched") == 0);
	/* user criterion sees the User set so far ("matched"), so Port stays unset */
	CHECK(c.val[CFG_PORT] == NULL);
	CHECK(c.val[CFG_BATCHMODE] == NULL);
	CHECK(c.val[CFG_CONNECTTIMEOUT] == NULL);
	CHECK(nwarn == 1 && strstr(lastwarn, "exec") != NULL);
	CHECK(strcmp(V(&c, CFG_COMPRESSION), "yes") == 0);
	sshcfg_free(&c);
}

static void test_unknown_and_malformed(void)
{
	struct sshcfg c;
	char big[SSHCFG_MAX_LINE + 50];

	memset(&c, 0, sizeof(c));
	parse(&c, "h",
	      "Frobnicate yes\n"     /* unknown: a warning */
	      "SendEnv LANG\n"      /* known to OpenSSH, ignored quietly */
	      "Port\n"              /* no value */
	      "User \"unterminated\n"
	      "Host\n"              /* no pattern: nothing matches */
	      "User never\n");
	CHECK(nwarn == 3);
	CHECK(c.val[CFG_USER] == NULL);
	CHECK(c.val[CFG_PORT] == NULL);
	sshcfg_free(&c);

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	memcpy(big, "User ", 5);
	parse(&c, "h", big);
	CHECK(nwarn == 1 && c.val[CFG_USER] == NULL);
	sshcfg_free(&c);

	/* a NUL inside a line makes it not text */
	{
		const char t[] = "User a\0b\nPort 5\n";
		struct sshcfg_ctx ctx;
		memset(&ctx, 0, sizeof(ctx));
		ctx.warn = warn;
		nwarn = 0;
		CHECK_OK(sshcfg_parse(&c, &ctx, "cfg", t, sizeof(t) - 1, 0));
		CHECK(nwarn == 1 && c.val[CFG_USER] == NULL && strcmp(V(&c, CFG_PORT), "5") == 0);
		sshcfg_free(&c);
	}
}

static void test_include(void)
{
	struct sshcfg c;

	memset(&c, 0, sizeof(c));
	included_text = "User from-include\nInclude inc\n"; /* recursion is bounded */
	parse(&c, "h", "Host other\nInclude inc\nHost h\nInclude inc\nUser late\n");
	CHECK(strcmp(V(&c, CFG_USER), "from-include") == 0);
	CHECK(nwarn == 1 && strstr(lastwarn, "deeply") != NULL);
	sshcfg_free(&c);
}

static void test_multi_and_yesno(void)
{
	struct sshcfg c;
	int i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < SSHCFG_MAX_MULTI; i++)
		CHECK_OK(sshcfg_set(&c, CFG_IDENTITYFILE, "x"));
	CHECK(sshcfg_set(&c, CFG_IDENTITYFILE, "x") == ERR_TOOBIG);
	parse(&c, "h", "LocalForward 8080   localhost:80\n");
	CHECK(c.nmulti[CFG_LOCALFORWARD - CFG_NSINGLE] == 1);
	CHECK(strcmp(c.multi[CFG_LOCALFORWARD - CFG_NSINGLE][0], "8080 localhost:80") == 0);
	sshcfg_free(&c);
	CHECK(sshcfg_yesno("YES") == 1 && sshcfg_yesno("no") == 0 && sshcfg_yesno("ask") == -1);
	CHECK(sshcfg_keyword("userknownhostsfile", 18) == CFG_USERKNOWNHOSTSFILE);
	CHECK(sshcfg_keyword("user", 3) == -1);
}

#define SE(c, i) ((c)->multi[CFG_SETENV - CFG_NSINGLE][i])
#define NSE(c) ((c)->nmulti[CFG_SETENV - CFG_NSINGLE])

/* SetEnv: one variable per argument, quotes group, the first SetEnv line wins whole (as
 * OpenSSH 9.2 and 10.5 do: ssh -G shows it), and malformed lines are bounded. */
static void test_setenv(void)
{
	struct sshcfg c;
	char line[SSHCFG_MAX_LINE];
	int i;

	memset(&c, 0, sizeof(c));
	CHECK_OK(sshcfg_option(&c, "SetEnv A=1 B=\"x  y\" C= A=dup"));
	CHECK(NSE(&c) == 3);
	CHECK(strcmp(SE(&c, 0), "A=1") == 0 && strcmp(SE(&c, 1), "B=x  y") == 0 &&
	      strcmp(SE(&c, 2), "C=") == 0);
	/* a second line, from -o or a file, adds nothing */
	CHECK_OK(sshcfg_option(&c, "SetEnv=D=4"));
	parse(&c, "h", "SetEnv E=5\n");
	CHECK(NSE(&c) == 3);
	sshcfg_free(&c);

	memset(&c, 0, sizeof(c));
	parse(&c, "h", "Host other\nSetEnv X=no\nHost h\nSetEnv Y=\"a b\" Z=2\nSetEnv W=3\n");
	CHECK(NSE(&c) == 2 && strcmp(SE(&c, 0), "Y=a b") == 0 && strcmp(SE(&c, 1), "Z=2") == 0);
	sshcfg_free(&c);

	/* an unterminated quote: what came before it is kept, the rest warned about */
	memset(&c, 0, sizeof(c));
	parse(&c, "h", "SetEnv P=1 Q=\"open\n");
	CHECK(NSE(&c) == 1 && strcmp(SE(&c, 0), "P=1") == 0);
	CHECK(nwarn == 1 && strstr(lastwarn, "malformed SetEnv") != NULL);
	sshcfg_free(&c);

	/* more names than the list holds: bounded, one warning */
	memset(&c, 0, sizeof(c));
	strcpy(line, "SetEnv");
	for (i = 0; i < SSHCFG_MAX_MULTI + 5; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " N%d=%d", i, i);
	strcat(line, "\n");
	parse(&c, "h", line);
	CHECK(NSE(&c) == SSHCFG_MAX_MULTI);
	CHECK(nwarn == 1 && strstr(lastwarn, "too many SetEnv") != NULL);
	sshcfg_free(&c);
}

int main(void)
{
	RUN(test_hosts);
	RUN(test_option_first);
	RUN(test_match);
	RUN(test_unknown_and_malformed);
	RUN(test_include);
	RUN(test_multi_and_yesno);
	RUN(test_setenv);
	return harness_done("test_sshconfig");
}
