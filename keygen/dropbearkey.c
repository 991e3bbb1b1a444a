/* dropbearkey: generate a private key file (Dropbear's format) and its .pub, or print
 * the public half of an existing key.
 *
 * The output is what Dropbear 2022.83's dropbearkey prints, streams included, because
 * scripts parse it: "Generating N bit TYPE key, this may take a while..." on stderr, then
 * on stdout "Public key portion is:", the public line and "Fingerprint: SHA256:...".
 * Unlike Dropbear we also write FILE.pub, never touch an existing FILE, and report every
 * bad argument or file as one line on stderr with exit status 1. A FILE.pub left from an
 * earlier key (FILE itself is gone) is replaced once the new FILE is written: it cannot
 * belong to the new key. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "dropbearkey_usagez.h"
#include "err.h"
#include "faces.h"
#include "key.h"
#include "askpass.h"
#include "keyfile.h"
#include "options.h"
#include "optparse.h"
#include "pwdb.h"

#define PROG "dropbearkey"

/* The text and dropbearkey(1) both come from doc/dropbearkey.opts (contrib/mkface.awk). */
static void usage(void)
{
	FACE_PUT_USAGE(STDERR_FILENO);
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	dprintf(STDERR_FILENO, PROG ": %s\n", line); /* one write: one line */
	return 1;
}

/* err_str, or the system's words when the error was an I/O one. */
static const char *why(int r, int saved_errno)
{
	return r == ERR_IO ? strerror(saved_errno) : err_str(r);
}

/* A decimal number, all digits, no sign, no overflow. */
static int parse_bits(const char *s, unsigned *out)
{
	unsigned long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000)
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = (unsigned)v;
	return 0;
}

