/* keyfile.c: reading and writing private-key files, and public-key lines.
 *
 * keyfile_parse() tells formats apart by content: today only Dropbear's own (a bare
 * concatenation of SSH wire fields, byte-compatible with dropbearkey 2022.83). A text
 * format (OpenSSH's openssh-key-v1, PEM) begins with "-----BEGIN"; Dropbear's binary one
 * begins with the big-endian length of the type name, whose first byte is 0. A new
 * format is a new file (keyfile-openssh.c, keyfile-pem.c) and one branch there. Every
 * format hands its parts to the key_*_set_private() constructors, which do the
 * consistency checks. */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "askpass.h"
#include "crypto.h"
#include "err.h"
#include "key-internal.h"
#include "keyfile-openssh.h"
#include "options.h"
#include "util.h"

int keyfile_parse_pass(const uint8_t *data, size_t n, const char *passphrase,
		       struct key **out)
{
	*out = NULL;
	if (n > DB_MAX_KEYFILE)
		return ERR_TOOBIG;
	/* Dropbear's binary format starts with a string length's zero high byte; every
	 * text format (openssh-key-v1, PEM) cannot. */
	if (keyfile_openssh_detect(data, n)) {
#if DB_KEYFILE_TEXT
		return keyfile_openssh_parse(data, n, passphrase, out);
#else
		(void)passphrase;
		return ERR_UNSUPPORTED;
#endif
	}
	return keyfile_dropbear_parse(data, n, out);
}

int keyfile_parse(const uint8_t *data, size_t n, struct key **out)
{
	return keyfile_parse_pass(data, n, NULL, out);
}

/* ---- Dropbear's format (keyfile.h has the layout) */

#if DB_KEY_ED25519
static int db_get_ed25519(struct key *k, struct buf *b)
{
	uint8_t seed[32];
	const uint8_t *kp, *pk;
	size_t kplen;
	struct buf in;
	int r;

	/* one string: 32-byte seed || 32-byte public key */
	if ((r = buf_get_string(b, &kp, &kplen)) != 0 || (r = buf_end(b)) != 0)
		return r;
	if (kplen != 64)
		return ERR_FORMAT;
	buf_view(&in, kp, kplen);
	r = buf_get_bytes(&in, seed, 32);
	if (!r)
		r = buf_get_raw(&in, &pk, 32);
	if (!r)
		r = key_ed25519_set_private(k, seed, pk);
	wipe(seed, sizeof(seed));
	return r;
}
#endif

#if DB_KEY_ECDSA
static int db_get_ecdsa(struct key *k, struct buf *b)
{
	const uint8_t *id, *q, *d;
	size_t idlen, qlen, dlen;
	int r;

	if ((r = buf_get_string(b, &id, &idlen)) != 0 || (r = buf_get_string(b, &q, &qlen)) != 0 ||
	    (r = buf_get_mpint(b, &d, &dlen)) != 0 || (r = buf_end(b)) != 0)
		return r;
	if (ecc_curve_by_name((const char *)id, idlen) != k->u.ecdsa.curve)
		return ERR_FORMAT;
	return key_ecdsa_set_private(k, q, qlen, d, dlen);
}
#endif

#if DB_KEY_RSA
static int db_get_rsa(struct key *k, struct buf *b)
{
	struct key_rsa_parts pt;
	int r;

	/* e, n, d, p, q: the order dropbearkey writes (older Dropbear files without p and q
	 * are refused: we need them for CRT and for the consistency check) */
	if ((r = buf_get_mpint(b, &pt.e, &pt.elen)) != 0 ||
	    (r = buf_get_mpint(b, &pt.n, &pt.nlen)) != 0 ||
	    (r = buf_get_mpint(b, &pt.d, &pt.dlen)) != 0 ||
	    (r = buf_get_mpint(b, &pt.p, &pt.plen)) != 0 ||
	    (r = buf_get_mpint(b, &pt.q, &pt.qlen)) != 0 || (r = buf_end(b)) != 0)
		return r;
	return key_rsa_set_private(k, &pt);
}
#endif

