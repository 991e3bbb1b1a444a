/* fuzz_sshconfig: ssh_config text on arbitrary bytes, as a config file and as -o lines.
 * The parser must not fail on anything but memory, must never read past the input, and
 * whatever it keeps must be a NUL-terminated string within the line limit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void nowarn(void *arg, const char *file, unsigned line, const char *msg)
{
	(void)arg;
	(void)file;
	(void)line;
	if (strlen(msg) > 300)
		abort();
}

static int include(struct sshcfg *cfg, const struct sshcfg_ctx *ctx, const char *arg, int depth)
{
	/* an include of the argument's own text, to drive nesting and its bound */
	return sshcfg_parse(cfg, ctx, "inc", arg, strlen(arg), depth);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sshcfg cfg;
	struct sshcfg_ctx ctx;
	char *text, line[256];
	int i, j;

	if (size > 65536)
		return 0;
	text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	memset(&cfg, 0, sizeof(cfg));
	memset(&ctx, 0, sizeof(ctx));
	ctx.host = "web1.example.com";
	ctx.user = "me";
	ctx.localuser = "me";
	ctx.warn = nowarn;
	ctx.warn_ignored = 1;
	ctx.include = include;
	if (size && size < sizeof(line)) {
		memcpy(line, data, size);
		line[size] = 0;
		(void)sshcfg_option(&cfg, line);
	}
	if (sshcfg_parse(&cfg, &ctx, "fuzz", text, size, 0) != 0)
		abort();
	for (i = 0; i < CFG_NSINGLE; i++)
		if (cfg.val[i] && strlen(cfg.val[i]) > SSHCFG_MAX_LINE)
			abort();
	for (i = 0; i < CFG_NMULTI; i++) {
		if (cfg.nmulti[i] > SSHCFG_MAX_MULTI)
			abort();
		for (j = 0; j < cfg.nmulti[i]; j++)
			if (strlen(cfg.multi[i][j]) > SSHCFG_MAX_LINE)
				abort();
	}
	sshcfg_free(&cfg);
	free(text);
	return 0;
}
