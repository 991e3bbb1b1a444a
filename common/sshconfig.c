/* sshconfig.c: the ssh_config(5) subset dbclient reads (see sshconfig.h). */
#include "sshconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "knownhosts.h"

/* Arrays of characters, not of pointers: a pointer table costs a relocation (24 bytes)
 * per entry in the static-pie binary. Names up to 31 characters (the longest OpenSSH
 * keyword, ChallengeResponseAuthentication, has 31). */
static const char kw_names[CFG_NKW][32] = {
        [CFG_BATCHMODE] = "BatchMode",
        [CFG_BINDADDRESS] = "BindAddress",
        [CFG_COMPRESSION] = "Compression",
        [CFG_CONNECTTIMEOUT] = "ConnectTimeout",
        [CFG_EXITONFORWARDFAILURE] = "ExitOnForwardFailure",
        [CFG_FORWARDAGENT] = "ForwardAgent",
        [CFG_GATEWAYPORTS] = "GatewayPorts",
        [CFG_HOSTNAME] = "HostName",
        [CFG_PASSWORDAUTHENTICATION] = "PasswordAuthentication",
        [CFG_PORT] = "Port",
        [CFG_PROXYCOMMAND] = "ProxyCommand",
        [CFG_PROXYJUMP] = "ProxyJump",
        [CFG_SERVERALIVEINTERVAL] = "ServerAliveInterval",
        [CFG_STRICTHOSTKEYCHECKING] = "StrictHostKeyChecking",
        [CFG_USER] = "User",
        [CFG_USERKNOWNHOSTSFILE] = "UserKnownHostsFile",
        [CFG_REQUESTTTY] = "RequestTTY",
        [CFG_CIPHERS] = "Ciphers",
        [CFG_MACS] = "MACs",
        [CFG_KEXALGORITHMS] = "KexAlgorithms",
        [CFG_IDENTITIESONLY] = "IdentitiesOnly",
        [CFG_KBDINTERACTIVEAUTHENTICATION] = "KbdInteractiveAuthentication",
        [CFG_PUBKEYAUTHENTICATION] = "PubkeyAuthentication",
        [CFG_USESYSLOG] = "UseSyslog",
        [CFG_DISABLETRIVIALAUTH] = "DisableTrivialAuth",
        [CFG_FORWARDX11] = "ForwardX11",
        [CFG_FORWARDX11TRUSTED] = "ForwardX11Trusted",
        [CFG_IDENTITYFILE] = "IdentityFile",
        [CFG_LOCALFORWARD] = "LocalForward",
        [CFG_REMOTEFORWARD] = "RemoteForward",
        [CFG_DYNAMICFORWARD] = "DynamicForward",
        [CFG_SETENV] = "SetEnv",
};

/* OpenSSH keywords that programs calling ssh pass (scp, git, rsync) or that are common
 * in shared config files, and that change nothing we would do differently. Each name is
 * followed by one space (one string: no pointer table, see kw_names). */
static const char ignored[] =
	"AddKeysToAgent AddressFamily CheckHostIP ClearAllForwardings ControlMaster ControlPath "
	"ControlPersist EscapeChar GlobalKnownHostsFile GSSAPIAuthentication "
	"GSSAPIDelegateCredentials HashKnownHosts HostKeyAlgorithms "
	"HostKeyAlias IgnoreUnknown LogLevel NumberOfPasswordPrompts PermitLocalCommand "
	"PreferredAuthentications Protocol PubkeyAcceptedAlgorithms PubkeyAcceptedKeyTypes "
	"RemoteCommand SendEnv ServerAliveCountMax TCPKeepAlive UpdateHostKeys UseKeychain "
	"UseRoaming VerifyHostKeyDNS VisualHostKey LocalCommand Tunnel ConnectionAttempts "
	"ChallengeResponseAuthentication CanonicalizeHostname ForwardX11Timeout "
	"ObscureKeystrokeTiming SessionType StdinNull ForkAfterAuthentication ";

int sshcfg_keyword(const char *name, size_t len)
{
	int i;

	for (i = 0; i < CFG_NKW; i++)
		if (strlen(kw_names[i]) == len && strncasecmp(kw_names[i], name, len) == 0)
			return i;
	return -1;
}

const char *sshcfg_keyword_name(int kw)
{
	return kw >= 0 && kw < CFG_NKW ? kw_names[kw] : "?";
}

