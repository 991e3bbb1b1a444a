/* Key files: Dropbear's format against files written by Debian's dropbearkey 2022.83
 * (byte for byte), signatures against an independent implementation, every truncation,
 * random bytes, inconsistent keys, and the file helpers (load, write_new, public line). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "crypto.h"
#include "err.h"
#include "harness.h"
#include "key.h"
#include "keyfile.h"
#include "options.h"

/* Written by /usr/bin/dropbearkey (dropbear-bin 2022.83, Debian 12); the fingerprints and
 * public lines are what `ssh-keygen -l -f` and `dropbearkey -y` print for them. */
static const char ed_file[] =
	"0000000b7373682d65643235353139000000406dfa096e91097d38ff81deec22e24171a33d69"
	"4846f3135d637ae1cc2ca00ba4d9dc5c0bc79a02b79a9384fe9469aa89d8fe96972ef9d8112f"
	"dd5d0c52626f6c";
static const char ed_fp[] = "SHA256:ZXTqosSPZTJ1t9YiG0k5OTtgqOWK1Qt1LGK/8ds5dxA";
static const char ed_line[] =
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINncXAvHmgK3mpOE/pRpqonY/paXLvnYES/dXQxSYm9s "
	"root@vm\n";

static const char ec_file[] =
	"0000001365636473612d736861322d6e69737470323536000000086e697374703235360000"
	"004104d5e0914b6bf46219c06f3569cb81b34a4c1fff0af5e4b0b2ba073696729ec01a77c7a5"
	"c7e6369737a8711130c9e84584b6a58246fe28db0afa930576ef3e90f20000002100846aadfc"
	"3a64cfe3fc8183d0301c38b876b4c56040fb6429b9d454bc01087779";
static const char ec_fp[] = "SHA256:WsvPvtElgOCI5sCuehiVYoXjTH/M5ZIzN9KpWK0b23k";
static const char ec_line[] =
	"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNXgkUt"
	"r9GIZwG81acuBs0pMH/8K9eSwsroHNpZynsAad8elx+Y2lzeocREwyehFhLalgkb+KNsK+pMFdu8+kP"
	"I= root@vm\n";

static const char rsa_file[] =
	"000000077373682d727361000000030100010000008100c297424e5221ad34c31bcb303238a5"
	"73088088c224c2be5b661a5eacbd5a4e4e5319cd06d5dbf04431c5ecd3981a9c9cc66fb44e57"
	"7728961858bc511496c9c905d77d2df5d5bf46411cc25c153b34e9a48e5c1882dc1df446f378"
	"146118ca0bd33e654d152d128915c81ae40c3349a6c03b42e75109a49af6ba9428d022a95100"
	"000080030047b4c306037098a0bd5bbf2e89f8b1f51f86d4ffcee544781c25305f6bed3fd15a"
	"4ce46ff9aee7909ca42fc89b493cb33cd5e779ee3d905f0ffa752595339650c71fd5b835be1f"
	"25660098ab40263e296231056f974e186e45665ce3c0f887ef02a971882a1e922acf2ba2aa5e"
	"5fe8522d06da9b155b5700a0a177b894010000004100f6ed7306684e601680ced9af388c203a"
	"31cc0a40c5bc3b8af2e9e5cb64b630bd49af20cc5a80a9528cd658086f6c8d24e4e95bf246f0"
	"99db2ebca0abc3b4d6510000004100c9bd8a99d20769bd7ced6f9c2a6a5cae5b3c4f5585a0de"
	"3f9abc4d2b7814e0c9159c8a5b11852d91e53b204492f5f65fde3624bfd150f66137c24545df"
	"24e301";
static const char rsa_fp[] = "SHA256:MPeHl5PdAT3hWYNqVAD9TOjlQ9tlWIevFT4L8cz0K30";

/* Signatures of "sample" by the keys above, computed with Python's cryptography
 * (OpenSSL): Ed25519 and PKCS#1 v1.5 are deterministic, so ours must be identical. */
static const char ed_sig[] =
	"d34cae2e5ccec299fb3268d2e16debed9a110aac1cfb0373ec4fb84a855cfa34cdadf5e18581a1"
	"9f8be3887d8085c12fb1403b4eb1e9d99b48eca3be436e7709";
