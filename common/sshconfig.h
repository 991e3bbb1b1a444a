/* sshconfig.h: OpenSSH's ssh_config(5) syntax for the keywords dbclient knows, as a pure
 * parser over text (the client reads the files, and Include through a callback).
 *
 * As OpenSSH: a keyword and its arguments are separated by white space or one '=';
 * keywords are case-insensitive; arguments may be double-quoted; "#" starts a comment
 * line; Host PATTERN... and Match (all, host, originalhost, user, localuser) open blocks
 * that apply when they match (patterns as knownhosts.h's host_pattern_list, with '!'
 * negation); the first value found for a keyword wins, except IdentityFile,
 * LocalForward and RemoteForward, which accumulate. Command-line -o options go through
 * sshcfg_set first, so they win. An unknown keyword is a warning, never an error: the
 * file is shared with OpenSSH's ssh and may use anything it knows. */
#ifndef SSHCONFIG_H
#define SSHCONFIG_H

#include <stddef.h>

#include "options.h"

/* Limits: see options.h. */
#define SSHCFG_MAX_LINE DB_CFG_MAX_LINE
#define SSHCFG_MAX_DEPTH DB_CFG_MAX_DEPTH
#define SSHCFG_MAX_MULTI DB_CFG_MAX_MULTI

enum sshcfg_kw {
	/* single-valued: the first value wins */
	CFG_BATCHMODE, CFG_BINDADDRESS, CFG_COMPRESSION, CFG_CONNECTTIMEOUT,
	CFG_EXITONFORWARDFAILURE, CFG_FORWARDAGENT, CFG_GATEWAYPORTS, CFG_HOSTNAME,
	CFG_PASSWORDAUTHENTICATION, CFG_PORT, CFG_PROXYCOMMAND, CFG_PROXYJUMP,
	CFG_SERVERALIVEINTERVAL, CFG_STRICTHOSTKEYCHECKING, CFG_USER, CFG_USERKNOWNHOSTSFILE,
	CFG_REQUESTTTY, CFG_CIPHERS, CFG_MACS, CFG_KEXALGORITHMS, CFG_IDENTITIESONLY,
	CFG_KBDINTERACTIVEAUTHENTICATION, CFG_PUBKEYAUTHENTICATION, CFG_USESYSLOG,
	CFG_DISABLETRIVIALAUTH, CFG_FORWARDX11, CFG_FORWARDX11TRUSTED,
	CFG_NSINGLE,
	/* multi-valued: index multi[] with kw - CFG_NSINGLE */
	CFG_IDENTITYFILE = CFG_NSINGLE, CFG_LOCALFORWARD, CFG_REMOTEFORWARD,
	CFG_DYNAMICFORWARD, CFG_SETENV,
	CFG_NKW
};
#define CFG_NMULTI (CFG_NKW - CFG_NSINGLE)

struct sshcfg {
	char *val[CFG_NSINGLE];
	char *multi[CFG_NMULTI][SSHCFG_MAX_MULTI];
	int nmulti[CFG_NMULTI];
};

struct sshcfg_ctx {
	const char *host;      /* the host as given (Host, Match originalhost, %h) */
	const char *localuser; /* Match localuser */
	const char *user;      /* Match user when no User was set yet (the local user) */
	/* Include: parses the files that one argument names (after ~ and glob expansion,
	 * relative to ~/.ssh), with sshcfg_parse at depth + 1. NULL: Include is ignored. */
	int (*include)(struct sshcfg *cfg, const struct sshcfg_ctx *ctx, const char *arg,
	               int depth);
	/* A warning about file:line. May be NULL. */
	void (*warn)(void *arg, const char *file, unsigned line, const char *msg);
	/* Keywords OpenSSH knows that we skip: warned about only when this is set. */
	int warn_ignored;
	void *arg;
};

/* The keyword's index from its name (any case), or -1. */
int sshcfg_keyword(const char *name, size_t len);
/* Keyword names as OpenSSH spells them. */
const char *sshcfg_keyword_name(int kw);
/* 1 for keywords OpenSSH knows that dbclient deliberately ignores (ControlMaster,
 * SendEnv, ForwardX11, ...): worth a warning only in verbose mode. */
int sshcfg_ignored_keyword(const char *name, size_t len);

/* Sets kw to val unless it has a value already (multi-valued: appends, up to
 * SSHCFG_MAX_MULTI). 0, ERR_NOMEM, or ERR_TOOBIG when a multi list is full. */
int sshcfg_set(struct sshcfg *cfg, int kw, const char *val);
/* One "Keyword value" / "Keyword=value" line as -o gives it. ERR_UNSUPPORTED for a
 * keyword we do not know (the caller warns), ERR_FORMAT for a line without a value. */
int sshcfg_option(struct sshcfg *cfg, const char *line);

/* Parses the text of one config file named file (for warnings). depth is 0 for the top
 * file. 0, or ERR_NOMEM; every problem in the text is a warning. */
int sshcfg_parse(struct sshcfg *cfg, const struct sshcfg_ctx *ctx, const char *file,
                 const char *text, size_t n, int depth);

/* yes/no values: 1, 0, or -1 when the value is neither (any case; "true"/"false" too). */
int sshcfg_yesno(const char *v);

void sshcfg_free(struct sshcfg *cfg);

#endif