static int comment_ok(const char *c)
{
	for (; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return 0;
	return 1;
}

/* user@host, as Dropbear and ssh-keygen default to. */
static void default_comment(char *out, size_t outsz)
{
	struct pwdb_pw pw;
	int me = pwdb_getpwuid(getuid(), &pw);
	char host[256];
	if (gethostname(host, sizeof(host)) != 0)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(out, outsz, "%s@%s", me ? pw.name : "user", host);
}

/* "Public key portion is:", the line, "Fingerprint: ..." on stdout. */
static int print_public(const struct key *k, const char *comment)
{
	char fp[KEY_FP_LEN];
	struct buf line;
	int r;

	if ((r = buf_init(&line, 1024, 65536)) != 0)
		return fail("cannot format the public key: %s", err_str(r));
	r = keyfile_public_line(k, comment, &line);
	if (!r)
		r = key_fingerprint(k, fp, sizeof(fp));
	if (r) {
		buf_free(&line);
		return fail("cannot format the public key: %s", err_str(r));
	}
	r = dprintf(STDOUT_FILENO, "Public key portion is:\n%.*s", (int)line.len,
		    (const char *)line.data) < 0 ||
	    dprintf(STDOUT_FILENO, "Fingerprint: %s\n", fp) < 0;
	buf_free(&line);
	if (r)
		return fail("cannot write to standard output: %s", strerror(errno));
	return 0;
}

static int show(const char *file, const char *comment)
{
	char defc[512];
	struct key *k;
	int r = keyfile_load_ask(file, askpass_key, NULL, &k), e = errno;

	if (r == ERR_IO) {
		struct stat st;
		if (e == EINVAL && stat(file, &st) == 0 && !S_ISREG(st.st_mode))
			return fail("cannot read key file '%s': not a regular file", file);
		return fail("cannot read key file '%s': %s", file, strerror(e));
	}
	if (r == ERR_TOOBIG)
		return fail("cannot read key file '%s': file too large", file);
	if (r)
		return fail("cannot read key file '%s': not a valid key file (%s)", file,
			    err_str(r));
	if (!comment && !*key_comment(k)) {
		default_comment(defc, sizeof(defc));
		comment = defc;
	}
	r = print_public(k, comment);
	key_free(k);
	return r;
}

/* 0 if path does not exist and its directory looks writable; else prints why it cannot
 * be created and returns 1. keyfile_write_new checks again for real: this is so that
 * the common mistakes are reported before a long RSA generation, in one line. */
static int must_not_exist(const char *path, const char *what)
{
	const char *slash = strrchr(path, '/');
	struct stat st;
	char *dir;
	int e = 0;

	if (lstat(path, &st) == 0)
		return fail("%s '%s' exists", what, path);
	if (errno != ENOENT)
		return fail("cannot create %s '%s': %s", what, path, strerror(errno));
	dir = !slash ? strdup(".") : slash == path ? strdup("/")
			: strndup(path, (size_t)(slash - path));
	if (!dir)
		return fail("out of memory");
	if (stat(dir, &st) != 0)
		e = errno;
	else if (!S_ISDIR(st.st_mode))
		e = ENOTDIR;
	else if (access(dir, W_OK | X_OK) != 0)
		e = errno;
	free(dir);
	if (e)
		return fail("cannot create %s '%s': %s", what, path, strerror(e));
	return 0;
}

static int generate(const char *tname, enum key_type t, unsigned bits, const char *file,
		    const char *comment)
{
	struct key *k = NULL;
	struct buf priv, pub;
	char *pubpath;
	int r, e, status = 1;

	if (!(pubpath = malloc(strlen(file) + 5)))
		return fail("out of memory");
	sprintf(pubpath, "%s.pub", file);
	if (must_not_exist(file, "key file")) {
		free(pubpath);
		return 1;
	}
	dprintf(STDERR_FILENO, "Generating %u bit %s key, this may take a while...\n", bits, tname);
	if ((r = key_generate(t, bits, &k)) != 0) {
		free(pubpath);
		return fail("key generation failed: %s", err_str(r));
	}
	if ((r = buf_init_secret(&priv, 4096, DB_MAX_KEYFILE)) != 0 ||
	    (r = buf_init(&pub, 1024, 65536)) != 0) {
		key_free(k);
		free(pubpath);
		return fail("out of memory");
	}
	if ((r = keyfile_dropbear_put(k, &priv)) != 0 ||
	    (r = keyfile_public_line(k, comment, &pub)) != 0) {
		fail("cannot encode the key: %s", err_str(r));
		goto out;
	}
	r = keyfile_write_new(file, priv.data, priv.len, 0600);
	e = errno;
	if (r == ERR_EXISTS) {
		fail("key file '%s' exists", file);
		goto out;
	} else if (r) {
		fail("cannot create key file '%s': %s", file, why(r, e));
		goto out;
	}
	r = keyfile_write_new(pubpath, pub.data, pub.len, 0644);
	if (r == ERR_EXISTS) {
		/* stale: unlink removes a symlink itself, and the new file is made O_EXCL */
		dprintf(STDERR_FILENO, "Replacing the stale public key file '%s'\n", pubpath);
		r = unlink(pubpath) == 0 ? keyfile_write_new(pubpath, pub.data, pub.len, 0644)
		                         : ERR_IO;
	}
	e = errno;
	if (r == ERR_EXISTS) {
		fail("public key file '%s' exists", pubpath);
		goto out;
	} else if (r) {
		fail("cannot create public key file '%s': %s", pubpath, why(r, e));
		goto out;
	}
	status = print_public(k, comment);
out:
	buf_free(&priv);
	buf_free(&pub);
	key_free(k);
	free(pubpath);
	return status;
}

int keygen_main(int argc, char **argv)
{
	const char *tname = "ed25519", *file = NULL, *bits_s = NULL, *comment = NULL;
	char defc[512];
	enum key_type t = KEY_NONE;
	unsigned bits = 0;
	int printpub = 0, c;
	struct optparse o;

	/* stops at the first operand, so that stray words are reported, not skipped */
	optparse_init(&o);
	while ((c = optparse_next(&o, argc, argv, "t:f:s:C:yh")) != -1) {
		switch (c) {
		case 't': tname = o.arg; break;
		case 'f': file = o.arg; break;
		case 's': bits_s = o.arg; break;
		case 'C': comment = o.arg; break;
		case 'y': printpub = 1; break;
		case 'h': usage(); return 0;
		case ':': return fail("option '-%c' needs a value", o.opt);
		default: return fail("unknown option '-%c'", o.opt);
		}
	}
	if (o.ind < argc)
		return fail("unexpected argument '%s'", argv[o.ind]);
	if (!file)
		return fail("must specify a key file with -f (see -h)");
	if (comment && !comment_ok(comment))
		return fail("comment must not contain control characters");
	if (printpub)
		return show(file, comment);

	if (bits_s && parse_bits(bits_s, &bits) != 0)
		return fail("invalid key size '%s'", bits_s);
	if (strcmp(tname, "ed25519") == 0) {
		t = KEY_ED25519;
		if (bits_s && bits != 256)
			return fail("Ed25519 keys have a fixed size of 256 bits");
		bits = 256;
	} else if (strcmp(tname, "ecdsa") == 0) {
		if (!bits_s)
			bits = DB_ECDSA_DEFAULT_BITS;
		t = bits == 256 ? KEY_ECDSA_P256 : bits == 384 ? KEY_ECDSA_P384
			: bits == 521 ? KEY_ECDSA_P521 : KEY_NONE;
		if (t == KEY_NONE)
			return fail("invalid ECDSA key size '%s': try 256, 384 or 521", bits_s);
	} else if (strcmp(tname, "rsa") == 0) {
		t = KEY_RSA;
		if (!bits_s)
			bits = DB_RSA_DEFAULT_BITS;
		if (bits < DB_RSA_MIN_BITS || bits > DB_RSA_MAX_BITS || bits % 8 != 0)
			return fail("invalid RSA key size '%s': must be %d to %d and a multiple of 8",
				    bits_s, DB_RSA_MIN_BITS, DB_RSA_MAX_BITS);
	} else {
		return fail("unknown key type '%s'", tname);
	}
	if (!key_type_from_name(key_type_name(t), strlen(key_type_name(t))))
		return fail("key type '%s' is not built into this binary", tname);
	if (!comment) {
		default_comment(defc, sizeof(defc));
		comment = defc;
	}
	return generate(tname, t, bits, file, comment);
}