int keyfile_dropbear_parse(const uint8_t *data, size_t n, struct key **out)
{
	struct buf b;
	struct key *k;
	int r;

	*out = NULL;
	if (n > DB_MAX_KEYFILE)
		return ERR_TOOBIG;
	buf_view(&b, data, n);
	if ((r = key_new_named(&b, &k)) != 0)
		return r;
	switch (k->type) {
#if DB_KEY_ED25519
	case KEY_ED25519: r = db_get_ed25519(k, &b); break;
#endif
#if DB_KEY_ECDSA
	case KEY_ECDSA_P256:
	case KEY_ECDSA_P384:
	case KEY_ECDSA_P521: r = db_get_ecdsa(k, &b); break;
#endif
#if DB_KEY_RSA
	case KEY_RSA: r = db_get_rsa(k, &b); break;
#endif
	default: r = ERR_UNSUPPORTED; break;
	}
	if (r) {
		key_free(k);
		return r;
	}
	*out = k;
	return 0;
}

int keyfile_dropbear_put(const struct key *k, struct buf *out)
{
	size_t save = out->len;
	int r;

	if (!key_is_private(k))
		return ERR_NEEDPRIVATE;
	r = buf_put_cstr(out, key_type_name(k->type));
	switch (k->type) {
#if DB_KEY_ED25519
	case KEY_ED25519:
		if (!r)
			r = buf_put_u32(out, 64);
		if (!r)
			r = buf_put_bytes(out, k->u.ed25519.seed, 32);
		if (!r)
			r = buf_put_bytes(out, k->u.ed25519.pk, 32);
		break;
#endif
#if DB_KEY_ECDSA
	case KEY_ECDSA_P256:
	case KEY_ECDSA_P384:
	case KEY_ECDSA_P521: {
		const struct ecc_curve *c = k->u.ecdsa.curve;
		if (!r)
			r = buf_put_cstr(out, ecc_curve_name(c));
		if (!r)
			r = buf_put_string(out, k->u.ecdsa.q, ecc_point_len(c));
		/* a minimal mpint, no padding to the curve size: as dropbearkey writes it */
		if (!r)
			r = buf_put_mpint(out, k->u.ecdsa.d, ecc_curve_bytes(c));
		break;
	}
#endif
#if DB_KEY_RSA
	case KEY_RSA: {
		const struct key_rsa *a = &k->u.rsa;
		if (!r)
			r = key_put_mp(out, &a->e);
		if (!r)
			r = key_put_mp(out, &a->n);
		if (!r)
			r = key_put_mp(out, &a->d);
		if (!r)
			r = key_put_mp(out, &a->p);
		if (!r)
			r = key_put_mp(out, &a->q);
		break;
	}
#endif
	default: r = ERR_UNSUPPORTED; break;
	}
	if (r)
		out->len = save;
	return r;
}

/* ---- public-key lines (the format of OpenSSH's *.pub and authorized_keys) */