static const struct {
	const char *alg, *sig;
} rsa_sigs[] = {
	{ "rsa-sha2-512",
	  "81c6affa6a5adc1dc5168d1df9e609acaeca28266794953a67dd52bff8c513ce7d7888178f32c005"
	  "f7df5851b07a82506b228a8b66aac66499652da126a20d797eed07a38e48202fcf9137f33441bd8a"
	  "95be19ab7a1eeb92155d049cf03bb64319ae88c270545681e9377afaee8d9ae57144b038706e3165"
	  "928a9d06d542fbda" },
	{ "rsa-sha2-256",
	  "8ab12a4e65fad2c52bc20720529f1473f302df8b2de4f0cdae77ee4ce782ed9f901d366fac8a956b"
	  "eaa326c8a659029c75c7b4365c377c68c48ce9003b67e39bcc4b0acf5f144c5dc09043d522cfb5b2"
	  "bd61fac7df476b73354d4c9d2a796d53a14834eefff9e2b2f5a2da70b2710bf0b6f930ff6f5433f1"
	  "752ebde192f93a23" },
	{ "ssh-rsa",
	  "1d943df0b225584e7d165c03999413f51ac56346a4849d53910ad97a3b605120ae46ebff0265b2eb"
	  "30e302759b5d0a504704eb3b2fd163b4b1db315c5e21e17fcf310643df86da7176320c8462e946ec"
	  "973bd59a60456b87d9fa40a442aab3e1b9caa0fe85408348bf54e3baeb5ba4d23b8fe9b5daf0ab2d"
	  "9794f96b6e39f47c" },
};

static uint8_t filebuf[4096];

static size_t load_hex(const char *hex)
{
	return hex2bin(hex, filebuf, sizeof(filebuf));
}

/* parse, check fingerprint and line, write back byte for byte */
static struct key *vector(const char *hex, const char *fp, const char *line)
{
	size_t n = load_hex(hex);
	struct key *k = NULL;
	struct buf b;
	char got[KEY_FP_LEN];

	CHECK_OK(keyfile_parse(filebuf, n, &k));
	if (!k)
		return NULL;
	CHECK(key_is_private(k));
	CHECK_OK(key_fingerprint(k, got, sizeof(got)));
	CHECK(strcmp(got, fp) == 0);
	CHECK_OK(buf_init_secret(&b, 64, DB_MAX_KEYFILE));
	CHECK_OK(keyfile_dropbear_put(k, &b));
	CHECK(b.len == n && memcmp(b.data, filebuf, n) == 0);
	if (line) {
		buf_reset(&b);
		CHECK_OK(keyfile_public_line(k, "root@vm", &b));
		CHECK(b.len == strlen(line) && memcmp(b.data, line, b.len) == 0);
	}
	buf_free(&b);
	return k;
}

/* our signature of "sample" == the reference one; the reference verifies */
static void kat(const struct key *k, const char *alg, const char *sighex)
{
	uint8_t ref[512];
	size_t n = hex2bin(sighex, ref, sizeof(ref));
	struct buf ours, theirs, rd;
	const uint8_t *a, *s;
	size_t alen, slen;

	CHECK_OK(buf_init(&ours, 64, 4096));
	CHECK_OK(key_sign(k, alg, (const uint8_t *)"sample", 6, &ours));
	buf_view(&rd, ours.data, ours.len);
	CHECK_OK(buf_get_string(&rd, &a, &alen));
	CHECK_OK(buf_get_string(&rd, &s, &slen));
	CHECK(alen == strlen(alg) && memcmp(a, alg, alen) == 0);
	CHECK(slen == n && memcmp(s, ref, n) == 0);
	CHECK_OK(buf_init(&theirs, 64, 4096));
	CHECK_OK(buf_put_cstr(&theirs, alg));
	CHECK_OK(buf_put_string(&theirs, ref, n));
	CHECK_OK(key_verify(k, alg, theirs.data, theirs.len, (const uint8_t *)"sample", 6));
	CHECK(key_verify(k, alg, theirs.data, theirs.len, (const uint8_t *)"sampLe", 6) ==
	      ERR_BADSIG);
	buf_free(&ours);
	buf_free(&theirs);
}

static void test_debian_ed25519(void)
{
	struct key *k = vector(ed_file, ed_fp, ed_line);
	if (k)
		kat(k, "ssh-ed25519", ed_sig);
	key_free(k);
}