int sshcfg_ignored_keyword(const char *name, size_t len)
{
	const char *p, *e;

	for (p = ignored; (e = strchr(p, ' ')) != NULL; p = e + 1)
		if ((size_t)(e - p) == len && strncasecmp(p, name, len) == 0)
			return 1;
	return 0;
}

int sshcfg_set(struct sshcfg *cfg, int kw, const char *val)
{
	char *v;

	if (kw < 0 || kw >= CFG_NKW)
		return ERR_INVALID;
	if (kw < CFG_NSINGLE && cfg->val[kw])
		return 0; /* the first value wins */
	if (kw >= CFG_NSINGLE && cfg->nmulti[kw - CFG_NSINGLE] >= SSHCFG_MAX_MULTI)
		return ERR_TOOBIG;
	if (!(v = strdup(val)))
		return ERR_NOMEM;
	if (kw < CFG_NSINGLE)
		cfg->val[kw] = v;
	else
		cfg->multi[kw - CFG_NSINGLE][cfg->nmulti[kw - CFG_NSINGLE]++] = v;
	return 0;
}

int sshcfg_yesno(const char *v)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true"))
		return 1;
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false"))
		return 0;
	return -1;
}

void sshcfg_free(struct sshcfg *cfg)
{
	int i, j;

	for (i = 0; i < CFG_NSINGLE; i++)
		free(cfg->val[i]);
	for (i = 0; i < CFG_NMULTI; i++)
		for (j = 0; j < cfg->nmulti[i]; j++)
			free(cfg->multi[i][j]);
	memset(cfg, 0, sizeof(*cfg));
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Splits a line into the keyword and the raw rest (after white space or one '='). */
static int split_keyword(char *line, char **kw, size_t *kwlen, char **rest)
{
	char *p = line, *e;

	while (is_space(*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	*kw = p;
	while (*p && !is_space(*p) && *p != '=')
		p++;
	*kwlen = (size_t)(p - *kw);
	while (is_space(*p))
		p++;
	if (*p == '=')
		p++;
	while (is_space(*p))
		p++;
	e = p + strlen(p);
	while (e > p && is_space(e[-1]))
		*--e = 0;
	*rest = p;
	return 1;
}

/* The next argument of *s, in place: white space separates, double quotes group. NULL at
 * the end, or for an unterminated quote (*bad set). */
static char *next_arg(char **s, int *bad)
{
	char *p = *s, *start, *w;

	while (is_space(*p))
		p++;
	if (!*p)
		return NULL;
	start = w = p;
	while (*p && !is_space(*p)) {
		if (*p == '"') {
			p++;
			while (*p && *p != '"')
				*w++ = *p++;
			if (*p != '"') {
				*bad = 1;
				return NULL;
			}
			p++;
		} else {
			*w++ = *p++;
		}
	}
	if (*p)
		p++;
	*w = 0;
	*s = p;
	return start;
}

/* HostName's %h (the host as given) and %%; other tokens are left as they are. */
static int set_hostname(struct sshcfg *cfg, const struct sshcfg_ctx *ctx, const char *v)
{
	char out[SSHCFG_MAX_LINE];
	size_t o = 0, hl;
	int r;

	for (; *v; v++) {
		if (v[0] == '%' && (v[1] == 'h' || v[1] == '%')) {
			const char *ins = v[1] == 'h' ? (ctx->host ? ctx->host : "") : "%";
			hl = strlen(ins);
			if (o + hl >= sizeof(out))
				return ERR_TOOBIG;
			memcpy(out + o, ins, hl);
			o += hl;
			v++;
			continue;
		}
		if (o + 1 >= sizeof(out))
			return ERR_TOOBIG;
		out[o++] = *v;
	}
	out[o] = 0;
	r = sshcfg_set(cfg, CFG_HOSTNAME, out);
	return r;
}

struct pstate {
	struct sshcfg *cfg;
	const struct sshcfg_ctx *ctx;
	const char *file;
	unsigned line;
};

static void warnf(const struct pstate *ps, const char *fmt, const char *a)
{
	char msg[200];

	if (!ps->ctx->warn)
		return;
	snprintf(msg, sizeof(msg), fmt, a);
	ps->ctx->warn(ps->ctx->arg, ps->file, ps->line, msg);
}

/* Host PATTERN...: active when some pattern matches the host as given and no negated
 * one does (ssh_config(5)). */
static int host_block(const struct pstate *ps, char *rest)
{
	const char *h = ps->ctx->host ? ps->ctx->host : "";
	int found = 0, bad = 0, m;
	char *a;

	while ((a = next_arg(&rest, &bad))) {
		m = host_pattern_list(h, a, strlen(a), "");
		if (m < 0)
			return 0;
		if (m > 0)
			found = 1;
	}
	return found && !bad;
}

/* Match CRITERIA...: every criterion must hold. Unsupported ones (exec, canonical,
 * address, ...) never hold, with a warning, so that a block meant for OpenSSH's special
 * cases is not applied by mistake. */
static int match_block(const struct pstate *ps, char *rest)
{
	const struct sshcfg *cfg = ps->cfg;
	const char *host = ps->ctx->host ? ps->ctx->host : "";
	const char *hn = cfg->val[CFG_HOSTNAME] ? cfg->val[CFG_HOSTNAME] : host;
	const char *user = cfg->val[CFG_USER] ? cfg->val[CFG_USER] : ps->ctx->user;
	int ok = 1, bad = 0, n = 0;
	char *a, *v;

	while ((a = next_arg(&rest, &bad))) {
		int neg = a[0] == '!', m;
		const char *what = NULL;

		a += neg;
		n++;
		if (!strcasecmp(a, "all")) {
			m = 1;
		} else if (!strcasecmp(a, "final")) {
			m = 1; /* we parse once, and that one pass is the final one */
		} else {
			if (!strcasecmp(a, "host"))
				what = hn;
			else if (!strcasecmp(a, "originalhost"))
				what = host;
			else if (!strcasecmp(a, "user"))
				what = user ? user : "";
			else if (!strcasecmp(a, "localuser"))
				what = ps->ctx->localuser ? ps->ctx->localuser : "";
			else {
				warnf(ps, "Match %s is not supported: block skipped", a);
				return 0;
			}
			if (!(v = next_arg(&rest, &bad))) {
				warnf(ps, "Match %s needs an argument: block skipped", a);
				return 0;
			}
			m = host_pattern_list(what, v, strlen(v), ",") == 1;
		}
		if (m == neg)
			ok = 0;
	}
	if (bad || n == 0) {
		warnf(ps, "%s", "malformed Match line: block skipped");
		return 0;
	}
	return ok;
}

/* SetEnv NAME=VALUE...: each argument is one variable (quotes group, as in
 * SetEnv A="x y" B=2). As in OpenSSH (9.2 and 10.5 alike), the first SetEnv line wins
 * whole, like a single-valued keyword: a -o SetEnv replaces the config files' lists, a
 * later line adds nothing; within the line the first value of a name wins. */
static int setenv_line(struct pstate *ps, char *rest)
{
	struct sshcfg *cfg = ps->cfg;
	const int m = CFG_SETENV - CFG_NSINGLE;
	int bad = 0, i, r, first = cfg->nmulti[m];
	char *a;

	if (first)
		return 0;
	while ((a = next_arg(&rest, &bad))) {
		size_t nl = strcspn(a, "=");
		int seen = 0;
		for (i = first; i < cfg->nmulti[m] && !seen; i++)
			seen = strncmp(cfg->multi[m][i], a, nl) == 0 &&
			       (cfg->multi[m][i][nl] == '=' || cfg->multi[m][i][nl] == 0);
		if (seen)
			continue;
		if ((r = sshcfg_set(cfg, CFG_SETENV, a)) == ERR_TOOBIG) {
			warnf(ps, "too many %s values: the rest ignored", kw_names[CFG_SETENV]);
			return 0;
		}
		if (r)
			return r;
	}
	if (bad)
		warnf(ps, "malformed %s: the rest of the line ignored", kw_names[CFG_SETENV]);
	return 0;
}

static int keyword_line(struct pstate *ps, char *kw, size_t kwlen, char *rest, int depth)
{
	const struct sshcfg_ctx *ctx = ps->ctx;
	int k = sshcfg_keyword(kw, kwlen), bad = 0, r = 0;
	char *a, name[64];

	if (k < 0) {
		snprintf(name, sizeof(name), "%.*s", (int)(kwlen < 60 ? kwlen : 60), kw);
		if (!sshcfg_ignored_keyword(kw, kwlen))
			warnf(ps, "unknown keyword '%s' ignored", name);
		else if (ctx->warn_ignored)
			warnf(ps, "keyword '%s' is not supported, ignored", name);
		return 0;
	}
	if (!*rest) {
		warnf(ps, "%s without a value ignored", kw_names[k]);
		return 0;
	}
	if (k == CFG_PROXYCOMMAND)
		return sshcfg_set(ps->cfg, k, rest); /* the rest of the line, for sh -c */
	if (k == CFG_SETENV)
		return setenv_line(ps, rest);
	if (k >= CFG_NSINGLE) {
		/* LocalForward "PORT HOST:PORT": the arguments joined by one space */
		char joined[SSHCFG_MAX_LINE];
		size_t o = 0;
		joined[0] = 0;
		while ((a = next_arg(&rest, &bad))) {
			int w = snprintf(joined + o, sizeof(joined) - o, "%s%s", o ? " " : "", a);
			if (w < 0 || (size_t)w >= sizeof(joined) - o)
				break;
			o += (size_t)w;
		}
		if (bad || !o) {
			warnf(ps, "malformed %s ignored", kw_names[k]);
			return 0;
		}
		r = sshcfg_set(ps->cfg, k, joined);
		if (r == ERR_TOOBIG) {
			warnf(ps, "too many %s lines: the rest ignored", kw_names[k]);
			r = 0;
		}
		return r;
	}
	if (!(a = next_arg(&rest, &bad)) || bad) {
		warnf(ps, "malformed %s ignored", kw_names[k]);
		return 0;
	}
	(void)depth;
	return k == CFG_HOSTNAME ? set_hostname(ps->cfg, ctx, a) : sshcfg_set(ps->cfg, k, a);
}

int sshcfg_option(struct sshcfg *cfg, const char *line)
{
	char copy[SSHCFG_MAX_LINE], *kw, *rest;
	size_t kwlen;
	struct sshcfg_ctx ctx;
	struct pstate ps;
	int k;

	if (strlen(line) >= sizeof(copy))
		return ERR_TOOBIG;
	strcpy(copy, line);
	if (!split_keyword(copy, &kw, &kwlen, &rest))
		return ERR_FORMAT;
	if ((k = sshcfg_keyword(kw, kwlen)) < 0)
		return ERR_UNSUPPORTED;
	if (!*rest)
		return ERR_FORMAT;
	memset(&ctx, 0, sizeof(ctx));
	ps.cfg = cfg;
	ps.ctx = &ctx;
	ps.file = "-o";
	ps.line = 0;
	if (k == CFG_HOSTNAME)
		return sshcfg_set(cfg, k, rest);
	return keyword_line(&ps, kw, kwlen, rest, 0);
}

int sshcfg_parse(struct sshcfg *cfg, const struct sshcfg_ctx *ctx, const char *file,
                 const char *text, size_t n, int depth)
{
	struct pstate ps = {cfg, ctx, file, 0};
	char line[SSHCFG_MAX_LINE + 1], *kw, *rest, *a;
	size_t i = 0, kwlen;
	int active = 1, r, bad;

	if (depth > SSHCFG_MAX_DEPTH) {
		warnf(&ps, "%s", "Include nested too deeply: ignored");
		return 0;
	}
	while (i < n) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (text + i)) : n - i;

		ps.line++;
		if (len > SSHCFG_MAX_LINE || memchr(text + i, 0, len)) {
			warnf(&ps, "%s", "line too long or not text: ignored");
			i += len + 1;
			continue;
		}
		memcpy(line, text + i, len);
		line[len] = 0;
		i += len + 1;
		if (!split_keyword(line, &kw, &kwlen, &rest))
			continue;
		if (kwlen == 4 && !strncasecmp(kw, "Host", 4)) {
			active = host_block(&ps, rest);
			continue;
		}
		if (kwlen == 5 && !strncasecmp(kw, "Match", 5)) {
			active = match_block(&ps, rest);
			continue;
		}
		if (!active)
			continue;
		if (kwlen == 7 && !strncasecmp(kw, "Include", 7)) {
			bad = 0;
			while (ctx->include && (a = next_arg(&rest, &bad)))
				if ((r = ctx->include(cfg, ctx, a, depth + 1)))
					return r;
			continue;
		}
		if ((r = keyword_line(&ps, kw, kwlen, rest, depth)))
			return r;
	}
	return 0;
}