int keyfile_public_line(const struct key *k, const char *comment, struct buf *out)
{
	struct buf blob;
	size_t save = out->len, b64len;
	const char *c;
	char *p;
	int r;

	if (!comment)
		comment = key_comment(k);
	/* one line: no control characters in the comment */
	for (c = comment; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return ERR_INVALID;
	if ((r = buf_init(&blob, 512, DB_MAX_PUBKEY_BLOB)) != 0)
		return r;
	r = key_put_blob(k, &blob);
	b64len = base64_len(blob.len);
	if (!r)
		r = buf_put_bytes(out, key_type_name(k->type), strlen(key_type_name(k->type)));
	if (!r)
		r = buf_put_u8(out, ' ');
	if (!r)
		r = buf_reserve(out, b64len + 1, (uint8_t **)&p);
	if (!r) {
		r = base64_enc(blob.data, blob.len, p, b64len + 1);
		out->len--; /* drop the NUL base64_enc wrote */
	}
	if (!r && *comment) {
		r = buf_put_u8(out, ' ');
		if (!r)
			r = buf_put_bytes(out, comment, strlen(comment));
	}
	if (!r)
		r = buf_put_u8(out, '\n');
	buf_free(&blob);
	if (r)
		out->len = save;
	return r;
}

/* ---- files */

int keyfile_load(const char *path, struct key **out)
{
	return keyfile_load_ask(path, NULL, NULL, out);
}

int keyfile_load_ask(const char *path, keyfile_askpass_fn ask, void *arg, struct key **out)
{
	struct buf b;
	struct stat st;
	int fd, r, saved;

	*out = NULL;
	/* O_NONBLOCK: opening a FIFO must not hang; it is refused just below */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
		return ERR_IO;
	if (fstat(fd, &st) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return ERR_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return ERR_IO;
	}
	if (st.st_size > DB_MAX_KEYFILE) {
		close(fd);
		return ERR_TOOBIG;
	}
	/* Bounded whatever st_size said: the file may change under us. */
	if ((r = buf_init_secret(&b, (size_t)st.st_size + 1, DB_MAX_KEYFILE + 1)) != 0) {
		close(fd);
		return r;
	}
	for (;;) {
		size_t chunk = b.max - b.len;
		uint8_t *p;
		ssize_t got;

		if (chunk == 0) {
			r = ERR_TOOBIG;
			break;
		}
		if (chunk > 4096)
			chunk = 4096;
		if ((r = buf_reserve(&b, chunk, &p)) != 0)
			break;
		got = read(fd, p, chunk);
		if (got < 0) {
			b.len -= chunk;
			if (errno == EINTR)
				continue;
			r = ERR_IO;
			break;
		}
		b.len -= chunk - (size_t)got;
		if (got == 0)
			break;
	}
	saved = errno;
	close(fd);
	if (!r) {
		struct keyfile_openssh_info info;
		char pass[ASKPASS_MAX] = "";
		/* ask only for a file we can open: an unknown cipher is refused unasked */
		if (DB_KEYFILE_TEXT && ask && keyfile_openssh_detect(b.data, b.len) &&
		    keyfile_openssh_info(b.data, b.len, &info) == 0 && info.encrypted &&
		    info.supported)
			r = ask(path, pass, sizeof(pass), arg);
		if (!r)
			r = keyfile_parse_pass(b.data, b.len, pass, out);
		saved = errno;
		wipe(pass, sizeof(pass));
	}
	buf_free(&b);
	errno = saved;
	return r;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return ERR_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The directory entry is durable only once its directory is synced; best effort. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int keyfile_write_new(const char *path, const uint8_t *data, size_t n, mode_t mode)
{
	size_t plen = strlen(path);
	char *tmp;
	uint8_t rnd[8];
	int fd = -1, r, tries, saved = 0;

	if (plen == 0)
		return ERR_INVALID;
	if ((r = crypto_init()) != 0)
		return r;
	if (!(tmp = malloc(plen + sizeof(".tmp") + 2 * sizeof(rnd))))
		return ERR_NOMEM;
	/* A fresh name beside path, created exclusively and never through a symlink. */
	for (tries = 0; tries < 16; tries++) {
		if ((r = rand_bytes(rnd, sizeof(rnd))) != 0)
			goto out_free;
		snprintf(tmp, plen + sizeof(".tmp") + 2 * sizeof(rnd), "%s.tmp%02x%02x%02x%02x%02x%02x%02x%02x",
			 path, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		r = ERR_IO;
		goto out_free;
	}
	r = write_all(fd, data, n);
	if (!r && fsync(fd) != 0)
		r = ERR_IO;
	saved = errno;
	if (close(fd) != 0 && !r) {
		r = ERR_IO;
		saved = errno;
	}
	/* link() refuses an existing destination, a symlink (even a dangling one)
	 * included, and never follows it: the file appears whole or not at all. */
	if (!r && link(tmp, path) != 0) {
		saved = errno;
		r = errno == EEXIST ? ERR_EXISTS : ERR_IO;
	}
	(void)unlink(tmp);
	if (!r)
		sync_dir(path);
	errno = saved;
out_free:
	free(tmp);
	return r;
}