static void test_debian_ecdsa(void)
{
	struct key *k = vector(ec_file, ec_fp, ec_line);
	key_free(k);
}

static void test_debian_rsa(void)
{
	struct key *k = vector(rsa_file, rsa_fp, NULL);
	size_t i;
	if (k) {
		CHECK(key_bits(k) == 1024);
		for (i = 0; i < sizeof(rsa_sigs) / sizeof(rsa_sigs[0]); i++)
			kat(k, rsa_sigs[i].alg, rsa_sigs[i].sig);
	}
	key_free(k);
}

/* Every proper prefix of a valid file is refused, with an error and no key. */
static void truncations(const uint8_t *p, size_t n)
{
	size_t i;
	int bad = 0;
	for (i = 0; i < n; i++) {
		struct key *k = NULL;
		int r = keyfile_parse(p, i, &k);
		if (r == 0 || k)
			bad++;
		key_free(k);
	}
	CHECK(bad == 0);
}

static void test_truncated_every_offset(void)
{
	static const enum key_type more[] = { KEY_ECDSA_P384, KEY_ECDSA_P521, KEY_RSA };
	struct buf b;
	size_t i;

	truncations(filebuf, load_hex(ed_file));
	truncations(filebuf, load_hex(ec_file));
	truncations(filebuf, load_hex(rsa_file));
	CHECK_OK(buf_init_secret(&b, 64, DB_MAX_KEYFILE));
	for (i = 0; i < sizeof(more) / sizeof(more[0]); i++) {
		struct key *k;
		CHECK_OK(key_generate(more[i], more[i] == KEY_RSA ? 1024 : 0, &k));
		buf_reset(&b);
		CHECK_OK(keyfile_dropbear_put(k, &b));
		truncations(b.data, b.len);
		key_free(k);
	}
	buf_free(&b);
}

static void test_trailing_and_limits(void)
{
	struct key *k = NULL;
	size_t n = load_hex(ed_file);
	uint8_t *big;

	filebuf[n] = 0;
	CHECK(keyfile_parse(filebuf, n + 1, &k) == ERR_TRAILING && !k);
	n = load_hex(rsa_file);
	filebuf[n] = 0;
	CHECK(keyfile_parse(filebuf, n + 1, &k) == ERR_TRAILING && !k);
	CHECK(keyfile_parse(filebuf, 0, &k) == ERR_TRUNCATED && !k);
	big = calloc(1, DB_MAX_KEYFILE + 1);
	CHECK(keyfile_parse(big, DB_MAX_KEYFILE + 1, &k) == ERR_TOOBIG && !k);
	free(big);
	/* a BEGIN line with no END: a truncated text key file */
	CHECK(keyfile_parse((const uint8_t *)"-----BEGIN OPENSSH PRIVATE KEY-----\n", 36, &k) ==
	      ERR_FORMAT && !k);
}

/* Random bytes, bare and behind each valid type header. */
static void test_random_bytes(void)
{
	static const char *const heads[] = { "", ed_file, ec_file, rsa_file };
	uint8_t buf[700];
	size_t i, h;
	int accepted = 0;

	for (h = 0; h < sizeof(heads) / sizeof(heads[0]); h++) {
		size_t hl = 0;
		if (*heads[h]) {
			hl = load_hex(heads[h]);
			/* keep the type name string (and for ECDSA the curve id) */
			hl = h == 2 ? 4 + 19 + 4 + 8 : h == 1 ? 4 + 11 : 4 + 7;
			memcpy(buf, filebuf, hl);
		}
		for (i = 0; i < 3000; i++) {
			struct key *k = NULL;
			size_t n = hl + rand_uniform((uint32_t)(sizeof(buf) - hl));
			CHECK_OK(rand_bytes(buf + hl, n - hl));
			if (keyfile_parse(buf, n, &k) == 0)
				accepted++;
			key_free(k);
		}
	}
	CHECK(accepted == 0);
}

/* ---- inconsistent files */

static void test_ed25519_mismatch(void)
{
	struct key *k = NULL;
	size_t n = load_hex(ed_file);
	filebuf[n - 1] ^= 1; /* public half */
	CHECK(keyfile_parse(filebuf, n, &k) == ERR_MISMATCH && !k);
	n = load_hex(ed_file);
	filebuf[4 + 11 + 4] ^= 1; /* seed */
	CHECK(keyfile_parse(filebuf, n, &k) == ERR_MISMATCH && !k);
	/* a 63-byte key string */
	n = load_hex(ed_file);
	filebuf[4 + 11 + 3] = 63;
	CHECK(keyfile_parse(filebuf, n - 1, &k) == ERR_FORMAT && !k);
}

