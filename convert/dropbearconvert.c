/* dropbearconvert: converts private-key files between Dropbear's format and OpenSSH's.
 *
 *   dropbearconvert [-e [-c CIPHER] [-a ROUNDS]] openssh|dropbear openssh|dropbear IN OUT
 *
 * Arguments as in Dropbear 2022.83's dropbearconvert, messages too ("Key is a TYPE key",
 * "Wrote key to 'OUT'" on stderr), but the input format is read from the content: the
 * first word is accepted as either, so OpenSSH's openssh-key-v1 (encrypted or not), PEM
 * PKCS#1 / SEC 1 / PKCS#8 and Dropbear's format all convert whatever it says. "openssh"
 * output is openssh-key-v1 as ssh-keygen writes it, comment included. OUT is created
 * with mode 0600 and never overwritten; "-" is standard input or output.
 *
 * Passphrases never come from the command line (ps shows it to every user): an
 * encrypted input's from $DROPBEAR_PASSPHRASE or asked on the terminal; with -e, the
 * new one from $DROPBEAR_NEW_PASSPHRASE or asked twice on the terminal. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "askpass.h"
#include "bcrypt.h"
#include "buf.h"
#include "crypto.h"
#include "dropbearconvert_usagez.h"
#include "err.h"
#include "faces.h"
#include "key.h"
#include "keyfile-openssh.h"
#include "keyfile.h"
#include "options.h"
#include "optparse.h"
#include "util.h"

#define PROG "dropbearconvert"
#define NEW_PASSPHRASE_ENV "DROPBEAR_NEW_PASSPHRASE"
#define DEFAULT_CIPHER "aes256-ctr"

/* The text and dropbearconvert(1) both come from doc/dropbearconvert.opts
 * (contrib/mkface.awk). */
static void usage(void)
{
	FACE_PUT_USAGE(STDOUT_FILENO);
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

static const char *display(const char *path)
{
	return strcmp(path, "-") == 0 ? "standard input" : path;
}

/* The whole input, at most DB_MAX_KEYFILE bytes, into b (a secret buffer with room
 * for one byte more, to see a larger file). A named file must be a regular file: not a
 * FIFO or a device that never ends. */
static int read_input(const char *path, struct buf *b)
{
	struct stat st;
	int fd = STDIN_FILENO, r = 0, saved;

	if (strcmp(path, "-") != 0) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
			return ERR_IO;
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			saved = errno;
			if (saved == 0 || S_ISREG(st.st_mode) == 0)
				saved = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
			close(fd);
			errno = saved;
			return ERR_IO;
		}
	}
	for (;;) {
		size_t room = b->max - b->len;
		uint8_t *p;
		ssize_t got;
		if (room == 0)
			break;
		if (room > 4096)
			room = 4096;
		if ((r = buf_reserve(b, room, &p)) != 0)
			break;
		got = read(fd, p, room);
		b->len -= room - (got > 0 ? (size_t)got : 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			r = got < 0 ? ERR_IO : 0;
			break;
		}
	}
	saved = errno;
	if (fd != STDIN_FILENO)
		close(fd);
	if (r == 0 && b->len > DB_MAX_KEYFILE)
		r = ERR_TOOBIG;
	errno = saved;
	return r;
}