/* Rebuilds the ECDSA vector with Q and d replaced. */
static int ec_with(const uint8_t *q, size_t qlen, const uint8_t *d, size_t dlen,
		   const char *curve)
{
	struct buf b;
	struct key *k = NULL;
	int r;
	CHECK_OK(buf_init(&b, 64, 1024));
	CHECK_OK(buf_put_cstr(&b, "ecdsa-sha2-nistp256"));
	CHECK_OK(buf_put_cstr(&b, curve));
	CHECK_OK(buf_put_string(&b, q, qlen));
	CHECK_OK(buf_put_mpint(&b, d, dlen));
	r = keyfile_parse(b.data, b.len, &k);
	CHECK(!r == !!k);
	key_free(k);
	buf_free(&b);
	return r;
}

static void test_ecdsa_inconsistent(void)
{
	struct buf r;
	const uint8_t *nm, *id, *q0, *d0;
	size_t nmlen, idlen, qlen, dlen, n = load_hex(ec_file);
	uint8_t q[65], d[33], other[65], ord[32];
	struct key *k2;
	struct buf ob;

	buf_view(&r, filebuf, n);
	CHECK_OK(buf_get_string(&r, &nm, &nmlen));
	CHECK_OK(buf_get_string(&r, &id, &idlen));
	CHECK_OK(buf_get_string(&r, &q0, &qlen));
	CHECK_OK(buf_get_mpint(&r, &d0, &dlen));
	CHECK(qlen == 65 && dlen <= 32);
	memcpy(q, q0, 65);
	memcpy(d, d0, dlen);
	CHECK_OK(ec_with(q, 65, d, dlen, "nistp256"));
	CHECK(ec_with(q, 65, d, dlen, "nistp521") == ERR_FORMAT);
	q[64] ^= 1;
	CHECK(ec_with(q, 65, d, dlen, "nistp256") == ERR_INVALID); /* not on the curve */
	q[64] ^= 1;
	CHECK(ec_with(q, 64, d, dlen, "nistp256") == ERR_FORMAT);
	/* another valid point: on the curve, but not d*G */
	CHECK_OK(key_generate(KEY_ECDSA_P256, 0, &k2));
	CHECK_OK(buf_init(&ob, 64, 1024));
	CHECK_OK(key_put_blob(k2, &ob));
	memcpy(other, ob.data + ob.len - 65, 65);
	CHECK(ec_with(other, 65, d, dlen, "nistp256") == ERR_MISMATCH);
	buf_free(&ob);
	key_free(k2);
	/* d = 0, d = n, d longer than the curve */
	CHECK(ec_with(q, 65, d, 0, "nistp256") == ERR_INVALID);
	hex2bin("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", ord, 32);
	CHECK(ec_with(q, 65, ord, 32, "nistp256") == ERR_INVALID);
	memset(d + dlen, 0x11, 33 - dlen);
	d[0] = 1;
	CHECK(ec_with(q, 65, d, 33, "nistp256") == ERR_INVALID);
}

/* The RSA vector's fields, and a rebuild with some replaced. */
struct rsa_fields {
	const uint8_t *v[5];
	size_t len[5];
};

static void rsa_split(struct rsa_fields *f)
{
	struct buf r;
	const uint8_t *nm;
	size_t nmlen, i, n = load_hex(rsa_file);
	buf_view(&r, filebuf, n);
	CHECK_OK(buf_get_string(&r, &nm, &nmlen));
	for (i = 0; i < 5; i++)
		CHECK_OK(buf_get_mpint(&r, &f->v[i], &f->len[i]));
	CHECK_OK(buf_end(&r));
}

static int rsa_with(const struct rsa_fields *f, size_t nfields)
{
	struct buf b;
	struct key *k = NULL;
	size_t i;
	int r;
	CHECK_OK(buf_init(&b, 64, 8192));
	CHECK_OK(buf_put_cstr(&b, "ssh-rsa"));
	for (i = 0; i < nfields; i++)
		CHECK_OK(buf_put_mpint(&b, f->v[i], f->len[i]));
	r = keyfile_parse(b.data, b.len, &k);
	CHECK(!r == !!k);
	key_free(k);
	buf_free(&b);
	return r;
}

static void test_rsa_inconsistent(void)
{
	struct rsa_fields f, g;
	uint8_t mod[5][200];
	size_t i;

	rsa_split(&f);
	for (i = 0; i < 5; i++) {
		memcpy(mod[i], f.v[i], f.len[i]);
		g.v[i] = mod[i];
		g.len[i] = f.len[i];
	}
	CHECK_OK(rsa_with(&g, 5));
	CHECK(rsa_with(&g, 3) == ERR_TRUNCATED); /* old Dropbear files had no p, q */
	mod[3][g.len[3] - 1] ^= 2; /* p + 2 or p - 2: p*q != n */
	CHECK(rsa_with(&g, 5) == ERR_MISMATCH);
	mod[3][g.len[3] - 1] ^= 2;
	mod[2][g.len[2] - 1] ^= 2; /* d */
	CHECK(rsa_with(&g, 5) == ERR_MISMATCH);
	mod[2][g.len[2] - 1] ^= 2;
	/* p and q swapped: still consistent (CRT is derived) */
	g.v[3] = mod[4], g.len[3] = f.len[4];
	g.v[4] = mod[3], g.len[4] = f.len[3];
	CHECK_OK(rsa_with(&g, 5));
	g.v[3] = mod[3], g.len[3] = f.len[3];
	g.v[4] = mod[4], g.len[4] = f.len[4];
	/* p = 1, q = n */
	{
		static const uint8_t one = 1;
		g.v[3] = &one, g.len[3] = 1;
		g.v[4] = f.v[1], g.len[4] = f.len[1];
		CHECK(rsa_with(&g, 5) == ERR_INVALID);
		g.v[3] = mod[3], g.len[3] = f.len[3];
		g.v[4] = mod[4], g.len[4] = f.len[4];
	}
	/* d = 0 */
	g.len[2] = 0;
	CHECK(rsa_with(&g, 5) == ERR_INVALID);
	g.len[2] = f.len[2];
	/* even e */
	mod[0][g.len[0] - 1] ^= 1;
	CHECK(rsa_with(&g, 5) == ERR_INVALID);
}

/* ---- files */

static char dir[64];