static int write_stdout(const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ERR_IO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Why an OpenSSH file was refused, in words naming what it uses. */
static int explain(const char *in, int r, const uint8_t *data, size_t n)
{
	struct keyfile_openssh_info info;
	int have = keyfile_openssh_info(data, n, &info) == 0;

	if (r == ERR_UNSUPPORTED && have && !info.supported) {
		if (strcmp(info.kdf, "none") != 0 && strcmp(info.kdf, "bcrypt") != 0)
			return fail("%s: unsupported key derivation function '%s' (bcrypt only)",
				    display(in), info.kdf);
		return fail("%s: unsupported cipher '%s' (supported: aes128/192/256-ctr, "
			    "aes128/256-gcm@openssh.com, chacha20-poly1305@openssh.com, "
			    "aes128/192/256-cbc)", display(in), info.cipher);
	}
	if (r == ERR_TOOBIG && have && info.rounds > BCRYPT_MAX_ROUNDS)
		return fail("%s: bcrypt KDF rounds %u exceed the limit of %u", display(in),
			    (unsigned)info.rounds, (unsigned)BCRYPT_MAX_ROUNDS);
	if (r == ERR_NEEDPRIVATE)
		return fail("%s: this is a public key; a private key is needed", display(in));
	if (r == ERR_UNSUPPORTED && mem_has(data, n, "ENCRYPTED", 9))
		return fail("%s: encrypted PEM and PKCS#8 keys are not read; ssh-keygen -p "
			    "rewrites the key in OpenSSH's format, which is", display(in));
	if (r == ERR_UNSUPPORTED)
		return fail("%s: unsupported key type or file format", display(in));
	return fail("%s: %s", display(in), err_str(r));
}

/* The new passphrase for -e: from the environment, or asked twice. */
static int new_passphrase(char *pass, size_t sz)
{
	const char *env = getenv(NEW_PASSPHRASE_ENV);
	char again[ASKPASS_MAX];
	int r;

	if (env) {
		if (strlen(env) >= sz)
			return fail("$" NEW_PASSPHRASE_ENV " is too long");
		strcpy(pass, env);
	} else {
		if ((r = askpass_tty("Enter new passphrase: ", pass, sz)) != 0)
			return fail("cannot read a new passphrase: %s (set $" NEW_PASSPHRASE_ENV ")",
				    r == ERR_IO ? "no terminal" : err_str(r));
		r = askpass_tty("Enter same passphrase again: ", again, sizeof(again));
		if (r == 0 && strcmp(pass, again) != 0)
			r = ERR_MISMATCH;
		wipe(again, sizeof(again));
		if (r)
			return fail("%s", r == ERR_MISMATCH ? "passphrases do not match"
							    : err_str(r));
	}
	if (!*pass)
		return fail("-e needs a non-empty passphrase");
	return 0;
}

/* Reads and parses IN, asking for its passphrase only when it is encrypted. */
static int load(const char *in, struct key **k)
{
	struct keyfile_openssh_info info;
	struct buf data;
	char pass[ASKPASS_MAX] = "";
	int r, e;

	if ((r = buf_init_secret(&data, 4096, DB_MAX_KEYFILE + 1)) != 0)
		return fail("%s", err_str(r));
	r = read_input(in, &data);
	e = errno;
	if (r) {
		buf_free(&data);
		return fail("%s: %s", display(in), r == ERR_IO ? strerror(e) : err_str(r));
	}
	if (keyfile_openssh_detect(data.data, data.len)) {
		if (keyfile_openssh_info(data.data, data.len, &info) == 0 && info.encrypted &&
		    info.supported && (r = askpass_key(display(in), pass, sizeof(pass), NULL)) != 0) {
			buf_free(&data);
			if (r == ERR_IO)
				return fail("%s: the key is encrypted: set $" ASKPASS_ENV
					    " or run on a terminal", display(in));
			return fail("%s: cannot read the passphrase: %s", display(in), err_str(r));
		}
		r = keyfile_openssh_parse(data.data, data.len, pass, k);
	} else {
		r = keyfile_dropbear_parse(data.data, data.len, k);
	}
	wipe(pass, sizeof(pass));
	if (r)
		r = explain(in, r, data.data, data.len);
	buf_free(&data);
	return r;
}

static int parse_rounds(const char *s, uint32_t *out)
{
	unsigned long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > BCRYPT_MAX_ROUNDS)
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v < 1 || v > BCRYPT_MAX_ROUNDS)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int convert_main(int argc, char **argv)
{
	const char *cipher = DEFAULT_CIPHER, *in, *outpath;
	char newpass[ASKPASS_MAX] = "";
	uint32_t rounds = BCRYPT_DEFAULT_ROUNDS;
	int opt, encrypt = 0, to_openssh, r, e, status = 1;
	struct key *k = NULL;
	struct stat st;
	struct buf out;
	struct optparse o;

	optparse_init(&o);
	while ((opt = optparse_next(&o, argc, argv, "hec:a:")) != -1) {
		switch (opt) {
		case 'h':
			usage();
			return 0;
		case 'e':
			encrypt = 1;
			break;
		case 'c':
			if (!keyfile_openssh_cipher_ok(o.arg))
				return fail("unknown cipher '%s' for -c (aes256-ctr, "
					    "aes256-gcm@openssh.com, chacha20-poly1305@openssh.com)",
					    o.arg);
			cipher = o.arg;
			break;
		case 'a':
			if (parse_rounds(o.arg, &rounds) != 0)
				return fail("bad -a rounds '%s' (1 to %d)", o.arg, BCRYPT_MAX_ROUNDS);
			break;
		case ':':
			return fail("option -%c needs a value (see -h)", o.opt);
		default:
			return fail("unknown option -%c (see -h)", o.opt);
		}
	}
	argc -= o.ind;
	argv += o.ind;
	if (argc != 4)
		return fail("all four arguments must be given (see -h)");
	if (strcmp(argv[0], "openssh") != 0 && strcmp(argv[0], "dropbear") != 0)
		return fail("input type '%s' is neither openssh nor dropbear", argv[0]);
	if (strcmp(argv[1], "openssh") != 0 && strcmp(argv[1], "dropbear") != 0)
		return fail("output type '%s' is neither openssh nor dropbear", argv[1]);
	to_openssh = strcmp(argv[1], "openssh") == 0;
	in = argv[2];
	outpath = argv[3];
	if (encrypt && !to_openssh)
		return fail("-e: Dropbear's format has no encryption; use openssh output");
	if (*outpath == '\0')
		return fail("empty output file name");
	/* before any prompt; lstat, because a dangling symlink is in the way too */
	if (strcmp(outpath, "-") != 0 && lstat(outpath, &st) == 0)
		return fail("%s: %s", outpath, err_str(ERR_EXISTS));
	if ((r = crypto_init()) != 0)
		return fail("%s", err_str(r));

	if ((r = load(in, &k)) != 0)
		return r;
	if (encrypt && (r = new_passphrase(newpass, sizeof(newpass))) != 0)
		goto done_key;
	if ((r = buf_init_secret(&out, 4096, DB_MAX_KEYFILE)) != 0) {
		fail("%s", err_str(r));
		goto done_key;
	}
	r = to_openssh ? keyfile_openssh_put_ex(k, encrypt ? newpass : NULL, cipher, rounds, &out)
		       : keyfile_dropbear_put(k, &out);
	if (r) {
		fail("%s: %s", outpath, err_str(r));
	} else {
		r = strcmp(outpath, "-") == 0 ? write_stdout(out.data, out.len)
					       : keyfile_write_new(outpath, out.data, out.len, 0600);
		e = errno;
		if (r)
			fail("%s: %s", strcmp(outpath, "-") == 0 ? "standard output" : outpath,
			     r == ERR_IO ? strerror(e) : err_str(r));
		else {
			/* Dropbear's two lines, only once all went well: an error is one line */
			dprintf(STDERR_FILENO, "Key is a %s key\nWrote key to '%s'\n",
				key_type_name(key_type(k)), outpath);
			status = 0;
		}
	}
	buf_free(&out);
done_key:
	wipe(newpass, sizeof(newpass));
	key_free(k);
	return status;
}