/* dir/name, in one of four rotating buffers so that two can be used in one call */
static char *path_in(const char *name)
{
	static char p[4][128];
	static int i;
	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static int count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write_new(void)
{
	static const uint8_t data[] = "key bytes";
	struct stat st;
	char target[128];
	size_t len;
	uint8_t *back;

	umask(022);
	CHECK_OK(keyfile_write_new(path_in("a"), data, sizeof(data), 0600));
	CHECK(stat(path_in("a"), &st) == 0 && (st.st_mode & 0777) == 0600 && S_ISREG(st.st_mode));
	back = read_file(path_in("a"), &len);
	CHECK(back && len == sizeof(data) && memcmp(back, data, len) == 0);
	free(back);
	/* never overwrites */
	CHECK(keyfile_write_new(path_in("a"), (const uint8_t *)"x", 1, 0600) == ERR_EXISTS);
	back = read_file(path_in("a"), &len);
	CHECK(back && len == sizeof(data));
	free(back);
	CHECK_OK(keyfile_write_new(path_in("a.pub"), data, 3, 0644));
	CHECK(stat(path_in("a.pub"), &st) == 0 && (st.st_mode & 0777) == 0644);
	/* a dangling symlink at the path: refused, its target not created */
	snprintf(target, sizeof(target), "%s", path_in("target"));
	CHECK(symlink(target, path_in("link")) == 0);
	CHECK(keyfile_write_new(path_in("link"), data, sizeof(data), 0600) == ERR_EXISTS);
	CHECK(lstat(target, &st) != 0 && errno == ENOENT);
	/* a symlink to an existing file: refused, the file untouched */
	CHECK(symlink(path_in("a"), path_in("link2")) == 0);
	CHECK(keyfile_write_new(path_in("link2"), (const uint8_t *)"x", 1, 0600) == ERR_EXISTS);
	back = read_file(path_in("a"), &len);
	CHECK(back && len == sizeof(data) && memcmp(back, data, len) == 0);
	free(back);
	/* a missing directory: ERR_IO with errno */
	errno = 0;
	CHECK(keyfile_write_new(path_in("nodir/k"), data, 1, 0600) == ERR_IO && errno == ENOENT);
	/* no temporary file left behind: a, a.pub, link, link2 */
	CHECK(count_entries() == 4);
	unlink(path_in("a"));
	unlink(path_in("a.pub"));
	unlink(path_in("link"));
	unlink(path_in("link2"));
}

static void test_load(void)
{
	struct key *k = NULL;
	char fp[KEY_FP_LEN];
	size_t n = load_hex(ec_file);
	uint8_t *big;

	CHECK_OK(keyfile_write_new(path_in("ec"), filebuf, n, 0600));
	CHECK_OK(keyfile_load(path_in("ec"), &k));
	CHECK(k && key_fingerprint(k, fp, sizeof(fp)) == 0 && strcmp(fp, ec_fp) == 0);
	key_free(k);
	/* through a symlink: reading follows it, as any reader does */
	CHECK(symlink(path_in("ec"), path_in("ln")) == 0);
	CHECK_OK(keyfile_load(path_in("ln"), &k));
	key_free(k);
	k = NULL;
	errno = 0;
	CHECK(keyfile_load(path_in("missing"), &k) == ERR_IO && errno == ENOENT && !k);
	CHECK(keyfile_load(dir, &k) == ERR_IO && errno == EISDIR && !k);
	CHECK(keyfile_load("/dev/null", &k) == ERR_IO && !k);
	CHECK(mkfifo(path_in("fifo"), 0600) == 0);
	CHECK(keyfile_load(path_in("fifo"), &k) == ERR_IO && !k); /* and does not hang */
	big = calloc(1, DB_MAX_KEYFILE + 1);
	CHECK_OK(keyfile_write_new(path_in("big"), big, DB_MAX_KEYFILE + 1, 0600));
	CHECK(keyfile_load(path_in("big"), &k) == ERR_TOOBIG && !k);
	free(big);
	/* a file that is not a key */
	CHECK_OK(keyfile_write_new(path_in("junk"), (const uint8_t *)"junk", 4, 0600));
	CHECK(keyfile_load(path_in("junk"), &k) != 0 && !k);
	unlink(path_in("ec"));
	unlink(path_in("ln"));
	unlink(path_in("fifo"));
	unlink(path_in("big"));
	unlink(path_in("junk"));
}

static void test_public_line(void)
{
	struct key *k = NULL;
	struct buf b;
	size_t n = load_hex(ed_file);
	const char *bare = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINncXAvHmgK3mpOE/pRpqonY/paXLvnYES/dXQxSYm9s\n";

	CHECK_OK(keyfile_parse(filebuf, n, &k));
	if (!k)
		return;
	CHECK_OK(buf_init(&b, 16, 4096));
	CHECK_OK(keyfile_public_line(k, NULL, &b)); /* no comment: no trailing space */
	CHECK(b.len == strlen(bare) && memcmp(b.data, bare, b.len) == 0);
	buf_reset(&b);
	CHECK_OK(keyfile_public_line(k, "", &b));
	CHECK(b.len == strlen(bare));
	buf_reset(&b);
	CHECK_OK(key_set_comment(k, "from the key"));
	CHECK_OK(keyfile_public_line(k, NULL, &b));
	CHECK(b.len == strlen(bare) + 13 && memcmp(b.data + b.len - 14, " from the key\n", 14) == 0);
	buf_reset(&b);
	CHECK(keyfile_public_line(k, "two\nlines", &b) == ERR_INVALID && b.len == 0);
	CHECK(keyfile_public_line(k, "tab\there", &b) == ERR_INVALID && b.len == 0);
	buf_free(&b);
	key_free(k);
}

int main(int argc, char **argv)
{
	(void)argc;
	CHECK_OK(crypto_init());
	snprintf(dir, sizeof(dir), "/tmp/test_keyfile.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_debian_ed25519);
	RUN(test_debian_ecdsa);
	RUN(test_debian_rsa);
	RUN(test_truncated_every_offset);
	RUN(test_trailing_and_limits);
	RUN(test_random_bytes);
	RUN(test_ed25519_mismatch);
	RUN(test_ecdsa_inconsistent);
	RUN(test_rsa_inconsistent);
	RUN(test_write_new);
	RUN(test_load);
	RUN(test_public_line);
	rmdir(dir);
	return harness_done(argv[0]);
}
